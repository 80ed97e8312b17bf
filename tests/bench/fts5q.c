/* fts5q: SQLite FTS5, timed in process as rawq times Xapian. Opens the
 * database that run.sh built (table docs(path, body), tokenize='porter')
 * and runs each FTS5 query of a file as the top 10 by bm25, fetching the
 * paths, REPEAT times after WARMUP. Prints per query:
 *
 *   INDEX  MEDIAN_US  P99_US  ROWS
 *
 *   fts5q DB QUERY_FILE REPEAT WARMUP */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "benchutil.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: fts5q DB QUERIES REPEAT WARMUP\n");
        return 2;
    }
    long repeat = atol(argv[3]), warmup = atol(argv[4]);
    if (repeat < 1 || warmup < 0) {
        fprintf(stderr, "fts5q: bad REPEAT or WARMUP\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL)) {
        fprintf(stderr, "fts5q: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *st;
    /* ORDER BY rank is FTS5's bm25() order, computed by FTS5 itself. */
    if (sqlite3_prepare_v2(db,
                           "SELECT path FROM docs WHERE docs MATCH ?1 "
                           "ORDER BY rank LIMIT 10",
                           -1, &st, NULL)) {
        fprintf(stderr, "fts5q: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    size_t nq;
    char **q = bu_lines(argv[2], &nq);
    double *t = malloc((size_t)repeat * sizeof *t);
    if (!t)
        return 1;
    for (size_t i = 0; i < nq; i++) {
        int rows = 0;
        for (long r = -warmup; r < repeat; r++) {
            double t0 = bu_now();
            sqlite3_bind_text(st, 1, q[i], -1, SQLITE_STATIC);
            int rc;
            rows = 0;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                (void)sqlite3_column_text(st, 0);
                rows++;
            }
            if (rc != SQLITE_DONE) {
                fprintf(stderr, "fts5q: %s: %s\n", q[i], sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(st);
            double dt = (bu_now() - t0) * 1e6;
            if (r >= 0)
                t[r] = dt;
        }
        double med, p99;
        bu_stats(t, (size_t)repeat, &med, &p99);
        printf("%zu\t%.1f\t%.1f\t%d\n", i + 1, med, p99, rows);
        fflush(stdout);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}
