/* Internal to the C++ shim: the binary values stored with each document,
 * encoded by the writer (lib/index/document.cc) and decoded by the
 * reader (lib/search/).
 * Both are varint streams; see layout.h for the slots. */
#ifndef PSEARCH_CODEC_H
#define PSEARCH_CODEC_H

#ifndef __cplusplus
#error "codec.h is for the C++ shim only"
#endif

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"

/* The unique-id term of a document: "Q" and its path, or "Q#" and 16 hex
 * digits of the path's XXH64 when the path is too long for a term (the
 * path itself is always in the document's values). */
std::string ps__id_term(const char *path);

/* Appends V to S as a varint (seven bits a byte, low first). */
void ps__put_varint(std::string &s, uint64_t v);

/* Reads the varint at V[I] into X and moves I past it; false when V ends
 * first or the varint runs past 64 bits. */
bool ps__get_varint(std::string_view v, size_t &i, uint64_t &x);

/* A byte range of the file. */
struct ps__span {
    size_t off, len;
};

/* How many positions apart the spans value's checkpoints stand. */
#define PS__SPAN_STEP 128
/* A span's one-byte code (below PS__SPAN_ESCAPE): the bytes between the
 * last span's end and its start (at most PS__SPAN_GAP_MAX) in the top two
 * bits, its length (at most PS__SPAN_LEN_MAX) in the low five. */
#define PS__SPAN_GAP_MAX 3u
#define PS__SPAN_LEN_MAX 31u
#define PS__SPAN_ESCAPE 0x80

/* The span of every term position 1..N (a zero span where no word stands):
 * a varint count of checkpoints, the checkpoints, then a code per
 * position: one byte for nearly every word (PS__SPAN_LEN_MAX), else
 * PS__SPAN_ESCAPE and two varints, the zigzag distance from the last
 * span's end to its start and its length. Checkpoint J (from 1) says where
 * the code of position J * PS__SPAN_STEP + 1 starts among the codes and
 * where the span before it ends, each 4 bytes little-endian. Compound
 * wholes share their first part's position and are skipped. */
std::string ps__encode_spans(const ps_token_t *t, size_t n);

/* Reads a spans value (ps__encode_spans()) position by position, from
 * position 1; the value's bytes must outlive the reader. */
class ps__span_reader
{
  public:
    explicit ps__span_reader(std::string_view v);
    /* Whether the value's header could be read. */
    bool ok() const
    {
        return ok_;
    }
    /* The position next() reads next. */
    uint32_t pos() const
    {
        return pos_;
    }
    /* The next position's span into S ({0, 0}-like empty spans for
     * positions with no word); false at the end or where the value is
     * damaged. */
    bool next(ps__span &s);
    /* Moves to the last checkpoint at or before position GOAL when it
     * lies ahead of pos(), so that reaching GOAL costs at most
     * PS__SPAN_STEP codes. */
    void skip_towards(uint32_t goal);
    /* The span of position GOAL (at or after pos()) into S, walking the
     * codes before it without making spans of them; false where next()
     * would fail. */
    bool seek(uint32_t goal, ps__span &s);

  private:
    std::string_view v_;
    const unsigned char *table_ = nullptr;
    size_t base_ = 0, i_ = 0, end_ = 0;
    uint64_t nchecks_ = 0;
    uint32_t pos_ = 1;
    bool ok_ = false;
};

/* The spans of positions WANT only (sorted, unique), in the same order;
 * {0, 0} for a position with no word. Jumps to the checkpoint before each
 * and stops at the last, so a long document costs only what its hits
 * need. */
std::vector<ps__span> ps__decode_spans_at(std::string_view v,
                                          const std::vector<uint32_t> &want);

/* One entity of a document, as stored. ID and NAME point into the value
 * it was read from (or into what identifies it, entity_rows.cc), which
 * must outlive it: a long page names hundreds of entities, and a result
 * shows ten. */
