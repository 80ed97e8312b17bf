/* relrun: runs the queries of make relevance on a psearch index in one
 * process, in psearch's default form (the library call psearch and
 * psearchd make, with only the ranked paths asked for: ps_search_opts_t
 * .raw), and prints the ranking in TREC's run format for releval.
 *
 *   relrun INDEX_DIR DEPTH < QUERIES > RUN
 *
 * QUERIES has one "ID<TAB>TEXT" line per query. A result's document id is
 * its file name without ".txt". Prints to stderr how many queries the
 * relaxed form answered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/search.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: relrun INDEX_DIR DEPTH < QUERIES > RUN\n", stderr);
        return 2;
    }
    ps_db_t *db;
    char *err = NULL;
    if (ps_db_open(argv[1], &db, &err) != PS_OK) {
        fprintf(stderr, "relrun: %s: %s\n", argv[1], err ? err : "no index");
        return 1;
    }
    unsigned depth = (unsigned)atoi(argv[2]);
    char line[65536];
    unsigned nq = 0, nrelaxed = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        ps_search_opts_t o = {.query = tab + 1, .limit = depth, .raw = 1};
        json_t *res = NULL;
        nq++;
        if (ps_search(db, &o, &res, NULL) != PS_OK) {
            fprintf(stderr, "relrun: query %s: %s\n", line, ps_db_errmsg(db));
            continue;
        }
        nrelaxed += json_is_true(json_object_get(res, "relaxed"));
        json_t *rs = json_object_get(res, "results"), *r;
        size_t i;
        json_array_foreach (rs, i, r) {
            const char *path = json_string_value(json_object_get(r, "path"));
            const char *base = strrchr(path, '/');
            base = base ? base + 1 : path;
            size_t n = strlen(base);
            if (n > 4 && !strcmp(base + n - 4, ".txt"))
                n -= 4;
            printf("%s Q0 %.*s %zu %.6f psearch\n", line, (int)n, base, i + 1,
                   json_real_value(json_object_get(r, "score")));
        }
        json_decref(res);
    }
    fprintf(stderr, "relrun: %u of %u queries answered relaxed\n", nrelaxed,
            nq);
    ps_db_close(db);
    return 0;
}
