/* The output of psearch, from the JSON object of one search. The people's
 * listing looks like grep's: a header per article, then "path:line: text"
 * for every line with a hit, cut to the terminal's width around the first
 * match and highlighted; machines get JSON Lines or Vim's grep format.
 * Line texts come through a fetch callback, so this file does no I/O but
 * writing, and does the same whatever answered the search. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "render.h"

/* The colours of GNU grep's defaults, so the listing reads the same. */
#define C_MATCH "\033[1;31m"
#define C_PATH "\033[35m"
#define C_LINE "\033[32m"
#define C_SEP "\033[36m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_CARET "\033[1;32m"
#define C_OFF "\033[0m"

#define ELLIPSIS "\xE2\x80\xA6"

/* The narrowest space left for a line's text: on a very narrow terminal a
 * line overflows rather than shrinking to nothing. */
#define MIN_TEXT_WIDTH 24
/* Columns of a title in the header when lines are not cut (into a pipe). */
#define TITLE_MAX 100

typedef struct span {
    size_t start, end; /* byte offsets, END exclusive */
} span_t;

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

static size_t text_width(const char *s, size_t len)
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
static void put_text(FILE *out, const char *s, size_t from, size_t to,
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
 * put_text() can walk them once. Returns the new count. */
static size_t spans_normalise(span_t *sp, size_t n, size_t len)
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
static void put_window(FILE *out, const char *s, size_t len, const span_t *sp,
                       size_t nsp, size_t width, int color)
{
    cells_t c;
    if (cells_build(&c, s, len)) {
        put_text(out, s, 0, len, sp, nsp, color);
        return;
    }
    size_t lo, hi;
    choose_window(&c, s, sp, nsp, width, &lo, &hi);
    if (lo > 0)
        fputs(color ? C_DIM ELLIPSIS C_OFF : ELLIPSIS, out);
    put_text(out, s, c.off[lo], c.off[hi], sp, nsp, color);
    if (hi < c.n)
        fputs(color ? C_DIM ELLIPSIS C_OFF : ELLIPSIS, out);
    cells_free(&c);
}

static const char *str_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static long long int_of(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_real(v))
        return (long long)json_real_value(v);
    return 0;
}

/* PATH relative to the current directory when it lies under it, as grep
 * shows paths the way they were given; absolute otherwise. */
static const char *show_path(const char *path, const char *cwd)
{
    if (!cwd || !cwd[0])
        return path;
    size_t n = strlen(cwd);
    if (n == 1 && cwd[0] == '/')
        return path[0] == '/' && path[1] ? path + 1 : path;
    if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        return path + n + 1;
    return path;
}

/* One hit, as the engine gives it: 1-based line and byte column. */
typedef struct hit {
    unsigned line, column, length;
} hit_t;

static int hit_cmp(const void *a, const void *b)
{
    const hit_t *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->column < y->column ? -1 : x->column > y->column;
}

/* The hits of result R, sorted by line then column; hits without a line
 * are skipped. The caller frees *OUT. */
static size_t collect_hits(const json_t *r, hit_t **out)
{
    const json_t *hits = json_object_get(r, "hits");
    size_t n = json_array_size(hits), k = 0;
    *out = NULL;
    if (!n || !(*out = calloc(n, sizeof **out)))
        return 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *h = json_array_get(hits, i);
        long long line = int_of(h, "line"), col = int_of(h, "column");
        long long len = int_of(h, "length");
        if (line < 1 || line > UINT32_MAX || col < 1 || col > UINT32_MAX ||
            len < 0 || len > UINT32_MAX)
            continue;
        (*out)[k++] = (hit_t){(unsigned)line, (unsigned)col, (unsigned)len};
    }
    qsort(*out, k, sizeof **out, hit_cmp);
    return k;
}

/* The text of a result's hit lines: the "lines" the answer carries, or
 * else fetched once per result. */
typedef struct lines {
    const json_t *given; /* the result's "lines": {"N": text} */
    json_t *doc;
    const char *text;
    size_t len;
    unsigned first;
} lines_t;

