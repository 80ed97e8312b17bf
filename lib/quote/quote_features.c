/* The quote model's features: each is a template number mixed with one or
 * two hashes the sequence already holds, so no string is built. The first
 * stage sees the words, their shapes, the punctuation and quotation marks
 * around them, the sentence, entities and the cue lexicon mined from the
 * training data; the second stage also sees what the first said about the
 * words nearby (where the cue, the source and the content are). Changing
 * a template or what it hashes needs a new model format version
 * (quote_model.c). Every scan is bounded, so a token costs constant time. */
#include <stdint.h>
#include <string.h>

#include "quote_private.h"

/* How far the scans for the nearest cue, source or content look. */
#define SCAN 40

#define mix ps__q_mix

typedef struct fbuf {
    uint32_t *rows;
    size_t n;
    uint64_t mask;
    const ps__qnear_t *near; /* the token's scans done ahead, or NULL */
    const ps__qtab_t *tab;   /* rows made at load, or NULL */
    const ps__qwords_t *w;   /* the tokens' words, or NULL (needs TAB) */
} fbuf_t;

static inline __attribute__((always_inline)) void add(fbuf_t *f, unsigned tmpl, uint64_t a, uint64_t b)
{
    if (f->n < PS__Q_MAXF)
        f->rows[f->n++] = (uint32_t)(mix(mix(tmpl, a), b) & f->mask);
}

static inline __attribute__((always_inline)) void put(fbuf_t *f, uint32_t row)
{
    if (f->n < PS__Q_MAXF)
        f->rows[f->n++] = row;
}

/* The feature whose first hash IN was worked out ahead (as add() makes
 * it). */
static inline __attribute__((always_inline)) void add_in(fbuf_t *f,
                                                         uint64_t in,
                                                         uint64_t b)
{
    if (f->n < PS__Q_MAXF)
        f->rows[f->n++] = (uint32_t)(mix(in, b) & f->mask);
}

/* The feature (TMPL, A, B), read from the load-time table entry ENTRY
 * when there are tables: the same row. */
#define ADD_T(f, entry, tmpl, a, b)                                            \
    ((f)->tab ? put((f), (f)->tab->entry) : add((f), (tmpl), (a), (b)))

/* The index of what features 25 and 26 hash first: the bucket, or 7 for
 * none. */
#define NEAR_IX(k, d) ((k) < 0 ? 7 : bucket(d))

/* Distance buckets: 1, 2, 3, 4-6, 7-12, 13 and more. */
static uint64_t bucket(size_t d)
{
    return d <= 3 ? d : d <= 6 ? 4 : d <= 12 ? 5 : 6;
}

#define NONE 0x4e4f4e45ULL
#define EDGE 0x45444745ULL

static uint64_t stem_at(const ps__qtok_t *s, size_t n, long i)
{
    return i < 0 || (size_t)i >= n ? EDGE : s[i].stem;
}

static uint64_t term_at(const ps__qtok_t *s, size_t n, long i)
{
    return i < 0 || (size_t)i >= n ? EDGE : s[i].term;
}

static uint64_t gap_after(const ps__qtok_t *s, size_t n, size_t i)
{
    return i + 1 < n ? s[i + 1].gap : 0x100;
}

/* The nearest token in I's sentence, left (DIR -1) or right (DIR 1),
 * within SCAN, for which TEST holds; -1 if none. */
static long nearest(const ps__qtok_t *s, size_t n, size_t i, int dir,
                    int (*test)(const ps__qtok_t *, const uint8_t *, size_t),
                    const uint8_t *lab)
{
    for (long k = (long)i + dir, steps = 0;
         k >= 0 && (size_t)k < n && steps < SCAN; k += dir, steps++) {
        if (s[k].sent != s[i].sent)
            return -1;
        if (test(s, lab, (size_t)k))
            return k;
    }
    return -1;
}

static int is_lex(const ps__qtok_t *s, const uint8_t *lab, size_t k)
{
    (void)lab;
    return s[k].lex >= 2;
}

static int is_cue(const ps__qtok_t *s, const uint8_t *lab, size_t k)
{
    (void)s;
    return PS__Q_ROLE(lab[k]) == 2;
}

