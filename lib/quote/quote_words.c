/* The quoter's word cache. Most of the first stage's features join a
 * word of the token or of a neighbour (its stem, its term) with a
 * template, or with another value; a word comes back again and again in
 * a text, so what those features hash of the word alone is worked out
 * once, when the word is first met, and kept in a direct-mapped table: a
 * word met again costs a load instead of up to sixteen rounds of the
 * hash. Likewise the first stage's features whose values come from small
 * sets, in tables made at load (ps__q_tab_init), and the sums of the
 * rows of those that are all the token's and its neighbours' small sets
 * (ps__q_group1). The rows come out exactly as quote_features.c hashes
 * them. */
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"

/* What quote_features.c hashes for "no value" (a scan that found
 * nothing). */
#define NONE 0x4e4f4e45ULL

/* Slots in each table (direct-mapped by the word's hash): some 570 KB a
 * quoter in all (the indexer has one a worker thread), which keeps the
 * commonest words of a text. */
#define SLOT_BITS 12
#define NSLOTS ((size_t)1 << SLOT_BITS)

/* The most tokens one ps__q_words() call fills. */
#define MAX_BLOCK (PS__Q_WBLOCK + 4)

/* Slots of the small-set groups' sums (ps__q_group1), direct-mapped by
 * key: the keys a text asks are a few hundred, the commonest most. */
#define GROUP_BITS 11
#define NGROUPS ((size_t)1 << GROUP_BITS)

struct ps__qwcache {
    int32_t gsum[NGROUPS][16];
    uint64_t gkey[NGROUPS]; /* 0: an empty slot (a key is never 0) */
    uint64_t mask; /* of a row */
    uint64_t skey[NSLOTS], tkey[NSLOTS], tsuf[NSLOTS];
    uint8_t sfull[NSLOTS], tfull[NSLOTS];
    ps__qwstem_t stem[NSLOTS];
    ps__qwterm_t term[NSLOTS];
    ps__qwstem_t bst[MAX_BLOCK];
    ps__qwterm_t btm[MAX_BLOCK];
};

ps__qwcache_t *ps__q_wcache_new(uint32_t row_bits)
{
    ps__qwcache_t *c = aligned_alloc(64, (sizeof *c + 63) / 64 * 64);
    if (c) {
        memset(c, 0, sizeof *c);
        c->mask = ((uint64_t)1 << row_bits) - 1;
    }
    return c;
}

/* ACC[0..16) = the sums of ROWS of both stages' side-by-side rows W. */
PS__Q_CLONES static void sum16(int32_t *acc, const int16_t *w,
                               const uint32_t *rows, size_t nf)
{
    int32_t a[16] = {0};
    ps__q_add_rows(a, w, 16, rows, nf, 16);
    memcpy(acc, a, sizeof a);
}

const int32_t *ps__q_group1(ps__qwcache_t *c, const ps__qmodel_view_t *v,
                            uint64_t key)
{
    size_t k = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - GROUP_BITS));
    if (c->gkey[k] != key) {
        uint32_t rows[PS__Q_GROUP1];
        ps__q_group1_rows(v->tab, key, v->row_bits, rows);
        sum16(c->gsum[k], v->wide_stages, rows, PS__Q_GROUP1);
        c->gkey[k] = key;
    }
    return c->gsum[k];
}

void ps__q_wcache_free(ps__qwcache_t *c)
{
    free(c);
}

static uint32_t row(uint64_t mask, unsigned tmpl, uint64_t a, uint64_t b)
{
    return (uint32_t)(ps__q_mix(ps__q_mix(tmpl, a), b) & mask);
}