static void lines_fetch(lines_t *L, const render_opts_t *o, const json_t *r,
                        const char *path, const hit_t *h, size_t n)
{
    memset(L, 0, sizeof *L);
    const json_t *given = json_object_get(r, "lines");
    if (json_is_object(given)) {
        L->given = given;
        return;
    }
    if (!n || !o->fetch)
        return;
    L->doc = o->fetch(o->fetch_ctx, path, h[0].line, h[n - 1].line);
    const json_t *t = json_object_get(L->doc, "text");
    if (!json_is_string(t)) {
        json_decref(L->doc);
        L->doc = NULL;
        return;
    }
    L->text = json_string_value(t);
    L->len = json_string_length(t);
    long long first = int_of(L->doc, "first_line");
    L->first = first >= 1 && first <= UINT32_MAX ? (unsigned)first : 1;
}

/* Finds line LINE in the fetched text: its start and length without the
 * line break. Returns -1 when the text does not reach it. */
static int lines_get(const lines_t *L, unsigned line, const char **s,
                     size_t *len)
{
    if (L->given) {
        char key[16];
        snprintf(key, sizeof key, "%u", line);
        const json_t *t = json_object_get(L->given, key);
        if (!json_is_string(t))
            return -1;
        *s = json_string_value(t);
        *len = json_string_length(t);
        return 0;
    }
    if (!L->text || line < L->first)
        return -1;
    const char *p = L->text, *end = L->text + L->len;
    for (unsigned i = L->first; i < line; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && p[n - 1] == '\r')
        n--;
    if (!nl && n == 0 && p == end && line != L->first)
        return -1;
    *s = p;
    *len = n;
    return 0;
}

static void lines_free(lines_t *L)
{
    json_decref(L->doc);
}

/* Writes the snippet of R with its marks, as the one line shown for a
 * result that has no hit lines (a title: or path: match). */
static void put_snippet(FILE *out, const json_t *r, const render_opts_t *o)
{
    const json_t *js = json_object_get(r, "snippet");
    const char *s = json_string_value(js);
    if (!s || !s[0])
        return;
    size_t len = json_string_length(js);
    const json_t *marks = json_object_get(r, "marks");
    size_t n = json_array_size(marks), k = 0;
    span_t *sp = n ? calloc(n, sizeof *sp) : NULL;
    for (size_t i = 0; sp && i < n; i++) {
        const json_t *m = json_array_get(marks, i);
        json_int_t st = json_integer_value(json_array_get(m, 0));
        json_int_t ln = json_integer_value(json_array_get(m, 1));
        if (st < 0 || ln <= 0)
            continue;
        sp[k++] = (span_t){(size_t)st, (size_t)st + (size_t)ln};
    }
    k = spans_normalise(sp, k, len);
    fputs("    ", out);
    size_t w = o->width ? (size_t)o->width - 4 : 0;
    if (o->width && w < MIN_TEXT_WIDTH)
        w = MIN_TEXT_WIDTH;
    put_window(out, s, len, sp, k, w, o->color);
    putc('\n', out);
    free(sp);
}

/* Writes "PATH:LINE: Speaker cue: content" for each quote a said: or
 * quote: query matched in result R (see render_quote_text()); returns how
 * many. */
static size_t put_quotes(FILE *out, const json_t *r, const char *shown,
                         const render_opts_t *o)
{
    const json_t *qs = json_object_get(r, "quotes");
    size_t i;
    const json_t *q;
    json_array_foreach (qs, i, q) {
        char *s = render_quote_text(q);
        if (!s)
            continue;
        char num[32];
        snprintf(num, sizeof num, "%lld", int_of(q, "line"));
        if (o->color)
            fprintf(out, C_PATH "%s" C_SEP ":" C_LINE "%s" C_SEP ":" C_OFF " ",
                    shown, num);
        else
            fprintf(out, "%s:%s: ", shown, num);
        size_t w = 0;
        if (o->width) {
            size_t pre = text_width(shown, strlen(shown)) + strlen(num) + 3;
            w = (size_t)o->width > pre + MIN_TEXT_WIDTH
                    ? (size_t)o->width - pre
                    : MIN_TEXT_WIDTH;
        }
        put_window(out, s, strlen(s), NULL, 0, w, 0);
        putc('\n', out);
        free(s);
    }
    return i;
}

