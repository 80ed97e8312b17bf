/* psearchd's request dispatch: parses each request line, answers ping at
 * once, hands every other op to the thread pool (or, for a lone client on
 * a local index, runs it on the loop thread) and sends its answer back
 * on the connection it came from, logging failures (and, with --verbose,
 * every request) and counting requests, errors and limit breaches in
 * stats. The connection layer (conn.c) decides when a line is read. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "response.h"
#include "stats.h"
#include "worker.h"

void sd_dispatch_init(sd_dispatch_t *d, uv_loop_t *loop, const sd_config_t *cfg,
                      const char *index_dir)
{
    memset(d, 0, sizeof *d);
    d->loop = loop;
    d->cfg = cfg;
    d->index_dir = index_dir;
    d->lim.max_limit = (unsigned)cfg->v[SD_MAX_LIMIT];
    d->lim.max_offset = (unsigned)cfg->v[SD_MAX_OFFSET];
    d->lim.max_hits = (unsigned)cfg->v[SD_MAX_HITS];
    d->lim.max_facets = (unsigned)cfg->v[SD_MAX_FACETS];
}

/* The setting an ELIMIT error of the parser refers to. */
static int setting_named(const char *name)
{
    for (int i = 0; name && i < SD_SETTING__COUNT; i++)
        if (!strcmp(name, sd_config_name((sd_setting_t)i)))
            return i;
    return -1;
}

/* A short, escaped rendering of a client's string for the log. */
static void quote(const char *s, char *out, size_t len)
{
    json_t *j = json_string(s);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!q) {
        snprintf(out, len, "\"?\"");
        return;
    }
    if (strlen(q) >= len && len > 4)
        snprintf(out, len, "%.*s...", (int)(len - 4), q);
    else
        snprintf(out, len, "%s", q);
    free(q);
}

static void log_request(sd_conn_t *c, const sd_request_t *r, long long hits,
                        int cached, uint64_t start_ns)
{
    char what[240] = "";
    if (r->q)
        quote(r->q, what, sizeof what);
    else if (r->path)
        quote(r->path, what, sizeof what);
    char h[32] = "";
    if (hits >= 0)
        snprintf(h, sizeof h, " hits=%lld", hits);
    sd_log("%s: %s%s%s%s %lluus%s", c->name, sd_op_name(r->op),
           what[0] ? " " : "", what, h,
           (unsigned long long)((sd_now_ns() - start_ns) / 1000),
           cached ? " (cached)" : "");
}

/* The daemon's half of the stats answer; the worker adds the index's. */
static json_t *daemon_stats(const sd_dispatch_t *d)
{
    sd_cache_counters_t cache;
    sd_worker_cache_counters(&cache);
    json_t *o = sd_stats_json(d->cfg, &cache);
    if (!o)
        return NULL;
    json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
    json_object_set_new(o, "index_dir", json_string(d->index_dir));
    if (d->socket_path)
        json_object_set_new(o, "socket", json_string(d->socket_path));
    json_object_set_new(o, "reload_epoch",
                        json_integer((json_int_t)sd_worker_epoch()));
    return o;
}

/* Counts and logs a job's error. */
static void job_failed(sd_conn_t *c, const sd_job_t *job)
{
    sd_stats_error(job->code);
    if (job->code == PS_ETIMEOUT)
        sd_stats_limit(SD_QUERY_BUDGET);
    if (job->code == SD_ETOOLARGE)
        sd_stats_limit(SD_MAX_OUTPUT);
    sd_log("%s: %s failed: %s: %s", c->name, sd_op_name(job->req.op),
           sd_code_name(job->code), job->errmsg);
}

/* Jobs handed to the pool and not yet answered (loop thread only). */
static unsigned jobs_out;

/* On the loop thread, once the pool has answered: sends the answer, if
 * the client is still there, and lets the connection go on. */
static void job_done(sd_job_t *job)
{
    sd_conn_t *c = job->data;
    if (!c->dead) {
        if (job->code)
            job_failed(c, job);
        if (job->line) {
            sd_conn_send(c, job->line, job->len);
            job->line = NULL;
        } else {
            sd_conn_error(c, job->req.id, PS_ENOMEM,
                          "out of memory building the answer", -1);
        }
        if (sd_log_verbose)
            log_request(c, &job->req, job->hits, job->cached, job->start_ns);
    }
    sd_job_free(job);
    sd_conn_answered(c);
}

