/* Viterbi over the quote model's double scores: the decoder the trainer
 * uses and the reference the quoter's integer decoder (quote_decode.c)
 * agrees with, the transitions BIO allows, and the labelling of a role
 * window that must give its cue some content (quote_group.c). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "quote_private.h"

int ps__q_allowed(int prev, int cur)
{
    if (cur == PS__Q_ISRC || cur == PS__Q_ICUE || cur == PS__Q_ICON)
        return prev == cur || prev == cur - 1;
    return 1;
}

typedef double v4d_t __attribute__((vector_size(32)));
typedef int64_t v4i_t __attribute__((vector_size(32)));

/* A where M is all ones, else B (lane by lane). */
#define PICK(m, a, b) ((m) & (a)) | (~(m) & (b))

/* Viterbi's steps eight labels wide: for each predecessor P in order, the
 * labels it beats (strictly) take it, so each label's best is the first
 * of the highest, as the loop over predecessors label by label finds it;
 * a forbidden transition (minus infinity) never beats the -1e300 a best
 * starts at. The eighth lane is padding. Lines of the bench slice are
 * short, so this beats skipping the forbidden predecessors one label at a
 * time, which first had to check the table's shape. */
PS__Q_CLONES static void viterbi_wide(const double *scores,
                                      const double *trans, size_t n,
                                      double *cur, uint8_t *back)
{
    enum { L = PS__Q_NLABELS };
    v4d_t t[L][2];
    for (int p = 0; p < L; p++) {
        double row[8];
        memcpy(row, trans + (p + 1) * L, L * sizeof *row);
        row[7] = -INFINITY;
        memcpy(t[p], row, sizeof row);
    }
    double c[8];
    memcpy(c, cur, L * sizeof *c);
    for (size_t k = 1; k < n; k++) {
        v4d_t b0 = {-1e300, -1e300, -1e300, -1e300}, b1 = b0;
        v4i_t a0 = {0, 0, 0, 0}, a1 = a0;
#pragma GCC unroll 8
        for (int p = 0; p < L; p++) {
            v4d_t cp = {c[p], c[p], c[p], c[p]};
            v4i_t pp = {p, p, p, p};
            v4d_t v0 = cp + t[p][0], v1 = cp + t[p][1];
            v4i_t m0 = v0 > b0, m1 = v1 > b1;
            b0 = (v4d_t)(PICK(m0, (v4i_t)v0, (v4i_t)b0));
            b1 = (v4d_t)(PICK(m1, (v4i_t)v1, (v4i_t)b1));
            a0 = PICK(m0, pp, a0);
            a1 = PICK(m1, pp, a1);
        }
        double sc[8];
        memcpy(sc, scores + k * L, L * sizeof *sc);
        sc[7] = 0;
        v4d_t s0, s1;
        memcpy(&s0, sc, sizeof s0);
        memcpy(&s1, sc + 4, sizeof s1);
        b0 += s0;
        b1 += s1;
        memcpy(c, &b0, sizeof b0);
        memcpy(c + 4, &b1, sizeof b1);
        uint8_t *bk = back + k * L;
        for (int l = 0; l < 4; l++)
            bk[l] = (uint8_t)a0[l];
        for (int l = 4; l < L; l++)
            bk[l] = (uint8_t)a1[l - 4];
    }
    memcpy(cur, c, L * sizeof *c);
}

void ps__q_viterbi(const double *scores, const double *trans, size_t n,
                   uint8_t *back, uint8_t *out)
{
    enum { L = PS__Q_NLABELS };
    double cur[L];
    if (n == 0)
        return;
    for (int l = 0; l < L; l++)
        cur[l] = trans[l] + scores[l];
    viterbi_wide(scores, trans, n, cur, back);
    int arg = 0;
    for (int l = 1; l < L; l++)
        if (cur[l] > cur[arg])
            arg = l;
    for (size_t k = n; k-- > 0;) {
        out[k] = (uint8_t)arg;
        if (k > 0)
            arg = back[k * L + arg];
    }
}

/* The best labelling of a window of N tokens (SCORES, TRANS as for
 * ps__q_viterbi) that gives the cue some content, into OUT: Viterbi over
 * the labels twice, before and after the first content token, ending
 * after it. BACK holds N * NLABELS bytes, each the two predecessors of a
 * label (state index f * NLABELS + label, four bits each) for f 0 and 1.
 * Returns 0 when no labelling has content. */
int ps__q_viterbi_content(const double *scores, const double *trans,
                          size_t n, uint8_t *back, uint8_t *out)
{
    enum { L = PS__Q_NLABELS };
    double cur[2][L], nxt[2][L];
    for (int l = 0; l < L; l++) {
        int con = PS__Q_ROLE(l) == 3;
        cur[con][l] = trans[l] + scores[l];
        cur[!con][l] = -INFINITY;
    }
    for (size_t k = 1; k < n; k++) {
        for (int l = 0; l < L; l++) {
            int con = PS__Q_ROLE(l) == 3;
            uint8_t bp[2] = {0, 0};
            nxt[0][l] = nxt[1][l] = -INFINITY;
            for (int f = 0; f < 2; f++)
                for (int p = 0; p < L; p++) {
                    double x = cur[f][p] + trans[(p + 1) * L + l];
                    int nf = f | con;
                    if (x > nxt[nf][l]) {
                        nxt[nf][l] = x;
                        bp[nf] = (uint8_t)(f * L + p);
                    }
                }
            back[k * L + l] = (uint8_t)(bp[0] | bp[1] << 4);
        }
        for (int f = 0; f < 2; f++)
            for (int l = 0; l < L; l++)
                cur[f][l] = nxt[f][l] + scores[k * L + l];
    }
    int arg = 0;
    for (int l = 1; l < L; l++)
        if (cur[1][arg] < cur[1][l])
            arg = l;
    if (cur[1][arg] == -INFINITY)
        return 0;
    int st = L + arg;
    for (size_t k = n; k-- > 0;) {
        out[k] = (uint8_t)(st % L);
        if (k > 0)
            st = (back[k * L + st % L] >> (st / L * 4)) & 15;
    }
    return 1;
}
