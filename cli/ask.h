/* Asking for psearch's answers, of the daemon or of the index, in one
 * request shape so both give byte-identical results: the search, the
 * lines of a hit (render.c's fetch), and an article's entities. */
#ifndef PSEARCH_CLI_ASK_H
#define PSEARCH_CLI_ASK_H

#include <jansson.h>

#include "route.h"

/* One search as both paths run it. Building it once, and mapping it to
 * ps_search_opts_t the way psearchd does, is what makes the daemon and
 * the index give byte-identical answers. */
typedef struct request {
    int facets_op; /* totals and facets only: the daemon's "facets" op */
    unsigned limit, offset, max_hits, facets;
    int lines; /* the hit lines' text comes with the results */
} request_t;

/* The request the options O ask for. */
request_t ask_request(const options_t *o);

/* Runs Q on the side ROUTE names, falling back to the index when the
 * daemon is too busy to read it. Returns the result (ps_search()'s
 * object, released by the caller), or NULL after a message. */
json_t *ask_search(run_t *r, int route, const request_t *q);

/* render_fetch_fn over a run_t: lines FROM..TO of PATH, from the index,
 * the daemon, or else the file on disk. */
json_t *ask_lines(void *run, const char *path, unsigned from, unsigned to);

/* --entities PATH: the article's entities as a JSON array (released by
 * the caller), or NULL after a message. *MISSING is set when PATH is not
 * indexed. *QUOTES gets its attributions, an array the caller releases
 * (or NULL). */
json_t *ask_entities(run_t *r, int route, const char *path, int *missing,
                     json_t **quotes);

#endif
