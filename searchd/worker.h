/* Jobs on libuv's thread pool: every request that touches the index runs
 * here, never on the loop thread. Each worker thread owns its own read
 * handle (Xapian objects are not thread-safe), opened lazily, moved to the
 * newest revision when a reload bumps the global epoch and otherwise at
 * most every reopen-interval, so the nightly index is picked up without an
 * explicit reload. Answers to searches are kept in a cache shared by the
 * workers, keyed by the committed state the handle reads, so a repeated
 * search is answered from it exactly when searching again would give the
 * same answer. */
#ifndef PSEARCHD_WORKER_H
#define PSEARCHD_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cache.h"
#include "psearch/search.h"
#include "request.h"

typedef struct sd_job sd_job_t;

/* Called on the loop thread when the job is done; the callee owns JOB and
 * frees it with sd_job_free(). */
typedef void (*sd_job_done_cb)(sd_job_t *job);

struct sd_job {
    uv_work_t work; /* private to worker.c */
    /* Set by the submitter. */
    sd_request_t req;   /* owned; freed by sd_job_free() */
    json_t *daemon;     /* stats op: the loop's counters, owned */
    double time_budget; /* seconds */
    size_t max_len;     /* longest answer line (max-output) */
    sd_job_done_cb done;
    void *data;
    uint64_t start_ns;   /* when the request was read */
    unsigned long epoch; /* reload op: the epoch it asked for */
    /* Set by the worker. */
    char *line; /* the response line, malloc'ed; NULL when out of memory */
    size_t len;
    int code; /* 0, or the error code sent (request.h) */
    char errmsg[256];
    long position;  /* EBADQUERY: byte offset in the query, else -1 */
    long long hits; /* "total" of a search or facets, else -1 */
    int cached;     /* the answer came from the cache */
};

/* Prepares the workers: INDEX_DIR and DB_OPTS (how to open remote shards)
 * are copied; CACHE_BYTES bounds the answer cache (0: none). Call before
 * the loop runs. Returns 0, or -1 when out of memory. */
int sd_worker_init(const char *index_dir, const ps_db_opts_t *db_opts,
                   unsigned threads, uint64_t reopen_interval_ms,
                   uint64_t cache_bytes);

/* Queues JOB on LOOP's thread pool. Returns 0 or a negative libuv error;
 * on error JOB is still the caller's. */
int sd_worker_submit(uv_loop_t *loop, sd_job_t *job);

/* Whether the index, as a worker last opened it, has only local shards:
 * a search then never waits on the network. */
int sd_worker_local(void);

/* Runs JOB on the calling (loop) thread, with a handle of its own, and
 * calls its done callback before returning. */
void sd_worker_run_here(sd_job_t *job);

/* Asks every worker to move to the newest revision before its next job,
 * and empties the answer cache. */
void sd_worker_reload(void);

/* The answer cache's counters; all zero without a cache. Any thread. */
void sd_worker_cache_counters(sd_cache_counters_t *out);

/* The reload epoch: how many reloads were asked for. */
unsigned long sd_worker_epoch(void);

/* Closes every worker's handle. Only once no job can run any more (after
 * the loop has stopped). */
void sd_worker_cleanup(void);

void sd_job_free(sd_job_t *job);

#endif
