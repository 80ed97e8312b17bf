/* releval: the ranking evaluator of `make relevance`. Reads relevance
 * judgments and a run, both in TREC's formats, and prints the standard
 * measures averaged over the queries that have judgments: a query of the
 * judgments that the run never answers counts as 0 on every measure.
 *
 *   releval QRELS RUN [-q]
 *
 * QRELS lines are "QUERY ITER DOC GRADE" (GRADE > 0 is relevant; ITER is
 * ignored). RUN lines are "QUERY Q0 DOC RANK SCORE TAG", and the rank
 * order is the order of the lines of each query (the RANK and SCORE columns
 * are not consulted, so ties keep the order the system gave). A relevant
 * document listed twice for one query counts once, at its first rank.
 *
 * Prints "map ndcg@10 p@10 r@100 queries" as one line of numbers with four
 * decimals; with -q, first one such line per query, prefixed by its id.
 * Definitions (as trec_eval computes them): AP is the sum of the precision
 * at the rank of each relevant document retrieved, over the number of
 * relevant documents; nDCG@10 is DCG over the first 10 ranks, gain GRADE
 * and discount log2(rank + 1), over the DCG of the ideal order; P@10 is
 * relevant among the first 10 over 10; R@100 is relevant among the first
 * 100 over the number of relevant documents. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct judgment {
    char *query, *doc;
    int grade;
    int seen; /* already met in the run being scored */
};

struct entry {
    char *query, *doc;
    size_t order; /* line number, for a stable sort */
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("releval: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("releval: out of memory\n", stderr);
        exit(2);
    }
    return d;
}

/* Reads the first WANT white-space separated fields of each line of PATH
 * into an array of WANT-tuples of strings; returns the number of lines. */
static size_t read_fields(const char *path, size_t want, size_t *cols,
                          char ***out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "releval: %s: cannot open\n", path);
        exit(2);
    }
    char line[4096];
    size_t n = 0, cap = 0, lineno = 0;
    char **v = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *tok[8];
        size_t k = 0;
        for (char *s = strtok(line, " \t\r\n"); s && k < 8;
             s = strtok(NULL, " \t\r\n"))
            tok[k++] = s;
        if (k == 0)
            continue;
        if (k < want) {
            fprintf(stderr, "releval: %s:%zu: expected %zu fields\n", path,
                    lineno, want);
            exit(2);
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            v = xrealloc(v, cap * want * sizeof *v);
        }
        for (size_t i = 0; i < want; i++)
            v[n * want + i] = xstrdup(tok[cols[i]]);
        n++;
    }
    fclose(f);
    *out = v;
    return n;
}

