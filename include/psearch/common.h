/* Shared declarations for every psearch component: linkage macros, symbol
 * visibility and the status codes that every library function returns. */
#ifndef PSEARCH_COMMON_H
#define PSEARCH_COMMON_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
#define PS_BEGIN_DECLS extern "C" {
#define PS_END_DECLS }
#else
#define PS_BEGIN_DECLS
#define PS_END_DECLS
#endif

/* The library is built with -fvisibility=hidden; only functions marked
 * PS_EXPORT are part of the public interface. */
#define PS_EXPORT __attribute__((visibility("default")))

PS_BEGIN_DECLS

/* One table gives every status its name and its message, so the enum and
 * the strings can never drift apart. */
#define PS_STATUS_MAP(X)                                                       \
    X(OK, "success")                                                           \
    X(ENOMEM, "out of memory")                                                 \
    X(EINVAL, "invalid argument")                                              \
    X(EIO, "input/output error")                                               \
    X(ENOTFOUND, "not found")                                                  \
    X(ELOCKED, "the index is locked by another writer")                        \
    X(ECORRUPT, "the index is corrupt or unreadable")                          \
    X(ENOINDEX, "no index at this location")                                   \
    X(EBADUTF8, "invalid UTF-8")                                               \
    X(EBINARY, "binary data")                                                  \
    X(ETOOBIG, "input too large")                                              \
    X(EBADQUERY, "malformed query")                                            \
    X(EMODIFIED, "the index changed during the operation")                     \
    X(ETIMEOUT, "time budget exceeded")                                        \
    X(EVERSION, "unsupported index format version")                            \
    X(EINTERNAL, "internal error")                                             \
    X(EREMOTE, "a remote shard did not answer")

typedef enum {
#define PS_STATUS_ENUM(name, msg) PS_##name,
    PS_STATUS_MAP(PS_STATUS_ENUM)
#undef PS_STATUS_ENUM
        PS_STATUS__COUNT
} ps_status_t;

/* A static English message for a status; never NULL. */
PS_EXPORT const char *ps_status_str(ps_status_t st);

/* The status's short name ("EBADQUERY"), as used in protocol error codes;
 * never NULL. */
PS_EXPORT const char *ps_status_name(ps_status_t st);

/* Parses a size for an option: a whole number of bytes with an optional
 * binary suffix K, M or G ("16M"). No sign, no spaces. Returns PS_OK and
 * sets *OUT, or PS_EINVAL. */
PS_EXPORT ps_status_t ps_parse_size(const char *s, unsigned long long *out);

/* Reads the rest of stream F into a new buffer that the caller frees, and
 * its size into *LEN; the buffer is not NUL-terminated. Returns PS_OK,
 * PS_ENOMEM, or PS_EIO on a read error (then *OUT is NULL). */
PS_EXPORT ps_status_t ps_read_stream(FILE *f, char **out, size_t *len);

/* Reads the whole file at PATH, as ps_read_stream() does; PS_ENOTFOUND
 * when it does not exist, with errno telling why it could not be opened
 * or read. */
PS_EXPORT ps_status_t ps_read_file(const char *path, char **out, size_t *len);

PS_END_DECLS

#endif
