/* Unit tests of the gazetteer and the entity tagger (entities.h): loading
 * and its errors, alias resolution, case constraints, longest match,
 * unknown names and their cues, what is not an entity, mention offsets and
 * behaviour when memory runs out. */
#define _GNU_SOURCE /* RTLD_NEXT, to interpose malloc */
#include <dlfcn.h>
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
#include "psearch/entities.h"

/* AddressSanitizer owns malloc and needs it before dlsym works, so under
 * it the allocator is left alone and the out-of-memory test is skipped;
 * valgrind checks that test in the normal build. */
#if defined(__SANITIZE_ADDRESS__)
#define FAULT_INJECTION 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULT_INJECTION 0
#endif
#endif
#ifndef FAULT_INJECTION
#define FAULT_INJECTION 1
#endif

/* Allocation failures on demand: once fail_countdown reaches zero, every
 * allocation fails until it is disarmed (-1). Defining malloc here
 * interposes it for the library too; the real one comes from libc. */
static long fail_countdown = -1;

#if FAULT_INJECTION

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);

/* dlsym may itself allocate while the real functions are being looked
 * up; a small static arena serves those requests. */
static char boot_arena[4096];
static size_t boot_used;

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot_arena - boot_used)
        return NULL;
    void *p = boot_arena + boot_used;
    boot_used += n;
    return p;
}

static int in_boot(const void *p)
{
    return (const char *)p >= boot_arena &&
           (const char *)p < boot_arena + sizeof boot_arena;
}

static int resolving;

static void resolve_real(void)
{
    if (real_malloc || resolving)
        return;
    resolving = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    resolving = 0;
}

static int should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

void *malloc(size_t n)
{
    resolve_real();
    if (!real_malloc)
        return boot_alloc(n);
    return should_fail() ? NULL : real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    resolve_real();
    if (!real_calloc) {
        void *p = size && n > SIZE_MAX / size ? NULL : boot_alloc(n * size);
        if (p)
            memset(p, 0, n * size);
        return p;
    }
    return should_fail() ? NULL : real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    resolve_real();
    if (in_boot(p) || !real_realloc)
        return NULL;
    return should_fail() ? NULL : real_realloc(p, n);
}

void free(void *p)
{
    static void (*real_free)(void *);
    if (!p || in_boot(p))
        return;
    if (!real_free)
        real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_free(p);
}
#endif

/* A small gazetteer written for the tests. */
static const char gazetteer_text[] =
    "# test gazetteer\n"
    "zelensky\tperson\tVolodymyr Zelensky\t"
    "Zelensky|Zelenskyy|Zelenskiy|Volodymyr Zelenskyy\n"
    "us\tplace\tUnited States\tU.S.|US|America\n"
    "\n"
    "nato\torg\tNATO\tNato|North Atlantic Treaty Organization\n"
    "russia\tplace\tRussia\n"
    "ukraine\tplace\tUkraine\n"
    "   \n"
    "mar-a-lago\tplace\tMar-a-Lago\n"
    "20-point-plan\ttreaty\t20-point plan\t20-point peace plan\n"
    "ryabkov\tperson\tSergei Ryabkov\tRyabkov|Sergey Ryabkov\n"
    "donetsk\tplace\tDonetsk\tDonetsk Oblast|Donetsk oblast\n"
    "kremlin\torg\tKremlin\n";

struct fixture {
    ps_analyzer_t *a;
    ps_gazetteer_t *g;
    ps_ner_model_t *m;
    ps_tagger_t *t;
    char path[64];
    const ps_entity_t *ents;
    size_t nents;
    const char *text;
};

/* Writes TEXT to a new temporary file whose name goes to PATH. */
static void write_temp(char path[64], const char *text)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, 64, "%s/tagger.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* The shipped model, from the source tree ($PSEARCH_ROOT, else the
 * current directory, as tests/run.sh and make test run the tests). */
static ps_status_t load_model(ps_ner_model_t **m)
{
    const char *root = getenv("PSEARCH_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/ner.model",
             root && *root ? root : ".");
    char *err = NULL;
    ps_status_t st = ps_ner_model_load(path, m, &err);
    if (st != PS_OK)
        print_error("%s\n", err ? err : ps_status_str(st));
    free(err);
    return st;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ps_analyzer_new(&f->a), PS_OK);
    write_temp(f->path, gazetteer_text);
    char *err = NULL;
    assert_int_equal(ps_gazetteer_load(f->path, f->a, &f->g, &err), PS_OK);
    assert_null(err);
    assert_int_equal(load_model(&f->m), PS_OK);
    assert_int_equal(ps_tagger_new(f->g, f->m, &f->t), PS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ps_tagger_free(f->t);
    ps_ner_model_free(f->m);
    ps_gazetteer_free(f->g);
    ps_analyzer_free(f->a);
    unlink(f->path);
    free(f);
    return 0;
}

/* Analyses and tags TEXT with base offset BASE. */
static void tag_base(struct fixture *f, const char *text, size_t base)
{
    const ps_token_t *toks;
    size_t ntoks;
    f->text = text;
    assert_int_equal(ps_analyze(f->a, text, strlen(text), base, &toks, &ntoks),
                     PS_OK);
    assert_int_equal(ps_tagger_run(f->t, text, strlen(text), base, toks, ntoks,
                                   &f->ents, &f->nents),
                     PS_OK);
}

static void tag(struct fixture *f, const char *text)
{
    tag_base(f, text, 0);
}

static const ps_entity_t *find(const struct fixture *f, const char *id)
{
    for (size_t i = 0; i < f->nents; i++)
        if (strcmp(f->ents[i].id, id) == 0)
            return &f->ents[i];
    return NULL;
}

/* Checks that entity ID was found, with type TYPE and the mentions given
 * as their surface strings, NULL-terminated. */
static void expect(const struct fixture *f, const char *id,
                   ps_entity_type_t type, ...)
{
    const ps_entity_t *e = find(f, id);
    if (!e)
        fail_msg("entity '%s' not found", id);
    assert_int_equal(e->type, type);
    va_list ap;
    va_start(ap, type);
    size_t i = 0;
    for (const char *s; (s = va_arg(ap, const char *)); i++) {
        if (i >= e->nmentions)
            fail_msg("'%s': only %zu mentions", id, e->nmentions);
        const ps_mention_t *m = &e->mentions[i];
        assert_int_equal(m->length, strlen(s));
        assert_memory_equal(f->text + m->offset, s, m->length);
    }
    va_end(ap);
    assert_int_equal(e->nmentions, i);
}

/* --- entity types --- */

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(ps_entity_type_name(PS_ENT_PERSON), "person");
    assert_string_equal(ps_entity_type_name(PS_ENT_MISC), "misc");
    assert_null(ps_entity_type_name(PS_ENT__COUNT));
    assert_null(ps_entity_type_name((ps_entity_type_t)-1));
    assert_int_equal(ps_entity_type_parse("place"), PS_ENT_PLACE);
    assert_int_equal(ps_entity_type_parse("ORG"), PS_ENT_ORG);
    assert_int_equal(ps_entity_type_parse("Treaty"), PS_ENT_TREATY);
    assert_int_equal(ps_entity_type_parse("planet"), -1);
    assert_int_equal(ps_entity_type_parse(NULL), -1);
    assert_string_equal(ps_entity_type_prefix(PS_ENT_PERSON), "XPERSON:");
    assert_string_equal(ps_entity_type_prefix(PS_ENT_PLACE), "XPLACE:");
    assert_string_equal(ps_entity_type_prefix(PS_ENT_ORG), "XORG:");
    assert_string_equal(ps_entity_type_prefix(PS_ENT_TREATY), "XTREATY:");
    assert_string_equal(ps_entity_type_prefix(PS_ENT_MISC), "XMISC:");
    assert_null(ps_entity_type_prefix(PS_ENT__COUNT));
}

