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

static inline __attribute__((always_inline)) void add(fb_t *f, unsigned tmpl, uint64_t a, uint64_t b)
{
    if (f->n < PS__Q_MAXF)
        f->rows[f->n++] =
            (uint32_t)(mix(mix(tmpl + 1000, a ^ f->side), b) & f->mask);
}

void ps__q_context(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                   ps__qctx_t *cx)
{
    cx->cues[0] = cx->sents[0] = cx->quotes[0] = 0;
    for (size_t i = 0; i < n; i++) {
        cx->cues[i + 1] = cx->cues[i] + (p1[i] == PS__Q_BCUE);
        cx->sents[i + 1] =
            cx->sents[i] + (i > 0 && s[i].sent != s[i - 1].sent);
        cx->quotes[i + 1] =
            cx->quotes[i] + ((s[i].gap & (PS__G_OPEN | PS__G_CLOSE)) != 0);
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

size_t ps__q_role_features(const ps__qtok_t *s, size_t n, size_t i,
                           uint32_t ca, uint32_t cb, const uint8_t *p1,
                           const ps__qctx_t *cx, uint32_t row_bits,
                           uint32_t *rows)
{
    fb_t f = {rows, 0, ((uint64_t)1 << row_bits) - 1, 0};
    if (i >= ca && i < cb) {
        add(&f, 0, 0, 0);
        return f.n;
    }
    int left = i < ca;
    size_t d = left ? ca - i : i - cb + 1;
    uint64_t db = dist_bucket(d);
    /* What lies between: left, gaps and sentence starts before tokens
     * i + 1 .. ca and cues opening at i + 1 .. ca - 1; right, before cb ..
     * i and cues at cb .. i - 1. */
    uint64_t sd, qd, cd;
    if (left) {
        sd = clip(cx->sents[ca + 1] - cx->sents[i + 1], 3);
        qd = clip(cx->quotes[ca + 1] - cx->quotes[i + 1], 3);
        cd = clip(cx->cues[ca] - cx->cues[i + 1], 2);
    } else {
        sd = clip(cx->sents[i + 1] - cx->sents[cb], 3);
        qd = clip(cx->quotes[i + 1] - cx->quotes[cb], 3);
        cd = clip(cx->cues[i] - cx->cues[cb], 2);
    }
    const ps__qtok_t *t = &s[i], *c = &s[ca];
    uint64_t ga = i + 1 < n ? s[i + 1].gap : 0x100;
    uint64_t after = cb < n ? s[cb].stem : 0;
    f.side = (uint64_t)left + 1;
    add(&f, 1, 0, 0);
    add(&f, 2, db, sd);
    add(&f, 3, sd * 4 + qd, cd);
    add(&f, 4, db * 4 + cd, t->inq);
    add(&f, 5, p1[i], sd);
    add(&f, 6, p1[i], db);
    add(&f, 7, p1[i] * 4 + cd, qd * 4 + sd);
    add(&f, 8, t->stem, 0);
    add(&f, 9, t->term, db);
    add(&f, 10, t->gap, ga);
    add(&f, 11, (uint64_t)t->inq * 512 + t->gap, sd);
    add(&f, 12, t->ent, db);
    add(&f, 13, c->stem, t->inq * 8 + p1[i]);
    add(&f, 14, c->stem, sd * 4 + qd);
    add(&f, 15, after, db);
    add(&f, 16, after, p1[i]);
    add(&f, 17, i > 0 ? s[i - 1].stem : 0, p1[i]);
    add(&f, 18, i > 0 ? p1[i - 1] * 8 + p1[i] : 99, i + 1 < n ? p1[i + 1] : 99);
    add(&f, 19, t->shape, db);
    add(&f, 20, c->stem, db);
    add(&f, 21, t->lex, cd * 4 + sd);
    add(&f, 22, t->gap, db);
    add(&f, 23, ga, db);
    add(&f, 24, i + 1 < n ? s[i + 1].stem : 0, db < 3 ? db : 3);
    add(&f, 25, t->stem, c->stem);
    return f.n;
}
