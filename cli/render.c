/* The output of psearch, from the JSON object of one search. The people's
 * listing looks like grep's: a header per article, then "path:line: text"
 * for every line with a hit, cut to the terminal's width around the first
 * match and highlighted (window.c); machines get JSON Lines or Vim's grep
 * format.
 * Line texts come through a fetch callback, so this file does no I/O but
 * writing, and does the same whatever answered the search. */
#define _GNU_SOURCE /* asprintf */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render.h"
#include "window.h"

/* The narrowest space left for a line's text: on a very narrow terminal a
 * line overflows rather than shrinking to nothing. */
#define MIN_TEXT_WIDTH 24
/* Columns of a title in the header when lines are not cut (into a pipe). */
#define TITLE_MAX 100

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
    k = window_spans_normalise(sp, k, len);
    fputs("    ", out);
    size_t w = o->width ? (size_t)o->width - 4 : 0;
    if (o->width && w < MIN_TEXT_WIDTH)
        w = MIN_TEXT_WIDTH;
    window_put(out, s, len, sp, k, w, o->color);
    putc('\n', out);
    free(sp);
}

/* The columns left for text after PRE columns of a line (0: uncut). */
static size_t text_room(const render_opts_t *o, size_t pre)
{
    if (!o->width)
        return 0;
    return (size_t)o->width > pre + MIN_TEXT_WIDTH ? (size_t)o->width - pre
                                                   : MIN_TEXT_WIDTH;
}

/* A result's header: "3. Title  2025-12-28  path", the title cut to fit.
 * Hit lines are written whole into a pipe, but a title is a heading: one
 * that is really a first paragraph is cut all the same. */
static void put_header(FILE *out, const json_t *r, const char *shown,
                       const render_opts_t *o)
{
    const char *title = str_of(r, "title");
    const char *date = str_of(r, "date");
    char rank[32];
    snprintf(rank, sizeof rank, "%lld.", int_of(r, "rank"));
    size_t fixed = strlen(rank) + 1 + 2 +
                   window_text_width(shown, strlen(shown)) +
                   (date[0] ? strlen(date) + 2 : 0);
    size_t tw = o->width ? text_room(o, fixed) : TITLE_MAX;
    fprintf(out, "%s%s%s ", o->color ? C_BOLD : "", rank,
            o->color ? C_OFF : "");
    if (o->color)
        fputs(C_BOLD, out);
    window_put(out, title[0] ? title : "(untitled)",
               strlen(title[0] ? title : "(untitled)"), NULL, 0, tw, 0);
    if (o->color)
        fputs(C_OFF, out);
    if (date[0])
        fprintf(out, "  %s", date);
    fprintf(out, "  %s%s%s\n", o->color ? C_PATH : "", shown,
            o->color ? C_OFF : "");
}

/* Writes "path:line: ", the start of a grep-like line, and returns the
 * room left on the line for its text. */
static size_t put_line_start(FILE *out, const char *shown, const char *num,
                             const render_opts_t *o)
{
    if (o->color)
        fprintf(out, C_PATH "%s" C_SEP ":" C_LINE "%s" C_SEP ":" C_OFF " ",
                shown, num);
    else
        fprintf(out, "%s:%s: ", shown, num);
    return text_room(o,
                     window_text_width(shown, strlen(shown)) + strlen(num) + 3);
}

/* One grep-like line, "path:line: text", its N hits H highlighted (SP
 * has room for N spans). */
static void put_hit_line(FILE *out, const char *shown, const char *s,
                         size_t len, const hit_t *h, size_t n, span_t *sp,
                         const render_opts_t *o)
{
    size_t k = 0;
    for (size_t m = 0; m < n; m++)
        sp[k++] =
            (span_t){h[m].column - 1, h[m].column - 1 + (size_t)h[m].length};
    k = window_spans_normalise(sp, k, len);
    char num[16];
    snprintf(num, sizeof num, "%u", h[0].line);
    window_put(out, s, len, sp, k, put_line_start(out, shown, num, o),
               o->color);
    putc('\n', out);
}

