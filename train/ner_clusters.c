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

/* The exchange's state: the class bigram counts, and the counts of the
 * word being moved with each class. F(x) is x log x, from a table. */
typedef struct xchg {
    size_t C;
    double *N;         /* [C * C] class bigram counts */
    double *n1, *n2;   /* [C] each class's counts as the first, the second */
    double *S, *P;     /* [C] the word's counts before, after each class */
    uint32_t *sl, *pl; /* the classes with S, P nonzero */
    size_t ns, np;
    double s;           /* the word's bigrams with itself */
    double left, right; /* the word's counts as the first, the second */
    double *flog;       /* [total + 2] x log x */
} xchg_t;

#define F(x) (X->flog[(size_t)(x)])

static void xchg_free(xchg_t *X)
{
    free(X->N), free(X->n1), free(X->n2), free(X->S), free(X->P);
    free(X->sl), free(X->pl), free(X->flog);
}

/* Allocates X for NCLASS classes and bigram counts up to TOTAL, and
 * counts the class bigrams of NW words in classes CLS with successor
 * lists OUT. */
static int xchg_init(xchg_t *X, unsigned nclass, size_t total, uint32_t nw,
                     const adj_t *out, const uint16_t *cls)
{
    size_t C = nclass;
    X->C = C;
    X->N = calloc(C * C, sizeof *X->N);
    X->n1 = calloc(C, sizeof *X->n1), X->n2 = calloc(C, sizeof *X->n2);
    X->S = calloc(C, sizeof *X->S), X->P = calloc(C, sizeof *X->P);
    X->sl = malloc(C * sizeof *X->sl), X->pl = malloc(C * sizeof *X->pl);
    X->flog = malloc((total + 2) * sizeof *X->flog);
    if (!X->N || !X->n1 || !X->n2 || !X->S || !X->P || !X->sl || !X->pl ||
        !X->flog)
        return -1;
    for (size_t x = 0; x <= total + 1; x++)
        X->flog[x] = x ? (double)x * log((double)x) : 0;
    for (uint32_t w = 0; w < nw; w++)
        for (uint32_t j = out->start[w]; j < out->start[w + 1]; j++) {
            X->N[cls[w] * C + cls[out->word[j]]] += out->count[j];
            X->n1[cls[w]] += out->count[j];
            X->n2[cls[out->word[j]]] += out->count[j];
        }
    return 0;
}

/* Gathers the counts of word W with each class: S from its successors,
 * P from its predecessors, leaving out its bigrams with itself. */
static void gather(xchg_t *X, uint32_t w, const adj_t *out, const adj_t *in,
                   const uint32_t *self, const uint16_t *cls)
{
    X->ns = X->np = 0;
    X->s = X->left = X->right = self[w];
    for (uint32_t j = out->start[w]; j < out->start[w + 1]; j++) {
        if (out->word[j] == w)
            continue;
        size_t c = cls[out->word[j]];
        if (X->S[c] == 0)
            X->sl[X->ns++] = (uint32_t)c;
        X->S[c] += out->count[j];
        X->left += out->count[j];
    }
    for (uint32_t j = in->start[w]; j < in->start[w + 1]; j++) {
        if (in->word[j] == w)
            continue;
        size_t c = cls[in->word[j]];
        if (X->P[c] == 0)
            X->pl[X->np++] = (uint32_t)c;
        X->P[c] += in->count[j];
        X->right += in->count[j];
    }
}

/* The gain in log likelihood of moving the gathered word from class A
 * to class B. */
static double gain(const xchg_t *X, size_t a, size_t b)
{
    size_t C = X->C;
    const double *N = X->N, *S = X->S, *P = X->P;
    double s = X->s, d = 0;
    /* The four cells of rows and columns A and B. */
    d += F(N[a * C + a] - S[a] - P[a] - s) - F(N[a * C + a]);
    d += F(N[a * C + b] - S[b] + P[a]) - F(N[a * C + b]);
    d += F(N[b * C + a] + S[a] - P[b]) - F(N[b * C + a]);
    d += F(N[b * C + b] + S[b] + P[b] + s) - F(N[b * C + b]);
    for (size_t i = 0; i < X->ns; i++) {
        size_t y = X->sl[i];
        if (y == a || y == b)
            continue;
        d += F(N[a * C + y] - S[y]) - F(N[a * C + y]);
        d += F(N[b * C + y] + S[y]) - F(N[b * C + y]);
    }
    for (size_t i = 0; i < X->np; i++) {
        size_t x = X->pl[i];
        if (x == a || x == b)
            continue;
        d += F(N[x * C + a] - P[x]) - F(N[x * C + a]);
        d += F(N[x * C + b] + P[x]) - F(N[x * C + b]);
    }
    const double *n1 = X->n1, *n2 = X->n2;
    double left = X->left, right = X->right;
    d -= F(n1[a] - left) - F(n1[a]) + F(n1[b] + left) - F(n1[b]);
    d -= F(n2[a] - right) - F(n2[a]) + F(n2[b] + right) - F(n2[b]);
    return d;
}

