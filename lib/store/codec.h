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
#include <string>
#include <vector>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"

/* The unique-id term of a document: "Q" and its path, or "Q#" and 16 hex
 * digits of the path's XXH64 when the path is too long for a term (the
 * path itself is always in the document's values). */
std::string ps__id_term(const char *path);

/* A byte range of the file. */
struct ps__span {
    size_t off, len;
};

/* The span of every term position 1..N (a zero span where no word stands),
 * as varint (offset delta, length) pairs. Compound wholes share their first
 * part's position and are skipped. */
std::string ps__encode_spans(const ps_token_t *t, size_t n);
std::vector<ps__span> ps__decode_spans(const std::string &v);

/* The spans of positions WANT only (sorted, unique), in the same order;
 * {0, 0} for a position with no word. Stops reading at the last one, so a
 * long document costs only what its hits need. */
std::vector<ps__span> ps__decode_spans_at(const std::string &v,
                                          const std::vector<uint32_t> &want);

/* One entity of a document, as stored. */
struct ps__entity {
    int type = 0;
    std::string id, name;
    bool known = false;
    std::vector<ps_mention_t> mentions;
};

/* Entities as: per entity, type byte, varint-prefixed id and name, known
 * byte, mention count, then per mention varint offset delta, length and
 * position. Far cheaper to read per result than JSON. */
std::string ps__encode_entities(const ps_entity_t *e, size_t n);

/* Returns false (and what was read so far) on a truncated value. */
bool ps__decode_entities(const std::string &v, std::vector<ps__entity> &out);

/* The file's text as stored (textz.cc): a kind byte, then the text as it
 * is (kind 0, short texts) or one zstd frame of it (kind 1). English
 * prose compresses to under half (the bench slice: 11.5 MB of text, 5.1 MB
 * stored), and decompresses at more than 1 GB/s. Throws std::bad_alloc. */
std::string ps__encode_text(const char *text, size_t len);

/* The text of a stored value into OUT; false when the value is damaged
 * (OUT is then empty). */
bool ps__decode_text(const std::string &v, std::string &out);

/* One attribution of a document, as stored: spans in bytes of the file,
 * SPEAKER an index into the document's entities (value 7) or -1. */
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
bool ps__decode_quotes(const std::string &v, std::vector<ps__quote> &out);

/* The key of a speaker in quote terms: "person:zelensky". */
std::string ps__speaker_key(int type, const std::string &id);

#endif
