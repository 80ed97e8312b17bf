/* loadgen: throughput of psearchd. Opens CONNS connections to its Unix
 * socket (loopback only by construction), each with one request in flight
 * at a time (a closed loop: send, read the whole answer line, send the
 * next), cycling through the request lines of a file. Runs WARMUP_SEC
 * unmeasured, then measures for SECONDS or until MAX_REQ answers, whichever
 * comes first, and prints one line:
 *
 *   conns=C answers=N seconds=S qps=Q median_us=M p99_us=P errors=E
 *
 *   loadgen SOCKET REQUEST_FILE CONNS SECONDS MAX_REQ [WARMUP_SEC]
 *
 * An answer whose "ok" is false counts as an error. Exit status 1 if the
 * daemon closed a connection or nothing was answered. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "benchutil.h"

typedef struct conn {
    int fd;
    const char *req; /* the request in flight, with its newline */
    size_t req_len, sent;
    size_t line_bytes; /* bytes of the current answer so far */
    char head[48];     /* its first bytes, to see "ok":false */
    double t0;
} conn_t;

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: loadgen SOCKET REQUESTS CONNS SECONDS "
                        "MAX_REQ [WARMUP_SEC]\n");
        return 2;
    }
    int nconn = atoi(argv[3]);
    double seconds = atof(argv[4]), warm = argc == 7 ? atof(argv[6]) : 1;
    long max_req = atol(argv[5]);
    if (nconn < 1 || nconn > 1024 || seconds <= 0 || seconds > 600 ||
        max_req < 1) {
        fprintf(stderr, "loadgen: bad CONNS, SECONDS or MAX_REQ\n");
        return 2;
    }
    size_t nq;
    char **lines = bu_lines(argv[2], &nq);
    if (!nq)
        return 2;
    char **reqs = malloc(nq * sizeof *reqs);
    size_t *lens = malloc(nq * sizeof *lens);
    for (size_t i = 0; reqs && lens && i < nq; i++) {
        lens[i] = strlen(lines[i]) + 1;
        reqs[i] = malloc(lens[i] + 1);
        if (!reqs[i])
            return 1;
        memcpy(reqs[i], lines[i], lens[i] - 1);
        reqs[i][lens[i] - 1] = '\n';
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof sa.sun_path)
        return 2;
    strcpy(sa.sun_path, argv[1]);
    conn_t *c = calloc((size_t)nconn, sizeof *c);
    struct pollfd *pfd = calloc((size_t)nconn, sizeof *pfd);
    size_t tcap = (size_t)max_req;
    double *lat = malloc(tcap * sizeof *lat);
    if (!c || !pfd || !lat)
        return 1;
    size_t next = 0;
    double t_start = bu_now(), t_meas = t_start + warm;
    double t_end = t_meas + seconds;
    for (int i = 0; i < nconn; i++) {
        c[i].fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (c[i].fd < 0 ||
            connect(c[i].fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            perror(argv[1]);
            return 1;
        }
        fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
        c[i].req = reqs[next % nq];
        c[i].req_len = lens[next % nq];
        next++;
        c[i].t0 = bu_now();
    }
    size_t done = 0;
    long errors = 0;
    int closed = 0;
    double last = t_meas;
    static char buf[1 << 16];
    while (done < tcap && !closed) {
        double now = bu_now();
        if (now >= t_end)
            break;
        for (int i = 0; i < nconn; i++) {
            pfd[i].fd = c[i].fd;
            pfd[i].events = c[i].sent < c[i].req_len ? POLLOUT : POLLIN;
        }
        int rc = poll(pfd, (nfds_t)nconn, (int)((t_end - now) * 1000) + 1);
        if (rc < 0 && errno != EINTR)
            return 1;
        for (int i = 0; i < nconn && rc > 0; i++) {
            conn_t *k = &c[i];
            if (pfd[i].revents & POLLOUT) {
                ssize_t w = send(k->fd, k->req + k->sent, k->req_len - k->sent,
                                 MSG_NOSIGNAL);
                if (w > 0)
                    k->sent += (size_t)w;
                else if (w < 0 && errno != EAGAIN)
                    closed = 1;
            } else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t r = recv(k->fd, buf, sizeof buf, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN)) {
                    closed = 1;
                    break;
                }
                if (r < 0)
                    continue;
                if (k->line_bytes < sizeof k->head - 1) {
                    size_t hl = sizeof k->head - 1 - k->line_bytes;
                    if (hl > (size_t)r)
                        hl = (size_t)r;
                    memcpy(k->head + k->line_bytes, buf, hl);
                    k->head[k->line_bytes + hl] = 0;
                }
                k->line_bytes += (size_t)r;
                /* One request in flight: its answer ends the first '\n'. */
                if (buf[r - 1] != '\n')
                    continue;
                double t = bu_now();
                if (k->t0 >= t_meas) {
                    lat[done++] = (t - k->t0) * 1e6;
                    last = t;
                    if (strstr(k->head, "\"ok\":false"))
                        errors++;
                }
                k->line_bytes = 0;
                k->req = reqs[next % nq];
                k->req_len = lens[next % nq];
                k->sent = 0;
                next++;
                k->t0 = t;
                if (done >= tcap)
                    break;
            }
        }
    }
    double span = (done >= tcap ? last : bu_now()) - t_meas;
    if (span > seconds)
        span = seconds;
    double med, p99;
    bu_stats(lat, done, &med, &p99);
    printf("conns=%d answers=%zu seconds=%.2f qps=%.0f median_us=%.0f "
           "p99_us=%.0f errors=%ld\n",
           nconn, done, span, span > 0 ? (double)done / span : 0, med, p99,
           errors);
    for (int i = 0; i < nconn; i++)
        close(c[i].fd);
    if (closed)
        fprintf(stderr, "loadgen: the daemon closed a connection\n");
    return closed || !done;
}
