/* The role tagger's scores of a cue's window, for the quoter. Of a window
 * token's 36 features (quote_role.c), 15 are the cue's own or its side's
 * joined with values from small sets: the distance bucket, the counts of
 * commas, sentence starts and quotation marks between, the token's
 * quotation state and first-stage label. A window of some 120 tokens asks
 * only a few dozen combinations of them, so they fall in two groups whose
 * row sums are worked out the first time a key is met in a cue's window
 * and kept for the rest of it: a token then adds two kept sums and its
 * own 21 rows instead of 36 rows, and hashes 23 times instead of 33.
 * Integer sums in another order, so the scores are the same; the window
 * is then decoded from them (quote_decode.c). */
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"

/* ACC[0..8) += the sums of ROWS of the role table's eight-wide rows W
 * (ps__q_add_rows, compiled for AVX2 too). */
PS__Q_CLONES static void sum_rows8(int32_t *acc, const int16_t *w,
                                   const uint32_t *rows, size_t nf)
{
    int32_t a[8];
    memcpy(a, acc, sizeof a);
    ps__q_add_rows(a, w, 8, rows, nf, 8);
    memcpy(acc, a, sizeof a);
}

/* The kept sum of group A's (or B's) KEY for the current cue, worked out
 * when first asked. */
static const int32_t *group_sum(const ps__qmodel_view_t *v,
                                const ps__qrcue_t *rc, ps__qrsum_t *rs,
                                int b, uint32_t key)
{
    uint32_t *seen = b ? rs->seen_b : rs->seen_a;
    int32_t *sum = b ? rs->b[key] : rs->a[key];
    if (seen[key] != rs->stamp) {
        uint32_t rows[PS__Q_RGROUP_A];
        if (b)
            ps__q_role_group_b(rc, key, v->row_bits, rows);
        else
            ps__q_role_group_a(rc, key, v->row_bits, rows);
        memset(sum, 0, 8 * sizeof *sum);
        sum_rows8(sum, v->wide_role, rows,
                  b ? PS__Q_RGROUP_B : PS__Q_RGROUP_A);
        seen[key] = rs->stamp;
    }
    return sum;
}

/* A new cue: every kept sum is stale. */
static void next_cue(ps__qrsum_t *rs)
{
    if (++rs->stamp == 0) {
        memset(rs->seen_a, 0, sizeof rs->seen_a);
        memset(rs->seen_b, 0, sizeof rs->seen_b);
        rs->stamp = 1;
    }
}

void ps__q_role_score(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                      size_t n, uint32_t ca, uint32_t cb, uint32_t wa,
                      uint32_t wb, const uint8_t *p1, const ps__qctx_t *cx,
                      ps__qrsum_t *rs, int32_t *scores)
{
    uint32_t buf[2][PS__Q_MAXF], kbuf[2][2];
    ps__qrcue_t rc;
    ps__q_role_cue(s, n, ca, cb, v->row_bits, &rc);
    rc.tab = v->rtab;
    next_cue(rs);
    /* A token's own rows are found one token ahead of their sums and
     * asked of the memory then, as the tagger's are (quote_run.c). */
    uint32_t *rows = buf[0], *next = buf[1];
    uint32_t *keys = kbuf[0], *nkeys = kbuf[1];
    size_t nn = wa < wb ? ps__q_role_split(s, n, wa, ca, cb, p1, cx, &rc,
                                           v->row_bits, next, nkeys)
                        : 0;
    for (uint32_t k = wa; k < wb; k++) {
        uint32_t *t = rows;
        size_t nf = nn;
        rows = next;
        next = t;
        t = keys;
        keys = nkeys;
        nkeys = t;
        if (k + 1 < wb) {
            nn = ps__q_role_split(s, n, k + 1, ca, cb, p1, cx, &rc,
                                  v->row_bits, next, nkeys);
#pragma GCC unroll 8
            for (size_t f = 0; f < nn; f++)
                __builtin_prefetch(v->wide_role + (size_t)next[f] * 8);
        }
        int32_t acc[8] = {0};
        if (keys[0] != UINT32_MAX) {
            const int32_t *ga = group_sum(v, &rc, rs, 0, keys[0]);
            const int32_t *gb = group_sum(v, &rc, rs, 1, keys[1]);
            for (int l = 0; l < 8; l++)
                acc[l] = ga[l] + gb[l];
        }
        sum_rows8(acc, v->wide_role, rows, nf);
        memcpy(scores + (size_t)(k - wa) * 8, acc, sizeof acc);
    }
}

int ps__q_role_label(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                     size_t n, uint32_t ca, uint32_t cb, uint32_t wa,
                     uint32_t wb, const uint8_t *p1, const ps__qctx_t *cx,
                     ps__qrsum_t *rs, uint8_t *wlab)
{
    size_t w = wb - wa;
    if (w > rs->cap) {
        size_t c = w + w / 2 + 64;
        int32_t *b = realloc(rs->buf, c * 16 * sizeof *b);
        if (!b)
            return 0;
        rs->buf = b;
        rs->cap = c;
    }
    ps__q_role_score(v, s, n, ca, cb, wa, wb, p1, cx, rs, rs->buf);
    return ps__q_viterbi_role(rs->buf, w, ca - wa, cb - wa,
                              v->trans[PS__Q_ROLE_TABLE], rs->buf + w * 8,
                              wlab);
}

void ps__q_rsum_free(ps__qrsum_t *rs)
{
    if (rs)
        free(rs->buf);
    free(rs);
}
