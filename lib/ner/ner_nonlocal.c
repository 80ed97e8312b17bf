/* The second stage's features: what the first stage said about the text.
 * A name is usually written several times in an article, and only some of
 * its mentions are easy ("Lentini" in a sentence, "LENTINI" in the
 * headline; "Petofi general manager" and "leaving Petofi"): each
 * capitalised word learns the types the first stage gave the same word
 * elsewhere in the text (Ratinov and Roth 2009, "extended prediction
 * history"; Krishnan and Manning 2006), and every token sees the first
 * stage's labels around it. */
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"
#include "base/util.h"

/* Templates of the second stage: part of the model format, like those of
 * ner_features.c, and apart from them. */
enum {
    N_TYPE = 101, /* The word has this type (or 4: none) elsewhere. */
    N_TYPE_CTX,
    N_MAJ_CTX, /* The type most often given elsewhere. */
    N_S1,      /* The first stage's label of the token, */
    N_S1_PREV, /* with the previous token's, */
    N_S1_NEXT, /* with the next token's, */
    N_S1_CTX,  /* with its capitalisation. */
    N_S1_FAR,  /* The labels two tokens before and after. */
    N_INSIDE,  /* The word continues a name of this type elsewhere. */
};

/* Per word: a count per type, one for no type, and one per type of the
 * times the word continued a name. */
#define NCOUNT (PS_NER__COUNT + 1)
#define NSLOT (NCOUNT + PS_NER__COUNT)

void ps__ner_nl_free(ps__ner_nl_t *nl)
{
    if (!nl)
        return;
    free(nl->start);
    free(nl->rows);
    free(nl->keys);
    free(nl->counts);
    memset(nl, 0, sizeof *nl);
}

static int capitalised(uint8_t ctx)
{
    return ctx != CTX_LOWER && ctx != CTX_NUMBER && ctx != CTX_OTHER;
}

/* The count a label adds to: its type, or NCOUNT - 1 for none. */
static int category(uint8_t label)
{
    return label == PS__NER_O ? NCOUNT - 1 : PS__NER_TYPE(label);
}

#define ADD(h) (rows[nr++] = (uint32_t)((h) >> shift))

/* The most rows a token gets: 5 of labels, 2 per type and 2 for none,
 * 1 per type continued, 1 for the majority. */
#define MAX_ROWS (5 + 2 * NCOUNT + PS_NER__COUNT + 1)

/* Writes the rows of token K to ROWS; returns how many. */
static size_t token_rows(const ps__ner_nl_t *nl, size_t mask, size_t k,
                         size_t n, const uint64_t *term, const uint8_t *ctx,
                         const uint8_t *line, const uint8_t *labels,
                         unsigned shift, uint32_t *rows)
{
    size_t nr = 0;
    int first = line[k], last = k + 1 == n || line[k + 1];
    uint64_t lab = labels[k];
    uint64_t prev = first ? 99 : labels[k - 1];
    uint64_t next = last ? 99 : labels[k + 1];
    ADD(ps__ner_feat1(N_S1, lab));
    ADD(ps__ner_feat2(N_S1_PREV, prev, lab));
    ADD(ps__ner_feat2(N_S1_NEXT, lab, next));
    ADD(ps__ner_feat2(N_S1_CTX, lab, ctx[k]));
    uint64_t prev2 = first || line[k - 1] ? 99 : labels[k - 2];
    uint64_t next2 = last || k + 2 == n || line[k + 2] ? 99 : labels[k + 2];
    ADD(ps__ner_feat2(N_S1_FAR, prev2, next2));
    if (!capitalised(ctx[k]))
        return nr;
    uint64_t key = term[k] | 1;
    size_t i = (size_t)ps__ner_mix(key) & mask;
    while (nl->keys[i] != key)
        i = (i + 1) & mask;
    uint16_t c[NSLOT];
    memcpy(c, nl->counts + i * NSLOT, sizeof c);
    c[category(labels[k])]--;
    if (PS__NER_IS_I(labels[k]))
        c[NCOUNT + PS__NER_TYPE(labels[k])]--;
    for (int t = 0; t < PS_NER__COUNT; t++)
        if (c[NCOUNT + t])
            ADD(ps__ner_feat2(N_INSIDE, (uint64_t)t, ctx[k]));
    int maj = -1;
    for (int t = 0; t < NCOUNT; t++) {
        if (!c[t])
            continue;
        ADD(ps__ner_feat1(N_TYPE, (uint64_t)t));
        ADD(ps__ner_feat2(N_TYPE_CTX, (uint64_t)t, ctx[k]));
        if (maj < 0 || c[t] > c[maj])
            maj = t;
    }
    if (maj >= 0)
        ADD(ps__ner_feat2(N_MAJ_CTX, (uint64_t)maj, ctx[k]));
    return nr;
}

