/* Internal to the NER trainer: the documents as training keeps them and
 * the averaged perceptron (ner_perceptron.c) that ner_train.c drives. */
#ifndef PSEARCH_NER_TRAIN_PRIVATE_H
#define PSEARCH_NER_TRAIN_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "ner/ner_private.h"
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