struct ps__entity {
    int type = 0;
    std::string_view id, name;
    bool known = false;
    std::vector<ps_mention_t> mentions;
    /* Per mention, where the way the text writes it (its form) stands in
     * the entity value (ps__entity_form()): a mention's text without
     * reading the text. */
    std::vector<uint32_t> form_of;
    /* How many mentions it has: mentions.size() once they are read. */
    size_t count = 0;
    /* Where its forms start in the entity value while its mentions are
     * not all read yet (ps__decode_entity_heads()); 0 once they are. */
    size_t unread_at = 0;
};

/* Entities as: per entity, type byte, varint-prefixed id and name, known
 * byte, then the varint-prefixed body: the mention count, the count of
 * its forms (each way TEXT of LEN bytes writes it) and each form
 * varint-prefixed, then per mention varint offset delta, length, position
 * and form number. Far cheaper to read per
 * result than JSON. */
std::string ps__encode_entities(const ps_entity_t *e, size_t n,
                                const char *text, size_t len);

/* Returns false (and what was read so far) on a truncated value. */
bool ps__decode_entities(std::string_view v, std::vector<ps__entity> &out);

/* As ps__decode_entities(), but each entity without its mentions (their
 * count only), which ps__entity_mentions() reads when they are needed: a
 * result shows a few entities of the hundreds a long page may name. */
bool ps__decode_entity_heads(std::string_view v, std::vector<ps__entity> &out);

/* Reads the mentions of E, an entity of value V, if they are not read
 * yet: all of them, or with MAX the first MAX at least (a result shows
 * three of the hundreds a long page may hold); false (and none) on a
 * damaged value. */
bool ps__entity_mentions(std::string_view v, ps__entity &e,
                         size_t max = SIZE_MAX);

/* The form that stands at AT (a ps__entity form_of) of entity value V,
 * within V. */
std::string_view ps__entity_form(std::string_view v, uint32_t at);

/* The file's text as stored (textz.cc): a kind byte, then the text as it
 * is (kind 0, under 128 bytes), or (kind 2) the text's length, its line
 * table (varint count, then the offset of every byte that follows a
 * newline, little-endian in the fewest bytes that hold the length: 2, 3
 * or 4), a varint size per block (0: stored as it is), and the blocks:
 * PS__TEXT_BLOCK bytes of text each, the last shorter, each compressed
 * with LZ4 on its own. A result reads its lines and columns from the
 * table and decompresses only the blocks it shows, so its cost does not
 * grow with the article's length. LZ4 rather than zstd: a 4 kB block
 * decompressed in 59,000 instructions with zstd (level 3) and 11,000
 * with LZ4, for texts stored at 72% of their size rather than 55% (the
 * bench slice, with the line table). Throws std::bad_alloc. */
#define PS__TEXT_BLOCK ((size_t)4096)
/* A text of more blocks than this, given APART, is stored as kind 3: as
 * kind 2 without the blocks, which go to *APART, one a value (block K is
 * value PS__V_BLOCK + K, layout.h): a result reads the record and the
 * blocks it shows, so that a long article does not cost it a read of its
 * whole text. A shorter text's blocks stay in the record: a look-up a
 * block costs more than reading them with it. */
#define PS__TEXT_INLINE 8
std::string ps__encode_text(const char *text, size_t len,
                            std::vector<std::string> *apart = nullptr);

/* A stored text, read as needed: lines from the table, bytes from the
 * blocks that hold them, each decompressed up to the bytes asked for (a
 * block asked for again, whole). A damaged value reads as
 * an empty text (valid() false) and a damaged block as spaces
 * (damaged() true). Not thread-safe. */
class ps__text
{
  public:
    /* Reads block K of a text stored apart (kind 3); "" when there is
     * none. */
    using fetcher = std::function<std::string(size_t)>;
    /* The text stored in VALUE from byte AT to its end (a record's last
     * section), read where it is: VALUE's bytes must outlive this. FETCH
     * reads the blocks of a text stored apart. */
    explicit ps__text(std::string_view value, size_t at = 0,
                      fetcher fetch = {});
    ps__text(const ps__text &) = delete;
    ps__text &operator=(const ps__text &) = delete;

