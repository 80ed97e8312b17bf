/* psearchd: the search daemon. Parses the options, vets the socket and
 * the index, starts the server and the signal handlers, runs the loop in
 * the foreground and shuts down cleanly on SIGTERM or SIGINT. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "config.h"
#include "endpoint.h"
#include "log.h"
#include "psearch/paths.h"
#include "psearch/search.h"
#include "server.h"
#include "stats.h"
#include "worker.h"

#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

/* Exit codes, documented in the README and in --help. */
enum {
    EXIT_OK = 0,     /* stopped by SIGTERM or SIGINT */
    EXIT_FAILED = 1, /* a runtime or system failure */
    EXIT_USAGE = 2,  /* bad arguments or configuration, socket in use */
};

typedef struct options {
    const char *index, *socket, *tcp;
    int allow_remote;
    int partial; /* answer from the shards that answer */
    mode_t socket_mode;
    gid_t socket_group; /* (gid_t)-1: the daemon's own */
    sd_config_t cfg;
} options_t;

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: psearchd [--index DIR] [--socket PATH] [--tcp HOST:PORT] [options]\n"
        "Answers searches of the psearch index over a Unix socket (and optionally\n"
        "TCP), one JSON request per line. Runs in the foreground and logs to\n"
        "stderr; SIGTERM or SIGINT stop it cleanly, SIGHUP makes every worker\n"
        "look for a new index revision at once.\n"
        "\n"
        "  -i, --index DIR       the index (default: $PSEARCH_INDEX, else\n"
        "                        $XDG_DATA_HOME/psearch/index, else\n"
        "                        ~/.local/share/psearch/index). If it does not\n"
        "                        exist yet, requests get ENOINDEX until it does.\n"
        "  -s, --socket PATH     the Unix socket, created with mode 0600 (default:\n"
        "                        $PSEARCH_SOCKET, else $XDG_RUNTIME_DIR/psearch.sock,\n"
        "                        else /tmp/psearch-$UID.sock)\n"
        "      --socket-mode MODE  the socket's mode once bound, octal (0660\n"
        "                        lets its group search; default 0600)\n"
        "      --socket-group GROUP  give the socket to GROUP, one the daemon\n"
        "                        is a member of (default: its own group)\n"
        "      --tcp HOST:PORT   also listen on TCP; a numeric address, loopback\n"
        "                        only (127.0.0.1:7070, [::1]:7070)\n"
        "      --allow-remote    allow a non-loopback --tcp address (there is no\n"
        "                        authentication: anyone who can connect can search)\n"
        "      --partial         when a remote shard of the index does not answer,\n"
        "                        answer from the others, marked \"partial\"\n"
        "                        (default: fail with EREMOTE)\n"
        "  -v, --verbose         log every request: client, op, query, hits, time\n"
        "  -h, --help            show this help\n"
        "  -V, --version         show the version\n"
        "\n"
        "Limits and tunables (TIME in seconds, or with ms; SIZE with K, M, G):\n");
    sd_config_help(f);
    fprintf(
        f,
        "\n"
        "Exit status: 0 stopped by SIGTERM or SIGINT; 1 runtime or system\n"
        "failure; 2 usage or configuration error, or another psearchd already\n"
        "listens on the socket.\n");
}

