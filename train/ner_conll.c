/* Reads CoNLL-2003 files into the texts the indexer would see, with their
 * gold names as byte spans (ner_train.h): the one conversion that training
 * and evaluation share. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"
#include "ner_train.h"
#include "base/util.h"

typedef struct reader {
    ps_ner_doc_t *docs;
    size_t ndocs, cap_docs;
    char *text;
    size_t len, cap_text;
    ps_ner_gold_t *golds;
    size_t ngolds, cap_golds;
    int in_sentence;
    int open_type; /* Type of the name the last token is in, or -1. */
} reader_t;

void ps_ner_docs_free(ps_ner_doc_t *docs, size_t n)
{
    if (!docs)
        return;
    for (size_t i = 0; i < n; i++) {
        free(docs[i].text);
        free(docs[i].golds);
    }
    free(docs);
}

static int append(reader_t *r, const char *s, size_t n)
{
    if (ps__grow(&r->text, &r->cap_text, r->len + n + 1, 1) != 0)
        return -1;
    memcpy(r->text + r->len, s, n);
    r->len += n;
    r->text[r->len] = '\0';
    return 0;
}

static int end_sentence(reader_t *r)
{
    r->open_type = -1;
    if (!r->in_sentence)
        return 0;
    r->in_sentence = 0;
    return append(r, "\n", 1);
}

/* Ends the current document; an empty one is dropped. */
static int end_doc(reader_t *r)
{
    if (end_sentence(r) != 0)
        return -1;
    if (r->len == 0)
        return 0;
    if (ps__grow(&r->docs, &r->cap_docs, r->ndocs + 1, sizeof *r->docs) != 0)
        return -1;
    ps_ner_doc_t *d = &r->docs[r->ndocs++];
    d->text = r->text;
    d->len = r->len;
    d->golds = r->golds;
    d->ngolds = r->ngolds;
    r->text = NULL;
    r->golds = NULL;
    r->len = r->cap_text = r->ngolds = r->cap_golds = 0;
    return 0;
}

static int type_of(const char *s)
{
    static const char *const names[] = {"PER", "LOC", "ORG", "MISC"};
    for (int t = 0; t < PS_NER__COUNT; t++)
        if (strcmp(s, names[t]) == 0)
            return t;
    return -1;
}

/* Adds one token line's word and tag; -2 for a bad tag. */
static int token(reader_t *r, const char *word, size_t wlen, const char *tag)
{
    int type = -1, begin = 0;
    if (strcmp(tag, "O") != 0) {
        if ((tag[0] != 'I' && tag[0] != 'B') || tag[1] != '-' ||
            (type = type_of(tag + 2)) < 0)
            return -2;
        begin = tag[0] == 'B';
    }
    if (r->in_sentence && append(r, " ", 1) != 0)
        return -1;
    r->in_sentence = 1;
    size_t off = r->len;
    if (append(r, word, wlen) != 0)
        return -1;
    if (type < 0) {
        r->open_type = -1;
        return 0;
    }
    if (type == r->open_type && !begin) {
        ps_ner_gold_t *g = &r->golds[r->ngolds - 1];
        g->length = off + wlen - g->offset;
        return 0;
    }
    if (ps__grow(&r->golds, &r->cap_golds, r->ngolds + 1, sizeof *r->golds) !=
        0)
        return -1;
    r->golds[r->ngolds++] = (ps_ner_gold_t){off, wlen, (ps_ner_type_t)type};
    r->open_type = type;
    return 0;
}

ps_status_t ps_ner_conll_read(const char *path, ps_ner_doc_t **docs, size_t *n,
                              char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *docs = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return ps__model_fail(errmsg, errno == ENOENT ? PS_ENOTFOUND : PS_EIO,
                              path, "%s", strerror(errno));
    reader_t r = {.open_type = -1};
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    ps_status_t st = PS_OK;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        int rc;
        if (got == 0) {
            rc = end_sentence(&r);
        } else if (strncmp(line, "-DOCSTART-", 10) == 0) {
            rc = end_doc(&r);
        } else {
            const char *sp = strchr(line, ' ');
            const char *tag = strrchr(line, ' ');
            rc = sp ? token(&r, line, (size_t)(sp - line), tag + 1) : -2;
        }
        if (rc == -2) {
            st = ps__model_fail(errmsg, PS_ECORRUPT, path,
                                "line %zu is not a CoNLL token line", lineno);
            break;
        }
        if (rc != 0) {
            st = ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
            break;
        }
    }
    if (st == PS_OK && ferror(f))
        st = ps__model_fail(errmsg, PS_EIO, path, "read error");
    if (st == PS_OK && end_doc(&r) != 0)
        st = ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    fclose(f);
    free(line);
    free(r.text);
    free(r.golds);
    if (st != PS_OK) {
        ps_ner_docs_free(r.docs, r.ndocs);
        return st;
    }
    *docs = r.docs;
    *n = r.ndocs;
    return PS_OK;
}
