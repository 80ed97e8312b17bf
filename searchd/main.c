/* psearchd: the search daemon. Reads the options (options.c), vets the
 * socket and the index, starts the server and the signal handlers, runs
 * the loop in the foreground and shuts down cleanly on SIGTERM or
 * SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "base/nofile.h"
#include "config.h"
#include "endpoint.h"
#include "log.h"
#include "options.h"
#include "psearch/paths.h"
#include "psearch/search.h"
#include "server.h"
#include "stats.h"
#include "worker.h"

#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

/* Opens the index once on this thread to say in the log what the daemon
 * will serve. A missing index is not fatal: the nightly job may create
 * it, and requests get ENOINDEX until then. */
static void probe_index(const char *dir, const ps_db_opts_t *opts)
{
    ps_db_t *db = NULL;
    char *errmsg = NULL;
    ps_status_t st = ps_db_open_opts(dir, opts, &db, &errmsg);
    if (st == PS_ENOINDEX) {
        sd_log("warning: no index at %s yet; answering ENOINDEX until it "
               "appears",
               dir);
    } else if (st != PS_OK) {
        sd_log("warning: index %s: %s: %s; answering with errors until it "
               "is fixed",
               dir, ps_status_name(st), errmsg ? errmsg : ps_status_str(st));
    } else {
        json_t *stats = NULL;
        if (ps_db_stats(db, &stats) == PS_OK) {
            sd_log("index %s: %lld documents, revision %lld", dir,
                   (long long)json_integer_value(
                       json_object_get(stats, "documents")),
                   (long long)json_integer_value(
                       json_object_get(stats, "revision")));
        }
        json_decref(stats);
    }
    free(errmsg);
    ps_db_close(db);
}

/* DIR made absolute against the working directory, so that the stats
 * answer names the index unambiguously for clients (psearch compares it
 * with its own --index). DIR is taken over. NULL when out of memory. */
