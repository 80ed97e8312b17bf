/* The search engine, loaded only when psearch searches by itself. Most
 * runs ask the daemon, and then loading Xapian and the C++ runtime would
 * be most of the time a query takes: the engine lives in a shared object
 * (libpsearch-engine.so) that engine_load() opens on first use. */
#ifndef PSEARCH_CLI_ENGINE_H
#define PSEARCH_CLI_ENGINE_H

#include <stddef.h>

#include "psearch/search.h"

/* The library calls psearch makes on its direct path. */
typedef struct engine {
    ps_status_t (*db_open_opts)(const char *dir, const ps_db_opts_t *opts,
                                ps_db_t **out, char **errmsg);
    void (*db_close)(ps_db_t *db);
    const char *(*db_errmsg)(const ps_db_t *db);
    ps_status_t (*search)(ps_db_t *db, const ps_search_opts_t *opts,
                          json_t **out, size_t *errpos);
    ps_status_t (*db_document)(ps_db_t *db, const char *path, unsigned from,
                               unsigned to, json_t **out);
    ps_status_t (*db_entities)(ps_db_t *db, const char *path, json_t **out);
    ps_status_t (*db_quotes)(ps_db_t *db, const char *path, json_t **out);
} engine_t;

/* The engine, loaded on the first call and kept until exit; NULL with a
 * message on stderr when it cannot be found or loaded. It is looked for
 * next to the program (the build tree's build/, or an installed
 * ../lib/psearch/), then where `make install` puts it. */
const engine_t *engine_load(void);

#endif
