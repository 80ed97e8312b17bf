/* loadgen: a bounded load generator for psearchd's Unix socket, for the
 * load test (tests/T510-load.sh). It opens N connections at once, then
 * sends each a fixed number of requests, pipelined a few at a time, in a
 * seeded mix of valid requests (ping, search, facets, stats, doc) and
 * invalid ones (bad JSON, unknown op, a line over max-request-bytes, a
 * malformed query, bad UTF-8, a missing field, a limit over its maximum, a
 * path that is not indexed). Every answer is checked against what its
 * request deserves: a valid request gets ok:true with its id echoed and
 * the fields of its op; an invalid one gets ok:false and the right error
 * code, with the id echoed when the line could be read.
 *
 *   loadgen --socket PATH [--conns N] [--requests N] [--window N]
 *           [--seed N] [--doc PATH] [--max-request BYTES]
 *           [--expect-refused N] [--valid-only] [--timeout SEC]
 *
 * --requests is per connection. Connections refused with ETOOMANY are
 * counted; the run fails unless exactly --expect-refused of them were.
 * Prints one summary line (key=value) and exits 0 when every answer was
 * right; 1 when some answer was wrong (the first few are described on
 * stderr); 2 on a timeout or a connection lost early; 3 on a usage or
 * connection error. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* What a request is, and so what its answer must be. */
typedef enum {
    K_PING,
    K_SEARCH,
    K_FACETS,
    K_STATS,
    K_DOC,
    K_VALID_COUNT, /* the kinds above are valid requests */
    K_BADJSON = K_VALID_COUNT,
    K_UNKNOWNOP,
    K_HUGE,
    K_BADQUERY,
    K_BADUTF8,
    K_MISSING,
    K_LIMIT,
    K_NOTFOUND,
    K_COUNT
} kind_t;

static const char *const kind_names[K_COUNT] = {
    "ping",    "search",  "facets", "stats",   "doc",   "badjson",
    "unknown", "huge",    "badq",   "badutf8", "badreq", "limit",
    "notfound"};

/* The error code each invalid kind must get, and whether its id is
 * echoed (a line that could not be parsed has id null). */
static const struct {
    const char *code;
    int echoed;
} expect_err[K_COUNT] = {
    [K_BADJSON] = {"EPARSE", 0},     [K_UNKNOWNOP] = {"EUNKNOWNOP", 1},
    [K_HUGE] = {"ETOOLARGE", 0},     [K_BADQUERY] = {"EBADQUERY", 1},
    [K_BADUTF8] = {"EBADUTF8", 0},   [K_MISSING] = {"EBADREQ", 1},
    [K_LIMIT] = {"ELIMIT", 1},       [K_NOTFOUND] = {"ENOTFOUND", 1},
};

/* Valid queries; each may or may not match, but must parse. */
static const char *const queries[] = {
    "Article 5",
    "\\\"closer than ever\\\"",
    "person:Zelenskiy NEAR/10 guarantees",
    "(peace OR truce) Kyiv",
    "Zapor*",
    "title:peace",
    "peace -Witkoff",
    "org:Nato",
    "treaty:\\\"Budapest Memorandum\\\"",
    "date:2025",
    "Mar-a-Lago",
    "Zelenskey",
};
#define NQUERIES (sizeof queries / sizeof *queries)

typedef struct pending {
    kind_t kind;
    json_t *id;
    double sent;
} pending_t;

typedef struct conn {
    int fd;
    int refused, done, closed;
    long next_req, answered;
    char *out;
    size_t out_len, out_off, out_cap;
    char *in;
    size_t in_len, in_cap;
    pending_t *q; /* ring of outstanding requests */
    size_t q_head, q_n, q_cap;
} conn_t;

static struct {
    const char *socket, *doc;
    long conns, requests, window, expect_refused;
    unsigned long seed;
    size_t max_request;
    int valid_only;
    double timeout;
} opt = {NULL, NULL, 64, 100, 4, 0, 1, 65536, 0, 120};

static long sent_by_kind[K_COUNT], ok_by_kind[K_COUNT];
static long mismatches, lost;
static double *lat;
static size_t nlat, lat_cap;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: the same seed gives the same mix of requests. */
static unsigned long long rng_state;
static unsigned long long rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "loadgen: out of memory\n");
        exit(3);
    }
    return q;
}

