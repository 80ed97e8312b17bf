/* From labels to attributions. Every cue the tagger finds is one candidate
 * attribution; the role tagger (quote_role.c) labels the window around it,
 * and its source and content pieces become the attribution's. A cue with
 * no content is dropped (every attribution says something). */
#include <math.h>
#include <string.h>

#include "quote_private.h"

void ps__q_role_mask(double *scores, uint32_t wa, uint32_t wb, uint32_t ca,
                     uint32_t cb)
{
    for (uint32_t i = wa; i < wb; i++)
        for (int l = 0; l < PS__Q_NLABELS; l++)
            if (!ps__q_role_allowed(i, ca, cb, l))
                scores[(size_t)(i - wa) * PS__Q_NLABELS + l] = -INFINITY;
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
    for (size_t i = 0; i < n;) {
        if (PS__Q_ROLE(lab[i]) != 2) {
            i++;
            continue;
        }
        uint32_t ca = (uint32_t)i, cb = ca + 1;
        while (cb < n && lab[cb] == PS__Q_ICUE)
            cb++;
        i = cb;
        uint32_t wa, wb;
        ps__q_window(n, ca, cb, &wa, &wb);
        for (uint32_t k = wa; k < wb; k++) {
            size_t nf = ps__q_role_features(s, n, k, ca, cb, p1, cx,
                                            v->row_bits, rows);
            int32_t acc[L] = {0};
            for (size_t f = 0; f < nf; f++) {
                const int16_t *w = v->weights[PS__Q_ROLE_TABLE] +
                                   (size_t)rows[f] * L;
                for (int l = 0; l < L; l++)
                    acc[l] += w[l];
            }
            for (int l = 0; l < L; l++)
                scores[(size_t)(k - wa) * L + l] = acc[l];
        }
        ps__q_role_mask(scores, wa, wb, ca, cb);
        ps__q_viterbi(scores, trans, wb - wa, back, wlab);
        ps__qattr_t *a = &out[na];
        if (!ps__q_role_extract(wlab, wa, wb, ca, cb, a))
            continue;
        double m = 1e30;
        for (uint32_t k = ca; margin && k < cb; k++)
            if (margin[k] < m)
                m = margin[k];
        a->margin = margin ? (float)m : 0;
        na++;
    }
    return na;
}