/* The class, other than the fixed two, with the greatest gain for the
 * gathered word now in class A; A unless some gain is positive. */
static size_t best_class(const xchg_t *X, size_t a)
{
    size_t best = a;
    double best_d = 1e-9;
    for (size_t b = 2; b < X->C; b++) {
        if (b == a)
            continue;
        double d = gain(X, a, b);
        if (d > best_d) {
            best_d = d;
            best = b;
        }
    }
    return best;
}

/* Moves the gathered word's counts from class A to class B. */
static void move(xchg_t *X, size_t a, size_t b)
{
    size_t C = X->C;
    double *N = X->N;
    const double *S = X->S, *P = X->P;
    N[a * C + a] -= S[a] + P[a] + X->s;
    N[a * C + b] += P[a] - S[b];
    N[b * C + a] += S[a] - P[b];
    N[b * C + b] += S[b] + P[b] + X->s;
    for (size_t i = 0; i < X->ns; i++) {
        size_t y = X->sl[i];
        if (y == a || y == b)
            continue;
        N[a * C + y] -= S[y];
        N[b * C + y] += S[y];
    }
    for (size_t i = 0; i < X->np; i++) {
        size_t x = X->pl[i];
        if (x == a || x == b)
            continue;
        N[x * C + a] -= P[x];
        N[x * C + b] += P[x];
    }
    X->n1[a] -= X->left, X->n1[b] += X->left;
    X->n2[a] -= X->right, X->n2[b] += X->right;
}

/* The exchange itself over NW words (ids by falling frequency, the first
 * two fixed) with successor lists OUT and predecessor lists IN. */
static int exchange(uint32_t nw, const adj_t *out, const adj_t *in,
                    const uint32_t *self, unsigned nclass, unsigned iters,
                    size_t total, uint16_t *cls)
{
    xchg_t X = {0};
    if (xchg_init(&X, nclass, total, nw, out, cls) != 0) {
        xchg_free(&X);
        return -1;
    }
    for (unsigned it = 0; it < iters; it++) {
        size_t moved = 0;
        for (uint32_t w = 2; w < nw; w++) {
            size_t a = cls[w];
            gather(&X, w, out, in, self, cls);
            size_t b = best_class(&X, a);
            if (b != a) {
                move(&X, a, b);
                cls[w] = (uint16_t)b;
                moved++;
            }
            for (size_t i = 0; i < X.ns; i++)
                X.S[X.sl[i]] = 0;
            for (size_t i = 0; i < X.np; i++)
                X.P[X.pl[i]] = 0;
        }
        if (moved == 0)
            break;
    }
    xchg_free(&X);
    return 0;
}

#undef F

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

/* What clustering a stream builds, freed together. Word ids: RARE,
 * BOUNDARY, then the words seen MIN_COUNT times or more by falling
 * count. */
typedef struct clu {
    map_t m;        /* term hash -> word id */
    wc_t *wc;       /* [nd] the distinct words by falling count */
    uint32_t nd;    /* distinct words */
    uint32_t nw;    /* word ids */
    uint32_t *id;   /* [n] the stream as word ids */
    pair_t *fw;     /* [np] the bigrams of ids */
    pair_t *bw;     /* [np] the same reversed */
    size_t np;      /* bigrams */
    uint32_t *self; /* [nw] each id's bigrams with itself */
    uint16_t *cls;  /* [nw] each id's class */
    adj_t out, in;  /* successors and predecessors of each id */
} clu_t;