static int is_src(const ps__qtok_t *s, const uint8_t *lab, size_t k)
{
    (void)s;
    return PS__Q_ROLE(lab[k]) == 1;
}

static int is_con(const ps__qtok_t *s, const uint8_t *lab, size_t k)
{
    (void)s;
    return PS__Q_ROLE(lab[k]) == 3;
}

static void sentence_features(fbuf_t *f, const ps__qtok_t *s, size_t n,
                              size_t i)
{
    size_t a = i, b = i;
    if (f->near) {
        a = (size_t)f->near->sa;
        b = (size_t)f->near->sb;
    } else {
        while (a > 0 && i - a < SCAN && s[a - 1].sent == s[i].sent)
            a--;
        while (b + 1 < n && b - i < SCAN && s[b + 1].sent == s[i].sent)
            b++;
    }
    ADD_T(f, t20[bucket(i - a)][s[i].inq], 20, bucket(i - a), s[i].inq);
    ADD_T(f, t21[bucket(b - i)][s[i].inq], 21, bucket(b - i), s[i].inq);
    add(f, 32, s[a].stem, i == a);
    for (int dir = -1; dir <= 1; dir += 2) {
        long k = f->near ? f->near->lex[dir > 0]
                         : nearest(s, n, i, dir, is_lex, NULL);
        size_t d = k < 0 ? 0 : (size_t)(dir < 0 ? (long)i - k : k - (long)i);
        uint64_t kl = k < 0 ? 0 : s[k].lex;
        if (f->tab)
            put(f, dir < 0 ? f->tab->t25[NEAR_IX(k, d)][kl]
                           : f->tab->t26[NEAR_IX(k, d)][kl]);
        else
            add(f, dir < 0 ? 25 : 26, k < 0 ? NONE : bucket(d), kl);
        add(f, dir < 0 ? 29 : 30, k < 0 ? NONE : s[k].stem, s[i].inq);
        uint64_t qg = (uint64_t)s[i].inq * 16 + s[i].gap;
        if (f->tab)
            add_in(f, dir < 0 ? f->tab->m33[NEAR_IX(k, d)]
                              : f->tab->m34[NEAR_IX(k, d)],
                   qg);
        else
            add(f, dir < 0 ? 33 : 34, k < 0 ? NONE : bucket(d), qg);
    }
}

/* How far the lookahead for a complement looks, in tokens. */
#define AHEAD 4

/* The hash of the term "that" (quote_seq.c hashes terms with XXH3). */
#define THAT_HASH 0x1856e7c97b5eca5fULL

/* What token K holds for the lookahead: a quotation that opens before
 * it (bit 0), "that" (bit 1), a colon before it (bit 2). */
static uint32_t ahead_bits(const ps__qtok_t *t)
{
    return ((t->gap & PS__G_OPEN) ? 1u : 0) | (t->term == THAT_HASH ? 2u : 0) |
           ((t->gap & PS__G_COLON) ? 4u : 0);
}

/* Whether, within the next AHEAD tokens of I's sentence, a quotation
 * opens (bit 0), "that" comes (bit 1) or a colon does (bit 2). */
static uint64_t lookahead(const ps__qtok_t *s, size_t n, size_t i)
{
    uint64_t r = 0;
    for (size_t k = i + 1; k < n && k <= i + AHEAD; k++) {
        if (s[k].sent != s[i].sent)
            break;
        r |= ahead_bits(&s[k]);
    }
    return r;
}