char *render_quote_text(const json_t *q)
{
    const json_t *sp = json_object_get(q, "speaker");
    const char *kind = str_of(q, "speaker_kind");
    const char *who = json_is_object(sp) ? str_of(sp, "name") : NULL;
    const char *src = str_of(q, "source");
    char buf[256];
    if (!who || !who[0]) {
        /* Never a guess: an unresolved speaker says so. */
        if (!strcmp(kind, "pronoun"))
            snprintf(buf, sizeof buf, "%s (unresolved)", src);
        else if (!strcmp(kind, "unnamed"))
            snprintf(buf, sizeof buf, "%s (unnamed)", src);
        else
            snprintf(buf, sizeof buf, "(no source)");
        who = buf;
    }
    double conf = json_real_value(json_object_get(q, "confidence"));
    char note[48] = "";
    if (conf < 0.5)
        snprintf(note, sizeof note, "  (confidence %.2f)", conf);
    char *s = NULL;
    const char *cue = str_of(q, "cue");
    /* "according to" reads before its source, not after. */
    int before = !strncasecmp(cue, "according to", 12);
    if ((before ? asprintf(&s, "According to %s: %s%s", who,
                           str_of(q, "content"), note)
                : asprintf(&s, "%s %s: %s%s", who, cue, str_of(q, "content"),
                           note)) < 0)
        return NULL;
    /* One line: a quote that runs over a line break is shown on one. */
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return s;
}

/* The people's form of one result: a header line, then one grep-like line
 * per line with hits, all its matches highlighted; for a said: or quote:
 * query, one line per matching quote instead. */
static void human_result(FILE *out, const json_t *r, const render_opts_t *o)
{
    const char *path = str_of(r, "path");
    const char *shown = show_path(path, o->cwd);
    const char *title = str_of(r, "title");
    const char *date = str_of(r, "date");
    char rank[32];
    snprintf(rank, sizeof rank, "%lld.", int_of(r, "rank"));

    /* Header: "3. Title  2025-12-28  path", the title cut to fit. */
    size_t fixed = strlen(rank) + 1 + 2 + text_width(shown, strlen(shown)) +
                   (date[0] ? strlen(date) + 2 : 0);
    /* Hit lines are written whole into a pipe, but a title is a heading:
     * one that is really a first paragraph is cut all the same. */
    size_t tw = TITLE_MAX;
    if (o->width) {
        tw = (size_t)o->width > fixed + MIN_TEXT_WIDTH
                 ? (size_t)o->width - fixed
                 : MIN_TEXT_WIDTH;
    }
    fprintf(out, "%s%s%s ", o->color ? C_BOLD : "", rank,
            o->color ? C_OFF : "");
    if (o->color)
        fputs(C_BOLD, out);
    put_window(out, title[0] ? title : "(untitled)",
               strlen(title[0] ? title : "(untitled)"), NULL, 0, tw, 0);
    if (o->color)
        fputs(C_OFF, out);
    if (date[0])
        fprintf(out, "  %s", date);
    fprintf(out, "  %s%s%s\n", o->color ? C_PATH : "", shown,
            o->color ? C_OFF : "");

    if (json_array_size(json_object_get(r, "quotes")) &&
        put_quotes(out, r, shown, o))
        return;
    hit_t *h;
    size_t n = collect_hits(r, &h);
    lines_t L;
    lines_fetch(&L, o, r, path, h, n);
    size_t printed = 0;
    span_t *sp = n ? calloc(n, sizeof *sp) : NULL;
    for (size_t i = 0; sp && i < n;) {
        size_t j = i;
        while (j < n && h[j].line == h[i].line)
            j++;
        const char *s;
        size_t len;
        if (lines_get(&L, h[i].line, &s, &len) == 0) {
            size_t k = 0;
            for (size_t m = i; m < j; m++)
                sp[k++] = (span_t){h[m].column - 1,
                                   h[m].column - 1 + (size_t)h[m].length};
            k = spans_normalise(sp, k, len);
            char num[16];
            snprintf(num, sizeof num, "%u", h[i].line);
            if (o->color)
                fprintf(out,
                        C_PATH "%s" C_SEP ":" C_LINE "%s" C_SEP ":" C_OFF " ",
                        shown, num);
            else
                fprintf(out, "%s:%s: ", shown, num);
            size_t w = 0;
            if (o->width) {
                size_t pre = text_width(shown, strlen(shown)) + strlen(num) + 3;
                w = (size_t)o->width > pre + MIN_TEXT_WIDTH
                        ? (size_t)o->width - pre
                        : MIN_TEXT_WIDTH;
            }
            put_window(out, s, len, sp, k, w, o->color);
            putc('\n', out);
            printed++;
        }
        i = j;
    }
    /* Without hit lines (a title:, path: or date: match, or a document
     * whose text could not be read) the snippet says why it matched. */
    if (!printed)
        put_snippet(out, r, o);
    free(sp);
    lines_free(&L);
    free(h);
}

