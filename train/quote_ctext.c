/* Unlabelled text for the quote model's word classes (quote_train
 * --cluster-text): each file's articles are analysed exactly as the quote
 * step analyses an article (article parsing, the analyzer, the quote
 * sequence) and their stems appended to the stream the exchange algorithm
 * clusters, a 0 before each sentence. Three formats, told apart by their
 * first line: JSON Lines with a "text" per line (PolNeAR's), CoNLL-2003
 * columns (the first column's tokens, a blank line between sentences,
 * -DOCSTART- between documents; its first line a row of four columns
 * ending in a tag) and the SMART collections' articles
 * (TIME.ALL: each after a line "*TEXT ..."). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"
#include "psearch/article.h"
#include "quote_train.h"

/* A growing byte buffer: the text of the article being read. */
typedef struct buf {
    char *p;
    size_t n, cap;
} buf_t;

static int buf_add(buf_t *b, const char *s, size_t n)
{
    if (ps__grow(&b->p, &b->cap, b->n + n + 1, 1))
        return -1;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

/* Appends the stems of TEXT's words to S, a 0 before each sentence. */
static int add_article(qctext_t *s, qprep_t *p, const char *text, size_t len)
{
    ps_article_t art;
    size_t bad = 0;
    const ps_token_t *tok;
    size_t ntok;
    if (ps_article_parse(text, len, &art, &bad) != PS_OK)
        return -1;
    size_t body = art.body_offset;
    if (ps_analyze(p->an, text + body, len - body, body, &tok, &ntok) != PS_OK)
        return -1;
    size_t n = ps__q_sequence(text + body, len - body, body, tok, ntok, NULL,
                              0, NULL, &s->seq, &s->seqcap);
    if (n == (size_t)-1)
        return -1;
    if (s->n + 2 * n + 1 > s->cap) {
        size_t c = s->cap ? s->cap : 1 << 16;
        while (c < s->n + 2 * n + 1)
            c *= 2;
        uint64_t *ns = realloc(s->stems, c * sizeof *ns);
        if (!ns)
            return -1;
        s->stems = ns;
        s->cap = c;
    }
    for (size_t i = 0; i < n; i++) {
        const ps__qtok_t *t = &s->seq[i];
        if (i == 0 || t->sent != s->seq[i - 1].sent)
            s->stems[s->n++] = 0;
        if (t->shape != PS__Q_SHAPE_MARK) /* words only, not marks */
            s->stems[s->n++] = t->stem;
    }
    s->articles++;
    return 0;
}

/* One JSON Lines article: its "text". */
static int jsonl_line(qctext_t *s, qprep_t *p, const char *line)
{
    json_t *o = json_loads(line, 0, NULL);
    json_t *text = json_object_get(o, "text");
    int rc = -1;
    if (json_is_string(text))
        rc = add_article(s, p, json_string_value(text),
                         json_string_length(text));
    json_decref(o);
    return rc;
}

typedef enum { F_JSONL, F_CONLL, F_SMART } format_t;

/* Whether LINE is a CoNLL-2003 row: four columns, the last a tag (O,
 * I-X or B-X), or -DOCSTART-. */
static int conll_row(const char *line)
{
    if (strncmp(line, "-DOCSTART-", 10) == 0)
        return 1;
    const char *sp[3];
    const char *q = line;
    for (int i = 0; i < 3; i++) {
        sp[i] = strchr(q, ' ');
        if (!sp[i] || sp[i] == q)
            return 0;
        q = sp[i] + 1;
    }
    if (strchr(q, ' '))
        return 0;
    return strcmp(q, "O") == 0 ||
           ((q[0] == 'I' || q[0] == 'B') && q[1] == '-' && q[2] != '\0');
}

/* Appends LINE (without its newline) to the article in B, or ends that
 * article, as the format says. */
static int take_line(qctext_t *s, qprep_t *p, format_t f, buf_t *b,
                     const char *line, size_t n)
{
    if (f == F_JSONL)
        return n == 0 ? 0 : jsonl_line(s, p, line);
    int end = f == F_CONLL ? strncmp(line, "-DOCSTART-", 10) == 0
                           : strncmp(line, "*TEXT", 5) == 0;
    if (end) {
        int rc = b->n > 0 ? add_article(s, p, b->p, b->n) : 0;
        b->n = 0;
        return rc;
    }
    if (f == F_CONLL) {
        /* A sentence is a paragraph of its own, so it stays one. */
        if (n == 0)
            return b->n > 0 ? buf_add(b, "\n\n", 2) : 0;
        const char *sp = memchr(line, ' ', n);
        return buf_add(b, line, sp ? (size_t)(sp - line) : n) ||
               buf_add(b, " ", 1);
    }
    /* SMART text is double spaced: its lines are one paragraph. */
    return n == 0 ? 0 : buf_add(b, line, n) || buf_add(b, " ", 1);
}

int qctext_read(const char *path, qprep_t *p, qctext_t *s)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0, before = s->articles;
    ssize_t len;
    format_t fmt = F_JSONL;
    buf_t b = {0};
    int rc = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno++ == 0) {
            if (line[0] == '{')
                fmt = F_JSONL;
            else if (conll_row(line))
                fmt = F_CONLL;
            else if (strncmp(line, "*TEXT", 5) == 0)
                fmt = F_SMART;
            else {
                fprintf(stderr,
                        "%s:1: not a text for --cluster-text (JSON Lines "
                        "with \"text\", CoNLL-2003 columns, "
                        "or SMART articles from *TEXT)\n",
                        path);
                rc = -1;
                break;
            }
        }
        if (take_line(s, p, fmt, &b, line, (size_t)len) != 0) {
            fprintf(stderr, "%s:%zu: cannot read the article (bad UTF-8 "
                            "or JSON?)\n", path, lineno);
            rc = -1;
        }
    }
    if (rc == 0 && b.n > 0 && add_article(s, p, b.p, b.n) != 0) {
        fprintf(stderr, "%s:%zu: cannot read the article\n", path, lineno);
        rc = -1;
    }
    if (rc == 0 && ferror(f)) {
        perror(path);
        rc = -1;
    }
    if (rc == 0 && s->articles == before) {
        fprintf(stderr, "%s: no article in it\n", path);
        rc = -1;
    }
    free(b.p);
    free(line);
    fclose(f);
    return rc;
}

void qctext_free(qctext_t *s)
{
    free(s->stems);
    free(s->seq);
    memset(s, 0, sizeof *s);
}
