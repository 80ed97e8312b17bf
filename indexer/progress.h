/* A one-line progress display on a terminal, for long indexing runs.
 * Internal to the indexer. Does nothing unless stderr is a terminal. */
#ifndef PSEARCH_INDEXER_PROGRESS_H
#define PSEARCH_INDEXER_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct progress {
    int enabled;
    size_t total;
    double start, last;
    int drawn;
} progress_t;

void progress_init(progress_t *p, size_t total, int allowed);
void progress_update(progress_t *p, size_t done, uint64_t bytes);
void progress_done(progress_t *p);

/* Seconds since an arbitrary point, from a monotonic clock. */
double progress_now(void);

#endif
