/* Unit tests of the NER model (ner.h, ner_train.h): the loader refuses a
 * missing, truncated, corrupt or wrong-version file with a message naming
 * it; a tiny training run on sentences written here is deterministic and
 * then tags those sentences right; decoding returns spans over the
 * analyzer's tokens, compound parts included; the CoNLL reader's text. */
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
#include "psearch/ner.h"
#include "ner_train.h"

static char dir[64];
static char model_path[128];

/* The training sentences: one document each, names marked [TYPE text]. */
static const char *const train_text[] = {
    "[PER Peter Blackburn] flew to [LOC Paris] on Monday .\n"
    "[PER Blackburn] met [ORG Acme Corp] there .\n",
    "[ORG Acme Corp] said [PER Maria Lopez] would visit [LOC Berlin] .\n"
    "The [MISC German] market grew .\n",
    "[LOC Paris] and [LOC Berlin] signed the [MISC Euro-Atlantic] deal .\n"
    "[PER Maria Lopez] said prices rose .\n",
    "Officials in [LOC Berlin] said [ORG Acme Corp] will grow .\n"
    "[PER Peter Blackburn] said nothing .\n",
};
#define NTRAIN (sizeof train_text / sizeof *train_text)

static ps_ner_type_t type_of(const char *s, size_t n)
{
    static const char *const names[] = {"PER", "LOC", "ORG", "MISC"};
    for (int t = 0; t < PS_NER__COUNT; t++)
        if (strlen(names[t]) == n && memcmp(s, names[t], n) == 0)
            return (ps_ner_type_t)t;
    fail_msg("bad type in test text");
    return PS_NER_PER;
}

/* Turns marked text into a document with gold spans. */
static void make_doc(const char *marked, ps_ner_doc_t *d)
{
    size_t n = strlen(marked);
    d->text = malloc(n + 1);
    d->golds = calloc(n, sizeof *d->golds);
    d->len = d->ngolds = 0;
    assert_non_null(d->text);
    for (const char *p = marked; *p;) {
        if (*p == '[') {
            const char *sp = strchr(p, ' '), *end = strchr(p, ']');
            ps_ner_gold_t *g = &d->golds[d->ngolds++];
            g->type = type_of(p + 1, (size_t)(sp - p - 1));
            g->offset = d->len;
            g->length = (size_t)(end - sp - 1);
            memcpy(d->text + d->len, sp + 1, g->length);
            d->len += g->length;
            p = end + 1;
        } else {
            d->text[d->len++] = *p++;
        }
    }
    d->text[d->len] = '\0';
}

