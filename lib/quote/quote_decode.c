/* Viterbi over the tagger's integer scores, for the quoter: the labels
 * ps__q_viterbi gives on the same scores as doubles, eight labels to one
 * vector of 32-bit integers instead of two of doubles.
 *
 * Why it decodes the same: a step compares, for each label, its
 * predecessors' path values plus a transition, and the double loop adds
 * exact integers (far below 2^53), so only differences within a step
 * matter. Here every path value of a step is taken relative to the O
 * label's (which every label may follow and begin), so they stay within
 * the spread of a step's values; scores are sums of at most PS__Q_MAXF
 * weights (under 2^22) and transitions are checked under 2^26, so a
 * spread over 2^27 cannot come from one step's changes and the line is
 * left to the double loop rather than risk a wrong sum. A forbidden
 * transition or first label stands as FORBID, far below anything
 * allowed and far above overflow, so it never wins where the double
 * loop's minus infinity would not; ties go to the first predecessor and
 * the first label, as there. */
#include <math.h>
#include <string.h>

#include "quote_private.h"

enum { L = PS__Q_NLABELS };

#define FORBID (-(1 << 29))
#define SPREAD (1 << 27)
#define TRANS_MAX (1 << 26)

typedef int32_t v8i_t __attribute__((vector_size(32)));

/* The transitions as eight-wide vectors, T[p + 1] for predecessor P (T[0]
 * the first label's); 0 when a transition is too large to decode here. */
static int int_trans(const int32_t *trans, v8i_t t[L + 1])
{
    for (int p = 0; p <= L; p++) {
        int32_t row[8];
        for (int l = 0; l < 8; l++) {
            int32_t x = l < L ? trans[p * L + l] : 0;
            if (l < L && (x >= TRANS_MAX || x <= -TRANS_MAX))
                return 0;
            row[l] = l < L && ps__q_allowed(p - 1, l) ? x : FORBID;
        }
        memcpy(&t[p], row, sizeof row);
    }
    return 1;
}

/* One step of Viterbi for all eight labels at once: each label's best
 * value over the predecessors P of path values C, with transitions T[P +
 * 1], into BESTP, and in ARG the first predecessor giving it (ties to
 * the first, as the double loop). Vectors go by pointer: returned by
 * value they would change the ABI where AVX is off. */
static inline __attribute__((always_inline)) void
best_step(const v8i_t *cv, const v8i_t *t, v8i_t *bestp, v8i_t *arg)
{
    v8i_t c = *cv;
    v8i_t best = {INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN,
                  INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN};
    v8i_t a = {0, 0, 0, 0, 0, 0, 0, 0};
#pragma GCC unroll 8
    for (int p = 0; p < L; p++) {
        v8i_t cp = {c[p], c[p], c[p], c[p], c[p], c[p], c[p], c[p]};
        v8i_t v = cp + t[p + 1];
        v8i_t m = v > best;
        best = (m & v) | (~m & best);
        a = (m & (v8i_t){p, p, p, p, p, p, p, p}) | (~m & a);
    }
    *arg = a;
    *bestp = best;
}

/* Viterbi over the N rows of SC (STRIDE apart, L scores each) with T;
 * 0 when the spread grew too large (OUT then unset). BACK holds N
 * vectors: a step's predecessors are stored as the vector they are
 * found in, which costs one store where bytes would cost a conversion. */
PS__Q_CLONES static int viterbi_int(const int32_t *sc, size_t stride,
                                    const v8i_t t[L + 1], size_t n,
                                    int32_t *back, uint8_t *out)
{
    v8i_t c, s0;
    memcpy(&s0, sc, sizeof s0);
    c = t[0] + s0;
    c[7] = FORBID;
    c -= (v8i_t){c[0], c[0], c[0], c[0], c[0], c[0], c[0], c[0]};
    for (size_t k = 1; k < n; k++) {
        v8i_t arg, best;
        best_step(&c, t, &best, &arg);
        v8i_t sk;
        memcpy(&sk, sc + k * stride, sizeof sk);
        c = best + sk;
        c[7] = c[0];
        c -= (v8i_t){c[0], c[0], c[0], c[0], c[0], c[0], c[0], c[0]};
        v8i_t far = (c > SPREAD) | (c < -SPREAD);
        uint64_t f[4];
        memcpy(f, &far, sizeof f);
        if (f[0] | f[1] | f[2] | f[3])
            return 0;
        memcpy(back + k * 8, &arg, sizeof arg);
        c[7] = FORBID;
    }
    int a = 0;
    for (int l = 1; l < L; l++)
        if (c[l] > c[a])
            a = l;
    for (size_t k = n; k-- > 0;) {
        out[k] = (uint8_t)a;
        if (k > 0)
            a = back[k * 8 + a];
    }
    return 1;
}

/* The double loop on line [A, E), its scores copied to SCRATCH. */
static void line_double(const int32_t *sc, size_t stride, const int32_t *trans,
                        size_t a, size_t e, double *scratch, uint8_t *back,
                        uint8_t *lab)
{
    double tr[(L + 1) * L];
    for (int k = 0; k < (L + 1) * L; k++)
        tr[k] = ps__q_allowed(k / L - 1, k % L) ? (double)trans[k] : -INFINITY;
    for (size_t i = a; i < e; i++)
        for (int l = 0; l < L; l++)
            scratch[(i - a) * L + l] = sc[i * stride + l];
    ps__q_viterbi(scratch, tr, e - a, back, lab + a);
}

