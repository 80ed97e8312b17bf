/* psearchd's answer cache: a thread-safe map from key bytes to value
 * bytes, bounded by the bytes it holds, that forgets the least recently
 * used entries first. It knows nothing of searches or JSON: the worker
 * decides what a key is and which answers may be kept (worker.c). */
#ifndef PSEARCHD_CACHE_H
#define PSEARCHD_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/common.h"

typedef struct sd_cache sd_cache_t;

/* A stored value, shared between the cache and the readers that looked it
 * up: an entry evicted while a reader copies it stays valid until that
 * reader releases it. */
typedef struct sd_cache_value sd_cache_value_t;

typedef struct sd_cache_counters {
    uint64_t hits, misses; /* lookups that found, or did not find, a key */
    uint64_t insertions;   /* values stored, replacements included */
    uint64_t evictions;    /* entries forgotten to make room */
    uint64_t bytes;        /* in use: keys, values and their bookkeeping */
    uint64_t entries;      /* in use */
} sd_cache_counters_t;

/* A cache holding at most MAX_BYTES (> 0) of entries, counted with their
 * bookkeeping. NULL when out of memory. Free it with sd_cache_free(). */
sd_cache_t *sd_cache_new(size_t max_bytes);

/* Frees C and every entry; values still held by readers live on until
 * released. C may be NULL. */
void sd_cache_free(sd_cache_t *c);

/* Looks up the KLEN bytes at KEY and makes the entry the most recently
 * used. Returns the value, which the caller reads with
 * sd_cache_value_bytes() and must release with sd_cache_value_release(),
 * or NULL when the key is not there. */
sd_cache_value_t *sd_cache_get(sd_cache_t *c, const void *key, size_t klen);

/* The bytes of V and their number in *LEN; valid until V is released. */
const char *sd_cache_value_bytes(const sd_cache_value_t *v, size_t *len);

/* Gives back a value that sd_cache_get() returned. */
void sd_cache_value_release(sd_cache_value_t *v);

/* Stores copies of KEY and VAL, replacing the value of a key already
 * there, and forgets least recently used entries until everything fits.
 * Returns PS_OK; PS_ETOOBIG when the entry would take more than an eighth
 * of the cache (a few huge answers must not push out every small one);
 * PS_ENOMEM. Nothing changes unless PS_OK is returned. */
ps_status_t sd_cache_put(sd_cache_t *c, const void *key, size_t klen,
                         const void *val, size_t vlen);

/* Forgets every entry. The counters are kept. */
void sd_cache_flush(sd_cache_t *c);

/* A consistent snapshot of C's counters. */
void sd_cache_counters(sd_cache_t *c, sd_cache_counters_t *out);

#endif
