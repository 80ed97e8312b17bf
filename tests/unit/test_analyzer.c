/* Unit tests of the analyzer through its public header: tokenization
 * rules, normalisation, flags, offsets, errors, limits, the whole Snowball
 * English vocabulary, and failure of every allocation in turn. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/analyzer.h"

/* AddressSanitizer owns the allocator and cannot share it with the
 * interposer below, so under ASan the out-of-memory test is skipped. */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

/* Allocation failure on demand. The test binary interposes the allocator
 * so that the N-th allocation from now fails, in the analyzer and in the
 * libraries it calls alike, the way SQLite's malloc tests do. Unarmed, it
 * only forwards to glibc. Valgrind still sees every block, since it
 * replaces glibc's __libc_* functions too. */
static long fail_countdown = -1; /* -1: never fail */
static long alloc_failures;

#ifndef HAVE_ASAN
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static bool alloc_should_fail(void)
{
    if (fail_countdown < 0)
        return false;
    if (fail_countdown-- == 0) {
        alloc_failures++;
        return true;
    }
    return false;
}

void *malloc(size_t n)
{
    return alloc_should_fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    return alloc_should_fail() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    return alloc_should_fail() ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
    __libc_free(p);
}
#endif

#define MAX_TERM_BYTES 245 /* Xapian's limit on a term, prefix included */

