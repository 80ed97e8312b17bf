/* The quote model's calibration: what its confidence means. The cue's
 * margin alone is far too sure of itself (of the dev attributions it put
 * under 0.1, half were right), so after training the model is run,
 * through the library's quoter exactly as the indexer runs it, on every
 * training article; each attribution it finds is right or wrong as
 * score.py's ATTRIBUTION counts it (its content matched one to one to a
 * gold content by shared tokens, and the two sources both empty or
 * overlapping); and a logistic regression of rightness on the margin, the
 * kind and the speaker kind (ps__q_calib_inputs) gives the weights the
 * model file keeps. Newton's method on a fixed order of attributions, so
 * the same model always gets the same weights. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/article.h"
#include "quote_train.h"

int qrun(qprep_t *p, ps_quoter_t *q, const char *text, size_t len,
         const ps_quote_t **quotes, size_t *nquotes)
{
    ps_article_t art;
    size_t bad;
    const ps_token_t *tok;
    const ps_entity_t *ents;
    size_t ntok, nents;
    *quotes = NULL;
    *nquotes = 0;
    if (ps_article_parse(text, len, &art, &bad) != PS_OK)
        return -1;
    size_t b = art.body_offset;
    if (ps_analyze(p->an, text + b, len - b, b, &tok, &ntok) != PS_OK ||
        ps_tagger_run(p->t, text + b, len - b, b, tok, ntok, &ents, &nents) !=
            PS_OK ||
        ps_quoter_run(q, text + b, len - b, b, tok, ntok, ents, nents, quotes,
                      nquotes) != PS_OK)
        return -1;
    return 0;
}

/* Whether the byte spans S[0..N) overlap [A, B). */
static int overlaps(const ps_byte_span_t *s, size_t n, size_t a, size_t b)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].start < b && a < s[i].end)
            return 1;
    return 0;
}

/* The fewest attributions found that calibrate the confidence, and a
 * quarter of it the fewest right and the fewest wrong among them. */
#define MIN_FOUND 200

typedef struct cand {
    uint32_t ov, g, p;
} cand_t;

static int cmp_cand(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    if (a->ov != b->ov)
        return a->ov > b->ov ? -1 : 1;
    if (a->g != b->g)
        return a->g < b->g ? -1 : 1;
    return a->p < b->p ? -1 : a->p > b->p;
}

/* RIGHT[k] = whether attribution K of Q[0..NQ) is right against D's gold;
 * 0, or -1 when memory runs out. The tokens are the sequence's, whose
 * content owners the reader marked (one gold content a token), which is
 * near enough score.py's words for a label. */
static int label(const qdoc_t *d, const ps_quote_t *q, size_t nq,
                 uint8_t *right)
{
    size_t ng = d->nattr;
    memset(right, 0, nq);
    if (ng == 0 || nq == 0)
        return 0;
    uint32_t *ov = calloc(ng * nq, sizeof *ov);
    cand_t *c = malloc(ng * nq * sizeof *c);
    if (!ov || !c) {
        free(ov);
        free(c);
        return -1;
    }
    for (size_t k = 0; k < nq; k++)
        for (size_t i = 0; i < d->n; i++)
            if (d->owner[i] &&
                overlaps(q[k].content, q[k].ncontent, d->seq[i].start,
                         d->seq[i].end))
                ov[(d->owner[i] - 1) * nq + k]++;
    size_t nc = 0;
    for (size_t g = 0; g < ng; g++)
        for (size_t k = 0; k < nq; k++)
            if (ov[g * nq + k])
                c[nc++] = (cand_t){ov[g * nq + k], (uint32_t)g, (uint32_t)k};
    qsort(c, nc, sizeof *c, cmp_cand);
    uint8_t *gused = calloc(ng, 1), *pused = calloc(nq, 1);
    if (!gused || !pused) {
        free(ov);
        free(c);
        free(gused);
        free(pused);
        return -1;
    }
    for (size_t j = 0; j < nc; j++) {
        if (gused[c[j].g] || pused[c[j].p])
            continue;
        gused[c[j].g] = pused[c[j].p] = 1;
        const struct qgold *g = &d->attr[c[j].g];
        const ps_quote_t *p = &q[c[j].p];
        if (g->sa == g->sb)
            right[c[j].p] = p->nsource == 0;
        else
            right[c[j].p] =
                p->nsource > 0 && overlaps(p->source, p->nsource,
                                           d->seq[g->sa].start,
                                           d->seq[g->sb - 1].end);
    }
    free(ov);
    free(c);
    free(gused);
    free(pused);
    return 0;
}

/* Solves A X = B for X (N unknowns, A symmetric positive definite, both
 * overwritten) by Gaussian elimination; -1 when A is singular. */
static int solve(double a[PS__Q_NCALIB][PS__Q_NCALIB], double *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (!(fabs(a[i][i]) > 1e-12))
            return -1;
        for (int r = i + 1; r < n; r++) {
            double f = a[r][i] / a[i][i];
            for (int k = i; k < n; k++)
                a[r][k] -= f * a[i][k];
            b[r] -= f * b[i];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int k = i + 1; k < n; k++)
            b[i] -= a[i][k] * b[k];
        b[i] /= a[i][i];
    }
    return 0;
}

static double sigmoid(double z)
{
    return 1 / (1 + exp(-(z > 50 ? 50 : z < -50 ? -50 : z)));
}

