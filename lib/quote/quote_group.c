/* From labels to attributions. The tagger marks sources, cues and contents;
 * an attribution is one cue with the contents and the source nearest to it.
 * Each content piece goes to the nearest cue on either side, counting a
 * sentence boundary as a long way (a direct quote often ends one sentence
 * before its "he said"), so `“A,” he said, “B.”` is one attribution of two
 * pieces. A source may serve several cues ("she said ... and added").
 * Cues are looked up by binary search: linear time in all. */
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"

/* Cost of one sentence boundary between a content or source and its cue,
 * in tokens; beyond MAX_COST nothing is attached. */
#define SENT_COST 12
#define MAX_CON_COST 60
#define MAX_SRC_COST 30
#define NEAR 3 /* cues looked at on each side */

typedef struct seg {
    uint32_t a, b; /* tokens [a, b) */
} seg_t;

/* The segments of ROLE (1..3) in LAB, appended to OUT; returns the count. */
static size_t segments(const uint8_t *lab, size_t n, int role, seg_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (PS__Q_ROLE(lab[i]) != role) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && lab[j] == lab[i] + (PS__Q_IS_B(lab[i]) ? 1 : 0) &&
               !PS__Q_IS_B(lab[j]))
            j++;
        out[k++] = (seg_t){(uint32_t)i, (uint32_t)j};
        i = j;
    }
    return k;
}

/* The cost of attaching X to the cue C. */
static long cost(const ps__qtok_t *s, seg_t x, seg_t c)
{
    long d, sd;
    if (c.a >= x.b) {
        d = (long)c.a - (long)x.b;
        sd = (long)s[c.a].sent - (long)s[x.b - 1].sent;
    } else if (x.a >= c.b) {
        d = (long)x.a - (long)c.b;
        sd = (long)s[x.a].sent - (long)s[c.b - 1].sent;
    } else {
        return 0;
    }
    return d + SENT_COST * sd;
}

/* The first cue starting at or after token T. */
static size_t first_cue_from(const seg_t *cues, size_t nc, uint32_t t)
{
    size_t lo = 0, hi = nc;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (cues[m].a < t)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

/* The best cue for X within MAX, or -1. A content piece does not reach
 * over another content piece to a cue. */
static long best_cue(const ps__qtok_t *s, const seg_t *cues, size_t nc, seg_t x,
                     long max, const seg_t *cons, size_t ncons, size_t xi)
{
    size_t at = first_cue_from(cues, nc, x.a);
    long best = -1, bc = max + 1;
    for (size_t k = at >= NEAR ? at - NEAR : 0; k < nc && k < at + NEAR; k++) {
        long c = cost(s, x, cues[k]);
        if (cons) {
            if (cues[k].a >= x.b && xi + 1 < ncons && cons[xi + 1].b <= cues[k].a)
                continue;
            if (cues[k].b <= x.a && xi > 0 && cons[xi - 1].a >= cues[k].b)
                continue;
        }
        if (c < bc || (c == bc && cues[k].a >= x.b)) {
            bc = c;
            best = (long)k;
        }
    }
    return best;
}

size_t ps__q_group(const ps__qtok_t *s, size_t n, const uint8_t *lab,
                   const float *margin, ps__qattr_t *out)
{
    seg_t *buf = malloc((3 * n + 3) * sizeof *buf);
    long *owner = malloc((n + 1) * sizeof *owner);
    long *slot = malloc((n + 1) * sizeof *slot);
    if (!buf || !owner || !slot) {
        free(buf);
        free(owner);
        free(slot);
        return (size_t)-1;
    }
    seg_t *src = buf, *cue = buf + n + 1, *con = buf + 2 * n + 2;
    size_t ns = segments(lab, n, 1, src), nc = segments(lab, n, 2, cue),
           nt = segments(lab, n, 3, con);
    for (size_t k = 0; k < nc; k++)
        slot[k] = -1;
    size_t na = 0;
    for (size_t t = 0; t < nt; t++) {
        long c = best_cue(s, cue, nc, con[t], MAX_CON_COST, con, nt, t);
        if (c < 0)
            continue;
        if (slot[c] < 0) {
            ps__qattr_t *a = &out[na];
            memset(a, 0, sizeof *a);
            a->cue[0] = cue[c].a;
            a->cue[1] = cue[c].b;
            slot[c] = (long)na++;
        }
        ps__qattr_t *a = &out[slot[c]];
        if (a->ncon < 4) {
            a->con[a->ncon][0] = con[t].a;
            a->con[a->ncon][1] = con[t].b;
            a->ncon++;
        }
    }
    /* Sources: each to its nearest cue that got content. */
    for (size_t k = 0; k < na; k++)
        owner[k] = MAX_SRC_COST + 1;
    for (size_t k = 0; k < nc; k++) {
        if (slot[k] < 0)
            continue;
        ps__qattr_t *a = &out[slot[k]];
        seg_t c = cue[k];
        size_t at = 0, lo = 0, hi = ns;
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2;
            if (src[m].a < c.a)
                lo = m + 1;
            else
                hi = m;
        }
        at = lo;
        for (size_t j = at >= NEAR ? at - NEAR : 0; j < ns && j < at + NEAR;
             j++) {
            long d = cost(s, src[j], c);
            if (d < owner[slot[k]]) {
                owner[slot[k]] = d;
                a->src[0] = src[j].a;
                a->src[1] = src[j].b;
            }
        }
    }
    /* Pieces in text order, and a margin for the confidence. */
    for (size_t k = 0; k < na; k++) {
        ps__qattr_t *a = &out[k];
        for (uint32_t i = 1; i < a->ncon; i++)
            for (uint32_t j = i; j > 0 && a->con[j][0] < a->con[j - 1][0]; j--) {
                uint32_t t0 = a->con[j][0], t1 = a->con[j][1];
                a->con[j][0] = a->con[j - 1][0];
                a->con[j][1] = a->con[j - 1][1];
                a->con[j - 1][0] = t0;
                a->con[j - 1][1] = t1;
            }
        double m = 1e30;
        for (uint32_t i = a->cue[0]; margin && i < a->cue[1]; i++)
            if (margin[i] < m)
                m = margin[i];
        for (uint32_t p = 0; margin && p < a->ncon; p++) {
            uint32_t e = a->con[p][0];
            if (margin[e] < m)
                m = margin[e];
        }
        a->margin = margin ? (float)m : 0;
    }
    free(buf);
    free(owner);
    free(slot);
    return na;
}
