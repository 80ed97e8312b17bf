/* The thread-pool half of psearchd: runs one request against the index on
 * a worker thread and builds its response line there, so that neither the
 * search nor the encoding of a large answer blocks the loop (but for a
 * lone client's, which dispatch.c may run on the loop thread). Each
 * thread has a slot with its own ps_db_t; slots are registered centrally
 * only so that they can all be closed at exit. Search answers go through
 * the answer cache (cache.h), which this file alone decides how to key
 * and fill. */
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/search.h"
#include "response.h"
#include "stats.h"

typedef struct slot {
    ps_db_t *db;
    unsigned long epoch; /* the reload epoch the handle is at */
    uint64_t checked_ns; /* when the handle last looked for a revision */
} slot_t;

/* ps_db_snapshot() needs 64 bytes plus 21 per shard; 64 shards at most. */
#define SNAPSHOT_MAX 2048

static char *index_dir;
static uint64_t reopen_ns;
static ps_db_opts_t db_opts;
static atomic_ulong epoch;
/* Whether the handle last opened or moved reads local shards only. */
static atomic_int all_local;
static sd_cache_t *cache; /* NULL: cache-size 0 */

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static slot_t *slots;
static unsigned nslots, slots_used;
static _Thread_local slot_t *my_slot;
static _Thread_local int my_slot_tried;

int sd_worker_init(const char *dir, const ps_db_opts_t *opts, unsigned threads,
                   uint64_t reopen_interval_ms, uint64_t cache_bytes)
{
    if (cache_bytes) {
        cache = sd_cache_new(cache_bytes > SIZE_MAX ? SIZE_MAX
                                                    : (size_t)cache_bytes);
        if (!cache)
            return -1;
    }
    index_dir = strdup(dir);
    db_opts = *opts;
    /* A few spare slots: libuv sizes its pool from UV_THREADPOOL_SIZE,
     * which main sets from --threads, but it caps and may round. */
    nslots = threads + 4;
    slots = calloc(nslots, sizeof *slots);
    reopen_ns = reopen_interval_ms * 1000000u;
    return index_dir && slots ? 0 : -1;
}

void sd_worker_cleanup(void)
{
    for (unsigned i = 0; i < slots_used; i++)
        ps_db_close(slots[i].db);
    free(slots);
    free(index_dir);
    sd_cache_free(cache);
    cache = NULL;
    slots = NULL;
    index_dir = NULL;
    nslots = slots_used = 0;
}

void sd_worker_reload(void)
{
    atomic_fetch_add(&epoch, 1);
    /* Not needed for correctness, since every key names the revision it
     * was answered from; but a reload is the operator saying "start
     * afresh", and answers of old revisions would only take room. */
    if (cache)
        sd_cache_flush(cache);
}

void sd_worker_cache_counters(sd_cache_counters_t *out)
{
    if (cache)
        sd_cache_counters(cache, out);
    else
        memset(out, 0, sizeof *out);
}

unsigned long sd_worker_epoch(void)
{
    return atomic_load(&epoch);
}

void sd_job_free(sd_job_t *job)
{
    if (!job)
        return;
    sd_request_free(&job->req);
    json_decref(job->daemon);
    free(job->line);
    free(job);
}

static slot_t *get_slot(void)
{
    if (!my_slot_tried) {
        my_slot_tried = 1;
        pthread_mutex_lock(&slots_lock);
        if (slots_used < nslots)
            my_slot = &slots[slots_used++];
        pthread_mutex_unlock(&slots_lock);
    }
    return my_slot;
}

static void set_error(sd_job_t *job, int code, const char *msg)
{
    job->code = code;
    snprintf(job->errmsg, sizeof job->errmsg, "%s", msg);
}

/* Notes whether DB, just opened or moved, reads only local shards: those
 * that have a snapshot key (a remote or left-out shard has none). */
static void note_local(ps_db_t *db)
{
    char snap[SNAPSHOT_MAX];
    atomic_store(&all_local, ps_db_snapshot(db, snap, sizeof snap) == PS_OK);
}

int sd_worker_local(void)
{
    return atomic_load(&all_local);
}

/* Makes S->db usable: opened if it is not, moved to the newest revision if
 * a reload was asked for or the interval passed. Returns 0, or -1 with the
 * error in JOB. */