static const char *flag_names(uint32_t f, char *buf, size_t size)
{
    static const char *const names[] = {
        "COMPOUND",   "PART",       "NUMBER",     "CAP",     "UPPER",
        "SENT_START", "LINE_START", "POSSESSIVE", "ACRONYM",
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (f & (1u << i)) {
            if (buf[0])
                strncat(buf, "|", size - strlen(buf) - 1);
            strncat(buf, names[i], size - strlen(buf) - 1);
        }
    return buf;
}

static int setup(void **state)
{
    ps_analyzer_t *a;
    if (ps_analyzer_new(&a) != PS_OK)
        return -1;
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    ps_analyzer_free(*state);
    return 0;
}

static const ps_token_t *run(ps_analyzer_t *a, const char *text, size_t *n)
{
    const ps_token_t *t = NULL;
    ps_status_t st = ps_analyze(a, text, strlen(text), 0, &t, n);
    assert_int_equal(st, PS_OK);
    return t;
}

/* What one token must be; a NULL stem is not checked. */
struct want {
    uint32_t pos;
    size_t offset;
    uint32_t length;
    uint32_t flags;
    const char *term;
    const char *stem;
};

#define C PS_TOK_COMPOUND
#define P PS_TOK_PART
#define N PS_TOK_NUMBER
#define CAP PS_TOK_CAP
#define UP PS_TOK_UPPER
#define SS PS_TOK_SENT_START
#define LS PS_TOK_LINE_START
#define POSS PS_TOK_POSSESSIVE
#define ACR PS_TOK_ACRONYM
#define FIRST (SS | LS)

static void expect(ps_analyzer_t *a, const char *text, const struct want *w,
                   size_t nw)
{
    size_t n;
    const ps_token_t *t = run(a, text, &n);
    for (size_t i = 0; i < n && i < nw; i++) {
        char got[128], exp[128];
        if (strcmp(t[i].term, w[i].term) != 0 || t[i].pos != w[i].pos ||
            t[i].offset != w[i].offset || t[i].length != w[i].length ||
            t[i].flags != w[i].flags ||
            (w[i].stem && strcmp(t[i].stem, w[i].stem) != 0))
            fail_msg("in \"%s\", token %zu: got pos %u offset %zu length "
                     "%u flags %s term \"%s\" stem \"%s\"; want pos %u "
                     "offset %zu length %u flags %s term \"%s\" stem "
                     "\"%s\"",
                     text, i, t[i].pos, t[i].offset, t[i].length,
                     flag_names(t[i].flags, got, sizeof(got)), t[i].term,
                     t[i].stem, w[i].pos, w[i].offset, w[i].length,
                     flag_names(w[i].flags, exp, sizeof(exp)), w[i].term,
                     w[i].stem ? w[i].stem : "(any)");
        assert_int_equal(t[i].term_len, strlen(t[i].term));
        assert_int_equal(t[i].stem_len, strlen(t[i].stem));
    }
    if (n != nw)
        fail_msg("in \"%s\": got %zu tokens, want %zu", text, n, nw);
}

#define EXPECT(a, text, ...)                                                   \
    do {                                                                       \
        static const struct want w_[] = {__VA_ARGS__};                         \
        expect((a), (text), w_, sizeof(w_) / sizeof(w_[0]));                   \
    } while (0)

/* The one term of a text that must give exactly one token. */
static const ps_token_t *one(ps_analyzer_t *a, const char *text)
{
    size_t n;
    const ps_token_t *t = run(a, text, &n);
    if (n != 1)
        fail_msg("\"%s\" gave %zu tokens, want 1", text, n);
    return t;
}

static void test_empty(void **state)
{
    ps_analyzer_t *a = *state;
    const ps_token_t *t = (const ps_token_t *)1;
    size_t n = 99;
    assert_int_equal(ps_analyze(a, "", 0, 0, &t, &n), PS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ps_analyze(a, NULL, 0, 7, &t, &n), PS_OK);
    assert_int_equal(n, 0);
    run(a, "  \n\t “” -- ... ‘’ 🧠 ✔", &n);
    assert_int_equal(n, 0);
    assert_int_equal(ps_analyze(NULL, "x", 1, 0, &t, &n), PS_EINVAL);
    assert_int_equal(ps_analyze(a, NULL, 1, 0, &t, &n), PS_EINVAL);
    assert_int_equal(ps_analyze(a, "x", 1, 0, NULL, &n), PS_EINVAL);
    ps_analyzer_free(NULL);
}

static void test_possessive(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "Ukraine’s", {1, 0, 11, FIRST | CAP | POSS, "ukraine", "ukrain"});
    EXPECT(a, "Ukraine's", {1, 0, 9, FIRST | CAP | POSS, "ukraine", "ukrain"});
    EXPECT(a, "UKRAINE'S demand",
           {1, 0, 9, FIRST | CAP | UP | POSS, "ukraine", "ukrain"},
           {2, 10, 6, 0, "demand", "demand"});
    EXPECT(a, "the leaders’ views", {1, 0, 3, FIRST, "the", "the"},
           {2, 4, 10, POSS, "leaders", "leader"},
           {3, 15, 5, 0, "views", "view"});
    /* A closing quote after a word that does not end in s is a quote. */
    EXPECT(a, "‘The A Word’", {1, 3, 3, FIRST | CAP, "the", "the"},
           {2, 7, 1, CAP, "a", "a"}, {3, 9, 4, CAP, "word", "word"});
    EXPECT(a, "NATO’s bid", {1, 0, 8, FIRST | CAP | UP | POSS, "nato", "nato"},
           {2, 9, 3, 0, "bid", "bid"});
    EXPECT(a, "the 1990's", {1, 0, 3, FIRST, "the", "the"},
           {2, 4, 6, N | POSS, "1990", "1990"});

    /* "Russia’s" in a document is found by the query "Russia". */
    const ps_token_t *t = one(a, "Russia’s");
    char term[32], stem[32];
    snprintf(term, sizeof(term), "%s", t->term);
    snprintf(stem, sizeof(stem), "%s", t->stem);
    assert_string_equal(term, "russia");
    t = one(a, "Russia");
    assert_string_equal(t->term, term);
    assert_string_equal(t->stem, stem);
}

static void test_apostrophes(void **state)
{
    ps_analyzer_t *a = *state;
    static const char *const forms[] = {"aren’t", "aren't", "aren‘t", "arenʼt",
                                        "AREN’T"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        const ps_token_t *t = one(a, forms[i]);
        assert_string_equal(t->term, "aren't");
        assert_int_equal(t->length, strlen(forms[i]));
        assert_int_equal(t->flags & PS_TOK_POSSESSIVE, 0);
    }
    EXPECT(a, "O’Brien can’t rock'n'roll",
           {1, 0, 9, FIRST | CAP, "o'brien", NULL},
           {2, 10, 7, 0, "can't", NULL}, {3, 18, 11, 0, "rock'n'roll", NULL});
    /* A leading or doubled apostrophe joins nothing. */
    EXPECT(a, "'tis it''s", {1, 1, 3, FIRST, "tis", NULL},
           {2, 5, 2, 0, "it", NULL}, {3, 9, 1, 0, "s", NULL});
}

