/* The averaged perceptron (Collins 2002) that trains each stage of the
 * NER model: decode a line with the current weights, move the weights of
 * the features of every wrong label towards the gold one, and keep the
 * weights' average over every step, which generalises far better than the
 * last weights. Runs are deterministic from their seed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner_train_private.h"

#define L PS__NER_NLABELS

static void update(ps__ner_perc_t *p, const tdoc_t *t, int stage, size_t k,
                   int lab, double d)
{
    for (int s = 0; s <= stage; s++) {
        for (uint32_t r = t->start[s][k]; r < t->start[s][k + 1]; r++) {
            size_t at = (size_t)t->rows[s][r] * L + lab;
            p->w[at] += d;
            p->u[at] += p->c * d;
        }
    }
}

static void update_trans(ps__ner_perc_t *p, int prev, int cur, double d)
{
    size_t at = (size_t)(prev + 1) * L + cur;
    p->tw[at] += d;
    p->tu[at] += p->c * d;
}

void ps__ner_perc_decode(const ps__ner_perc_t *p, const tdoc_t *t, int stage,
                         ps__ner_bufs_t *b)
{
    for (size_t k = 0; k < t->n; k++) {
        double *sc = b->scores + k * L;
        for (int l = 0; l < L; l++)
            sc[l] = 0;
        for (int s = 0; s <= stage; s++) {
            for (uint32_t r = t->start[s][k]; r < t->start[s][k + 1]; r++) {
                const double *row = p->w + (size_t)t->rows[s][r] * L;
                for (int l = 0; l < L; l++)
                    sc[l] += row[l];
            }
        }
    }
    for (size_t a = 0; a < t->n;) {
        size_t e = a + 1;
        while (e < t->n && !t->line[e])
            e++;
        ps__ner_viterbi(b->scores, p->tw, a, e, b->back, b->pred);
        a = e;
    }
}

/* One pass over the lines of T; returns the lines it got wrong. */
static size_t train_doc(ps__ner_perc_t *p, const tdoc_t *t, int stage,
                        ps__ner_bufs_t *b)
{
    size_t wrong = 0;
    const uint8_t *pred = b->pred;
    ps__ner_perc_decode(p, t, stage, b);
    for (size_t a = 0; a < t->n;) {
        size_t e = a + 1;
        while (e < t->n && !t->line[e])
            e++;
        int bad = 0;
        for (size_t k = a; k < e; k++) {
            int g = t->gold[k], q = pred[k];
            int gp = k == a ? -1 : t->gold[k - 1];
            int qp = k == a ? -1 : pred[k - 1];
            if (g != q) {
                bad = 1;
                update(p, t, stage, k, g, 1);
                update(p, t, stage, k, q, -1);
            }
            if (g != q || gp != qp) {
                update_trans(p, gp, g, 1);
                update_trans(p, qp, q, -1);
            }
        }
        wrong += bad;
        p->c += 1;
        a = e;
    }
    return wrong;
}

/* A small deterministic generator for the order of documents. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Trains stage STAGE on every document not in fold FOLD of FOLDS (FOLDS
 * 0: every document) from SEED and leaves the averaged weights in P->w
 * and P->tw.
 * Decoding a line updates it at once (not the whole document), as the
 * perceptron wants. */
static void run_once(const tdoc_t *td, size_t ndocs,
                     const ps_ner_train_opts_t *o, int stage, unsigned fold,
                     unsigned folds, uint64_t seed, ps__ner_perc_t *p,
                     size_t nw, size_t *order, ps__ner_bufs_t *b)
{
    memset(p->w, 0, nw * sizeof *p->w);
    memset(p->u, 0, nw * sizeof *p->u);
    memset(p->tw, 0, sizeof p->tw);
    memset(p->tu, 0, sizeof p->tu);
    p->c = 1;
    for (int a = -1; a < L; a++)
        for (int c = 0; c < L; c++)
            if (!ps__ner_allowed(a, c))
                p->tw[(a + 1) * L + c] = -INFINITY;
    uint64_t rs = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
    for (size_t i = 0; i < ndocs; i++)
        order[i] = i;
    for (unsigned e = 0; e < o->epochs; e++) {
        for (size_t i = ndocs; i > 1; i--) {
            size_t j = (size_t)(next_rand(&rs) % i), x = order[i - 1];
            order[i - 1] = order[j];
            order[j] = x;
        }
        size_t wrong = 0;
        for (size_t i = 0; i < ndocs; i++)
            if (folds == 0 || order[i] % folds != fold)
                wrong += train_doc(p, &td[order[i]], stage, b);
        if (o->verbose)
            fprintf(stderr,
                    "ner_train: stage %d, %s %u, seed %llu, epoch %u: %zu "
                    "lines wrong\n",
                    stage + 1, folds ? "without fold" : "all",
                    folds ? fold + 1 : 0, (unsigned long long)seed, e + 1,
                    wrong);
    }
    for (size_t i = 0; i < nw; i++)
        p->w[i] -= p->u[i] / p->c;
    for (int i = 0; i < (L + 1) * L; i++)
        if (!isinf(p->tw[i]))
            p->tw[i] -= p->tu[i] / p->c;
}

void ps__ner_perc_run(const tdoc_t *td, size_t ndocs,
                      const ps_ner_train_opts_t *o, int stage, unsigned fold,
                      unsigned folds, ps__ner_perc_t *p, size_t nw,
                      size_t *order, ps__ner_bufs_t *b)
{
    if (o->runs == 1) {
        run_once(td, ndocs, o, stage, fold, folds, o->seed, p, nw, order, b);
        return;
    }
    memset(p->aw, 0, nw * sizeof *p->aw);
    double atw[(L + 1) * L] = {0};
    for (unsigned r = 0; r < o->runs; r++) {
        run_once(td, ndocs, o, stage, fold, folds, o->seed + r, p, nw, order,
                 b);
        for (size_t i = 0; i < nw; i++)
            p->aw[i] += p->w[i];
        for (int i = 0; i < (L + 1) * L; i++)
            atw[i] += p->tw[i];
    }
    for (size_t i = 0; i < nw; i++)
        p->w[i] = p->aw[i] / o->runs;
    for (int i = 0; i < (L + 1) * L; i++)
        p->tw[i] = atw[i] / o->runs;
}

void ps__ner_perc_quantize(const ps__ner_perc_t *p, size_t nrows, int16_t *w,
                           int32_t *trans)
{
    double max = 1e-9;
    for (size_t r = 0; r < nrows; r++) {
        const double *row = p->w + r * L;
        for (int l = 1; l < L; l++)
            if (fabs(row[l] - row[0]) > max)
                max = fabs(row[l] - row[0]);
    }
    double scale = 32000.0 / max;
    for (size_t r = 0; r < nrows; r++) {
        const double *row = p->w + r * L;
        for (int l = 1; l < L; l++)
            w[r * 2 * PS__NER_ROW + l - 1] =
                (int16_t)lrint((row[l] - row[0]) * scale);
    }
    for (int i = 0; i < (L + 1) * L; i++) {
        double v = isinf(p->tw[i]) ? -1e9 : p->tw[i] * scale;
        trans[i] = (int32_t)lrint(v < -1e9 ? -1e9 : v > 1e9 ? 1e9 : v);
    }
}
