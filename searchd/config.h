/* The daemon's numeric settings: every limit and tunable, each a named
 * setting with a default, bounds, a command-line option and a help line.
 * One table (SD_SETTINGS) drives option parsing and --help (through
 * psearchd's option table, options.c) and the "limits" section of the
 * stats answer, so they cannot drift apart. */
#ifndef PSEARCHD_CONFIG_H
#define PSEARCHD_CONFIG_H

#include <stdint.h>
#include <stdio.h>

/* How a setting's value is written and shown. */
typedef enum {
    SD_UNIT_COUNT, /* a plain number */
    SD_UNIT_BYTES, /* bytes; the option takes a K, M or G suffix */
    SD_UNIT_MS,    /* milliseconds; the option takes seconds ("2", "0.5")
                      or an "ms" suffix ("200ms") */
} sd_unit_t;

/* X(ID, option, unit, default, min, max, is_limit, help line)
 * A new setting is one more row here: its option, --help lines and
 * completion follow (options.c); document it in contrib/man/psearchd.8,
 * which tests/T425-man-options.sh checks.
 * A limit (is_limit = 1) has a breach counter in stats; the others are
 * tunables. */
#define SD_SETTINGS(X)                                                         \
    X(MAX_REQUEST, "max-request-bytes", SD_UNIT_BYTES, 64u << 10, 64,          \
      64u << 20, 1, "longest request line, in bytes")                          \
    X(MAX_CLIENTS, "max-clients", SD_UNIT_COUNT, 256, 1, 65536, 1,             \
      "clients at once; more are refused with ETOOMANY")                       \
    X(IDLE_TIMEOUT, "idle-timeout", SD_UNIT_MS, 60000, 0, 86400000, 1,         \
      "close a connection idle this long (0: never)")                          \
    X(MAX_LIMIT, "max-limit", SD_UNIT_COUNT, 1000, 1, 1000000, 1,              \
      "largest \"limit\" of a search")                                         \
    X(MAX_OFFSET, "max-offset", SD_UNIT_COUNT, 100000, 0, 100000000, 1,        \
      "largest \"offset\" of a search")                                        \
    X(MAX_HITS, "max-hits", SD_UNIT_COUNT, 1000, 1, 1000000, 1,                \
      "largest \"max_hits\" (hit lines per result)")                           \
    X(MAX_FACETS, "max-facets", SD_UNIT_COUNT, 100, 1, 10000, 1,               \
      "largest number of facets per entity type")                              \
    X(QUERY_BUDGET, "query-budget", SD_UNIT_MS, 2000, 1, 600000, 1,            \
      "time budget of one search")                                             \
    X(MAX_OUTPUT, "max-output", SD_UNIT_BYTES, 8u << 20, 64u << 10, 1u << 30,  \
      1, "unread answers queued before a client is cut")                       \
    X(THREADS, "threads", SD_UNIT_COUNT, 4, 1, 256, 0,                         \
      "threads running searches (libuv's thread pool)")                        \
    X(REOPEN_INTERVAL, "reopen-interval", SD_UNIT_MS, 200, 0, 3600000, 0,      \
      "how often workers look for a new index revision")                       \
    X(REMOTE_TIMEOUT, "remote-timeout", SD_UNIT_MS, 5000, 1, 600000, 0,        \
      "wait for a remote shard (connecting, then each answer)")                \
    X(CACHE_SIZE, "cache-size", SD_UNIT_BYTES, 64u << 20, 0,                   \
      (uint64_t)16 << 30, 0,                                                   \
      "bytes of encoded answers kept for repeated\n"                           \
      "searches (0: no cache)")

typedef enum {
#define SD_SETTING_ENUM(id, ...) SD_##id,
    SD_SETTINGS(SD_SETTING_ENUM)
#undef SD_SETTING_ENUM
        SD_SETTING__COUNT
} sd_setting_t;

/* The values in force, in the setting's unit (bytes, count or ms). */
typedef struct sd_config {
    uint64_t v[SD_SETTING__COUNT];
} sd_config_t;

/* Fills CFG with the defaults. */
void sd_config_defaults(sd_config_t *cfg);

/* The setting's option name ("max-clients"). */
const char *sd_config_name(sd_setting_t s);

/* Whether the setting is a limit with a breach counter. */
int sd_config_is_limit(sd_setting_t s);

/* Parses ARG as the value of setting S. Returns 0, or -1 with a message in
 * ERR. */
int sd_config_set(sd_config_t *cfg, sd_setting_t s, const char *arg, char *err,
                  size_t errlen);

/* Writes "(default 64K, 64..64M)": S's default and bounds, for --help. */
void sd_config_range(sd_setting_t s, char *buf, size_t len);

/* Writes V as it would be given on the command line ("64K", "1.5s"). */
void sd_config_format(sd_setting_t s, uint64_t v, char *buf, size_t len);

#endif
