/* Choosing who answers psearch, the daemon or the index itself, and
 * opening that side: with --socket it must be the daemon; otherwise the
 * daemon when it answers (and, when the index was named, serves that same
 * index), else the index opened directly. */
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/common.h"

/* How long to wait for the daemon to accept a connection. A daemon on a
 * local socket accepts at once unless its backlog is full; waiting longer
 * only delays the fall-back to the index. */
#define CONNECT_MS 500

void route_daemon_error(const run_t *r, const json_t *resp)
{
    const json_t *e = json_object_get(resp, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    fprintf(stderr, "psearch: the daemon at %s refused: %s%s%s\n",
            r->socket_path, code ? code : "error", msg ? ": " : "",
            msg ? msg : "");
}

/* Whether the daemon's index directory SERVED is the one wanted: the
 * same directory once symbolic links and relative parts are resolved. */
static int same_index(const char *wanted, const char *served)
{
    char *a = realpath(wanted, NULL), *b = realpath(served, NULL);
    int same = strcmp(a ? a : wanted, b ? b : served) == 0;
    free(a);
    free(b);
    return same;
}

/* The index directory the daemon's stats answer names: the open index's
 * own path, else the directory it was told to serve (it may not have
 * opened it yet). */
static const char *stats_path(const json_t *st)
{
    const char *p = json_string_value(
        json_object_get(json_object_get(st, "index"), "path"));
    if (p)
        return p;
    return json_string_value(
        json_object_get(json_object_get(st, "daemon"), "index_dir"));
}

/* Asks the connected daemon which index it serves: ROUTE_DAEMON when it
 * is R's, ROUTE_DIRECT when not (ROUTE_ERROR when --socket insisted on
 * that daemon, or the question failed). */
static int check_served(run_t *r)
{
    char err[512];
    json_t *req = json_pack("{s:s}", "op", "stats");
    json_t *resp = NULL;
    client_status_t cs =
        req ? client_call(r->client, req, &resp, err, sizeof err)
            : CLIENT_FAILED;
    json_decref(req);
    if (cs != CLIENT_OK) {
        fprintf(stderr, "psearch: %s\n", req ? err : "out of memory");
        return ROUTE_ERROR;
    }
    const char *served =
        json_is_true(json_object_get(resp, "ok")) ? stats_path(resp) : NULL;
    int same = served && same_index(r->index_dir, served);
    if (!same && r->o->socket) {
        fprintf(stderr, "psearch: the daemon at %s serves %s, not %s\n",
                r->socket_path, served ? served : "an unknown index",
                r->index_dir);
        json_decref(resp);
        return ROUTE_ERROR;
    }
    json_decref(resp);
    return same ? ROUTE_DAEMON : ROUTE_DIRECT;
}

/* With --socket it must be the daemon. Otherwise the daemon is used when
 * it answers at all, and, when the index was named (--index or
 * $PSEARCH_INDEX), only when its stats say it serves that index: a daemon
 * for another index would answer another question. Anything short of a
 * connection means direct, as nothing was sent. */
int route_choose(run_t *r)
{
    const options_t *o = r->o;
    if (o->direct)
        return ROUTE_DIRECT;
    char err[512];
    client_status_t cs = client_connect(
        r->socket_path, CONNECT_MS, o->timeout_ms, &r->client, err, sizeof err);
    if (cs != CLIENT_OK) {
        if (!o->socket)
            return ROUTE_DIRECT;
        fprintf(stderr, "psearch: %s (is psearchd running?)\n", err);
        return ROUTE_ERROR;
    }
    const char *env = getenv("PSEARCH_INDEX");
    if (!o->index && !(env && env[0]))
        return ROUTE_DAEMON;
    int route = check_served(r);
    if (route == ROUTE_DIRECT)
        route_drop_daemon(r);
    return route;
}

void route_drop_daemon(run_t *r)
{
    client_close(r->client);
    r->client = NULL;
}

int route_open_direct(run_t *r)
{
    const options_t *o = r->o;
    if (r->db)
        return 0;
    if (!r->index_dir) {
        fprintf(stderr, "psearch: no index directory: give --index or set "
                        "$PSEARCH_INDEX\n");
        return -1;
    }
    r->eng = engine_load();
    if (!r->eng)
        return -1;
    char *errmsg = NULL;
    ps_db_opts_t dbo = {.remote_timeout_ms = (unsigned)o->timeout_ms,
                        .partial = o->partial};
    ps_status_t st = r->eng->db_open_opts(r->index_dir, &dbo, &r->db, &errmsg);
    if (st == PS_ENOINDEX) {
        fprintf(stderr,
                "psearch: no index in %s\n"
                "Build one with: psearch-index --index %s "
                "CORPUS_DIR\n",
                r->index_dir, r->index_dir);
    } else if (st != PS_OK && errmsg) {
        /* The engine's message starts with the index directory. */
        fprintf(stderr, "psearch: %s\n", errmsg);
    } else if (st != PS_OK) {
        fprintf(stderr, "psearch: %s: %s\n", r->index_dir, ps_status_str(st));
    }
    free(errmsg);
    return st == PS_OK ? 0 : -1;
}

void route_close(run_t *r)
{
    client_close(r->client);
    if (r->db)
        r->eng->db_close(r->db);
    free(r->index_dir);
    free(r->socket_path);
}