static void test_compounds(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "the Mar-a-Lago summit", {1, 0, 3, FIRST, "the", "the"},
           {2, 4, 10, C | CAP, "mar-a-lago", "mar-a-lago"},
           {2, 4, 3, P | CAP, "mar", "mar"}, {3, 8, 1, P, "a", "a"},
           {4, 10, 4, P | CAP, "lago", "lago"},
           {5, 15, 6, 0, "summit", "summit"});
    /* U+2010 and U+2011 are hyphens too; the whole uses ASCII '-'. */
    EXPECT(a, "Mar‐a‑Lago",
           {1, 0, 14, FIRST | C | CAP, "mar-a-lago", "mar-a-lago"},
           {1, 0, 3, FIRST | P | CAP, "mar", "mar"}, {2, 6, 1, P, "a", "a"},
           {3, 10, 4, P | CAP, "lago", "lago"});
    EXPECT(a, "his son-in-law said", {1, 0, 3, FIRST, "his", NULL},
           {2, 4, 10, C, "son-in-law", "son-in-law"},
           {2, 4, 3, P, "son", "son"}, {3, 8, 2, P, "in", "in"},
           {4, 11, 3, P, "law", "law"}, {5, 15, 4, 0, "said", "said"});
    EXPECT(a, "a 20-point plan", {1, 0, 1, FIRST, "a", NULL},
           {2, 2, 8, C, "20-point", "20-point"}, {2, 2, 2, P | N, "20", "20"},
           {3, 5, 5, P, "point", "point"}, {4, 11, 4, 0, "plan", "plan"});
    EXPECT(a, "its 800,000-strong army", {1, 0, 3, FIRST, "its", NULL},
           {2, 4, 14, C, "800,000-strong", "800,000-strong"},
           {2, 4, 7, P | N, "800,000", "800,000"},
           {3, 12, 6, P, "strong", "strong"}, {4, 19, 4, 0, "army", "armi"});
    EXPECT(a, "a U.S.-led force", {1, 0, 1, FIRST, "a", NULL},
           {2, 2, 8, C | CAP, "us-led", "us-led"},
           {2, 2, 4, P | CAP | UP | ACR, "us", "us"},
           {3, 7, 3, P, "led", "led"}, {4, 11, 5, 0, "force", "forc"});
    EXPECT(a, "NATO-style son-in-law's",
           {1, 0, 10, FIRST | C | CAP, "nato-style", "nato-style"},
           {1, 0, 4, FIRST | P | CAP | UP, "nato", "nato"},
           {2, 5, 5, P, "style", "style"},
           {3, 11, 12, C | POSS, "son-in-law", "son-in-law"},
           {3, 11, 3, P, "son", NULL}, {4, 15, 2, P, "in", NULL},
           {5, 18, 5, P | POSS, "law", NULL});
    /* Spaces, dashes and doubled hyphens make no compound. */
    EXPECT(a, "well- known a--b c – d -e", {1, 0, 4, FIRST, "well", NULL},
           {2, 6, 5, 0, "known", NULL}, {3, 12, 1, 0, "a", NULL},
           {4, 15, 1, 0, "b", NULL}, {5, 17, 1, 0, "c", NULL},
           {6, 23, 1, 0, "d", NULL}, {7, 26, 1, 0, "e", NULL});
}

static void test_numbers(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "800,000 troops, 2.5 percent in 2014.",
           {1, 0, 7, FIRST | N, "800,000", "800,000"},
           {2, 8, 6, 0, "troops", "troop"}, {3, 16, 3, N, "2.5", "2.5"},
           {4, 20, 7, 0, "percent", "percent"}, {5, 28, 2, 0, "in", "in"},
           {6, 31, 4, N, "2014", "2014"});
    /* '.' and ',' join only between digits. */
    EXPECT(a, "1, 2 and 3.x", {1, 0, 1, FIRST | N, "1", NULL},
           {2, 3, 1, N, "2", NULL}, {3, 5, 3, 0, "and", NULL},
           {4, 9, 1, N, "3", NULL}, {5, 11, 1, 0, "x", NULL});
    EXPECT(a, "G7 2nd", {1, 0, 2, FIRST | CAP, "g7", NULL},
           {2, 3, 3, 0, "2nd", NULL});
}