static void stage1_features(fbuf_t *f, const ps__qtok_t *s, size_t n, size_t i)
{
    long j = (long)i;
    const ps__qtok_t *t = &s[i];
    uint64_t ga = gap_after(s, n, i);
    ADD_T(f, t1, 1, 0, 0);
    add(f, 2, t->term, 0);
    add(f, 3, t->stem, 0);
    add(f, 4, stem_at(s, n, j - 1), 0);
    add(f, 5, stem_at(s, n, j + 1), 0);
    add(f, 6, stem_at(s, n, j - 2), 0);
    add(f, 7, stem_at(s, n, j + 2), 0);
    add(f, 8, term_at(s, n, j - 1), t->term);
    add(f, 9, t->term, term_at(s, n, j + 1));
    add(f, 10, t->shape, t->flags & PS_TOK_SENT_START);
    add(f, 11, i > 0 ? s[i - 1].shape : EDGE, t->shape);
    ADD_T(f, t12[t->gap], 12, t->gap, 0);
    ADD_T(f, t13[ga], 13, ga, 0);
    add(f, 14, t->gap, ga);
    uint64_t pinq = i > 0 ? s[i - 1].inq : 2;
    ADD_T(f, t15[t->inq][pinq], 15, t->inq, pinq);
    add(f, 16, (uint64_t)t->inq << 9 | t->gap, ga);
    ADD_T(f, t17[t->ent], 17, t->ent, 0);
    add(f, 18, i > 0 ? s[i - 1].ent : 0x100, t->ent);
    add(f, 19, t->ent, i + 1 < n ? s[i + 1].ent : 0x100);
    uint64_t plex = i > 0 ? s[i - 1].lex : 9;
    uint64_t nlex = i + 1 < n ? s[i + 1].lex : 9;
    ADD_T(f, t22[t->lex][t->inq], 22, t->lex, t->inq);
    ADD_T(f, t23[plex][t->lex], 23, plex, t->lex);
    ADD_T(f, t24[t->lex][nlex], 24, t->lex, nlex);
    add(f, 27, t->stem, t->inq);
    add(f, 28, term_at(s, n, j - 1), t->gap);
    add(f, 31, t->term, ga);
    add(f, 35, stem_at(s, n, j + 1), ga);
    add(f, 36, t->suffix, t->shape);
    add(f, 37, stem_at(s, n, j - 1), t->stem);
    add(f, 38, t->stem, stem_at(s, n, j + 1));
    add(f, 39, t->stem, (i > 0 ? s[i - 1].ent : 0x100) * 512 +
                            (i + 1 < n ? s[i + 1].ent : 0x100));
    /* Word classes (quote_train.c): a cue word seen rarely or never as
     * one shares a class with words that were. */
    uint64_t pc = i > 0 ? s[i - 1].clus : 0x100;
    uint64_t nc = i + 1 < n ? s[i + 1].clus : 0x100;
    add(f, 55, t->clus, t->inq);
    add(f, 56, pc, t->clus);
    add(f, 57, t->clus, nc);
    add(f, 58, t->clus, (uint64_t)t->gap << 9 | ga);
    add(f, 59, pc * 512 + t->clus, t->lex);
    /* What a reporting verb's complement opens with, a few words on:
     * "told reporters that", "called it “a disgrace”". */
    uint64_t ahead = lookahead(s, n, i);
    add(f, 60, t->stem, ahead);
    add(f, 61, (uint64_t)t->clus * 4 + t->lex, ahead);
    sentence_features(f, s, n, i);
}

/* The words of token K (a ps__qwords_t's block holds it). */
#define WS(f, k) (&(f)->w->st[(k) - (f)->w->base])
#define WT(f, k) (&(f)->w->tm[(k) - (f)->w->base])

/* The fast paths write their rows through a local pointer O (a fixed
 * count, 49 and 15, well under PS__Q_MAXF, so no bound is checked) with
 * the row mask M. */
static inline __attribute__((always_inline)) uint32_t *
emit(uint32_t *o, uint32_t row, const int16_t *pf)
{
    *o = row;
    if (pf)
        __builtin_prefetch(pf + (size_t)row * 16);
    return o + 1;
}

/* Each row is written, and when PF is not NULL (the sums' side-by-side
 * rows, ps__qwords_t) asked of memory at once: the table is larger than
 * a core's cache, and the row is then on its way while the token's other
 * features are hashed. */
#define O_PUT(row) (o = emit(o, (row), pf))
#define O_IN(in, b) (o = emit(o, (uint32_t)(mix((in), (b)) & m), pf))
#define O_ADD(tmpl, a, b)                                                      \
    (o = emit(o, (uint32_t)(mix(mix((tmpl), (a)), (b)) & m), pf))

