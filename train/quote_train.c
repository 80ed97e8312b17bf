/* Training the quote model: the cue lexicon mined from the gold cues, then
 * two averaged perceptrons (Collins 2002) over the same sequence. The
 * second stage learns from the first stage's labels; so that those labels
 * are as wrong on training articles as they will be on new ones, each
 * article gets them from a first stage trained without it (FOLDS folds).
 * Every run from the same data and options gives the same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote_train.h"

#define L PS__Q_NLABELS
#define NT ((L + 1) * L)

typedef struct perc {
    double *w, *u;
    double tw[NT], tu[NT];
    double c;
    size_t nw;
} perc_t;

/* The rows of each token's features for one stage of one article. */
typedef struct feats {
    uint32_t *start, *rows;
} feats_t;

typedef struct tstate {
    qdoc_t *docs;
    size_t ndocs;
    feats_t *f[PS__Q_STAGES];
    uint8_t **p1;
    double *scores;
    uint8_t *back, *pred;
    uint32_t row_bits;
    unsigned false_cues; /* the role tagger learns from one false cue in
                          * this many (0: none) */
    unsigned nfalse;     /* false cues met so far */
} tstate_t;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int featurise(tstate_t *t, int stage)
{
    uint32_t rows[PS__Q_MAXF];
    for (size_t d = 0; d < t->ndocs; d++) {
        const qdoc_t *q = &t->docs[d];
        feats_t *f = &t->f[stage][d];
        free(f->start);
        free(f->rows);
        f->start = malloc((q->n + 1) * sizeof *f->start);
        f->rows = malloc((q->n * PS__Q_MAXF + 1) * sizeof *f->rows);
        if (!f->start || !f->rows)
            return -1;
        uint32_t k = 0;
        for (size_t i = 0; i < q->n; i++) {
            f->start[i] = k;
            size_t nf = ps__q_features(q->seq, q->n, i, stage, t->p1[d],
                                       t->row_bits, rows);
            memcpy(f->rows + k, rows, nf * sizeof *rows);
            k += (uint32_t)nf;
        }
        f->start[q->n] = k;
    }
    return 0;
}

static void score(const perc_t *p, const feats_t *f, size_t n, double *sc)
{
    for (size_t i = 0; i < n; i++) {
        double *s = sc + i * L;
        for (int l = 0; l < L; l++)
            s[l] = 0;
        for (uint32_t r = f->start[i]; r < f->start[i + 1]; r++) {
            const double *w = p->w + (size_t)f->rows[r] * L;
            for (int l = 0; l < L; l++)
                s[l] += w[l];
        }
    }
}

static void upd(perc_t *p, const feats_t *f, size_t i, int lab, double d)
{
    for (uint32_t r = f->start[i]; r < f->start[i + 1]; r++) {
        size_t at = (size_t)f->rows[r] * L + lab;
        p->w[at] += d;
        p->u[at] += p->c * d;
    }
}

static void upd_trans(perc_t *p, int prev, int cur, double d)
{
    size_t at = (size_t)(prev + 1) * L + cur;
    p->tw[at] += d;
    p->tu[at] += p->c * d;
}

static void full_trans(const perc_t *p, double *tr)
{
    for (int k = 0; k < NT; k++)
        tr[k] = ps__q_allowed(k / L - 1, k % L) ? p->tw[k] : -INFINITY;
}

/* One perceptron step per line of the article. */
static void train_doc(tstate_t *t, perc_t *p, int stage, size_t d)
{
    const qdoc_t *q = &t->docs[d];
    const feats_t *f = &t->f[stage][d];
    double tr[NT];
    full_trans(p, tr);
    score(p, f, q->n, t->scores);
    for (size_t a = 0; a < q->n;) {
        size_t e = a + 1;
        while (e < q->n && !(q->seq[e].flags & PS_TOK_LINE_START))
            e++;
        ps__q_viterbi(t->scores + a * L, tr, e - a, t->back, t->pred + a);
        for (size_t k = a; k < e; k++) {
            int g = q->gold[k], r = t->pred[k];
            int gp = k == a ? -1 : q->gold[k - 1];
            int rp = k == a ? -1 : t->pred[k - 1];
            if (g != r) {
                upd(p, f, k, g, 1);
                upd(p, f, k, r, -1);
            }
            if (g != r || gp != rp) {
                upd_trans(p, gp, g, 1);
                upd_trans(p, rp, r, -1);
            }
        }
        p->c += 1;
        a = e;
    }
}