static void test_acronyms(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "U.S. and U.K. e.g. U.S",
           {1, 0, 4, FIRST | CAP | UP | ACR, "us", "us"},
           {2, 5, 3, 0, "and", NULL}, {3, 9, 4, CAP | UP | ACR, "uk", "uk"},
           {4, 14, 4, ACR, "eg", "eg"}, {5, 19, 3, CAP | UP | ACR, "us", "us"});
    /* "us" the pronoun is neither capitalised nor uppercase; "US" is. */
    EXPECT(a, "give us US Us", {1, 0, 4, FIRST, "give", NULL},
           {2, 5, 2, 0, "us", "us"}, {3, 8, 2, CAP | UP, "us", "us"},
           {4, 11, 2, CAP, "us", "us"});
    /* One letter is an initial, not an acronym. */
    EXPECT(a, "J. Smith", {1, 0, 1, FIRST | CAP, "j", NULL},
           {2, 3, 5, CAP, "smith", NULL});
}

static void test_nfkc(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "ﬁnance ２０２５ ＡＢＣ", {1, 0, 8, FIRST, "finance", "financ"},
           {2, 9, 12, N, "2025", "2025"}, {3, 22, 9, CAP | UP, "abc", "abc"});
    /* A decomposed accent composes; a soft hyphen vanishes. */
    EXPECT(a, "cafe\xcc\x81 inter\xc2\xadnational",
           {1, 0, 6, FIRST, "caf\xc3\xa9", NULL},
           {2, 7, 15, 0, "international", "intern"});
}

static void test_casefold(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "ÉCOLE Straße STRASSE ǅemal",
           {1, 0, 6, FIRST | CAP | UP, "école", NULL},
           {2, 7, 7, CAP, "strasse", NULL},
           {3, 15, 7, CAP | UP, "strasse", NULL},
           {4, 23, 6, CAP, "džemal", NULL});
    char *out;
    size_t n;
    assert_int_equal(ps_normalize("Straße", strlen("Straße"), &out, &n), PS_OK);
    assert_string_equal(out, "strasse");
    assert_int_equal(n, 7);
    free(out);
}

