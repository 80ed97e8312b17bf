/* The role tagger: given one cue, labels the tokens around it as its
 * source, its content or neither. Each token's features are the first
 * tagger's view of it (its label, word, punctuation, quotation marks)
 * joined with where it stands from the cue: which side, how far, how many
 * sentence starts, quotation marks and other cues lie between. This is
 * what ties a content to its own cue when a sentence has several ("X said
 * A, and Y replied B"), and a source that is far from its cue ("Michael
 * McFaul, a senior fellow at ..., said") to it. Windows are bounded, so a
 * text costs at most 2 * PS__Q_WINDOW + cue length token steps per cue. */
#include "quote_private.h"

static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t k = (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x2545f4914f6cdd1dULL);
    k ^= k >> 31;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 29;
    return k;
}

typedef struct fb {
    uint32_t *rows;
    size_t n;
    uint64_t mask;
    uint64_t side; /* mixed into every feature */
} fb_t;

/* A token has a fixed count of features (35, or one on the cue), well
 * under PS__Q_MAXF, so no bound is checked. */
static inline __attribute__((always_inline)) void add(fb_t *f, unsigned tmpl,
                                                      uint64_t a, uint64_t b)
{
    f->rows[f->n++] =
        (uint32_t)(mix(mix(tmpl + 1000, a ^ f->side), b) & f->mask);
}

static inline __attribute__((always_inline)) void put(fb_t *f, uint32_t row)
{
    f->rows[f->n++] = row;
}

void ps__q_context(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                   ps__qctx_t *cx)
{
    cx->cues[0] = cx->sents[0] = cx->quotes[0] = cx->commas[0] = 0;
    for (size_t i = 0; i < n; i++) {
        cx->cues[i + 1] = cx->cues[i] + (p1[i] == PS__Q_BCUE);
        cx->sents[i + 1] = cx->sents[i] + (i > 0 && s[i].sent != s[i - 1].sent);
        cx->quotes[i + 1] =
            cx->quotes[i] + ((s[i].gap & (PS__G_OPEN | PS__G_CLOSE)) != 0);
        cx->commas[i + 1] = cx->commas[i] + ((s[i].gap & PS__G_COMMA) != 0);
    }
}

void ps__q_window(size_t n, uint32_t ca, uint32_t cb, uint32_t *wa,
                  uint32_t *wb)
{
    *wa = ca > PS__Q_WINDOW ? ca - PS__Q_WINDOW : 0;
    *wb = (size_t)cb + PS__Q_WINDOW < n ? cb + PS__Q_WINDOW : (uint32_t)n;
}

int ps__q_role_allowed(size_t i, uint32_t ca, uint32_t cb, int l)
{
    int cue = PS__Q_ROLE(l) == 2;
    if (i >= ca && i < cb)
        return cue && (l == PS__Q_BCUE) == (i == ca);
    return !cue;
}

static uint64_t dist_bucket(size_t d)
{
    static const uint8_t b[] = {0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 7, 7};
    return d < sizeof b ? b[d] : d <= 20 ? 8 : d <= 30 ? 9 : d <= 45 ? 10 : 11;
}

static uint64_t clip(uint32_t v, uint32_t max)
{
    return v < max ? v : max;
}

/* The first hash of every feature whose first value is the cue's alone,
 * for either side, and the rows of the features that are the cue's alone:
 * a cue's window asks for them some 120 times. */
void ps__q_role_cue(const ps__qtok_t *s, size_t n, uint32_t ca, uint32_t cb,
                    uint32_t row_bits, ps__qrcue_t *rc)
{
    static const unsigned tmpl[PS__Q_RC_N] = {13, 14, 15, 16, 20,
                                              26, 27, 28, 33, 34};
    const ps__qtok_t *c = &s[ca], *cl = &s[cb - 1];
    uint64_t after = cb < n ? s[cb].stem : 0;
    uint64_t before = ca > 0 ? s[ca - 1].stem : 0;
    uint64_t comma = (c->gap & PS__G_COMMA) != 0;
    uint64_t a[PS__Q_RC_N] = {c->stem,
                              c->stem,
                              after,
                              after,
                              c->stem,
                              cl->stem,
                              cl->stem,
                              before,
                              c->suffix * 2 + comma,
                              c->suffix * 2 + comma};
    uint64_t mask = ((uint64_t)1 << row_bits) - 1;
    for (int left = 0; left < 2; left++) {
        uint64_t side = (uint64_t)left + 1;
        for (int k = 0; k < PS__Q_RC_N; k++)
            rc->in[left][k] = mix(tmpl[k] + 1000, a[k] ^ side);
        rc->one[left] = (uint32_t)(mix(mix(1 + 1000, side), 0) & mask);
    }
    rc->oncue = (uint32_t)(mix(mix(0 + 1000, 0), 0) & mask);
    rc->tab = NULL;
}

