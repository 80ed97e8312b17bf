/* The command line's side of the daemon protocol: connect to psearchd's
 * Unix socket with a timeout, send one JSON request line, read one JSON
 * response line of bounded size. Nothing here knows what a search is. */
#ifndef PSEARCH_CLI_CLIENT_H
#define PSEARCH_CLI_CLIENT_H

#include <stddef.h>

#include <jansson.h>

/* The longest response line accepted, in bytes: a result page with every
 * snippet, hit and entity of ten large articles fits many times over, and
 * a daemon gone wrong cannot make the client eat all memory. */
#define CLIENT_MAX_RESPONSE (16u << 20)

typedef struct client client_t;

typedef enum {
    CLIENT_OK = 0,
    /* Nothing answered on the socket (no file, refused, connect timeout):
     * no request was sent, so the caller may safely go direct. */
    CLIENT_UNREACHABLE,
    /* A request was sent and something went wrong after: the daemon
     * closed, timed out or answered garbage. */
    CLIENT_FAILED,
} client_status_t;

/* Connects to the daemon at PATH, waiting at most CONNECT_MS for the
 * connection and READ_MS for each response. On CLIENT_OK *OUT is a handle
 * the caller frees with client_close(); otherwise ERR (ERRLEN bytes) says
 * why. */
client_status_t client_connect(const char *path, int connect_ms, int read_ms,
                               client_t **out, char *err, size_t errlen);

/* Sends REQ (a JSON object; an "id" is added to it) and reads the one
 * response line that answers it. On CLIENT_OK *RESP is the parsed response
 * object, "id" removed, which the caller releases with json_decref(); it
 * may be {"ok":false,...}. Otherwise ERR says what went wrong. */
client_status_t client_call(client_t *c, json_t *req, json_t **resp, char *err,
                            size_t errlen);

/* Closes the connection. NULL is allowed. */
void client_close(client_t *c);

#endif
