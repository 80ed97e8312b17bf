/* Internal to the NER trainer: the documents as training keeps them, the
 * trainer's state, the lists it builds (ner_lists.c) and the averaged
 * perceptron (ner_perceptron.c) that ner_train.c drives. */
#ifndef PSEARCH_NER_TRAIN_PRIVATE_H
#define PSEARCH_NER_TRAIN_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ner/ner_private.h"
#include "psearch/analyzer.h"
#include "ner_train.h"

/* One document, as the trainer keeps it: per sequence token, its term's
 * hash, its gold label, whether it opens a line, its capitalisation in
 * context, then its features. The second stage sees both sets. */
typedef struct tdoc {
    size_t n;
    uint64_t *term;
    uint8_t *gold, *line, *ctx;
    uint32_t *start[2], *rows[2]; /* Features of each stage's own. */
    uint8_t *s1;                  /* The first stage's labels. */
} tdoc_t;

/* A list table being built: open addressing over NSLOTS slots (a power of
 * two), key 0 for an empty slot; a key's bits are ORed together. */
typedef struct table {
    uint64_t *keys;
    uint32_t *vals;
    uint32_t nslots, used;
} table_t;

/* The trainer: the documents, and what the lists are made of. */
typedef struct trainer {
    const ps_ner_doc_t *docs;
    size_t ndocs;
    tdoc_t *td;
    ps_analyzer_t *an;
    ps_ner_train_stats_t stats;
    char **errmsg;
    uint64_t *lexicon;        /* Word keys of the lexicon's words, */
    uint64_t *lexicon_sorted; /* and the same sorted. */
    size_t nlexicon, cap_lexicon;
    uint64_t *proper; /* Word keys of its capitalised words. */
    size_t nproper, cap_proper;
    uint64_t *place;    /* Term hashes of the place names, one after another, */
    uint8_t *place_len; /* and how many terms each has. */
    size_t nplace_terms, nplaces, cap_place, cap_place_len;
    uint64_t *cwords; /* Term hashes of the clustered words, */
    uint16_t *cclass; /* and their clusters. */
    size_t ncwords;
} trainer_t;

void ps__ner_table_free(table_t *t);

/* Reads the lexicon at PATH (TR->lexicon and TR->proper), then the place
 * names (TR->place), which the lexicon filters. PS_OK, PS_ENOMEM, or
 * PS_EIO with *TR->errmsg. */
ps_status_t ps__ner_read_lexicon(trainer_t *tr, const char *path);
ps_status_t ps__ner_read_places(trainer_t *tr, const char *path);

/* Clusters the words of the whole training text into O->clusters
 * classes (TR->cwords, TR->cclass); without its labels, so with no folds.
 * PS_OK or PS_ENOMEM. */
ps_status_t ps__ner_cluster_words(trainer_t *tr, const ps_ner_train_opts_t *o);

/* Builds into TB the lists from every document not in fold FOLD of FOLDS
 * (FOLDS 0: every document), with the lexicon, places and clusters. 0, or
 * -1 when memory runs out. */
int ps__ner_build_lists(const trainer_t *tr, unsigned fold, unsigned folds,
                        table_t *tb);

/* A perceptron being trained: weights, and what averaging needs. */
typedef struct ps__ner_perc {
    double *w, *u; /* Weights and their time-weighted updates. */
    double *aw;    /* The sum of several runs' weights. */
    double tw[(PS__NER_NLABELS + 1) * PS__NER_NLABELS],
        tu[(PS__NER_NLABELS + 1) * PS__NER_NLABELS];
    double c;
} ps__ner_perc_t;

/* Scratch for decoding one document. */
typedef struct ps__ner_bufs {
    double *scores;
    uint8_t *back, *pred;
} ps__ner_bufs_t;

/* Labels T with the weights of P (stage STAGE's features: the first
 * stage's, and the second's too when STAGE is 1) into B->pred. */
void ps__ner_perc_decode(const ps__ner_perc_t *p, const tdoc_t *t, int stage,
                         ps__ner_bufs_t *b);

/* Trains stage STAGE on the documents TD not in fold FOLD of FOLDS
 * (FOLDS 0: every document) with each of O->runs seeds from O->seed on,
 * and leaves in P->w and P->tw the mean of the runs' averaged weights:
 * one linear model that depends less on the order of the documents than
 * any run. P's arrays hold NW = rows * NLABELS weights; ORDER has NDOCS
 * slots; B fits the longest document. */
void ps__ner_perc_run(const tdoc_t *td, size_t ndocs,
                      const ps_ner_train_opts_t *o, int stage, unsigned fold,
                      unsigned folds, ps__ner_perc_t *p, size_t nw,
                      size_t *order, ps__ner_bufs_t *b);

/* The weights of P less label O's (ner_private.h), in fixed point scaled
 * so the largest is 32000, into every other row of W (the model's
 * layout); the transitions into TRANS. */
void ps__ner_perc_quantize(const ps__ner_perc_t *p, size_t nrows, int16_t *w,
                           int32_t *trans);

#endif
