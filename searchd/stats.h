/* psearchd's counters, reported by the stats op: clients, requests by op,
 * errors by code, breaches of every limit, bytes, the workers' index
 * opens and reopens, and the answer cache's. Counters bumped by worker
 * threads are atomics; the others belong to the loop thread; the cache
 * keeps its own, under its lock. */
#ifndef PSEARCHD_STATS_H
#define PSEARCHD_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cache.h"
#include "config.h"
#include "request.h"

/* Starts the uptime clock. Called once, on the loop thread. */
void sd_stats_init(void);

/* Loop thread only. */
void sd_stats_client_open(void);
void sd_stats_client_close(void);
void sd_stats_request(sd_op_t op);
void sd_stats_error(int code);
void sd_stats_limit(sd_setting_t s);
void sd_stats_bytes_in(size_t n);
void sd_stats_bytes_out(size_t n);
void sd_stats_on_loop(void);
uint64_t sd_stats_clients(void);

/* Any thread. */
void sd_stats_db_open(int ok);
void sd_stats_db_reopen(uint64_t ns, int changed, int ok);

/* Monotonic nanoseconds, for every duration the daemon measures. */
uint64_t sd_now_ns(void);

/* A new JSON object with every counter, under "limits" every setting of
 * CFG with its breach count, and under "cache" the counters CACHE of the
 * answer cache. Loop thread; NULL when out of memory. */
json_t *sd_stats_json(const sd_config_t *cfg, const sd_cache_counters_t *cache);

#endif
