/* Turning one file into an index record: read, hash, parse, analyse, tag.
 * Internal to the indexer; no index access, so it can run on any thread. */
#ifndef PSEARCH_INDEXER_PREPARE_H
#define PSEARCH_INDEXER_PREPARE_H

#include <stddef.h>

#include "psearch/analyzer.h"
#include "psearch/article.h"
#include "psearch/entities.h"
#include "psearch/index.h"
#include "psearch/quotes.h"

/* One file's slot: what it needs, reused from file to file, and what
 * it made, which the thread writing the index reads (the tokens and the
 * entities: so the analyzers and the tagger are the slot's). */
typedef struct prep {
    ps_analyzer_t *body_an;
    ps_analyzer_t *title_an;
    ps_tagger_t *tagger;
    char *buf; /* the file's bytes */
    size_t cap;
    ps_article_t article;
    ps_docrec_t rec;
    /* The document built from rec (prep_build()), until the index takes
     * it; NULL when none is built. */
    ps_index_doc_t *doc;
    char why[256]; /* why the last file was rejected */
} prep_t;

/* Prepares P for use on one thread at a time; G and M are shared and
 * must outlive it. Returns 0, or -1 when out of memory. */
int prep_init(prep_t *p, const ps_gazetteer_t *g, const ps_ner_model_t *m);
void prep_free(prep_t *p);

typedef enum {
    PREP_OK,       /* p->rec is ready */
    PREP_REJECTED, /* bad input; p->why says why */
    PREP_NOMEM,
} prep_result_t;

/* Reads PATH (at most MAX_SIZE bytes) and hashes it into p->rec.stat. */
prep_result_t prep_read(prep_t *p, const char *path, size_t max_size);

/* Parses, analyses, tags and finds the attributions of what prep_read()
 * read, these with Q (NULL finds none, as --tag wants). The attributions
 * in p->rec are Q's until its next run: use them (prep_build()) before
 * Q finds another file's. A quoter is the worker's, not the slot's: its
 * buffers grow to the longest article it has seen, and its word cache
 * warms on every file the worker prepares. */
prep_result_t prep_analyse(prep_t *p, ps_quoter_t *q);

/* Builds the index's document from what prep_analyse() made, into
 * p->doc, for the thread that writes the index to store. */
prep_result_t prep_build(prep_t *p);

#endif