    bool valid() const
    {
        return raw_ || buf_ || v_.size() == base_;
    }
    bool damaged() const
    {
        return bad_;
    }
    size_t size() const
    {
        return len_;
    }
    /* Lines, as offsets where they start: line 0 at 0, then one after
     * every newline (a final newline starts an empty last line). */
    size_t lines() const
    {
        return 1 + (raw_ ? small_.size() : nstarts_);
    }
    size_t start(size_t line) const;
    /* The 0-based line of byte OFF; with FROM, of a byte known to lie on
     * line FROM or after (found from there, for bytes in text order). */
    size_t line_of(size_t off, size_t from = 0) const;
    /* Bytes OFF to OFF + N (within the text), valid as long as this. */
    const char *at(size_t off, size_t n);

  private:
    std::string_view v_;
    size_t base_ = 0; /* where the stored text starts in v_ */
    size_t len_ = 0;
    const char *raw_ = nullptr;       /* kind 0: the text in v_ */
    std::vector<uint32_t> small_;     /* kind 0: its line starts */
    size_t starts_ = 0, nstarts_ = 0; /* kind 2: the table in v_ */
    unsigned width_ = 2;
    std::vector<size_t> frames_; /* where each block's frame starts in v_ */
    fetcher fetch_;              /* kind 3: the blocks' values */
    std::vector<size_t> sizes_;  /* kind 3: each block's stored size */
    std::vector<uint32_t> have_; /* bytes of each block decoded so far */
    std::unique_ptr<char[]> buf_;
    bool bad_ = false;

    /* Decodes BLOCK at least up to its byte UPTO - 1. */
    bool decode(size_t block, size_t upto);
};

/* The whole text of a stored value into OUT; false when the value is
 * damaged (OUT is then empty). */
bool ps__decode_text(std::string_view v, std::string &out);

/* A document's record (value 6, layout.h): everything a result shows,
 * read with one look-up. Five varint-prefixed sections, path, title,
 * head (the compact JSON of date, source, url and body offset), spans
 * (ps__encode_spans()) and entities (ps__encode_entities()), then to the
 * end the text (ps__encode_text()). */
std::string ps__encode_record(const std::string &path, const std::string &title,
                              const std::string &head, const std::string &spans,
                              const std::string &ents, const std::string &text);

/* A record taken apart: its sections where they stand in the value,
 * which must outlive it, and where the text starts (ps__text(value,
 * text_at)). A long article's spans and entities are tens of kB, which a
 * copy per section would cost every result of it. */
struct ps__record {
    std::string_view path, title, head, spans, ents;
    size_t text_at = 0;
};

/* False (sections read so far, TEXT_AT at the value's end) on a damaged
 * value. */
bool ps__decode_record(std::string_view v, ps__record &out);

/* One attribution of a document, as stored: spans in bytes of the file,
 * SPEAKER an index into the document's entities (the record's) or -1. */
struct ps__quote {
    int kind = 0;         /* ps_quote_kind_t */
    int speaker_kind = 0; /* ps_speaker_kind_t */
    float confidence = 0; /* stored in 1/255 steps */
    int speaker = -1;
    std::vector<ps__span> source, cue, content;
};

/* Quotes as: per quote, kind byte, speaker-kind byte, confidence byte
 * (0..255), varint speaker + 1, a zigzag varint delta of the quote's first
 * byte from the previous quote's, then for source, cue and content a
 * varint count and per span varint (start - first byte) and length.
 * Quotes come ordered by first byte, so the deltas stay small. */
std::string ps__encode_quotes(const ps_quote_t *q, size_t n);

/* Returns false (and what was read so far) on a damaged value. */
bool ps__decode_quotes(std::string_view v, std::vector<ps__quote> &out);

/* The key of a speaker in quote terms: "person:zelensky". */
std::string ps__speaker_key(int type, std::string_view id);

#endif
