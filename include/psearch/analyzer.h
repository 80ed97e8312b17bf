/* The one analyzer: turns UTF-8 text into positioned, normalised and stemmed
 * tokens. The indexer and the query parser both call it, so a word is always
 * reduced to the same terms on either side. */
#ifndef PSEARCH_ANALYZER_H
#define PSEARCH_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/common.h"

PS_BEGIN_DECLS

/* An analyzer owns a Snowball stemmer and reusable buffers. It is not
 * thread-safe: use one per thread. */
typedef struct ps_analyzer ps_analyzer_t;

/* Token flags. */
enum {
    /* The whole of a hyphenated compound ("mar-a-lago"). It shares its
     * position with its first part; the parts follow it with PS_TOK_PART. */
    PS_TOK_COMPOUND = 1u << 0,
    /* One part of a hyphenated compound. */
    PS_TOK_PART = 1u << 1,
    /* The token is a number ("800,000", "2014", "2.5"). */
    PS_TOK_NUMBER = 1u << 2,
    /* The surface form starts with an uppercase letter ("Kyiv"). */
    PS_TOK_CAP = 1u << 3,
    /* Every letter of the surface form is uppercase and there are at least
     * two letters ("NATO", "U.S."). */
    PS_TOK_UPPER = 1u << 4,
    /* The token opens a sentence: it is the first of the text, or follows
     * '.', '!', '?', ':' or a line break, possibly through quotes,
     * brackets, bullets or dashes; not the dot of a title or an initial
     * ("Mr.", "J.") nor an acronym's ("U.S."), unless a word that opens
     * sentences and goes on no name follows the acronym ("the U.S. The
     * proposal"). */
    PS_TOK_SENT_START = 1u << 5,
    /* The token is the first of its line. */
    PS_TOK_LINE_START = 1u << 6,
    /* A possessive "'s" or trailing "'" was stripped from the term. */
    PS_TOK_POSSESSIVE = 1u << 7,
    /* The surface form is an acronym written with dots ("U.S.", "U.K."),
     * whose term is the letters alone ("us"). */
    PS_TOK_ACRONYM = 1u << 8,
};

/* One token. Strings are NUL-terminated and owned by the analyzer. */
typedef struct ps_token {
    const char *term; /* NFKC, case-folded, apostrophes normalised, no
                         possessive: "russia", "aren't", "800,000",
                         "mar-a-lago" (for a compound whole). */
    const char *stem; /* Snowball English stem of term ("guarante"); the
                         term itself for numbers and compounds. */
    uint32_t term_len;
    uint32_t stem_len;
    size_t offset;   /* Byte offset of the surface form in the text, plus
                        the base offset given to ps_analyze(). */
    uint32_t length; /* Byte length of the surface form (including a
                        stripped possessive). */
    uint32_t pos;    /* Term position, from 1. Each word and each compound
                        part takes the next position; a compound whole
                        shares its first part's position. */
    uint32_t flags;  /* PS_TOK_* */
} ps_token_t;

/* Creates an analyzer for English. Returns PS_OK or PS_ENOMEM. The caller
 * frees it with ps_analyzer_free(). */
PS_EXPORT ps_status_t ps_analyzer_new(ps_analyzer_t **out);

/* Frees an analyzer and every token it returned. NULL is allowed. */
PS_EXPORT void ps_analyzer_free(ps_analyzer_t *a);

/* Tokenizes TEXT (LEN bytes of UTF-8). Token offsets are BASE plus the
 * offset in TEXT, so a caller analysing the body of a file can pass the
 * body's offset in the file. Positions start at 1.
 *
 * Tokens: runs of letters, marks and digits. An apostrophe (' U+2019
 * U+2018 U+02BC) between letters joins ("aren't"); a trailing "'s" or "'"
 * after letters is a possessive and is dropped from the term. '.' or ','
 * between digits joins ("800,000", "2.5"). Single letters joined by dots
 * are an acronym ("U.S." -> "us"). Hyphens (- U+2010 U+2011) between
 * tokens with no space make a compound: the whole, then its parts.
 *
 * On success *TOKENS points to *NTOKENS tokens that stay valid until the
 * next ps_analyze() call on A or ps_analyzer_free(A). On invalid UTF-8
 * returns PS_EBADUTF8 and ps_analyzer_error_offset() gives the offset (with
 * BASE added) of the first bad byte. */
PS_EXPORT ps_status_t ps_analyze(ps_analyzer_t *a, const char *text, size_t len,
                                 size_t base, const ps_token_t **tokens,
                                 size_t *ntokens);

/* Offset of the invalid byte after ps_analyze() returned PS_EBADUTF8. */
PS_EXPORT size_t ps_analyzer_error_offset(const ps_analyzer_t *a);

/* Stems one already-normalised word with the same stemmer ps_analyze()
 * uses. *OUT is NUL-terminated, owned by A and valid until the next call on
 * A. Returns PS_OK or PS_ENOMEM. */
PS_EXPORT ps_status_t ps_analyzer_stem(ps_analyzer_t *a, const char *word,
                                       size_t len, const char **out,
                                       size_t *out_len);

/* Normalises arbitrary UTF-8 (NFKC, case fold, typographic apostrophes and
 * quotes to ASCII) into a new string the caller frees with free(). Returns
 * PS_OK, PS_EBADUTF8 or PS_ENOMEM. */
PS_EXPORT ps_status_t ps_normalize(const char *text, size_t len, char **out,
                                   size_t *out_len);

PS_END_DECLS

#endif
