/* The server of psearchd, on libuv: the listeners on the Unix socket and
 * the optional TCP port, accepting clients (and refusing those over
 * max-clients), the list of open connections, and a graceful stop. What
 * happens on one connection is conn.c's; what a request line gets for an
 * answer is dispatch.c's. */
#include "server.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conn.h"
#include "dispatch.h"
#include "log.h"
#include "request.h"
#include "stats.h"

/* The most refusals (ETOOMANY) being sent at once before further excess
 * connections are closed without one. */
#define MAX_REFUSING 32
#define LISTEN_BACKLOG 128

struct sd_server {
    uv_loop_t *loop;
    const sd_config_t *cfg;
    sd_dispatch_t dispatch;
    sd_conn_hooks_t hooks;
    char *index_dir;
    char *socket_path;
    uv_pipe_t pipe;
    uv_tcp_t tcp;
    uv_timer_t grace;
    int handles; /* of the three above, those not yet closed */
    int pipe_open, tcp_open, grace_closing;
    sd_conn_t *conns;
    unsigned refusing;
    uint64_t next_num;
    int stopping, stopped_called;
    sd_server_stopped_cb stopped;
    void *stopped_data;
};

static void maybe_stopped(sd_server_t *srv);

/* ---- The connections' hooks ------------------------------------------- */

static void on_line(void *ctx, sd_conn_t *c, const char *line, size_t len)
{
    sd_server_t *srv = ctx;
    sd_dispatch_line(&srv->dispatch, c, line, len);
}

static void on_conn_closed(void *ctx, sd_conn_t *c)
{
    sd_server_t *srv = ctx;
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
    maybe_stopped(srv);
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

/* Max-clients is reached: C gets an ETOOMANY answer and is closed (at
 * once, without one, when too many refusals are being sent already). */
static void refuse(sd_server_t *srv, sd_conn_t *c)
{
    uint64_t max = srv->cfg->v[SD_MAX_CLIENTS];
    c->refused = 1;
    srv->refusing++;
    sd_stats_limit(SD_MAX_CLIENTS);
    sd_conn_name_peer(c, ++srv->next_num);
    sd_log("%s: refused, %llu clients already (max-clients)", c->name,
           (unsigned long long)max);
    if (srv->refusing > MAX_REFUSING) {
        sd_stats_error(SD_ETOOMANY);
        sd_conn_close(c);
        return;
    }
    sd_conn_error(c, NULL, SD_ETOOMANY,
                  "too many clients (max-clients); try again later", -1);
    sd_conn_finish(c);
}

static void on_connection(uv_stream_t *server, int status)
{
    sd_server_t *srv = server->data;
    if (status < 0) {
        sd_log("accept failed: %s", uv_strerror(status));
        return;
    }
    int is_tcp = server == (uv_stream_t *)&srv->tcp;
    sd_conn_t *c = sd_conn_new(srv->loop, is_tcp, srv->cfg, &srv->hooks);
    if (!c) {
        sd_log("out of memory accepting a client; dropping it");
        drop_connection(srv, server, is_tcp);
        return;
    }
    c->next = srv->conns;
    if (c->next)
        c->next->prev = c;
    srv->conns = c;
    int rc = uv_accept(server, &c->io.s);
    if (rc == 0 && sd_stats_clients() >= srv->cfg->v[SD_MAX_CLIENTS]) {
        refuse(srv, c);
        return;
    }
    sd_stats_client_open();
    if (rc < 0) {
        sd_log("accept failed: %s", uv_strerror(rc));
        sd_conn_close(c);
        return;
    }
    sd_conn_name_peer(c, ++srv->next_num);
    sd_conn_start(c);
}

/* ---- Listening -------------------------------------------------------- */

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
    sd_dispatch_init(&srv->dispatch, loop, cfg, srv->index_dir);
    srv->hooks = (sd_conn_hooks_t){srv, on_line, on_conn_closed};
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
    srv->dispatch.socket_path = srv->socket_path;
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

/* "127.0.0.1" or "[::1]": ADDR for messages. */
static void addr_name(const struct sockaddr *addr, char *name, size_t len)
{
    if (addr->sa_family == AF_INET6) {
        name[0] = '[';
        uv_ip6_name((const struct sockaddr_in6 *)addr, name + 1, len - 2);
        strcat(name, "]");
    } else {
        uv_ip4_name((const struct sockaddr_in *)addr, name, len);
    }
}

int sd_server_listen_tcp(sd_server_t *srv, const struct sockaddr *addr,
                         char *err, size_t errlen)
{
    char name[80] = "?";
    addr_name(addr, name, sizeof name);
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

/* ---- Stopping --------------------------------------------------------- */

static void on_grace(uv_timer_t *t)
{
    sd_server_t *srv = t->data;
    sd_log("grace period over; closing the remaining connections");
    while (srv->conns)
        sd_conn_close(srv->conns);
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
            sd_conn_close(srv->conns);
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
    /* Connections waiting for an answer finish it first. */
    sd_conn_t *next;
    for (sd_conn_t *c = srv->conns; c; c = next) {
        next = c->next;
        sd_conn_stop(c);
    }
    if (srv->conns)
        uv_timer_start(&srv->grace, on_grace,
                       srv->cfg->v[SD_QUERY_BUDGET] + SD_CLOSE_GRACE_MS, 0);
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