/* --- loading --- */

static void test_load(void **state)
{
    struct fixture *f = *state;
    /* Comments and blank lines are skipped; entries keep file order. */
    assert_int_equal(ps_gazetteer_count(f->g), 10);
    const ps_entity_def_t *d = ps_gazetteer_get(f->g, 0);
    assert_string_equal(d->id, "zelensky");
    assert_string_equal(d->name, "Volodymyr Zelensky");
    assert_int_equal(d->type, PS_ENT_PERSON);
    d = ps_gazetteer_get(f->g, 9);
    assert_string_equal(d->id, "kremlin");
    assert_int_equal(d->type, PS_ENT_ORG);
    assert_null(ps_gazetteer_get(f->g, 10));
    assert_int_equal(ps_gazetteer_count(NULL), 0);
}

static void test_load_empty(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g = NULL;
    char *err = (char *)"unset";
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, &err), PS_OK);
    assert_null(err);
    assert_int_equal(ps_gazetteer_count(g), 0);
    assert_null(ps_gazetteer_resolve(g, f->a, "NATO", 4, -1));
    ps_gazetteer_free(g);
    ps_gazetteer_free(NULL);
}

static void test_load_missing(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g = (ps_gazetteer_t *)1;
    char *err = NULL;
    assert_int_equal(
        ps_gazetteer_load("/nonexistent/gazetteer.tsv", f->a, &g, &err),
        PS_ENOTFOUND);
    assert_null(g);
    assert_non_null(err);
    assert_non_null(strstr(err, "/nonexistent/gazetteer.tsv"));
    free(err);
}

/* Loads TEXT and expects PS_EINVAL with a "PATH:LINE: " message that
 * contains WHAT. */
static void expect_bad(struct fixture *f, const char *text, int line,
                       const char *what)
{
    char path[64], prefix[96];
    write_temp(path, text);
    ps_gazetteer_t *g = (ps_gazetteer_t *)1;
    char *err = NULL;
    assert_int_equal(ps_gazetteer_load(path, f->a, &g, &err), PS_EINVAL);
    assert_null(g);
    assert_non_null(err);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
        fail_msg("message '%s', expected '%s...%s'", err, prefix, what);
    free(err);
    unlink(path);
}

static void test_load_errors(void **state)
{
    struct fixture *f = *state;
    expect_bad(f, "# comment\nzz\tplanet\tZz\n", 2, "unknown type 'planet'");
    expect_bad(f, "zz\tname\tZz\n", 1, "unknown type 'name'");
    expect_bad(f, "\n\nzz\tperson\n", 3, "expected 3 or 4");
    expect_bad(f, "zz\n", 1, "expected 3 or 4");
    expect_bad(f, "zz\tperson\tZz\tZ\textra\n", 1, "expected 3 or 4");
    expect_bad(f, "\tperson\tZz\n", 1, "empty id");
    expect_bad(f, "zz\tperson\t\t\n", 1, "empty canonical name");
    expect_bad(f, "Zz\tperson\tZz\n", 1, "not a lower-case slug");
    expect_bad(f, "ann\tperson\tAnn Lee\nann\tperson\tAnn Li\n", 2,
               "id 'ann' already defined on line 1");
    expect_bad(f,
               "ann\tperson\tAnn Lee\tLee\n"
               "# another Lee\n"
               "bob\tperson\tBob Lee\tLee|Bobby\n",
               3, "alias 'Lee' already names ann");
    /* Two spellings analyse to one key: still the same alias. */
    expect_bad(f, "us\tplace\tUS\nuk\tplace\tUK\tU.S.\n", 2,
               "alias 'U.S.' already names us");
    expect_bad(f, "zz\tperson\tZz\t--\n", 1, "alias '--' has no words");
}

static void test_parse_memory(void **state)
{
    struct fixture *f = *state;
    /* The index keeps its gazetteer as text; parsing it from memory gives
     * the same gazetteer as loading the file. */
    ps_gazetteer_t *g = NULL;
    char *err = NULL;
    assert_int_equal(ps_gazetteer_parse(gazetteer_text, strlen(gazetteer_text),
                                        "stored", f->a, &g, &err),
                     PS_OK);
    assert_null(err);
    assert_int_equal(ps_gazetteer_count(g), ps_gazetteer_count(f->g));
    const ps_entity_def_t *d =
        ps_gazetteer_resolve(g, f->a, "Zelenskiy", 9, -1);
    assert_non_null(d);
    assert_string_equal(d->id, "zelensky");
    ps_gazetteer_free(g);

    /* No final newline, CRLF line ends: still fine. */
    const char crlf[] = "a\tplace\tAlba\r\nb\tplace\tBeta";
    assert_int_equal(
        ps_gazetteer_parse(crlf, strlen(crlf), "crlf", f->a, &g, &err), PS_OK);
    assert_int_equal(ps_gazetteer_count(g), 2);
    assert_string_equal(ps_gazetteer_get(g, 0)->name, "Alba");
    ps_gazetteer_free(g);

    /* Messages name the buffer as given; a NUL byte is malformed. */
    const char bad[] = "a\tplace\tAlba\nb\tplace\tB\0ta\n";
    assert_int_equal(
        ps_gazetteer_parse(bad, sizeof bad - 1, "stored", f->a, &g, &err),
        PS_EINVAL);
    assert_null(g);
    assert_string_equal(err, "stored:2: NUL byte in line");
    free(err);
    assert_int_equal(ps_gazetteer_parse("", 0, "empty", f->a, &g, &err), PS_OK);
    assert_int_equal(ps_gazetteer_count(g), 0);
    ps_gazetteer_free(g);
}

static void test_load_same_alias_twice(void **state)
{
    struct fixture *f = *state;
    /* "Donetsk Oblast|Donetsk oblast" and a canonical name repeated as an
     * alias name one entity twice: no error, either case matches. */
    tag(f, "Shelling hit Donetsk oblast and Donetsk Oblast again.");
    expect(f, "donetsk", PS_ENT_PLACE, "Donetsk oblast", "Donetsk Oblast",
           NULL);
}

/* --- resolution and slugs --- */

static void test_resolve(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *name;
        const char *id;
    } cases[] = {
        {"Zelenskiy", "zelensky"},
        {"zelenskyy", "zelensky"},
        {"Zelensky", "zelensky"},
        {"volodymyr zelenskyy", "zelensky"},
        {"VOLODYMYR ZELENSKY", "zelensky"},
        {"nato", "nato"},
        {"Nato", "nato"},
        {"north atlantic treaty organization", "nato"},
        {"U.S.", "us"},
        {"us", "us"},
        {"mar-a-lago", "mar-a-lago"},
        {"Mar a Lago", "mar-a-lago"},
        {"20-point-plan", "20-point-plan"},
        {"Russia’s", "russia"},
        {"  ryabkov ", "ryabkov"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ps_entity_def_t *d = ps_gazetteer_resolve(
            f->g, f->a, cases[i].name, strlen(cases[i].name), -1);
        if (!d || strcmp(d->id, cases[i].id) != 0)
            fail_msg("'%s' resolved to %s, expected %s", cases[i].name,
                     d ? d->id : "nothing", cases[i].id);
    }
    assert_null(ps_gazetteer_resolve(f->g, f->a, "Zelensky", 8, PS_ENT_PLACE));
    assert_non_null(
        ps_gazetteer_resolve(f->g, f->a, "Zelensky", 8, PS_ENT_PERSON));
    assert_null(ps_gazetteer_resolve(f->g, f->a, "Nobody", 6, -1));
    assert_null(ps_gazetteer_resolve(f->g, f->a, "Volodymyr", 9, -1));
    assert_null(ps_gazetteer_resolve(f->g, f->a, "", 0, -1));
}