static void make_stem(uint64_t mask, uint64_t h, ps__qwstem_t *w)
{
    w->r3 = row(mask, 3, h, 0);
    w->r4 = row(mask, 4, h, 0);
    w->r5 = row(mask, 5, h, 0);
    w->r6 = row(mask, 6, h, 0);
    w->r7 = row(mask, 7, h, 0);
    w->r27[0] = row(mask, 27, h, 0);
    w->r27[1] = row(mask, 27, h, 1);
    w->m35 = ps__q_mix(35, h);
    w->m37 = ps__q_mix(37, h);
    w->m38 = ps__q_mix(38, h);
    w->m39 = ps__q_mix(39, h);
    w->m60 = ps__q_mix(60, h);
}

static void make_term(uint64_t mask, uint64_t h, uint64_t suffix,
                      ps__qwterm_t *w)
{
    w->r2 = row(mask, 2, h, 0);
    w->m8 = ps__q_mix(8, h);
    w->m9 = ps__q_mix(9, h);
    w->m28 = ps__q_mix(28, h);
    w->m31 = ps__q_mix(31, h);
    w->m36 = ps__q_mix(36, suffix);
}

static const ps__qwstem_t *stem_of(ps__qwcache_t *c, uint64_t h)
{
    size_t k = (size_t)(h >> 20) & (NSLOTS - 1);
    if (!c->sfull[k] || c->skey[k] != h) {
        make_stem(c->mask, h, &c->stem[k]);
        c->skey[k] = h;
        c->sfull[k] = 1;
    }
    return &c->stem[k];
}

/* A term's suffix is its last three bytes, but a mark's is none: both
 * are keys. */
static const ps__qwterm_t *term_of(ps__qwcache_t *c, uint64_t h,
                                   uint64_t suffix)
{
    size_t k = (size_t)(h >> 20) & (NSLOTS - 1);
    if (!c->tfull[k] || c->tkey[k] != h || c->tsuf[k] != suffix) {
        make_term(c->mask, h, suffix, &c->term[k]);
        c->tkey[k] = h;
        c->tsuf[k] = suffix;
        c->tfull[k] = 1;
    }
    return &c->term[k];
}

void ps__q_words(ps__qwcache_t *c, const ps__qtok_t *s, size_t a, size_t b,
                 ps__qwords_t *w)
{
    if (b - a > MAX_BLOCK)
        abort(); /* a caller's bug: blocks are at most PS__Q_WBLOCK + 4 */
    for (size_t i = a; i < b; i++) {
        c->bst[i - a] = *stem_of(c, s[i].stem);
        c->btm[i - a] = *term_of(c, s[i].term, s[i].suffix);
    }
    w->st = c->bst;
    w->tm = c->btm;
    w->base = a;
    w->n = b - a;
    w->pf = NULL;
}

/* The row of the feature (TMPL, A, B) for a table of 2^ROW_BITS rows. */
static uint32_t row_of(uint32_t row_bits, unsigned tmpl, uint64_t a,
                       uint64_t b)
{
    uint64_t mask = ((uint64_t)1 << row_bits) - 1;
    return (uint32_t)(ps__q_mix(ps__q_mix(tmpl, a), b) & mask);
}

/* The tables stage1_fast() and stage2_fast() read beside the first
 * ones. */
