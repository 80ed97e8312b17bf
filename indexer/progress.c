/* Draws "indexing 1200/58000 [####    ] 21% 14.2 MB/s" on stderr, at most
 * ten times a second, and erases it at the end so a terminal run leaves
 * only the real messages behind. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

/* Short runs finish before a bar would help. */
#define MIN_FILES 200

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress_t *p, size_t total, int allowed)
{
    p->enabled = allowed && total >= MIN_FILES && isatty(STDERR_FILENO);
    p->total = total;
    p->start = p->last = progress_now();
    p->drawn = 0;
}

void progress_update(progress_t *p, size_t done, uint64_t bytes)
{
    if (!p->enabled)
        return;
    double now = progress_now();
    if (now - p->last < 0.1 && done < p->total)
        return;
    p->last = now;
    int pct = p->total ? (int)(done * 100 / p->total) : 100;
    char bar[21];
    for (int i = 0; i < 20; i++)
        bar[i] = i < pct / 5 ? '#' : ' ';
    bar[20] = '\0';
    double secs = now - p->start;
    fprintf(stderr, "\rindexing %zu/%zu [%s] %3d%% %.1f MB/s ", done, p->total,
            bar, pct, secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
    p->drawn = 1;
}

void progress_done(progress_t *p)
{
    if (p->drawn)
        fprintf(stderr, "\r\033[K");
    p->drawn = 0;
}