static void test_slug(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *name, *slug;
    } cases[] = {
        {"John Lough", "john-lough"},
        {"Mar-a-Lago", "mar-a-lago"},
        {"King’s College London", "king-college-london"},
        {"  New  Eurasian Strategies Centre ",
         "new-eurasian-strategies-centre"},
        {"Žižek", "žižek"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = NULL;
        assert_int_equal(
            ps_entity_slug(f->a, cases[i].name, strlen(cases[i].name), &s),
            PS_OK);
        assert_string_equal(s, cases[i].slug);
        free(s);
    }
    char *s = (char *)"unset";
    assert_int_equal(ps_entity_slug(f->a, " - ", 3, &s), PS_EINVAL);
    assert_null(s);
}

/* --- gazetteer matching --- */

static void test_case_constraints(void **state)
{
    struct fixture *f = *state;
    /* "us" the pronoun is not the United States; "US" and "U.S." are. */
    tag(f, "Let us ask the US and the U.S. about it, and tell us.");
    expect(f, "us", PS_ENT_PLACE, "US", "U.S.", NULL);
    assert_int_equal(f->nents, 1);
    /* A capitalised alias word needs a capitalised word. */
    tag(f, "the kremlin and the nato summit, then the Kremlin and Nato.");
    expect(f, "kremlin", PS_ENT_ORG, "Kremlin", NULL);
    expect(f, "nato", PS_ENT_ORG, "Nato", NULL);
    assert_int_equal(f->nents, 2);
}

static void test_compounds(void **state)
{
    struct fixture *f = *state;
    tag(f, "A U.S.-led mission offered NATO-style guarantees at "
           "Mar-a-Lago and a 20-point peace plan.");
    expect(f, "us", PS_ENT_PLACE, "U.S.", NULL);
    expect(f, "nato", PS_ENT_ORG, "NATO", NULL);
    expect(f, "mar-a-lago", PS_ENT_PLACE, "Mar-a-Lago", NULL);
    expect(f, "20-point-plan", PS_ENT_TREATY, "20-point peace plan", NULL);
    assert_int_equal(f->nents, 4);
}

static void test_longest_match(void **state)
{
    struct fixture *f = *state;
    tag(f, "Volodymyr Zelenskyy met Zelenskiy, and Sergey Ryabkov met "
           "Ryabkov.");
    expect(f, "zelensky", PS_ENT_PERSON, "Volodymyr Zelenskyy", "Zelenskiy",
           NULL);
    expect(f, "ryabkov", PS_ENT_PERSON, "Sergey Ryabkov", "Ryabkov", NULL);
    assert_int_equal(f->nents, 2);
    const ps_mention_t *m = &find(f, "zelensky")->mentions[0];
    assert_int_equal(m->offset, 0);
    assert_int_equal(m->length, 19);
    assert_int_equal(m->pos, 1);
    m = &find(f, "ryabkov")->mentions[0];
    assert_int_equal(m->pos, 6);
}

static void test_possessives(void **state)
{
    struct fixture *f = *state;
    tag(f, "Russia’s army and Ukraine's allies met NATO’s chief.");
    expect(f, "russia", PS_ENT_PLACE, "Russia’s", NULL);
    expect(f, "ukraine", PS_ENT_PLACE, "Ukraine's", NULL);
    expect(f, "nato", PS_ENT_ORG, "NATO’s", NULL);
    assert_int_equal(find(f, "russia")->mentions[0].length, strlen("Russia’s"));
}

static void test_offsets_with_base(void **state)
{
    struct fixture *f = *state;
    const char *text = "Title\nThe Kremlin said Russia would wait.";
    tag_base(f, text, 1000);
    const ps_entity_t *e = find(f, "kremlin");
    assert_non_null(e);
    assert_int_equal(e->mentions[0].offset, 1000 + 10);
    assert_int_equal(e->mentions[0].length, 7);
    e = find(f, "russia");
    assert_non_null(e);
    assert_int_equal(e->mentions[0].offset, 1000 + 23);
    assert_int_equal(e->mentions[0].pos, 5);
}

static void test_order_and_overlap(void **state)
{
    struct fixture *f = *state;
    tag(f, "Analysts at the Harwick Policy Centre say Ukraine and Russia "
           "talk. Russia’s envoy Pavel Oranov met Ukraine’s team, and "
           "the Harwick Policy Centre agreed.");
    /* Entities come in order of first mention, each with its mentions
     * in text order, and no two mentions overlap. */
    size_t prev_first = 0;
    for (size_t i = 0; i < f->nents; i++) {
        const ps_entity_t *e = &f->ents[i];
        assert_true(e->nmentions > 0);
        assert_true(i == 0 || e->mentions[0].offset > prev_first);
        prev_first = e->mentions[0].offset;
        for (size_t k = 1; k < e->nmentions; k++)
            assert_true(e->mentions[k].offset >=
                        e->mentions[k - 1].offset + e->mentions[k - 1].length);
    }
    for (size_t i = 0; i < f->nents; i++)
        for (size_t j = 0; j < f->nents; j++)
            for (size_t a = 0; i != j && a < f->ents[i].nmentions; a++)
                for (size_t b = 0; b < f->ents[j].nmentions; b++) {
                    const ps_mention_t *x = &f->ents[i].mentions[a];
                    const ps_mention_t *y = &f->ents[j].mentions[b];
                    assert_true(x->offset + x->length <= y->offset ||
                                y->offset + y->length <= x->offset);
                }
    assert_int_equal(strncmp(f->ents[0].id, "harwick", 7), 0);
    assert_string_equal(f->ents[1].id, "ukraine");
    assert_string_equal(f->ents[2].id, "russia");
    expect(f, "pavel-oranov", PS_ENT_PERSON, "Pavel Oranov", NULL);
    assert_int_equal(f->ents[0].known, 0);
    assert_int_equal(f->ents[1].known, 1);
    assert_string_equal(f->ents[1].name, "Ukraine");
}

/* --- names the model finds --- */

/* Replaces the fixture's tagger with one over gazetteer G (the fixture's
 * when NULL) and model M. */
static void retag(struct fixture *f, const ps_gazetteer_t *g,
                  const ps_ner_model_t *m)
{
    ps_tagger_free(f->t);
    f->t = NULL;
    assert_int_equal(ps_tagger_new(g ? g : f->g, m, &f->t), PS_OK);
}

static void test_model_names(void **state)
{
    struct fixture *f = *state;
    tag(f, "Yesterday Deputy Prime Minister Olena Marchuk flew to Brelmont "
           "for talks in Brelmont. Quill Anders, a former adviser, said the "
           "Bank of Estoria agreed.");
    expect(f, "olena-marchuk", PS_ENT_PERSON, "Olena Marchuk", NULL);
    expect(f, "brelmont", PS_ENT_PLACE, "Brelmont", "Brelmont", NULL);
    expect(f, "quill-anders", PS_ENT_PERSON, "Quill Anders", NULL);
    expect(f, "bank-of-estoria", PS_ENT_ORG, "Bank of Estoria", NULL);
    assert_int_equal(f->nents, 4);
    const ps_entity_t *e = find(f, "olena-marchuk");
    assert_int_equal(e->known, 0);
    assert_string_equal(e->name, "Olena Marchuk");
}

