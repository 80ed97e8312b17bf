/* rawq: the floor psearchd is compared with. Opens a psearch index in
 * process and runs each query of a file as a bare Xapian match (top 10,
 * ps_search_opts_t.raw: rank and score only, no snippets, hits or
 * entities), REPEAT times after WARMUP, printing per query:
 *
 *   INDEX  MEDIAN_US  P99_US  TOTAL
 *
 *   rawq [--full] INDEX_DIR QUERY_FILE REPEAT WARMUP
 *
 * --full asks for whole results instead, as psearchd computes them (the
 * answer as JSON text, ps_search_text()), to show how the in-process time
 * splits between the match and the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/search.h"

#include "benchutil.h"

int main(int argc, char **argv)
{
    int full = argc > 1 && !strcmp(argv[1], "--full");
    if (argc - full != 5) {
        fprintf(stderr, "usage: rawq [--full] INDEX QUERIES REPEAT WARMUP\n");
        return 2;
    }
    argv += full;
    long repeat = atol(argv[3]), warmup = atol(argv[4]);
    if (repeat < 1 || warmup < 0) {
        fprintf(stderr, "rawq: bad REPEAT or WARMUP\n");
        return 2;
    }
    ps_db_t *db;
    char *err = NULL;
    if (ps_db_open(argv[1], &db, &err) != PS_OK) {
        fprintf(stderr, "rawq: %s: %s\n", argv[1], err ? err : "no index");
        return 1;
    }
    size_t nq;
    char **q = bu_lines(argv[2], &nq);
    double *t = malloc((size_t)repeat * sizeof *t);
    if (!t)
        return 1;
    for (size_t i = 0; i < nq; i++) {
        ps_search_opts_t o = {.query = q[i], .limit = 10, .raw = !full};
        long long total = -1;
        for (long r = -warmup; r < repeat; r++) {
            char *text = NULL;
            size_t len;
            ps_search_info_t info;
            double t0 = bu_now();
            ps_status_t st = ps_search_text(db, &o, &text, &len, &info, NULL);
            double dt = (bu_now() - t0) * 1e6;
            if (st != PS_OK) {
                fprintf(stderr, "rawq: %s: %s\n", q[i], ps_db_errmsg(db));
                return 1;
            }
            total = info.total;
            free(text);
            if (r >= 0)
                t[r] = dt;
        }
        double med, p99;
        bu_stats(t, (size_t)repeat, &med, &p99);
        printf("%zu\t%.1f\t%.1f\t%lld\n", i + 1, med, p99, total);
        fflush(stdout);
    }
    ps_db_close(db);
    return 0;
}
