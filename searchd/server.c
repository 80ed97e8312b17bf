/* The connection layer of psearchd, on libuv: accepting clients on the
 * Unix socket and the optional TCP port, reading request lines into a
 * bounded per-client buffer, answering them strictly in order (at most one
 * request of a connection is on the thread pool at a time), writing
 * answers with a bounded write queue, idle timeouts, the too-many-clients
 * refusal, and a graceful stop. Every limit breach gets an error answer
 * where the client can still read one, a log line naming the client and a
 * counter in stats. */
#define _GNU_SOURCE /* struct ucred */
#include "server.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "request.h"
#include "response.h"
#include "stats.h"
#include "worker.h"

/* How long a closing connection may take to read its last answer, and
 * the most refusals (ETOOMANY) being sent at once before further excess
 * connections are closed without one. */
#define CLOSE_GRACE_MS 2000
#define MAX_REFUSING 32
#define LISTEN_BACKLOG 128
#define FIRST_BUFFER 4096

typedef struct conn conn_t;

struct sd_server {
    uv_loop_t *loop;
    const sd_config_t *cfg;
    sd_request_limits_t lim;
    char *index_dir;
    char *socket_path;
    uv_pipe_t pipe;
    uv_tcp_t tcp;
    uv_timer_t grace;
    int handles; /* of the three above, those not yet closed */
    int pipe_open, tcp_open, grace_closing;
    conn_t *conns;
    unsigned refusing;
    uint64_t next_num;
    int stopping, stopped_called;
    sd_server_stopped_cb stopped;
    void *stopped_data;
};

struct conn {
    union {
        uv_handle_t h;
        uv_stream_t s;
        uv_pipe_t pipe;
        uv_tcp_t tcp;
    } io;
    uv_timer_t timer;
    uv_shutdown_t shutdown_req;
    sd_server_t *srv;
    conn_t *prev, *next;
    char name[96];
    /* Unparsed input is buf[start, len); the buffer grows up to
     * max-request-bytes + 1, never further. */
    char *buf;
    size_t start, len, cap;
    int refs; /* two handles, plus one while a job is on the pool */
    unsigned reading : 1, in_flight : 1, discarding : 1, eof : 1, closing : 1,
        dead : 1, refused : 1;
};

typedef struct write_req {
    uv_write_t req;
    char *line;
} write_req_t;

/* Where the input of closing connections goes: it is read only so that
 * the kernel does not answer our last line with a reset. */
static char scratch[16384];

static void conn_close(conn_t *c);
static void conn_finish(conn_t *c);
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void pump(conn_t *c);
static void maybe_stopped(sd_server_t *srv);

/* ---- Helpers ---------------------------------------------------------- */

static size_t max_line(const sd_server_t *srv)
{
    return (size_t)srv->cfg->v[SD_MAX_REQUEST];
}