static void test_treaty_and_misc(void **state)
{
    struct fixture *f = *state;
    /* MISC is a treaty when a cue word opens or ends it, or follows it
     * ("the Minsk agreements"); a name ending in a capitalised cue is a
     * treaty whatever the model called it; other MISC names (here a
     * nationality) are misc. */
    tag(f, "Ukrainian officials said the Tallinn Memorandum and the Minsk "
           "agreements still bind.");
    expect(f, "ukrainian", PS_ENT_MISC, "Ukrainian", NULL);
    expect(f, "tallinn-memorandum", PS_ENT_TREATY, "Tallinn Memorandum", NULL);
    expect(f, "minsk-agreements", PS_ENT_TREATY, "Minsk agreements", NULL);
    assert_int_equal(f->nents, 3);
}

static void test_surname_link(void **state)
{
    struct fixture *f = *state;
    /* A surname alone is the person named in full, honorific or not;
     * before the full name too (a headline's surname). Where two people
     * share the surname, the first named in full takes it: the one the
     * article is about, usually. */
    tag(f, "Lough spoke first. \"It will take time,\" said John Lough, head "
           "of policy at a think tank. \"Much time,\" Lough said. Mr Lough "
           "left. Later Anna Lough, his sister, spoke, and Lough listened.");
    expect(f, "john-lough", PS_ENT_PERSON, "Lough", "John Lough", "Lough",
           "Lough", "Lough", NULL);
    expect(f, "anna-lough", PS_ENT_PERSON, "Anna Lough", NULL);
    assert_null(find(f, "lough"));
    assert_int_equal(f->nents, 2);
}

static void test_titles_and_partial_names(void **state)
{
    struct fixture *f = *state;
    /* Titles are evidence of a person, never part of the name; a title
     * alone, a contraction or a party affiliation is no name; a first
     * name alone and an initial with the surname are the person named in
     * full; a name in capitals takes the mixed-case form the text has. */
    tag(f, "HILLARY CLINTON WINS\n"
           "Hillary Clinton won on Tuesday, and Sen. Bernie Sanders, "
           "D-Vt., conceded. \"I'm proud,\" Hillary said. Senator Sanders "
           "spoke later. Rep. Jason Chaffetz (R-Utah) said Shane Warne and "
           "S. Warne are one. Clinton's van left. A POLITICO article "
           "said so.");
    expect(f, "hillary-clinton", PS_ENT_PERSON, "HILLARY CLINTON",
           "Hillary Clinton", "Hillary", "Clinton's", NULL);
    assert_string_equal(find(f, "hillary-clinton")->name, "Hillary Clinton");
    expect(f, "bernie-sanders", PS_ENT_PERSON, "Bernie Sanders", "Sanders",
           NULL);
    expect(f, "jason-chaffetz", PS_ENT_PERSON, "Jason Chaffetz", NULL);
    expect(f, "shane-warne", PS_ENT_PERSON, "Shane Warne", "S. Warne", NULL);
    assert_null(find(f, "sen"));
    assert_null(find(f, "senator-sanders"));
    assert_null(find(f, "i'm"));
    assert_null(find(f, "r-utah"));
    assert_null(find(f, "d-vt"));
    assert_null(find(f, "clinton-van"));
    /* A newspaper's article is no treaty. */
    assert_null(find(f, "politico-article"));
}

static void test_two_word_surname(void **state)
{
    struct fixture *f = *state;
    /* A surname of two words is one person with the first name and
     * alone, though the model splits the full name in two. The surname
     * before the full name stays apart: a name of three words is often a
     * description and a name ("fellow Vermonter Bernie Sanders"). */
    tag(f, "A challenger who wants to unseat Rep. Debbie Wasserman Schultz "
           "is reaping big money. Debbie Wasserman Schultz said that the "
           "party was united. Wasserman Schultz added that it was fine.");
    expect(f, "debbie-schultz", PS_ENT_PERSON, "Debbie Wasserman Schultz",
           "Debbie Wasserman Schultz", "Wasserman Schultz", NULL);
    assert_null(find(f, "wasserman-schultz"));
    assert_int_equal(f->nents, 1);
}

static void test_honorific_gender(void **state)
{
    struct fixture *f = *state;
    /* Two Clintons: "Mrs. Clinton" is the one the pronouns after her
     * full name call "she", though Bill is named first; "Mr. Clinton"
     * and the surname alone stay with the first named. */
    tag(f, "Bill Clinton spoke first. He praised the crowd. Then Hillary "
           "Clinton took the stage, and she thanked him. Mrs. Clinton said "
           "she would win. Mr. Clinton nodded. Clinton left.");
    expect(f, "bill-clinton", PS_ENT_PERSON, "Bill Clinton", "Clinton",
           "Clinton", NULL);
    expect(f, "hillary-clinton", PS_ENT_PERSON, "Hillary Clinton", "Clinton",
           NULL);
    /* No pronoun says who is who: the first names do. */
    tag(f, "Bill Clinton spoke first. Then Hillary Clinton took the stage. "
           "Mrs. Clinton said the plan would work. Mr. Clinton nodded.");
    expect(f, "bill-clinton", PS_ENT_PERSON, "Bill Clinton", "Clinton", NULL);
    expect(f, "hillary-clinton", PS_ENT_PERSON, "Hillary Clinton", "Clinton",
           NULL);
    tag(f, "Hillary Clinton spoke first. Then Bill Clinton took the stage. "
           "Mr. Clinton said the plan would work. Mrs. Clinton nodded.");
    expect(f, "hillary-clinton", PS_ENT_PERSON, "Hillary Clinton", "Clinton",
           NULL);
    expect(f, "bill-clinton", PS_ENT_PERSON, "Bill Clinton", "Clinton", NULL);
}

static void test_surname_of_mistyped_person(void **state)
{
    struct fixture *f = *state;
    /* The model types the full name an organisation (its lists know the
     * company), but it opens with a first name and the sentence calls it
     * "he": the surname alone, which the model calls a person, is that
     * person, not the daughter named later, and the name a person. */
    tag(f, "Hugo Boss said on Monday that he would retire at the end of "
           "the year. Boss said he was tired. His daughter Anna Boss agreed "
           "with him. Boss left the room.");
    expect(f, "hugo-boss", PS_ENT_PERSON, "Hugo Boss", "Boss", "Boss", NULL);
    expect(f, "anna-boss", PS_ENT_PERSON, "Anna Boss", NULL);
    /* Called "it", the company keeps its type, and the surname stays
     * with the people. */
    tag(f, "Hugo Boss said on Monday that it would cut prices. Boss said "
           "he was tired. His daughter Anna Boss agreed with him. Boss left "
           "the room.");
    expect(f, "hugo-boss", PS_ENT_ORG, "Hugo Boss", NULL);
    expect(f, "anna-boss", PS_ENT_PERSON, "Boss", "Anna Boss", "Boss", NULL);
}

static void test_name_runs_past_initial(void **state)
{
    struct fixture *f = *state;
    /* The model stopped at the middle initial before a possessive and
     * typed "George W" an organisation, or left "Bush" a misc of its
     * own before "administration": the name runs on, a person's. */
    tag(f, "Officials during George W. Bush's presidency agreed. Mexico "
           "accepted the George W. Bush administration's request.");
    expect(f, "george-w-bush", PS_ENT_PERSON, "George W. Bush's",
           "George W. Bush", NULL);
    assert_null(find(f, "george-w"));
    assert_null(find(f, "bush"));
}

