/* The indexing pipeline: a ring of job slots, filled in order by the main
 * thread, prepared by workers in any order, and consumed in order, so
 * tokenizing, tagging and building documents run on other cores while
 * Xapian writes. A slot keeps what the main thread reads of its file (the
 * tokens, the entities, the document); the quoter, whose attributions
 * are used up when the worker builds the document, is the worker's. */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* Slots per worker: enough that a worker never waits for the main thread
 * to hand it the next file, few enough to bound memory. */
#define SLOTS_PER_WORKER 4
#define MAX_WORKERS 16

enum slot_state { FREE, QUEUED, BUSY, DONE };

/* A worker thread and what is its own. */
typedef struct worker {
    pipeline_t *p;
    pthread_t thread;
    ps_quoter_t *quoter; /* NULL without a quote model */
} worker_t;

struct pipeline {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job was queued, or stop */
    pthread_cond_t done; /* a job was prepared */
    pipe_job_t *jobs;
    enum slot_state *state;
    size_t nslots;
    size_t head;      /* the oldest job not yet returned by next() */
    size_t next_work; /* the oldest job no worker has taken */
    size_t tail;      /* where the next job is queued */
    size_t awaited;   /* 1 + the slot the main thread waits on; 0 none */
    size_t max_size;
    int stop;
    worker_t workers[MAX_WORKERS];
    unsigned nthreads;
};

static void prepare(pipeline_t *p, pipe_job_t *j, ps_quoter_t *q)
{
    j->unchanged = 0;
    j->res = prep_read(&j->prep, j->file->path, p->max_size);
    if (j->res != PREP_OK)
        return;
    const ps_filestat_t *now = &j->prep.rec.stat;
    if (j->known && now->hash == j->old.hash && now->size == j->old.size) {
        j->unchanged = 1;
        return;
    }
    j->res = prep_analyse(&j->prep, q);
    if (j->res == PREP_OK)
        j->res = prep_build(&j->prep);
    /* The document holds the attributions now; the quoter's own copy is
     * the next file's once this worker goes on. */
    j->prep.rec.quotes = NULL;
    j->prep.rec.nquotes = 0;
}

static void *worker(void *arg)
{
    worker_t *w = arg;
    pipeline_t *p = w->p;
    /* Named for top -H and perf. */
    pthread_setname_np(pthread_self(), "psearch-analyze");
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next_work == p->tail && !p->stop)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        size_t i = p->next_work++ % p->nslots;
        p->state[i] = BUSY;
        pthread_mutex_unlock(&p->mu);
        prepare(p, &p->jobs[i], w->quoter);
        pthread_mutex_lock(&p->mu);
        p->state[i] = DONE;
        /* Only the main thread waits on DONE, and only for the oldest
         * job: another slot's end would wake it for nothing. */
        if (p->awaited == i + 1)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pipeline_t *pipeline_start(const ps_gazetteer_t *g, const ps_ner_model_t *m,
                           const ps_quote_model_t *qm, unsigned workers,
                           size_t max_size)
{
    if (workers < 1)
        workers = 1;
    if (workers > MAX_WORKERS)
        workers = MAX_WORKERS;
    pipeline_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->nslots = (size_t)workers * SLOTS_PER_WORKER;
    p->max_size = max_size;
    p->jobs = calloc(p->nslots, sizeof *p->jobs);
    p->state = calloc(p->nslots, sizeof *p->state);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    if (!p->jobs || !p->state) {
        pipeline_stop(p);
        return NULL;
    }
    for (size_t i = 0; i < p->nslots; i++)
        if (prep_init(&p->jobs[i].prep, g, m)) {
            pipeline_stop(p);
            return NULL;
        }
    for (unsigned i = 0; i < workers; i++) {
        worker_t *w = &p->workers[i];
        w->p = p;
        if ((qm && ps_quoter_new(qm, &w->quoter) != PS_OK) ||
            pthread_create(&w->thread, NULL, worker, w) != 0) {
            ps_quoter_free(w->quoter);
            w->quoter = NULL;
            pipeline_stop(p);
            return NULL;
        }
        p->nthreads++;
    }
    return p;
}

int pipeline_can_push(const pipeline_t *p)
{
    /* Only the main thread moves head and tail, so no lock is needed. */
    return p->tail - p->head < p->nslots;
}

int pipeline_pending(const pipeline_t *p)
{
    return p->tail != p->head;
}

void pipeline_push(pipeline_t *p, const walk_file_t *file, int known,
                   const ps_filestat_t *old)
{
    pthread_mutex_lock(&p->mu);
    size_t i = p->tail % p->nslots;
    pipe_job_t *j = &p->jobs[i];
    j->file = file;
    j->known = known;
    if (old)
        j->old = *old;
    p->state[i] = QUEUED;
    p->tail++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

pipe_job_t *pipeline_next(pipeline_t *p)
{
    if (p->head == p->tail)
        return NULL;
    size_t i = p->head % p->nslots;
    pthread_mutex_lock(&p->mu);
    p->awaited = i + 1;
    while (p->state[i] != DONE)
        pthread_cond_wait(&p->done, &p->mu);
    p->awaited = 0;
    pthread_mutex_unlock(&p->mu);
    return &p->jobs[i];
}

void pipeline_release(pipeline_t *p, pipe_job_t *job)
{
    pthread_mutex_lock(&p->mu);
    p->state[job - p->jobs] = FREE;
    p->head++;
    pthread_mutex_unlock(&p->mu);
}

void pipeline_stop(pipeline_t *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nthreads; i++) {
        pthread_join(p->workers[i].thread, NULL);
        ps_quoter_free(p->workers[i].quoter);
    }
    for (size_t i = 0; p->jobs && i < p->nslots; i++)
        prep_free(&p->jobs[i].prep);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->jobs);
    free(p->state);
    free(p);
}