/* Quote Q's "marks" (the query's words in its content, [start, length]
 * byte ranges) as at most MAX spans into SP; returns how many. */
static size_t quote_marks(const json_t *q, span_t *sp, size_t max)
{
    const json_t *marks = json_object_get(q, "marks"), *m;
    size_t i, k = 0;
    json_array_foreach (marks, i, m) {
        json_int_t at = json_integer_value(json_array_get(m, 0));
        json_int_t len = json_integer_value(json_array_get(m, 1));
        if (k < max && at >= 0 && len > 0)
            sp[k++] = (span_t){(size_t)at, (size_t)at + (size_t)len};
    }
    return k;
}

/* Writes "PATH:LINE: Speaker cue: content" for each quote a said: or
 * quote: query matched in result R (see render_quote_text()), the query's
 * words in it highlighted and, on a narrow line, the content cut around
 * the first of them, the speaker and cue kept; returns how many. */
static size_t put_quotes(FILE *out, const json_t *r, const char *shown,
                         const render_opts_t *o)
{
    const json_t *qs = json_object_get(r, "quotes");
    size_t i;
    const json_t *q;
    json_array_foreach (qs, i, q) {
        size_t at;
        char *s = render_quote_text(q, 1, 1, &at);
        if (!s)
            continue;
        size_t len = strlen(s),
               nm = json_array_size(json_object_get(q, "marks"));
        span_t *sp = nm ? calloc(nm, sizeof *sp) : NULL;
        size_t k =
            sp ? window_spans_normalise(sp, quote_marks(q, sp, nm), len - at)
               : 0;
        char num[32];
        snprintf(num, sizeof num, "%lld", int_of(q, "line"));
        size_t room = put_line_start(out, shown, num, o);
        size_t head = window_text_width(s, at);
        if (k && room && head >= room / 2) {
            /* A long cue ("said, with a passion that almost suggested")
             * or a long path: the speaker alone before the content
             * ("Hillary Clinton: …"), so that the line still says who
             * speaks and shows what was matched. */
            size_t at2;
            char *t = render_quote_text(q, 1, 0, &at2);
            if (t) {
                free(s);
                s = t;
                at = at2;
                len = strlen(s);
                head = window_text_width(s, at);
            }
        }
        if (k && room && head < room / 2) {
            /* The speaker and cue, then the content around its match. */
            window_put_text(out, s, 0, at, NULL, 0, 0);
            window_put(out, s + at, len - at, sp, k, room - head, o->color);
        } else if (k && room) {
            /* Even the speaker takes half the line ("senior officials,
             * including Mark Rutte, the secretary-general of NATO"): it is
             * cut to that half, then the content around its match. */
            window_put(out, s, at, NULL, 0, room / 2, o->color);
            window_put(out, s + at, len - at, sp, k, room - room / 2, o->color);
        } else {
            for (size_t j = 0; j < k; j++) {
                sp[j].start += at;
                sp[j].end += at;
            }
            window_put(out, s, len, sp, k, room, o->color);
        }
        putc('\n', out);
        free(sp);
        free(s);
    }
    return i;
}

/* The possessive ending that SRC, a source's text, gives its speaker
 * WHO: "’s" for "Kerry’s announcement", "’" for "Sanders’ attacks" (as
 * written, straight or curly), "" when SRC is no possessive or is a
 * pronoun's contraction ("he’s predicting" is "he is"). A source that is
 * a possessive pronoun alone ("her nuanced views about free trade") gives
 * the name the typographic possessive, as the line would read written
 * out: "Hillary Clinton’s nuanced views about free trade". */