static void test_known_surname_other_sex(void **state)
{
    struct fixture *f = *state;
    /* The gazetteer knows Sergei Ryabkov, alias "Ryabkov"; "Anna
     * Ryabkov", whose first name says a woman, is someone else (as
     * Michelle Obama is not Barack Obama), and "Ryabkov" alone stays
     * his. */
    tag(f, "Sergei Ryabkov spoke on Monday. Anna Ryabkov said the talks "
           "would go on. Ryabkov agreed.");
    expect(f, "ryabkov", PS_ENT_PERSON, "Sergei Ryabkov", "Ryabkov", NULL);
    expect(f, "anna-ryabkov", PS_ENT_PERSON, "Anna Ryabkov", NULL);
    /* A first name the gazetteer lacks, of the same sex, is still him. */
    tag(f, "Sergey A. Ryabkov spoke on Monday.");
    assert_null(find(f, "sergey-ryabkov"));
    assert_non_null(find(f, "ryabkov"));
}

static void test_title_inside_name(void **state)
{
    struct fixture *f = *state;
    /* The model read a court and its justice as one organisation: the
     * title splits them, the words after it a person's name; a motto's
     * words after one are no name. */
    tag(f, "Manhattan Supreme Court Justice Frank Nervo rejected that "
           "argument. Nervo wrote that the court had no role. The motto "
           "was Equal Justice Under Law.");
    expect(f, "frank-nervo", PS_ENT_PERSON, "Frank Nervo", "Nervo", NULL);
    assert_null(find(f, "manhattan-supreme-court-justice-frank-nervo"));
    assert_null(find(f, "under-law"));
}

static void test_kin_of_person(void **state)
{
    struct fixture *f = *state;
    /* The model types "Hugo Boss" an organisation (its lists know the
     * company); a first name that says a sex and the surname of a person
     * of the article make him a person, Anna Boss's kin ("Ivanka Trump"
     * in an article about Donald Trump). */
    tag(f, "Anna Boss spoke on Monday.\n\nHugo Boss said the line would "
           "grow. Hugo Boss laughed.");
    expect(f, "anna-boss", PS_ENT_PERSON, "Anna Boss", NULL);
    expect(f, "hugo-boss", PS_ENT_PERSON, "Hugo Boss", "Hugo Boss", NULL);
    /* Called "it", the company stays one; nor is a name anyone's kin
     * without a person of that surname. */
    tag(f, "Anna Boss spoke on Monday.\n\nHugo Boss said that it would cut "
           "prices.");
    expect(f, "hugo-boss", PS_ENT_ORG, "Hugo Boss", NULL);
    tag(f, "Hugo Boss said the line would grow. Hugo Boss laughed.");
    expect(f, "hugo-boss", PS_ENT_ORG, "Hugo Boss", "Hugo Boss", NULL);
}

static void test_dash_ends_name(void **state)
{
    struct fixture *f = *state;
    /* The model never sees a dash, and read a dateline's city and the
     * name after it as one person; a hyphen inside a compound is no
     * dash. */
    tag(f, "DENVER - Donald Trump described a nation in decline on "
           "Thursday.\n"
           "His partner, Anna Lund -- Trump's adviser -- spoke later.\n"
           "Jean-Pierre Raffarin agreed.");
    expect(f, "denver", PS_ENT_PLACE, "DENVER", NULL);
    expect(f, "donald-trump", PS_ENT_PERSON, "Donald Trump", "Trump's",
           NULL);
    expect(f, "anna-lund", PS_ENT_PERSON, "Anna Lund", NULL);
    assert_non_null(find(f, "jean-raffarin"));
    assert_null(find(f, "denver-trump"));
    /* An agency's credit, then the story's first name. */
    tag(f, "PHILADELPHIA, July 25 (UPI) \xe2\x80\x94 The Democratic National "
           "Committee released a statement on Monday.");
    assert_non_null(find(f, "upi"));
    assert_null(find(f, "upi-the-democratic-national-committee"));
}

static void test_org_id_keeps_words(void **state)
{
    struct fixture *f = *state;
    /* A person's id leaves out middle names, but a name that an
     * organisation's head noun ends is no person's, however the model
     * typed it (lib/ident reads it as an organisation's): every word
     * stays. */
    tag(f, "Walter Grubner Corp said on Monday it would buy a rival.");
    assert_non_null(find(f, "walter-grubner-corp"));
    assert_null(find(f, "walter-corp"));
}

static void test_lower_word_ends_person(void **state)
{
    struct fixture *f = *state;
    /* A word in lower case is no part of a person's name, but for the
     * particles names have ("de", "van", "bin"): the model's one person
     * "Trump mentioned Cruz" is two. */
    tag(f, "She said she had no plans to yell anything about anyone, but "
           "when Trump mentioned Cruz, it just happened. Pierre de Vos and "
           "Ludwig van Beethoven agreed.");
    assert_non_null(find(f, "trump"));
    assert_non_null(find(f, "cruz"));
    assert_null(find(f, "trump-cruz"));
    assert_non_null(find(f, "pierre-de-vos"));
    assert_non_null(find(f, "ludwig-van-beethoven"));
}

static void test_list_evidence(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g;
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, NULL), PS_OK);
    retag(f, g, f->m);
    /* A place of the model's lists named no person in training: Kyiv is
     * a place even where its context reads like a person's. A plural of
     * a nationality is misc, as the singular; one that names a country
     * is not. An honorific inside a name starts a person. */
    tag(f, "Additionally, Kyiv would receive a rehabilitation package. "
           "Kyiv calls for an immediate ceasefire.\n"
           "- Domestic politics: Ukrainians strongly oppose the terms, as "
           "Germans do, the Philippines said.\n"
           "Experts say it shows the US Mr Zelensky's approach to "
           "negotiating.\n");
    expect(f, "kyiv", PS_ENT_PLACE, "Kyiv", "Kyiv", NULL);
    expect(f, "ukrainians", PS_ENT_MISC, "Ukrainians", NULL);
    expect(f, "germans", PS_ENT_MISC, "Germans", NULL);
    assert_non_null(find(f, "philippines"));
    assert_int_not_equal(find(f, "philippines")->type, PS_ENT_MISC);
    expect(f, "zelensky", PS_ENT_PERSON, "Zelensky's", NULL);
    assert_null(find(f, "us-mr-zelensky"));
    retag(f, NULL, f->m);
    ps_gazetteer_free(g);
}

static void test_common_words_no_person(void **state)
{
    struct fixture *f = *state;
    /* No person is named with only common words that no name of the
     * training data used: the model alone calls "Big Tech" a person
     * here. */
    tag(f, "Officials said Big Tech told reporters he would resign.");
    expect(f, "big-tech", PS_ENT_MISC, "Big Tech", NULL);
}

static void test_case_evidence(void **state)
{
    struct fixture *f = *state;
    /* A heading's words that the same text writes in lower case are no
     * name ("Demilitarized Zones", which the model alone calls a person);
     * a capital mid-sentence elsewhere keeps a name, and so do capitals
     * of an acronym at a sentence's start, whatever "us" means. */
    tag(f, "Demilitarized Zones\n"
           "Talks on demilitarized zones went on in Brelmont on Monday.\n"
           "U.S. troops stay, officials told us. Guarantees for Brelmont "
           "were discussed. Estoria wants guarantees.\n");
    assert_null(find(f, "demilitarized-zones"));
    assert_null(find(f, "guarantees"));
    expect(f, "brelmont", PS_ENT_PLACE, "Brelmont", "Brelmont", NULL);
    assert_non_null(find(f, "estoria")); /* of a type the model decides */
    expect(f, "us", PS_ENT_PLACE, "U.S.", NULL);
    assert_int_equal(f->nents, 3);
}

