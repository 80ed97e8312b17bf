/* Reading the training data: PolNeAR-style JSON Lines (one article per
 * line with its attributions as byte intervals), each article prepared as
 * the indexer prepares a file (the article's body, the analyzer, the
 * entity tagger), and its attributions turned into one BIO label per token
 * of the quote model's sequence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "psearch/article.h"
#include "psearch/ner.h"
#include "quote_train.h"

int qprep_init(qprep_t *p, const char *gazetteer, const char *ner_model)
{
    memset(p, 0, sizeof *p);
    char *err = NULL;
    if (ps_analyzer_new(&p->an) != PS_OK) {
        fprintf(stderr, "quote_train: out of memory\n");
        return -1;
    }
    if (ps_ner_model_load(ner_model, &p->m, &err) != PS_OK ||
        ps_gazetteer_load(gazetteer, p->an, &p->g, &err) != PS_OK ||
        ps_tagger_new(p->g, p->m, &p->t) != PS_OK) {
        fprintf(stderr, "quote_train: %s\n", err ? err : "cannot load");
        free(err);
        qprep_free(p);
        return -1;
    }
    return 0;
}

void qprep_free(qprep_t *p)
{
    ps_tagger_free(p->t);
    ps_gazetteer_free(p->g);
    ps_ner_model_free(p->m);
    ps_analyzer_free(p->an);
    memset(p, 0, sizeof *p);
}

/* Marks the bytes of FIELD's intervals in MAP with KEY + interval. */
static int mark(json_t *field, uint32_t *map, size_t len, uint32_t key)
{
    size_t j;
    json_t *iv;
    json_array_foreach(field, j, iv) {
        json_int_t s = json_integer_value(json_array_get(iv, 0));
        json_int_t e = json_integer_value(json_array_get(iv, 1));
        if (s < 0 || e < s || (size_t)e > len)
            return -1;
        for (json_int_t b = s; b < e; b++)
            map[b] = key + (uint32_t)(j < 63 ? j : 63) + 1;
    }
    return 0;
}

/* The token range [*A, *B) overlapping the bytes of FIELD's intervals,
 * first to last; *A == *B when none. */
static void token_range(const qdoc_t *d, json_t *field, uint32_t *a,
                        uint32_t *b)
{
    size_t n = json_array_size(field);
    *a = *b = 0;
    if (n == 0)
        return;
    json_int_t s = json_integer_value(json_array_get(json_array_get(field, 0), 0));
    json_int_t e =
        json_integer_value(json_array_get(json_array_get(field, n - 1), 1));
    size_t i = 0;
    while (i < d->n && (json_int_t)d->seq[i].end <= s)
        i++;
    size_t j = i;
    while (j < d->n && (json_int_t)d->seq[j].start < e)
        j++;
    *a = (uint32_t)i;
    *b = (uint32_t)j;
}

/* The gold label of every token of D's sequence from its attributions. */
static int label(qdoc_t *d, json_t *attrs)
{
    uint32_t *map = calloc(d->len + 1, sizeof *map);
    d->gold = calloc(d->n + 1, 1);
    if (!map || !d->gold) {
        free(map);
        return -1;
    }
    size_t a;
    json_t *at;
    static const char *const roles[3] = {"source", "cue", "content"};
    json_array_foreach(attrs, a, at) {
        for (int r = 0; r < 3; r++)
            if (mark(json_object_get(at, roles[r]), map, d->len,
                     (uint32_t)((a * 4 + r + 1) * 64)) != 0) {
                free(map);
                return -1;
            }
    }
    d->nattr = json_array_size(attrs);
    d->attr = calloc(d->nattr + 1, sizeof *d->attr);
    d->owner = calloc(d->n + 1, sizeof *d->owner);
    if (!d->attr || !d->owner) {
        free(map);
        return -1;
    }
    json_array_foreach(attrs, a, at) {
        struct qgold *g = &d->attr[a];
        token_range(d, json_object_get(at, "cue"), &g->ca, &g->cb);
        token_range(d, json_object_get(at, "source"), &g->sa, &g->sb);
    }
    uint32_t prev = 0;
    for (size_t i = 0; i < d->n; i++) {
        uint32_t key = 0;
        for (size_t b = d->seq[i].start; b < d->seq[i].end && !key; b++)
            key = map[b];
        if (key == 0) {
            d->gold[i] = PS__Q_O;
        } else {
            int role = (int)((key - 1) / 64 % 4); /* 1 source .. 3 content */
            d->gold[i] = (uint8_t)(role * 2 - 1 + (key == prev));
            if (role == 3)
                d->owner[i] = (key - 1) / 64 / 4 + 1;
        }
        prev = key;
    }
    free(map);
    return 0;
}

/* Prepares one article as the indexer would; 0, or -1. */
static int prepare(qprep_t *p, qdoc_t *d, json_t *attrs)
{
    ps_article_t art;
    size_t bad = 0;
    if (ps_article_parse(d->text, d->len, &art, &bad) != PS_OK)
        return -1;
    const ps_token_t *tok;
    size_t ntok;
    const ps_entity_t *ents;
    size_t nents;
    size_t body = art.body_offset;
    if (ps_analyze(p->an, d->text + body, d->len - body, body, &tok, &ntok) !=
            PS_OK ||
        ps_tagger_run(p->t, d->text + body, d->len - body, body, tok, ntok,
                      &ents, &nents) != PS_OK)
        return -1;
    size_t cap = 0;
    d->n = ps__q_sequence(d->text + body, d->len - body, body, tok, ntok,
                          ents, nents, NULL, &d->seq, &cap);
    if (d->n == (size_t)-1)
        return -1;
    return label(d, attrs);
}

int qdocs_read(const char *path, qprep_t *p, qdoc_t **docs, size_t *ndocs)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    qdoc_t *v = NULL;
    size_t n = 0, cap = 0, lineno = 0;
    char *line = NULL;
    size_t lcap = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &lcap, f) > 0) {
        lineno++;
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        const char *id = json_string_value(json_object_get(o, "id"));
        json_t *text = json_object_get(o, "text");
        if (!o || !id || !json_is_string(text)) {
            fprintf(stderr, "%s:%zu: not an article\n", path, lineno);
            json_decref(o);
            rc = -1;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            qdoc_t *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                json_decref(o);
                rc = -1;
                break;
            }
            v = nv;
        }
        qdoc_t *d = &v[n++];
        memset(d, 0, sizeof *d);
        d->id = strdup(id);
        d->len = json_string_length(text);
        d->text = malloc(d->len + 1);
        if (!d->id || !d->text) {
            rc = -1;
        } else {
            memcpy(d->text, json_string_value(text), d->len + 1);
            if (prepare(p, d, json_object_get(o, "attributions")) != 0) {
                fprintf(stderr, "%s:%zu: cannot prepare the article\n", path,
                        lineno);
                rc = -1;
            }
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    *docs = v;
    *ndocs = n;
    return rc;
}

void qdocs_free(qdoc_t *docs, size_t ndocs)
{
    for (size_t i = 0; i < ndocs; i++) {
        free(docs[i].id);
        free(docs[i].text);
        free(docs[i].seq);
        free(docs[i].gold);
        free(docs[i].attr);
        free(docs[i].owner);
    }
    free(docs);
}
