/* One run of psearch-index and the step that writes: bringing the open
 * index in line with the walked corpus (update.c). */
#ifndef PSEARCH_INDEXER_UPDATE_H
#define PSEARCH_INDEXER_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "psearch/entities.h"
#include "psearch/index.h"
#include "psearch/quotes.h"
#include "walk.h"

typedef struct counts {
    size_t added, updated, removed, skipped, errors;
    uint64_t bytes;
} counts_t;

/* Everything one indexing run holds, for its steps and the clean-up. */
typedef struct run {
    const options_t *o;
    ps_index_t *ix;
    walk_list_t files;
    char **roots; /* the corpus folders, absolute */
    size_t nroots;
    char *index_dir;
    char *gaz_path; /* NULL: no gazetteer */
    ps_analyzer_t *an;
    ps_gazetteer_t *g;
    ps_ner_model_t *model;
    ps_quote_model_t *qmodel;
    counts_t c;
    int fatal;
} run_t;

/* Brings the open index R->ix in line with R->files: unchanged files are
 * skipped by size and time, the others read, analysed and tagged on
 * R->o->jobs threads and written, files gone from a corpus root removed,
 * and all of it committed at once. Returns the exit code (EXIT_OK,
 * EXIT_SKIPPED when some files were bad, EXIT_FAILED). */
int update_index(run_t *r);

/* "psearch-index: warning: PATH: WHAT" on stderr, unless QUIET. */
void update_warn(int quiet, const char *path, const char *what);

#endif