static void test_multibyte_offsets(void **state)
{
    ps_analyzer_t *a = *state;
    /* “ is 3 bytes, é 2, ’ 3, 🧠 4. */
    EXPECT(a, "“Café’s” 🧠 naïve—Zoë",
           {1, 3, 9, FIRST | CAP | POSS, "café", "café"},
           {2, 21, 6, 0, "naïve", NULL}, {3, 30, 4, CAP, "zoë", NULL});
    const ps_token_t *t;
    size_t n;
    const char *text = "x Ünïcode";
    assert_int_equal(ps_analyze(*state, text, strlen(text), 1000, &t, &n),
                     PS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(t[1].offset, 1002);
    assert_int_equal(t[1].length, 9);
    assert_memory_equal(text + t[1].offset - 1000, "Ünïcode", 9);
}

static void test_flags(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "Peace. The talks\nresume now! “Quote” here: next",
           {1, 0, 5, FIRST | CAP, "peace", NULL},
           {2, 7, 3, SS | CAP, "the", NULL}, {3, 11, 5, 0, "talks", NULL},
           {4, 17, 6, FIRST, "resume", NULL}, {5, 24, 3, 0, "now", NULL},
           {6, 32, 5, SS | CAP, "quote", NULL}, {7, 41, 4, 0, "here", NULL},
           {8, 47, 4, SS, "next", NULL});
    /* Bullets, ticks, emoji, quotes and brackets at the start of a line
     * keep the first word a line and sentence start. */
    EXPECT(a, "- Bullet\n✔ Tick\n🧠 Brain\n“Quote\n(Paren\n1. Item",
           {1, 2, 6, FIRST | CAP, "bullet", NULL},
           {2, 13, 4, FIRST | CAP, "tick", NULL},
           {3, 23, 5, FIRST | CAP, "brain", NULL},
           {4, 32, 5, FIRST | CAP, "quote", NULL},
           {5, 39, 5, FIRST | CAP, "paren", NULL},
           {6, 45, 1, FIRST | N, "1", NULL},
           {7, 48, 4, SS | CAP, "item", NULL});
    /* A comma ends no sentence, nor do the dots of "U.S.", "Mr." or an
     * initial, nor a dot inside "example.com". */
    EXPECT(a,
           "Hi, there. “Go,” he said. The U.S. Congress. Mr. Smith "
           "met J. Trump at example.com",
           {1, 0, 2, FIRST | CAP, "hi", NULL}, {2, 4, 5, 0, "there", NULL},
           {3, 14, 2, SS | CAP, "go", NULL}, {4, 21, 2, 0, "he", NULL},
           {5, 24, 4, 0, "said", NULL}, {6, 30, 3, SS | CAP, "the", NULL},
           {7, 34, 4, CAP | UP | ACR, "us", NULL},
           {8, 39, 8, CAP, "congress", NULL}, {9, 49, 2, SS | CAP, "mr", NULL},
           {10, 53, 5, CAP, "smith", NULL}, {11, 59, 3, 0, "met", NULL},
           {12, 63, 1, CAP, "j", NULL}, {13, 66, 5, CAP, "trump", NULL},
           {14, 72, 2, 0, "at", NULL}, {15, 75, 7, 0, "example", NULL},
           {16, 83, 3, 0, "com", NULL});
    /* But an acronym's dot ends its sentence before a word that opens
     * sentences and goes on no name ("the U.S. The proposal": the entity
     * tagger read "U.S. The proposal" as a treaty's name); not before a
     * name, nor before a word that only starts as one ("It's"). */
    EXPECT(a, "enter the U.S. The plan. D.C. It's in D.C. Circuit",
           {1, 0, 5, FIRST, "enter", NULL}, {2, 6, 3, 0, "the", NULL},
           {3, 10, 4, CAP | UP | ACR, "us", NULL},
           {4, 15, 3, SS | CAP, "the", NULL}, {5, 19, 4, 0, "plan", NULL},
           {6, 25, 4, SS | CAP | UP | ACR, "dc", NULL},
           {7, 30, 4, CAP | POSS, "it", NULL}, {8, 35, 2, 0, "in", NULL},
           {9, 38, 4, CAP | UP | ACR, "dc", NULL},
           {10, 43, 7, CAP, "circuit", NULL});
    /* CRLF and Unicode line separators break lines. */
    EXPECT(a,
           "a\r\nb\xe2\x80\xa8"
           "c",
           {1, 0, 1, FIRST, "a", NULL}, {2, 3, 1, FIRST, "b", NULL},
           {3, 7, 1, FIRST, "c", NULL});
}

static void test_invalid_utf8(void **state)
{
    ps_analyzer_t *a = *state;
    static const struct {
        const char *text;
        size_t len;
        size_t bad;
    } cases[] = {
        {"abc \xff def", 9, 4},                  /* never valid */
        {"abc\xe2\x80", 5, 3},                   /* truncated at the end */
        {"ab\xe2\x80z", 5, 2},                   /* truncated in the middle */
        {"\x80", 1, 0},                          /* stray continuation */
        {"ok \xc0\xaf", 5, 3},                   /* overlong '/' */
        {"s \xed\xa0\x80", 5, 2},                /* a surrogate */
        {"caf\xc3\xa9 \xf4\x90\x80\x80", 10, 6}, /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const ps_token_t *t = (const ps_token_t *)1;
        size_t n = 99;
        ps_status_t st =
            ps_analyze(a, cases[i].text, cases[i].len, 100, &t, &n);
        assert_int_equal(st, PS_EBADUTF8);
        assert_int_equal(ps_analyzer_error_offset(a), 100 + cases[i].bad);
        assert_null(t);
        assert_int_equal(n, 0);
    }
    char *out = (char *)1;
    assert_int_equal(ps_normalize("a\xff", 2, &out, NULL), PS_EBADUTF8);
    assert_null(out);
}