/* sentence_features() from the scans done ahead and the tables. */
static inline __attribute__((always_inline)) uint32_t *
sentence_fast(uint32_t *o, uint64_t m, const ps__qtab_t *tb,
              const ps__qnear_t *nr, const ps__qtok_t *s, size_t i,
              const int16_t *pf)
{
    size_t a = (size_t)nr->sa, b = (size_t)nr->sb;
    const ps__qtok_t *t = &s[i];
    O_PUT(tb->t20[bucket(i - a)][t->inq]);
    O_PUT(tb->t21[bucket(b - i)][t->inq]);
    O_ADD(32, s[a].stem, i == a);
    uint64_t qg = (uint64_t)t->inq * 16 + t->gap;
    long k = nr->lex[0];
    size_t ix = k < 0 ? 7 : bucket(i - (size_t)k);
    O_PUT(tb->t25[ix][k < 0 ? 0 : s[k].lex]);
    O_ADD(29, k < 0 ? NONE : s[k].stem, t->inq);
    O_PUT(tb->t33[ix][qg]);
    k = nr->lex[1];
    ix = k < 0 ? 7 : bucket((size_t)k - i);
    O_PUT(tb->t26[ix][k < 0 ? 0 : s[k].lex]);
    O_ADD(30, k < 0 ? NONE : s[k].stem, t->inq);
    O_PUT(tb->t34[ix][qg]);
    return o;
}

/* The key of token I's small-set features (ps__q_group1_rows) when it
 * has one: a token with neighbours either side whose shapes have table
 * rows; 0 otherwise. The quotation states are 0 or 1 (quote_seq.c). */
static inline __attribute__((always_inline)) uint64_t
group_key(const ps__qtok_t *s, size_t n, size_t i, int shx, int pshx)
{
    if (i == 0 || i + 1 >= n || shx < 0 || pshx < 0)
        return 0;
    const ps__qtok_t *t = &s[i], *p = &s[i - 1], *q = &s[i + 1];
    uint64_t ss = (t->flags & PS_TOK_SENT_START) != 0;
    return (uint64_t)t->gap | (uint64_t)q->gap << 8 |
           (uint64_t)(t->inq & 1) << 16 | (uint64_t)(p->inq & 1) << 17 |
           (uint64_t)t->lex << 18 | (uint64_t)p->lex << 20 |
           (uint64_t)q->lex << 22 | (uint64_t)t->ent << 24 |
           (uint64_t)p->ent << 32 | (uint64_t)q->ent << 40 |
           (uint64_t)shx << 48 | ss << 54 | (uint64_t)pshx << 55 |
           (uint64_t)1 << 63;
}

void ps__q_group1_rows(const ps__qtab_t *tb, uint64_t key, uint32_t row_bits,
                       uint32_t *rows)
{
    const uint64_t m = ((uint64_t)1 << row_bits) - 1;
    const int16_t *pf = NULL;
    uint32_t *o = rows;
    uint64_t gap = key & 0xff, ga = key >> 8 & 0xff, inq = key >> 16 & 1;
    uint64_t pinq = key >> 17 & 1, lex = key >> 18 & 3;
    uint64_t plex = key >> 20 & 3, nlex = key >> 22 & 3;
    uint64_t ent = key >> 24 & 0xff, pe = key >> 32 & 0xff;
    uint64_t ne = key >> 40 & 0xff, shx = key >> 48 & 63;
    uint64_t ss = key >> 54 & 1, pshx = key >> 55 & 63;
    O_PUT(tb->t1);
    O_PUT(tb->t10[shx][ss]);
    O_PUT(tb->t11[pshx][shx]);
    O_PUT(tb->t12[gap]);
    O_PUT(tb->t13[ga]);
    O_IN(tb->m14[gap], ga);
    O_PUT(tb->t15[inq][pinq]);
    O_IN(tb->m16[inq][gap], ga);
    O_PUT(tb->t17[ent]);
    O_IN(tb->m18[pe], ent);
    O_IN(tb->m19[ent], ne);
    O_PUT(tb->t22[lex][inq]);
    O_PUT(tb->t23[plex][lex]);
    O_PUT(tb->t24[lex][nlex]);
}

/* A row of the small-set group: written unless the token's key stands
 * for the group (KEY not 0). */