/* Zeroes perceptron P's weights, their running sums and its counter,
 * for a run from scratch. */
static void perc_reset(perc_t *p)
{
    memset(p->w, 0, p->nw * sizeof *p->w);
    memset(p->u, 0, p->nw * sizeof *p->u);
    memset(p->tw, 0, sizeof p->tw);
    memset(p->tu, 0, sizeof p->tu);
    p->c = 1;
}

/* Shuffles ORDER[0..N) with the generator state RS (Fisher-Yates), as
 * every epoch does: the same seed gives the same order. */
static void shuffle(size_t *order, size_t n, uint64_t *rs)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_rand(rs) % i), x = order[i - 1];
        order[i - 1] = order[j];
        order[j] = x;
    }
}

/* Trains stage STAGE on the articles not in fold FOLD of FOLDS (0: all). */
static void run(tstate_t *t, perc_t *p, int stage, unsigned fold,
                unsigned folds, const qtrain_opts_t *o, size_t *order)
{
    perc_reset(p);
    uint64_t rs = o->seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
    for (size_t i = 0; i < t->ndocs; i++)
        order[i] = i;
    for (unsigned e = 0; e < o->epochs; e++) {
        shuffle(order, t->ndocs, &rs);
        for (size_t i = 0; i < t->ndocs; i++)
            if (folds == 0 || order[i] % folds != fold)
                train_doc(t, p, stage, order[i]);
        if (o->verbose)
            fprintf(stderr, "quote_train: stage %d fold %u epoch %u\n",
                    stage + 1, folds ? fold + 1 : 0, e + 1);
    }
    for (size_t i = 0; i < p->nw; i++)
        p->w[i] -= p->u[i] / p->c;
    for (int i = 0; i < NT; i++)
        p->tw[i] -= p->tu[i] / p->c;
}

/* Labels article D with P into OUT (per line, as the quoter does). */
static void decode(tstate_t *t, const perc_t *p, int stage, size_t d,
                   uint8_t *out)
{
    const qdoc_t *q = &t->docs[d];
    double tr[NT];
    full_trans(p, tr);
    score(p, &t->f[stage][d], q->n, t->scores);
    for (size_t a = 0; a < q->n;) {
        size_t e = a + 1;
        while (e < q->n && !(q->seq[e].flags & PS_TOK_LINE_START))
            e++;
        ps__q_viterbi(t->scores + a * L, tr, e - a, t->back, out + a);
        a = e;
    }
}

/* The gold labels of attribution G's window [WA, WB) into WG. */
static void window_gold(const qdoc_t *q, size_t k, const struct qgold *g,
                        uint32_t wa, uint32_t wb, uint8_t *wg)
{
    for (uint32_t i = wa; i < wb; i++) {
        uint8_t l = PS__Q_O;
        if (i >= g->ca && i < g->cb)
            l = i == g->ca ? PS__Q_BCUE : PS__Q_ICUE;
        else if (i >= g->sa && i < g->sb)
            l = PS__Q_ISRC;
        else if (q->owner[i] == k + 1 && PS__Q_ROLE(q->gold[i]) == 3)
            l = q->gold[i];
        /* A piece cut by the window or by a cue starts with B. */
        int prev = i > wa ? wg[i - 1 - wa] : -1;
        if (!PS__Q_IS_B(l) && l != PS__Q_O && l != PS__Q_ICUE &&
            (prev < 0 || PS__Q_ROLE(prev) != PS__Q_ROLE(l)))
            l = (uint8_t)(l - 1);
        wg[i - wa] = l;
    }
}

/* One perceptron step on the window of the cue G (attribution K of
 * article D, or a cue the first stage found wrongly: K == SIZE_MAX, whose
 * window has no source and no content). */
static void train_window(tstate_t *t, perc_t *p, size_t d, size_t k,
                         const struct qgold *g, const ps__qctx_t *cx,
                         const double *tr, uint32_t *rowbuf, uint32_t *start,
                         uint8_t *wg)
{
    const qdoc_t *q = &t->docs[d];
    uint32_t wa, wb;
    ps__q_window(q->n, g->ca, g->cb, &wa, &wb);
    uint32_t nr = 0;
    for (uint32_t i = wa; i < wb; i++) {
        start[i - wa] = nr;
        nr += (uint32_t)ps__q_role_features(q->seq, q->n, i, g->ca, g->cb,
                                            t->p1[d], cx, t->row_bits,
                                            rowbuf + nr);
    }
    start[wb - wa] = nr;
    feats_t f = {start, rowbuf};
    score(p, &f, wb - wa, t->scores);
    ps__q_role_mask(t->scores, wa, wb, g->ca, g->cb);
    ps__q_viterbi(t->scores, tr, wb - wa, t->back, t->pred);
    window_gold(q, k, g, wa, wb, wg);
    for (uint32_t i = 0; i < wb - wa; i++) {
        int gl = wg[i], r = t->pred[i];
        int gp = i == 0 ? -1 : wg[i - 1], rp = i == 0 ? -1 : t->pred[i - 1];
        if (gl != r) {
            upd(p, &f, i, gl, 1);
            upd(p, &f, i, r, -1);
        }
        if (gl != r || gp != rp) {
            upd_trans(p, gp, gl, 1);
            upd_trans(p, rp, r, -1);
        }
    }
    p->c += 1;
}

