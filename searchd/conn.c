/* One client connection of psearchd, on libuv: reading request lines into
 * a bounded buffer (the line length limit, max-request-bytes), handing
 * them to dispatch one at a time so answers come strictly in order,
 * writing answers through a bounded queue (max-output), the idle timeout,
 * and closing, gracefully or at once. Every limit breach gets an error
 * answer where the client can still read one, a log line naming the
 * client and a counter in stats. */
#define _GNU_SOURCE /* struct ucred */
#include "conn.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "request.h"
#include "response.h"
#include "stats.h"

#define FIRST_BUFFER 4096

typedef struct write_req {
    uv_write_t req;
    char *line;
} write_req_t;

/* Where the input of closing connections goes: it is read only so that
 * the kernel does not answer our last line with a reset. */
static char scratch[16384];

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_timer(uv_timer_t *t);
static void pump(sd_conn_t *c);
static void restart_idle(sd_conn_t *c);
static void update_reading(sd_conn_t *c);

static size_t max_line(const sd_conn_t *c)
{
    return (size_t)c->cfg->v[SD_MAX_REQUEST];
}

/* ---- Making and naming ------------------------------------------------ */

sd_conn_t *sd_conn_new(uv_loop_t *loop, int is_tcp, const sd_config_t *cfg,
                       const sd_conn_hooks_t *hooks)
{
    sd_conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = cfg;
    c->hooks = hooks;
    c->is_tcp = is_tcp != 0;
    if (is_tcp)
        uv_tcp_init(loop, &c->io.tcp);
    else
        uv_pipe_init(loop, &c->io.pipe, 0);
    uv_timer_init(loop, &c->timer);
    c->io.h.data = c;
    c->timer.data = c;
    c->refs = 2;
    return c;
}