static ps_ner_doc_t *train_docs(void)
{
    ps_ner_doc_t *docs = calloc(NTRAIN, sizeof *docs);
    for (size_t i = 0; i < NTRAIN; i++)
        make_doc(train_text[i], &docs[i]);
    return docs;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void write_all(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_ner.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(model_path, sizeof model_path, "%s/a.model", dir);
    ps_ner_doc_t *docs = train_docs();
    ps_ner_train_opts_t o = {.epochs = 20, .row_bits = 14, .folds = 2};
    char *err = NULL;
    ps_status_t st = ps_ner_train(docs, NTRAIN, &o, model_path, NULL, &err);
    ps_ner_docs_free(docs, NTRAIN);
    free(err);
    return st == PS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Training with option *FILE naming a file that does not exist fails
 * with PS_EIO and a message naming it; *FILE is then NULL. */
static void train_without(const ps_ner_doc_t *docs, ps_ner_train_opts_t *o,
                          const char **file, const char *out)
{
    char missing[160];
    char *err = NULL;
    snprintf(missing, sizeof missing, "%s/none", dir);
    *file = missing;
    assert_int_equal(ps_ner_train(docs, NTRAIN, o, out, NULL, &err), PS_EIO);
    assert_non_null(err);
    assert_non_null(strstr(err, missing));
    free(err);
    *file = NULL;
}

static void test_train_deterministic(void **state)
{
    (void)state;
    char again[160];
    snprintf(again, sizeof again, "%s/b.model", dir);
    ps_ner_doc_t *docs = train_docs();
    ps_ner_train_opts_t o = {.epochs = 20, .row_bits = 14, .folds = 2};
    ps_ner_train_stats_t stats;
    char *err = NULL;

    /* A lexicon changes the model; a missing one is an error. */
    char lex[160];
    snprintf(lex, sizeof lex, "%s/words", dir);
    const char *words = "the\nflew\nParis\nmarket's\n";
    write_all(lex, words, strlen(words));
    o.lexicon = lex;
    assert_int_equal(ps_ner_train(docs, NTRAIN, &o, again, &stats, &err),
                     PS_OK);
    size_t ll;
    char *withlex = read_all(again, &ll);
    train_without(docs, &o, &o.lexicon, again);

    /* So does a list of places, the same bytes each time; a missing one
     * is an error. */
    char places[160];
    snprintf(places, sizeof places, "%s/places", dir);
    const char *names = "# places\nBrelmont\nNew Estoria\n\nQuillford\n";
    write_all(places, names, strlen(names));
    o.places = places;
    size_t lp1, lp2;
    assert_int_equal(ps_ner_train(docs, NTRAIN, &o, again, &stats, &err),
                     PS_OK);
    char *withplaces = read_all(again, &lp1);
    assert_int_equal(ps_ner_train(docs, NTRAIN, &o, again, &stats, &err),
                     PS_OK);
    char *withplaces2 = read_all(again, &lp2);
    assert_int_equal(lp1, lp2);
    assert_memory_equal(withplaces, withplaces2, lp1);
    free(withplaces2);
    train_without(docs, &o, &o.places, again);

    assert_int_equal(ps_ner_train(docs, NTRAIN, &o, again, &stats, &err),
                     PS_OK);
    assert_null(err);
    assert_int_equal(stats.docs, NTRAIN);
    assert_int_equal(stats.unaligned, 0);
    ps_ner_docs_free(docs, NTRAIN);
    size_t la, lb;
    char *a = read_all(model_path, &la), *b = read_all(again, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(ll != la || memcmp(withlex, a, la) != 0);
    assert_true(lp1 != la || memcmp(withplaces, a, la) != 0);
    free(withlex);
    free(withplaces);
    free(a);
    free(b);
}

/* Tags TEXT and returns the spans as "TYPE:surface" joined by '|'. */
static void tag_string(ps_ner_state_t *s, ps_analyzer_t *an, const char *text,
                       const uint8_t *hints, char *out, size_t cap)
{
    const ps_token_t *tok;
    size_t ntok, ns;
    const ps_ner_span_t *sp;
    assert_int_equal(ps_analyze(an, text, strlen(text), 0, &tok, &ntok), PS_OK);
    assert_int_equal(
        ps_ner_tag(s, text, strlen(text), 0, tok, ntok, hints, &sp, &ns),
        PS_OK);
    out[0] = '\0';
    for (size_t i = 0; i < ns; i++) {
        const ps_token_t *a = &tok[sp[i].first];
        const ps_token_t *z = &tok[sp[i].first + sp[i].count - 1];
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s:%.*s", i ? "|" : "",
                 ps_ner_type_name(sp[i].type),
                 (int)(z->offset + z->length - a->offset), text + a->offset);
    }
}

static void test_tags_training_text(void **state)
{
    (void)state;
    ps_ner_model_t *m;
    char *err = NULL;
    assert_int_equal(ps_ner_model_load(model_path, &m, &err), PS_OK);
    assert_null(err);
    ps_ner_state_t *s;
    ps_analyzer_t *an;
    assert_int_equal(ps_ner_state_new(m, &s), PS_OK);
    assert_int_equal(ps_analyzer_new(&an), PS_OK);
    ps_ner_doc_t *docs = train_docs();
    for (size_t i = 0; i < NTRAIN; i++) {
        char want[512] = "", got[512];
        for (size_t g = 0; g < docs[i].ngolds; g++) {
            size_t len = strlen(want);
            snprintf(want + len, sizeof want - len, "%s%s:%.*s", g ? "|" : "",
                     ps_ner_type_name(docs[i].golds[g].type),
                     (int)docs[i].golds[g].length,
                     docs[i].text + docs[i].golds[g].offset);
        }
        tag_string(s, an, docs[i].text, NULL, got, sizeof got);
        assert_string_equal(got, want);
    }
    ps_ner_docs_free(docs, NTRAIN);

    /* A compound's span covers its parts: the whole and its two parts. */
    const char *text = "The Euro-Atlantic deal .\n";
    const ps_token_t *tok;
    size_t ntok, ns;
    const ps_ner_span_t *sp;
    assert_int_equal(ps_analyze(an, text, strlen(text), 0, &tok, &ntok), PS_OK);
    assert_int_equal(
        ps_ner_tag(s, text, strlen(text), 0, tok, ntok, NULL, &sp, &ns), PS_OK);
    assert_int_equal(ns, 1);
    assert_int_equal(sp[0].first, 1);
    assert_int_equal(sp[0].count, 3);
    assert_int_equal(sp[0].type, PS_NER_MISC);

    /* Empty text, and hints given. */
    assert_int_equal(ps_ner_tag(s, "", 0, 0, tok, 0, NULL, &sp, &ns), PS_OK);
    assert_int_equal(ns, 0);
    text = "Blackburn flew to Paris .\n";
    assert_int_equal(ps_analyze(an, text, strlen(text), 0, &tok, &ntok), PS_OK);
    uint8_t hints[8] = {PS_NER_HINT(PS_NER_PER, 1), 0, 0,
                        PS_NER_HINT(PS_NER_LOC, 1)};
    char got[256];
    tag_string(s, an, text, hints, got, sizeof got);
    assert_string_equal(got, "PER:Blackburn|LOC:Paris");

    ps_analyzer_free(an);
    ps_ner_state_free(s);
    ps_ner_model_free(m);
}

/* A state frees the scratch of a long text after tagging it (over 8,192
 * tokens): tagging that text again, and a short one after it, gives what
 * a fresh state gives. */
static void test_long_text(void **state)
{
    (void)state;
    ps_ner_model_t *m;
    assert_int_equal(ps_ner_model_load(model_path, &m, NULL), PS_OK);
    ps_ner_state_t *s, *fresh;
    ps_analyzer_t *an;
    assert_int_equal(ps_ner_state_new(m, &s), PS_OK);
    assert_int_equal(ps_ner_state_new(m, &fresh), PS_OK);
    assert_int_equal(ps_analyzer_new(&an), PS_OK);
    const char *line = "Peter Blackburn flew to Paris on Monday .\n";
    size_t reps = 1200, n = strlen(line);
    char *text = malloc(reps * n + 1);
    assert_non_null(text);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * n, line, n);
    text[reps * n] = '\0';
    size_t cap = reps * 64;
    char *first = malloc(cap), *again = malloc(cap);
    assert_non_null(first);
    assert_non_null(again);
    tag_string(s, an, text, NULL, first, cap);
    assert_true(strlen(first) > 0);
    tag_string(s, an, text, NULL, again, cap);
    assert_string_equal(again, first);
    char want[256], got[256];
    tag_string(fresh, an, train_text[0], NULL, want, sizeof want);
    tag_string(s, an, train_text[0], NULL, got, sizeof got);
    assert_string_equal(got, want);
    free(first);
    free(again);
    free(text);
    ps_analyzer_free(an);
    ps_ner_state_free(fresh);
    ps_ner_state_free(s);
    ps_ner_model_free(m);
}

/* Loads PATH, expecting status WANT and a message naming the file and
 * containing WHAT. */
static void expect_refused(const char *path, ps_status_t want, const char *what)
{
    ps_ner_model_t *m = (ps_ner_model_t *)1;
    char *err = NULL;
    assert_int_equal(ps_ner_model_load(path, &m, &err), want);
    assert_null(m);
    assert_non_null(err);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, what));
    assert_null(strchr(err, '\n'));
    free(err);
}

