/* The per-file half of indexing: from a path to a ps_docrec_t. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "prepare.h"

int prep_init(prep_t *p, const ps_gazetteer_t *g, const ps_ner_model_t *m)
{
    memset(p, 0, sizeof *p);
    if (ps_analyzer_new(&p->body_an) != PS_OK ||
        ps_analyzer_new(&p->title_an) != PS_OK ||
        ps_tagger_new(g, m, &p->tagger) != PS_OK) {
        prep_free(p);
        return -1;
    }
    return 0;
}

void prep_free(prep_t *p)
{
    ps_analyzer_free(p->body_an);
    ps_analyzer_free(p->title_an);
    ps_tagger_free(p->tagger);
    ps_index_doc_free(p->doc);
    free(p->buf);
    memset(p, 0, sizeof *p);
}

static prep_result_t reject(prep_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static prep_result_t reject(prep_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    return PREP_REJECTED;
}

prep_result_t prep_read(prep_t *p, const char *path, size_t max_size)
{
    ps_docrec_t *r = &p->rec;
    memset(r, 0, sizeof *r);
    ps_index_doc_free(p->doc);
    p->doc = NULL;
    r->path = path;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 && errno == ELOOP)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return reject(p, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return reject(p, "not a regular file");
    }
    if ((unsigned long long)st.st_size > max_size) {
        close(fd);
        return reject(p, "%lld bytes, over the --max-size limit of %zu",
                      (long long)st.st_size, max_size);
    }
    size_t want = (size_t)st.st_size;
    if (want + 1 > p->cap) {
        char *b = realloc(p->buf, want + 1);
        if (!b) {
            close(fd);
            return PREP_NOMEM;
        }
        p->buf = b;
        p->cap = want + 1;
    }
    /* The file may change while we read it; take what read() gives, up to
     * the size fstat() saw, and index exactly those bytes. */
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, p->buf + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            close(fd);
            return reject(p, "read error at byte %zu: %s", got, strerror(err));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    p->buf[got] = '\0';
    r->text = p->buf;
    r->len = got;
    r->stat.mtime_sec = st.st_mtim.tv_sec;
    r->stat.mtime_nsec = st.st_mtim.tv_nsec;
    r->stat.size = got;
    r->stat.hash = XXH64(p->buf, got, 0);
    return PREP_OK;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

prep_result_t prep_analyse(prep_t *p, ps_quoter_t *q)
{
    ps_docrec_t *r = &p->rec;
    size_t bad = 0;
    ps_status_t st = ps_article_parse(r->text, r->len, &p->article, &bad);
    if (st == PS_EBINARY)
        return reject(p, "binary file (NUL byte at byte %zu)", bad);
    if (st == PS_EBADUTF8)
        return reject(p, "invalid UTF-8 at byte %zu", bad);
    if (st != PS_OK)
        return reject(p, "%s", ps_status_str(st));
    const ps_article_t *a = &p->article;
    if (blank(r->text + a->body_offset, r->len - a->body_offset))
        return reject(p, "empty file");
    r->article = a;

    st = ps_analyze(p->title_an, a->title.ptr ? a->title.ptr : "", a->title.len,
                    a->title.offset, &r->title_tokens, &r->ntitle_tokens);
    if (st == PS_OK)
        st = ps_analyze(p->body_an, r->text + a->body_offset,
                        r->len - a->body_offset, a->body_offset, &r->tokens,
                        &r->ntokens);
    if (st == PS_ENOMEM)
        return PREP_NOMEM;
    if (st == PS_EBADUTF8)
        return reject(p, "invalid UTF-8 at byte %zu",
                      ps_analyzer_error_offset(p->body_an));
    if (st != PS_OK)
        return reject(p, "cannot analyse: %s", ps_status_str(st));

    st = ps_tagger_run(p->tagger, r->text + a->body_offset,
                       r->len - a->body_offset, a->body_offset, r->tokens,
                       r->ntokens, &r->entities, &r->nentities);
    if (st == PS_ENOMEM)
        return PREP_NOMEM;
    if (st != PS_OK)
        return reject(p, "cannot tag entities: %s", ps_status_str(st));

    /* Who said what, on the same tokens and with the entities just found,
     * so a speaker is one of the article's entities. */
    r->quotes = NULL;
    r->nquotes = 0;
    if (!q)
        return PREP_OK;
    st = ps_quoter_run(q, r->text + a->body_offset,
                       r->len - a->body_offset, a->body_offset, r->tokens,
                       r->ntokens, r->entities, r->nentities, &r->quotes,
                       &r->nquotes);
    if (st == PS_ENOMEM)
        return PREP_NOMEM;
    if (st != PS_OK)
        return reject(p, "cannot find quotes: %s", ps_status_str(st));
    return PREP_OK;
}

prep_result_t prep_build(prep_t *p)
{
    return ps_index_doc_build(&p->rec, &p->doc) == PS_OK ? PREP_OK : PREP_NOMEM;
}