#define G_PUT(row) (key ? (void)0 : (void)O_PUT(row))
#define G_IN(in, b) (key ? (void)0 : (void)O_IN(in, b))

/* stage1_features() with the words' hashes from F's block and the small
 * sets' from its tables: the same rows in the same order. With PKEY, the
 * rows of ps__q_group1_rows are left out when the token has a group key,
 * which *PKEY gets (0: none, every row written). */
static inline __attribute__((always_inline)) void
stage1_fast_pf(fbuf_t *f, const ps__qtok_t *s, size_t n, size_t i,
               const int16_t *pf, uint64_t *pkey)
{
    const ps__qtok_t *t = &s[i];
    const ps__qtab_t *tb = f->tab;
    const ps__qwstem_t *ws = WS(f, i);
    const ps__qwterm_t *wt = WT(f, i);
    const uint64_t m = f->mask;
    uint32_t *o = f->rows + f->n;
    uint64_t ga = gap_after(s, n, i);
    int first = i == 0, last = i + 1 == n;
    int shx = ps__q_shape_ix(t->shape);
    int pshx = !first ? ps__q_shape_ix(s[i - 1].shape) : 33;
    uint64_t key = pkey ? group_key(s, n, i, shx, pshx) : 0;
    if (pkey)
        *pkey = key;
    G_PUT(tb->t1);
    O_PUT(wt->r2);
    O_PUT(ws->r3);
    O_PUT(!first ? WS(f, i - 1)->r4 : (uint32_t)(mix(mix(4, EDGE), 0) & m));
    O_PUT(!last ? WS(f, i + 1)->r5 : (uint32_t)(mix(mix(5, EDGE), 0) & m));
    O_PUT(i > 1 ? WS(f, i - 2)->r6 : (uint32_t)(mix(mix(6, EDGE), 0) & m));
    O_PUT(i + 2 < n ? WS(f, i + 2)->r7
                    : (uint32_t)(mix(mix(7, EDGE), 0) & m));
    O_IN(!first ? WT(f, i - 1)->m8 : mix(8, EDGE), t->term);
    O_IN(wt->m9, !last ? s[i + 1].term : EDGE);
    if (shx >= 0 && pshx >= 0) {
        G_PUT(tb->t10[shx][(t->flags & PS_TOK_SENT_START) != 0]);
        G_PUT(tb->t11[pshx][shx]);
    } else {
        O_ADD(10, t->shape, t->flags & PS_TOK_SENT_START);
        O_ADD(11, !first ? s[i - 1].shape : EDGE, t->shape);
    }
    G_PUT(tb->t12[t->gap]);
    G_PUT(tb->t13[ga]);
    G_IN(tb->m14[t->gap], ga);
    G_PUT(tb->t15[t->inq][!first ? s[i - 1].inq : 2]);
    G_IN(tb->m16[t->inq][t->gap], ga);
    G_PUT(tb->t17[t->ent]);
    uint64_t pe = !first ? s[i - 1].ent : 0x100;
    uint64_t ne = !last ? s[i + 1].ent : 0x100;
    G_IN(tb->m18[pe], t->ent);
    G_IN(tb->m19[t->ent], ne);
    uint64_t plex = !first ? s[i - 1].lex : 9;
    uint64_t nlex = !last ? s[i + 1].lex : 9;
    G_PUT(tb->t22[t->lex][t->inq]);
    G_PUT(tb->t23[plex][t->lex]);
    G_PUT(tb->t24[t->lex][nlex]);
    O_PUT(ws->r27[t->inq]);
    O_IN(!first ? WT(f, i - 1)->m28 : mix(28, EDGE), t->gap);
    O_IN(wt->m31, ga);
    O_IN(!last ? WS(f, i + 1)->m35 : mix(35, EDGE), ga);
    O_IN(wt->m36, t->shape);
    O_IN(!first ? WS(f, i - 1)->m37 : mix(37, EDGE), t->stem);
    O_IN(ws->m38, !last ? s[i + 1].stem : EDGE);
    O_IN(ws->m39, pe * 512 + ne);
    uint64_t pc = !first ? s[i - 1].clus : 0x100;
    uint64_t nc = !last ? s[i + 1].clus : 0x100;
    O_PUT(tb->t55[t->clus][t->inq]);
    O_IN(tb->m56[pc], t->clus);
    O_IN(tb->m57[t->clus], nc);
    O_IN(tb->m58[t->clus], (uint64_t)t->gap << 9 | ga);
    O_ADD(59, pc * 512 + t->clus, t->lex);
    uint64_t ahead = f->near->ahead;
    O_IN(ws->m60, ahead);
    O_PUT(tb->t61[(size_t)t->clus * 4 + t->lex][ahead]);
    o = sentence_fast(o, m, tb, f->near, s, i, pf);
    f->n = (size_t)(o - f->rows);
}