static void test_nul_bytes(void **state)
{
    size_t n;
    const ps_token_t *t;
    assert_int_equal(ps_analyze(*state, "ab\0cd", 5, 0, &t, &n), PS_OK);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].term, "ab");
    assert_string_equal(t[1].term, "cd");
    assert_int_equal(t[1].offset, 3);
}

static void test_stop_words_kept(void **state)
{
    ps_analyzer_t *a = *state;
    EXPECT(a, "closer than ever", {1, 0, 6, FIRST, "closer", "closer"},
           {2, 7, 4, 0, "than", "than"}, {3, 12, 4, 0, "ever", "ever"});
}

static void test_long_tokens(void **state)
{
    ps_analyzer_t *a = *state;
    size_t big = 100000;
    char *text = malloc(big * 3 + 16);
    assert_non_null(text);

    /* A token too long to be a term leaves a gap, so that no phrase
     * matches across it. */
    memcpy(text, "x ", 2);
    memset(text + 2, 'a', big);
    memcpy(text + 2 + big, " y", 3);
    size_t n;
    const ps_token_t *t = run(a, text, &n);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].pos, 1);
    assert_int_equal(t[1].pos, 3);
    assert_int_equal(t[1].offset, big + 3);

    /* The same with a multibyte letter, and a long compound, whose parts
     * survive though the whole cannot. */
    for (size_t i = 0; i < big; i++)
        memcpy(text + 2 * i, "\xc3\xa9", 2);
    memcpy(text + 2 * big, " y", 3);
    t = run(a, text, &n);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].pos, 2);

    for (size_t i = 0; i < 1000; i++)
        memcpy(text + 2 * i, "a-", 2);
    text[1999] = '\0';
    t = run(a, text, &n);
    assert_int_equal(n, 1000);
    assert_int_equal(t[0].flags, FIRST | P);
    assert_int_equal(t[999].pos, 1000);

    /* 300 "ab-" parts: within the limit for each part, too long whole. */
    for (size_t i = 0; i < 80; i++)
        memcpy(text + 3 * i, "ab-", 3);
    text[3 * 80 - 1] = '\0';
    t = run(a, text, &n);
    assert_int_equal(n, 80);
    for (size_t i = 0; i < n; i++)
        assert_true(t[i].term_len <= MAX_TERM_BYTES);

    /* Just under the limit, a compound whole is kept. */
    for (size_t i = 0; i < 60; i++)
        memcpy(text + 3 * i, "ab-", 3);
    text[3 * 60 - 1] = '\0';
    t = run(a, text, &n);
    assert_int_equal(n, 61);
    assert_int_equal(t[0].flags, FIRST | C);
    assert_int_equal(t[0].term_len, 179);
    free(text);
}

/* Every token of every corpus article obeys the contract: offsets inside
 * the text, terms normalised and short enough, stems those of
 * ps_analyzer_stem(), positions in order. */
static void check_invariants(ps_analyzer_t *a, const char *text, size_t len)
{
    const ps_token_t *t;
    size_t n;
    assert_int_equal(ps_analyze(a, text, len, 0, &t, &n), PS_OK);
    uint32_t last_pos = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i].offset + t[i].length <= len);
        assert_true(t[i].length > 0);
        assert_int_equal(strlen(t[i].term), t[i].term_len);
        assert_int_equal(strlen(t[i].stem), t[i].stem_len);
        assert_true(t[i].term_len > 0);
        assert_true(t[i].term_len <= MAX_TERM_BYTES);
        if (t[i].flags & PS_TOK_COMPOUND) {
            assert_true(i + 2 < n);
            assert_int_equal(t[i + 1].pos, t[i].pos);
            assert_true(t[i + 1].flags & PS_TOK_PART);
            assert_string_equal(t[i].stem, t[i].term);
            assert_true(t[i].pos > last_pos);
        } else {
            assert_true(t[i].pos > last_pos);
            last_pos = t[i].pos;
        }
        char *norm;
        size_t nlen;
        assert_int_equal(ps_normalize(t[i].term, t[i].term_len, &norm, &nlen),
                         PS_OK);
        assert_string_equal(norm, t[i].term);
        free(norm);
        if (!(t[i].flags & (PS_TOK_COMPOUND | PS_TOK_NUMBER))) {
            char term[256], stem[256];
            snprintf(term, sizeof(term), "%s", t[i].term);
            snprintf(stem, sizeof(stem), "%s", t[i].stem);
            /* ps_analyzer_stem() leaves the tokens alone. */
            const char *s;
            size_t slen;
            assert_int_equal(ps_analyzer_stem(a, term, strlen(term), &s, &slen),
                             PS_OK);
            assert_string_equal(s, stem);
            assert_string_equal(t[i].stem, stem);
        }
    }
}

