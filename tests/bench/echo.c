/* echo: the socket floor. A minimal echo server (a forked child, blocking
 * read and write, no event loop, no parsing) and a client timing SIZE-byte
 * round trips over the same kind of Unix stream socket psearchd uses: no
 * search server can answer faster than this. Prints MEDIAN_US P99_US.
 *
 *   echo SOCKET_PATH REPEAT WARMUP [SIZE]    (SIZE default 100 bytes) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

static void serve(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        _exit(1);
    char buf[65536];
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(fd, buf + off, (size_t)(r - off));
            if (w <= 0)
                _exit(1);
            off += w;
        }
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: echo SOCKET REPEAT WARMUP [SIZE]\n");
        return 2;
    }
    long repeat = atol(argv[2]), warmup = atol(argv[3]);
    size_t size = argc == 5 ? (size_t)atol(argv[4]) : 100;
    if (repeat < 1 || warmup < 0 || size < 1 || size > 65536) {
        fprintf(stderr, "echo: bad REPEAT, WARMUP or SIZE\n");
        return 2;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof sa.sun_path)
        return 2;
    strcpy(sa.sun_path, argv[1]);
    unlink(argv[1]);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(lfd, 1) < 0) {
        perror(argv[1]);
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0)
        serve(lfd);
    close(lfd);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("connect");
        kill(pid, SIGTERM);
        return 1;
    }
    char *msg = malloc(size), *in = malloc(size);
    double *t = malloc((size_t)repeat * sizeof *t);
    if (!msg || !in || !t)
        return 1;
    memset(msg, 'x', size);
    msg[size - 1] = '\n';
    for (long i = -warmup; i < repeat; i++) {
        double t0 = bu_now();
        if (write(fd, msg, size) != (ssize_t)size)
            return 1;
        for (size_t got = 0; got < size;) {
            ssize_t r = read(fd, in + got, size - got);
            if (r <= 0)
                return 1;
            got += (size_t)r;
        }
        if (i >= 0)
            t[i] = (bu_now() - t0) * 1e6;
    }
    close(fd);
    waitpid(pid, NULL, 0);
    unlink(argv[1]);
    double med, p99;
    bu_stats(t, (size_t)repeat, &med, &p99);
    printf("%.1f\t%.1f\n", med, p99);
    return 0;
}