static void mismatch(long c, const pending_t *p, const char *fmt, ...)
{
    if (mismatches++ < 10) {
        va_list ap;
        char *id = json_dumps(p->id, JSON_ENCODE_ANY | JSON_COMPACT);
        fprintf(stderr, "loadgen: conn %ld, %s request id %s: ", c,
                kind_names[p->kind], id ? id : "?");
        free(id);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

static void out_add(conn_t *c, const char *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        c->out_cap = (c->out_len + n) * 2;
        c->out = xrealloc(c->out, c->out_cap);
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
}

static void out_printf(conn_t *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        fprintf(stderr, "loadgen: request too long to format\n");
        exit(3);
    }
    out_add(c, buf, (size_t)n);
}

static kind_t pick_kind(void)
{
    unsigned r = (unsigned)(rnd() % 1000);
    /* 70% valid requests; of the invalid, an oversized line 1% of all. */
    if (opt.valid_only || r < 700) {
        static const kind_t valid[] = {K_PING,   K_SEARCH, K_SEARCH, K_SEARCH,
                                       K_FACETS, K_STATS,  K_DOC};
        kind_t k = valid[rnd() % (sizeof valid / sizeof *valid)];
        return k == K_DOC && !opt.doc ? K_SEARCH : k;
    }
    if (r < 710)
        return K_HUGE;
    static const kind_t bad[] = {K_BADJSON, K_UNKNOWNOP, K_BADQUERY,
                                 K_BADUTF8, K_MISSING,   K_LIMIT,
                                 K_NOTFOUND};
    return bad[rnd() % (sizeof bad / sizeof *bad)];
}

/* Queues the next request of connection CI. */
static void queue_request(conn_t *c, long ci)
{
    long n = c->next_req++;
    kind_t k = pick_kind();
    /* Ids alternate between numbers and strings, both unique. */
    char idtext[64];
    json_t *id;
    if (n % 2) {
        snprintf(idtext, sizeof idtext, "\"c%ld-r%ld\"", ci, n);
        char raw[64];
        snprintf(raw, sizeof raw, "c%ld-r%ld", ci, n);
        id = json_string(raw);
    } else {
        long long v = (long long)ci * 1000000 + n;
        snprintf(idtext, sizeof idtext, "%lld", v);
        id = json_integer(v);
    }
    switch (k) {
    case K_PING:
        out_printf(c, "{\"id\":%s,\"op\":\"ping\"}\n", idtext);
        break;
    case K_SEARCH:
        out_printf(c, "{\"id\":%s,\"op\":\"search\",\"q\":\"%s\",\"limit\":%u}\n",
                   idtext, queries[rnd() % NQUERIES], (unsigned)(rnd() % 5));
        break;
    case K_FACETS:
        out_printf(c, "{\"id\":%s,\"op\":\"facets\",\"q\":\"Kyiv\",\"limit\":3}\n",
                   idtext);
        break;
    case K_STATS:
        out_printf(c, "{\"id\":%s,\"op\":\"stats\"}\n", idtext);
        break;
    case K_DOC:
        out_printf(c,
                   "{\"id\":%s,\"op\":\"doc\",\"path\":\"%s\",\"from\":1,"
                   "\"to\":3}\n",
                   idtext, opt.doc);
        break;
    case K_BADJSON:
        out_printf(c, "{\"id\":%s,\"op\":\n", idtext);
        break;
    case K_UNKNOWNOP:
        out_printf(c, "{\"id\":%s,\"op\":\"frobnicate\"}\n", idtext);
        break;
    case K_HUGE: {
        out_printf(c, "{\"id\":%s,\"op\":\"search\",\"q\":\"", idtext);
        size_t big = opt.max_request + 1000;
        char chunk[4096];
        memset(chunk, 'x', sizeof chunk);
        for (size_t done = 0; done < big; done += sizeof chunk)
            out_add(c, chunk,
                    big - done < sizeof chunk ? big - done : sizeof chunk);
        out_printf(c, "\"}\n");
        break;
    }
    case K_BADQUERY:
        out_printf(c,
                   "{\"id\":%s,\"op\":\"search\",\"q\":\"peace \\\"never "
                   "closed\"}\n",
                   idtext);
        break;
    case K_BADUTF8:
        out_printf(c, "{\"id\":%s,\"op\":\"search\",\"q\":\"\xff\xfe\"}\n",
                   idtext);
        break;
    case K_MISSING:
        out_printf(c, "{\"id\":%s,\"op\":\"search\"}\n", idtext);
        break;
    case K_LIMIT:
        out_printf(c,
                   "{\"id\":%s,\"op\":\"search\",\"q\":\"x\",\"limit\":"
                   "100000000}\n",
                   idtext);
        break;
    case K_NOTFOUND:
        out_printf(c,
                   "{\"id\":%s,\"op\":\"doc\",\"path\":\"%s/../../../../etc/"
                   "passwd\"}\n",
                   idtext, opt.doc ? opt.doc : "/tmp");
        break;
    default:
        break;
    }
    if (c->q_n == c->q_cap) {
        size_t cap = c->q_cap ? c->q_cap * 2 : 8;
        pending_t *nq = xrealloc(NULL, cap * sizeof *nq);
        for (size_t i = 0; i < c->q_n; i++)
            nq[i] = c->q[(c->q_head + i) % c->q_cap];
        free(c->q);
        c->q = nq;
        c->q_head = 0;
        c->q_cap = cap;
    }
    pending_t *p = &c->q[(c->q_head + c->q_n++) % c->q_cap];
    p->kind = k;
    p->id = id;
    p->sent = now();
    sent_by_kind[k]++;
}

/* Checks one answer line against the oldest outstanding request. */
static void check_answer(conn_t *c, long ci, const char *line, size_t len)
{
    json_error_t je;
    json_t *a = json_loadb(line, len, 0, &je);
    json_t *err = json_object_get(a, "error");
    const char *code = json_string_value(json_object_get(err, "code"));
    if (c->answered == 0 && c->q_n > 0 && code && !strcmp(code, "ETOOMANY")) {
        /* Refused at once: what was sent is never answered. */
        const char *msg = json_string_value(json_object_get(err, "message"));
        if (!msg || !strstr(msg, "too many clients"))
            fprintf(stderr, "loadgen: conn %ld: ETOOMANY without a clear "
                            "message\n",
                    ci), mismatches++;
        c->refused = 1;
        json_decref(a);
        return;
    }
    if (c->q_n == 0) {
        fprintf(stderr, "loadgen: conn %ld: an answer nobody asked for: %.200s\n",
                ci, line);
        mismatches++;
        json_decref(a);
        return;
    }
    pending_t *p = &c->q[c->q_head];
    c->q_head = (c->q_head + 1) % c->q_cap;
    c->q_n--;
    c->answered++;
    if (nlat == lat_cap) {
        lat_cap = lat_cap ? lat_cap * 2 : 4096;
        lat = xrealloc(lat, lat_cap * sizeof *lat);
    }
    lat[nlat++] = now() - p->sent;
    json_t *ok = json_object_get(a, "ok");
    json_t *id = json_object_get(a, "id");
    int good = 0;
    if (!json_is_object(a)) {
        mismatch(ci, p, "answer is not a JSON object: %.200s", line);
    } else if (p->kind < K_VALID_COUNT) {
        if (!json_is_true(ok))
            mismatch(ci, p, "expected ok:true, got %.300s", line);
        else if (!id || !json_equal(id, p->id))
            mismatch(ci, p, "id not echoed: %.200s", line);
        else if (p->kind == K_PING && !json_is_true(json_object_get(a, "pong")))
            mismatch(ci, p, "no pong: %.200s", line);
        else if (p->kind == K_SEARCH &&
                 (!json_is_array(json_object_get(a, "results")) ||
                  !json_is_integer(json_object_get(a, "total"))))
            mismatch(ci, p, "no results or total: %.200s", line);
        else if (p->kind == K_FACETS &&
                 !json_is_object(json_object_get(a, "facets")))
            mismatch(ci, p, "no facets: %.200s", line);
        else if (p->kind == K_STATS &&
                 !json_is_object(json_object_get(a, "daemon")))
            mismatch(ci, p, "no daemon stats: %.200s", line);
        else if (p->kind == K_DOC &&
                 (!json_is_string(json_object_get(a, "path")) ||
                  strcmp(json_string_value(json_object_get(a, "path")),
                         opt.doc) ||
                  !json_is_string(json_object_get(a, "text"))))
            mismatch(ci, p, "wrong document: %.200s", line);
        else
            good = 1;
    } else {
        const char *want = expect_err[p->kind].code;
        json_t *want_id = expect_err[p->kind].echoed ? p->id : NULL;
        if (!json_is_false(ok))
            mismatch(ci, p, "expected ok:false, got %.200s", line);
        else if (!code || strcmp(code, want))
            mismatch(ci, p, "expected %s, got %.300s", want, line);
        else if (!json_is_string(json_object_get(err, "message")))
            mismatch(ci, p, "error without a message: %.200s", line);
        else if (want_id ? !json_equal(id, want_id) : !json_is_null(id))
            mismatch(ci, p, "wrong id: %.200s", line);
        else if (p->kind == K_BADQUERY &&
                 !json_is_integer(json_object_get(err, "position")))
            mismatch(ci, p, "EBADQUERY without a position: %.200s", line);
        else
            good = 1;
    }
    if (good)
        ok_by_kind[p->kind]++;
    json_decref(p->id);
    json_decref(a);
}

static int connect_unix(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: loadgen --socket PATH [--conns N] [--requests N] "
            "[--window N] [--seed N] [--doc PATH] [--max-request BYTES] "
            "[--expect-refused N] [--valid-only] [--timeout SEC]\n");
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--socket") && has)
            opt.socket = argv[++i];
        else if (!strcmp(a, "--conns") && has)
            opt.conns = atol(argv[++i]);
        else if (!strcmp(a, "--requests") && has)
            opt.requests = atol(argv[++i]);
        else if (!strcmp(a, "--window") && has)
            opt.window = atol(argv[++i]);
        else if (!strcmp(a, "--seed") && has)
            opt.seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--doc") && has)
            opt.doc = argv[++i];
        else if (!strcmp(a, "--max-request") && has)
            opt.max_request = (size_t)atol(argv[++i]);
        else if (!strcmp(a, "--expect-refused") && has)
            opt.expect_refused = atol(argv[++i]);
        else if (!strcmp(a, "--timeout") && has)
            opt.timeout = atof(argv[++i]);
        else if (!strcmp(a, "--valid-only"))
            opt.valid_only = 1;
        else {
            usage();
            return 3;
        }
    }
    if (!opt.socket || opt.conns < 1 || opt.conns > 4096 || opt.requests < 0 ||
        opt.window < 1 || opt.timeout <= 0) {
        usage();
        return 3;
    }
    if (opt.doc && strpbrk(opt.doc, "\"\\")) {
        fprintf(stderr, "loadgen: --doc must not need JSON escapes\n");
        return 3;
    }
    rng_state = opt.seed * 0x9E3779B97F4A7C15ULL + 1;

    conn_t *cs = calloc((size_t)opt.conns, sizeof *cs);
    struct pollfd *pfd = calloc((size_t)opt.conns, sizeof *pfd);
    if (!cs || !pfd) {
        free(cs);
        free(pfd);
        return 3;
    }
    /* Every connection is opened before anything is sent, so that the
     * daemon sees them all at once (and max-clients is reached). */
    for (long i = 0; i < opt.conns; i++) {
        cs[i].fd = connect_unix(opt.socket);
        if (cs[i].fd < 0) {
            fprintf(stderr, "loadgen: cannot connect to %s: %s\n", opt.socket,
                    strerror(errno));
            while (i-- > 0)
                close(cs[i].fd);
            free(cs);
            free(pfd);
            return 3;
        }
    }
    double t0 = now(), deadline = t0 + opt.timeout;
    long open_conns = opt.conns;
    int timed_out = 0;
    while (open_conns > 0) {
        double left = deadline - now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        for (long i = 0; i < opt.conns; i++) {
            conn_t *c = &cs[i];
            pfd[i].fd = c->closed ? -1 : c->fd;
            pfd[i].events = 0;
            pfd[i].revents = 0;
            if (c->closed)
                continue;
            while (!c->refused && c->next_req < opt.requests &&
                   (long)c->q_n < opt.window)
                queue_request(c, i);
            if (c->out_off < c->out_len)
                pfd[i].events |= POLLOUT;
            pfd[i].events |= POLLIN;
            /* Everything answered: half-close, then wait for the end. */
            if (!c->done && c->out_off == c->out_len &&
                (c->refused || (c->next_req == opt.requests && c->q_n == 0))) {
                c->done = 1;
                shutdown(c->fd, SHUT_WR);
            }
        }
        int rc = poll(pfd, (nfds_t)opt.conns, (int)(left * 1000) + 1);
        if (rc < 0 && errno != EINTR) {
            perror("loadgen: poll");
            exit(3);
        }
        for (long i = 0; rc > 0 && i < opt.conns; i++) {
            conn_t *c = &cs[i];
            if (c->closed || !pfd[i].revents)
                continue;
            if (pfd[i].revents & POLLOUT) {
                ssize_t w = send(c->fd, c->out + c->out_off,
                                 c->out_len - c->out_off, MSG_NOSIGNAL);
                if (w > 0) {
                    c->out_off += (size_t)w;
                    if (c->out_off == c->out_len)
                        c->out_off = c->out_len = 0;
                } else if (w < 0 && errno != EAGAIN && errno != EINTR &&
                           !c->refused) {
                    fprintf(stderr, "loadgen: conn %ld: send: %s\n", i,
                            strerror(errno));
                    lost++;
                    c->closed = 1;
                    open_conns--;
                    continue;
                }
            }
            if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                if (c->in_cap - c->in_len < 65536) {
                    c->in_cap = c->in_cap ? c->in_cap * 2 : 131072;
                    c->in = xrealloc(c->in, c->in_cap);
                }
                ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len,
                                 0);
                if (r < 0 && (errno == EAGAIN || errno == EINTR))
                    continue;
                if (r <= 0) {
                    if (!c->refused &&
                        (c->q_n > 0 || c->next_req < opt.requests)) {
                        fprintf(stderr,
                                "loadgen: conn %ld: closed by the daemon "
                                "with %zu answers missing\n",
                                i, c->q_n + (size_t)(opt.requests - c->next_req));
                        lost++;
                    }
                    c->closed = 1;
                    open_conns--;
                    continue;
                }
                c->in_len += (size_t)r;
                char *p = c->in, *end = c->in + c->in_len, *nl;
                while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
                    check_answer(c, i, p, (size_t)(nl - p));
                    p = nl + 1;
                }
                memmove(c->in, p, (size_t)(end - p));
                c->in_len = (size_t)(end - p);
            }
        }
    }
    double elapsed = now() - t0;
    long refused = 0, sent = 0, answered = 0, ok = 0, valid = 0, invalid = 0;
    long unanswerable = 0; /* sent on connections that were refused */
    for (long i = 0; i < opt.conns; i++) {
        refused += cs[i].refused;
        if (cs[i].refused)
            unanswerable += cs[i].next_req;
        answered += cs[i].answered;
        close(cs[i].fd);
    }
    for (int k = 0; k < K_COUNT; k++) {
        sent += sent_by_kind[k];
        ok += ok_by_kind[k];
        if (k < K_VALID_COUNT)
            valid += ok_by_kind[k];
        else
            invalid += ok_by_kind[k];
    }
    double p50 = 0, p99 = 0, max = 0;
    if (nlat) {
        qsort(lat, nlat, sizeof *lat, cmp_double);
        p50 = lat[nlat / 2];
        p99 = lat[(size_t)((double)nlat * 0.99)];
        max = lat[nlat - 1];
    }
    printf("conns=%ld refused=%ld sent=%ld answered=%ld right=%ld "
           "valid_ok=%ld errors_ok=%ld wrong=%ld lost=%ld elapsed_s=%.2f "
           "rps=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
           opt.conns, refused, sent - unanswerable, answered, ok, valid,
           invalid, mismatches,
           lost, elapsed, elapsed > 0 ? (double)answered / elapsed : 0,
           p50 * 1e3, p99 * 1e3, max * 1e3);
    fflush(stdout);
    /* Everything is freed, so that a leak checker has nothing to say. */
    for (long i = 0; i < opt.conns; i++) {
        for (size_t k = 0; k < cs[i].q_n; k++)
            json_decref(cs[i].q[(cs[i].q_head + k) % cs[i].q_cap].id);
        free(cs[i].q);
        free(cs[i].in);
        free(cs[i].out);
    }
    free(cs);
    free(pfd);
    free(lat);
    int rc = 0;
    if (timed_out) {
        fprintf(stderr, "loadgen: timed out after %.0f s\n", opt.timeout);
        rc = 2;
    } else if (refused != opt.expect_refused) {
        fprintf(stderr, "loadgen: %ld connections refused, expected %ld\n",
                refused, opt.expect_refused);
        rc = 1;
    } else if (lost) {
        rc = 2;
    } else if (mismatches || answered != sent - unanswerable) {
        /* Requests sent on refused connections are never answered. */
        rc = 1;
    }
    return rc;
}