/* The mean log-loss of weights W on the rows X[0..N) with labels Y. */
static double logloss(const double (*x)[PS__Q_NCALIB], const uint8_t *y,
                      size_t n, const double *w)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double z = 0;
        for (int k = 0; k < PS__Q_NCALIB; k++)
            z += w[k] * x[i][k];
        double pr = sigmoid(z);
        pr = pr < 1e-9 ? 1e-9 : pr > 1 - 1e-9 ? 1 - 1e-9 : pr;
        s -= log(y[i] ? pr : 1 - pr);
    }
    return n ? s / (double)n : 0;
}

/* Fits W by Newton's method, with a small ridge so that a feature the
 * data never shows keeps a weight of 0. */
static int fit(const double (*x)[PS__Q_NCALIB], const uint8_t *y, size_t n,
               double *w)
{
    for (int it = 0; it < 30; it++) {
        double h[PS__Q_NCALIB][PS__Q_NCALIB] = {{0}}, g[PS__Q_NCALIB] = {0};
        for (size_t i = 0; i < n; i++) {
            double z = 0;
            for (int k = 0; k < PS__Q_NCALIB; k++)
                z += w[k] * x[i][k];
            double pr = sigmoid(z), r = pr * (1 - pr);
            for (int k = 0; k < PS__Q_NCALIB; k++) {
                g[k] += (y[i] - pr) * x[i][k];
                for (int l = 0; l < PS__Q_NCALIB; l++)
                    h[k][l] += r * x[i][k] * x[i][l];
            }
        }
        for (int k = 0; k < PS__Q_NCALIB; k++) {
            g[k] -= 1e-3 * w[k];
            h[k][k] += 1e-3;
        }
        if (solve(h, g, PS__Q_NCALIB) != 0)
            return -1;
        double step = 0;
        for (int k = 0; k < PS__Q_NCALIB; k++) {
            w[k] += g[k];
            step += fabs(g[k]);
        }
        if (step < 1e-9)
            break;
    }
    return 0;
}

int qcalibrate(qdoc_t *docs, size_t ndocs, qprep_t *p, const char *path,
               int verbose)
{
    ps_quote_model_t *m = NULL;
    ps_quoter_t *q = NULL;
    char *err = NULL;
    if (ps_quote_model_load(path, &m, &err) != PS_OK ||
        ps_quoter_new(m, &q) != PS_OK) {
        fprintf(stderr, "quote_train: %s\n", err ? err : "out of memory");
        free(err);
        ps_quote_model_free(m);
        return -1;
    }
    int rc = -1;
    double(*x)[PS__Q_NCALIB] = NULL;
    double w[PS__Q_NCALIB] = {0}, w0[PS__Q_NCALIB];
    uint8_t *y = NULL, *right = NULL;
    size_t n = 0, cap = 0, nright = 0;
    ps__qmodel_view_t v = m->v;
    for (size_t d = 0; d < ndocs; d++) {
        const ps_quote_t *qs;
        size_t nq;
        if (qrun(p, q, docs[d].text, docs[d].len, &qs, &nq) != 0) {
            fprintf(stderr, "quote_train: cannot run the model on %s\n",
                    docs[d].id);
            goto done;
        }
        if (n + nq > cap) {
            cap = (n + nq) * 2;
            void *nx = realloc(x, cap * sizeof *x), *ny = realloc(y, cap);
            if (nx)
                x = nx;
            if (ny)
                y = ny;
            free(right);
            right = malloc(cap);
            if (!nx || !ny || !right)
                goto oom;
        }
        if (label(&docs[d], qs, nq, right) != 0)
            goto oom;
        for (size_t k = 0; k < nq; k++) {
            /* The uncalibrated model's confidence is the logistic of the
             * margin in units of the scale: read the margin back. */
            double c = qs[k].confidence;
            c = c < 1e-7 ? 1e-7 : c > 1 - 1e-7 ? 1 - 1e-7 : c;
            ps__q_calib_inputs(log(c / (1 - c)), 1, qs[k].kind,
                               qs[k].speaker_kind, x[n]);
            y[n++] = right[k];
        }
    }
    for (size_t i = 0; i < n; i++)
        nright += y[i];
    for (int k = 0; k < PS__Q_NCALIB; k++)
        w0[k] = m->v.calib[k];
    if (n < MIN_FOUND || nright < MIN_FOUND / 4 ||
        n - nright < MIN_FOUND / 4 || fit(x, y, n, w) != 0) {
        /* Too few of either to say what a score is worth: the model
         * keeps the uncalibrated logistic qtrain() wrote. */
        if (verbose)
            fprintf(stderr, "quote_train: confidence left uncalibrated: "
                            "%zu attributions found, %zu right\n", n,
                    nright);
        rc = 0;
        goto done;
    }
    for (int k = 0; k < PS__Q_NCALIB; k++)
        v.calib[k] = (float)w[k];
    if (verbose)
        fprintf(stderr,
                "quote_train: confidence calibrated on %zu attributions of "
                "the training articles (%zu right): log-loss %.4f, "
                "uncalibrated %.4f; weights %.3f %.3f %.3f %.3f %.3f %.3f "
                "%.3f\n",
                n, nright, logloss(x, y, n, w), logloss(x, y, n, w0), w[0],
                w[1], w[2], w[3], w[4], w[5], w[6]);
    if (ps__q_model_write(path, &v, &err) != PS_OK) {
        fprintf(stderr, "quote_train: %s\n", err ? err : path);
        free(err);
        goto done;
    }
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "quote_train: out of memory\n");
done:
    free(x);
    free(y);
    free(right);
    ps_quoter_free(q);
    ps_quote_model_free(m);
    return rc;
}