/* Vim's grep format: "path:line:column:text" per hit, the whole line. */
static void vimgrep_result(FILE *out, const json_t *r, const render_opts_t *o)
{
    const char *path = str_of(r, "path");
    const char *shown = show_path(path, o->cwd);
    hit_t *h;
    size_t n = collect_hits(r, &h);
    lines_t L;
    lines_fetch(&L, o, r, path, h, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = "";
        size_t len = 0;
        lines_get(&L, h[i].line, &s, &len);
        fprintf(out, "%s:%u:%u:", shown, h[i].line, h[i].column);
        put_text(out, s, 0, len, NULL, 0, 0);
        putc('\n', out);
    }
    lines_free(&L);
    free(h);
}

static void put_facets(FILE *out, const json_t *facets, const render_opts_t *o)
{
    const char *type;
    const json_t *list;
    size_t namew = 0;
    json_object_foreach ((json_t *)facets, type, list) {
        size_t i;
        const json_t *f;
        json_array_foreach (list, i, f) {
            const char *name = str_of(f, "name");
            size_t w = text_width(name, strlen(name));
            if (w > namew)
                namew = w;
        }
    }
    json_object_foreach ((json_t *)facets, type, list) {
        if (!json_array_size(list))
            continue;
        fprintf(out, "%s%s%s\n", o->color ? C_BOLD : "", type,
                o->color ? C_OFF : "");
        size_t i;
        const json_t *f;
        /* "quoted" counts quotes; the entity types count mentions. */
        int quoted = !strcmp(type, "quoted");
        json_array_foreach (list, i, f) {
            const char *name = str_of(f, "name");
            long long docs = int_of(f, "docs");
            long long men = int_of(f, quoted ? "quotes" : "mentions");
            fprintf(out, "  %s%*s  %4lld %-8s %5lld %s\n", name,
                    (int)(namew - text_width(name, strlen(name))), "", docs,
                    docs == 1 ? "article" : "articles", men,
                    quoted ? (men == 1 ? "quote" : "quotes")
                           : (men == 1 ? "mention" : "mentions"));
        }
    }
}

static void put_elapsed(FILE *err, long long us)
{
    if (us < 10000)
        fprintf(err, "%.1f ms", us / 1000.0);
    else if (us < 1000000)
        fprintf(err, "%.0f ms", us / 1000.0);
    else
        fprintf(err, "%.2f s", us / 1e6);
}

/* "3 of 3 matches (0.4 ms)": what the page shows of how many. */
static void put_footer(FILE *err, const json_t *res, size_t shown)
{
    long long total = int_of(res, "total"), off = int_of(res, "offset");
    const json_t *exact = json_object_get(res, "total_exact");
    const char *about = json_is_false(exact) ? "about " : "";
    const char *noun = total == 1 && !about[0] ? "match" : "matches";
    if (total == 0)
        fputs("no matches", err);
    else if (shown == 0)
        fprintf(err, "none of %s%lld %s past the first %lld", about, total,
                noun, off);
    else if (off == 0)
        fprintf(err, "%zu of %s%lld %s", shown, about, total, noun);
    else
        fprintf(err, "%lld\xE2\x80\x93%lld of %s%lld %s", off + 1,
                off + (long long)shown, about, total, noun);
    fputs(" (", err);
    put_elapsed(err, int_of(res, "elapsed_us"));
    fputs(")\n", err);
}

