/* Proves that the query side and the index side agree: for every token the
 * indexer's analysis finds in each file, the query parser turns the token's
 * surface text into a query that searches the very term the index holds
 * (among the other words of its stem), and an exact-phrase
 * query for that surface finds the file in the real index.
 * Usage: one_analyzer INDEX FILE... ; prints a count and exits 1 on any
 * disagreement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/analyzer.h"
#include "psearch/article.h"
#include "psearch/search.h"

static int has_term(json_t *terms, const char *want)
{
    size_t i;
    json_t *t;
    json_array_foreach (terms, i, t)
        if (strcmp(json_string_value(t), want) == 0)
            return 1;
    return 0;
}

static int is_operator(const char *s)
{
    return !strcmp(s, "AND") || !strcmp(s, "OR") || !strcmp(s, "NOT") ||
           !strncmp(s, "NEAR", 4);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: one_analyzer INDEX FILE...\n");
        return 2;
    }
    ps_db_t *db;
    char *err;
    if (ps_db_open(argv[1], &db, &err) != PS_OK) {
        fprintf(stderr, "one_analyzer: %s\n", err);
        return 2;
    }
    ps_analyzer_t *an;
    if (ps_analyzer_new(&an) != PS_OK)
        return 2;
    size_t checked = 0, bad = 0;
    for (int a = 2; a < argc; a++) {
        size_t len;
        char *text = NULL;
        if (ps_read_file(argv[a], &text, &len) != PS_OK)
            text = NULL;
        ps_article_t art;
        if (!text || ps_article_parse(text, len, &art, NULL) != PS_OK) {
            fprintf(stderr, "one_analyzer: cannot read %s\n", argv[a]);
            return 2;
        }
        const ps_token_t *toks;
        size_t n;
        if (ps_analyze(an, text + art.body_offset, len - art.body_offset,
                       art.body_offset, &toks, &n) != PS_OK)
            return 2;
        const char *base = strrchr(argv[a], '/');
        base = base ? base + 1 : argv[a];
        for (size_t i = 0; i < n; i++) {
            const ps_token_t *t = &toks[i];
            if (t->flags & PS_TOK_COMPOUND)
                continue; /* queried through its parts */
            char surface[512], want[512], q[1200];
            snprintf(surface, sizeof surface, "%.*s", (int)t->length,
                     text + t->offset);
            /* The index holds the word itself; a query word searches it
             * among the words of its stem. */
            snprintf(want, sizeof want, "%s", t->term);
            checked++;
            json_t *terms = NULL;
            if (!is_operator(surface)) {
                size_t pos;
                if (ps_query_terms(db, surface, &terms, &pos) != PS_OK ||
                    !has_term(terms, want)) {
                    if (bad++ < 20)
                        fprintf(stderr,
                                "%s: '%s' at %zu: query side "
                                "lacks %s\n",
                                base, surface, t->offset, want);
                }
                json_decref(terms);
            }
            snprintf(q, sizeof q, "\"%s\" path:%s", surface, base);
            ps_search_opts_t o = {.query = q, .no_results = 1};
            json_t *res = NULL;
            if (ps_search(db, &o, &res, NULL) != PS_OK ||
                json_integer_value(json_object_get(res, "total")) < 1) {
                if (bad++ < 20)
                    fprintf(stderr,
                            "%s: '%s' at %zu: the index does not "
                            "find it\n",
                            base, surface, t->offset);
            }
            json_decref(res);
        }
        free(text);
    }
    printf("one_analyzer: %zu tokens checked, %zu disagreements\n", checked,
           bad);
    ps_analyzer_free(an);
    ps_db_close(db);
    return bad ? 1 : 0;
}
