/* From labels to attributions. Every cue the tagger finds is one candidate
 * attribution; the role tagger (quote_role.c) labels the window around it,
 * and its source and content pieces become the attribution's. A cue with
 * no content is dropped (every attribution says something). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"

void ps__q_role_mask(double *scores, uint32_t wa, uint32_t wb, uint32_t ca,
                     uint32_t cb)
{
    /* What ps__q_role_allowed says, label by label, without asking it
     * seven times a token: no cue label off the cue, on it a B first and
     * I after, nothing else. */
    enum { L = PS__Q_NLABELS };
    for (uint32_t i = wa; i < wb; i++) {
        double *sc = scores + (size_t)(i - wa) * L;
        if (i < ca || i >= cb) {
            sc[PS__Q_BCUE] = sc[PS__Q_ICUE] = -INFINITY;
            continue;
        }
        int keep = i == ca ? PS__Q_BCUE : PS__Q_ICUE;
        for (int l = 0; l < L; l++)
            if (l != keep)
                sc[l] = -INFINITY;
    }
}

int ps__q_role_extract(const uint8_t *wlab, uint32_t wa, uint32_t wb,
                       uint32_t ca, uint32_t cb, ps__qattr_t *a)
{
    memset(a, 0, sizeof *a);
    a->cue[0] = ca;
    a->cue[1] = cb;
    long best_src = -1;
    for (uint32_t i = wa; i < wb;) {
        int l = wlab[i - wa], role = PS__Q_ROLE(l);
        uint32_t j = i + 1;
        while (j < wb && wlab[j - wa] == (PS__Q_IS_B(l) ? l + 1 : l))
            j++;
        if (role == 1) {
            /* The source nearest the cue, when the tagger found several. */
            long d = i < ca ? (long)ca - (long)j : (long)i - (long)cb;
            if (best_src < 0 || d < best_src) {
                best_src = d;
                a->src[0] = i;
                a->src[1] = j;
            }
        } else if (role == 3) {
            if (a->ncon < 4) {
                a->con[a->ncon][0] = i;
                a->con[a->ncon][1] = j;
                a->ncon++;
            } else {
                a->con[3][1] = j; /* more pieces: the last one spans them */
            }
        }
        i = j;
    }
    return a->ncon > 0;
}

/* When the role tagger gave the cue [CA, CB) no source, the tagger's own
 * source nearest to the cue in its sentence, within FALLBACK tokens:
 * attributions without a source are rare (7% of PolNeAR's), so a source
 * the tagger saw is more often right than none. */
#define FALLBACK 25

static void fallback_source(const ps__qtok_t *s, size_t n, const uint8_t *lab,
                            ps__qattr_t *a)
{
    uint32_t ca = a->cue[0], cb = a->cue[1];
    for (uint32_t d = 1; d <= FALLBACK; d++) {
        if (ca >= d && s[ca - d].sent == s[ca].sent &&
            PS__Q_ROLE(lab[ca - d]) == 1) {
            uint32_t e = ca - d + 1, b = ca - d;
            while (b > 0 && lab[b] == PS__Q_ISRC)
                b--;
            a->src[0] = b;
            a->src[1] = e;
            return;
        }
        if (cb - 1 + d < n && s[cb - 1 + d].sent == s[ca].sent &&
            PS__Q_ROLE(lab[cb - 1 + d]) == 1) {
            uint32_t b = cb - 1 + d, e = b + 1;
            while (e < n && lab[e] == PS__Q_ISRC)
                e++;
            a->src[0] = b;
            a->src[1] = e;
            return;
        }
    }
}

/* ACC[0..8) = the sums of ROWS of the role table's eight-wide rows W. */
PS__Q_CLONES static void sum_role(int32_t *acc, const int16_t *w,
                                  const uint32_t *rows, size_t nf)
{
    int32_t a[8] = {0};
    ps__q_add_rows(a, w, 8, rows, nf, 8);
    memcpy(acc, a, sizeof a);
}

size_t ps__q_attribute(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                       size_t n, const uint8_t *p1, const uint8_t *lab,
                       const float *margin, const ps__qctx_t *cx,
                       double *scores, uint8_t *back, uint8_t *wlab,
                       ps__qattr_t *out)
{
    enum { L = PS__Q_NLABELS };
    double trans[(L + 1) * L];
    for (int k = 0; k < (L + 1) * L; k++)
        trans[k] = ps__q_allowed(k / L - 1, k % L)
                       ? (double)v->trans[PS__Q_ROLE_TABLE][k]
                       : -INFINITY;
    uint32_t rows[PS__Q_MAXF];
    size_t na = 0;
    /* News has one cue in some thirty tokens; a text the tagger sees a cue
     * in every other word of is not news, and its windows, each some
     * hundred tokens, would cost far more than the text. So there are
     * at most this many. */
    size_t budget = n / 8 + 16;
    for (size_t i = 0; i < n && budget > 0;) {
        if (PS__Q_ROLE(lab[i]) != 2) {
            i++;
            continue;
        }
        uint32_t ca = (uint32_t)i, cb = ca + 1;
        while (cb < n && lab[cb] == PS__Q_ICUE)
            cb++;
        i = cb;
        budget--;
        uint32_t wa, wb;
        ps__q_window(n, ca, cb, &wa, &wb);
        for (uint32_t k = wa; k < wb; k++) {
            size_t nf = ps__q_role_features(s, n, k, ca, cb, p1, cx,
                                            v->row_bits, rows);
            int32_t acc[8] = {0};
            if (v->wide_role) {
                sum_role(acc, v->wide_role, rows, nf);
            } else {
                for (size_t f = 0; f < nf; f++) {
                    const int16_t *w = v->weights[PS__Q_ROLE_TABLE] +
                                       (size_t)rows[f] * L;
                    for (int l = 0; l < L; l++)
                        acc[l] += w[l];
                }
            }
            for (int l = 0; l < L; l++)
                scores[(size_t)(k - wa) * L + l] = acc[l];
        }
        ps__q_role_mask(scores, wa, wb, ca, cb);
        ps__q_viterbi(scores, trans, wb - wa, back, wlab);
        ps__qattr_t *a = &out[na];
        if (!ps__q_role_extract(wlab, wa, wb, ca, cb, a))
            continue;
        if (a->src[1] == a->src[0])
            fallback_source(s, n, lab, a);
        double m = 0;
        for (uint32_t k = ca; margin && k < cb; k++)
            m += margin[k];
        m /= cb - ca;
        a->margin = margin ? (float)m : 0;
        na++;
    }
    return na;
}
