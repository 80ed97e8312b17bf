/* The quote model's trainer (never linked into the installed library):
 * reading PolNeAR-style JSON Lines, preparing each article exactly as the
 * indexer does (article parsing, the analyzer, the entity tagger), and the
 * averaged perceptron that learns the two stages of the model. */
#ifndef PSEARCH_TRAIN_QUOTE_TRAIN_H
#define PSEARCH_TRAIN_QUOTE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"
#include "quote/quote_private.h"

/* One article: its text, its id, and per sequence token its gold label
 * and whether it is in a gold cue. */
typedef struct qdoc {
    char *id;
    char *text;
    size_t len;
    ps__qtok_t *seq; /* lexicon classes filled once it is mined */
    size_t n;
    uint8_t *gold;
    /* The gold attributions as token ranges, and the attribution (+ 1)
     * whose content each token is in (0: none). */
    struct qgold {
        uint32_t ca, cb, sa, sb;
    } *attr;
    size_t nattr;
    uint32_t *owner;
} qdoc_t;

/* What preparing needs: the indexer's analyzer, gazetteer and tagger. */
typedef struct qprep {
    ps_analyzer_t *an;
    ps_gazetteer_t *g;
    ps_ner_model_t *m;
    ps_tagger_t *t;
} qprep_t;

int qprep_init(qprep_t *p, const char *gazetteer, const char *ner_model);
void qprep_free(qprep_t *p);

/* Reads the articles of PATH into *DOCS; 0, or -1 after a message. */
int qdocs_read(const char *path, qprep_t *p, qdoc_t **docs, size_t *ndocs);
void qdocs_free(qdoc_t *docs, size_t ndocs);

/* Unlabelled text for the word classes only: the stems of its words, a
 * 0 before each sentence (STEMS[0..N)), from ARTICLES articles; SEQ is
 * the reader's scratch sequence. */
typedef struct qctext {
    uint64_t *stems;
    size_t n, cap, articles;
    ps__qtok_t *seq;
    size_t seqcap;
} qctext_t;

/* Appends the stems of the articles of PATH (JSON Lines with "text",
 * CoNLL-2003 columns or SMART *TEXT articles, told apart by the first
 * line), analysed as the quote step analyses an article, to S; 0, or -1
 * after a message naming PATH. */
int qctext_read(const char *path, qprep_t *p, qctext_t *s);
void qctext_free(qctext_t *s);

typedef struct qtrain_opts {
    unsigned epochs;
    unsigned folds; /* for the first stage's labels the second learns from */
    uint32_t row_bits;
    unsigned runs; /* seeds whose weights are averaged */
    uint64_t seed;
    int verbose;
    unsigned false_cues; /* the role tagger learns from one in this many
                          * of the first stage's false cues (0: none) */
    unsigned clusters;   /* word classes of the stems (0: none; at most
                          * 256) */
    const uint64_t *ctext; /* more stems for the word classes only (a 0
                            * before each sentence), NCTEXT of them */
    size_t nctext;
} qtrain_opts_t;

/* The cue lexicon (quote_lexicon.c): stems by how often they are (part
 * of) a gold cue: class 3 when at least half their uses are, 2 from 15%,
 * 1 from 3%, and only stems seen in a cue at least twice; with each stem
 * its word class when O->clusters > 2. Returns the table of *NSLOTS slots
 * (a power of two), which the caller frees; NULL when memory runs out. */
uint64_t *qlexicon_mine(qdoc_t *docs, size_t ndocs, const qtrain_opts_t *o,
                        uint32_t *nslots);

/* Prepares TEXT as the indexer does and runs the quoter Q on it, whose
 * *QUOTES are valid until its next run; 0, or -1. */
int qrun(qprep_t *p, ps_quoter_t *q, const char *text, size_t len,
         const ps_quote_t **quotes, size_t *nquotes);

/* Calibrates the confidence of the model at PATH on DOCS
 * (train/quote_calib.c) and writes it back with the weights; 0, or -1
 * after a message. */
int qcalibrate(qdoc_t *docs, size_t ndocs, qprep_t *p, const char *path,
               int verbose);

/* Trains on DOCS and writes the model to OUT; 0, or -1 after a message. */
int qtrain(qdoc_t *docs, size_t ndocs, const qtrain_opts_t *o,
           const char *out);

#endif