static const char *possessive_of(const char *src, const char *who, char *buf,
                                 size_t size)
{
    static const char *const apostrophes[] = {"\u2019", "'"};
    static const char *const contracted[] = {"he",    "she",   "it",   "that",
                                             "who",   "there", "what", "here",
                                             "where", "one"};
    static const char *const pronouns[] = {"his", "her", "its", "their"};
    size_t n = strlen(src), wn = strlen(who);
    for (size_t k = 0; k < sizeof pronouns / sizeof *pronouns; k++)
        if (!strcasecmp(src, pronouns[k])) {
            snprintf(buf, size, "%s%s", apostrophes[0],
                     wn && who[wn - 1] == 's' ? "" : "s");
            return buf;
        }
    for (size_t a = 0; a < 2; a++) {
        const char *ap = apostrophes[a];
        size_t an = strlen(ap);
        if (n > an + 1 && src[n - 1] == 's' &&
            !memcmp(src + n - 1 - an, ap, an)) {
            size_t base = n - 1 - an, start = base;
            while (start > 0 && src[start - 1] != ' ')
                start--;
            for (size_t c = 0; c < sizeof contracted / sizeof *contracted; c++)
                if (base - start == strlen(contracted[c]) &&
                    !strncasecmp(src + start, contracted[c], base - start))
                    return "";
            snprintf(buf, size, "%ss", ap);
            return buf;
        }
        if (n > an && !memcmp(src + n - an, ap, an) && src[n - an - 1] == 's') {
            snprintf(buf, size, "%s%s", ap,
                     wn && who[wn - 1] == 's' ? "" : "s");
            return buf;
        }
    }
    return "";
}

/* The length of CUE (LEN bytes) shown before a colon: without a last
 * preposition, which needs an object ("said of", "spoke about"), when a
 * word stays before it. */
static size_t cue_shown(const char *cue, size_t len)
{
    static const char *const needs_object[] = {"of", "about", "to", "on",
                                               "for", "with", "at", "against"};
    size_t w = len;
    while (w > 0 && cue[w - 1] != ' ')
        w--;
    if (w < 2)
        return len;
    for (size_t k = 0; k < sizeof needs_object / sizeof *needs_object; k++)
        if (len - w == strlen(needs_object[k]) &&
            !strncasecmp(cue + w, needs_object[k], len - w))
            return w - 1;
    return len;
}

/* Whether TEXT opens with a quotation mark. */
static int opens_quotation(const char *text)
{
    static const char *const marks[] = {"\"", "'", "\xe2\x80\x9c",
                                        "\xe2\x80\x98", "\xc2\xab"};
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (!strncmp(text, marks[k], strlen(marks[k])))
            return 1;
    return 0;
}

/* Whether the last word of CUE's first LEN bytes is a verb of saying,
 * which a quoted sentence follows after a colon ("said", "has told"). */
static int says(const char *cue, size_t len)
{
    static const char *const verbs[] = {
        "said",      "says",      "say",       "saying",    "added",
        "adds",      "adding",    "told",      "tells",     "wrote",
        "writes",    "asked",     "asks",      "stated",    "states",
        "explained", "explains",  "noted",     "notes",     "declared",
        "tweeted",   "tweets",    "replied",   "replies",   "responded",
        "continued", "continues", "insisted",  "argued",    "argues",
        "warned",    "warns",     "announced", "posted",    "concluded",
        "recalled",  "remarked",  "testified", "acknowledged", "admitted",
        "conceded",  "predicted", "claimed",   "claims",    "stressed",
        "observed",  "quipped",   "joked",     "shouted",   "wondered"};
    size_t w = len;
    while (w > 0 && cue[w - 1] != ' ')
        w--;
    for (size_t k = 0; k < sizeof verbs / sizeof *verbs; k++)
        if (len - w == strlen(verbs[k]) &&
            !strncasecmp(cue + w, verbs[k], len - w))
            return 1;
    return 0;
}