/* The row of the feature (TMPL, A, B) on side LEFT. */
static uint32_t row_of(uint32_t row_bits, int left, unsigned tmpl, uint64_t a,
                       uint64_t b)
{
    uint32_t r;
    fb_t f = {&r, 0, ((uint64_t)1 << row_bits) - 1, (uint64_t)left + 1};
    add(&f, tmpl, a, b);
    return r;
}

/* The first hash of the feature (TMPL, A) on side LEFT, as add() makes
 * it. */
static uint64_t in_of(int left, unsigned tmpl, uint64_t a)
{
    return mix(tmpl + 1000, a ^ ((uint64_t)left + 1));
}

/* The tables of ps__qrtab_t beside the first ones, for side LEFT. */
static void rtab_init_more(uint32_t rb, int l, ps__qrtab_t *t)
{
    for (uint64_t a = 0; a < 65; a++)
        for (uint64_t b = 0; b < 8; b++)
            t->t18[l][a][b] =
                row_of(rb, l, 18, a == 64 ? 99 : a, b == 7 ? 99 : b);
    for (uint64_t v = 0; v < 257; v++) {
        t->m23[l][v] = in_of(l, 23, v);
        if (v == 256)
            break;
        t->m10[l][v] = in_of(l, 10, v);
        t->m11[l][0][v] = in_of(l, 11, v);
        t->m11[l][1][v] = in_of(l, 11, 512 + v);
        t->m12[l][v] = in_of(l, 12, v);
        t->m22[l][v] = in_of(l, 22, v);
        t->m37[l][v] = in_of(l, 37, v);
    }
    for (uint64_t v = 0; v < 7; v++)
        t->m32[l][v] = in_of(l, 32, v);
    for (uint64_t v = 0; v < 257; v++)
        for (uint64_t d = 0; d < 12; d++) {
            t->r23[l][v][d] = row_of(rb, l, 23, v, d);
            if (v == 256)
                continue;
            t->r12[l][v][d] = row_of(rb, l, 12, v, d);
            t->r22[l][v][d] = row_of(rb, l, 22, v, d);
            if (d < 4) {
                t->r11[l][0][v][d] = row_of(rb, l, 11, v, d);
                t->r11[l][1][v][d] = row_of(rb, l, 11, 512 + v, d);
            }
            if (v < 33)
                t->r19[l][v][d] =
                    row_of(rb, l, 19, ps__q_shape_of_ix((int)v), d);
        }
}

/* Every pair of values each table's feature can take: dist_bucket's 12
 * buckets, counts clipped to 3 (commas, sentences, quotation marks) or 2
 * (cues), the 7 labels, the 4 cue classes. */
void ps__q_rtab_init(uint32_t rb, ps__qrtab_t *t)
{
    for (int l = 0; l < 2; l++) {
        for (uint64_t a = 0; a < 48; a++)
            for (uint64_t b = 0; b < 16; b++) {
                if (a < 12 && b < 4)
                    t->t2[l][a][b] = row_of(rb, l, 2, a, b);
                if (a < 16 && b < 3)
                    t->t3[l][a][b] = row_of(rb, l, 3, a, b);
                if (b < 2)
                    t->t4[l][a][b] = row_of(rb, l, 4, a, b);
                if (a < 7 && b < 4)
                    t->t5[l][a][b] = row_of(rb, l, 5, a, b);
                if (a < 7 && b < 12)
                    t->t6[l][a][b] = row_of(rb, l, 6, a, b);
                if (a < 28)
                    t->t7[l][a][b] = row_of(rb, l, 7, a, b);
                if (a < 4 && b < 12)
                    t->t21[l][a][b] = row_of(rb, l, 21, a, b);
                if (a < 16 && b < 7)
                    t->t29[l][a][b] = row_of(rb, l, 29, a, b);
                if (a < 4 && b < 12)
                    t->t30[l][a][b] = row_of(rb, l, 30, a, b);
            }
        rtab_init_more(rb, l, t);
    }
}

