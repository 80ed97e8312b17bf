/* Reads the parts of an article: optional front matter, title and body
 * offset, and rejects binary or non-UTF-8 content with the offending byte's
 * offset so the indexer can name it in its warning. */
#include <stdint.h>
#include <string.h>

#include "psearch/article.h"
#include "base/util.h"

/* Front matter longer than this is taken to be body text that happens to
 * start with a rule line. */
#define MAX_FRONT_LINES 64

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

/* Trims ASCII white space from both ends of [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
    while (*n > 0 && is_space(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*p)[*n - 1]))
        (*n)--;
}

static void set_span(ps_span_t *s, const char *base, const char *p, size_t n)
{
    s->ptr = n ? p : NULL;
    s->len = n;
    s->offset = n ? (size_t)(p - base) : 0;
}

/* Whether [p, p+n) is "---" with optional trailing white space. */
static int is_rule(const char *p, size_t n)
{
    trim(&p, &n);
    return n == 3 && memcmp(p, "---", 3) == 0;
}

static int digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* Fills date_key from "YYYY-MM-DD..." when the month and day are
 * plausible; anything else leaves it empty, so a bad date never filters. */
static void parse_date(ps_article_t *a)
{
    const char *p = a->date.ptr;
    a->date_key[0] = '\0';
    if (a->date.len < 10 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) ||
        p[7] != '-' || !digits(p + 8, 2))
        return;
    if (a->date.len > 10 && p[10] != 'T' && p[10] != ' ')
        return;
    int month = (p[5] - '0') * 10 + (p[6] - '0');
    int day = (p[8] - '0') * 10 + (p[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return;
    memcpy(a->date_key, p, 4);
    memcpy(a->date_key + 4, p + 5, 2);
    memcpy(a->date_key + 6, p + 8, 2);
    a->date_key[8] = '\0';
}

/* Reads "key: value" lines between the two rules. Returns the offset just
 * after the closing rule's line, or 0 when there is no complete block. */
static size_t parse_front(const char *text, size_t len, ps_article_t *a)
{
    const char *end = text + len;
    const char *nl = memchr(text, '\n', len);
    if (!nl || !is_rule(text, (size_t)(nl - text)))
        return 0;
    ps_article_t tmp = *a;
    const char *line = nl + 1;
    for (int n = 0; n < MAX_FRONT_LINES && line < end; n++) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        size_t llen = eol ? (size_t)(eol - line) : (size_t)(end - line);
        const char *next = eol ? eol + 1 : end;
        if (is_rule(line, llen)) {
            *a = tmp;
            return (size_t)(next - text);
        }
        const char *colon = memchr(line, ':', llen);
        if (colon) {
            const char *k = line, *v = colon + 1;
            size_t kn = (size_t)(colon - line);
            size_t vn = llen - kn - 1;
            trim(&k, &kn);
            trim(&v, &vn);
            /* Values may be quoted, as YAML allows. */
            if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
                v++;
                vn -= 2;
            }
            ps_span_t *dst = NULL;
            if (kn == 5 && memcmp(k, "title", 5) == 0)
                dst = &tmp.title;
            else if (kn == 4 && memcmp(k, "date", 4) == 0)
                dst = &tmp.date;
            else if (kn == 6 && memcmp(k, "source", 6) == 0)
                dst = &tmp.source;
            else if (kn == 3 && memcmp(k, "url", 3) == 0)
                dst = &tmp.url;
            if (dst)
                set_span(dst, text, v, vn);
        }
        line = next;
    }
    return 0;
}

/* Finds the next line with text from *P on: its trimmed text in *S and
 * *N, *P moved past it. Returns 0 at the end of the text. */
static int next_line(const char **p, const char *end, const char **s, size_t *n)
{
    while (*p < end) {
        const char *eol = memchr(*p, '\n', (size_t)(end - *p));
        *s = *p;
        *n = eol ? (size_t)(eol - *p) : (size_t)(end - *p);
        *p = eol ? eol + 1 : end;
        trim(s, n);
        if (*n)
            return 1;
    }
    return 0;
}