static char *read_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap + 1);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *p = realloc(buf, 2 * cap + 1);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static void test_corpus_invariants(void **state)
{
    const char *root = getenv("PSEARCH_ROOT");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/corpus", root ? root : ".");
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s: run from the repository root or set "
                 "PSEARCH_ROOT",
                 dir);
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 4 || strcmp(de->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        size_t len;
        char *text = read_file(path, &len);
        if (!text)
            fail_msg("cannot read %s", path);
        check_invariants(*state, text, len);
        free(text);
        files++;
    }
    closedir(d);
    if (files == 0)
        fail_msg("no corpus articles in %s", dir);
}

/* Random strings of awkward pieces: nothing may crash, and every token
 * must still obey the contract. */
static void test_garbage(void **state)
{
    static const char *const pieces[] = {
        "a",
        "B",
        "s",
        "'",
        "’",
        "‘",
        "ʼ",
        "-",
        "‐",
        ".",
        ",",
        "1",
        "0",
        " ",
        "\n",
        "é",
        "e\xcc\x81",
        "ß",
        "ﬁ",
        "\xc2\xad",
        "\xe2\x80\x8d",
        "\xef\xb8\x8f",
        "🧠",
        "Ⅻ",
        "“",
        "”",
        "!",
        ":",
        "U.S.",
        "ǅ",
        "İ",
        "\xe3\x85\xa4",
        "\xcc\x81",
        "＇",
        "Ω",
        "ΣΑΣ",
        "\0",
    };
    size_t np = sizeof(pieces) / sizeof(pieces[0]);
    char text[400];
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        while (len < sizeof(text) - 16) {
            seed = seed * 1103515245u + 12345u;
            size_t k = (seed >> 16) % np;
            size_t pl = k == np - 1 ? 1 : strlen(pieces[k]);
            memcpy(text + len, pieces[k], pl);
            len += pl;
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 40 == 0)
                break;
        }
        check_invariants(*state, text, len);
    }
}

static void test_normalize(void **state)
{
    (void)state;
    char *out;
    size_t n;
    const char *in = "“Aren’t” ﬁne ＡＢＣ «x» ʼokina";
    assert_int_equal(ps_normalize(in, strlen(in), &out, &n), PS_OK);
    assert_string_equal(out, "\"aren't\" fine abc \"x\" 'okina");
    assert_int_equal(n, strlen(out));
    free(out);
    assert_int_equal(ps_normalize("", 0, &out, &n), PS_OK);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    free(out);
    assert_int_equal(ps_normalize(NULL, 0, &out, NULL), PS_OK);
    free(out);
    assert_int_equal(ps_normalize("x", 1, NULL, NULL), PS_EINVAL);
}

static void test_reuse(void **state)
{
    ps_analyzer_t *a = *state;
    size_t n1, n2;
    const ps_token_t *t = run(a, "first call here", &n1);
    assert_int_equal(n1, 3);
    t = run(a, "Second", &n2);
    assert_int_equal(n2, 1);
    assert_string_equal(t[0].term, "second");
    assert_int_equal(t[0].pos, 1);
    assert_int_equal(t[0].flags, FIRST | CAP);
}

/* Each word of Snowball's English vocabulary must stem exactly as in
 * Snowball's own expected output. Twice, so that the second pass runs
 * through the analyzer's stem cache. */
