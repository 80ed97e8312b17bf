/* One client connection of psearchd: its socket, its bounded read buffer
 * cut into request lines, its bounded write queue, its idle timer and its
 * closing. The server (server.c) makes connections and keeps them in a
 * list; request dispatch (dispatch.c) is handed each request line through
 * the hooks and answers with sd_conn_send and sd_conn_error. A connection
 * knows neither: arrows run server -> conn, server -> dispatch,
 * dispatch -> conn. */
#ifndef PSEARCHD_CONN_H
#define PSEARCHD_CONN_H

#include <jansson.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"

typedef struct sd_conn sd_conn_t;

/* What a connection tells its owner, with CTX. */
typedef struct sd_conn_hooks {
    void *ctx;
    /* A complete request line (no newline); answered in order: no further
     * line is handed over while a job holds the connection. */
    void (*line)(void *ctx, sd_conn_t *c, const char *line, size_t len);
    /* C is closed (its memory goes once its handles have closed): take it
     * out of any list. */
    void (*closed)(void *ctx, sd_conn_t *c);
} sd_conn_hooks_t;

struct sd_conn {
    union {
        uv_handle_t h;
        uv_stream_t s;
        uv_pipe_t pipe;
        uv_tcp_t tcp;
    } io;
    uv_timer_t timer;
    uv_shutdown_t shutdown_req;
    const sd_config_t *cfg;
    const sd_conn_hooks_t *hooks;
    sd_conn_t *prev, *next; /* the owner's list */
    char name[96];          /* "client #3 (pid 12, uid 1000)", for logs */
    /* Unparsed input is buf[start, len); the buffer grows up to
     * max-request-bytes + 1, never further. */
    char *buf;
    size_t start, len, cap;
    int refs; /* two handles, plus one while a job is held */
    unsigned is_tcp : 1, reading : 1, in_flight : 1, discarding : 1, eof : 1,
        closing : 1, dead : 1, refused : 1, stopping : 1, pumping : 1;
};

/* A connection on LOOP, ready for uv_accept() into c->io.s; NULL when out
 * of memory. CFG and HOOKS are borrowed and must outlive it. */
sd_conn_t *sd_conn_new(uv_loop_t *loop, int is_tcp, const sd_config_t *cfg,
                       const sd_conn_hooks_t *hooks);

/* Names the accepted C for the log: "client #NUM" and its peer. */
void sd_conn_name_peer(sd_conn_t *c, uint64_t num);

/* Starts the accepted C: reading, and its idle timer. Closes it, with a
 * log line, when it cannot read. */
void sd_conn_start(sd_conn_t *c);

/* Queues LINE (malloc'ed, ending in '\n'; taken over) as an answer; an
 * answer over max-output is replaced by an ETOOLARGE error, and a client
 * whose unread answers pass max-output is cut off. */
void sd_conn_send(sd_conn_t *c, char *line, size_t len);

/* Sends an error answer (request.h's codes) with the request's ID (may
 * be NULL) and POSITION (-1: none). */
void sd_conn_error(sd_conn_t *c, json_t *id, int code, const char *msg,
                   long position);

/* Whether another request line of C waits in its buffer, already read:
 * the client is pipelining. */
int sd_conn_more_lines(const sd_conn_t *c);

/* A job for C went to the thread pool (or runs on the loop thread): hold
 * C (no further line is read out, and its memory stays) until
 * sd_conn_answered. */
void sd_conn_hold(sd_conn_t *c);

/* The held job's answer was sent (or C died meanwhile): goes on with the
 * next line, or finishes C when it was stopped, and drops the hold. */
void sd_conn_answered(sd_conn_t *c);

/* Closes C at once; pending writes are dropped. Idempotent. */
void sd_conn_close(sd_conn_t *c);

/* Closes C gracefully: what is queued is still sent. */
void sd_conn_finish(sd_conn_t *c);

/* The server stops: C finishes now, or after its job's answer. */
void sd_conn_stop(sd_conn_t *c);

/* How long a closing connection may take to read its last answer. */
#define SD_CLOSE_GRACE_MS 2000

#endif