/* Makes NL's table of words empty, with room for the N words of a text;
 * *MASK receives its slots less one. 0, or -1 when memory runs out. */
static int clear_table(ps__ner_nl_t *nl, size_t n, size_t *mask)
{
    size_t slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    if (slots > nl->cap_tab) {
        uint64_t *k = realloc(nl->keys, slots * sizeof *k);
        if (!k)
            return -1;
        nl->keys = k;
        uint16_t *c = realloc(nl->counts, slots * NSLOT * sizeof *c);
        if (!c)
            return -1;
        nl->counts = c;
        nl->cap_tab = slots;
    }
    memset(nl->keys, 0, slots * sizeof *nl->keys);
    *mask = slots - 1;
    return 0;
}

/* Counts of each capitalised word's labels in the whole text. */
static void count_labels(ps__ner_nl_t *nl, size_t mask, size_t n,
                         const uint64_t *term, const uint8_t *ctx,
                         const uint8_t *labels)
{
    for (size_t k = 0; k < n; k++) {
        if (!capitalised(ctx[k]))
            continue;
        uint64_t key = term[k] | 1;
        size_t i = (size_t)ps__ner_mix(key) & mask;
        while (nl->keys[i] != 0 && nl->keys[i] != key)
            i = (i + 1) & mask;
        uint16_t *c = nl->counts + i * NSLOT;
        if (nl->keys[i] == 0) {
            nl->keys[i] = key;
            memset(c, 0, NSLOT * sizeof *c);
        }
        if (c[category(labels[k])] < UINT16_MAX)
            c[category(labels[k])]++;
        if (PS__NER_IS_I(labels[k]) &&
            c[NCOUNT + PS__NER_TYPE(labels[k])] < UINT16_MAX)
            c[NCOUNT + PS__NER_TYPE(labels[k])]++;
    }
}

ps_status_t ps__ner_nonlocal(ps__ner_nl_t *nl, size_t n, const uint64_t *term,
                             const uint8_t *ctx, const uint8_t *line,
                             const uint8_t *labels, uint32_t row_bits,
                             const int16_t *weights, int32_t *sums)
{
    if (!weights &&
        (ps__grow(&nl->start, &nl->cap_n, n + 1, sizeof *nl->start) != 0 ||
         ps__grow(&nl->rows, &nl->cap_rows, n * MAX_ROWS + 1,
                  sizeof *nl->rows) != 0))
        return PS_ENOMEM;
    size_t mask;
    if (clear_table(nl, n, &mask) != 0)
        return PS_ENOMEM;
    count_labels(nl, mask, n, term, ctx, labels);

    unsigned shift = 64 - row_bits;
    size_t nr = 0;
    for (size_t k = 0; k < n; k++) {
        if (weights) {
            /* Tagging adds each token's rows as soon as they are known,
             * as the extractor does. */
            uint32_t rows[MAX_ROWS];
            size_t m = token_rows(nl, mask, k, n, term, ctx, line, labels,
                                  shift, rows);
            ps__ner_add_rows(sums + k * 2 * PS__NER_ROW + PS__NER_ROW,
                             weights + PS__NER_ROW, rows, m, PS__NER_ROW);
        } else {
            nl->start[k] = (uint32_t)nr;
            nr += token_rows(nl, mask, k, n, term, ctx, line, labels, shift,
                             nl->rows + nr);
        }
    }
    if (!weights)
        nl->start[n] = (uint32_t)nr;
    return PS_OK;
}
