/* Unit tests of psearchd's answer cache (searchd/cache.h): lookups and
 * their counters, the order in which entries are forgotten, the byte
 * bound, the refusal of entries over an eighth of it, replacing a key,
 * flushing, values that outlive their entry, and many threads at once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cache.h"

/* Every key of these tests is "k" and a number, every value as long. */
#define VLEN 100

static void key_of(int i, char *buf, size_t len)
{
    snprintf(buf, len, "k%04d", i);
}

static ps_status_t put_n(sd_cache_t *c, int i, char fill)
{
    char k[16], v[VLEN];
    key_of(i, k, sizeof k);
    memset(v, fill, sizeof v);
    return sd_cache_put(c, k, strlen(k), v, sizeof v);
}

/* Whether key I is there; a lookup, so it also makes the entry the most
 * recently used. */
static int has(sd_cache_t *c, int i)
{
    char k[16];
    key_of(i, k, sizeof k);
    sd_cache_value_t *v = sd_cache_get(c, k, strlen(k));
    sd_cache_value_release(v);
    return v != NULL;
}

/* What one entry of these tests costs against the bound, bookkeeping
 * included, as the cache itself counts it. */
static uint64_t entry_cost(void)
{
    sd_cache_t *c = sd_cache_new(1 << 20);
    assert_non_null(c);
    assert_int_equal(put_n(c, 0, 'x'), PS_OK);
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    sd_cache_free(c);
    assert_true(n.bytes >= 5 + VLEN);
    return n.bytes;
}

