/* Talking to psearchd: one Unix stream connection, JSON Lines both ways.
 * Every wait is bounded by a deadline, so a daemon that is stuck, slow or
 * gone can delay the command line by a known amount of time at most, and
 * a response that never ends cannot grow without bound. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

struct client {
    int fd;
    int read_ms;
    long long next_id;
    char *path;
    /* Bytes read past the end of the last response line: a daemon may
     * well send them, and they belong to the next response. */
    char *buf;
    size_t len, cap;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until FD is ready for EVENTS or DEADLINE (in now_ms() time) has
 * passed. Returns 1 when ready, 0 on timeout, -1 with errno on error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

client_status_t client_connect(const char *path, int connect_ms, int read_ms,
                               client_t **out, char *err, size_t errlen)
{
    *out = NULL;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) {
        set_err(err, errlen, "%s: socket path too long", path);
        return CLIENT_UNREACHABLE;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);

    /* Non-blocking from the start: a listener whose backlog is full makes
     * a blocking connect() wait indefinitely, and a Unix socket reports
     * that as EAGAIN, which is retried here until the deadline. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        set_err(err, errlen, "socket: %s", strerror(errno));
        return CLIENT_UNREACHABLE;
    }
    int64_t deadline = now_ms() + connect_ms;
    for (;;) {
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EINPROGRESS) {
            int r = wait_fd(fd, POLLOUT, deadline);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (r > 0 &&
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
                soerr == 0)
                break;
            errno = r == 0 ? ETIMEDOUT : soerr ? soerr : errno;
        } else if (errno == EAGAIN && now_ms() < deadline) {
            struct timespec pause = {0, 5 * 1000000};
            nanosleep(&pause, NULL);
            continue;
        } else if (errno == EAGAIN) {
            errno = ETIMEDOUT;
        }
        set_err(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
        close(fd);
        return CLIENT_UNREACHABLE;
    }

    client_t *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        close(fd);
        set_err(err, errlen, "out of memory");
        return CLIENT_UNREACHABLE;
    }
    c->fd = fd;
    c->read_ms = read_ms;
    c->next_id = 1;
    *out = c;
    return CLIENT_OK;
}

static int send_all(client_t *c, const char *p, size_t n, int64_t deadline,
                    char *err, size_t errlen)
{
    while (n > 0) {
        /* MSG_NOSIGNAL: a daemon that went away must give an error
         * message, not kill the command line with SIGPIPE. */
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int r = wait_fd(c->fd, POLLOUT, deadline);
            if (r > 0)
                continue;
            if (r == 0) {
                set_err(err, errlen,
                        "%s: the daemon did not take the request within "
                        "%d ms",
                        c->path, c->read_ms);
                return -1;
            }
        }
        set_err(err, errlen, "%s: sending the request: %s", c->path,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads until the buffer holds a whole line; returns its length (without
 * the newline) or -1. */
static ssize_t read_line(client_t *c, int64_t deadline, char *err,
                         size_t errlen)
{
    size_t scanned = 0;
    for (;;) {
        char *nl = c->len > scanned
                       ? memchr(c->buf + scanned, '\n', c->len - scanned)
                       : NULL;
        if (nl)
            return nl - c->buf;
        scanned = c->len;
        if (c->len >= CLIENT_MAX_RESPONSE) {
            set_err(err, errlen, "%s: response longer than %u bytes", c->path,
                    CLIENT_MAX_RESPONSE);
            return -1;
        }
        if (c->cap - c->len < 4096) {
            size_t ncap = c->cap ? c->cap * 2 : 16384;
            if (ncap > CLIENT_MAX_RESPONSE + 1)
                ncap = CLIENT_MAX_RESPONSE + 1;
            char *nb = realloc(c->buf, ncap);
            if (!nb) {
                set_err(err, errlen, "out of memory");
                return -1;
            }
            c->buf = nb;
            c->cap = ncap;
        }
        ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (r > 0) {
            c->len += (size_t)r;
            continue;
        }
        if (r == 0) {
            set_err(err, errlen,
                    "%s: the daemon closed the connection without an "
                    "answer",
                    c->path);
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_err(err, errlen, "%s: reading the answer: %s", c->path,
                    strerror(errno));
            return -1;
        }
        int w = wait_fd(c->fd, POLLIN, deadline);
        if (w == 0) {
            set_err(err, errlen, "%s: the daemon did not answer within %d ms",
                    c->path, c->read_ms);
            return -1;
        }
        if (w < 0) {
            set_err(err, errlen, "%s: poll: %s", c->path, strerror(errno));
            return -1;
        }
    }
}

client_status_t client_call(client_t *c, json_t *req, json_t **resp, char *err,
                            size_t errlen)
{
    *resp = NULL;
    long long id = c->next_id++;
    if (json_object_set_new(req, "id", json_integer(id))) {
        set_err(err, errlen, "out of memory");
        return CLIENT_FAILED;
    }
    char *line = json_dumps(req, JSON_COMPACT);
    if (!line) {
        set_err(err, errlen, "out of memory");
        return CLIENT_FAILED;
    }
    /* json_dumps() escapes every newline inside strings, so the one
     * appended here is the only one and ends the request. */
    size_t n = strlen(line);
    char *framed = realloc(line, n + 2);
    if (!framed) {
        free(line);
        set_err(err, errlen, "out of memory");
        return CLIENT_FAILED;
    }
    framed[n] = '\n';
    framed[n + 1] = '\0';
    int64_t deadline = now_ms() + c->read_ms;
    int rc = send_all(c, framed, n + 1, deadline, err, errlen);
    int sent_errno = errno;
    free(framed);
    /* A daemon that turns a client away (too many clients) writes its
     * error and closes without reading the request, so sending may fail
     * with EPIPE while its answer waits to be read: read it then, and
     * report the send error only when there is no answer. */
    if (rc && sent_errno != EPIPE)
        return CLIENT_FAILED;

    char rerr[256];
    ssize_t ll =
        read_line(c, deadline, rc ? rerr : err, rc ? sizeof rerr : errlen);
    if (ll < 0)
        return CLIENT_FAILED;
    json_error_t jerr;
    json_t *obj = json_loadb(c->buf, (size_t)ll, 0, &jerr);
    /* The line is consumed whether or not it parses. */
    memmove(c->buf, c->buf + ll + 1, c->len - (size_t)ll - 1);
    c->len -= (size_t)ll + 1;
    if (!obj || !json_is_object(obj)) {
        set_err(err, errlen,
                "%s: the daemon answered something that is "
                "not a JSON object: %s",
                c->path, obj ? "wrong type" : jerr.text);
        json_decref(obj);
        return CLIENT_FAILED;
    }
    /* A daemon answers requests in order on one connection; an id that
     * is present and different means the two sides lost step. A missing
     * or null id is accepted: a daemon may not know the id of a request
     * it could not parse. */
    json_t *rid = json_object_get(obj, "id");
    if (rid && !json_is_null(rid) &&
        !(json_is_integer(rid) && json_integer_value(rid) == id)) {
        set_err(err, errlen, "%s: the answer is for another request", c->path);
        json_decref(obj);
        return CLIENT_FAILED;
    }
    json_object_del(obj, "id");
    *resp = obj;
    return CLIENT_OK;
}

void client_close(client_t *c)
{
    if (!c)
        return;
    close(c->fd);
    free(c->buf);
    free(c->path);
    free(c);
}
