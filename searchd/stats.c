/* The counters behind psearchd's stats op. Most are touched only by the
 * loop thread and need no care; the few that worker threads bump are
 * relaxed atomics, since they are only ever read as a snapshot. */
#include "stats.h"

#include <stdatomic.h>
#include <time.h>

static struct {
    uint64_t start_ns;
    uint64_t clients, clients_total, clients_peak;
    uint64_t requests[SD_OP__COUNT];
    uint64_t errors[SD_CODE__COUNT];
    uint64_t limits[SD_SETTING__COUNT];
    uint64_t bytes_in, bytes_out;
    uint64_t on_loop; /* requests a lone client had run on the loop thread */
    atomic_uint_fast64_t db_opens, db_open_failures;
    atomic_uint_fast64_t reopens, reopen_changes, reopen_failures;
    atomic_uint_fast64_t reopen_ns, reopen_ns_max;
} st;

uint64_t sd_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sd_stats_init(void)
{
    st.start_ns = sd_now_ns();
}

void sd_stats_client_open(void)
{
    st.clients++;
    st.clients_total++;
    if (st.clients > st.clients_peak)
        st.clients_peak = st.clients;
}

void sd_stats_client_close(void)
{
    st.clients--;
}

uint64_t sd_stats_clients(void)
{
    return st.clients;
}

void sd_stats_request(sd_op_t op)
{
    if ((unsigned)op < SD_OP__COUNT)
        st.requests[op]++;
}

void sd_stats_error(int code)
{
    if (code >= 0 && code < SD_CODE__COUNT)
        st.errors[code]++;
}

void sd_stats_limit(sd_setting_t s)
{
    if ((unsigned)s < SD_SETTING__COUNT)
        st.limits[s]++;
}

void sd_stats_bytes_in(size_t n)
{
    st.bytes_in += n;
}

void sd_stats_bytes_out(size_t n)
{
    st.bytes_out += n;
}

void sd_stats_on_loop(void)
{
    st.on_loop++;
}

void sd_stats_db_open(int ok)
{
    atomic_fetch_add_explicit(ok ? &st.db_opens : &st.db_open_failures, 1,
                              memory_order_relaxed);
}

void sd_stats_db_reopen(uint64_t ns, int changed, int ok)
{
    atomic_fetch_add_explicit(&st.reopens, 1, memory_order_relaxed);
    if (changed)
        atomic_fetch_add_explicit(&st.reopen_changes, 1, memory_order_relaxed);
    if (!ok)
        atomic_fetch_add_explicit(&st.reopen_failures, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st.reopen_ns, ns, memory_order_relaxed);
    uint64_t max =
        atomic_load_explicit(&st.reopen_ns_max, memory_order_relaxed);
    while (ns > max && !atomic_compare_exchange_weak_explicit(
                           &st.reopen_ns_max, &max, ns, memory_order_relaxed,
                           memory_order_relaxed))
        ;
}

static uint64_t load(atomic_uint_fast64_t *a)
{
    return atomic_load_explicit(a, memory_order_relaxed);
}

/* Adds KEY: N to O; returns nonzero on failure. */
static int put(json_t *o, const char *key, uint64_t n)
{
    return json_object_set_new(o, key, json_integer((json_int_t)n));
}

json_t *sd_stats_json(const sd_config_t *cfg, const sd_cache_counters_t *cache)
{
    json_t *o = json_object(), *clients = json_object(), *req = json_object(),
           *err = json_object(), *lim = json_object(), *db = json_object(),
           *ca = json_object();
    int bad = !o || !clients || !req || !err || !lim || !db || !ca;
    uint64_t total = 0;
    bad = bad || put(clients, "current", st.clients) ||
          put(clients, "total", st.clients_total) ||
          put(clients, "peak", st.clients_peak);
    for (int i = 0; i < SD_OP__COUNT && !bad; i++) {
        total += st.requests[i];
        bad = put(req, sd_op_name((sd_op_t)i), st.requests[i]);
    }
    bad = bad || put(req, "total", total) ||
          put(o, "requests_on_loop", st.on_loop);
    total = 0;
    for (int i = 0; i < SD_CODE__COUNT && !bad; i++) {
        total += st.errors[i];
        if (i != 0)
            bad = put(err, sd_code_name(i), st.errors[i]);
    }
    bad = bad || put(err, "total", total);
    for (int i = 0; i < SD_SETTING__COUNT && !bad; i++) {
        json_t *one = json_object();
        bad = !one || put(one, "value", cfg->v[i]) ||
              (sd_config_is_limit((sd_setting_t)i) &&
               put(one, "breaches", st.limits[i]));
        if (!bad)
            bad =
                json_object_set_new(lim, sd_config_name((sd_setting_t)i), one);
        else
            json_decref(one);
    }
    uint64_t reopens = load(&st.reopens);
    bad = bad || put(db, "opens", load(&st.db_opens)) ||
          put(db, "open_failures", load(&st.db_open_failures)) ||
          put(db, "reopens", reopens) ||
          put(db, "reopen_changes", load(&st.reopen_changes)) ||
          put(db, "reopen_failures", load(&st.reopen_failures)) ||
          put(db, "reopen_us_avg",
              reopens ? load(&st.reopen_ns) / reopens / 1000 : 0) ||
          put(db, "reopen_us_max", load(&st.reopen_ns_max) / 1000);
    bad = bad || put(ca, "hits", cache->hits) ||
          put(ca, "misses", cache->misses) ||
          put(ca, "insertions", cache->insertions) ||
          put(ca, "evictions", cache->evictions) ||
          put(ca, "bytes", cache->bytes) || put(ca, "entries", cache->entries);
    bad = bad || put(o, "uptime_s", (sd_now_ns() - st.start_ns) / 1000000000u);
    /* Set the sub-objects last, once, so that each is owned exactly once
     * whatever failed above. */
    bad = json_object_set_new(o, "clients", clients) || bad;
    bad = json_object_set_new(o, "requests", req) || bad;
    bad = json_object_set_new(o, "errors", err) || bad;
    bad = json_object_set_new(o, "limits", lim) || bad;
    bad = bad || put(o, "bytes_in", st.bytes_in) ||
          put(o, "bytes_out", st.bytes_out);
    bad = json_object_set_new(o, "db", db) || bad;
    bad = json_object_set_new(o, "cache", ca) || bad;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
