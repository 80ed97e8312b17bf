/* The request half of psearchd's JSON Lines protocol: the operations, the
 * error codes, and a pure parser from the bytes of one line to a request
 * or an error. No I/O and no libuv, so it can be fuzzed on its own. */
#ifndef PSEARCHD_REQUEST_H
#define PSEARCHD_REQUEST_H

#include <stddef.h>

#include <jansson.h>

#include "psearch/common.h"

/* X(ID, name on the wire) */
#define SD_OPS(X)                                                              \
    X(SEARCH, "search")                                                        \
    X(FACETS, "facets")                                                        \
    X(DOC, "doc")                                                              \
    X(STATS, "stats")                                                          \
    X(PING, "ping")                                                            \
    X(RELOAD, "reload")

typedef enum {
#define SD_OP_ENUM(id, name) SD_OP_##id,
    SD_OPS(SD_OP_ENUM)
#undef SD_OP_ENUM
        SD_OP__COUNT
} sd_op_t;

const char *sd_op_name(sd_op_t op);

/* Error codes on the wire. The engine's statuses keep their
 * ps_status_name() (EBADQUERY, ENOTFOUND, ETIMEOUT, EBADUTF8...); the
 * protocol adds its own after them. X(ID, message) */
#define SD_PROTO_ERRORS(X)                                                     \
    X(EPARSE, "the request is not valid JSON")                                 \
    X(EBADREQ, "a field is missing or of the wrong type")                      \
    X(EUNKNOWNOP, "unknown operation")                                         \
    X(ETOOLARGE, "the request is too large")                                   \
    X(ETOOMANY, "too many clients")                                            \
    X(ELIMIT, "a value is over its limit")

typedef enum {
    SD__PS_LAST = PS_STATUS__COUNT - 1,
#define SD_CODE_ENUM(id, msg) SD_##id,
    SD_PROTO_ERRORS(SD_CODE_ENUM)
#undef SD_CODE_ENUM
        SD_CODE__COUNT
} sd_code_t;

/* The code's name on the wire ("EPARSE", "EBADQUERY"); never NULL. */
const char *sd_code_name(int code);

/* The bounds the parser enforces (from the settings). */
typedef struct sd_request_limits {
    unsigned max_limit, max_offset, max_hits, max_facets;
} sd_request_limits_t;

/* The default "limit" of the facets op, per entity type. */
#define SD_FACETS_DEFAULT 10

typedef struct sd_request {
    json_t *root; /* the parsed line; owns every pointer below */
    json_t *id;   /* borrowed from root; NULL when absent or unparsed */
    sd_op_t op;
    const char *q; /* search, facets */
    unsigned limit, offset, max_hits, facets;
    int lines;        /* search: each result carries its hit lines' text */
    const char *path; /* doc */
    unsigned from, to;
    int entities; /* doc: also every entity with every mention */
} sd_request_t;

typedef struct sd_request_error {
    int code;          /* an sd_code_t */
    long position;     /* byte offset in the line for EPARSE, else -1 */
    const char *limit; /* ELIMIT: the setting's name ("max-limit") */
    char message[200];
} sd_request_error_t;

/* Parses one request line (without its newline) of LEN bytes. Returns 0
 * and fills *REQ; or -1 and fills *ERR, with REQ->id set whenever the id
 * could be read. Either way the caller calls sd_request_free(REQ). */
int sd_request_parse(const char *line, size_t len,
                     const sd_request_limits_t *lim, sd_request_t *req,
                     sd_request_error_t *err);

void sd_request_free(sd_request_t *req);

#endif