/* " 127.0.0.1:5000" or " [::1]:5000": a TCP client's address. */
static void tcp_peer(sd_conn_t *c, char *out, size_t len)
{
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    char ip[64] = "?";
    int port = 0;
    if (uv_tcp_getpeername(&c->io.tcp, (struct sockaddr *)&ss, &sslen) == 0) {
        if (ss.ss_family == AF_INET) {
            uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        } else {
            uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
    }
    snprintf(out, len, ss.ss_family == AF_INET6 ? " [%s]:%d" : " %s:%d", ip,
             port);
}

void sd_conn_name_peer(sd_conn_t *c, uint64_t num)
{
    int n = snprintf(c->name, sizeof c->name, "client #%llu",
                     (unsigned long long)num);
    size_t off = n > 0 ? (size_t)n : 0;
    if (c->is_tcp) {
        tcp_peer(c, c->name + off, sizeof c->name - off);
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

void sd_conn_start(sd_conn_t *c)
{
    if (c->is_tcp)
        uv_tcp_nodelay(&c->io.tcp, 1);
    if (sd_log_verbose)
        sd_log("%s: connected", c->name);
    restart_idle(c);
    update_reading(c);
    if (!c->reading) {
        sd_log("%s: cannot read: disconnecting", c->name);
        sd_conn_close(c);
    }
}

/* ---- Writing ---------------------------------------------------------- */

static void on_write(uv_write_t *req, int status)
{
    write_req_t *wr = (write_req_t *)req;
    sd_conn_t *c = req->handle->data;
    free(wr->line);
    free(wr);
    if (c->dead || status == UV_ECANCELED)
        return;
    if (status < 0) {
        if (sd_log_verbose)
            sd_log("%s: write failed: %s", c->name, uv_strerror(status));
        sd_conn_close(c);
        return;
    }
    /* Draining output is activity: a client reading a long answer slowly
     * is not idle. */
    if (!c->closing)
        restart_idle(c);
}

/* An answer over max-output: an error goes instead. */
static void too_long_answer(sd_conn_t *c, size_t len)
{
    sd_stats_limit(SD_MAX_OUTPUT);
    sd_log("%s: answer of %zu bytes is over max-output (%llu); sent an "
           "error instead",
           c->name, len, (unsigned long long)c->cfg->v[SD_MAX_OUTPUT]);
    sd_conn_error(c, NULL, SD_ETOOLARGE,
                  "the answer is larger than max-output; ask for fewer "
                  "results or lines",
                  -1);
}

void sd_conn_send(sd_conn_t *c, char *line, size_t len)
{
    uint64_t max_out = c->cfg->v[SD_MAX_OUTPUT];
    if (c->dead || len > max_out) {
        free(line);
        if (!c->dead)
            too_long_answer(c, len);
        return;
    }
    write_req_t *wr = malloc(sizeof *wr);
    if (!wr) {
        free(line);
        sd_log("%s: out of memory queueing an answer; disconnecting", c->name);
        sd_conn_close(c);
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
        sd_conn_close(c);
        return;
    }
    sd_stats_bytes_out(len);
    size_t queued = uv_stream_get_write_queue_size(&c->io.s);
    if (queued > max_out) {
        sd_stats_limit(SD_MAX_OUTPUT);
        sd_log("%s: not reading its answers (%zu bytes queued, over "
               "max-output %llu); disconnecting",
               c->name, queued, (unsigned long long)max_out);
        sd_conn_close(c);
    }
}

/* Protocol errors are logged by the caller, which knows the request. */
void sd_conn_error(sd_conn_t *c, json_t *id, int code, const char *msg,
                   long position)
{
    size_t len;
    sd_stats_error(code);
    char *line = sd_response_error(id, code, msg, position, &len);
    if (!line) {
        sd_log("%s: out of memory building an error; disconnecting", c->name);
        sd_conn_close(c);
        return;
    }
    sd_conn_send(c, line, len);
}

/* ---- Closing ---------------------------------------------------------- */

static void conn_unref(sd_conn_t *c)
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

void sd_conn_close(sd_conn_t *c)
{
    if (c->dead)
        return;
    c->dead = 1;
    if (sd_log_verbose && !c->refused)
        sd_log("%s: disconnected", c->name);
    uv_close(&c->io.h, on_conn_handle_close);
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_close);
    c->hooks->closed(c->hooks->ctx, c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    sd_conn_t *c = req->handle->data;
    if (c->dead)
        return;
    /* Our side is closed; close fully once the client has closed its own
     * (it has then read everything) or when the grace period ends. */
    if (status < 0 || c->eof)
        sd_conn_close(c);
}

void sd_conn_finish(sd_conn_t *c)
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
        sd_conn_close(c);
        return;
    }
    uv_timer_start(&c->timer, on_timer, SD_CLOSE_GRACE_MS, 0);
}

void sd_conn_stop(sd_conn_t *c)
{
    c->stopping = 1;
    if (!c->in_flight)
        sd_conn_finish(c);
}

/* ---- Reading ---------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    sd_conn_t *c = h->data;
    if (c->closing || c->refused) {
        *buf = uv_buf_init(scratch, sizeof scratch);
        return;
    }
    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->len - c->start);
        c->len -= c->start;
        c->start = 0;
    }
    size_t limit = max_line(c) + 1;
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
static void update_reading(sd_conn_t *c)
{
    if (c->dead || c->closing)
        return;
    size_t limit = max_line(c) + 1;
    int want = !c->eof && (c->len - c->start < limit);
    if (want && !c->reading) {
        if (uv_read_start(&c->io.s, on_alloc, on_read) == 0)
            c->reading = 1;
    } else if (!want && c->reading) {
        uv_read_stop(&c->io.s);
        c->reading = 0;
    }
}

/* A read error or the end of the client's input. */
static void read_ended(sd_conn_t *c, ssize_t nread)
{
    if (nread != UV_EOF) {
        if (sd_log_verbose)
            sd_log("%s: read failed: %s", c->name, uv_strerror((int)nread));
        sd_conn_close(c);
        return;
    }
    c->eof = 1;
    uv_read_stop(&c->io.s);
    c->reading = 0;
    if (c->closing)
        sd_conn_close(c);
    else
        pump(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    sd_conn_t *c = s->data;
    if (c->dead)
        return;
    if (nread == UV_ENOBUFS) {
        uv_read_stop(s);
        c->reading = 0;
        return;
    }
    if (nread < 0) {
        read_ended(c, nread);
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

/* ---- Lines ------------------------------------------------------------ */

static void too_large(sd_conn_t *c)
{
    unsigned long long max = (unsigned long long)max_line(c);
    char msg[160];
    snprintf(msg, sizeof msg,
             "request longer than %llu bytes (max-request-bytes); the rest "
             "of the line is skipped",
             max);
    sd_stats_limit(SD_MAX_REQUEST);
    sd_log("%s: ETOOLARGE: request line over %llu bytes", c->name, max);
    sd_conn_error(c, NULL, SD_ETOOLARGE, msg, -1);
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

/* Cuts the next line out of the buffer: its length, with *LINE at it, or
 * -1 when none is complete yet. Skips the rest of an over-long line. */
static long next_line(sd_conn_t *c, char **line)
{
    for (;;) {
        char *p = c->buf + c->start;
        size_t n = c->len - c->start;
        char *nl = n ? memchr(p, '\n', n) : NULL;
        *line = p;
        if (c->discarding) {
            if (!nl) {
                c->start = c->len = 0;
                return -1;
            }
            c->start += (size_t)(nl - p) + 1;
            c->discarding = 0;
        } else if (nl) {
            c->start += (size_t)(nl - p) + 1;
            return nl - p;
        } else if (n > max_line(c)) {
            too_large(c);
            if (c->dead || c->closing)
                return -1;
        } else if (c->eof && n > 0) {
            /* The last line may lack its newline. */
            c->start = c->len;
            return (long)n;
        } else {
            return -1;
        }
    }
}

/* Hands the complete lines in the buffer over, in order, until one has to
 * wait for the thread pool. */
static void pump(sd_conn_t *c)
{
    /* A request answered on the loop thread lets the connection go on
     * from inside this loop (sd_conn_answered()): the loop below goes on
     * itself, rather than a call per line deep. */
    if (c->pumping)
        return;
    c->pumping = 1;
    while (!c->in_flight && !c->closing && !c->dead) {
        char *p;
        long n = next_line(c, &p);
        if (n < 0)
            break;
        size_t linelen = (size_t)n;
        if (linelen && p[linelen - 1] == '\r')
            linelen--;
        if (!blank(p, linelen))
            c->hooks->line(c->hooks->ctx, c, p, linelen);
    }
    c->pumping = 0;
    if (c->eof && !c->in_flight && !c->dead && c->start == c->len)
        sd_conn_finish(c);
}

int sd_conn_more_lines(const sd_conn_t *c)
{
    size_t n = c->len - c->start;
    return (n && memchr(c->buf + c->start, '\n', n)) || (c->eof && n);
}

void sd_conn_hold(sd_conn_t *c)
{
    c->in_flight = 1;
    c->refs++;
}

void sd_conn_answered(sd_conn_t *c)
{
    c->in_flight = 0;
    if (!c->dead) {
        restart_idle(c);
        if (c->stopping) {
            sd_conn_finish(c);
        } else {
            pump(c);
            update_reading(c);
        }
    }
    conn_unref(c);
}

/* ---- Idle timer ------------------------------------------------------- */

static void restart_idle(sd_conn_t *c)
{
    uint64_t ms = c->cfg->v[SD_IDLE_TIMEOUT];
    if (ms && !c->dead && !c->closing)
        uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void on_timer(uv_timer_t *t)
{
    sd_conn_t *c = t->data;
    if (c->dead)
        return;
    if (c->closing) {
        sd_conn_close(c); /* the grace period is over */
        return;
    }
    if (c->in_flight) {
        restart_idle(c);
        return;
    }
    char idle[32];
    sd_config_format(SD_IDLE_TIMEOUT, c->cfg->v[SD_IDLE_TIMEOUT], idle,
                     sizeof idle);
    sd_stats_limit(SD_IDLE_TIMEOUT);
    if (uv_stream_get_write_queue_size(&c->io.s) > 0) {
        sd_log("%s: has not read its answers for %s; disconnecting", c->name,
               idle);
        sd_conn_close(c);
        return;
    }
    sd_log("%s: idle for %s (idle-timeout); disconnecting", c->name, idle);
    char msg[96];
    snprintf(msg, sizeof msg, "idle for %s (idle-timeout); closing", idle);
    sd_conn_error(c, NULL, PS_ETIMEOUT, msg, -1);
    sd_conn_finish(c);
}
