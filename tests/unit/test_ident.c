/* Unit tests of entity identity across articles (psearch/ident.h): person
 * ids, the identity terms of an article's entity, and the resolver's rules
 * over statistics given as a small table, as an index's shards would sum
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "psearch/ident.h"

/* A term with the number of documents holding it; sorted by term. */
struct stat_row {
    const char *term;
    uint64_t docs;
};

struct table {
    const struct stat_row *rows;
    size_t n;
};

static uint64_t t_docs(void *ctx, const char *term, size_t len)
{
    const struct table *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->rows[i].term) == len &&
            memcmp(t->rows[i].term, term, len) == 0)
            return t->rows[i].docs;
    return 0;
}

static int t_each(void *ctx, const char *prefix, size_t len,
                  void (*fn)(void *, const char *, size_t, uint64_t), void *arg)
{
    const struct table *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (strncmp(t->rows[i].term, prefix, len) == 0)
            fn(arg, t->rows[i].term, strlen(t->rows[i].term),
               t->rows[i].docs);
    return 0;
}

/* The 2016 campaign, as an index of it would count. Sorted by term. */
static const struct stat_row campaign[] = {
    {"ENXPERSON:hillary-clinton\tHILLARY CLINTON", 64},
    {"ENXPERSON:hillary-clinton\tHillary Clinton", 500},
    {"ENXPERSON:hillary-clinton\tHillary Rodham Clinton", 17},
    {"EFbill:bill-clinton", 99},
    {"EIhk:hong-kong", 8},
    {"EIus:united-states", 232},
    {"EIfbi:federal-bureau-of-investigation", 10},
    {"EIdc:democracy-corps", 2},
    {"EIdc:disease-control", 3},
    {"EFdonald:donald-trump", 580},
    {"EFhillary:hillary-clinton", 619},
    {"EFjeb:jeb-bush", 83},
    {"EFgeorge:george-bush", 52},
    {"ESbiden:joe-biden", 23},
    {"ESbiden:joseph-biden", 12},
    {"ESbiden:hunter-biden", 4},
    {"ESbush:george-bush", 52},
    {"ESbush:george-hw-bush", 20},
    {"ESbush:george-w-bush", 40},
    {"ESbush:jeb-bush", 83},
    {"ESclinton:bill-clinton", 99},
    {"ESclinton:hillary-clinton", 619},
    {"ESobama:barack-obama", 144},
    {"ESsanders:bernie-sanders", 260},
    {"EStrump:donald-j-trump", 50},
    {"ESwarne:shane-warne", 1},
    {"ESzelensky:volodymyr-zelensky", 1},
    {"ESzelenskyy:volodymyr-zelenskyy", 2},
    {"ESzeller:anna-zeller", 5},
    {"ESryabkov:sergei-ryabkov", 2},
    {"ESryabkov:sergey-ryabkov", 1},
    {"ESsentinel:orlando-sentinel", 3},
    {"ESle:kim-le", 1},
    {"ESlee:kim-lee", 3},
    {"XMISC:american", 40},
    {"XMISC:german", 20},
    {"XMISC:israeli", 26},
    {"XMISC:israelis", 2},
    {"XMISC:kurdish", 11},
    {"XMISC:muslim", 30},
    {"XMISC:obama", 39},
    {"XMISC:philippine", 9},
    {"XMISC:roman", 2},
    {"XMISC:south-korean", 7},
    {"XORG:chicago", 13},
    {"XORG:chicago-purchasing-managers", 1},
    {"XORG:clinton-foundation", 9},
    {"XORG:fbi", 62},
    {"XORG:federal-bureau-of-investigation", 10},
    {"XPERSON:barack-obama", 144},
    {"XPERSON:clinton", 12},
    {"XPERSON:clinton-foundation", 10},
    {"XPERSON:muslims", 20},
    {"XPERSON:obama", 108},
    {"XPERSON:orlando-sentinel", 3},
    {"XPLACE:germany", 43},
    {"XPLACE:hk", 3},
    {"XPLACE:hong-kong", 8},
    {"XPLACE:ireland", 9},
    {"XPLACE:muslims", 12},
    {"XPLACE:obama", 17},
    {"XPLACE:philippines", 4},
    {"XPLACE:republic-of-ireland", 2},
    {"XPLACE:romania", 9},
    {"XPLACE:russia", 44},
    {"XPLACE:russian-federation", 2},
    {"XPLACE:rome", 3},
    {"XPLACE:south-korea", 3},
    {"XPLACE:seattle", 40},
    {"XORG:real", 3},
    {"XORG:real-madrid", 4},
    {"XORG:seattle", 30},
    {"XPLACE:united-states", 232},
    {"XPLACE:us", 267},
    /* A network named by its first word, a slogan's cut word, a people. */
    {"ESfox:vicente-fox", 1},
    {"XORG:fox-news", 72},
    {"XPERSON:fox", 19},
    {"XPERSON:latino", 22},
    {"XPERSON:latinos", 19},
    {"XPLACE:america", 201},
    {"XORG:america", 8},
    {"XORG:america-great-again", 8},
    {"XORG:dc", 10},
    {"XORG:nra", 5},
    {"XORG:democracy-corps", 2},
    {"XORG:disease-control", 3},
    /* Written variants: "The", a misc typing of an org, the
     * AP's abbreviations of states. */
    {"XORG:the-washington-post", 52},
    {"XORG:washington-post", 29},
    {"XORG:the-hill", 3},
    {"XPERSON:hill", 11},
    {"XMISC:politico", 5},
    {"XORG:politico", 33},
    {"XPLACE:politico", 7},
    {"XMISC:twitter", 65},
    {"XORG:twitter", 4},
    {"XPLACE:calif", 29},
    {"XPLACE:california", 81},
    {"XPLACE:nh", 20},
    {"XPLACE:va", 2},
    {"XPLACE:usa", 41},
};