static void name_peer(conn_t *c, int is_tcp)
{
    int n = snprintf(c->name, sizeof c->name, "client #%llu",
                     (unsigned long long)++c->srv->next_num);
    size_t off = n > 0 ? (size_t)n : 0;
    if (is_tcp) {
        struct sockaddr_storage ss;
        int len = sizeof ss;
        char ip[64] = "?";
        int port = 0;
        if (uv_tcp_getpeername(&c->io.tcp, (struct sockaddr *)&ss, &len) == 0) {
            if (ss.ss_family == AF_INET) {
                uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
                port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
            } else {
                uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
                port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
            }
        }
        snprintf(c->name + off, sizeof c->name - off,
                 ss.ss_family == AF_INET6 ? " [%s]:%d" : " %s:%d", ip, port);
        return;
    }
    uv_os_fd_t fd;
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (uv_fileno(&c->io.h, &fd) == 0 &&
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
        snprintf(c->name + off, sizeof c->name - off, " (pid %ld, uid %ld)",
                 (long)cred.pid, (long)cred.uid);
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

static void restart_idle(conn_t *c);

/* ---- Writing ---------------------------------------------------------- */

static void on_write(uv_write_t *req, int status)
{
    write_req_t *wr = (write_req_t *)req;
    conn_t *c = req->handle->data;
    free(wr->line);
    free(wr);
    if (c->dead || status == UV_ECANCELED)
        return;
    if (status < 0) {
        if (sd_log_verbose)
            sd_log("%s: write failed: %s", c->name, uv_strerror(status));
        conn_close(c);
        return;
    }
    /* Draining output is activity: a client reading a long answer slowly
     * is not idle. */
    if (!c->closing)
        restart_idle(c);
}

static void send_error(conn_t *c, json_t *id, int code, const char *msg,
                       long position);

/* Queues LINE (malloc'ed, ending in '\n'; taken over) on C. */
static void send_line(conn_t *c, char *line, size_t len)
{
    sd_server_t *srv = c->srv;
    if (c->dead) {
        free(line);
        return;
    }
    uint64_t max_out = srv->cfg->v[SD_MAX_OUTPUT];
    if (len > max_out) {
        free(line);
        sd_stats_limit(SD_MAX_OUTPUT);
        sd_log("%s: answer of %zu bytes is over max-output (%llu); sent an "
               "error instead",
               c->name, len, (unsigned long long)max_out);
        send_error(c, NULL, SD_ETOOLARGE,
                   "the answer is larger than max-output; ask for fewer "
                   "results or lines",
                   -1);
        return;
    }
    write_req_t *wr = malloc(sizeof *wr);
    if (!wr) {
        free(line);
        sd_log("%s: out of memory queueing an answer; disconnecting", c->name);
        conn_close(c);
        return;
    }
    wr->line = line;
    uv_buf_t b = uv_buf_init(line, (unsigned)len);
    int rc = uv_write(&wr->req, &c->io.s, &b, 1, on_write);
    if (rc < 0) {
        free(line);
        free(wr);
        if (sd_log_verbose)
            sd_log("%s: write failed: %s", c->name, uv_strerror(rc));
        conn_close(c);
        return;
    }
    sd_stats_bytes_out(len);
    size_t queued = uv_stream_get_write_queue_size(&c->io.s);
    if (queued > max_out) {
        sd_stats_limit(SD_MAX_OUTPUT);
        sd_log("%s: not reading its answers (%zu bytes queued, over "
               "max-output %llu); disconnecting",
               c->name, queued, (unsigned long long)max_out);
        conn_close(c);
    }
}

/* Sends an error answer. Protocol errors are logged here; errors of the
 * engine are logged by the caller, which knows the request. */
static void send_error(conn_t *c, json_t *id, int code, const char *msg,
                       long position)
{
    size_t len;
    sd_stats_error(code);
    char *line = sd_response_error(id, code, msg, position, &len);
    if (!line) {
        sd_log("%s: out of memory building an error; disconnecting", c->name);
        conn_close(c);
        return;
    }
    send_line(c, line, len);
}

/* ---- Closing ---------------------------------------------------------- */

static void conn_unref(conn_t *c)
{
    if (--c->refs == 0) {
        free(c->buf);
        free(c);
    }
}

static void on_conn_handle_close(uv_handle_t *h)
{
    conn_unref(h->data);
}

/* Closes C at once; pending writes are dropped. Idempotent. */
static void conn_close(conn_t *c)
{
    if (c->dead)
        return;
    c->dead = 1;
    sd_server_t *srv = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->refused)
        srv->refusing--;
    else
        sd_stats_client_close();
    if (sd_log_verbose && !c->refused)
        sd_log("%s: disconnected", c->name);
    uv_close(&c->io.h, on_conn_handle_close);
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_close);
    maybe_stopped(srv);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn_t *c = req->handle->data;
    if (c->dead)
        return;
    /* Our side is closed; close fully once the client has closed its own
     * (it has then read everything) or when the grace period ends. */
    if (status < 0 || c->eof)
        conn_close(c);
}

