/* jsonl_client: the client side of the daemon tests. Sends its standard
 * input to psearchd's socket and prints every line received, until it has
 * as many lines as it sent (or --expect N), the daemon closes, or the
 * timeout. With --latency N it instead sends its input N times, one round
 * at a time, and prints the round-trip times.
 *
 *   jsonl_client [--tcp HOST:PORT | SOCKET] [--timeout SEC] [--expect N]
 *                [--hold SEC] [--no-read] [--latency N] [--warmup N]
 *
 * Exit status: 0 got every expected line (or --hold ended by EOF or
 * time); 1 the connection closed first; 2 timeout; 3 usage or connect
 * error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef struct buf {
    char *p;
    size_t len, cap;
} buf_t;

static int buf_add(buf_t *b, const char *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np)
            return -1;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(const char *tcp, const char *path)
{
    int fd;
    if (tcp) {
        char host[64];
        const char *colon = strrchr(tcp, ':');
        if (!colon || (size_t)(colon - tcp) >= sizeof host)
            return -1;
        size_t hl = (size_t)(colon - tcp);
        memcpy(host, tcp, hl);
        host[hl] = 0;
        int port = atoi(colon + 1);
        struct sockaddr_storage ss;
        socklen_t sl;
        memset(&ss, 0, sizeof ss);
        if (host[0] == '[') {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            host[hl - 1] = 0;
            if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
                return -1;
            a->sin6_family = AF_INET6;
            a->sin6_port = htons((uint16_t)port);
            sl = sizeof *a;
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
                return -1;
            a->sin_family = AF_INET;
            a->sin_port = htons((uint16_t)port);
            sl = sizeof *a;
        }
        fd = socket(ss.ss_family, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0)
            return -1;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return -1;
    return fd;
}

static size_t count_lines(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

/* Sends IN and reads until EXPECT lines arrived, printing them when
 * PRINT. Returns 0, 1 (EOF first) or 2 (DEADLINE passed). */
static int exchange(int fd, const buf_t *in, size_t expect, double deadline,
                    int print, int no_read, buf_t *pending)
{
    size_t sent = 0, got = 0;
    for (;;) {
        if (sent == in->len && (no_read || got >= expect))
            return 0;
        double left = deadline - now();
        if (left <= 0)
            return 2;
        struct pollfd pfd = {fd, 0, 0};
        if (sent < in->len)
            pfd.events |= POLLOUT;
        if (!no_read)
            pfd.events |= POLLIN;
        int rc = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (rc < 0 && errno != EINTR)
            return 1;
        if (rc <= 0)
            continue;
        if (pfd.revents & POLLOUT) {
            ssize_t w = send(fd, in->p + sent, in->len - sent, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                return 1;
            if (w > 0)
                sent += (size_t)w;
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            char tmp[65536];
            ssize_t r = recv(fd, tmp, sizeof tmp, 0);
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (r <= 0)
                return got >= expect && sent == in->len ? 0 : 1;
            if (print)
                fwrite(tmp, 1, (size_t)r, stdout);
            got += count_lines(tmp, (size_t)r);
            if (pending && buf_add(pending, tmp, (size_t)r))
                return 1;
        }
    }
}

/* Keeps the connection open for SEC seconds, printing what arrives;
 * returns early when the daemon closes. */
static void hold(int fd, double sec, int no_read)
{
    double end = now() + sec;
    for (;;) {
        double left = end - now();
        if (left <= 0)
            return;
        if (no_read) {
            struct timespec ts = {(time_t)left,
                                  (long)((left - (double)(time_t)left) * 1e9)};
            nanosleep(&ts, NULL);
            return;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        char tmp[65536];
        ssize_t r = recv(fd, tmp, sizeof tmp, 0);
        if (r <= 0)
            return;
        fwrite(tmp, 1, (size_t)r, stdout);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int latency(int fd, const buf_t *in, long rounds, long warmup,
                   double timeout)
{
    size_t lines = count_lines(in->p, in->len);
    double *t = malloc((size_t)rounds * sizeof *t);
    if (!t || !lines)
        return 3;
    for (long i = -warmup; i < rounds; i++) {
        double t0 = now();
        int rc = exchange(fd, in, lines, t0 + timeout, 0, 0, NULL);
        if (rc) {
            fprintf(stderr, "jsonl_client: round %ld failed (%d)\n", i, rc);
            free(t);
            return rc;
        }
        if (i >= 0)
            t[i] = (now() - t0) * 1e6;
    }
    double sum = 0;
    for (long i = 0; i < rounds; i++)
        sum += t[i];
    qsort(t, (size_t)rounds, sizeof *t, cmp_double);
    long p99 = (long)((double)rounds * 0.99);
    if (p99 >= rounds)
        p99 = rounds - 1;
    printf("rounds=%ld median_us=%.0f p99_us=%.0f mean_us=%.0f min_us=%.0f "
           "max_us=%.0f\n",
           rounds, t[rounds / 2], t[p99], sum / (double)rounds, t[0],
           t[rounds - 1]);
    free(t);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: jsonl_client [--tcp HOST:PORT | SOCKET] [--timeout SEC] "
            "[--expect N] [--hold SEC] [--no-read] [--latency N] "
            "[--warmup N]\n");
}

int main(int argc, char **argv)
{
    const char *tcp = NULL, *path = NULL;
    double timeout = 10, hold_sec = 0;
    long expect = -1, rounds = 0, warmup = 50;
    int no_read = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--tcp") && has)
            tcp = argv[++i];
        else if (!strcmp(a, "--timeout") && has)
            timeout = atof(argv[++i]);
        else if (!strcmp(a, "--expect") && has)
            expect = atol(argv[++i]);
        else if (!strcmp(a, "--hold") && has)
            hold_sec = atof(argv[++i]);
        else if (!strcmp(a, "--latency") && has)
            rounds = atol(argv[++i]);
        else if (!strcmp(a, "--warmup") && has)
            warmup = atol(argv[++i]);
        else if (!strcmp(a, "--no-read"))
            no_read = 1;
        else if (a[0] != '-' && !path)
            path = a;
        else {
            usage();
            return 3;
        }
    }
    if (!tcp == !path) {
        usage();
        return 3;
    }
    buf_t in = {0};
    char tmp[65536];
    size_t r;
    while ((r = fread(tmp, 1, sizeof tmp, stdin)) > 0)
        if (buf_add(&in, tmp, r))
            return 3;
    int fd = connect_to(tcp, path);
    if (fd < 0) {
        fprintf(stderr, "jsonl_client: cannot connect to %s: %s\n",
                tcp ? tcp : path, strerror(errno));
        free(in.p);
        return 3;
    }
    int rc;
    if (rounds > 0) {
        rc = latency(fd, &in, rounds, warmup, timeout);
    } else {
        size_t want = expect >= 0 ? (size_t)expect : count_lines(in.p, in.len);
        rc = exchange(fd, &in, want, now() + timeout, 1, no_read, NULL);
        fflush(stdout);
        if (rc == 0 && hold_sec > 0)
            hold(fd, hold_sec, no_read);
    }
    fflush(stdout);
    close(fd);
    free(in.p);
    return rc;
}