/* The role tagger's steps for article D: every gold attribution with a
 * source, and one in t->false_cues of the cues the first stage found
 * where the gold has none, so that the role tagger learns to give a false
 * cue no content (and the quoter then drops it). Every one of them taught
 * it to drop too many real ones (dev ATTRIBUTION F1 down 0.7); one in
 * eight gains. The quoter drops a cue it finds no source for, so the
 * gold attributions without one (7%) only taught the role tagger to miss
 * sources: left out, dev ATTRIBUTION F1 gains 0.2 and 0.3 with seeds 2
 * and 1. */
static void train_roles_doc(tstate_t *t, perc_t *p, size_t d, ps__qctx_t *cx,
                            uint32_t *rowbuf, uint32_t *start, uint8_t *wg)
{
    const qdoc_t *q = &t->docs[d];
    const uint8_t *p1 = t->p1[d];
    ps__q_context(q->seq, q->n, p1, cx);
    double tr[NT];
    full_trans(p, tr);
    for (size_t k = 0; k < q->nattr; k++)
        if (q->attr[k].cb > q->attr[k].ca && q->attr[k].sb > q->attr[k].sa)
            train_window(t, p, d, k, &q->attr[k], cx, tr, rowbuf, start, wg);
    for (uint32_t i = 0; t->false_cues && i < q->n;) {
        if (PS__Q_ROLE(p1[i]) != 2) {
            i++;
            continue;
        }
        uint32_t j = i + 1;
        while (j < q->n && p1[j] == PS__Q_ICUE)
            j++;
        int real = 0;
        for (uint32_t k = i; k < j; k++)
            real |= PS__Q_ROLE(q->gold[k]) == 2;
        if (!real && t->nfalse++ % t->false_cues == 0) {
            struct qgold g = {i, j, 0, 0};
            train_window(t, p, d, SIZE_MAX, &g, cx, tr, rowbuf, start, wg);
        }
        i = j;
    }
}

/* Trains the role tagger on every gold attribution, the first stage's
 * labels (t->p1) standing for what the quoter will have. */
static int train_roles(tstate_t *t, perc_t *p, const qtrain_opts_t *o,
                       size_t *order)
{
    size_t maxn = 1, win = 2 * PS__Q_WINDOW + 1;
    for (size_t d = 0; d < t->ndocs; d++)
        if (t->docs[d].n + 1 > maxn)
            maxn = t->docs[d].n + 1;
    for (size_t d = 0; d < t->ndocs; d++)
        for (size_t k = 0; k < t->docs[d].nattr; k++) {
            const struct qgold *g = &t->docs[d].attr[k];
            if (g->cb > g->ca && g->cb - g->ca + 2 * PS__Q_WINDOW + 1 > win)
                win = g->cb - g->ca + 2 * PS__Q_WINDOW + 1;
        }
    uint32_t *ctx = malloc(PS__Q_CTX_ARRAYS * (maxn + 1) * sizeof *ctx);
    uint32_t *rowbuf = malloc(win * PS__Q_MAXF * sizeof *rowbuf);
    uint32_t *start = malloc((win + 1) * sizeof *start);
    uint8_t *wg = malloc(win);
    if (!ctx || !rowbuf || !start || !wg) {
        free(ctx);
        free(rowbuf);
        free(start);
        free(wg);
        return -1;
    }
    ps__qctx_t cx = {ctx, ctx + maxn + 1, ctx + 2 * (maxn + 1),
                     ctx + 3 * (maxn + 1)};
    perc_reset(p);
    t->nfalse = 0;
    uint64_t rs = o->seed * 0x9e3779b97f4a7c15ULL + 0x5851f42d4c957f2dULL;
    for (size_t i = 0; i < t->ndocs; i++)
        order[i] = i;
    for (unsigned e = 0; e < o->epochs; e++) {
        shuffle(order, t->ndocs, &rs);
        for (size_t i = 0; i < t->ndocs; i++)
            train_roles_doc(t, p, order[i], &cx, rowbuf, start, wg);
        if (o->verbose)
            fprintf(stderr, "quote_train: roles epoch %u\n", e + 1);
    }
    for (size_t i = 0; i < p->nw; i++)
        p->w[i] -= p->u[i] / p->c;
    for (int i = 0; i < NT; i++)
        p->tw[i] -= p->tu[i] / p->c;
    free(ctx);
    free(rowbuf);
    free(start);
    free(wg);
    return 0;
}

