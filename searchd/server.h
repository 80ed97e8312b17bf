/* psearchd's server: the listeners, the accepted connections (conn.h)
 * and a graceful stop. The index is only ever touched through worker.h,
 * by request dispatch (dispatch.h). */
#ifndef PSEARCHD_SERVER_H
#define PSEARCHD_SERVER_H

#include <sys/socket.h>
#include <uv.h>

#include "config.h"

typedef struct sd_server sd_server_t;

/* Called once the server has stopped: every connection and listener is
 * closed. Jobs of clients that went away may still be finishing on the
 * thread pool; the loop runs until they have. */
typedef void (*sd_server_stopped_cb)(sd_server_t *srv, void *data);

/* A server on LOOP with the settings CFG (borrowed; must outlive it).
 * INDEX_DIR is only shown in stats. NULL when out of memory. */
sd_server_t *sd_server_new(uv_loop_t *loop, const sd_config_t *cfg,
                           const char *index_dir);

/* Binds the Unix socket PATH (mode 0600; prepared with endpoint.h) and
 * listens. Returns 0 or a negative libuv error, with a message in ERR. */
int sd_server_listen_unix(sd_server_t *srv, const char *path, char *err,
                          size_t errlen);

/* Binds ADDR and listens. Returns as sd_server_listen_unix(). */
int sd_server_listen_tcp(sd_server_t *srv, const struct sockaddr *addr,
                         char *err, size_t errlen);

/* Stops accepting, lets in-flight requests finish and send their answers,
 * then closes every connection (forcibly after a grace period) and calls
 * CB. Calling it again forces the remaining connections closed at once. */
void sd_server_stop(sd_server_t *srv, sd_server_stopped_cb cb, void *data);

/* Frees SRV, once the loop has stopped running. */
void sd_server_free(sd_server_t *srv);

#endif
