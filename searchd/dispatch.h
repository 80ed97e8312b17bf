/* psearchd's request dispatch: a request line in, an answer out. Parses
 * the line (request.c), answers ping on the loop, sends every other op to
 * the thread pool (worker.c) and the answer back on the connection, with
 * a log line and the stats counters. */
#ifndef PSEARCHD_DISPATCH_H
#define PSEARCHD_DISPATCH_H

#include <uv.h>

#include "config.h"
#include "conn.h"
#include "request.h"

/* What dispatch needs of the server; owned by it. */
typedef struct sd_dispatch {
    uv_loop_t *loop;
    const sd_config_t *cfg;
    sd_request_limits_t lim;
    const char *index_dir;   /* shown in stats */
    const char *socket_path; /* shown in stats; NULL before listening */
} sd_dispatch_t;

/* Sets D's limits from CFG. */
void sd_dispatch_init(sd_dispatch_t *d, uv_loop_t *loop, const sd_config_t *cfg,
                      const char *index_dir);

/* Answers the request LINE (LEN bytes, no newline) of connection C: at
 * once, or once its job is done (C is held meanwhile). */
void sd_dispatch_line(const sd_dispatch_t *d, sd_conn_t *c, const char *line,
                      size_t len);

#endif