/* stage1_fast_pf(), prefetching the rows when F's words say where. */
static void stage1_fast(fbuf_t *f, const ps__qtok_t *s, size_t n, size_t i,
                        uint64_t *pkey)
{
    if (f->w->pf)
        stage1_fast_pf(f, s, n, i, f->w->pf, pkey);
    else
        stage1_fast_pf(f, s, n, i, NULL, pkey);
}

/* The index of a neighbour's label in the second stage's tables: 0 to 6,
 * 7 for no token (9 in the hashes). */
#define L8(l) ((l) == 9 ? 7 : (l))

/* stage2_features() from the load-time tables: the same rows in the same
 * order. */
static void stage2_fast(fbuf_t *f, const ps__qtok_t *s, size_t n, size_t i,
                        const uint8_t *p)
{
    const ps__qtab_t *tb = f->tab;
    const uint64_t m = f->mask;
    const int16_t *pf = NULL; /* the caller prefetches */
    uint32_t *o = f->rows + f->n;
    uint64_t prev = i > 0 ? p[i - 1] : 9, next = i + 1 < n ? p[i + 1] : 9;
    uint64_t prev2 = i > 1 ? p[i - 2] : 9, next2 = i + 2 < n ? p[i + 2] : 9;
    uint8_t inq = s[i].inq;
    O_PUT(tb->t40[p[i]]);
    O_PUT(tb->t41[L8(prev)][p[i]]);
    O_PUT(tb->t42[p[i]][L8(next)]);
    O_IN(tb->m43[prev2 * 16 + prev], next * 16 + next2);
    O_PUT(tb->t44[p[i]][s[i].gap]);
    O_IN(tb->m45[p[i]], s[i].stem);
    uint64_t where[6];
    for (int r = 0; r < 3; r++) {
        for (int dir = 0; dir < 2; dir++) {
            long k = f->near->role[r][dir];
            size_t d = k < 0 ? 0 : dir ? (size_t)k - i : i - (size_t)k;
            uint64_t b = k < 0 ? 0 : bucket(d);
            where[r * 2 + dir] = b;
            O_PUT(tb->t46[r * 2 + dir][b][inq]);
        }
    }
    O_PUT(tb->t52[where[2] * 8 + where[3]][inq]);
    O_IN(tb->m53[where[0] * 8 + where[1]], where[2] * 8 + where[3]);
    O_IN(tb->m54[where[2] * 8 + where[3]], s[i].stem);
    f->n = (size_t)(o - f->rows);
}

/* What the first stage said around token I. */
static void stage2_features(fbuf_t *f, const ps__qtok_t *s, size_t n,
                            size_t i, const uint8_t *p)
{
    uint64_t prev = i > 0 ? p[i - 1] : 9, next = i + 1 < n ? p[i + 1] : 9;
    uint64_t prev2 = i > 1 ? p[i - 2] : 9, next2 = i + 2 < n ? p[i + 2] : 9;
    add(f, 40, p[i], 0);
    add(f, 41, prev, p[i]);
    add(f, 42, p[i], next);
    add(f, 43, prev2 * 16 + prev, next * 16 + next2);
    add(f, 44, p[i], s[i].gap);
    add(f, 45, p[i], s[i].stem);
    int (*tests[3])(const ps__qtok_t *, const uint8_t *, size_t) = {
        is_src, is_cue, is_con};
    uint64_t where[6];
    for (int r = 0; r < 3; r++) {
        for (int dir = -1; dir <= 1; dir += 2) {
            long k = f->near ? f->near->role[r][dir > 0]
                             : nearest(s, n, i, dir, tests[r], p);
            size_t d =
                k < 0 ? 0 : (size_t)(dir < 0 ? (long)i - k : k - (long)i);
            uint64_t b = k < 0 ? 0 : bucket(d);
            where[r * 2 + (dir > 0)] = b;
            add(f, 46 + (unsigned)r * 2 + (dir > 0), b, s[i].inq);
        }
    }
    add(f, 52, where[2] * 8 + where[3], s[i].inq);
    add(f, 53, where[0] * 8 + where[1], where[2] * 8 + where[3]);
    add(f, 54, where[2] * 8 + where[3], s[i].stem);
}

