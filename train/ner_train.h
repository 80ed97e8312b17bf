/* Training the NER model (ner.h), and reading the CoNLL-2003 files it is
 * trained and measured on. Tagging never needs any of this: it is for the
 * training program (`make ner-model`), the evaluation and the tests. */
#ifndef PSEARCH_NER_TRAIN_H
#define PSEARCH_NER_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/common.h"
#include "psearch/ner.h"

PS_BEGIN_DECLS

/* A gold name: LENGTH bytes at OFFSET of its document's text. */
typedef struct ps_ner_gold {
    size_t offset;
    size_t length;
    ps_ner_type_t type;
} ps_ner_gold_t;

/* A document with its gold names, in text order. */
typedef struct ps_ner_doc {
    char *text;
    size_t len;
    ps_ner_gold_t *golds;
    size_t ngolds;
} ps_ner_doc_t;

/* Reads a CoNLL-2003 file (TOKEN ... NER per line, IOB1 tags) as the text
 * the indexer would see: each document (between -DOCSTART- lines) is one
 * text, each sentence one line of its tokens joined by single spaces and
 * ending in "\n"; each name becomes the byte span of its tokens. Returns
 * PS_OK and *N documents the caller frees with ps_ner_docs_free();
 * PS_ENOTFOUND or PS_EIO if the file cannot be read, PS_ECORRUPT if a line
 * is not CoNLL, each with *ERRMSG (caller frees) naming the file. */
PS_EXPORT ps_status_t ps_ner_conll_read(const char *path, ps_ner_doc_t **docs,
                                        size_t *n, char **errmsg);

PS_EXPORT void ps_ner_docs_free(ps_ner_doc_t *docs, size_t n);

/* Training settings; zeros take the defaults in brackets. */
typedef struct ps_ner_train_opts {
    unsigned epochs;      /* Passes over the data [12]. */
    unsigned row_bits;    /* log2 of the weight table's rows [18]. */
    unsigned folds;       /* Folds for the lists derived from the data [10]. */
    unsigned stack_folds; /* Folds for the first stage's labels that the
                             second stage learns from [5]; 1: none. */
    unsigned runs;        /* Runs from seeds SEED, SEED + 1...: the model is
                             the mean of their weights [3]. */
    unsigned clusters;    /* Word clusters learnt from the text, at most
                             256 [128]; 1: none. */
    uint64_t seed;        /* Order of the documents in each pass [1]. */
    const char *lexicon;  /* NULL, or a file of common words, one a line
                             (a dictionary, /usr/share/dict/words): its
                             lowercase entries become a list the model
                             sees, so a capital on a common word says
                             little, and its capitalised entries another,
                             of proper names. */
    const char *places;   /* NULL, or a file of place names, one a line
                             (build/gen/places.txt, from Debian's
                             iso-codes and tzdata): names of places in
                             every fold's lists, as if the training data
                             had named them, so the model learns to trust
                             a list of the world's places, and a name it
                             never saw in training ("Kyiv") still is one. */
    int verbose;          /* Progress on stderr. */
} ps_ner_train_opts_t;

/* What training saw. */
typedef struct ps_ner_train_stats {
    size_t docs, tokens, names;
    size_t unaligned; /* Names whose ends are not token boundaries. */
    size_t list_slots;
} ps_ner_train_stats_t;

/* Trains an averaged perceptron on DOCS and writes the model to PATH.
 * The same documents and options always give the same bytes. Returns
 * PS_OK; PS_EINVAL for bad options or text that is not UTF-8; PS_ENOMEM;
 * PS_EIO if PATH cannot be written. On failure *ERRMSG (caller frees)
 * says why. STATS may be NULL. */
PS_EXPORT ps_status_t ps_ner_train(const ps_ner_doc_t *docs, size_t ndocs,
                                   const ps_ner_train_opts_t *opts,
                                   const char *path,
                                   ps_ner_train_stats_t *stats, char **errmsg);

PS_END_DECLS

#endif