/* Frees the N strings of V, which read_fields() made, and V. */
static void free_fields(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int cmp_judgment(const void *a, const void *b)
{
    const struct judgment *x = a, *y = b;
    int c = strcmp(x->query, y->query);
    return c ? c : strcmp(x->doc, y->doc);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->query, y->query);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The grade of DOC for the judgments J[0, N) of one query, 0 if none or
 * if DOC was met before. */
static int grade_of(struct judgment *j, size_t n, const char *doc)
{
    struct judgment key = {j ? j->query : NULL, (char *)doc, 0, 0};
    struct judgment *hit =
        n ? bsearch(&key, j, n, sizeof *j, cmp_judgment) : NULL;
    if (!hit || hit->seen)
        return 0;
    hit->seen = 1;
    return hit->grade;
}

static int cmp_int_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

struct measures {
    double ap, ndcg10, p10, r100;
};

/* Scores the ranked documents R[0, NR) of one query against its
 * judgments J[0, NJ), sorted by document. */
static struct measures score(struct judgment *j, size_t nj,
                             const struct entry *r, size_t nr)
{
    struct measures m = {0, 0, 0, 0};
    size_t nrel = 0;
    int *grades = xrealloc(NULL, (nj ? nj : 1) * sizeof *grades);
    for (size_t i = 0; i < nj; i++)
        if (j[i].grade > 0)
            grades[nrel++] = j[i].grade;
    if (nrel == 0) {
        free(grades);
        return m;
    }
    qsort(grades, nrel, sizeof *grades, cmp_int_desc);
    double idcg = 0;
    for (size_t i = 0; i < nrel && i < 10; i++)
        idcg += grades[i] / log2((double)i + 2);
    free(grades);

    size_t found = 0, rank = 0;
    double dcg = 0;
    for (size_t i = 0; i < nr; i++) {
        rank++;
        int g = grade_of(j, nj, r[i].doc);
        if (g <= 0)
            continue;
        found++;
        m.ap += (double)found / (double)rank;
        if (rank <= 10) {
            dcg += g / log2((double)rank + 1);
            m.p10 += 1;
        }
        if (rank <= 100)
            m.r100 += 1;
    }
    m.ap /= (double)nrel;
    m.ndcg10 = dcg / idcg;
    m.p10 /= 10;
    m.r100 /= (double)nrel;
    return m;
}

int main(int argc, char **argv)
{
    int per_query = argc == 4 && strcmp(argv[3], "-q") == 0;
    if (argc != 3 && !per_query) {
        fputs("usage: releval QRELS RUN [-q]\n", stderr);
        return 2;
    }
    char **qf, **rf;
    size_t qcols[] = {0, 2, 3}, rcols[] = {0, 2};
    size_t nj = read_fields(argv[1], 3, qcols, &qf);
    size_t nr = read_fields(argv[2], 2, rcols, &rf);
    struct judgment *j = xrealloc(NULL, (nj ? nj : 1) * sizeof *j);
    for (size_t i = 0; i < nj; i++) {
        j[i].query = qf[3 * i];
        j[i].doc = qf[3 * i + 1];
        j[i].grade = atoi(qf[3 * i + 2]);
        j[i].seen = 0;
    }
    struct entry *r = xrealloc(NULL, (nr ? nr : 1) * sizeof *r);
    for (size_t i = 0; i < nr; i++) {
        r[i].query = rf[2 * i];
        r[i].doc = rf[2 * i + 1];
        r[i].order = i;
    }
    qsort(j, nj, sizeof *j, cmp_judgment);
    qsort(r, nr, sizeof *r, cmp_entry);

    struct measures sum = {0, 0, 0, 0};
    size_t nq = 0, ri = 0;
    for (size_t a = 0; a < nj;) {
        size_t b = a;
        int any = 0;
        while (b < nj && strcmp(j[b].query, j[a].query) == 0)
            any |= j[b++].grade > 0;
        /* The run's entries for this query (both lists are sorted). */
        while (ri < nr && strcmp(r[ri].query, j[a].query) < 0)
            ri++;
        size_t re = ri;
        while (re < nr && strcmp(r[re].query, j[a].query) == 0)
            re++;
        if (any) {
            struct measures m = score(j + a, b - a, r + ri, re - ri);
            if (per_query)
                printf("%s %.4f %.4f %.4f %.4f\n", j[a].query, m.ap, m.ndcg10,
                       m.p10, m.r100);
            sum.ap += m.ap;
            sum.ndcg10 += m.ndcg10;
            sum.p10 += m.p10;
            sum.r100 += m.r100;
            nq++;
        }
        ri = re;
        a = b;
    }
    if (nq)
        printf("%.4f %.4f %.4f %.4f %zu\n", sum.ap / nq, sum.ndcg10 / nq,
               sum.p10 / nq, sum.r100 / nq, nq);
    else
        fputs("releval: no query has a relevant document\n", stderr);
    /* Everything is freed, so that LeakSanitizer (make SANITIZE=1 test)
     * sees a clean exit. */
    free_fields(qf, 3 * nj);
    free_fields(rf, 2 * nr);
    free(j);
    free(r);
    return nq ? 0 : 1;
}