static int put_json_line(FILE *out, const json_t *v)
{
    /* Compact, in the engine's key order, with UTF-8 left as it is. */
    if (json_dumpf(v, out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        return -1;
    return putc('\n', out) == EOF ? -1 : 0;
}

int render_result(const json_t *res, const render_opts_t *o, FILE *out,
                  FILE *err)
{
    const json_t *results = json_object_get(res, "results");
    const json_t *facets = json_object_get(res, "facets");
    size_t n = json_array_size(results);
    int rc = 0;

    switch (o->mode) {
    case RENDER_COUNT:
        fprintf(out, "%lld\n", int_of(res, "total"));
        if (o->facets && json_is_object(facets))
            put_facets(out, facets, o);
        break;
    case RENDER_JSON: {
        for (size_t i = 0; i < n && !rc && !o->count; i++)
            rc = put_json_line(out, json_array_get(results, i));
        /* The summary is the search's own object without its results. */
        json_t *sum = json_copy((json_t *)res);
        if (!sum) {
            errno = ENOMEM;
            return -1;
        }
        json_object_del(sum, "results");
        if (!rc)
            rc = put_json_line(out, sum);
        json_decref(sum);
        break;
    }
    case RENDER_VIMGREP:
        for (size_t i = 0; i < n; i++)
            vimgrep_result(out, json_array_get(results, i), o);
        break;
    case RENDER_HUMAN:
        for (size_t i = 0; i < n; i++) {
            if (i)
                putc('\n', out);
            human_result(out, json_array_get(results, i), o);
        }
        if (o->facets && json_object_size(facets)) {
            if (n)
                putc('\n', out);
            put_facets(out, facets, o);
        }
        break;
    }
    /* Results from some shards only: say so in every mode, on stderr. */
    json_t *missing = json_object_get(res, "missing_shards");
    if (json_is_true(json_object_get(res, "partial"))) {
        fprintf(err, "psearch: warning: partial results; no answer from");
        size_t k;
        json_t *m;
        json_array_foreach (missing, k, m)
            fprintf(err, " %s", json_string_value(m));
        putc('\n', err);
    }
    /* Nodes indexed apart that hold files of the same path. */
    json_t *dups = json_object_get(res, "duplicate_paths");
    if (json_array_size(dups)) {
        fprintf(err, "psearch: warning: paths indexed by more than one "
                     "shard:");
        size_t k;
        json_t *m;
        json_array_foreach (dups, k, m)
            fprintf(err, " %s", json_string_value(m));
        putc('\n', err);
    }
    /* The relaxed form answered: say so, and how to ask for every word. */
    int relaxed = json_is_true(json_object_get(res, "relaxed"));
    if (relaxed)
        fprintf(err, "psearch: relaxed: ranked by relevance over the articles "
                     "with most of the words (join them with AND to require "
                     "every one)\n");
    const char *sugg = json_string_value(json_object_get(res, "suggestion"));
    if ((int_of(res, "total") == 0 || relaxed) && sugg && sugg[0])
        fprintf(err, "Did you mean: %s?\n", sugg);
    if (o->mode == RENDER_HUMAN) {
        fflush(out);
        put_footer(err, res, n);
    }
    if (fflush(out) != 0 || ferror(out))
        rc = -1;
    return rc;
}

void render_query_error(FILE *err, const char *query, const char *msg, long pos,
                        int color)
{
    fprintf(err, "psearch: malformed query: %s\n", msg);
    size_t len = strlen(query);
    fputs("  ", err);
    put_text(err, query, 0, len, NULL, 0, 0);
    putc('\n', err);
    if (pos < 0)
        return;
    if ((size_t)pos > len)
        pos = (long)len;
    fprintf(err, "  %*s%s^%s\n", (int)text_width(query, (size_t)pos), "",
            color ? C_CARET : "", color ? C_OFF : "");
}
