/* Fitting one line of an article into the terminal for psearch's
 * listing: the display width of UTF-8 text (wide and combining characters
 * counted as the terminal counts them), the window of characters shown
 * around the first match, with "…" where the line was cut, and the
 * matches highlighted. No line is ever read or fetched here. */
#include "window.h"

#include <stdlib.h>

#include <utf8proc.h>

#define ELLIPSIS "\xE2\x80\xA6"

/* A line cut into characters: OFF[i] is the byte offset of character i
 * (OFF[N] the length) and CUM[i] the display width of characters 0..i-1,
 * so the width of any run is one subtraction. */
typedef struct cells {
    size_t n;
    size_t *off;
    size_t *cum;
} cells_t;

static void cells_free(cells_t *c)
{
    free(c->off);
    free(c->cum);
}

static int cells_build(cells_t *c, const char *s, size_t len)
{
    c->n = 0;
    c->off = malloc((len + 1) * sizeof *c->off);
    c->cum = malloc((len + 1) * sizeof *c->cum);
    if (!c->off || !c->cum) {
        cells_free(c);
        return -1;
    }
    size_t i = 0, w = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        int cw = 1;
        if (k <= 0) {
            /* An invalid byte stands alone and takes one column. */
            k = 1;
        } else if (cp >= 0x20 && cp != 0x7f) {
            cw = utf8proc_charwidth(cp);
            if (cw < 0)
                cw = 1;
        }
        c->off[c->n] = i;
        c->cum[c->n] = w;
        c->n++;
        i += (size_t)k;
        w += (size_t)cw;
    }
    c->off[c->n] = len;
    c->cum[c->n] = w;
    return 0;
}

/* The index of the character holding byte offset B. */
static size_t cells_at(const cells_t *c, size_t b)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (c->off[mid] <= b)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

size_t window_text_width(const char *s, size_t len)
{
    cells_t c;
    if (cells_build(&c, s, len))
        return len;
    size_t w = c.cum[c.n];
    cells_free(&c);
    return w;
}

/* Writes bytes FROM..TO of S with the parts inside SPANS highlighted.
 * Control characters become spaces: a tab or an escape sequence from an
 * article must not move the cursor or recolour the terminal. */
void window_put_text(FILE *out, const char *s, size_t from, size_t to,
                     const span_t *sp, size_t nsp, int color)
{
    size_t k = 0;
    int on = 0;
    for (size_t i = from; i < to; i++) {
        while (k < nsp && sp[k].end <= i)
            k++;
        int in = k < nsp && sp[k].start <= i;
        if (color && in != on) {
            fputs(in ? C_MATCH : C_OFF, out);
            on = in;
        }
        unsigned char ch = (unsigned char)s[i];
        putc(ch < 0x20 || ch == 0x7f ? ' ' : ch, out);
    }
    if (on)
        fputs(C_OFF, out);
}

/* Chooses the characters LO..HI of the line to show in WIDTH columns,
 * counting one column for each "…" that marks a cut. The first span is
 * put a third of the way in, which leaves room to read on after it. */
static void choose_window(const cells_t *c, const char *s, const span_t *sp,
                          size_t nsp, size_t width, size_t *plo, size_t *phi)
{
#define W(a, b) (c->cum[b] - c->cum[a])
#define FITS(a, b) (W(a, b) + ((a) > 0) + ((b) < c->n) <= width)
    size_t lo = 0, hi = c->n;
    if (width == 0 || W(0, c->n) <= width) {
        *plo = lo;
        *phi = hi;
        return;
    }
    size_t a = 0, b = 0;
    if (nsp) {
        a = cells_at(c, sp[0].start);
        b = sp[0].end >= c->off[c->n] ? c->n : cells_at(c, sp[0].end);
        if (c->off[b] < sp[0].end)
            b++;
    }
    size_t budget = width > 2 ? width - 2 : 1;
    lo = a;
    if (W(a, b) < budget) {
        size_t left = (budget - W(a, b)) / 3;
        while (lo > 0 && W(lo - 1, a) <= left)
            lo--;
        /* Start at a word when the context has one. */
        for (size_t i = lo; lo > 0 && i <= a; i++)
            if (s[c->off[i] - 1] == ' ') {
                lo = i;
                break;
            }
    }
    hi = lo;
    while (hi < c->n && FITS(lo, hi + 1))
        hi++;
    if (hi == lo && hi < c->n)
        hi++; /* always show something */
    /* At the end of the line, give the unused room to the left. */
    while (hi == c->n && lo > 0 && FITS(lo - 1, hi))
        lo--;
    /* End at a word when that loses little. */
    if (hi < c->n) {
        size_t j = hi;
        while (j > b && j + 12 > hi && s[c->off[j]] != ' ')
            j--;
        if (j > b && j > lo && s[c->off[j]] == ' ')
            hi = j;
    }
    *plo = lo;
    *phi = hi;
#undef FITS
#undef W
}

static int span_cmp(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorts SPANS, drops those outside LEN bytes and merges overlaps, so
 * window_put_text() can walk them once. Returns the new count. */
size_t window_spans_normalise(span_t *sp, size_t n, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (sp[i].start >= len || sp[i].end <= sp[i].start)
            continue;
        if (sp[i].end > len)
            sp[i].end = len;
        sp[k++] = sp[i];
    }
    /* qsort's pointer must not be NULL, even for no elements. */
    if (k > 1)
        qsort(sp, k, sizeof *sp, span_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && sp[i].start <= sp[m - 1].end) {
            if (sp[i].end > sp[m - 1].end)
                sp[m - 1].end = sp[i].end;
        } else {
            sp[m++] = sp[i];
        }
    }
    return m;
}

/* Writes LEN bytes of S cut to WIDTH columns (0: uncut) around the first
 * of SPANS, with "…" where it was cut and the spans highlighted. SPANS
 * must be normalised. */
void window_put(FILE *out, const char *s, size_t len, const span_t *sp,
                size_t nsp, size_t width, int color)
{
    cells_t c;
    if (cells_build(&c, s, len)) {
        window_put_text(out, s, 0, len, sp, nsp, color);
        return;
    }
    size_t lo, hi;
    choose_window(&c, s, sp, nsp, width, &lo, &hi);
    if (lo > 0)
        fputs(color ? C_DIM ELLIPSIS C_OFF : ELLIPSIS, out);
    window_put_text(out, s, c.off[lo], c.off[hi], sp, nsp, color);
    if (hi < c.n)
        fputs(color ? C_DIM ELLIPSIS C_OFF : ELLIPSIS, out);
    cells_free(&c);
}