static int ready_db(slot_t *s, sd_job_t *job)
{
    unsigned long want = atomic_load(&epoch);
    uint64_t now = sd_now_ns();
    if (s->db && (s->epoch != want || now - s->checked_ns >= reopen_ns)) {
        int changed = 0;
        ps_status_t st = ps_db_reopen(s->db, &changed);
        uint64_t t = sd_now_ns();
        sd_stats_db_reopen(t - now, changed, st == PS_OK);
        if (st == PS_OK && changed)
            note_local(s->db);
        if (st != PS_OK) {
            /* Start afresh below: the generation may have been switched
             * and the old one removed. */
            ps_db_close(s->db);
            s->db = NULL;
        }
        s->epoch = want;
        s->checked_ns = t;
    }
    if (s->db)
        return 0;
    char *errmsg = NULL;
    ps_status_t st = ps_db_open_opts(index_dir, &db_opts, &s->db, &errmsg);
    sd_stats_db_open(st == PS_OK);
    s->epoch = want;
    s->checked_ns = sd_now_ns();
    if (st == PS_OK) {
        free(errmsg);
        note_local(s->db);
        return 0;
    }
    s->db = NULL;
    char msg[256];
    if (st == PS_ENOINDEX)
        snprintf(msg, sizeof msg, "no index at %s (yet)", index_dir);
    else
        snprintf(msg, sizeof msg, "%s: %s", index_dir,
                 errmsg ? errmsg : ps_status_str(st));
    free(errmsg);
    set_error(job, st, msg);
    return -1;
}

/* An op's answer: a search's as the engine wrote it, with what the cache
 * needs to know of it; any other op's as a tree. */
typedef struct answer {
    json_t *json;
    char *text;
    size_t text_len;
    ps_search_info_t info;
} answer_t;

static int answer_ready(const answer_t *a)
{
    return a->json || a->text;
}

static void answer_clear(answer_t *a)
{
    json_decref(a->json);
    free(a->text);
    memset(a, 0, sizeof *a);
}

/* The search and facets ops: ps_search_text() with the request's limits,
 * the answer as text into JOB's answer; the number of matches goes to
 * JOB's log line. */
static ps_status_t op_search(ps_db_t *db, sd_job_t *job, answer_t *a,
                             size_t *errpos)
{
    const sd_request_t *r = &job->req;
    ps_search_opts_t o;
    memset(&o, 0, sizeof o);
    o.query = r->q;
    o.offset = r->offset;
    o.limit = r->limit;
    o.max_hits = r->max_hits;
    o.hit_lines = r->lines;
    o.facets = r->facets;
    o.time_budget = job->time_budget;
    o.no_results = r->op == SD_OP_FACETS;
    ps_status_t st =
        ps_search_text(db, &o, &a->text, &a->text_len, &a->info, errpos);
    if (st == PS_OK)
        job->hits = a->info.total;
    return st;
}

/* The doc op: lines of one article and, when asked, its entities and who
 * of them (or anyone) said what. */
