/* The analyzer's stemming: Snowball's English stemmer behind a cache of
 * the stems of short words, one a thread, and ps_analyzer_stem(), which
 * gives callers (the query parser, the tagger) the very stems the index
 * holds. */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "psearch/analyzer.h"
#include "text/text_private.h"
#include "base/util.h"

/* Snowball leaves words of fewer than three characters alone, so those
 * never reach the stemmer. Most other words repeat (Zipf), so stems are
 * remembered in a direct-mapped cache of short words. The cache belongs
 * to the thread, not to the analyzer: the indexer gives each of its job
 * slots analyzers of their own, and one cache an analyzer saw a quarter
 * of a worker's words and missed 23% of the bench slice's 1.4 million
 * look-ups; one 64K-slot cache (3 MB) a thread misses little more than
 * the vocabulary. */
#define STEM_MIN 3
#define CACHE_SLOTS 65536
#define CACHE_WORD 22

struct cache_slot {
    uint8_t tlen; /* 0 for an empty slot */
    uint8_t slen;
    char term[CACHE_WORD];
    char stem[CACHE_WORD];
};

ps_status_t ps__text_stem_open(ps_analyzer_t *a)
{
    /* sb_stemmer_new() returns NULL for an unknown language or out of
     * memory; "english" is always built in, so NULL means memory. */
    a->stemmer = sb_stemmer_new("english", "UTF_8");
    return a->stemmer ? PS_OK : PS_ENOMEM;
}

void ps__text_stem_close(ps_analyzer_t *a)
{
    if (a->stemmer)
        sb_stemmer_delete(a->stemmer);
}

/* The key whose destructor frees a thread's cache when the thread ends. */
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;

static void make_cache_key(void)
{
    cache_key_ok = pthread_key_create(&cache_key, free) == 0;
}

/* The calling thread's cache, made on first use; NULL when memory is
 * short, and stemming goes on without one. */
static struct cache_slot *thread_cache(void)
{
    static _Thread_local struct cache_slot *cache;
    static _Thread_local bool tried;
    if (!cache && !tried) {
        tried = true;
        pthread_once(&cache_once, make_cache_key);
        if (!cache_key_ok)
            return NULL;
        cache = calloc(CACHE_SLOTS, sizeof(*cache));
        if (cache && pthread_setspecific(cache_key, cache) != 0) {
            free(cache);
            cache = NULL;
        }
    }
    return cache;
}

/* FNV-1a: a word's slot in the cache. */
static inline uint32_t hash_word(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)w[i]) * 16777619u;
    return h;
}

ps_status_t ps__text_stem(ps_analyzer_t *a, const char *w, size_t n,
                          const char **out, size_t *out_len)
{
    if (n < STEM_MIN) {
        *out = w;
        *out_len = n;
        return PS_OK;
    }
    struct cache_slot *slot = NULL, *cache;
    if (n <= CACHE_WORD && (cache = thread_cache())) {
        slot = &cache[hash_word(w, n) & (CACHE_SLOTS - 1)];
        if (slot->tlen == n && memcmp(slot->term, w, n) == 0) {
            *out = slot->stem;
            *out_len = slot->slen;
            return PS_OK;
        }
    }
    if (n > INT_MAX)
        return PS_EINVAL;
    const sb_symbol *r =
        sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, (int)n);
    if (!r)
        return PS_ENOMEM;
    int rn = sb_stemmer_length(a->stemmer);
    if (slot && rn <= CACHE_WORD) {
        slot->tlen = (uint8_t)n;
        slot->slen = (uint8_t)rn;
        memcpy(slot->term, w, n);
        memcpy(slot->stem, r, (size_t)rn);
    }
    *out = (const char *)r;
    *out_len = (size_t)rn;
    return PS_OK;
}

PS_EXPORT ps_status_t ps_analyzer_stem(ps_analyzer_t *a, const char *word,
                                       size_t len, const char **out,
                                       size_t *out_len)
{
    if (!a || !out || !out_len || (!word && len > 0))
        return PS_EINVAL;
    const char *r;
    size_t rn;
    ps_status_t st = ps__text_stem(a, word ? word : "", len, &r, &rn);
    if (st != PS_OK)
        return st;
    if (ps__grow(&a->sbuf, &a->sbuf_cap, rn + 1, 1))
        return PS_ENOMEM;
    memmove(a->sbuf, r, rn);
    a->sbuf[rn] = '\0';
    *out = a->sbuf;
    *out_len = rn;
    return PS_OK;
}