size_t ps__q_features(const ps__qtok_t *s, size_t n, size_t i, int stage,
                      const uint8_t *pred1, uint32_t row_bits, uint32_t *rows)
{
    fbuf_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, NULL, NULL, NULL};
    stage1_features(&f, s, n, i);
    if (stage == 1)
        stage2_features(&f, s, n, i, pred1);
    return f.n;
}

size_t ps__q_features1(const ps__qtok_t *s, size_t n, size_t i,
                       const ps__qnear_t *near, const ps__qtab_t *tab,
                       const ps__qwords_t *w, uint32_t row_bits,
                       uint32_t *rows)
{
    fbuf_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, near + i, tab, w};
    if (tab && w)
        stage1_fast(&f, s, n, i, NULL);
    else
        stage1_features(&f, s, n, i);
    return f.n;
}

size_t ps__q_features1g(const ps__qtok_t *s, size_t n, size_t i,
                        const ps__qnear_t *near, const ps__qtab_t *tab,
                        const ps__qwords_t *w, uint32_t row_bits,
                        uint32_t *rows, uint64_t *key)
{
    fbuf_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, near + i, tab, w};
    stage1_fast(&f, s, n, i, key);
    return f.n;
}

size_t ps__q_features2(const ps__qtok_t *s, size_t n, size_t i,
                       const uint8_t *pred1, const ps__qnear_t *near,
                       const ps__qtab_t *tab, uint32_t row_bits,
                       uint32_t *rows)
{
    fbuf_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, near + i, tab, NULL};
    if (tab)
        stage2_fast(&f, s, n, i, pred1);
    else
        stage2_features(&f, s, n, i, pred1);
    return f.n;
}

int ps__q_quiet(const ps__qtok_t *s, size_t n, size_t i, const uint8_t *p1,
                const ps__qnear_t *near)
{
    if (i < 2 || i + 2 >= n || s[i].inq > 1)
        return 0;
    if (p1[i - 2] | p1[i - 1] | p1[i] | p1[i + 1] | p1[i + 2])
        return 0;
    const ps__qnear_t *r = &near[i];
    return (r->role[0][0] & r->role[0][1] & r->role[1][0] & r->role[1][1] &
            r->role[2][0] & r->role[2][1]) == -1;
}

void ps__q_quiet_rows(const ps__qquiet_t *q, const ps__qtok_t *s, size_t i,
                      uint32_t row_bits, uint32_t rows[2])
{
    uint64_t mask = ((uint64_t)1 << row_bits) - 1;
    rows[0] = (uint32_t)(mix(q->in45, s[i].stem) & mask);
    rows[1] = (uint32_t)(mix(q->in54, s[i].stem) & mask);
}

/* ACC[0..8) += the second stage's weights of the feature (TMPL, A, B). */
static void add_stage2(int32_t *acc, const ps__qmodel_view_t *v,
                       unsigned tmpl, uint64_t a, uint64_t b)
{
    uint64_t mask = ((uint64_t)1 << v->row_bits) - 1;
    size_t row = (size_t)(mix(mix(tmpl, a), b) & mask);
    const int16_t *w = v->wide_stages + row * 16 + 8;
    for (int l = 0; l < 8; l++)
        acc[l] += w[l];
}

/* What stage2_features adds for a quiet token: its labels around are O
 * (0), and every scan finds nothing (WHERE 0). */
