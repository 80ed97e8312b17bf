/* benchutil.h: the little the benchmark helpers share: a monotonic clock,
 * reading the query file, and the median and 99th percentile of a sample.
 * Header-only, so each helper stays one file plus this one. */
#ifndef PS_BENCHUTIL_H
#define PS_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bu_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts T[0..N) and stores its median and 99th percentile (nearest rank,
 * so with fewer than 100 samples it is the maximum). */
static inline void bu_stats(double *t, size_t n, double *median, double *p99)
{
    qsort(t, n, sizeof *t, bu_cmp);
    if (n == 0) {
        *median = *p99 = 0;
        return;
    }
    *median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    size_t k = (size_t)((double)n * 0.99 + 0.999999);
    *p99 = t[k > 0 ? k - 1 : 0];
}

/* Reads the lines of PATH (without their newlines, empty lines and lines
 * starting with '#' skipped) into a NULL-terminated array; exits on
 * failure. */
static inline char **bu_lines(const char *path, size_t *count)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t n = 0, cap = 64;
    char **v = malloc(cap * sizeof *v);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while (v && (len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0 || line[0] == '#')
            continue;
        if (n + 2 > cap) {
            cap *= 2;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[n++] = strdup(line);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    v[n] = NULL;
    *count = n;
    return v;
}

#endif