static void on_timer(uv_timer_t *t);

/* Closes C gracefully: what is queued is still sent. */
static void conn_finish(conn_t *c)
{
    if (c->closing || c->dead)
        return;
    c->closing = 1;
    /* Keep reading, into the scratch buffer, until the client closes:
     * closing a socket with unread input makes the kernel send a reset,
     * which can destroy our last answer before the client reads it. */
    if (!c->eof && !c->reading) {
        if (uv_read_start(&c->io.s, on_alloc, on_read) == 0)
            c->reading = 1;
    }
    int rc = uv_shutdown(&c->shutdown_req, &c->io.s, on_shutdown);
    if (rc < 0) {
        conn_close(c);
        return;
    }
    uv_timer_start(&c->timer, on_timer, CLOSE_GRACE_MS, 0);
}

/* ---- Reading ---------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    conn_t *c = h->data;
    if (c->closing || c->refused) {
        *buf = uv_buf_init(scratch, sizeof scratch);
        return;
    }
    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->len - c->start);
        c->len -= c->start;
        c->start = 0;
    }
    size_t limit = max_line(c->srv) + 1;
    if (c->len == c->cap && c->cap < limit) {
        size_t cap = c->cap ? c->cap * 2 : FIRST_BUFFER;
        if (cap > limit)
            cap = limit;
        char *nb = realloc(c->buf, cap);
        if (nb) {
            c->buf = nb;
            c->cap = cap;
        }
    }
    /* A zero-length buffer makes libuv report UV_ENOBUFS, which stops
     * reading until the buffer has room again. */
    *buf = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len));
}

/* Reads only while there is room for more input: a client that pipelines
 * faster than it is answered is held back by TCP, not by our memory. */