static void clu_free(clu_t *c)
{
    free(c->m.keys), free(c->m.ids), free(c->wc), free(c->id), free(c->fw);
    free(c->bw), free(c->self), free(c->cls);
    free_adj(&c->out);
    free_adj(&c->in);
}

/* Finds the distinct words of STREAM (N term hashes, 0 at boundaries),
 * by falling count, then first occurrence, and numbers them. */
static void number_words(clu_t *c, const uint64_t *stream, size_t n,
                         unsigned min_count)
{
    uint32_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (!stream[i])
            continue;
        uint32_t *slot = map_slot(&c->m, stream[i]);
        if (!*slot) {
            c->wc[nd] = (wc_t){stream[i], 0, (uint32_t)i};
            *slot = ++nd;
        }
        c->wc[*slot - 1].count++;
    }
    qsort(c->wc, nd, sizeof *c->wc, cmp_wc);
    uint32_t nw = 2; /* Rare words and boundaries. */
    for (uint32_t i = 0; i < nd; i++)
        *map_slot(&c->m, c->wc[i].key) =
            c->wc[i].count >= min_count ? nw++ : RARE;
    for (size_t i = 0; i < n; i++)
        c->id[i] = stream[i] ? *map_slot(&c->m, stream[i]) : BOUNDARY;
    c->nd = nd;
    c->nw = nw;
}

/* Counts the bigrams of the N ids of the stream both ways, and each
 * id's bigrams with itself. 0, or -1 when memory runs out. */
static int count_bigrams(clu_t *c, size_t n)
{
    size_t np = 0;
    for (size_t i = 0; i + 1 < n; i++)
        c->fw[np++] = (pair_t){c->id[i], c->id[i + 1]};
    c->np = np;
    c->bw = malloc((np + 1) * sizeof *c->bw);
    c->self = calloc(c->nw, sizeof *c->self);
    c->cls = malloc(c->nw * sizeof *c->cls);
    if (!c->bw || !c->self || !c->cls)
        return -1;
    for (size_t i = 0; i < np; i++) {
        c->bw[i] = (pair_t){c->fw[i].b, c->fw[i].a};
        if (c->fw[i].a == c->fw[i].b)
            c->self[c->fw[i].a]++;
    }
    if (build_adj(c->fw, np, c->nw, &c->out) != 0 ||
        build_adj(c->bw, np, c->nw, &c->in) != 0)
        return -1;
    return 0;
}

/* The classes of the words seen MIN_COUNT times or more, in the order of
 * their ids, into new arrays *KEYS and *CLASSES. 0, or -1 when memory
 * runs out. */
static int answer(const clu_t *c, unsigned min_count, uint64_t **keys,
                  uint16_t **classes, size_t *nwords)
{
    *keys = malloc((c->nw + 1) * sizeof **keys);
    *classes = malloc((c->nw + 1) * sizeof **classes);
    if (!*keys || !*classes) {
        free(*keys), free(*classes);
        *keys = NULL, *classes = NULL;
        return -1;
    }
    for (uint32_t i = 0, w = 2; i < c->nd; i++)
        if (c->wc[i].count >= min_count) {
            (*keys)[w - 2] = c->wc[i].key;
            (*classes)[w - 2] = c->cls[w];
            w++;
        }
    *nwords = c->nw - 2;
    return 0;
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
    clu_t c = {
        .m = {calloc(slots, sizeof(uint64_t)), calloc(slots, 4), slots - 1}};
    c.wc = malloc((n + 1) * sizeof *c.wc);
    c.id = malloc((n + 1) * sizeof *c.id);
    c.fw = malloc((n + 1) * sizeof *c.fw);
    if (!c.m.keys || !c.m.ids || !c.wc || !c.id || !c.fw)
        goto out;
    number_words(&c, stream, n, min_count);
    if (count_bigrams(&c, n) != 0)
        goto out;
    c.cls[RARE] = RARE;
    c.cls[BOUNDARY] = BOUNDARY;
    for (uint32_t w = 2; w < c.nw; w++)
        c.cls[w] = (uint16_t)(2 + (w - 2) % (nclass - 2));
    if (exchange(c.nw, &c.out, &c.in, c.self, nclass, iters, c.np, c.cls) != 0)
        goto out;
    rc = answer(&c, min_count, keys, classes, nwords);
out:
    clu_free(&c);
    return rc;
}
