/* Who answers psearch: the daemon, when one answers at all and serves the
 * index asked for, else the index opened directly. run_t holds what one
 * run opened on either side, for ask.c and for the clean-up. */
#ifndef PSEARCH_CLI_ROUTE_H
#define PSEARCH_CLI_ROUTE_H

#include <jansson.h>

#include "client.h"
#include "engine.h"
#include "options.h"

typedef struct run {
    const options_t *o;
    ps_db_t *db;         /* direct */
    const engine_t *eng; /* loaded with db */
    client_t *client;    /* through the daemon */
    int client_broken;   /* the connection lost step: stop using it */
    char *index_dir;
    char *socket_path;
} run_t;

enum { ROUTE_DIRECT, ROUTE_DAEMON, ROUTE_ERROR };

/* Decides who answers R's searches: ROUTE_DAEMON with R->client
 * connected, ROUTE_DIRECT, or ROUTE_ERROR after a message. */
int route_choose(run_t *r);

/* Opens the index for the direct path, once; 0, or -1 after a message. */
int route_open_direct(run_t *r);

/* Drops the connection to the daemon, to go direct instead. */
void route_drop_daemon(run_t *r);

/* Closes what R opened and frees its paths. */
void route_close(run_t *r);

/* Reports the daemon's error answer RESP on stderr. */
void route_daemon_error(const run_t *r, const json_t *resp);

#endif
