/* Internal to the NER feature extractor: what it knows of each token
 * (ner_features.c works it out) and the feature templates that turn a
 * token and its neighbours into rows of the weight table
 * (ner_templates.c). */
#ifndef PSEARCH_NER_TEMPLATES_H
#define PSEARCH_NER_TEMPLATES_H

#include <stddef.h>
#include <stdint.h>

/* Kinds of line, by how its words are written. */
enum { LINE_NORMAL = 0, LINE_UPPER, LINE_TITLE };

/* A word's occurrences elsewhere in the same text. */
enum { DOC_CAP_MID = 1, DOC_LOWER = 2, DOC_UPPER_MID = 4 };

typedef struct tinfo {
    uint64_t term, surf, shape, sshape, punct_b, punct_a;
    const char *t;
    uint32_t tlen, flags;
    uint32_t wlist, wfeat; /* The word's list record; its feature bits. */
    uint32_t cluster;
    uint8_t ctx, line_kind, pos, hint, phrase_b, phrase_i, doc;
    uint8_t newline; /* The token opens a line (f->line: a sentence). */
} tinfo_t;

/* A token and its neighbours in its sentence: NULL past either end. */
typedef struct ps__ner_window {
    const tinfo_t *prev2, *prev, *tok, *next, *next2;
} ps__ner_window_t;

/* The most rows a token has: 31 of the token and its neighbours, one per
 * bit of its list record (12 at most), 4 of the lists, 8 of phrases, 4
 * of hints, 6 of the text and clusters. */
#define MAX_TOKEN_ROWS 65

/* Writes to ROWS the rows of the weight table (feature hashes shifted
 * right by SHIFT) of W's token, and returns how many: MAX_TOKEN_ROWS at
 * most. */
size_t ps__ner_token_rows(uint32_t *rows, const ps__ner_window_t *w,
                          unsigned shift);

#endif
