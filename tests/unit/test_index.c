/* Unit tests of the Xapian shim through its public headers: writing
 * (lock, put, stat, touch, remove, commit, rebuild aside) and reading
 * (open, search, bad queries, documents), in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "psearch/analyzer.h"
#include "psearch/article.h"
#include "psearch/entities.h"
#include "psearch/index.h"
#include "psearch/search.h"

static const char GAZ[] =
    "zelensky\tperson\tVolodymyr Zelensky\tZelenskiy|Zelenskyy\n"
    "nato\torg\tNATO\tNato\n";

struct fx {
    char dir[64];
    ps_analyzer_t *an, *tan;
    ps_gazetteer_t *gaz;
    ps_tagger_t *tagger;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/ps-test-index.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(ps_analyzer_new(&f->an), PS_OK);
    assert_int_equal(ps_analyzer_new(&f->tan), PS_OK);
    char *err = NULL;
    assert_int_equal(
        ps_gazetteer_parse(GAZ, sizeof GAZ - 1, "test", f->an, &f->gaz, &err),
        PS_OK);
    assert_int_equal(ps_tagger_new(f->gaz, NULL, &f->tagger), PS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    ps_tagger_free(f->tagger);
    ps_gazetteer_free(f->gaz);
    ps_analyzer_free(f->an);
    ps_analyzer_free(f->tan);
    free(f);
    return 0;
}

/* Analyses TEXT as the indexer does and stores it under PATH. */
static ps_status_t put(struct fx *f, ps_index_t *ix, const char *path,
                       const char *text, uint64_t hash)
{
    ps_article_t art;
    size_t len = strlen(text);
    assert_int_equal(ps_article_parse(text, len, &art, NULL), PS_OK);
    ps_docrec_t r = {.path = path, .text = text, .len = len, .article = &art};
    r.stat.size = len;
    r.stat.mtime_sec = 1000;
    r.stat.hash = hash;
    assert_int_equal(ps_analyze(f->tan, art.title.ptr, art.title.len,
                                art.title.offset, &r.title_tokens,
                                &r.ntitle_tokens),
                     PS_OK);
    assert_int_equal(ps_analyze(f->an, text + art.body_offset,
                                len - art.body_offset, art.body_offset,
                                &r.tokens, &r.ntokens),
                     PS_OK);
    assert_int_equal(ps_tagger_run(f->tagger, text + art.body_offset,
                                   len - art.body_offset, art.body_offset,
                                   r.tokens, r.ntokens, &r.entities,
                                   &r.nentities),
                     PS_OK);
    return ps_index_put(ix, &r);
}

static ps_index_t *open_ix(struct fx *f, unsigned flags)
{
    ps_index_t *ix = NULL;
    char *err = NULL;
    ps_status_t st = ps_index_open(f->dir, flags, 0, &ix, &err);
    if (st != PS_OK)
        fail_msg("open: %s: %s", ps_status_str(st), err ? err : "");
    return ix;
}

static json_t *search(ps_db_t *db, const char *q, ps_status_t want)
{
    ps_search_opts_t o = {.query = q};
    json_t *res = NULL;
    size_t pos = 0;
    assert_int_equal(ps_search(db, &o, &res, &pos), want);
    return res;
}

static long total(json_t *res)
{
    return (long)json_integer_value(json_object_get(res, "total"));
}

static void test_write_then_read(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_true(ps_index_rebuilding(ix)); /* a first build goes aside */
    /* Queries resolve aliases with the gazetteer stored in the index. */
    assert_int_equal(ps_index_set_gazetteer(ix, GAZ, sizeof GAZ - 1), PS_OK);
    assert_int_equal(put(f, ix, "/c/a.txt",
                         "Talks\nPresident Zelenskiy met NATO officials.\n", 1),
                     PS_OK);
    assert_int_equal(put(f, ix, "/c/b.txt", "Other\nNothing here.\n", 2),
                     PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);

    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);
    json_t *res = search(db, "person:Zelenskyy", PS_OK);
    assert_int_equal(total(res), 1);
    json_t *r0 = json_array_get(json_object_get(res, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(r0, "path")),
                        "/c/a.txt");
    json_t *hit = json_array_get(json_object_get(r0, "hits"), 0);
    assert_int_equal(json_integer_value(json_object_get(hit, "line")), 2);
    assert_int_equal(json_integer_value(json_object_get(hit, "column")), 11);
    assert_int_equal(json_integer_value(json_object_get(hit, "length")), 9);
    json_decref(res);

    res = search(db, "org:Nato", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);
    ps_db_close(db);
}