static char *absolute(char *dir)
{
    if (!dir || dir[0] == '/')
        return dir;
    char *cwd = getcwd(NULL, 0);
    char *abs = cwd ? malloc(strlen(cwd) + strlen(dir) + 2) : NULL;
    if (abs)
        sprintf(abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", dir);
    free(cwd);
    free(dir);
    return abs;
}

static uv_signal_t sig_term, sig_int, sig_hup;
static int signals_ready;

static void on_signal_close(uv_handle_t *h)
{
    (void)h; /* static storage: nothing to free */
}

static void on_stopped(sd_server_t *srv, void *data)
{
    (void)srv;
    (void)data;
    if (!signals_ready)
        return;
    uv_close((uv_handle_t *)&sig_term, on_signal_close);
    uv_close((uv_handle_t *)&sig_int, on_signal_close);
    uv_close((uv_handle_t *)&sig_hup, on_signal_close);
}

static void on_signal(uv_signal_t *h, int signum)
{
    sd_server_t *srv = h->data;
    if (signum == SIGHUP) {
        sd_worker_reload();
        sd_log("SIGHUP: workers will reopen the index (epoch %lu)",
               sd_worker_epoch());
        return;
    }
    sd_log("%s: stopping", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    sd_server_stop(srv, on_stopped, NULL);
}

static int start_signals(uv_loop_t *loop, sd_server_t *srv)
{
    uv_signal_t *hs[] = {&sig_term, &sig_int, &sig_hup};
    int nums[] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(loop, hs[i]);
        hs[i]->data = srv;
    }
    signals_ready = 1;
    for (int i = 0; i < 3; i++) {
        int rc = uv_signal_start(hs[i], on_signal, nums[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void on_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    sd_log("internal: handle of type %s still open at exit",
           uv_handle_type_name(uv_handle_get_type(h)));
}

/* Everything the daemon holds, for its steps and the clean-up. */
typedef struct daemon {
    const options_t *o;
    char *index_dir, *socket_path;
    struct sockaddr_storage tcp_addr;
    int loopback;  /* the --tcp address is a loopback one */
    int reclaimed; /* a stale socket was removed */
    uv_loop_t loop;
    int loop_ready;
    sd_server_t *srv;
    ps_db_opts_t db_opts;
} daemon_t;

/* Resolves and vets the index directory, the --tcp address and the
 * socket, before anything starts: EXIT_OK, or the exit code after a
 * message. */
static int prepare(daemon_t *d)
{
    const options_t *o = d->o;
    char err[512];
    d->index_dir = absolute(ps_index_resolve_dir(o->index));
    d->socket_path = ps_socket_resolve_path(o->socket);
    if (!d->index_dir || !d->socket_path) {
        fprintf(stderr, "psearchd: %s\n",
                !d->index_dir ? "no index directory: give --index or set "
                                "$PSEARCH_INDEX"
                              : "out of memory");
        return EXIT_USAGE;
    }
    d->loopback = 1;
    if (o->tcp && sd_endpoint_tcp_parse(o->tcp, o->allow_remote, &d->tcp_addr,
                                        &d->loopback, err, sizeof err)) {
        fprintf(stderr, "psearchd: %s\n", err);
        return EXIT_USAGE;
    }
    sd_ep_status_t es = sd_endpoint_unix_prepare(d->socket_path, &d->reclaimed,
                                                 err, sizeof err);
    if (es != SD_EP_OK) {
        fprintf(stderr, "psearchd: %s\n", err);
        return es == SD_EP_SYSTEM ? EXIT_FAILED : EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Starts the loop, the workers and the server: 0, or -1 after a
 * message. */
static int start(daemon_t *d)
{
    const options_t *o = d->o;
    if (uv_loop_init(&d->loop) < 0) {
        fprintf(stderr, "psearchd: cannot start the event loop\n");
        return -1;
    }
    d->loop_ready = 1;
    sd_stats_init();
    d->db_opts = (ps_db_opts_t){
        .remote_timeout_ms = (unsigned)o->cfg.v[SD_REMOTE_TIMEOUT],
        .partial = o->partial,
    };
    if (sd_worker_init(d->index_dir, &d->db_opts,
                       (unsigned)o->cfg.v[SD_THREADS],
                       o->cfg.v[SD_REOPEN_INTERVAL], o->cfg.v[SD_CACHE_SIZE]) ||
        !(d->srv = sd_server_new(&d->loop, &o->cfg, d->index_dir))) {
        fprintf(stderr, "psearchd: out of memory\n");
        return -1;
    }
    sd_log("psearchd %s starting: index %s, %llu worker threads", PS_VERSION,
           d->index_dir, (unsigned long long)o->cfg.v[SD_THREADS]);
    if (d->reclaimed)
        sd_log("removed the stale socket %s left by a daemon that did not "
               "stop cleanly",
               d->socket_path);
    probe_index(d->index_dir, &d->db_opts);
    return 0;
}

/* Listens on the socket (shared as --socket-mode and --socket-group say)
 * and on --tcp, and starts the signal handlers: 0, or a libuv error with
 * a message in ERR (empty: uv_strerror's). */
static int listen_all(daemon_t *d, char *err, size_t errlen)
{
    const options_t *o = d->o;
    int rc = sd_server_listen_unix(d->srv, d->socket_path, err, errlen);
    if (rc == 0 && (o->socket_mode != 0600 || o->socket_group != (gid_t)-1)) {
        sd_ep_status_t es = sd_endpoint_unix_share(
            d->socket_path, o->socket_mode, o->socket_group, err, errlen);
        if (es != SD_EP_OK)
            rc = es == SD_EP_CONFIG ? UV_EPERM : UV_EIO;
    }
    if (rc == 0 && o->tcp) {
        if (!d->loopback)
            sd_log("warning: listening on a non-loopback address; anyone "
                   "who can reach it can search the index");
        rc = sd_server_listen_tcp(d->srv, (struct sockaddr *)&d->tcp_addr, err,
                                  errlen);
    }
    if (rc == 0)
        rc = start_signals(&d->loop, d->srv);
    return rc;
}

/* Serves until a signal stops the daemon: the exit code. */
static int serve(daemon_t *d)
{
    char err[512] = "";
    int rc = listen_all(d, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "psearchd: %s\n", err[0] ? err : uv_strerror(rc));
        sd_server_stop(d->srv, on_stopped, NULL);
        uv_run(&d->loop, UV_RUN_DEFAULT);
        return rc == UV_EADDRINUSE || rc == UV_EPERM ? EXIT_USAGE : EXIT_FAILED;
    }
    sd_log("ready");
    uv_run(&d->loop, UV_RUN_DEFAULT);
    sd_log("stopped");
    return EXIT_OK;
}

/* Closes what D opened; EXIT_FAILED when a handle was left open. */
static int finish(daemon_t *d, int exit_code)
{
    /* Everything was closed by the stop; a handle still open here is a
     * bug, named in the log. */
    if (d->loop_ready && uv_loop_close(&d->loop) == UV_EBUSY) {
        uv_walk(&d->loop, on_walk, NULL);
        exit_code = EXIT_FAILED;
    }
    sd_server_free(d->srv);
    sd_worker_cleanup();
    free(d->index_dir);
    free(d->socket_path);
    return exit_code;
}

int main(int argc, char **argv)
{
    options_t o;
    int rc = sd_parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_USAGE : EXIT_OK;
    sd_log_verbose = o.verbose;
    /* Each worker thread holds every shard of the index open. */
    ps__raise_open_files();

    /* libuv reads the pool size when the first job is queued. */
    char threads[16];
    snprintf(threads, sizeof threads, "%llu",
             (unsigned long long)o.cfg.v[SD_THREADS]);
    setenv("UV_THREADPOOL_SIZE", threads, 1);
    /* A client that goes away must cost a failed write, not the daemon. */
    signal(SIGPIPE, SIG_IGN);

    daemon_t d = {.o = &o};
    int exit_code = prepare(&d);
    if (exit_code == EXIT_OK)
        exit_code = start(&d) ? EXIT_FAILED : serve(&d);
    return finish(&d, exit_code);
}