static void test_case_unseen_words(void **state)
{
    struct fixture *f = *state;
    /* Dictionary words the training data never saw ("Blog",
     * "Uncertainties") are common words on a heading, though the text
     * never writes them in lower case. */
    tag(f, "Blog\n"
           "Remaining Uncertainties and Challenges\n"
           "Talks went on in Brelmont on Monday.\n");
    assert_null(find(f, "blog"));
    assert_null(find(f, "remaining-uncertainties"));
    expect(f, "brelmont", PS_ENT_PLACE, "Brelmont", NULL);
    assert_int_equal(f->nents, 1);
}

static void test_case_phrase(void **state)
{
    struct fixture *f = *state;
    /* A heading whose words the text writes again with lower case inside
     * is a phrase (the model alone calls it an org); the same words in
     * the text keep what the model says of them. */
    tag(f, "Impact on Western Defense Planning\n"
           "Western defense planning is also changing in Brelmont, "
           "officials said.\n");
    assert_null(find(f, "western-defense-planning"));
    expect(f, "brelmont", PS_ENT_PLACE, "Brelmont", NULL);
}

static void test_case_heading_words(void **state)
{
    struct fixture *f = *state;
    /* A title-case heading of common words is no name because one of
     * them is capitalised elsewhere inside another name ("a Peace
     * Council"); the name itself stays. */
    tag(f, "1. Brelmont's New Peace Proposal\n"
           "Brelmont unveiled a new plan for peace. It foresees oversight by "
           "a Peace Council chaired by Estoria.\n");
    assert_null(find(f, "new-peace-proposal"));
    assert_non_null(find(f, "peace-council"));
}

static void test_gazetteer_first(void **state)
{
    struct fixture *f = *state;
    /* Known names keep their ids and types whatever the model says, and
     * a name the model finds over a known one is left to the gazetteer. */
    tag(f, "Olena Marchuk met Zelensky and Sergey Ryabkov in Moscow.");
    expect(f, "zelensky", PS_ENT_PERSON, "Zelensky", NULL);
    expect(f, "ryabkov", PS_ENT_PERSON, "Sergey Ryabkov", NULL);
    assert_int_equal(find(f, "zelensky")->known, 1);
    expect(f, "olena-marchuk", PS_ENT_PERSON, "Olena Marchuk", NULL);
    expect(f, "moscow", PS_ENT_PLACE, "Moscow", NULL);
    assert_int_equal(f->nents, 4);
}

static void test_longer_name_of_another_type(void **state)
{
    struct fixture *f = *state;
    /* A longer name of another type around a known one is that name (a
     * team named after a known place, an event after a known country); a
     * longer name of the known one's type leaves it known, and so does a
     * compound ("U.S.-led" is the model's, "U.S." the gazetteer's). */
    tag(f, "Fans threw bottles at Shakhtar Donetsk players after the match. "
           "Ukrainian President Volodymyr Oleksandrovych Zelensky watched "
           "the U.S. Open and praised U.S.-led efforts.");
    expect(f, "shakhtar-donetsk", PS_ENT_ORG, "Shakhtar Donetsk", NULL);
    assert_null(find(f, "donetsk"));
    expect(f, "zelensky", PS_ENT_PERSON, "Zelensky", NULL);
    expect(f, "us-open", PS_ENT_MISC, "U.S. Open", NULL);
    expect(f, "us", PS_ENT_PLACE, "U.S.", NULL);
    assert_int_equal(find(f, "us")->known, 1);
}

static void test_no_model(void **state)
{
    struct fixture *f = *state;
    /* Without a model only the gazetteer's names are found. */
    retag(f, NULL, NULL);
    tag(f, "Olena Marchuk met Zelensky in Moscow.");
    expect(f, "zelensky", PS_ENT_PERSON, "Zelensky", NULL);
    assert_int_equal(f->nents, 1);
}

static void test_empty_gazetteer(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g;
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, NULL), PS_OK);
    retag(f, g, f->m);
    tag(f, "The US and NATO met in Kyiv.");
    expect(f, "us", PS_ENT_PLACE, "US", NULL);
    expect(f, "nato", PS_ENT_ORG, "NATO", NULL);
    expect(f, "kyiv", PS_ENT_PLACE, "Kyiv", NULL);
    assert_int_equal(find(f, "nato")->known, 0);
    retag(f, NULL, f->m);
    ps_gazetteer_free(g);
}

static void test_span_rules(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g;
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, NULL), PS_OK);
    retag(f, g, f->m);
    /* A name ends at a possessive ("NATO's Article" was one name); a
     * capitalised "Article" takes its number; a plan named by its points
     * is a treaty; and a long form is the same entity as its acronym. */
    tag(f, "Officials offered Kyiv an equivalent of NATO's Article 5 "
           "guarantee. Kyiv unveiled a revised 20-point peace plan.\n"
           "Russia insists Kyiv cannot join the North Atlantic Treaty "
           "Organization. NATO members met in Brussels.\n");
    expect(f, "article-5", PS_ENT_TREATY, "Article 5", NULL);
    expect(f, "20-point-peace-plan", PS_ENT_TREATY, "20-point peace plan",
           NULL);
    expect(f, "nato", PS_ENT_ORG, "NATO's", "North Atlantic Treaty Organization",
           "NATO", NULL);
    assert_null(find(f, "nato-article"));
    assert_null(find(f, "north-atlantic-treaty-organization"));
    /* The People's Republic keeps its possessive: "people" is a common
     * word, not a name of its own. */
    tag(f, "Delegates of the People's Republic of China arrived.");
    assert_non_null(find(f, "people-republic"));
    assert_null(find(f, "people"));
    retag(f, NULL, f->m);
    ps_gazetteer_free(g);
}

static void test_conventions(void **state)
{
    struct fixture *f = *state;
    ps_gazetteer_t *g;
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, NULL), PS_OK);
    retag(f, g, f->m);
    /* A seat of government standing for its government is an org, a
     * holiday misc, and a name that a word of geography ends a place. */
    tag(f, "Moscow annexed the Crimean Peninsula in 2014, the Kremlin said "
           "before Christmas.");
    expect(f, "kremlin", PS_ENT_ORG, "Kremlin", NULL);
    expect(f, "christmas", PS_ENT_MISC, "Christmas", NULL);
    expect(f, "crimean-peninsula", PS_ENT_PLACE, "Crimean Peninsula", NULL);
    retag(f, NULL, f->m);
    ps_gazetteer_free(g);
}