static void test_second_writer_is_refused(void **state)
{
    struct fx *f = *state;
    ps_index_t *a = open_ix(f, 0), *b = NULL;
    char *err = NULL;
    assert_int_equal(ps_index_open(f->dir, 0, 0, &b, &err), PS_ELOCKED);
    assert_null(b);
    assert_non_null(strstr(err, "another writer"));
    free(err);
    ps_index_close(a);
    b = open_ix(f, 0); /* released on close */
    ps_index_close(b);
}

static void test_incremental_changes(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/a.txt", "A\nalpha\n", 1), PS_OK);
    assert_int_equal(put(f, ix, "/c/b.txt", "B\nbeta\n", 2), PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);

    ix = open_ix(f, 0);
    assert_false(ps_index_rebuilding(ix));
    ps_filestat_t st;
    assert_int_equal(ps_index_stat(ix, "/c/a.txt", &st), PS_OK);
    assert_int_equal(st.hash, 1);
    assert_int_equal(st.mtime_sec, 1000);
    assert_int_equal(ps_index_stat(ix, "/c/zzz.txt", &st), PS_ENOTFOUND);
    st.mtime_sec = 2000;
    assert_int_equal(ps_index_touch(ix, "/c/a.txt", &st), PS_OK);
    assert_int_equal(put(f, ix, "/c/b.txt", "B\ngamma\n", 3), PS_OK);
    assert_int_equal(ps_index_remove(ix, "/c/a.txt"), PS_OK);
    assert_int_equal(ps_index_remove(ix, "/c/a.txt"), PS_ENOTFOUND);
    /* Closing without a commit drops every change. */
    ps_index_close(ix);

    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);
    json_t *res = search(db, "alpha", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);

    ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/b.txt", "B\ngamma\n", 3), PS_OK);
    assert_int_equal(ps_index_remove(ix, "/c/a.txt"), PS_OK);
    /* Uncommitted changes are invisible to readers. */
    int changed = 0;
    assert_int_equal(ps_db_reopen(db, &changed), PS_OK);
    assert_false(changed);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);

    assert_int_equal(ps_db_reopen(db, &changed), PS_OK);
    assert_true(changed);
    res = search(db, "alpha", PS_OK);
    assert_int_equal(total(res), 0);
    json_decref(res);
    res = search(db, "gamma", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);
    ps_db_close(db);
}

static int count_path(const char *path, void *ctx)
{
    (void)path;
    (*(int *)ctx)++;
    return 0;
}

static void test_rebuild_switches_generation(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/a.txt", "A\nalpha\n", 1), PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);

    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);

    ix = open_ix(f, PS_INDEX_REBUILD);
    assert_true(ps_index_rebuilding(ix));
    int n = 0;
    assert_int_equal(ps_index_foreach_path(ix, "", count_path, &n), PS_OK);
    assert_int_equal(n, 0); /* the new generation starts empty */
    assert_int_equal(put(f, ix, "/c/z.txt", "Z\nzeta\n", 9), PS_OK);
    /* Until the switch, readers keep the old generation. */
    json_t *res = search(db, "alpha", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);

    int changed = 0;
    assert_int_equal(ps_db_reopen(db, &changed), PS_OK);
    assert_true(changed);
    res = search(db, "alpha OR zeta", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);
    ps_db_close(db);
}

static void test_abandoned_rebuild_leaves_index(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/a.txt", "A\nalpha\n", 1), PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);
    ix = open_ix(f, PS_INDEX_REBUILD);
    assert_int_equal(put(f, ix, "/c/z.txt", "Z\nzeta\n", 9), PS_OK);
    ps_index_close(ix); /* no commit: the aside build is dropped */

    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);
    json_t *res = search(db, "alpha", PS_OK);
    assert_int_equal(total(res), 1);
    json_decref(res);
    ps_db_close(db);
}

static void test_missing_index(void **state)
{
    struct fx *f = *state;
    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_ENOINDEX);
    assert_null(db);
    assert_non_null(strstr(err, "psearch-index"));
    free(err);
}

