/* spawnt: times a command run as one process per query, the way a person
 * or an editor runs psearch, quest, rg or sqlite3: fork, exec, wait, with
 * its output thrown away. Runs it WARMUP then REPEAT times, or fewer when
 * MAX_SEC have passed (at least once), and prints:
 *
 *   MEDIAN_US  P99_US  RUNS  EXIT_STATUS_OF_THE_LAST_RUN
 *
 *   spawnt REPEAT WARMUP MAX_SEC COMMAND [ARG...] */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: spawnt REPEAT WARMUP MAX_SEC COMMAND...\n");
        return 2;
    }
    long repeat = atol(argv[1]), warmup = atol(argv[2]);
    double max_sec = atof(argv[3]);
    if (repeat < 1 || warmup < 0) {
        fprintf(stderr, "spawnt: bad REPEAT or WARMUP\n");
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double *t = malloc((size_t)repeat * sizeof *t);
    if (!t)
        return 1;
    long n = 0;
    int status = 0;
    double start = bu_now();
    for (long i = -warmup; i < repeat; i++) {
        if (n > 0 && bu_now() - start > max_sec)
            break;
        pid_t pid;
        double t0 = bu_now();
        if (posix_spawnp(&pid, argv[4], &fa, NULL, argv + 4, environ)) {
            perror(argv[4]);
            return 1;
        }
        if (waitpid(pid, &status, 0) < 0)
            return 1;
        double dt = (bu_now() - t0) * 1e6;
        if (i >= 0)
            t[n++] = dt;
    }
    double med, p99;
    bu_stats(t, (size_t)n, &med, &p99);
    printf("%.1f\t%.1f\t%ld\t%d\n", med, p99, n,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