/* job_done() for a job that went to the pool. */
static void pool_job_done(sd_job_t *job)
{
    jobs_out--;
    job_done(job);
}

/* ping, answered on the loop thread. */
static void answer_ping(sd_conn_t *c, sd_request_t *req, uint64_t t0)
{
    size_t n;
    json_t *pong = json_pack("{s:b}", "pong", 1);
    char *out = pong ? sd_response_ok(req->id, pong, &n) : NULL;
    json_decref(pong);
    if (out)
        sd_conn_send(c, out, n);
    else
        sd_conn_error(c, req->id, PS_ENOMEM, "out of memory", -1);
    if (sd_log_verbose)
        log_request(c, req, -1, 0, t0);
}

/* Builds the job for REQ (taken over); NULL after an error answer. */
static sd_job_t *make_job(const sd_dispatch_t *d, sd_conn_t *c,
                          sd_request_t *req, uint64_t t0)
{
    sd_job_t *job = calloc(1, sizeof *job);
    if (!job) {
        sd_conn_error(c, req->id, PS_ENOMEM, "out of memory", -1);
        sd_request_free(req);
        return NULL;
    }
    job->req = *req;
    job->start_ns = t0;
    job->time_budget = (double)d->cfg->v[SD_QUERY_BUDGET] / 1000.0;
    job->max_len = (size_t)d->cfg->v[SD_MAX_OUTPUT];
    job->done = job_done;
    job->data = c;
    if (req->op == SD_OP_STATS && !(job->daemon = daemon_stats(d))) {
        sd_conn_error(c, req->id, PS_ENOMEM, "out of memory", -1);
        sd_job_free(job);
        return NULL;
    }
    if (req->op == SD_OP_RELOAD) {
        sd_worker_reload();
        job->epoch = sd_worker_epoch();
        sd_log("%s: reload asked for (epoch %lu)", c->name, job->epoch);
    }
    return job;
}

void sd_dispatch_line(const sd_dispatch_t *d, sd_conn_t *c, const char *line,
                      size_t len)
{
    uint64_t t0 = sd_now_ns();
    sd_request_t req;
    sd_request_error_t err;
    if (sd_request_parse(line, len, &d->lim, &req, &err)) {
        int lim = err.code == SD_ELIMIT ? setting_named(err.limit) : -1;
        if (lim >= 0)
            sd_stats_limit((sd_setting_t)lim);
        sd_log("%s: %s: %s", c->name, sd_code_name(err.code), err.message);
        sd_conn_error(c, req.id, err.code, err.message, err.position);
        sd_request_free(&req);
        return;
    }
    sd_stats_request(req.op);
    if (req.op == SD_OP_PING) {
        answer_ping(c, &req, t0);
        sd_request_free(&req);
        return;
    }
    sd_job_t *job = make_job(d, c, &req, t0);
    if (!job)
        return;
    /* A lone client waits for nobody but itself: its request runs here,
     * without the two thread switches of the pool's hand-off and answer
     * (the loop thread has a handle of its own). With a second client
     * connected, or a job on the pool, requests go to the pool, so that
     * no one waits behind another's search; so do the requests a client
     * pipelines, but for the last read, so that the loop comes back to
     * its sockets (and a new client) after each request it runs. Over
     * remote shards, where a search may wait on the network for the
     * remote timeout, every request goes to the pool. */
    if (sd_stats_clients() == 1 && jobs_out == 0 && sd_worker_local() &&
        !sd_conn_more_lines(c)) {
        sd_stats_on_loop();
        sd_conn_hold(c);
        sd_worker_run_here(job);
        return;
    }
    job->done = pool_job_done;
    int rc = sd_worker_submit(d->loop, job);
    if (rc < 0) {
        sd_log("%s: cannot queue the request: %s", c->name, uv_strerror(rc));
        sd_conn_error(c, job->req.id, PS_EINTERNAL, "cannot queue the request",
                      -1);
        sd_job_free(job);
        return;
    }
    jobs_out++;
    sd_conn_hold(c);
}