static void update_reading(conn_t *c)
{
    if (c->dead || c->closing)
        return;
    size_t limit = max_line(c->srv) + 1;
    int want = !c->eof && (c->len - c->start < limit);
    if (want && !c->reading) {
        if (uv_read_start(&c->io.s, on_alloc, on_read) == 0)
            c->reading = 1;
    } else if (!want && c->reading) {
        uv_read_stop(&c->io.s);
        c->reading = 0;
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    conn_t *c = s->data;
    if (c->dead)
        return;
    if (nread == UV_ENOBUFS) {
        uv_read_stop(s);
        c->reading = 0;
        return;
    }
    if (nread < 0) {
        if (nread != UV_EOF) {
            if (sd_log_verbose)
                sd_log("%s: read failed: %s", c->name, uv_strerror((int)nread));
            conn_close(c);
            return;
        }
        c->eof = 1;
        uv_read_stop(s);
        c->reading = 0;
        if (c->closing) {
            conn_close(c);
            return;
        }
        pump(c);
        return;
    }
    if (nread == 0)
        return;
    sd_stats_bytes_in((size_t)nread);
    if (c->closing || c->refused)
        return; /* into scratch; dropped */
    /* The idle timer runs from the last answer until the next request
     * line is complete: restarting it on every byte would let a client
     * that trickles one line byte by byte hold its slot for ever. */
    if (c->len == 0)
        restart_idle(c);
    c->len += (size_t)nread;
    pump(c);
    update_reading(c);
}

/* ---- Requests --------------------------------------------------------- */

static void log_request(conn_t *c, const sd_request_t *r, long long hits,
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
static json_t *daemon_stats(sd_server_t *srv)
{
    sd_cache_counters_t cache;
    sd_worker_cache_counters(&cache);
    json_t *o = sd_stats_json(srv->cfg, &cache);
    if (!o)
        return NULL;
    json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
    json_object_set_new(o, "index_dir", json_string(srv->index_dir));
    if (srv->socket_path)
        json_object_set_new(o, "socket", json_string(srv->socket_path));
    json_object_set_new(o, "reload_epoch",
                        json_integer((json_int_t)sd_worker_epoch()));
    return o;
}

static void job_done(sd_job_t *job)
{
    conn_t *c = job->data;
    c->in_flight = 0;
    if (!c->dead) {
        if (job->code) {
            sd_stats_error(job->code);
            if (job->code == PS_ETIMEOUT)
                sd_stats_limit(SD_QUERY_BUDGET);
            if (job->code == SD_ETOOLARGE)
                sd_stats_limit(SD_MAX_OUTPUT);
            sd_log("%s: %s failed: %s: %s", c->name, sd_op_name(job->req.op),
                   sd_code_name(job->code), job->errmsg);
        }
        if (job->line) {
            send_line(c, job->line, job->len);
            job->line = NULL;
        } else {
            send_error(c, job->req.id, PS_ENOMEM,
                       "out of memory building the answer", -1);
        }
        if (sd_log_verbose)
            log_request(c, &job->req, job->hits, job->cached, job->start_ns);
        if (!c->dead) {
            restart_idle(c);
            if (c->srv->stopping) {
                conn_finish(c);
            } else {
                pump(c);
                update_reading(c);
            }
        }
    }
    sd_job_free(job);
    conn_unref(c);
}

static void handle_line(conn_t *c, const char *line, size_t len)
{
    sd_server_t *srv = c->srv;
    uint64_t t0 = sd_now_ns();
    sd_request_t req;
    sd_request_error_t err;
    if (sd_request_parse(line, len, &srv->lim, &req, &err)) {
        int lim = err.code == SD_ELIMIT ? setting_named(err.limit) : -1;
        if (lim >= 0)
            sd_stats_limit((sd_setting_t)lim);
        sd_log("%s: %s: %s", c->name, sd_code_name(err.code), err.message);
        send_error(c, req.id, err.code, err.message, err.position);
        sd_request_free(&req);
        return;
    }
    sd_stats_request(req.op);
    if (req.op == SD_OP_PING) {
        size_t n;
        json_t *pong = json_pack("{s:b}", "pong", 1);
        char *out = pong ? sd_response_ok(req.id, pong, &n) : NULL;
        json_decref(pong);
        if (out)
            send_line(c, out, n);
        else
            send_error(c, req.id, PS_ENOMEM, "out of memory", -1);
        if (sd_log_verbose)
            log_request(c, &req, -1, 0, t0);
        sd_request_free(&req);
        return;
    }
    sd_job_t *job = calloc(1, sizeof *job);
    if (!job) {
        send_error(c, req.id, PS_ENOMEM, "out of memory", -1);
        sd_request_free(&req);
        return;
    }
    job->req = req;
    job->start_ns = t0;
    job->time_budget = (double)srv->cfg->v[SD_QUERY_BUDGET] / 1000.0;
    job->max_len = (size_t)srv->cfg->v[SD_MAX_OUTPUT];
    job->done = job_done;
    job->data = c;
    if (req.op == SD_OP_STATS && !(job->daemon = daemon_stats(srv))) {
        send_error(c, req.id, PS_ENOMEM, "out of memory", -1);
        sd_job_free(job);
        return;
    }
    if (req.op == SD_OP_RELOAD) {
        sd_worker_reload();
        job->epoch = sd_worker_epoch();
        sd_log("%s: reload asked for (epoch %lu)", c->name, job->epoch);
    }
    int rc = sd_worker_submit(srv->loop, job);
    if (rc < 0) {
        sd_log("%s: cannot queue the request: %s", c->name, uv_strerror(rc));
        send_error(c, job->req.id, PS_EINTERNAL, "cannot queue the request",
                   -1);
        sd_job_free(job);
        return;
    }
    c->in_flight = 1;
    c->refs++;
}

static void too_large(conn_t *c)
{
    unsigned long long max = (unsigned long long)max_line(c->srv);
    char msg[160];
    snprintf(msg, sizeof msg,
             "request longer than %llu bytes (max-request-bytes); the rest "
             "of the line is skipped",
             max);
    sd_stats_limit(SD_MAX_REQUEST);
    sd_log("%s: ETOOLARGE: request line over %llu bytes", c->name, max);
    send_error(c, NULL, SD_ETOOLARGE, msg, -1);
    c->discarding = 1;
    c->start = c->len = 0;
}

static int blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* Handles the complete lines in the buffer, in order, until one has to
 * wait for the thread pool. */
static void pump(conn_t *c)
{
    while (!c->in_flight && !c->closing && !c->dead) {
        char *p = c->buf + c->start;
        size_t n = c->len - c->start;
        char *nl = n ? memchr(p, '\n', n) : NULL;
        if (c->discarding) {
            if (!nl) {
                c->start = c->len = 0;
                break;
            }
            c->start += (size_t)(nl - p) + 1;
            c->discarding = 0;
            continue;
        }
        size_t linelen;
        if (nl) {
            linelen = (size_t)(nl - p);
            c->start += linelen + 1;
        } else if (n > max_line(c->srv)) {
            too_large(c);
            continue;
        } else if (c->eof && n > 0) {
            /* The last line may lack its newline. */
            linelen = n;
            c->start = c->len;
        } else {
            break;
        }
        if (linelen && p[linelen - 1] == '\r')
            linelen--;
        if (!blank(p, linelen))
            handle_line(c, p, linelen);
    }
    if (c->eof && !c->in_flight && !c->dead && c->start == c->len)
        conn_finish(c);
}

/* ---- Idle timer ------------------------------------------------------- */

static void restart_idle(conn_t *c)
{
    uint64_t ms = c->srv->cfg->v[SD_IDLE_TIMEOUT];
    if (ms && !c->dead && !c->closing)
        uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void on_timer(uv_timer_t *t)
{
    conn_t *c = t->data;
    if (c->dead)
        return;
    if (c->closing) {
        conn_close(c); /* the grace period is over */
        return;
    }
    if (c->in_flight) {
        restart_idle(c);
        return;
    }
    char idle[32];
    sd_config_format(SD_IDLE_TIMEOUT, c->srv->cfg->v[SD_IDLE_TIMEOUT], idle,
                     sizeof idle);
    sd_stats_limit(SD_IDLE_TIMEOUT);
    if (uv_stream_get_write_queue_size(&c->io.s) > 0) {
        sd_log("%s: has not read its answers for %s; disconnecting", c->name,
               idle);
        conn_close(c);
        return;
    }
    sd_log("%s: idle for %s (idle-timeout); disconnecting", c->name, idle);
    char msg[96];
    snprintf(msg, sizeof msg, "idle for %s (idle-timeout); closing", idle);
    send_error(c, NULL, PS_ETIMEOUT, msg, -1);
    conn_finish(c);
}

/* ---- Accepting -------------------------------------------------------- */

/* Without memory for a client, the connection must still be accepted and
 * closed: libuv stops watching a listener until its pending connection is
 * taken. One static handle serves, so this needs no memory. */
static union {
    uv_handle_t h;
    uv_stream_t s;
    uv_pipe_t pipe;
    uv_tcp_t tcp;
} spare;
static int spare_busy;

static void on_spare_close(uv_handle_t *h)
{
    (void)h;
    spare_busy = 0;
}

static void drop_connection(sd_server_t *srv, uv_stream_t *server, int is_tcp)
{
    if (spare_busy)
        return; /* the listener pauses until a later connection */
    if (is_tcp)
        uv_tcp_init(srv->loop, &spare.tcp);
    else
        uv_pipe_init(srv->loop, &spare.pipe, 0);
    spare_busy = 1;
    uv_accept(server, &spare.s);
    uv_close(&spare.h, on_spare_close);
}

static void on_connection(uv_stream_t *server, int status)
{
    sd_server_t *srv = server->data;
    if (status < 0) {
        sd_log("accept failed: %s", uv_strerror(status));
        return;
    }
    int is_tcp = server == (uv_stream_t *)&srv->tcp;
    conn_t *c = calloc(1, sizeof *c);
    if (!c) {
        sd_log("out of memory accepting a client; dropping it");
        drop_connection(srv, server, is_tcp);
        return;
    }
    c->srv = srv;
    if (is_tcp)
        uv_tcp_init(srv->loop, &c->io.tcp);
    else
        uv_pipe_init(srv->loop, &c->io.pipe, 0);
    uv_timer_init(srv->loop, &c->timer);
    c->io.h.data = c;
    c->timer.data = c;
    c->refs = 2;
    c->next = srv->conns;
    if (c->next)
        c->next->prev = c;
    srv->conns = c;
    int rc = uv_accept(server, &c->io.s);
    uint64_t max = srv->cfg->v[SD_MAX_CLIENTS];
    if (rc == 0 && sd_stats_clients() >= max) {
        c->refused = 1;
        srv->refusing++;
        sd_stats_limit(SD_MAX_CLIENTS);
        name_peer(c, is_tcp);
        sd_log("%s: refused, %llu clients already (max-clients)", c->name,
               (unsigned long long)max);
        if (srv->refusing > MAX_REFUSING) {
            sd_stats_error(SD_ETOOMANY);
            conn_close(c);
            return;
        }
        send_error(c, NULL, SD_ETOOMANY,
                   "too many clients (max-clients); try again later", -1);
        conn_finish(c);
        return;
    }
    sd_stats_client_open();
    if (rc < 0) {
        sd_log("accept failed: %s", uv_strerror(rc));
        conn_close(c);
        return;
    }
    name_peer(c, is_tcp);
    if (is_tcp)
        uv_tcp_nodelay(&c->io.tcp, 1);
    if (sd_log_verbose)
        sd_log("%s: connected", c->name);
    restart_idle(c);
    update_reading(c);
    if (!c->reading) {
        sd_log("%s: cannot read: disconnecting", c->name);
        conn_close(c);
    }
}

/* ---- The server ------------------------------------------------------- */

sd_server_t *sd_server_new(uv_loop_t *loop, const sd_config_t *cfg,
                           const char *index_dir)
{
    sd_server_t *srv = calloc(1, sizeof *srv);
    if (!srv || !(srv->index_dir = strdup(index_dir))) {
        free(srv);
        return NULL;
    }
    srv->loop = loop;
    srv->cfg = cfg;
    srv->lim.max_limit = (unsigned)cfg->v[SD_MAX_LIMIT];
    srv->lim.max_offset = (unsigned)cfg->v[SD_MAX_OFFSET];
    srv->lim.max_hits = (unsigned)cfg->v[SD_MAX_HITS];
    srv->lim.max_facets = (unsigned)cfg->v[SD_MAX_FACETS];
    uv_timer_init(loop, &srv->grace);
    srv->grace.data = srv;
    srv->handles = 1;
    return srv;
}

static void on_server_handle_close(uv_handle_t *h)
{
    sd_server_t *srv = h->data;
    srv->handles--;
    maybe_stopped(srv);
}

static int listen_error(const char *what, int rc, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, uv_strerror(rc));
    return rc;
}

int sd_server_listen_unix(sd_server_t *srv, const char *path, char *err,
                          size_t errlen)
{
    if (!(srv->socket_path = strdup(path)))
        return listen_error(path, UV_ENOMEM, err, errlen);
    int rc = uv_pipe_init(srv->loop, &srv->pipe, 0);
    if (rc < 0)
        return listen_error(path, rc, err, errlen);
    srv->pipe.data = srv;
    srv->pipe_open = 1;
    srv->handles++;
    /* The socket is created private: no moment where others could
     * connect. The chmod is for filesystems that ignore the umask. */
    mode_t old = umask(0177);
    rc = uv_pipe_bind(&srv->pipe, path);
    umask(old);
    if (rc < 0)
        return listen_error(path, rc, err, errlen);
    if (chmod(path, 0600) != 0)
        return listen_error(path, uv_translate_sys_error(errno), err, errlen);
    rc = uv_listen((uv_stream_t *)&srv->pipe, LISTEN_BACKLOG, on_connection);
    if (rc < 0)
        return listen_error(path, rc, err, errlen);
    sd_log("listening on %s", path);
    return 0;
}

int sd_server_listen_tcp(sd_server_t *srv, const struct sockaddr *addr,
                         char *err, size_t errlen)
{
    char name[80] = "?";
    if (addr->sa_family == AF_INET6) {
        name[0] = '[';
        uv_ip6_name((const struct sockaddr_in6 *)addr, name + 1,
                    sizeof name - 2);
        strcat(name, "]");
    } else {
        uv_ip4_name((const struct sockaddr_in *)addr, name, sizeof name);
    }
    int rc = uv_tcp_init(srv->loop, &srv->tcp);
    if (rc < 0)
        return listen_error(name, rc, err, errlen);
    srv->tcp.data = srv;
    srv->tcp_open = 1;
    srv->handles++;
    rc = uv_tcp_bind(&srv->tcp, addr, 0);
    if (rc >= 0)
        rc = uv_listen((uv_stream_t *)&srv->tcp, LISTEN_BACKLOG, on_connection);
    if (rc < 0)
        return listen_error(name, rc, err, errlen);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    int port = 0;
    if (uv_tcp_getsockname(&srv->tcp, (struct sockaddr *)&ss, &len) == 0)
        port = ntohs(ss.ss_family == AF_INET6
                         ? ((struct sockaddr_in6 *)&ss)->sin6_port
                         : ((struct sockaddr_in *)&ss)->sin_port);
    sd_log("listening on tcp %s:%d", name, port);
    return 0;
}

static void on_grace(uv_timer_t *t)
{
    sd_server_t *srv = t->data;
    sd_log("grace period over; closing the remaining connections");
    while (srv->conns)
        conn_close(srv->conns);
}

static void maybe_stopped(sd_server_t *srv)
{
    if (!srv->stopping || srv->conns)
        return;
    if (!srv->grace_closing) {
        srv->grace_closing = 1;
        uv_close((uv_handle_t *)&srv->grace, on_server_handle_close);
    }
    if (srv->handles == 0 && !srv->stopped_called) {
        srv->stopped_called = 1;
        if (srv->stopped)
            srv->stopped(srv, srv->stopped_data);
    }
}

void sd_server_stop(sd_server_t *srv, sd_server_stopped_cb cb, void *data)
{
    if (srv->stopping) {
        /* Asked twice: no more patience. */
        while (srv->conns)
            conn_close(srv->conns);
        return;
    }
    srv->stopping = 1;
    srv->stopped = cb;
    srv->stopped_data = data;
    /* libuv removes the socket file when it closes the listening pipe. */
    if (srv->pipe_open)
        uv_close((uv_handle_t *)&srv->pipe, on_server_handle_close);
    if (srv->tcp_open)
        uv_close((uv_handle_t *)&srv->tcp, on_server_handle_close);
    srv->pipe_open = srv->tcp_open = 0;
    /* Connections waiting for an answer finish it first (job_done). */
    conn_t *next;
    for (conn_t *c = srv->conns; c; c = next) {
        next = c->next;
        if (!c->in_flight)
            conn_finish(c);
    }
    if (srv->conns)
        uv_timer_start(&srv->grace, on_grace,
                       srv->cfg->v[SD_QUERY_BUDGET] + CLOSE_GRACE_MS, 0);
    maybe_stopped(srv);
}

void sd_server_free(sd_server_t *srv)
{
    if (!srv)
        return;
    free(srv->index_dir);
    free(srv->socket_path);
    free(srv);
}
