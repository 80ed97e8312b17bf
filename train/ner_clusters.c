/* Word clusters for the NER model, learnt from the training text without
 * its labels: the exchange algorithm (Kneser and Ney 1993; Martin,
 * Liermann and Ney 1998) puts each frequent word in the class that makes
 * a class bigram model of the text most likely, so words used alike
 * ("Monday" and "Tuesday", "Clinton" and "Yeltsin") share a class, and a
 * word seen rarely or never with a label still has one that was.
 *
 * Classes 0 and 1 are fixed: rare words and sentence boundaries. Every
 * other word starts in a class by its frequency rank and moves, one word
 * at a time in order of frequency, to the class with the best likelihood,
 * for a fixed number of passes: deterministic from the text alone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"

#define RARE 0
#define BOUNDARY 1

typedef struct map {
    uint64_t *keys;
    uint32_t *ids;
    size_t mask;
} map_t;

static uint32_t *map_slot(map_t *m, uint64_t key)
{
    size_t i = (size_t)ps__ner_mix(key) & m->mask;
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & m->mask;
    m->keys[i] = key;
    return &m->ids[i];
}

/* Bigram counts of one word with its neighbours, as CSR lists. */
typedef struct adj {
    uint32_t *start, *word, *count;
} adj_t;

typedef struct pair {
    uint32_t a, b;
} pair_t;

static int cmp_pair(const void *x, const void *y)
{
    const pair_t *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Builds the lists of FROM -> TO counts from N pairs (sorted here). */
static int build_adj(pair_t *pairs, size_t n, uint32_t nw, adj_t *adj)
{
    qsort(pairs, n, sizeof *pairs, cmp_pair);
    adj->start = calloc(nw + 1, sizeof *adj->start);
    adj->word = malloc((n + 1) * sizeof *adj->word);
    adj->count = malloc((n + 1) * sizeof *adj->count);
    if (!adj->start || !adj->word || !adj->count)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && pairs[i].a == pairs[i - 1].a &&
            pairs[i].b == pairs[i - 1].b) {
            adj->count[m - 1]++;
            continue;
        }
        adj->word[m] = pairs[i].b;
        adj->count[m] = 1;
        adj->start[pairs[i].a + 1]++;
        m++;
    }
    for (uint32_t w = 1; w <= nw; w++)
        adj->start[w] += adj->start[w - 1];
    return 0;
}

static void free_adj(adj_t *a)
{
    free(a->start);
    free(a->word);
    free(a->count);
}

/* The exchange itself over NW words (ids by falling frequency, the first
 * two fixed) with successor lists OUT and predecessor lists IN. */
static int exchange(uint32_t nw, const adj_t *out, const adj_t *in,
                    const uint32_t *self, unsigned nclass, unsigned iters,
                    size_t total, uint16_t *cls)
{
    size_t C = nclass;
    double *N = calloc(C * C, sizeof *N);
    double *n1 = calloc(C, sizeof *n1), *n2 = calloc(C, sizeof *n2);
    double *S = calloc(C, sizeof *S), *P = calloc(C, sizeof *P);
    uint32_t *sl = malloc(C * sizeof *sl), *pl = malloc(C * sizeof *pl);
    double *flog = malloc((total + 2) * sizeof *flog);
    if (!N || !n1 || !n2 || !S || !P || !sl || !pl || !flog) {
        free(N), free(n1), free(n2), free(S), free(P), free(sl), free(pl);
        free(flog);
        return -1;
    }
    for (size_t x = 0; x <= total + 1; x++)
        flog[x] = x ? (double)x * log((double)x) : 0;
#define F(x) flog[(size_t)(x)]
    for (uint32_t w = 0; w < nw; w++)
        for (uint32_t j = out->start[w]; j < out->start[w + 1]; j++) {
            N[cls[w] * C + cls[out->word[j]]] += out->count[j];
            n1[cls[w]] += out->count[j];
            n2[cls[out->word[j]]] += out->count[j];
        }
    for (unsigned it = 0; it < iters; it++) {
        size_t moved = 0;
        for (uint32_t w = 2; w < nw; w++) {
            size_t a = cls[w], ns = 0, np = 0;
            double s = self[w], left = s, right = s;
            for (uint32_t j = out->start[w]; j < out->start[w + 1]; j++) {
                if (out->word[j] == w)
                    continue;
                size_t c = cls[out->word[j]];
                if (S[c] == 0)
                    sl[ns++] = (uint32_t)c;
                S[c] += out->count[j];
                left += out->count[j];
            }
            for (uint32_t j = in->start[w]; j < in->start[w + 1]; j++) {
                if (in->word[j] == w)
                    continue;
                size_t c = cls[in->word[j]];
                if (P[c] == 0)
                    pl[np++] = (uint32_t)c;
                P[c] += in->count[j];
                right += in->count[j];
            }
            size_t best = a;
            double best_d = 1e-9;
            for (size_t b = 2; b < C; b++) {
                if (b == a)
                    continue;
                double d = 0;
                /* The four cells of rows and columns A and B. */
                d += F(N[a * C + a] - S[a] - P[a] - s) - F(N[a * C + a]);
                d += F(N[a * C + b] - S[b] + P[a]) - F(N[a * C + b]);
                d += F(N[b * C + a] + S[a] - P[b]) - F(N[b * C + a]);
                d += F(N[b * C + b] + S[b] + P[b] + s) - F(N[b * C + b]);
                for (size_t i = 0; i < ns; i++) {
                    size_t y = sl[i];
                    if (y == a || y == b)
                        continue;
                    d += F(N[a * C + y] - S[y]) - F(N[a * C + y]);
                    d += F(N[b * C + y] + S[y]) - F(N[b * C + y]);
                }
                for (size_t i = 0; i < np; i++) {
                    size_t x = pl[i];
                    if (x == a || x == b)
                        continue;
                    d += F(N[x * C + a] - P[x]) - F(N[x * C + a]);
                    d += F(N[x * C + b] + P[x]) - F(N[x * C + b]);
                }
                d -= F(n1[a] - left) - F(n1[a]) + F(n1[b] + left) - F(n1[b]);
                d -= F(n2[a] - right) - F(n2[a]) + F(n2[b] + right) - F(n2[b]);
                if (d > best_d) {
                    best_d = d;
                    best = b;
                }
            }
            if (best != a) {
                size_t b = best;
                N[a * C + a] -= S[a] + P[a] + s;
                N[a * C + b] += P[a] - S[b];
                N[b * C + a] += S[a] - P[b];
                N[b * C + b] += S[b] + P[b] + s;
                for (size_t i = 0; i < ns; i++) {
                    size_t y = sl[i];
                    if (y == a || y == b)
                        continue;
                    N[a * C + y] -= S[y];
                    N[b * C + y] += S[y];
                }
                for (size_t i = 0; i < np; i++) {
                    size_t x = pl[i];
                    if (x == a || x == b)
                        continue;
                    N[x * C + a] -= P[x];
                    N[x * C + b] += P[x];
                }
                n1[a] -= left, n1[b] += left;
                n2[a] -= right, n2[b] += right;
                cls[w] = (uint16_t)b;
                moved++;
            }
            for (size_t i = 0; i < ns; i++)
                S[sl[i]] = 0;
            for (size_t i = 0; i < np; i++)
                P[pl[i]] = 0;
        }
        if (moved == 0)
            break;
    }
#undef F
    free(N), free(n1), free(n2), free(S), free(P), free(sl), free(pl);
    free(flog);
    return 0;
}