/* Words of [P, P+N) separated by white space: how many, and whether one
 * starts with a lower-case ASCII letter or is a common English verb. */
static size_t count_words(const char *p, size_t n, int *lower, int *verb)
{
    /* Headlines say what happened with these; labels never do. */
    static const char *const verbs[] = {
        "is",   "are",   "was",  "were",  "be",    "been", "has",
        "have", "had",   "does", "did",   "do",    "says", "said",
        "will", "would", "can",  "could", "may",   "must", "should",
        "wins", "won",   "gets", "got",   "makes", "made", "takes"};
    size_t words = 0;
    *lower = *verb = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && is_space(p[i]))
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && !is_space(p[i]))
            i++;
        words++;
        if (p[start] >= 'a' && p[start] <= 'z')
            *lower = 1;
        for (size_t k = 0; k < PS_COUNT(verbs); k++) {
            size_t vl = strlen(verbs[k]);
            if (vl != i - start)
                continue;
            size_t c = 0;
            while (c < vl && (p[start + c] | 0x20) == verbs[k][c])
                c++;
            if (c == vl)
                *verb = 1;
        }
    }
    return words;
}

/* Whether a first line is a section label ("US Politics", "Blog", "SOUTH
 * VIET NAM") rather than a headline: at most LABEL_WORDS words, each
 * capitalised, no common verb, no final punctuation. */
#define LABEL_WORDS 4
#define LABEL_BYTES 40
static int is_label(const char *p, size_t n)
{
    int lower, verb;
    if (n > LABEL_BYTES || strchr(".!?:;,\"'", p[n - 1]))
        return 0;
    size_t w = count_words(p, n, &lower, &verb);
    return w && w <= LABEL_WORDS && !lower && !verb;
}

/* Whether the line after a label reads as its headline: longer than the
 * label, not a paragraph (at most HEADLINE_WORDS words, no final full
 * stop). */
#define HEADLINE_WORDS 30
static int is_headline(const char *p, size_t n, size_t label_len)
{
    int lower, verb;
    if (n <= label_len || p[n - 1] == '.')
        return 0;
    return count_words(p, n, &lower, &verb) <= HEADLINE_WORDS;
}

/* Checks the whole buffer is UTF-8 without NUL bytes. */
static ps_status_t check_text(const char *text, size_t len, size_t *bad)
{
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        *bad = (size_t)(nul - text);
        return PS_EBINARY;
    }
    if (!ps__utf8_valid(text, len, bad))
        return PS_EBADUTF8;
    return PS_OK;
}

ps_status_t ps_article_parse(const char *text, size_t len, ps_article_t *out,
                             size_t *bad_offset)
{
    size_t bad = 0;
    memset(out, 0, sizeof *out);
    ps_status_t st = check_text(text, len, &bad);
    if (st != PS_OK) {
        if (bad_offset)
            *bad_offset = bad;
        return st;
    }
    /* A UTF-8 byte-order mark is not text. */
    size_t start = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    size_t body = parse_front(text + start, len - start, out);
    /* parse_front() saw offsets relative to START; rebase them. */
    if (body) {
        ps_span_t *spans[] = {&out->title, &out->date, &out->source, &out->url};
        for (size_t i = 0; i < PS_COUNT(spans); i++)
            if (spans[i]->len)
                spans[i]->offset += start;
        body += start;
    } else {
        body = start;
    }
    out->body_offset = body;
    if (!out->title.len) {
        const char *p = text + body, *end = text + len, *s;
        size_t n;
        if (next_line(&p, end, &s, &n)) {
            set_span(&out->title, text, s, n);
            /* A section label first: the headline follows it. */
            const char *h;
            size_t hn;
            if (is_label(s, n) && next_line(&p, end, &h, &hn) &&
                is_headline(h, hn, n))
                set_span(&out->title, text, h, hn);
        }
    }
    if (out->date.len)
        parse_date(out);
    return PS_OK;
}
