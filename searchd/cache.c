/* The LRU map behind psearchd's answer cache: a chained hash table
 * (XXH3 over the key bytes) whose entries are also on one doubly linked
 * list from the most to the least recently used, bounded by the bytes
 * the entries take. One mutex guards it, held only to find, link and
 * unlink entries: copying a value in, freeing evicted entries and copying
 * a value out all happen outside it, so a large answer never holds up
 * the other workers. */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

/* Values are reference counted so that a reader can copy one after the
 * lock is released even if another thread evicts its entry meanwhile. */
struct sd_cache_value {
    atomic_size_t refs;
    size_t len;
    char bytes[];
};

typedef struct entry {
    struct entry *chain;         /* the next entry of the same bucket */
    struct entry *newer, *older; /* the LRU list */
    uint64_t hash;
    size_t klen, cost;
    sd_cache_value_t *val; /* one reference held by the entry */
    unsigned char key[];
} entry_t;

#define FIRST_BUCKETS 64

struct sd_cache {
    pthread_mutex_t lock;
    size_t max_bytes;
    entry_t **buckets;
    size_t nbuckets;          /* a power of two */
    entry_t *newest, *oldest; /* ends of the LRU list */
    sd_cache_counters_t n;
};

sd_cache_t *sd_cache_new(size_t max_bytes)
{
    sd_cache_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->buckets = calloc(FIRST_BUCKETS, sizeof *c->buckets);
    if (!c->buckets || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->buckets);
        free(c);
        return NULL;
    }
    c->nbuckets = FIRST_BUCKETS;
    c->max_bytes = max_bytes;
    return c;
}

void sd_cache_value_release(sd_cache_value_t *v)
{
    if (v && atomic_fetch_sub_explicit(&v->refs, 1, memory_order_acq_rel) == 1)
        free(v);
}

const char *sd_cache_value_bytes(const sd_cache_value_t *v, size_t *len)
{
    *len = v->len;
    return v->bytes;
}

/* Frees a list of entries linked through "chain", outside the lock. */
static void free_chain(entry_t *e)
{
    while (e) {
        entry_t *next = e->chain;
        sd_cache_value_release(e->val);
        free(e);
        e = next;
    }
}

static uint64_t hash_key(const void *key, size_t klen)
{
    return XXH3_64bits(key, klen);
}

/* The link that points at the entry with KEY, or at the NULL ending its
 * bucket's chain when the key is not there. Lock held. */
static entry_t **find(sd_cache_t *c, uint64_t hash, const void *key,
                      size_t klen)
{
    entry_t **p = &c->buckets[hash & (c->nbuckets - 1)];
    while (*p && !((*p)->hash == hash && (*p)->klen == klen &&
                   memcmp((*p)->key, key, klen) == 0))
        p = &(*p)->chain;
    return p;
}

static void lru_remove(sd_cache_t *c, entry_t *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(sd_cache_t *c, entry_t *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
}

/* Takes E out of the table and the list; its memory is the caller's.
 * Lock held. */
static void unlink_entry(sd_cache_t *c, entry_t *e)
{
    entry_t **p = find(c, e->hash, e->key, e->klen);
    *p = e->chain;
    lru_remove(c, e);
    c->n.bytes -= e->cost;
    c->n.entries--;
}

/* Doubles the table once it holds more entries than buckets, so chains
 * stay short. Without memory for it the chains just grow longer. Lock
 * held. */
static void maybe_grow(sd_cache_t *c)
{
    if (c->n.entries < c->nbuckets ||
        c->nbuckets > SIZE_MAX / 2 / sizeof(entry_t *))
        return;
    size_t n = c->nbuckets * 2;
    entry_t **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < c->nbuckets; i++) {
        entry_t *e = c->buckets[i];
        while (e) {
            entry_t *next = e->chain;
            entry_t **slot = &b[e->hash & (n - 1)];
            e->chain = *slot;
            *slot = e;
            e = next;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

sd_cache_value_t *sd_cache_get(sd_cache_t *c, const void *key, size_t klen)
{
    uint64_t h = hash_key(key, klen);
    sd_cache_value_t *v = NULL;
    pthread_mutex_lock(&c->lock);
    entry_t *e = *find(c, h, key, klen);
    if (e) {
        lru_remove(c, e);
        lru_push(c, e);
        v = e->val;
        atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
        c->n.hits++;
    } else {
        c->n.misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return v;
}

ps_status_t sd_cache_put(sd_cache_t *c, const void *key, size_t klen,
                         const void *val, size_t vlen)
{
    size_t limit = c->max_bytes / 8;
    size_t overhead = sizeof(entry_t) + sizeof(sd_cache_value_t);
    if (limit < overhead || klen > limit || vlen > limit ||
        klen + vlen > limit - overhead)
        return PS_ETOOBIG;
    entry_t *e = malloc(sizeof *e + klen);
    sd_cache_value_t *v = malloc(sizeof *v + vlen);
    if (!e || !v) {
        free(e);
        free(v);
        return PS_ENOMEM;
    }
    atomic_init(&v->refs, 1);
    v->len = vlen;
    memcpy(v->bytes, val, vlen);
    memcpy(e->key, key, klen);
    e->klen = klen;
    e->hash = hash_key(key, klen);
    e->cost = overhead + klen + vlen;
    e->val = v;

    entry_t *dead = NULL; /* freed once the lock is released */
    pthread_mutex_lock(&c->lock);
    maybe_grow(c);
    entry_t **p = find(c, e->hash, key, klen);
    if (*p) {
        entry_t *old = *p;
        unlink_entry(c, old);
        old->chain = dead;
        dead = old;
        p = find(c, e->hash, key, klen);
    }
    e->chain = *p;
    *p = e;
    lru_push(c, e);
    c->n.bytes += e->cost;
    c->n.entries++;
    c->n.insertions++;
    /* The new entry is at most an eighth of the bound, so the oldest is
     * never the new one while the bound is exceeded. */
    while (c->n.bytes > c->max_bytes && c->oldest != e) {
        entry_t *victim = c->oldest;
        unlink_entry(c, victim);
        victim->chain = dead;
        dead = victim;
        c->n.evictions++;
    }
    pthread_mutex_unlock(&c->lock);
    free_chain(dead);
    return PS_OK;
}

void sd_cache_flush(sd_cache_t *c)
{
    pthread_mutex_lock(&c->lock);
    entry_t *all = c->newest;
    memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
    c->newest = c->oldest = NULL;
    c->n.bytes = 0;
    c->n.entries = 0;
    pthread_mutex_unlock(&c->lock);
    /* Relink the detached list through "chain" for free_chain(). */
    for (entry_t *e = all; e; e = e->older)
        e->chain = e->older;
    free_chain(all);
}

void sd_cache_counters(sd_cache_t *c, sd_cache_counters_t *out)
{
    pthread_mutex_lock(&c->lock);
    *out = c->n;
    pthread_mutex_unlock(&c->lock);
}

void sd_cache_free(sd_cache_t *c)
{
    if (!c)
        return;
    sd_cache_flush(c);
    pthread_mutex_destroy(&c->lock);
    free(c->buckets);
    free(c);
}
