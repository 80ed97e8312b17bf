/* The response half of psearchd's protocol: building one response line,
 *   {"id": ID, "ok": true, ...result fields}
 *   {"id": ID, "ok": false, "error": {"code", "message"[, "position"]}}
 * Pure, like the request parser; used on the loop thread and in workers. */
#ifndef PSEARCHD_RESPONSE_H
#define PSEARCHD_RESPONSE_H

#include <stddef.h>

#include <jansson.h>

/* A success line: ID (borrowed; NULL is written as null) and the fields of
 * RESULT (borrowed, an object or NULL) merged at the top level. Returns a
 * malloc'ed line ending in '\n' with its length in *LEN, NULL when out of
 * memory or RESULT cannot be encoded. */
char *sd_response_ok(json_t *id, json_t *result, size_t *len);

/* A success line as sd_response_ok() makes it, from RESULT already
 * written as compact JSON text (an object of RLEN bytes, ps_search_text()):
 * its fields follow the envelope's. Returns as sd_response_ok(). */
char *sd_response_ok_text(json_t *id, const char *result, size_t rlen,
                          size_t *len);

/* Answer lines without their id, for the answer cache: the bytes of a
 * line from sd_response_ok() that follow its id, and the same line made
 * again for another id. */

/* The offset in LINE (LEN bytes, from sd_response_ok() with ID) where the
 * bytes after the id begin, or -1 if LINE does not start as ID's line
 * would. The check is exact, so a line this accepts is rebuilt byte for
 * byte by sd_response_splice() with the same ID. */
long sd_response_rest(json_t *id, const char *line, size_t len);

/* The line of ID (borrowed; NULL is written as null) whose bytes after the
 * id are REST (RLEN bytes, from sd_response_rest()). Returns as
 * sd_response_ok(). */
char *sd_response_splice(json_t *id, const char *rest, size_t rlen,
                         size_t *len);

/* An error line. POSITION < 0 is left out. MESSAGE need not be valid
 * UTF-8: bad bytes are replaced. Returns as sd_response_ok(). */
char *sd_response_error(json_t *id, int code, const char *message,
                        long position, size_t *len);

#endif