/* The feature (TMPL, A, B), from the load-time table entry ENTRY of the
 * token's side when there are tables: the same row. */
#define ADD_T(f, tab, entry, tmpl, a, b)                                       \
    ((tab) ? put((f), (tab)->entry) : add((f), (tmpl), (a), (b)))

/* The feature whose first hash IN was worked out ahead (as add() makes
 * it). */
static inline __attribute__((always_inline)) void add_in(fb_t *f, uint64_t in,
                                                         uint64_t b)
{
    f->rows[f->n++] = (uint32_t)(mix(in, b) & f->mask);
}

/* The feature (TMPL, A, B), its first hash read from the load-time table
 * entry ENTRY when there are tables: the same row. */
#define ADD_IN(f, tab, entry, tmpl, a, b)                                      \
    ((tab) ? add_in((f), (tab)->entry, (b)) : add((f), (tmpl), (a), (b)))

size_t ps__q_role_features(const ps__qtok_t *s, size_t n, size_t i, uint32_t ca,
                           uint32_t cb, const uint8_t *p1, const ps__qctx_t *cx,
                           uint32_t row_bits, uint32_t *rows)
{
    ps__qrcue_t rc;
    ps__q_role_cue(s, n, ca, cb, row_bits, &rc);
    return ps__q_role_features_at(s, n, i, ca, cb, p1, cx, &rc, row_bits, rows);
}

/* What lies between token I and the cue [CA, CB), clipped as the
 * features read it: sentence starts SD, quotation marks QD, cues opening
 * CD and commas MD. LEFT (I before the cue): the gaps and sentence starts
 * before tokens i + 1 .. ca and cues opening at i + 1 .. ca - 1; right:
 * before cb .. i and cues at cb .. i - 1. */
static inline __attribute__((always_inline)) void
between(const ps__qctx_t *cx, size_t i, uint32_t ca, uint32_t cb, int left,
        uint64_t *sd, uint64_t *qd, uint64_t *cd, uint64_t *md)
{
    if (left) {
        *sd = clip(cx->sents[ca + 1] - cx->sents[i + 1], 3);
        *qd = clip(cx->quotes[ca + 1] - cx->quotes[i + 1], 3);
        *cd = clip(cx->cues[ca] - cx->cues[i + 1], 2);
        *md = clip(cx->commas[ca + 1] - cx->commas[i + 1], 3);
    } else {
        *sd = clip(cx->sents[i + 1] - cx->sents[cb], 3);
        *qd = clip(cx->quotes[i + 1] - cx->quotes[cb], 3);
        *cd = clip(cx->cues[i] - cx->cues[cb], 2);
        *md = clip(cx->commas[i + 1] - cx->commas[cb], 3);
    }
}