static const struct table tab = {campaign,
                                 sizeof campaign / sizeof *campaign};
static const ps_ident_stats_t stats = {(void *)&tab, t_docs, t_each, NULL};

/* The same statistics with a memo, which every case of the run fills a
 * little more: the answers must be the same. */
static ps_ident_stats_t remembering = {(void *)&tab, t_docs, t_each, NULL};

static void expect(ps_entity_type_t type, const char *id,
                   ps_entity_type_t want_type, const char *want_id)
{
    ps_ident_t got;
    assert_int_equal(ps_ident_resolve(&stats, type, id, &got), PS_OK);
    assert_string_equal(got.id, want_id);
    assert_int_equal(got.type, want_type);
    assert_int_equal(ps_ident_resolve(&remembering, type, id, &got), PS_OK);
    assert_string_equal(got.id, want_id);
    assert_int_equal(got.type, want_type);
}

static void test_person_id(void **state)
{
    (void)state;
    char out[PS_IDENT_MAX + 1];
    static const char *const cases[][2] = {
        {"donald-j-trump", "donald-trump"},
        {"hillary-rodham-clinton", "hillary-clinton"},
        {"george-h-w-bush", "george-bush"},
        {"george-w-bush", "george-bush"},
        {"martin-luther-king-jr", "martin-king"},
        {"ludwig-van-beethoven", "ludwig-van-beethoven"},
        {"wilfried-van-moer", "wilfried-van-moer"},
        {"shane-warne", "shane-warne"},
        {"warne", "warne"},
        {"s-warne", "s-warne"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = ps_ident_person_id(cases[i][0], out);
        assert_string_equal(out, cases[i][1]);
        assert_int_equal(n, strlen(cases[i][1]));
    }
}

static int collect(void *arg, const char *term, size_t len)
{
    char *buf = arg;
    strncat(buf, term, len);
    strcat(buf, "|");
    return 0;
}

static void test_terms(void **state)
{
    (void)state;
    char buf[1024] = "";
    ps_entity_t e = {
        PS_ENT_PERSON, "donald-j-trump", "Donald J. Trump", 0, NULL, 0, 0};
    assert_int_equal(ps_ident_terms(&e, collect, buf), 0);
    assert_string_equal(buf, "ENXPERSON:donald-j-trump\tDonald J. Trump|"
                             "EStrump:donald-j-trump|"
                             "EFdonald:donald-j-trump|");
    buf[0] = '\0';
    ps_entity_t s = {PS_ENT_PERSON, "s-warne", "S. Warne", 0, NULL, 0, 0};
    assert_int_equal(ps_ident_terms(&s, collect, buf), 0);
    assert_string_equal(buf, "ENXPERSON:s-warne\tS. Warne|");
    buf[0] = '\0';
    ps_entity_t p = {PS_ENT_PLACE, "new-york", "New York", 0, NULL, 0, 0};
    assert_int_equal(ps_ident_terms(&p, collect, buf), 0);
    assert_string_equal(buf, "ENXPLACE:new-york\tNew York|EIny:new-york|");
}

static void test_resolve_news(void **state)
{
    (void)state;
    /* "told Fox that...": the network, named by its first word, that no
     * person named in full takes ("Vicente Fox", one article). */
    expect(PS_ENT_PERSON, "fox", PS_ENT_ORG, "fox-news");
    /* A people that is no nation is misc, whatever the tagger typed. */
    expect(PS_ENT_PERSON, "latino", PS_ENT_MISC, "latino");
    expect(PS_ENT_PERSON, "latinos", PS_ENT_MISC, "latino");
    expect(PS_ENT_PLACE, "hispanics", PS_ENT_MISC, "hispanic");
    /* A word the index names a place more than an org heads no longer
     * org name ("Make America Great Again" cut to its last words). */
    expect(PS_ENT_ORG, "america", PS_ENT_ORG, "america");
    /* Two long forms of "DC", neither dominating: each stays itself. */
    expect(PS_ENT_ORG, "democracy-corps", PS_ENT_ORG, "democracy-corps");
    expect(PS_ENT_ORG, "disease-control", PS_ENT_ORG, "disease-control");
    /* A long form no article names apart from its acronym (a query's) is
     * the acronym's. */
    expect(PS_ENT_ORG, "national-rifle-association", PS_ENT_ORG, "nra");
}

static void test_resolve_variants(void **state)
{
    (void)state;
    /* A capital "The" is no part of which paper it is; "The Hill" stays
     * itself when no article names an org "Hill". */
    expect(PS_ENT_ORG, "the-washington-post", PS_ENT_ORG, "washington-post");
    expect(PS_ENT_ORG, "washington-post", PS_ENT_ORG, "washington-post");
    expect(PS_ENT_ORG, "the-hill", PS_ENT_ORG, "the-hill");
    /* Typed misc where more articles type it an org; a place stays a
     * place (a city and its team). */
    expect(PS_ENT_MISC, "politico", PS_ENT_ORG, "politico");
    expect(PS_ENT_PLACE, "politico", PS_ENT_PLACE, "politico");
    expect(PS_ENT_ORG, "twitter", PS_ENT_ORG, "twitter");
    expect(PS_ENT_MISC, "twitter", PS_ENT_MISC, "twitter");
    /* A state's abbreviation is the state when the index names it, and
     * "USA" and "America" are the U.S. */
    expect(PS_ENT_PLACE, "calif", PS_ENT_PLACE, "california");
    expect(PS_ENT_PLACE, "va", PS_ENT_PLACE, "va");
    expect(PS_ENT_PLACE, "nh", PS_ENT_PLACE, "nh");
    expect(PS_ENT_PLACE, "usa", PS_ENT_PLACE, "us");
    expect(PS_ENT_PLACE, "america", PS_ENT_PLACE, "us");
    expect(PS_ENT_ORG, "calif", PS_ENT_ORG, "calif");
}

static void test_resolve(void **state)
{
    (void)state;
    /* A surname or first name alone: the full name that dominates. */
    expect(PS_ENT_PERSON, "clinton", PS_ENT_PERSON, "hillary-clinton");
    expect(PS_ENT_PERSON, "hillary", PS_ENT_PERSON, "hillary-clinton");
    expect(PS_ENT_PERSON, "obama", PS_ENT_PERSON, "barack-obama");
    /* No Bush dominates: 83 against 52. */
    expect(PS_ENT_PERSON, "bush", PS_ENT_PERSON, "bush");
    /* An initial and a surname; one article naming him is enough. */
    expect(PS_ENT_PERSON, "s-warne", PS_ENT_PERSON, "shane-warne");
    expect(PS_ENT_PERSON, "t-warne", PS_ENT_PERSON, "t-warne");
    expect(PS_ENT_PERSON, "hillary-rodham-clinton", PS_ENT_PERSON,
           "hillary-clinton");
    /* Middle initials: dropped when they tell no two people apart. */
    expect(PS_ENT_PERSON, "donald-j-trump", PS_ENT_PERSON, "donald-trump");
    expect(PS_ENT_PERSON, "george-w-bush", PS_ENT_PERSON, "george-w-bush");
    expect(PS_ENT_PERSON, "george-h-w-bush", PS_ENT_PERSON, "george-hw-bush");
    /* Mostly a person: a person, whatever one headline made of him. */
    expect(PS_ENT_PLACE, "obama", PS_ENT_PERSON, "barack-obama");
    expect(PS_ENT_MISC, "obama", PS_ENT_PERSON, "barack-obama");
    /* A name an organisation's head word ends is an organisation's, however
     * often the tagger made it a person. */
    expect(PS_ENT_PERSON, "clinton-foundation", PS_ENT_ORG,
           "clinton-foundation");
    expect(PS_ENT_ORG, "clinton-foundation", PS_ENT_ORG, "clinton-foundation");
    expect(PS_ENT_PERSON, "orlando-sentinel", PS_ENT_ORG, "orlando-sentinel");
    expect(PS_ENT_PERSON, "sentinel", PS_ENT_ORG, "orlando-sentinel");
    /* A group of people is none of them. */
    expect(PS_ENT_PERSON, "muslims", PS_ENT_MISC, "muslim");
    expect(PS_ENT_MISC, "muslims", PS_ENT_MISC, "muslim");
    expect(PS_ENT_PLACE, "muslims", PS_ENT_MISC, "muslim");
    expect(PS_ENT_MISC, "muslim", PS_ENT_MISC, "muslim");
    expect(PS_ENT_MISC, "philippine", PS_ENT_PLACE, "philippines");
    expect(PS_ENT_PLACE, "philippines", PS_ENT_PLACE, "philippines");
    /* A city and its team stay two. */
    expect(PS_ENT_ORG, "seattle", PS_ENT_ORG, "seattle");
    expect(PS_ENT_PLACE, "seattle", PS_ENT_PLACE, "seattle");
    /* Acronyms and plurals. */
    expect(PS_ENT_PLACE, "united-states", PS_ENT_PLACE, "us");
    expect(PS_ENT_ORG, "federal-bureau-of-investigation", PS_ENT_ORG, "fbi");
    expect(PS_ENT_MISC, "israelis", PS_ENT_MISC, "israeli");
    /* A nationality is its country, when the index names the country;
     * "Israeli" is not Israel here, which no article names. */
    expect(PS_ENT_MISC, "german", PS_ENT_PLACE, "germany");
    expect(PS_ENT_MISC, "south-korean", PS_ENT_PLACE, "south-korea");
    expect(PS_ENT_MISC, "american", PS_ENT_PLACE, "us");
    expect(PS_ENT_MISC, "roman", PS_ENT_PLACE, "rome");
    expect(PS_ENT_MISC, "kurdish", PS_ENT_MISC, "kurdish");
    /* An acronym is the long form articles write more ("HK"); the long
     * form stays. */
    expect(PS_ENT_PLACE, "hk", PS_ENT_PLACE, "hong-kong");
    expect(PS_ENT_PLACE, "hong-kong", PS_ENT_PLACE, "hong-kong");
    expect(PS_ENT_ORG, "fbi", PS_ENT_ORG, "fbi");
    /* Official names. */
    expect(PS_ENT_PLACE, "republic-of-ireland", PS_ENT_PLACE, "ireland");
    expect(PS_ENT_PLACE, "russian-federation", PS_ENT_PLACE, "russia");
    expect(PS_ENT_PLACE, "republic-of-nowhere", PS_ENT_PLACE,
           "republic-of-nowhere");
    /* An org's first word alone is its longer name, unless written alone
     * far more often than that name. */
    expect(PS_ENT_ORG, "real", PS_ENT_ORG, "real-madrid");
    expect(PS_ENT_ORG, "chicago", PS_ENT_ORG, "chicago");
    /* Spellings of one name are one person, spelt as most documents do;
     * a surname spelt otherwise alone is that person. Short surnames
     * are merged only when written alike ("Lee" and "Le" are two). */
    expect(PS_ENT_PERSON, "volodymyr-zelensky", PS_ENT_PERSON,
           "volodymyr-zelenskyy");
    expect(PS_ENT_PERSON, "volodymyr-zelenskiy", PS_ENT_PERSON,
           "volodymyr-zelenskyy");
    expect(PS_ENT_PERSON, "zelensky", PS_ENT_PERSON, "volodymyr-zelenskyy");
    expect(PS_ENT_PERSON, "zelenskiy", PS_ENT_PERSON, "volodymyr-zelenskyy");
    expect(PS_ENT_PERSON, "sergey-ryabkov", PS_ENT_PERSON, "sergei-ryabkov");
    expect(PS_ENT_PERSON, "kim-le", PS_ENT_PERSON, "kim-le");
    expect(PS_ENT_PERSON, "kim-lee", PS_ENT_PERSON, "kim-lee");
    /* A nickname is its formal first name; another first name is
     * another person. */
    expect(PS_ENT_PERSON, "joseph-biden", PS_ENT_PERSON, "joe-biden");
    expect(PS_ENT_PERSON, "joe-biden", PS_ENT_PERSON, "joe-biden");
    expect(PS_ENT_PERSON, "hunter-biden", PS_ENT_PERSON, "hunter-biden");
    /* Unknown names stay as they are. */
    expect(PS_ENT_PERSON, "john-lough", PS_ENT_PERSON, "john-lough");
}

static void test_display_name(void **state)
{
    (void)state;
    char *name = NULL;
    assert_int_equal(ps_ident_display_name(&stats, PS_ENT_PERSON,
                                           "hillary-clinton", &name),
                     PS_OK);
    assert_string_equal(name, "Hillary Clinton");
    free(name);
    assert_int_equal(
        ps_ident_display_name(&stats, PS_ENT_PERSON, "nobody", &name), PS_OK);
    assert_null(name);
}

/* Statistics that count how often each lists a prefix. */
struct counted {
    struct table t;
    unsigned lists;
};

static int c_each(void *ctx, const char *prefix, size_t len,
                  void (*fn)(void *, const char *, size_t, uint64_t), void *arg)
{
    struct counted *c = ctx;
    c->lists++;
    return t_each(&c->t, prefix, len, fn, arg);
}

static uint64_t c_docs(void *ctx, const char *term, size_t len)
{
    return t_docs(&((struct counted *)ctx)->t, term, len);
}

/* An article of many people whose surnames share their first letters
 * ("Johns1" ... "Johns400") made each of them read every surname term
 * under those letters, quadratic in the names: with a memo, the letters
 * are read once, and each person still finds the other spelling of its
 * own name ("Jon Johnss7" is "Jon Johns7") and no one else's. */
static void test_memo_reads_once(void **state)
{
    (void)state;
    enum { N = 400 };
    static char terms[2 * N][48];
    static struct stat_row rows[2 * N];
    for (size_t i = 0; i < N; i++) {
        /* Sorted by term: "ESjohns<i>:" sorts before "ESjohnss<i>:". */
        snprintf(terms[i], sizeof terms[i], "ESjohns%zu:jon-johns%zu", i, i);
        snprintf(terms[N + i], sizeof terms[N + i], "ESjohnss%zu:jon-johnss%zu",
                 i, i);
    }
    qsort(terms, 2 * N, sizeof terms[0],
          (int (*)(const void *, const void *))strcmp);
    for (size_t i = 0; i < 2 * N; i++) {
        rows[i].term = terms[i];
        /* The doubled spelling is the more common one. */
        rows[i].docs = strstr(terms[i], "johnss") ? 3 : 1;
    }
    struct counted c = {{rows, 2 * N}, 0};
    ps_ident_stats_t s = {&c, c_docs, c_each, NULL};
    unsigned lists[2];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            assert_non_null(s.memo = ps_ident_memo_new());
        c.lists = 0;
        for (size_t i = 0; i < N; i++) {
            char id[48], want[48];
            ps_ident_t got;
            snprintf(id, sizeof id, "jon-johns%zu", i);
            snprintf(want, sizeof want, "jon-johnss%zu", i);
            assert_int_equal(ps_ident_resolve(&s, PS_ENT_PERSON, id, &got),
                             PS_OK);
            assert_string_equal(got.id, want);
        }
        lists[pass] = c.lists;
    }
    /* The other rules list what they list, once a person; the spellings'
     * prefix ("ESjohn") is listed once for all of them. */
    assert_int_equal(lists[1] + (N - 1), lists[0]);
    ps_ident_memo_clear(s.memo);
    ps_ident_memo_free(s.memo);
    ps_ident_memo_free(NULL);
}

static int setup(void **state)
{
    (void)state;
    remembering.memo = ps_ident_memo_new();
    return remembering.memo ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ps_ident_memo_free(remembering.memo);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person_id),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_resolve_news),
        cmocka_unit_test(test_resolve_variants),
        cmocka_unit_test(test_display_name),
        cmocka_unit_test(test_memo_reads_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