/* Fixed point: the largest weight becomes 32000. */
static double quantize(const perc_t *p, int16_t *w, int32_t *tr)
{
    double max = 1e-9;
    for (size_t i = 0; i < p->nw; i++)
        if (fabs(p->w[i]) > max)
            max = fabs(p->w[i]);
    double scale = 32000.0 / max;
    for (size_t i = 0; i < p->nw; i++)
        w[i] = (int16_t)lrint(p->w[i] * scale);
    for (int i = 0; i < NT; i++) {
        double x = p->tw[i] * scale;
        tr[i] = (int32_t)lrint(x < -1e9 ? -1e9 : x > 1e9 ? 1e9 : x);
    }
    return scale;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* The median margin of the cue tokens the model finds in the articles:
 * the scale of its confidence. */
static float conf_scale(tstate_t *t, const ps__qmodel_view_t *v)
{
    size_t cap = 0, nm = 0;
    float *all = NULL;
    for (size_t d = 0; d < t->ndocs; d += 4) {
        const qdoc_t *q = &t->docs[d];
        float *mg = malloc((q->n + 1) * sizeof *mg);
        uint8_t *p1 = malloc(q->n + 1), *lab = malloc(q->n + 1);
        if (mg && p1 && lab) {
            ps__q_label(v, q->seq, q->n, t->scores, t->back, p1, lab, mg);
            for (size_t i = 0; i < q->n; i++) {
                if (PS__Q_ROLE(lab[i]) != 2)
                    continue;
                if (nm == cap) {
                    cap = cap ? cap * 2 : 1024;
                    float *na = realloc(all, cap * sizeof *na);
                    if (!na)
                        break;
                    all = na;
                }
                all[nm++] = mg[i];
            }
        }
        free(mg);
        free(p1);
        free(lab);
    }
    float m = 1000;
    if (nm > 0) {
        qsort(all, nm, sizeof *all, cmp_float);
        m = all[nm / 2] > 1 ? all[nm / 2] : 1;
    }
    free(all);
    return m;
}

static int alloc_state(tstate_t *t, qdoc_t *docs, size_t ndocs, uint32_t bits)
{
    memset(t, 0, sizeof *t);
    t->docs = docs;
    t->ndocs = ndocs;
    t->row_bits = bits;
    size_t maxn = 1;
    for (size_t d = 0; d < ndocs; d++)
        if (docs[d].n + 1 > maxn)
            maxn = docs[d].n + 1;
    t->scores = malloc(maxn * L * sizeof *t->scores);
    t->back = malloc(maxn * L);
    t->pred = malloc(maxn);
    t->p1 = calloc(ndocs, sizeof *t->p1);
    for (int s = 0; s < PS__Q_STAGES; s++)
        t->f[s] = calloc(ndocs, sizeof *t->f[s]);
    if (!t->scores || !t->back || !t->pred || !t->p1 || !t->f[0] || !t->f[1])
        return -1;
    for (size_t d = 0; d < ndocs; d++)
        if (!(t->p1[d] = calloc(docs[d].n + 1, 1)))
            return -1;
    return 0;
}

static void free_state(tstate_t *t)
{
    for (size_t d = 0; t->p1 && d < t->ndocs; d++)
        free(t->p1[d]);
    for (int s = 0; s < PS__Q_STAGES; s++) {
        for (size_t d = 0; t->f[s] && d < t->ndocs; d++) {
            free(t->f[s][d].start);
            free(t->f[s][d].rows);
        }
        free(t->f[s]);
    }
    free(t->p1);
    free(t->scores);
    free(t->back);
    free(t->pred);
}

/* Trains TABLE (0 and 1: the tagger's stages on every article; 2: the
 * role tagger) O->runs times from seeds O->seed, O->seed + 1, ... and
 * leaves the mean of the runs' averaged weights in P: one linear model
 * that depends less on the order of the articles than any run. ACC holds
 * P->nw doubles. */
static int train_table(tstate_t *t, perc_t *p, int table,
                       const qtrain_opts_t *o, size_t *order, double *acc)
{
    double tacc[NT] = {0};
    unsigned runs = o->runs ? o->runs : 1;
    memset(acc, 0, p->nw * sizeof *acc);
    for (unsigned r = 0; r < runs; r++) {
        qtrain_opts_t one = *o;
        one.seed = o->seed + r;
        if (table == PS__Q_ROLE_TABLE) {
            if (train_roles(t, p, &one, order))
                return -1;
        } else {
            run(t, p, table, 0, 0, &one, order);
        }
        for (size_t i = 0; i < p->nw; i++)
            acc[i] += p->w[i];
        for (int i = 0; i < NT; i++)
            tacc[i] += p->tw[i];
    }
    for (size_t i = 0; i < p->nw; i++)
        p->w[i] = acc[i] / runs;
    for (int i = 0; i < NT; i++)
        p->tw[i] = tacc[i] / runs;
    return 0;
}

int qtrain(qdoc_t *docs, size_t ndocs, const qtrain_opts_t *o, const char *out)
{
    ps__qmodel_view_t v = {0};
    v.row_bits = o->row_bits;
    uint64_t *lex = qlexicon_mine(docs, ndocs, o, &v.nlex);
    v.lex = lex;
    for (size_t d = 0; d < ndocs; d++) {
        for (size_t i = 0; lex && i < docs[d].n; i++) {
            uint32_t rec = ps__q_lex_get(&v, docs[d].seq[i].stem);
            docs[d].seq[i].lex = (uint8_t)(rec & 3);
            docs[d].seq[i].clus = (uint8_t)(rec >> 2);
        }
    }
    tstate_t t = {0};
    perc_t p = {0};
    p.nw = ((size_t)1 << o->row_bits) * L;
    p.w = malloc(p.nw * sizeof *p.w);
    p.u = malloc(p.nw * sizeof *p.u);
    double *acc = malloc(p.nw * sizeof *acc);
    size_t *order = malloc((ndocs + 1) * sizeof *order);
    int16_t *w[PS__Q_TABLES] = {malloc(p.nw * 2), malloc(p.nw * 2),
                                malloc(p.nw * 2)};
    int32_t tr[PS__Q_TABLES][NT];
    int rc = -1;
    if (!lex || !p.w || !p.u || !acc || !order || !w[0] || !w[1] || !w[2] ||
        alloc_state(&t, docs, ndocs, o->row_bits) || featurise(&t, 0)) {
        fprintf(stderr, "quote_train: out of memory\n");
        goto done;
    }
    /* The first stage's labels of each article, from a model without it. */
    for (unsigned f = 0; f < o->folds; f++) {
        run(&t, &p, 0, f, o->folds, o, order);
        for (size_t i = 0; i < ndocs; i++)
            if (order[i] % o->folds == f)
                decode(&t, &p, 0, order[i], t.p1[order[i]]);
    }
    t.false_cues = o->false_cues;
    if (train_table(&t, &p, PS__Q_ROLE_TABLE, o, order, acc)) {
        fprintf(stderr, "quote_train: out of memory\n");
        goto done;
    }
    quantize(&p, w[2], tr[2]);
    train_table(&t, &p, 0, o, order, acc);
    quantize(&p, w[0], tr[0]);
    if (featurise(&t, 1)) {
        fprintf(stderr, "quote_train: out of memory\n");
        goto done;
    }
    train_table(&t, &p, 1, o, order, acc);
    quantize(&p, w[1], tr[1]);
    for (int s = 0; s < PS__Q_TABLES; s++) {
        v.weights[s] = w[s];
        v.trans[s] = tr[s];
    }
    v.conf_scale = 1;
    v.conf_scale = conf_scale(&t, &v);
    /* Uncalibrated: the logistic of the margin in units of the scale,
     * which qcalibrate() reads back from the confidences and replaces. */
    v.calib[PS__QC_MARGIN] = 1;
    char *err = NULL;
    if (ps__q_model_write(out, &v, &err) != PS_OK) {
        fprintf(stderr, "quote_train: %s\n", err ? err : out);
        free(err);
        goto done;
    }
    rc = 0;
done:
    free_state(&t);
    free(p.w);
    free(p.u);
    free(acc);
    free(order);
    free(w[0]);
    free(w[1]);
    free(w[2]);
    free(lex);
    return rc;
}