static void test_load_errors(void **state)
{
    (void)state;
    char bad[160];
    snprintf(bad, sizeof bad, "%s/bad.model", dir);
    expect_refused(bad, PS_ENOTFOUND, "No such file");

    size_t len;
    char *good = read_all(model_path, &len);
    write_all(bad, good, len - 1);
    expect_refused(bad, PS_ECORRUPT, "truncated");
    write_all(bad, good, 30);
    expect_refused(bad, PS_ECORRUPT, "truncated");
    write_all(bad, good, 0);
    expect_refused(bad, PS_ECORRUPT, "truncated");

    char *copy = malloc(len);
    memcpy(copy, good, len);
    copy[len / 2] ^= 0x40;
    write_all(bad, copy, len);
    expect_refused(bad, PS_ECORRUPT, "checksum");

    memcpy(copy, good, len);
    copy[8] = 99; /* The format version. */
    write_all(bad, copy, len);
    expect_refused(bad, PS_EVERSION, "version 99");

    memcpy(copy, good, len);
    memcpy(copy, "NOTAMODL", 8);
    write_all(bad, copy, len);
    expect_refused(bad, PS_ECORRUPT, "not a NER model");

    memcpy(copy, good, len);
    copy[20] = 30; /* Rows out of range. */
    write_all(bad, copy, len);
    expect_refused(bad, PS_ECORRUPT, "damaged");

    expect_refused(dir, PS_EIO, "not a file");
    free(copy);
    free(good);
}

static void test_conll_read(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/x.conll", dir);
    const char *conll = "-DOCSTART- -X- -X- O\n\n"
                        "EU NNP I-NP I-ORG\nrejects VBZ I-VP O\n"
                        "German JJ I-NP I-MISC\n. . O O\n\n"
                        "Peter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\n"
                        "-DOCSTART- -X- -X- O\n\n"
                        "Spain NNP I-NP I-LOC\nFrance NNP I-NP B-LOC\n\n";
    write_all(path, conll, strlen(conll));
    ps_ner_doc_t *docs;
    size_t n;
    char *err = NULL;
    assert_int_equal(ps_ner_conll_read(path, &docs, &n, &err), PS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(docs[0].text, "EU rejects German .\nPeter Blackburn\n");
    assert_int_equal(docs[0].ngolds, 3);
    assert_int_equal(docs[0].golds[2].offset, 20);
    assert_int_equal(docs[0].golds[2].length, 15);
    assert_int_equal(docs[0].golds[2].type, PS_NER_PER);
    assert_string_equal(docs[1].text, "Spain France\n");
    assert_int_equal(docs[1].ngolds, 2);
    ps_ner_docs_free(docs, n);

    write_all(path, "EU\n", 3);
    assert_int_equal(ps_ner_conll_read(path, &docs, &n, &err), PS_ECORRUPT);
    assert_non_null(strstr(err, "line 1"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_deterministic),
        cmocka_unit_test(test_tags_training_text),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_conll_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