size_t ps__q_role_features_at(const ps__qtok_t *s, size_t n, size_t i,
                              uint32_t ca, uint32_t cb, const uint8_t *p1,
                              const ps__qctx_t *cx, const ps__qrcue_t *rc,
                              uint32_t row_bits, uint32_t *rows)
{
    fb_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, 0};
    if (i >= ca && i < cb) {
        f.rows[f.n++] = rc->oncue;
        return f.n;
    }
    int left = i < ca;
    size_t d = left ? ca - i : i - cb + 1;
    uint64_t db = dist_bucket(d);
    uint64_t sd, qd, cd, md;
    between(cx, i, ca, cb, left, &sd, &qd, &cd, &md);
    const ps__qtok_t *t = &s[i];
    const uint64_t *in = rc->in[left];
    uint64_t ga = i + 1 < n ? s[i + 1].gap : 0x100;
    f.side = (uint64_t)left + 1;
    f.rows[f.n++] = rc->one[left];
    const ps__qrtab_t *tb = rc->tab;
    uint64_t lb = p1[i];
    ADD_T(&f, tb, t2[left][db][sd], 2, db, sd);
    ADD_T(&f, tb, t3[left][sd * 4 + qd][cd], 3, sd * 4 + qd, cd);
    ADD_T(&f, tb, t4[left][db * 4 + cd][t->inq], 4, db * 4 + cd, t->inq);
    ADD_T(&f, tb, t5[left][lb][sd], 5, lb, sd);
    ADD_T(&f, tb, t6[left][lb][db], 6, lb, db);
    ADD_T(&f, tb, t7[left][lb * 4 + cd][qd * 4 + sd], 7, lb * 4 + cd,
          qd * 4 + sd);
    add(&f, 8, t->stem, 0);
    add(&f, 9, t->term, db);
    ADD_IN(&f, tb, m10[left][t->gap], 10, t->gap, ga);
    ADD_IN(&f, tb, m11[left][t->inq][t->gap], 11,
           (uint64_t)t->inq * 512 + t->gap, sd);
    ADD_IN(&f, tb, m12[left][t->ent], 12, t->ent, db);
    add_in(&f, in[0], t->inq * 8 + p1[i]);
    add_in(&f, in[1], sd * 4 + qd);
    add_in(&f, in[2], db);
    add_in(&f, in[3], p1[i]);
    add(&f, 17, i > 0 ? s[i - 1].stem : 0, p1[i]);
    ADD_T(&f, tb, t18[left][i > 0 ? p1[i - 1] * 8 + p1[i] : 64]
                       [i + 1 < n ? p1[i + 1] : 7],
          18, i > 0 ? p1[i - 1] * 8 + p1[i] : 99, i + 1 < n ? p1[i + 1] : 99);
    add(&f, 19, t->shape, db);
    add_in(&f, in[4], db);
    ADD_T(&f, tb, t21[left][t->lex][cd * 4 + sd], 21, t->lex, cd * 4 + sd);
    ADD_IN(&f, tb, m22[left][t->gap], 22, t->gap, db);
    ADD_IN(&f, tb, m23[left][ga], 23, ga, db);
    add(&f, 24, i + 1 < n ? s[i + 1].stem : 0, db < 3 ? db : 3);
    add(&f, 25, t->stem, s[ca].stem);
    /* The cue's last word ("according to", "has said"), the word before
     * it, and the commas between the token and the cue (a source
     * apposition, a clause boundary). */
    add_in(&f, in[5], t->inq * 8 + p1[i]);
    add_in(&f, in[6], db);
    add_in(&f, in[7], db);
    ADD_T(&f, tb, t29[left][md * 4 + sd][lb], 29, md * 4 + sd, lb);
    ADD_T(&f, tb, t30[left][md][db], 30, md, db);
    add(&f, 31, t->stem, s[cb - 1].stem);
    ADD_IN(&f, tb, m32[left][p1[i]], 32, p1[i], (uint64_t)t->ent * 16 + db);
    /* A participle or infinitive cue (", saying", "to discuss") takes the
     * subject of its clause, often the sentence's first words, not the
     * nearest noun. */
    uint64_t first = i == 0 || s[i].sent != s[i - 1].sent;
    add_in(&f, in[8], first * 16 + p1[i]);
    add_in(&f, in[9], db * 4 + md);
    /* Word classes (quote_train.c): a rare word used as common ones are. */
    add(&f, 36, (uint64_t)t->clus * 16 + p1[i], db);
    ADD_IN(&f, tb, m37[left][t->clus], 37, t->clus, s[ca].stem);
    return f.n;
}

/* The role tagger's fast path (quote_rsum.c) reads a window token's
 * features in three parts, the rows of ps__q_role_features_at all told:
 * two groups whose values are the cue's own or come from small sets, so
 * that a window asks the same few combinations again and again and their
 * sums are kept by key, and the token's own rows. Group A is keyed by the
 * side, the distance bucket and the counts of commas, sentence starts and
 * quotation marks between (ps__q_role_key_a), group B by the side,
 * whether the token opens a sentence, its quotation state, its
 * first-stage label and the counts of sentence starts and commas. */
void ps__q_role_group_a(const ps__qrcue_t *rc, uint32_t key, uint32_t row_bits,
                        uint32_t *rows)
{
    uint64_t qd = key & 3, sd = key >> 2 & 3, md = key >> 4 & 3;
    uint64_t db = key >> 6 & 15;
    int left = (int)(key >> 10);
    const uint64_t *in = rc->in[left];
    const ps__qrtab_t *tb = rc->tab;
    fb_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, 0};
    put(&f, rc->one[left]);
    put(&f, tb->t2[left][db][sd]);
    add_in(&f, in[1], sd * 4 + qd);
    add_in(&f, in[2], db);
    add_in(&f, in[4], db);
    add_in(&f, in[6], db);
    add_in(&f, in[7], db);
    put(&f, tb->t30[left][md][db]);
    add_in(&f, in[9], db * 4 + md);
}