static void test_news_names(void **state)
{
    struct fixture *f = *state;
    /* Common words before "Hill" name a place, which the model, knowing
     * Hill as a surname, read as a person. */
    tag(f, "Clinton met nervous Democrats on Capitol Hill, who have argued "
           "that it helps.");
    expect(f, "capitol-hill", PS_ENT_PLACE, "Capitol Hill", NULL);
    /* A name after a place and a comma that ends its clause is the
     * place's state ("FARGO, N.D. —", the model's org). */
    tag(f, "Cruz tops Trump in North Dakota delegate race.\n\n"
           "FARGO, N.D. — Ted Cruz won most of the delegates.\n");
    assert_int_equal(find(f, "nd")->type, PS_ENT_PLACE);
    /* A sentence-initial "Said" is no first name. */
    tag(f, "It was over. Said Comey, the case is closed.");
    assert_null(find(f, "said-comey"));
    expect(f, "comey", PS_ENT_PERSON, "Comey", NULL);
    /* Nor is "Will" opening a question before its verb (two PolNeAR
     * articles: "Will Sanders come down off the pique?" made every
     * Sanders of the article a "Will Sanders"); "Will Smith said" is. */
    tag(f, "Game over. Will Sanders come down off the pique?\n\nAfter "
           "Tuesday, Bernie Sanders said he would stay. Will Cruz's gambit "
           "do any better?\n");
    assert_null(find(f, "will-sanders"));
    assert_null(find(f, "will-cruz"));
    expect(f, "bernie-sanders", PS_ENT_PERSON, "Sanders", "Bernie Sanders",
           NULL);
    expect(f, "cruz", PS_ENT_PERSON, "Cruz's", NULL);
    tag(f, "Will Smith said he would come. Will Smith win?\n");
    expect(f, "will-smith", PS_ENT_PERSON, "Will Smith", "Smith", NULL);
    /* "Justice" and "Chief Justice" before a name are a judge's title,
     * no first name (a PolNeAR article made every "Chief Justice" of it
     * a mention of "Justice Antonin Scalia"); "Justice Department" and
     * the "Justice Against Sponsors of Terrorism Act" keep the word. */
    tag(f, "The court led by Chief Justice John G. Roberts Jr. ruled on "
           "Monday. Justice Antonin Scalia died in February. Before Justice "
           "Scalia died, the Justice Department said so. Congress passed the "
           "Justice Against Sponsors of Terrorism Act.\n");
    assert_null(find(f, "justice-scalia"));
    assert_null(find(f, "justice-roberts"));
    expect(f, "john-g-roberts", PS_ENT_PERSON, "John G. Roberts Jr", NULL);
    expect(f, "antonin-scalia", PS_ENT_PERSON, "Antonin Scalia", "Scalia",
           NULL);
    expect(f, "justice-department", PS_ENT_ORG, "Justice Department", NULL);
    assert_non_null(find(f, "justice-against-sponsors-of-terrorism"));
    /* A name whose last word is the plural of a misc name of the
     * article names a group, no person (as a person, "Latino Republicans"
     * took the article's later "Latino" with it). */
    tag(f, "Latino Republicans are already doing so, thanks to Trump. Rick "
           "Wilson, a Republican political consultant, said Latino voters "
           "would stay home.\n");
    assert_int_equal(find(f, "latino-republicans")->type, PS_ENT_MISC);
    expect(f, "latino", PS_ENT_MISC, "Latino", NULL);
    expect(f, "rick-wilson", PS_ENT_PERSON, "Rick Wilson", NULL);
    /* "Rev." is an honorific, no word of the name; a generational
     * suffix that a comma cuts off is no person of its own. */
    tag(f, "The meeting was led by the Rev. Al Sharpton on Monday. "
           "National Review editor William F. Buckley, Jr., founded the "
           "group.\n");
    expect(f, "al-sharpton", PS_ENT_PERSON, "Al Sharpton", NULL);
    assert_null(find(f, "rev-al-sharpton"));
    assert_null(find(f, "jr"));
    /* No person's name holds a possessive, even after a common word. */
    tag(f, "\"The bullying,\" Fox's Chris Wallace said, as the crowd "
           "cheered.");
    assert_null(find(f, "fox-wallace"));
    expect(f, "chris-wallace", PS_ENT_PERSON, "Chris Wallace", NULL);
    /* A contraction after a name, or before one of two words, is no
     * part of it. */
    tag(f, "Look, other than Jim Eastland I've presided over more nominees "
           "than anyone.");
    expect(f, "jim-eastland", PS_ENT_PERSON, "Jim Eastland", NULL);
    tag(f, "Hello. I'm Nancy Pelosi, and I approve this message.");
    expect(f, "nancy-pelosi", PS_ENT_PERSON, "Nancy Pelosi", NULL);
    /* Titles of news jobs are no part of a name; in a hyphenated word a
     * title names a paper. */
    tag(f, "RNC Committeeman Curly Haugland said the rules were clear.\n\n"
           "Federal Reserve Chair Ben S. Bernanke spoke on Monday.\n\n"
           "The Spokesman-Review reported the story first.\n");
    expect(f, "curly-haugland", PS_ENT_PERSON, "Curly Haugland", NULL);
    assert_null(find(f, "chair-bernanke"));
    expect(f, "ben-s-bernanke", PS_ENT_PERSON, "Ben S. Bernanke", NULL);
    assert_non_null(find(f, "spokesman-review"));
    assert_null(find(f, "review"));
    /* A people that is no nation is no person, whatever the model read. */
    tag(f, "The story is a poignant one, but many Latinos have said it "
           "falls flat for one reason.");
    for (size_t k = 0; k < f->nents; k++)
        assert_int_not_equal(f->ents[k].type, PS_ENT_PERSON);
    assert_non_null(find(f, "latinos"));
    assert_int_equal(find(f, "latinos")->type, PS_ENT_MISC);
    /* A nickname in quotation marks is part of the name the model split
     * around it. */
    tag(f, "In a tradition he has kept for 40 years, Rep. Robert C. "
           "\"Bobby\" Scott threw open his yard.");
    expect(f, "robert-c-scott", PS_ENT_PERSON, "Robert C. \"Bobby\" Scott",
           NULL);
    assert_null(find(f, "robert"));
    assert_null(find(f, "bobby-scott"));
    /* A name the model typed a place first (a headline's) but a person
     * most often, and a person where written in full, is a person. */
    tag(f, "Elizabeth Warren: Donald Trump Is a \xe2\x80\x98Proven "
           "Failure\xe2\x80\x99 in Business.\n\nSaturday at the state "
           "party convention in Boston Sen. Elizabeth Warren (D-MA) said "
           "Republican nominee Donald Trump was a \xe2\x80\x9cproven "
           "failure\xe2\x80\x9d in business.\n\nWarren said the Trump "
           "school was \xe2\x80\x9clike a used car lot.\xe2\x80\x9d\n");
    assert_non_null(find(f, "elizabeth-warren"));
    assert_int_equal(find(f, "elizabeth-warren")->type, PS_ENT_PERSON);
    /* A time run into a name by a page's lost spaces is no part of it. */
    tag(f, "Ani Vrabel, February 6, 2016 10:20PMTed Cruz, Chris Christie "
           "Address Heroin Epidemic\n\nCruz said the plan would fail.\n");
    assert_null(find(f, "20pmted-cruz"));
    expect(f, "cruz", PS_ENT_PERSON, "Cruz", "Cruz", NULL);
    /* A treaty word after a person's name or an adjective of a party
     * names the owner's plan, no treaty. */
    tag(f, "Under the Bush plan, there is no more confusion.");
    assert_null(find(f, "bush-plan"));
    /* A quotation of capitalised words that the model's name ends is one
     * name, a slogan or a title: misc (no gazetteer here: the test's
     * knows "America"). */
    ps_gazetteer_t *g;
    assert_int_equal(ps_gazetteer_load(NULL, f->a, &g, NULL), PS_OK);
    retag(f, g, f->m);
    tag(f, "Supporters wore \xe2\x80\x9c" "Make America Great Again"
           "\xe2\x80\x9d hats at the rally in Ohio.");
    expect(f, "make-america-great-again", PS_ENT_MISC,
           "Make America Great Again", NULL);
    assert_null(find(f, "america-great-again"));
    /* A capitalised word, "of the" and the model's name are one name; a
     * capitalised weekday after a common word is a named day. */
    tag(f, "Obama gave his final State of the Union address.");
    assert_non_null(find(f, "state-of-the-union"));
    tag(f, "Sanders won two states on Super Tuesday, when a dozen states "
           "voted.");
    expect(f, "super-tuesday", PS_ENT_MISC, "Super Tuesday", NULL);
    retag(f, NULL, f->m);
    ps_gazetteer_free(g);
}