static void tab_init_more(uint32_t rb, ps__qtab_t *t)
{
    for (uint64_t v = 0; v < 257; v++) {
        uint64_t or_none = v < 256 ? v : 0x100;
        t->m18[v] = ps__q_mix(18, or_none);
        t->m56[v] = ps__q_mix(56, or_none);
        if (v == 256)
            break;
        t->m14[v] = ps__q_mix(14, v);
        t->m16[0][v] = ps__q_mix(16, v);
        t->m16[1][v] = ps__q_mix(16, 1u << 9 | v);
        t->m19[v] = ps__q_mix(19, v);
        t->m57[v] = ps__q_mix(57, v);
        t->m58[v] = ps__q_mix(58, v);
        t->t55[v][0] = row_of(rb, 55, v, 0);
        t->t55[v][1] = row_of(rb, 55, v, 1);
        t->m43[v] = ps__q_mix(43, v);
    }
    for (uint64_t b = 0; b < 8; b++) {
        t->m33[b] = ps__q_mix(33, b == 7 ? NONE : b);
        t->m34[b] = ps__q_mix(34, b == 7 ? NONE : b);
        for (uint64_t qg = 0; qg < 272; qg++) {
            t->t33[b][qg] = row_of(rb, 33, b == 7 ? NONE : b, qg);
            t->t34[b][qg] = row_of(rb, 34, b == 7 ? NONE : b, qg);
        }
    }
    for (uint64_t cl = 0; cl < 1024; cl++)
        for (uint64_t a = 0; a < 8; a++)
            t->t61[cl][a] = row_of(rb, 61, cl, a);
    for (uint64_t l = 0; l < 7; l++) {
        t->t40[l] = row_of(rb, 40, l, 0);
        t->m45[l] = ps__q_mix(45, l);
        for (uint64_t o = 0; o < 8; o++) {
            uint64_t other = o == 7 ? 9 : o;
            t->t41[o][l] = row_of(rb, 41, other, l);
            t->t42[l][o] = row_of(rb, 42, l, other);
        }
        for (uint64_t g = 0; g < 256; g++)
            t->t44[l][g] = row_of(rb, 44, l, g);
        for (unsigned r = 0; r < 6; r++)
            for (uint64_t q = 0; q < 2; q++)
                t->t46[r][l][q] = row_of(rb, 46 + r, l, q);
    }
    for (uint64_t w = 0; w < 64; w++) {
        t->t52[w][0] = row_of(rb, 52, w, 0);
        t->t52[w][1] = row_of(rb, 52, w, 1);
        t->m53[w] = ps__q_mix(53, w);
        t->m54[w] = ps__q_mix(54, w);
    }
}

/* What quote_features.c hashes for "no token" (before the first). */
#define EDGE 0x45444745ULL

void ps__q_tab_init(uint32_t rb, ps__qtab_t *t)
{
    t->t1 = row_of(rb, 1, 0, 0);
    for (int a = 0; a < 34; a++) {
        uint64_t sa = a == 33 ? EDGE : ps__q_shape_of_ix(a);
        if (a < 33) {
            t->t10[a][0] = row_of(rb, 10, sa, 0);
            t->t10[a][1] = row_of(rb, 10, sa, PS_TOK_SENT_START);
        }
        for (int b = 0; b < 33; b++)
            t->t11[a][b] = row_of(rb, 11, sa, ps__q_shape_of_ix(b));
    }
    for (uint64_t g = 0; g < 257; g++) {
        if (g < 256) {
            t->t12[g] = row_of(rb, 12, g, 0);
            t->t17[g] = row_of(rb, 17, g, 0);
        }
        t->t13[g] = row_of(rb, 13, g, 0);
    }
    for (uint64_t q = 0; q < 2; q++) {
        for (uint64_t p = 0; p < 3; p++)
            t->t15[q][p] = row_of(rb, 15, q, p);
        for (uint64_t b = 0; b < 7; b++) {
            t->t20[b][q] = row_of(rb, 20, b, q);
            t->t21[b][q] = row_of(rb, 21, b, q);
        }
    }
    for (uint64_t l = 0; l < 4; l++) {
        for (uint64_t q = 0; q < 2; q++)
            t->t22[l][q] = row_of(rb, 22, l, q);
        for (uint64_t o = 0; o < 10; o++) {
            t->t23[o][l] = row_of(rb, 23, o, l);
            t->t24[l][o] = row_of(rb, 24, l, o);
        }
        for (uint64_t b = 0; b < 8; b++) {
            t->t25[b][l] = row_of(rb, 25, b == 7 ? NONE : b, l);
            t->t26[b][l] = row_of(rb, 26, b == 7 ? NONE : b, l);
        }
    }
    tab_init_more(rb, t);
}