static void test_bad_queries(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/a.txt", "A\nalpha beta\n", 1), PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);
    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);
    static const struct {
        const char *q;
        size_t pos;
        const char *says;
    } cases[] = {
        {"\"alpha", 0, "unbalanced quote"},
        {"alpha AND", 6, "AND has nothing after it"},
        {"OR alpha", 0, "OR has nothing before it"},
        {"(alpha", 0, "never closed"},
        {"alpha)", 5, "unbalanced ')'"},
        {"person:", 0, "empty value"},
        {"a NEAR/x b", 2, "NEAR/n"},
        {"\"a b\" NEAR c", 0, "NEAR joins single words"},
        {"()", 0, "empty parentheses"},
        {"", 0, "empty query"},
        {"date:yesterday", 0, "date:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ps_search_opts_t o = {.query = cases[i].q};
        json_t *res = NULL;
        size_t pos = 99;
        assert_int_equal(ps_search(db, &o, &res, &pos), PS_EBADQUERY);
        assert_null(res);
        if (!strstr(ps_db_errmsg(db), cases[i].says))
            fail_msg("%s: message '%s' lacks '%s'", cases[i].q,
                     ps_db_errmsg(db), cases[i].says);
        assert_int_equal(pos, cases[i].pos);
    }
    ps_db_close(db);
}

static void test_document_only_if_indexed(void **state)
{
    struct fx *f = *state;
    ps_index_t *ix = open_ix(f, 0);
    assert_int_equal(put(f, ix, "/c/a.txt", "A\nline two\nline three\n", 1),
                     PS_OK);
    assert_int_equal(ps_index_commit(ix), PS_OK);
    ps_index_close(ix);
    ps_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(ps_db_open(f->dir, &db, &err), PS_OK);
    json_t *d = NULL;
    assert_int_equal(ps_db_document(db, "/c/a.txt", 2, 3, &d), PS_OK);
    assert_string_equal(json_string_value(json_object_get(d, "text")),
                        "line two\nline three\n");
    assert_int_equal(json_integer_value(json_object_get(d, "lines_total")), 3);
    json_decref(d);
    assert_int_equal(ps_db_document(db, "/etc/passwd", 0, 0, &d), PS_ENOTFOUND);
    assert_int_equal(ps_db_document(db, "/c/../c/a.txt", 0, 0, &d),
                     PS_ENOTFOUND);
    ps_db_close(db);
}

/* The title ps_article_parse() takes from TEXT, as a string. */
static void assert_title(const char *text, const char *want)
{
    ps_article_t a;
    assert_int_equal(ps_article_parse(text, strlen(text), &a, NULL), PS_OK);
    char got[256];
    snprintf(got, sizeof got, "%.*s", (int)a.title.len,
             a.title.ptr ? a.title.ptr : "");
    assert_string_equal(got, want);
}

/* A section label on the first line gives way to the headline after it;
 * a headline, a sentence or a front-matter title stays. */
static void test_title_skips_section_label(void **state)
{
    (void)state;
    assert_title("US Politics\nKey details about the deal\nBody.\n",
                 "Key details about the deal");
    assert_title("\nBlog\n\n  Current Status of the Talks \nBody.\n",
                 "Current Status of the Talks");
    assert_title("SOUTH VIET NAM\nTHE HELICOPTER WAR RUNS INTO TROUBLE\n",
                 "THE HELICOPTER WAR RUNS INTO TROUBLE");
    /* A headline with a verb, a label followed by a paragraph, a line in
     * lower case, a final full stop: the first line stays. */
    assert_title("Trump Wins\nThe long story of the election night\n",
                 "Trump Wins");
    assert_title("Blog\nThe talks went on for a week and ended.\n", "Blog");
    assert_title("us politics\nKey details about the deal\n", "us politics");
    assert_title("Europe.\nKey details about the deal\n", "Europe.");
    assert_title("Blog\n", "Blog");
    assert_title("---\ntitle: Given\n---\nBlog\nKey details\n", "Given");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_then_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_incremental_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_switches_generation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abandoned_rebuild_leaves_index,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_only_if_indexed, setup,
                                        teardown),
        cmocka_unit_test(test_title_skips_section_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
