/* Internal to the analyzer (lib/text/): what its files share. The handle,
 * the character classes the scanner reads (text_chars.c), the units a
 * scan yields (text_scan.c), normalisation (text_normalize.c), stemming
 * (text_stem.c) and the turning of units into tokens (text_tokens.c).
 * analyzer.c drives them from ps_analyze(). */
#ifndef PSEARCH_TEXT_PRIVATE_H
#define PSEARCH_TEXT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "psearch/analyzer.h"

/* Xapian refuses terms longer than 245 bytes, prefix included. Terms are
 * capped well below that so that the indexer may add any prefix it likes;
 * a longer token (a base64 blob, a run of digits) is dropped but keeps its
 * position, so that no phrase matches across it. */
#define MAX_TERM 200

/* A token whose surface is longer than this cannot normalise to MAX_TERM
 * bytes or less in any text worth indexing, and normalising it would only
 * cost memory, so it is dropped unseen. */
#define MAX_SURFACE (MAX_TERM * 16)

/* What a character does to the tokenizer. */
enum cls {
    CL_SEP,    /* separates words and has no other role */
    CL_END,    /* past the end of the text */
    CL_LETTER, /* L*: starts or continues a word */
    CL_DIGIT,  /* N*: starts or continues a word */
    CL_MARK,   /* M*: continues a word, never starts one */
    CL_JOINER, /* an invisible format character that may sit in a word */
    CL_APOS,   /* an apostrophe: joins letters, marks possessives */
    CL_HYPHEN, /* joins words into compounds */
    CL_DOT,    /* joins digits and acronyms, or ends a sentence */
    CL_COMMA,  /* joins digits, or goes on with the sentence */
    CL_STOP,   /* '!', '?', ':' and their like: the sentence ends */
    CL_CLAUSE, /* ';' and its like: the sentence goes on */
    CL_BREAK,  /* a line break: both the line and the sentence end */
};

/* One decoded character. */
struct ch {
    int32_t cp;
    uint8_t len;
    uint8_t cls;
    bool upper;
};

/* One word of a group: a plain word, a number or a dotted acronym. A
 * group of more than one unit is a hyphenated compound. */
struct unit {
    size_t start; /* surface, as offsets into the text */
    size_t end;
    size_t term_end; /* end of the part that makes the term: a stripped
                        possessive lies between term_end and end */
    size_t toff;     /* the normalised term in the pool, once built */
    uint32_t tlen;
    uint32_t nletters;
    uint32_t nupper;
    uint32_t flags;
    bool ascii;
    bool valid; /* a term was built; else the unit is dropped */
    bool gap;   /* the unit is dropped but keeps its position */
};

/* Where a token's strings lie in the pool until the pool stops moving. */
struct token_offs {
    size_t term;
    size_t stem;
};

struct ps_analyzer {
    struct sb_stemmer *stemmer;

    ps_token_t *toks;
    struct token_offs *offs;
    size_t ntoks;
    size_t toks_cap;

    /* Every term and stem of the last call, NUL-terminated, back to back.
     * Tokens hold offsets while the pool may still be reallocated. */
    char *pool;
    size_t pool_len;
    size_t pool_cap;

    struct unit *units;
    size_t units_cap;

    /* Scratch space for utf8proc: code points, re-encoded in place. */
    utf8proc_int32_t *ubuf;
    size_t ubuf_cap;

    /* The answer of ps_analyzer_stem(). */
    char *sbuf;
    size_t sbuf_cap;

    uint32_t pos;
    size_t err_off;
};

/* Character classes of ASCII, so that plain English text never needs a
 * table lookup in utf8proc (text_chars.c). */
extern const uint8_t ps__text_ascii_cls[128];

/* The class of code point CP, and in *UPPER whether it is an uppercase
 * or titlecase letter. */
enum cls ps__text_classify(int32_t cp, bool *upper);

/* Decodes the character at I. The text was validated before scanning, so
 * decoding cannot fail; past the end gives CL_END with length 0. It is
 * inline because the scanner calls it for nearly every byte. */
static inline void get_char(const uint8_t *s, size_t len, size_t i,
                            struct ch *c)
{
    if (i >= len) {
        c->cp = -1;
        c->len = 0;
        c->cls = CL_END;
        c->upper = false;
        return;
    }
    if (s[i] < 0x80) {
        c->cp = s[i];
        c->len = 1;
        c->cls = ps__text_ascii_cls[s[i]];
        c->upper = (unsigned)(s[i] - 'A') < 26u;
        return;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n =
        utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    c->cp = cp;
    c->len = (uint8_t)(n > 0 ? n : 1);
    c->cls = (uint8_t)ps__text_classify(cp, &c->upper);
}

/* Whether a character of class CLS may be part of a word. */
static inline bool is_wordish(int cls)
{
    return cls == CL_LETTER || cls == CL_DIGIT || cls == CL_MARK;
}

/* Normalises LEN bytes of valid UTF-8 into a->ubuf, as UTF-8, and sets
 * *OUT_LEN. DROP_DOTS removes the dots of an acronym between decomposition
 * and composition, so that its letters compose as if written together. */
ps_status_t ps__text_normalize_into(ps_analyzer_t *a, const uint8_t *s,
                                    size_t len, bool drop_dots,
                                    size_t *out_len);

/* Makes A's stemmer (the stem cache is the thread's): PS_OK, or
 * PS_ENOMEM. */
ps_status_t ps__text_stem_open(ps_analyzer_t *a);
void ps__text_stem_close(ps_analyzer_t *a);

/* Stems W. *OUT may point into W itself (a short word), into the
 * thread's cache or into the stemmer; it stays valid until the thread's
 * next stemming, on any analyzer. */
ps_status_t ps__text_stem(ps_analyzer_t *a, const char *w, size_t n,
                          const char **out, size_t *out_len);

/* Scans the group of units (one word, or a hyphenated compound) that
 * starts at I, which holds a letter or a digit, into a->units. Sets
 * *NUNITS and *END, the end of the group. Returns PS_OK or PS_ENOMEM. */
ps_status_t ps__text_scan_group(ps_analyzer_t *a, const uint8_t *s, size_t len,
                                size_t i, size_t *nunits, size_t *end);

/* Whether the dot at END, after a group of NUNITS units, belongs to it
 * and ends no sentence: "Mr." and an initial ("Donald J. Trump"). */
bool ps__text_keeps_dot(const ps_analyzer_t *a, const uint8_t *s, size_t len,
                        size_t nunits, size_t end);

/* Whether the group of NUNITS units ending at END is an acronym whose dot
 * also ends its sentence: one of the words that open a sentence far more
 * often than they go on a name follows ("... to enter the U.S. The
 * proposal has ...", but "the U.S. Senate"). */
bool ps__text_acronym_ends_sentence(const ps_analyzer_t *a, const uint8_t *s,
                                    size_t len, size_t nunits, size_t end);

/* Builds the terms of the NUNITS units in a->units and appends their
 * tokens: a compound's whole, then each part, the first with CTX_FLAGS.
 * BASE is added to every offset. Returns PS_OK or PS_ENOMEM. */
ps_status_t ps__text_emit_group(ps_analyzer_t *a, const uint8_t *s,
                                size_t nunits, size_t base, uint32_t ctx_flags);

#endif