/* Returns -1 to exit with EXIT_USAGE, 1 to exit 0 (--help, --version). */
static int parse_args(int argc, char **argv, options_t *o)
{
    enum {
        OPT_TCP = 256,
        OPT_ALLOW_REMOTE,
        OPT_PARTIAL,
        OPT_SOCKET_MODE,
        OPT_SOCKET_GROUP,
        OPT_SETTING = 512
    };
    static const struct option fixed[] = {
        {"index", required_argument, 0, 'i'},
        {"socket", required_argument, 0, 's'},
        {"socket-mode", required_argument, 0, OPT_SOCKET_MODE},
        {"socket-group", required_argument, 0, OPT_SOCKET_GROUP},
        {"tcp", required_argument, 0, OPT_TCP},
        {"allow-remote", no_argument, 0, OPT_ALLOW_REMOTE},
        {"partial", no_argument, 0, OPT_PARTIAL},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0] };
    struct option longopts[NFIXED + SD_SETTING__COUNT + 1];
    memcpy(longopts, fixed, sizeof fixed);
    int n = NFIXED + sd_config_longopts(longopts + NFIXED, OPT_SETTING);
    memset(&longopts[n], 0, sizeof longopts[n]);

    memset(o, 0, sizeof *o);
    sd_config_defaults(&o->cfg);
    o->socket_mode = 0600;
    o->socket_group = (gid_t)-1;
    int c;
    char err[256];
    while ((c = getopt_long(argc, argv, "i:s:vhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->index = optarg;
            break;
        case 's':
            o->socket = optarg;
            break;
        case OPT_SOCKET_MODE:
            if (sd_endpoint_mode_parse(optarg, &o->socket_mode, err,
                                       sizeof err)) {
                fprintf(stderr, "psearchd: %s\n", err);
                return -1;
            }
            break;
        case OPT_SOCKET_GROUP:
            if (sd_endpoint_group_parse(optarg, &o->socket_group, err,
                                        sizeof err)) {
                fprintf(stderr, "psearchd: %s\n", err);
                return -1;
            }
            break;
        case OPT_TCP:
            o->tcp = optarg;
            break;
        case OPT_ALLOW_REMOTE:
            o->allow_remote = 1;
            break;
        case OPT_PARTIAL:
            o->partial = 1;
            break;
        case 'v':
            sd_log_verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("psearchd %s\n", PS_VERSION);
            return 1;
        default:
            if (c >= OPT_SETTING && c < OPT_SETTING + SD_SETTING__COUNT) {
                if (sd_config_set(&o->cfg, (sd_setting_t)(c - OPT_SETTING),
                                  optarg, err, sizeof err)) {
                    fprintf(stderr, "psearchd: %s\n", err);
                    return -1;
                }
                break;
            }
            fprintf(stderr, "Try 'psearchd --help'.\n");
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "psearchd: unexpected argument '%s'\n"
                "Try 'psearchd --help'.\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

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

int main(int argc, char **argv)
{
    options_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_USAGE : EXIT_OK;

    /* libuv reads the pool size when the first job is queued. */
    char threads[16];
    snprintf(threads, sizeof threads, "%llu",
             (unsigned long long)o.cfg.v[SD_THREADS]);
    setenv("UV_THREADPOOL_SIZE", threads, 1);
    /* A client that goes away must cost a failed write, not the daemon. */
    signal(SIGPIPE, SIG_IGN);

    int exit_code = EXIT_USAGE;
    char err[512] = "";
    char *index_dir = absolute(ps_index_resolve_dir(o.index));
    char *socket_path = ps_socket_resolve_path(o.socket);
    struct sockaddr_storage tcp_addr;
    int loopback = 1;
    uv_loop_t loop;
    int loop_ready = 0;
    sd_server_t *srv = NULL;
    if (!index_dir || !socket_path) {
        fprintf(stderr, "psearchd: %s\n",
                !index_dir ? "no index directory: give --index or set "
                             "$PSEARCH_INDEX"
                           : "out of memory");
        goto out;
    }
    if (o.tcp && sd_endpoint_tcp_parse(o.tcp, o.allow_remote, &tcp_addr,
                                       &loopback, err, sizeof err)) {
        fprintf(stderr, "psearchd: %s\n", err);
        goto out;
    }
    int reclaimed;
    sd_ep_status_t es =
        sd_endpoint_unix_prepare(socket_path, &reclaimed, err, sizeof err);
    if (es != SD_EP_OK) {
        fprintf(stderr, "psearchd: %s\n", err);
        exit_code = es == SD_EP_SYSTEM ? EXIT_FAILED : EXIT_USAGE;
        goto out;
    }

    exit_code = EXIT_FAILED;
    if (uv_loop_init(&loop) < 0) {
        fprintf(stderr, "psearchd: cannot start the event loop\n");
        goto out;
    }
    loop_ready = 1;
    sd_stats_init();
    ps_db_opts_t db_opts = {
        .remote_timeout_ms = (unsigned)o.cfg.v[SD_REMOTE_TIMEOUT],
        .partial = o.partial,
    };
    if (sd_worker_init(index_dir, &db_opts, (unsigned)o.cfg.v[SD_THREADS],
                       o.cfg.v[SD_REOPEN_INTERVAL], o.cfg.v[SD_CACHE_SIZE]) ||
        !(srv = sd_server_new(&loop, &o.cfg, index_dir))) {
        fprintf(stderr, "psearchd: out of memory\n");
        goto out;
    }
    sd_log("psearchd %s starting: index %s, %llu worker threads", PS_VERSION,
           index_dir, (unsigned long long)o.cfg.v[SD_THREADS]);
    if (reclaimed)
        sd_log("removed the stale socket %s left by a daemon that did not "
               "stop cleanly",
               socket_path);
    probe_index(index_dir, &db_opts);

    rc = sd_server_listen_unix(srv, socket_path, err, sizeof err);
    if (rc == 0 && (o.socket_mode != 0600 || o.socket_group != (gid_t)-1)) {
        es = sd_endpoint_unix_share(socket_path, o.socket_mode, o.socket_group,
                                    err, sizeof err);
        if (es != SD_EP_OK)
            rc = es == SD_EP_CONFIG ? UV_EPERM : UV_EIO;
    }
    if (rc == 0 && o.tcp) {
        if (!loopback)
            sd_log("warning: listening on a non-loopback address; anyone "
                   "who can reach it can search the index");
        rc = sd_server_listen_tcp(srv, (struct sockaddr *)&tcp_addr, err,
                                  sizeof err);
    }
    if (rc == 0)
        rc = start_signals(&loop, srv);
    if (rc < 0) {
        fprintf(stderr, "psearchd: %s\n", err[0] ? err : uv_strerror(rc));
        exit_code =
            rc == UV_EADDRINUSE || rc == UV_EPERM ? EXIT_USAGE : EXIT_FAILED;
        sd_server_stop(srv, on_stopped, NULL);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out;
    }
    sd_log("ready");

    rc = uv_run(&loop, UV_RUN_DEFAULT);
    exit_code = EXIT_OK;
    sd_log("stopped");

out:
    if (loop_ready) {
        /* Everything was closed by the stop; a handle still open here is
         * a bug, named in the log. */
        if (uv_loop_close(&loop) == UV_EBUSY) {
            uv_walk(&loop, on_walk, NULL);
            exit_code = EXIT_FAILED;
        }
    }
    sd_server_free(srv);
    sd_worker_cleanup();
    free(index_dir);
    free(socket_path);
    return exit_code;
}