void ps__q_role_group_b(const ps__qrcue_t *rc, uint32_t key, uint32_t row_bits,
                        uint32_t *rows)
{
    uint64_t md = key & 3, sd = key >> 2 & 3, lb = key >> 4 & 7;
    uint64_t inq = key >> 7 & 1, first = key >> 8 & 1;
    int left = (int)(key >> 9);
    const uint64_t *in = rc->in[left];
    const ps__qrtab_t *tb = rc->tab;
    fb_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, 0};
    add_in(&f, in[0], inq * 8 + lb);
    add_in(&f, in[3], lb);
    add_in(&f, in[5], inq * 8 + lb);
    add_in(&f, in[8], first * 16 + lb);
    put(&f, tb->t5[left][lb][sd]);
    put(&f, tb->t29[left][md * 4 + sd][lb]);
}

size_t ps__q_role_split(const ps__qtok_t *s, size_t n, size_t i, uint32_t ca,
                        uint32_t cb, const uint8_t *p1, const ps__qctx_t *cx,
                        const ps__qrcue_t *rc, uint32_t row_bits,
                        uint32_t *rows, uint32_t keys[2])
{
    fb_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, 0};
    if (i >= ca && i < cb) {
        keys[0] = keys[1] = UINT32_MAX;
        put(&f, rc->oncue);
        return f.n;
    }
    int left = i < ca;
    size_t d = left ? ca - i : i - cb + 1;
    uint64_t db = dist_bucket(d);
    uint64_t sd, qd, cd, md;
    between(cx, i, ca, cb, left, &sd, &qd, &cd, &md);
    const ps__qtok_t *t = &s[i];
    uint64_t ga = i + 1 < n ? s[i + 1].gap : 0x100;
    uint64_t lb = p1[i];
    uint64_t first = i == 0 || s[i].sent != s[i - 1].sent;
    /* The quotation state is 0 or 1 (quote_seq.c), as the key holds it. */
    keys[0] = (uint32_t)((uint64_t)left << 10 | db << 6 | md << 4 | sd << 2 |
                         qd);
    keys[1] = (uint32_t)((uint64_t)left << 9 | first << 8 |
                         (uint64_t)(t->inq & 1) << 7 | lb << 4 | sd << 2 | md);
    const ps__qrtab_t *tb = rc->tab;
    f.side = (uint64_t)left + 1;
    put(&f, tb->t3[left][sd * 4 + qd][cd]);
    put(&f, tb->t4[left][db * 4 + cd][t->inq]);
    put(&f, tb->t6[left][lb][db]);
    put(&f, tb->t7[left][lb * 4 + cd][qd * 4 + sd]);
    add(&f, 8, t->stem, 0);
    add(&f, 9, t->term, db);
    add_in(&f, tb->m10[left][t->gap], ga);
    put(&f, tb->r11[left][t->inq & 1][t->gap][sd]);
    put(&f, tb->r12[left][t->ent][db]);
    add(&f, 17, i > 0 ? s[i - 1].stem : 0, p1[i]);
    put(&f, tb->t18[left][i > 0 ? p1[i - 1] * 8 + p1[i] : 64]
                   [i + 1 < n ? p1[i + 1] : 7]);
    int shx = ps__q_shape_ix(t->shape);
    if (shx >= 0)
        put(&f, tb->r19[left][shx][db]);
    else
        add(&f, 19, t->shape, db);
    put(&f, tb->t21[left][t->lex][cd * 4 + sd]);
    put(&f, tb->r22[left][t->gap][db]);
    put(&f, tb->r23[left][ga][db]);
    add(&f, 24, i + 1 < n ? s[i + 1].stem : 0, db < 3 ? db : 3);
    add(&f, 25, t->stem, s[ca].stem);
    add(&f, 31, t->stem, s[cb - 1].stem);
    add_in(&f, tb->m32[left][p1[i]], (uint64_t)t->ent * 16 + db);
    add(&f, 36, (uint64_t)t->clus * 16 + p1[i], db);
    add_in(&f, tb->m37[left][t->clus], s[ca].stem);
    return f.n;
}