void ps__q_quiet_init(const ps__qmodel_view_t *v, ps__qquiet_t *q)
{
    memset(q, 0, sizeof *q);
    for (uint64_t inq = 0; inq < 2; inq++) {
        int32_t *k = q->k[inq];
        add_stage2(k, v, 40, 0, 0);
        add_stage2(k, v, 41, 0, 0);
        add_stage2(k, v, 42, 0, 0);
        add_stage2(k, v, 43, 0, 0);
        for (unsigned t = 46; t < 52; t++)
            add_stage2(k, v, t, 0, inq);
        add_stage2(k, v, 52, 0, inq);
        add_stage2(k, v, 53, 0, 0);
    }
    for (uint64_t g = 0; g < 256; g++)
        add_stage2(q->gap[g], v, 44, 0, g);
    q->in45 = mix(45, 0);
    q->in54 = mix(54, 0);
}

/* The scans find the nearest match within SCAN tokens and in the
 * token's sentence. Sentence numbers never decrease along the sequence,
 * so a match before token I is within both when it is at or after I's
 * SA (the later of its sentence's first token and I - SCAN), one after
 * it when it is at or before its SB: so each scan is one pass each way,
 * keeping the last match, and one comparison a token. */
void ps__q_near1(const ps__qtok_t *s, size_t n, ps__qnear_t *near)
{
    for (size_t i = 0, first = 0; i < n; i++) {
        if (i > 0 && s[i].sent != s[i - 1].sent)
            first = i;
        near[i].sa = (int32_t)(i - first < SCAN ? first : i - SCAN);
    }
    for (size_t i = n, last = n; i-- > 0;) {
        if (i + 1 < n && s[i].sent != s[i + 1].sent)
            last = i;
        else if (i + 1 == n)
            last = i;
        near[i].sb = (int32_t)(last - i < SCAN ? last : i + SCAN);
    }
    int32_t last = -1;
    for (size_t i = 0; i < n; i++) {
        near[i].lex[0] = last >= near[i].sa ? last : -1;
        if (s[i].lex >= 2)
            last = (int32_t)i;
    }
    last = INT32_MAX;
    for (size_t i = n; i-- > 0;) {
        near[i].lex[1] = last <= near[i].sb ? last : -1;
        if (s[i].lex >= 2)
            last = (int32_t)i;
    }
    /* The lookahead: the bits of the next AHEAD tokens up to the end of
     * the sentence, which SB bounds (SCAN is more than AHEAD), kept as a
     * shift register of the last AHEAD tokens' bits walking back. */
    _Static_assert(AHEAD < SCAN, "SB bounds the lookahead");
    uint32_t reg = 0; /* token i + 1 + j's bits at bits 3j to 3j + 2 */
    for (size_t i = n; i-- > 0;) {
        uint32_t r = 0;
        size_t m = (size_t)near[i].sb - i; /* tokens after I in reach */
        for (size_t j = 0; j < AHEAD && j < m; j++)
            r |= reg >> (3 * j) & 7;
        near[i].ahead = r;
        reg = (reg << 3 | ahead_bits(&s[i])) & ((1u << 3 * AHEAD) - 1);
    }
}

/* The scans for the three roles (ps__q_near1's SA and SB bound them), in
 * one pass each way: a token has one role, so it is the last of at most
 * one. */
void ps__q_near2(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                 ps__qnear_t *near)
{
    (void)s;
    int32_t last[4] = {-1, -1, -1, -1}; /* by role, 0 (none) unused */
    for (size_t i = 0; i < n; i++) {
        int32_t sa = near[i].sa;
        for (int r = 0; r < 3; r++)
            near[i].role[r][0] = last[r + 1] >= sa ? last[r + 1] : -1;
        last[PS__Q_ROLE(p1[i])] = (int32_t)i;
    }
    last[1] = last[2] = last[3] = INT32_MAX;
    for (size_t i = n; i-- > 0;) {
        int32_t sb = near[i].sb;
        for (int r = 0; r < 3; r++)
            near[i].role[r][1] = last[r + 1] <= sb ? last[r + 1] : -1;
        last[PS__Q_ROLE(p1[i])] = (int32_t)i;
    }
}
