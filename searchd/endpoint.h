/* Where psearchd listens, vetted before any handle exists: the Unix
 * socket's path (its parent directory, a stale socket left by a crashed
 * daemon, a live daemon already there) and the optional TCP address (only
 * loopback unless remote clients are allowed). Plain system calls, no
 * libuv. */
#ifndef PSEARCHD_ENDPOINT_H
#define PSEARCHD_ENDPOINT_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef enum {
    SD_EP_OK = 0,
    SD_EP_INUSE,  /* a live daemon answers on the socket */
    SD_EP_CONFIG, /* the path or address cannot be used as given */
    SD_EP_SYSTEM, /* a system call failed */
} sd_ep_status_t;

/* Makes PATH ready to bind: creates missing parent directories with mode
 * 0700, and removes a socket nobody answers on. A live socket, or a file
 * there that is not a socket, is left alone and reported. *RECLAIMED is
 * set when a stale socket was removed. On failure a message is in ERR. */
sd_ep_status_t sd_endpoint_unix_prepare(const char *path, int *reclaimed,
                                        char *err, size_t errlen);

/* Parses "HOST:PORT" ("127.0.0.1:7070", "[::1]:7070"; numeric addresses
 * only) into *OUT. A non-loopback address is refused unless ALLOW_REMOTE.
 * *IS_LOOPBACK tells which it was. */
sd_ep_status_t sd_endpoint_tcp_parse(const char *spec, int allow_remote,
                                     struct sockaddr_storage *out,
                                     int *is_loopback, char *err,
                                     size_t errlen);

/* Parses an octal socket mode for --socket-mode ("0660"): read and write
 * bits only (connecting needs write), and always the owner's. */
sd_ep_status_t sd_endpoint_mode_parse(const char *spec, mode_t *out, char *err,
                                      size_t errlen);

/* Parses a group name or number for --socket-group into *OUT. */
sd_ep_status_t sd_endpoint_group_parse(const char *spec, gid_t *out, char *err,
                                       size_t errlen);

/* Shares the bound socket at PATH: hands it to group GID (unless it is
 * (gid_t)-1), then sets MODE. psearchd binds the socket 0600 and calls this
 * after, so the socket is never open wider than asked for, nor to the
 * wrong group. */
sd_ep_status_t sd_endpoint_unix_share(const char *path, mode_t mode, gid_t gid,
                                      char *err, size_t errlen);

#endif