static void test_get_and_counters(void **state)
{
    (void)state;
    sd_cache_t *c = sd_cache_new(1 << 20);
    assert_non_null(c);
    assert_null(sd_cache_get(c, "nope", 4));
    assert_int_equal(sd_cache_put(c, "key", 3, "value", 5), PS_OK);
    /* A key is its bytes: a prefix or a longer key is another key. */
    assert_null(sd_cache_get(c, "ke", 2));
    assert_null(sd_cache_get(c, "key\0", 4));
    sd_cache_value_t *v = sd_cache_get(c, "key", 3);
    assert_non_null(v);
    size_t len;
    const char *b = sd_cache_value_bytes(v, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(b, "value", 5);
    sd_cache_value_release(v);
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    assert_int_equal(n.hits, 1);
    assert_int_equal(n.misses, 3);
    assert_int_equal(n.insertions, 1);
    assert_int_equal(n.evictions, 0);
    assert_int_equal(n.entries, 1);
    assert_true(n.bytes >= 8);
    sd_cache_free(c);
}

static void test_lru_order(void **state)
{
    (void)state;
    uint64_t cost = entry_cost();
    sd_cache_t *c = sd_cache_new((size_t)(10 * cost)); /* ten entries */
    assert_non_null(c);
    for (int i = 0; i < 10; i++)
        assert_int_equal(put_n(c, i, 'a'), PS_OK);
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    assert_int_equal(n.entries, 10);
    assert_int_equal(n.evictions, 0);
    assert_int_equal(n.bytes, 10 * cost);

    /* 0 is used again, so 1 is now the least recently used. */
    assert_true(has(c, 0));
    assert_int_equal(put_n(c, 10, 'a'), PS_OK);
    assert_false(has(c, 1));
    assert_true(has(c, 0));
    /* Then 2, and so on in the order of use. */
    assert_int_equal(put_n(c, 11, 'a'), PS_OK);
    assert_false(has(c, 2));
    for (int i = 3; i <= 11; i++)
        assert_true(has(c, i));
    /* Now 0 is the oldest use. */
    assert_int_equal(put_n(c, 12, 'a'), PS_OK);
    assert_false(has(c, 0));
    assert_true(has(c, 3));

    sd_cache_counters(c, &n);
    assert_int_equal(n.entries, 10);
    assert_int_equal(n.evictions, 3);
    assert_int_equal(n.insertions, 13);
    sd_cache_free(c);
}

static void test_byte_bound(void **state)
{
    (void)state;
    const size_t max = 64 << 10;
    sd_cache_t *c = sd_cache_new(max);
    assert_non_null(c);
    char k[32], *v = malloc(max / 8);
    assert_non_null(v);
    /* Entries of many sizes, up to the largest allowed: the bound always
     * holds, and the entries counted are the entries there. */
    for (int i = 0; i < 2000; i++) {
        size_t vlen = (size_t)(i * 7919) % (max / 8 - 256);
        memset(v, 'a' + i % 26, vlen);
        snprintf(k, sizeof k, "key %d", i);
        assert_int_equal(sd_cache_put(c, k, strlen(k), v, vlen), PS_OK);
        sd_cache_counters_t n;
        sd_cache_counters(c, &n);
        assert_true(n.bytes <= max);
        assert_true(n.entries >= 1);
        assert_int_equal(n.insertions, (uint64_t)i + 1);
        assert_int_equal(n.entries + n.evictions, n.insertions);
    }
    /* The newest entry is always kept, and whole. */
    sd_cache_value_t *got = sd_cache_get(c, k, strlen(k));
    assert_non_null(got);
    size_t len;
    const char *b = sd_cache_value_bytes(got, &len);
    assert_int_equal(len, (size_t)(1999 * 7919) % (max / 8 - 256));
    for (size_t j = 0; j < len; j++)
        assert_int_equal(b[j], 'a' + 1999 % 26);
    sd_cache_value_release(got);
    free(v);
    sd_cache_free(c);
}

static void test_oversize_refused(void **state)
{
    (void)state;
    uint64_t cost = entry_cost();
    /* An entry may take an eighth of the cache, not a byte more. */
    sd_cache_t *c = sd_cache_new((size_t)(8 * cost - 1));
    assert_non_null(c);
    assert_int_equal(put_n(c, 1, 'a'), PS_ETOOBIG);
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    assert_int_equal(n.entries, 0);
    assert_int_equal(n.bytes, 0);
    assert_int_equal(n.insertions, 0);
    assert_false(has(c, 1));
    sd_cache_free(c);

    c = sd_cache_new((size_t)(8 * cost));
    assert_non_null(c);
    assert_int_equal(put_n(c, 1, 'a'), PS_OK);
    assert_true(has(c, 1));
    /* A refused value leaves what was there under its key. */
    char big[8 * VLEN];
    memset(big, 'b', sizeof big);
    assert_int_equal(sd_cache_put(c, "k0001", 5, big, sizeof big), PS_ETOOBIG);
    sd_cache_value_t *v = sd_cache_get(c, "k0001", 5);
    assert_non_null(v);
    size_t len;
    assert_int_equal(sd_cache_value_bytes(v, &len)[0], 'a');
    assert_int_equal(len, VLEN);
    sd_cache_value_release(v);
    /* Sizes near SIZE_MAX do not wrap around the check. */
    assert_int_equal(sd_cache_put(c, "k", 1, big, SIZE_MAX), PS_ETOOBIG);
    sd_cache_free(c);

    /* A cache too small for any entry refuses them all. */
    c = sd_cache_new(16);
    assert_non_null(c);
    assert_int_equal(sd_cache_put(c, "k", 1, "v", 1), PS_ETOOBIG);
    sd_cache_free(c);
}

static void test_replace(void **state)
{
    (void)state;
    sd_cache_t *c = sd_cache_new(1 << 20);
    assert_non_null(c);
    assert_int_equal(sd_cache_put(c, "k", 1, "old", 3), PS_OK);
    sd_cache_counters_t n1, n2;
    sd_cache_counters(c, &n1);
    /* A reader holding the old value keeps it intact. */
    sd_cache_value_t *old = sd_cache_get(c, "k", 1);
    assert_non_null(old);
    assert_int_equal(sd_cache_put(c, "k", 1, "newer", 5), PS_OK);
    sd_cache_counters(c, &n2);
    assert_int_equal(n2.entries, 1);
    assert_int_equal(n2.bytes, n1.bytes + 2);
    assert_int_equal(n2.insertions, 2);
    assert_int_equal(n2.evictions, 0);
    size_t len;
    const char *b = sd_cache_value_bytes(old, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(b, "old", 3);
    sd_cache_value_release(old);
    sd_cache_value_t *v = sd_cache_get(c, "k", 1);
    assert_non_null(v);
    b = sd_cache_value_bytes(v, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(b, "newer", 5);
    sd_cache_value_release(v);
    sd_cache_free(c);
}

static void test_flush(void **state)
{
    (void)state;
    sd_cache_t *c = sd_cache_new(1 << 20);
    assert_non_null(c);
    for (int i = 0; i < 300; i++) /* enough to grow the table */
        assert_int_equal(put_n(c, i, 'f'), PS_OK);
    sd_cache_value_t *held = sd_cache_get(c, "k0007", 5);
    assert_non_null(held);
    sd_cache_flush(c);
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    assert_int_equal(n.entries, 0);
    assert_int_equal(n.bytes, 0);
    assert_int_equal(n.insertions, 300);
    for (int i = 0; i < 300; i++)
        assert_false(has(c, i));
    /* The value a reader held survives the flush until it is released. */
    size_t len;
    const char *b = sd_cache_value_bytes(held, &len);
    assert_int_equal(len, VLEN);
    assert_int_equal(b[0], 'f');
    assert_int_equal(b[VLEN - 1], 'f');
    sd_cache_value_release(held);
    /* The cache works on after a flush. */
    assert_int_equal(put_n(c, 5, 'g'), PS_OK);
    assert_true(has(c, 5));
    /* A value held when the cache is freed outlives it too. */
    held = sd_cache_get(c, "k0005", 5);
    assert_non_null(held);
    sd_cache_free(c);
    assert_int_equal(sd_cache_value_bytes(held, &len)[0], 'g');
    sd_cache_value_release(held);
}

/* Threads putting, getting and flushing at once on a cache too small for
 * their keys, each checking that every value it reads is the one for its
 * key. Under the sanitizers this also checks that values are freed once,
 * and only when nobody holds them. */
#define THREADS 4
#define ROUNDS 20000

typedef struct worker_arg {
    sd_cache_t *c;
    unsigned seed;
    int bad;
} worker_arg_t;

static void *hammer(void *p)
{
    worker_arg_t *a = p;
    char k[16], v[64];
    for (int r = 0; r < ROUNDS; r++) {
        a->seed = a->seed * 1103515245u + 12345u;
        int i = (int)((a->seed >> 8) % 200);
        key_of(i, k, sizeof k);
        size_t vlen = 1 + (size_t)i % sizeof v;
        if ((a->seed >> 4) % 3 == 0) {
            memset(v, 'A' + i % 26, vlen);
            if (sd_cache_put(a->c, k, strlen(k), v, vlen) != PS_OK)
                a->bad++;
        } else if ((a->seed >> 4) % 997 == 1) {
            sd_cache_flush(a->c);
        } else {
            sd_cache_value_t *got = sd_cache_get(a->c, k, strlen(k));
            if (got) {
                size_t len;
                const char *b = sd_cache_value_bytes(got, &len);
                if (len != vlen || b[0] != 'A' + i % 26 ||
                    b[len - 1] != 'A' + i % 26)
                    a->bad++;
                sd_cache_value_release(got);
            }
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    const size_t max = 8 << 10;
    sd_cache_t *c = sd_cache_new(max);
    assert_non_null(c);
    pthread_t t[THREADS];
    worker_arg_t a[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i] = (worker_arg_t){c, (unsigned)i * 7777u + 1u, 0};
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].bad, 0);
    }
    sd_cache_counters_t n;
    sd_cache_counters(c, &n);
    assert_true(n.bytes <= max);
    assert_true(n.hits > 0);
    assert_true(n.evictions > 0);
    sd_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_and_counters),
        cmocka_unit_test(test_lru_order),
        cmocka_unit_test(test_byte_bound),
        cmocka_unit_test(test_oversize_refused),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