typedef struct wc {
    uint64_t key;
    uint32_t count, first;
} wc_t;

static int cmp_wc(const void *x, const void *y)
{
    const wc_t *p = x, *q = y;
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return p->first < q->first ? -1 : p->first > q->first;
}

int ps__ner_cluster(const uint64_t *stream, size_t n, unsigned nclass,
                    unsigned min_count, unsigned iters, uint64_t **keys,
                    uint16_t **classes, size_t *nwords)
{
    *keys = NULL;
    *classes = NULL;
    *nwords = 0;
    int rc = -1;
    size_t slots = 16;
    while (slots < 2 * n + 2)
        slots *= 2;
    map_t m = {calloc(slots, sizeof(uint64_t)), calloc(slots, 4), slots - 1};
    wc_t *wc = malloc((n + 1) * sizeof *wc);
    uint32_t *id = malloc((n + 1) * sizeof *id);
    pair_t *fw = malloc((n + 1) * sizeof *fw), *bw = NULL;
    uint32_t *self = NULL;
    uint16_t *cls = NULL;
    adj_t out = {0}, in = {0};
    if (!m.keys || !m.ids || !wc || !id || !fw)
        goto out;

    /* Distinct words, by falling count, then first occurrence. */
    uint32_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (!stream[i])
            continue;
        uint32_t *slot = map_slot(&m, stream[i]);
        if (!*slot) {
            wc[nd] = (wc_t){stream[i], 0, (uint32_t)i};
            *slot = ++nd;
        }
        wc[*slot - 1].count++;
    }
    qsort(wc, nd, sizeof *wc, cmp_wc);
    uint32_t nw = 2; /* Rare words and boundaries. */
    for (uint32_t i = 0; i < nd; i++)
        *map_slot(&m, wc[i].key) = wc[i].count >= min_count ? nw++ : RARE;
    for (size_t i = 0; i < n; i++)
        id[i] = stream[i] ? *map_slot(&m, stream[i]) : BOUNDARY;

    size_t np = 0;
    for (size_t i = 0; i + 1 < n; i++)
        fw[np++] = (pair_t){id[i], id[i + 1]};
    bw = malloc((np + 1) * sizeof *bw);
    self = calloc(nw, sizeof *self);
    cls = malloc(nw * sizeof *cls);
    if (!bw || !self || !cls)
        goto out;
    for (size_t i = 0; i < np; i++) {
        bw[i] = (pair_t){fw[i].b, fw[i].a};
        if (fw[i].a == fw[i].b)
            self[fw[i].a]++;
    }
    if (build_adj(fw, np, nw, &out) != 0 || build_adj(bw, np, nw, &in) != 0)
        goto out;
    cls[RARE] = RARE;
    cls[BOUNDARY] = BOUNDARY;
    for (uint32_t w = 2; w < nw; w++)
        cls[w] = (uint16_t)(2 + (w - 2) % (nclass - 2));
    if (exchange(nw, &out, &in, self, nclass, iters, np, cls) != 0)
        goto out;

    *keys = malloc((nw + 1) * sizeof **keys);
    *classes = malloc((nw + 1) * sizeof **classes);
    if (!*keys || !*classes) {
        free(*keys), free(*classes);
        *keys = NULL, *classes = NULL;
        goto out;
    }
    for (uint32_t i = 0, w = 2; i < nd; i++)
        if (wc[i].count >= min_count) {
            (*keys)[w - 2] = wc[i].key;
            (*classes)[w - 2] = cls[w];
            w++;
        }
    *nwords = nw - 2;
    rc = 0;
out:
    free(m.keys), free(m.ids), free(wc), free(id), free(fw), free(bw);
    free(self), free(cls);
    free_adj(&out);
    free_adj(&in);
    return rc;
}