static void test_snowball_vocabulary(void **state)
{
    ps_analyzer_t *a = *state;
    static const char voc_path[] = "/usr/share/snowball/data/english/voc.txt";
    static const char out_path[] =
        "/usr/share/snowball/data/english/output.txt";
    for (int pass = 0; pass < 2; pass++) {
        FILE *voc = fopen(voc_path, "r");
        FILE *out = fopen(out_path, "r");
        if (!voc || !out)
            fail_msg("cannot open %s or %s: install the Debian package "
                     "snowball-data (make deps)",
                     voc_path, out_path);
        char *w = NULL, *e = NULL;
        size_t wcap = 0, ecap = 0;
        ssize_t wl, el;
        long words = 0, bad = 0;
        while ((wl = getline(&w, &wcap, voc)) > 0) {
            el = getline(&e, &ecap, out);
            if (el <= 0)
                fail_msg("%s is shorter than %s", out_path, voc_path);
            w[strcspn(w, "\r\n")] = '\0';
            e[strcspn(e, "\r\n")] = '\0';
            const char *s;
            size_t slen;
            assert_int_equal(ps_analyzer_stem(a, w, strlen(w), &s, &slen),
                             PS_OK);
            if (strcmp(s, e) != 0 || slen != strlen(e)) {
                if (bad < 5)
                    print_error("stem(\"%s\") = \"%s\", want \"%s\"\n", w, s,
                                e);
                bad++;
            }
            words++;
        }
        free(w);
        free(e);
        fclose(voc);
        fclose(out);
        assert_int_equal(bad, 0);
        assert_int_equal(words, 29417);
    }
}

/* Fails the first, second, third... allocation of a whole analysis in
 * turn: each run must end in PS_OK or PS_ENOMEM, never in a crash or a
 * leak, and the analyzer must work again afterwards. */
static void test_out_of_memory(void **state)
{
    (void)state;
#ifdef HAVE_ASAN
    print_message("out-of-memory test skipped under AddressSanitizer\n");
    skip();
#endif
    const char *text = "The Mar-a-Lago summit: “aren’t” ÉCOLE ﬁnance "
                       "U.S.-led 800,000-strong Ukraine’s naïve Straße "
                       "unbelievably interesting words";
    bool succeeded = false;
    long nomem = 0;
    for (long k = 0; k < 100000 && !succeeded; k++) {
        ps_analyzer_t *a = NULL;
        alloc_failures = 0;
        fail_countdown = k;
        ps_status_t st = ps_analyzer_new(&a);
        if (st == PS_OK) {
            const ps_token_t *t;
            size_t n;
            st = ps_analyze(a, text, strlen(text), 0, &t, &n);
            if (st == PS_OK) {
                const char *s;
                size_t sl;
                st = ps_analyzer_stem(a, "generously", 10, &s, &sl);
            }
            if (st == PS_OK) {
                char *norm;
                st = ps_normalize(text, strlen(text), &norm, NULL);
                if (st == PS_OK)
                    free(norm);
            }
        } else {
            assert_null(a);
        }
        fail_countdown = -1;
        if (st != PS_OK && st != PS_ENOMEM)
            fail_msg("allocation %ld failed: got %s", k, ps_status_name(st));
        if (st == PS_ENOMEM)
            nomem++;
        if (st == PS_OK && alloc_failures == 0)
            succeeded = true;
        if (a) {
            /* The analyzer must still work once memory is back. */
            const ps_token_t *t;
            size_t n;
            assert_int_equal(ps_analyze(a, text, strlen(text), 0, &t, &n),
                             PS_OK);
            assert_int_equal(n, 21);
            ps_analyzer_free(a);
        }
    }
    assert_true(succeeded);
    /* Proof that the interposed allocator is the one in use: the
     * analyzer allocates in at least its token array, pool, units, code
     * point buffer and stem cache, and the stemmer in its own. */
    print_message("%ld allocations failed in turn\n", nomem);
    assert_true(nomem >= 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_possessive),
        cmocka_unit_test(test_apostrophes),
        cmocka_unit_test(test_compounds),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_nfkc),
        cmocka_unit_test(test_casefold),
        cmocka_unit_test(test_multibyte_offsets),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_stop_words_kept),
        cmocka_unit_test(test_long_tokens),
        cmocka_unit_test(test_corpus_invariants),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_snowball_vocabulary),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
