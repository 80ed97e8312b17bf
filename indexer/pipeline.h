/* An ordered pipeline for indexing: worker threads prepare files (read,
 * hash, analyse, tag, build the index's document) into a ring of slots
 * while the main thread, the only one that touches the index, takes them
 * back in the order they were queued.
 * Internal to the indexer. */
#ifndef PSEARCH_INDEXER_PIPELINE_H
#define PSEARCH_INDEXER_PIPELINE_H

#include "prepare.h"
#include "walk.h"

typedef struct pipe_job {
    const walk_file_t *file;
    int known;         /* the index holds a version of the file */
    ps_filestat_t old; /* what the index remembers of it */
    int unchanged;     /* same content as OLD: read and hashed only */
    prep_result_t res;
    prep_t prep; /* the record, valid until pipeline_release() */
} pipe_job_t;

typedef struct pipeline pipeline_t;

/* Starts WORKERS threads (at least 1) sharing the gazetteer G, the
 * entity model M and the quote model QM, which must outlive the pipeline.
 * Files over MAX_SIZE bytes are rejected. Returns NULL when out of memory
 * or threads cannot be started. */
pipeline_t *pipeline_start(const ps_gazetteer_t *g, const ps_ner_model_t *m,
                           const ps_quote_model_t *qm, unsigned workers,
                           size_t max_size);

/* Whether another job can be queued without waiting. */
int pipeline_can_push(const pipeline_t *p);

/* Whether jobs are queued that pipeline_next() has not returned. */
int pipeline_pending(const pipeline_t *p);

/* Queues FILE; only call when pipeline_can_push(). */
void pipeline_push(pipeline_t *p, const walk_file_t *file, int known,
                   const ps_filestat_t *old);

/* Waits for the oldest queued job to be prepared and returns it; NULL
 * when nothing is queued. */
pipe_job_t *pipeline_next(pipeline_t *p);

/* Gives the job returned by pipeline_next() back for reuse. */
void pipeline_release(pipeline_t *p, pipe_job_t *job);

/* Stops the workers (after the job each is on) and frees everything. */
void pipeline_stop(pipeline_t *p);

#endif