static void test_headline_names(void **state)
{
    struct fixture *f = *state;
    /* A title-case headline's name without the words the headline
     * capitalised at its ends, when the text writes those in lower case
     * and the rest as a name: the person, not "Obama Sees". */
    tag(f, "Obama Sees Personal Insult if Voters Stay Home\n\n"
           "President Obama said on Saturday that he sees a personal insult "
           "in it. Mr. Obama spoke in Washington.\n");
    assert_null(find(f, "obama-sees"));
    expect(f, "obama", PS_ENT_PERSON, "Obama", "Obama", "Obama", NULL);
    /* "Mr. Obama" throughout, then "the first lady, Michelle Obama": the
     * surname is not hers. */
    tag(f, "Mr. Obama spoke first, and Mr. Obama spoke again. Later the "
           "first lady, Michelle Obama, spoke.");
    expect(f, "obama", PS_ENT_PERSON, "Obama", "Obama", NULL);
    expect(f, "michelle-obama", PS_ENT_PERSON, "Michelle Obama", NULL);
    /* "Senate Majority Leader": the Senate, then a title. */
    tag(f, "Senate Majority Leader Mitch McConnell said the vote would be "
           "held on Tuesday.");
    assert_null(find(f, "senate-majority"));
    expect(f, "mitch-mcconnell", PS_ENT_PERSON, "Mitch McConnell", NULL);
}

static void test_reuse_and_empty_text(void **state)
{
    struct fixture *f = *state;
    tag(f, "Russia and Ukraine.");
    assert_int_equal(f->nents, 2);
    tag(f, "");
    assert_int_equal(f->nents, 0);
    /* The gazetteer entities of one text do not leak into the next. */
    tag(f, "Ukraine alone.");
    assert_int_equal(f->nents, 1);
    expect(f, "ukraine", PS_ENT_PLACE, "Ukraine", NULL);
}

static void test_bad_arguments(void **state)
{
    struct fixture *f = *state;
    const ps_entity_t *ents;
    size_t n;
    const ps_token_t *toks;
    size_t ntoks;
    const char *text = "Russia and Ukraine.";
    assert_int_equal(ps_tagger_new(f->g, f->m, NULL), PS_EINVAL);
    assert_int_equal(ps_tagger_run(NULL, "", 0, 0, NULL, 0, &ents, &n),
                     PS_EINVAL);
    assert_int_equal(ps_analyze(f->a, text, strlen(text), 0, &toks, &ntoks),
                     PS_OK);
    /* Tokens that do not lie in the text (a wrong base) are refused. */
    assert_int_equal(ps_tagger_run(f->t, text, 6, 0, toks, ntoks, &ents, &n),
                     PS_EINVAL);
    assert_int_equal(
        ps_tagger_run(f->t, text, strlen(text), 50, toks, ntoks, &ents, &n),
        PS_EINVAL);
    ps_tagger_free(NULL);
}

/* --- out of memory --- */

/* Fails the first, second, ... allocation of a gazetteer load and of a
 * tagger's creation and run, until one succeeds: each must fail cleanly
 * with PS_ENOMEM (valgrind checks that nothing leaks). */
static void test_out_of_memory(void **state)
{
    struct fixture *f = *state;
    if (!FAULT_INJECTION)
        skip();
    const char *text =
        "Deputy Foreign Minister Sergei Ryabkov said Volodymyr Zelenskyy "
        "and the Harwick Policy Centre met in Brelmont. John Lough, an "
        "expert, agreed; Lough said the U.S.-led plan at Mar-a-Lago "
        "stands.\nRemaining Uncertainties and Challenges\n";
    const ps_token_t *toks;
    size_t ntoks;
    /* Warm the analyzer's buffers so that only the code under test meets
     * the failures. */
    assert_int_equal(ps_analyze(f->a, text, strlen(text), 0, &toks, &ntoks),
                     PS_OK);

    int done = 0;
    for (long n = 0; !done && n < 100000; n++) {
        ps_gazetteer_t *g = NULL;
        char *err = NULL;
        fail_countdown = n;
        ps_status_t st = ps_gazetteer_load(f->path, f->a, &g, &err);
        fail_countdown = -1;
        if (st == PS_OK) {
            done = 1;
            /* Loading allocates, so some runs above must have failed. */
            assert_true(n > 10);
            assert_int_equal(ps_gazetteer_count(g), 10);
        } else {
            assert_int_equal(st, PS_ENOMEM);
            assert_null(g);
        }
        free(err);
        ps_gazetteer_free(g);
    }
    assert_true(done);

    assert_int_equal(ps_analyze(f->a, text, strlen(text), 0, &toks, &ntoks),
                     PS_OK);
    done = 0;
    for (long n = 0; !done && n < 100000; n++) {
        ps_tagger_t *t = NULL;
        const ps_entity_t *ents;
        size_t nents = 0;
        fail_countdown = n;
        ps_status_t st = ps_tagger_new(f->g, f->m, &t);
        if (st == PS_OK) {
            st = ps_tagger_run(t, text, strlen(text), 0, toks, ntoks, &ents,
                               &nents);
            /* A failed run leaves the tagger usable. */
            if (st != PS_OK) {
                fail_countdown = -1;
                assert_int_equal(st, PS_ENOMEM);
                assert_int_equal(ps_tagger_run(t, text, strlen(text), 0, toks,
                                               ntoks, &ents, &nents),
                                 PS_OK);
                assert_true(nents >= 6);
            } else {
                done = 1;
                assert_true(n > 10);
                assert_true(nents >= 6);
            }
        } else {
            assert_int_equal(st, PS_ENOMEM);
            assert_null(t);
        }
        fail_countdown = -1;
        ps_tagger_free(t);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_load),
        T(test_load_empty),
        T(test_load_missing),
        T(test_load_errors),
        T(test_parse_memory),
        T(test_load_same_alias_twice),
        T(test_resolve),
        T(test_slug),
        T(test_case_constraints),
        T(test_compounds),
        T(test_longest_match),
        T(test_possessives),
        T(test_kin_of_person),
        T(test_title_inside_name),
        T(test_known_surname_other_sex),
        T(test_name_runs_past_initial),
        T(test_offsets_with_base),
        T(test_order_and_overlap),
        T(test_model_names),
        T(test_treaty_and_misc),
        T(test_surname_link),
        T(test_titles_and_partial_names),
        T(test_two_word_surname),
        T(test_surname_of_mistyped_person),
        T(test_dash_ends_name),
        T(test_org_id_keeps_words),
        T(test_lower_word_ends_person),
        T(test_honorific_gender),
        T(test_list_evidence),
        T(test_common_words_no_person),
        T(test_case_evidence),
        T(test_case_unseen_words),
        T(test_case_phrase),
        T(test_case_heading_words),
        T(test_gazetteer_first),
        T(test_longer_name_of_another_type),
        T(test_no_model),
        T(test_empty_gazetteer),
        T(test_span_rules),
        T(test_conventions),
        T(test_news_names),
        T(test_headline_names),
        T(test_reuse_and_empty_text),
        T(test_bad_arguments),
        T(test_out_of_memory),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