char *render_quote_text(const json_t *q, int show_doubt, int show_cue,
                        size_t *content_at)
{
    const json_t *sp = json_object_get(q, "speaker");
    const char *kind = str_of(q, "speaker_kind");
    const char *who = json_is_object(sp) ? str_of(sp, "name") : NULL;
    const char *src = str_of(q, "source");
    char buf[256], named[256];
    if (who && who[0]) {
        /* "Mr. Comey’s most surprising suggestion was": the speaker's
         * name keeps the source's possessive. */
        char ending[8];
        int according = !strncasecmp(str_of(q, "cue"), "according to", 12);
        snprintf(named, sizeof named, "%s%s", who,
                 according ? ""
                           : possessive_of(src, who, ending, sizeof ending));
        who = named;
    } else {
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
    if (show_doubt && conf < 0.5)
        snprintf(note, sizeof note, "  (confidence %.2f)", conf);
    char *s = NULL;
    const char *cue = str_of(q, "cue");
    /* "according to" reads before its source, not after; a cue of
     * punctuation alone (a colon, a dash) is the colon the line prints,
     * not "Rubio :: ...". */
    int before = show_cue && !strncasecmp(cue, "according to", 12), words = 0;
    for (const char *c = cue; show_cue && *c && !words; c++)
        words = isalnum((unsigned char)*c);
    const char *content = str_of(q, "content");
    /* Reported speech runs on from its verb ("Comey said that ...",
     * "Comey predicting a win", "Comey called Clinton's use of email
     * “extremely careless”", "Comey found “evidence” that ..."); a
     * whole quotation, or words that start as a sentence after a verb of
     * saying ("Comey said: We assess ..."), follow a colon, unless the
     * cue ends in one ("said:"). Before the
     * colon, a cue's last preposition, which asks for the words the
     * attribution leaves out ("“His behavior was deplorable,” Sanders
     * said of Bill Clinton"), is left out: "Bernie Sanders said: “…”". */
    size_t cl = strlen(cue);
    int colon = 0;
    if (!(cl && cue[cl - 1] == ':')) {
        size_t shown = cue_shown(cue, cl);
        colon = !strcmp(str_of(q, "kind"), "direct") ||
                (!opens_quotation(content) &&
                 (isupper((unsigned char)content[0]) ||
                  (unsigned char)content[0] >= 0x80) &&
                 says(cue, shown));
        if (colon)
            cl = shown;
    }
    const char *sep = colon ? ": " : " ";
    int rc = before ? asprintf(&s, "According to %s, %s%s", who, content, note)
             : words
                 ? asprintf(&s, "%s %.*s%s%s%s", who, (int)cl, cue, sep,
                            content, note)
                 : asprintf(&s, "%s: %s%s", who, content, note);
    if (rc < 0)
        return NULL;
    if (content_at)
        *content_at = (size_t)rc - strlen(note) - strlen(content);
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
    put_header(out, r, shown, o);
    if (json_array_size(json_object_get(r, "quotes")) &&
        put_quotes(out, r, shown, o))
        return;
    hit_t *h;
    size_t n = collect_hits(r, &h);
    lines_t L;
    lines_fetch(&L, o, r, path, h, n);
    size_t printed = 0;
    span_t *sp = n ? calloc(n, sizeof *sp) : NULL;
    for (size_t i = 0, j; sp && i < n; i = j) {
        for (j = i; j < n && h[j].line == h[i].line;)
            j++;
        const char *s;
        size_t len;
        if (lines_get(&L, h[i].line, &s, &len) == 0) {
            put_hit_line(out, shown, s, len, h + i, j - i, sp, o);
            printed++;
        }
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
        window_put_text(out, s, 0, len, NULL, 0, 0);
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
            size_t w = window_text_width(name, strlen(name));
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
                    (int)(namew - window_text_width(name, strlen(name))), "",
                    docs, docs == 1 ? "article" : "articles", men,
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

/* --json: one line per result (none with --count), then the summary,
 * the search's own object without its results. Returns 0, -1 when a
 * write failed, -2 when out of memory (errno ENOMEM). */
static int json_result(FILE *out, const json_t *res, const render_opts_t *o)
{
    const json_t *results = json_object_get(res, "results");
    int rc = 0;
    for (size_t i = 0; i < json_array_size(results) && !rc && !o->count; i++)
        rc = put_json_line(out, json_array_get(results, i));
    json_t *sum = json_copy((json_t *)res);
    if (!sum) {
        errno = ENOMEM;
        return -2;
    }
    json_object_del(sum, "results");
    if (!rc)
        rc = put_json_line(out, sum);
    json_decref(sum);
    return rc;
}

/* The people's listing: each result, then the facets. */
static void human_results(FILE *out, const json_t *res, const render_opts_t *o)
{
    const json_t *results = json_object_get(res, "results");
    const json_t *facets = json_object_get(res, "facets");
    size_t n = json_array_size(results);
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
}

/* Writes "psearch: warning: WHAT: a b c" for the strings of LIST, when
 * it has any. */
static void warn_list(FILE *err, const char *what, const json_t *list)
{
    size_t k;
    json_t *m;
    fprintf(err, "psearch: warning: %s", what);
    json_array_foreach (list, k, m)
        fprintf(err, " %s", json_string_value(m));
    putc('\n', err);
}

/* What the listing must not leave unsaid, in every mode, on ERR: results
 * from some shards only, paths held by several shards, the relaxed form,
 * and the spelling suggestion. */
static void put_notes(FILE *err, const json_t *res)
{
    if (json_is_true(json_object_get(res, "partial")))
        warn_list(err, "partial results; no answer from",
                  json_object_get(res, "missing_shards"));
    /* Nodes indexed apart that hold files of the same path. */
    json_t *dups = json_object_get(res, "duplicate_paths");
    if (json_array_size(dups))
        warn_list(err, "paths indexed by more than one shard:", dups);
    /* The relaxed form answered: say so, and how to ask for every word. */
    int relaxed = json_is_true(json_object_get(res, "relaxed"));
    if (relaxed)
        fprintf(err, "psearch: relaxed: ranked by relevance over the articles "
                     "with most of the words (join them with AND to require "
                     "every one)\n");
    const char *sugg = json_string_value(json_object_get(res, "suggestion"));
    if ((int_of(res, "total") == 0 || relaxed) && sugg && sugg[0])
        fprintf(err, "Did you mean: %s?\n", sugg);
}

int render_result(const json_t *res, const render_opts_t *o, FILE *out,
                  FILE *err)
{
    const json_t *results = json_object_get(res, "results");
    const json_t *facets = json_object_get(res, "facets");
    int rc = 0;
    switch (o->mode) {
    case RENDER_COUNT:
        fprintf(out, "%lld\n", int_of(res, "total"));
        if (o->facets && json_is_object(facets))
            put_facets(out, facets, o);
        break;
    case RENDER_JSON:
        if ((rc = json_result(out, res, o)) == -2)
            return -1;
        break;
    case RENDER_VIMGREP:
        for (size_t i = 0; i < json_array_size(results); i++)
            vimgrep_result(out, json_array_get(results, i), o);
        break;
    case RENDER_HUMAN:
        human_results(out, res, o);
        break;
    }
    put_notes(err, res);
    if (o->mode == RENDER_HUMAN) {
        fflush(out);
        put_footer(err, res, json_array_size(results));
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
    window_put_text(err, query, 0, len, NULL, 0, 0);
    putc('\n', err);
    if (pos < 0)
        return;
    if ((size_t)pos > len)
        pos = (long)len;
    fprintf(err, "  %*s%s^%s\n", (int)window_text_width(query, (size_t)pos), "",
            color ? C_CARET : "", color ? C_OFF : "");
}
