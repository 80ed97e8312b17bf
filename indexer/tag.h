/* psearch-index --tag: the entities of files as indexing would find them,
 * printed as JSON Lines. Internal to the indexer. */
#ifndef PSEARCH_INDEXER_TAG_H
#define PSEARCH_INDEXER_TAG_H

#include <stddef.h>

#include "psearch/entities.h"
#include "psearch/quotes.h"

struct prep;

/* What tagging needs, as indexing has it. */
typedef struct tag_setup {
    const ps_gazetteer_t *g;
    const ps_ner_model_t *m;
    const ps_quote_model_t *qm;
    size_t max_size; /* files over this many bytes are rejected */
    int quiet;       /* no warnings about bad files */
} tag_setup_t;

/* Exit codes, the indexer's. */
enum { TAG_OK = 0, TAG_SKIPPED = 1, TAG_FAILED = 74 };

/* One file's step in tag_each(): the Ith of the files, at PATH,
 * prepared in P, as indexing would have it. 0, or -1 when memory or the
 * output fails. */
typedef int (*tag_file_fn)(void *ctx, size_t i, const char *path,
                           const struct prep *p);

/* Reads, analyses and tags each of the N files PATHS as indexing would
 * and hands it to FN with CTX; a file that cannot be read or parsed gets
 * the warning indexing gives. Returns TAG_OK, TAG_SKIPPED when some file
 * was rejected, or TAG_FAILED. The loop of --tag and --quotes. */
int tag_each(char *const *paths, size_t n, const tag_setup_t *s, tag_file_fn fn,
             void *ctx);

/* RC, or TAG_FAILED when standard output cannot be written. */
int tag_flush(int rc);

/* Tags the N files PATHS and prints one line per mention:
 * {"path","type","id","name","known","offset","length","line","column"},
 * offsets and lengths in bytes of the file, line and column 1-based,
 * in text order. A file that cannot be read or parsed gets the warning
 * indexing gives and TAG_SKIPPED. */
int tag_files(char *const *paths, size_t n, const tag_setup_t *s);

/* --quotes: finds the attributions of the N files PATHS as indexing would
 * and prints one line per attribution, in text order:
 * {"path","source","cue","content","kind","confidence","speaker"}, spans
 * as lists of [start, end) byte offsets into the file, speaker
 * {"id","type","name","kind"} or null. Exit codes as tag_files(). */
int quote_files(char *const *paths, size_t n, const tag_setup_t *s);

#endif