static ps_status_t op_doc(ps_db_t *db, const sd_request_t *r, json_t **out)
{
    ps_status_t st = ps_db_document(db, r->path, r->from, r->to, out);
    if (st != PS_OK || !r->entities)
        return st;
    json_t *ents = NULL, *quotes = NULL;
    st = ps_db_entities(db, r->path, &ents);
    if (st == PS_OK && json_object_set_new(*out, "entities", ents))
        st = PS_ENOMEM;
    if (st == PS_OK)
        st = ps_db_quotes(db, r->path, &quotes);
    if (st == PS_OK && json_object_set_new(*out, "quotes", quotes))
        st = PS_ENOMEM;
    if (st != PS_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* The stats op (the daemon's counters and the index's) or, with RELOAD,
 * the reload op's answer: the revision and generation now open. */
static ps_status_t op_stats(ps_db_t *db, sd_job_t *job, int reload,
                            json_t **out)
{
    json_t *ix = NULL;
    ps_status_t st = ps_db_stats(db, &ix);
    *out = json_object();
    if (st == PS_OK && *out) {
        if (reload) {
            json_object_set(*out, "revision", json_object_get(ix, "revision"));
            json_object_set(*out, "generation",
                            json_object_get(ix, "generation"));
            json_object_set_new(*out, "epoch",
                                json_integer((json_int_t)job->epoch));
            json_decref(ix);
        } else {
            json_object_set(*out, "daemon", job->daemon);
            json_object_set_new(*out, "index", ix);
        }
        return PS_OK;
    }
    json_decref(ix);
    return st;
}

/* Runs the request on DB into A. Returns 1, or 0 with the error in JOB
 * (and A empty). */
static int run_op(ps_db_t *db, sd_job_t *job, answer_t *a)
{
    const sd_request_t *r = &job->req;
    ps_status_t st = PS_EINTERNAL;
    size_t errpos = (size_t)-1;
    if (r->op == SD_OP_SEARCH || r->op == SD_OP_FACETS)
        st = op_search(db, job, a, &errpos);
    else if (r->op == SD_OP_DOC)
        st = op_doc(db, r, &a->json);
    else if (r->op == SD_OP_STATS || r->op == SD_OP_RELOAD)
        st = op_stats(db, job, r->op == SD_OP_RELOAD, &a->json);
    if (st == PS_OK && !answer_ready(a))
        st = PS_ENOMEM;
    if (st == PS_OK)
        return 1;
    answer_clear(a);
    set_error(job, st, st == PS_ENOMEM ? ps_status_str(st) : ps_db_errmsg(db));
    if (st == PS_EBADQUERY && errpos != (size_t)-1)
        job->position = (long)errpos;
    return 0;
}

/* The stats op answers even without an index: the daemon's counters are
 * worth having exactly when something is wrong. */
static json_t *stats_without_index(sd_job_t *job)
{
    json_t *out = json_object(), *e = json_object();
    if (!out || !e ||
        json_object_set_new(e, "code", json_string(sd_code_name(job->code))) ||
        json_object_set_new(e, "message", json_string(job->errmsg)) ||
        json_object_set(out, "daemon", job->daemon) ||
        json_object_set_new(out, "index", json_null())) {
        json_decref(out);
        json_decref(e);
        return NULL;
    }
    if (json_object_set_new(out, "index_error", e)) {
        json_decref(out);
        return NULL;
    }
    job->code = 0;
    return out;
}

/* ---- The answer cache ------------------------------------------------
 * A key is the snapshot key of the handle (the committed state it reads)
 * followed by every field of the request that the answer depends on, but
 * not its id. The value is the answer line after its id, behind the
 * search's "total" for the log; a hit is the value with the asker's own
 * id in front, byte for byte the line a search would have made. */

typedef struct answer_key {
    char *bytes; /* malloc'ed; NULL when the answer is not to be cached */
    size_t len;
    size_t snap_len; /* the snapshot key at the start of bytes */
} answer_key_t;

/* Searches and facets are the expensive answers, and depend only on the
 * index and the request. A doc answer is a cheap lookup; stats, reload and
 * ping must always be fresh. */
static int cacheable(sd_op_t op)
{
    return op == SD_OP_SEARCH || op == SD_OP_FACETS;
}

/* Fills K for the request R on DB, or leaves K->bytes NULL when DB has no
 * snapshot key (a remote or left-out shard: such answers are never kept)
 * or memory is short. */
static void make_key(ps_db_t *db, const sd_request_t *r, answer_key_t *k)
{
    char snap[SNAPSHOT_MAX];
    memset(k, 0, sizeof *k);
    if (ps_db_snapshot(db, snap, sizeof snap) != PS_OK)
        return;
    /* The parsed fields, not the request's text: {"limit":0} and no limit
     * are the same search, and so are fields given in another order. The
     * snapshot key has no NUL and the fields have a fixed size, so the
     * query is what remains and no two requests share a key. The query
     * budget and the other settings are the same for every request. */
    uint32_t f[6] = {(uint32_t)r->op, r->limit,  r->offset,
                     r->max_hits,     r->facets, (uint32_t)r->lines};
    size_t sl = strlen(snap), ql = strlen(r->q);
    k->len = sl + 1 + sizeof f + ql;
    if (!(k->bytes = malloc(k->len)))
        return;
    memcpy(k->bytes, snap, sl + 1);
    memcpy(k->bytes + sl + 1, f, sizeof f);
    memcpy(k->bytes + sl + 1 + sizeof f, r->q, ql);
    k->snap_len = sl;
}

/* Whether DB still reads the state K was made for: a search that met a
 * new revision (and reopened to run again) answered from that one. */
static int same_snapshot(ps_db_t *db, const answer_key_t *k)
{
    char snap[SNAPSHOT_MAX];
    return ps_db_snapshot(db, snap, sizeof snap) == PS_OK &&
           strlen(snap) == k->snap_len && !memcmp(snap, k->bytes, k->snap_len);
}

/* Answers JOB from the cache if it holds its key. Returns 1 on a hit, with
 * the line in JOB. */
static int answer_from_cache(sd_job_t *job, const answer_key_t *k)
{
    sd_cache_value_t *v = sd_cache_get(cache, k->bytes, k->len);
    if (!v)
        return 0;
    size_t n;
    const char *b = sd_cache_value_bytes(v, &n);
    int64_t hits;
    memcpy(&hits, b, sizeof hits);
    job->line = sd_response_splice(job->req.id, b + sizeof hits,
                                   n - sizeof hits, &job->len);
    sd_cache_value_release(v);
    job->hits = hits;
    job->cached = 1;
    return 1;
}

/* Keeps the answer line of JOB, made from the search answer A, under K.
 * Only a whole answer is kept: one cut short by the query budget might
 * not be cut short the next time. */
static void keep_answer(sd_job_t *job, const answer_t *a, const answer_key_t *k)
{
    if (!a->text || (double)a->info.elapsed_us >= job->time_budget * 1e6 ||
        a->info.partial)
        return;
    long at = sd_response_rest(job->req.id, job->line, job->len);
    if (at < 0)
        return;
    size_t rest = job->len - (size_t)at;
    int64_t hits = job->hits;
    char *v = malloc(sizeof hits + rest);
    if (!v)
        return;
    memcpy(v, &hits, sizeof hits);
    memcpy(v + sizeof hits, job->line + at, rest);
    /* Too large or out of memory: the answer is simply not kept. */
    (void)sd_cache_put(cache, k->bytes, k->len, v, sizeof hits + rest);
    free(v);
}

static void work_cb(uv_work_t *w)
{
    sd_job_t *job = w->data;
    job->hits = -1;
    job->position = -1;
    slot_t tmp = {0}, *s = get_slot();
    if (!s)
        s = &tmp; /* no slot left: a handle for this job only */
    answer_t a = {0};
    answer_key_t key = {0};
    if (ready_db(s, job) == 0) {
        /* The key is taken after ready_db(), so an answer is exactly as
         * fresh as the handle: what it would be without a cache. */
        if (cache && cacheable(job->req.op))
            make_key(s->db, &job->req, &key);
        if (!key.bytes || !answer_from_cache(job, &key)) {
            int ok = run_op(s->db, job, &a);
            /* The index moved under the search even after the engine's
             * own retry: try once more from the newest revision. */
            if (!ok && job->code == PS_EMODIFIED &&
                ps_db_reopen(s->db, NULL) == PS_OK) {
                job->code = 0;
                job->position = -1;
                ok = run_op(s->db, job, &a);
            }
            if (key.bytes && (!ok || !same_snapshot(s->db, &key))) {
                free(key.bytes);
                key.bytes = NULL;
            }
            /* A handle that failed this way is suspect: start afresh next
             * time rather than keep failing. */
            if (!ok && (job->code == PS_ECORRUPT || job->code == PS_EIO)) {
                ps_db_close(s->db);
                s->db = NULL;
            }
        }
    } else if (job->req.op == SD_OP_STATS) {
        a.json = stats_without_index(job);
    }
    if (s == &tmp)
        ps_db_close(tmp.db);
    if (answer_ready(&a)) {
        job->line = a.text ? sd_response_ok_text(job->req.id, a.text,
                                                 a.text_len, &job->len)
                           : sd_response_ok(job->req.id, a.json, &job->len);
        if (key.bytes && job->line && job->len <= job->max_len)
            keep_answer(job, &a, &key);
    } else if (!job->cached) {
        job->line = sd_response_error(job->req.id, job->code, job->errmsg,
                                      job->position, &job->len);
    }
    free(key.bytes);
    answer_clear(&a);
    /* A hit is checked too: another id may make the same answer longer. */
    if (job->line && job->len > job->max_len) {
        free(job->line);
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the answer of %zu bytes is over max-output (%zu); ask for "
                 "fewer results or lines",
                 job->len, job->max_len);
        set_error(job, SD_ETOOLARGE, msg);
        job->line = sd_response_error(job->req.id, job->code, job->errmsg, -1,
                                      &job->len);
    }
    if (!job->line && !job->code)
        set_error(job, PS_ENOMEM, "out of memory encoding the response");
}

static void after_work_cb(uv_work_t *w, int status)
{
    (void)status; /* jobs are never cancelled */
    sd_job_t *job = w->data;
    job->done(job);
}

void sd_worker_run_here(sd_job_t *job)
{
    job->work.data = job;
    work_cb(&job->work);
    after_work_cb(&job->work, 0);
}

int sd_worker_submit(uv_loop_t *loop, sd_job_t *job)
{
    job->work.data = job;
    return uv_queue_work(loop, &job->work, work_cb, after_work_cb);
}