void ps__q_decode_int(const ps__qtok_t *s, size_t n, const int32_t *sc,
                      size_t stride, const int32_t *trans, double *scratch,
                      uint8_t *back, uint8_t *lab)
{
    v8i_t t[L + 1];
    int fast = int_trans(trans, t);
    for (size_t a = 0; a < n;) {
        size_t e = a + 1;
        while (e < n && !(s[e].flags & PS_TOK_LINE_START))
            e++;
        if (!fast || !viterbi_int(sc + a * stride, stride, t, e - a,
                                  (int32_t *)(void *)scratch, lab + a))
            line_double(sc, stride, trans, a, e, scratch, back, lab);
        a = e;
    }
}

/* A role window (ps__q_viterbi_role). The mask makes states impossible
 * (a cue label off the cue, any other on it), which the double loop
 * holds as minus infinity, or as -1e300 once nothing possible leads to
 * them; neither is ever on the best path, which is possible throughout.
 * Here an impossible state is held at FLOOR, and a state is possible
 * when its mask allows it and its best predecessor is (possible values
 * within SPREAD_R of the reference label's, impossible ones far below):
 * then it has the same best predecessor as in the double loop. The
 * reference is O off the cue and the cue's own label on it, both always
 * possible. */
#define FLOOR (-(1 << 29))
#define SPREAD_R (1 << 26)
#define REAL_MIN (-(1 << 27))

PS__Q_CLONES static int viterbi_role_int(const int32_t *sc, size_t w,
                                         uint32_t c0, uint32_t c1,
                                         const v8i_t t[L + 1], int32_t *back,
                                         uint8_t *out)
{
    const v8i_t ones = {-1, -1, -1, -1, -1, -1, -1, -1};
    const v8i_t floor = {FLOOR, FLOOR, FLOOR, FLOOR,
                         FLOOR, FLOOR, FLOOR, FLOOR};
    /* The masks of impossible labels: off the cue, on its first token,
     * on the others (lane 7, padding, always). */
    v8i_t off = {0, 0, 0, -1, -1, 0, 0, -1}, on_b = ones, on_i = ones;
    on_b[PS__Q_BCUE] = 0;
    on_i[PS__Q_ICUE] = 0;
    v8i_t c = t[0], s0;
    memcpy(&s0, sc, sizeof s0);
    v8i_t bad = c0 == 0 ? on_b : off;
    bad |= c <= (v8i_t){FORBID, FORBID, FORBID, FORBID,
                        FORBID, FORBID, FORBID, FORBID};
    int ref = c0 == 0 ? PS__Q_BCUE : PS__Q_O;
    c += s0;
    c -= (v8i_t){c[ref], c[ref], c[ref], c[ref], c[ref], c[ref], c[ref],
                 c[ref]};
    v8i_t far0 = ~bad & ((c > SPREAD_R) | (c < -SPREAD_R));
    uint64_t f0[4];
    memcpy(f0, &far0, sizeof f0);
    if (f0[0] | f0[1] | f0[2] | f0[3])
        return 0;
    c = (bad & floor) | (~bad & c);
    const v8i_t lo = {REAL_MIN, REAL_MIN, REAL_MIN, REAL_MIN,
                      REAL_MIN, REAL_MIN, REAL_MIN, REAL_MIN};
    for (size_t k = 1; k < w; k++) {
        v8i_t arg, best;
        best_step(&c, t, &best, &arg);
        v8i_t sk;
        memcpy(&sk, sc + k * 8, sizeof sk);
        int oncue = k >= c0 && k < c1;
        bad = !oncue ? off : k == c0 ? on_b : on_i;
        ref = !oncue ? PS__Q_O : k == c0 ? PS__Q_BCUE : PS__Q_ICUE;
        bad |= best < lo;
        c = best + sk;
        c -= (v8i_t){c[ref], c[ref], c[ref], c[ref], c[ref], c[ref], c[ref],
                     c[ref]};
        v8i_t far = ~bad & ((c > SPREAD_R) | (c < -SPREAD_R));
        uint64_t f[4];
        memcpy(f, &far, sizeof f);
        if (f[0] | f[1] | f[2] | f[3])
            return 0;
        c = (bad & floor) | (~bad & c);
        memcpy(back + k * 8, &arg, sizeof arg);
    }
    int a = 0;
    for (int l = 1; l < L; l++)
        if (c[l] > c[a])
            a = l;
    for (size_t k = w; k-- > 0;) {
        out[k] = (uint8_t)a;
        if (k > 0)
            a = back[k * 8 + a];
    }
    return 1;
}

int ps__q_viterbi_role(const int32_t *sc, size_t w, uint32_t c0, uint32_t c1,
                       const int32_t *trans, int32_t *back, uint8_t *out)
{
    v8i_t t[L + 1];
    if (w == 0 || c0 >= c1 || c1 > w || !int_trans(trans, t))
        return 0;
    return viterbi_role_int(sc, w, c0, c1, t, back, out);
}
