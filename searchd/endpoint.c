/* Vetting psearchd's listening endpoints before binding: the socket path
 * (parent directory, stale or live socket) and the TCP address; and, once
 * bound, sharing the socket with a group. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* mkdir -p of PATH's parent, new directories private to the user. */
static int make_parent(const char *path, char *err, size_t errlen)
{
    char *dir = strdup(path);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = 0;
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != 0)
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", dir,
                     strerror(errno));
            free(dir);
            return -1;
        }
        *p = c;
        if (!c)
            break;
    }
    free(dir);
    return 0;
}

/* Whether a daemon accepts connections on the socket at PATH: 1 yes, 0 no
 * (stale), -1 could not tell (errno set). */
static int socket_is_live(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    int e = errno;
    close(fd);
    if (rc == 0)
        return 1;
    /* A full backlog means a daemon that is alive but busy. */
    if (e == EAGAIN || e == EINPROGRESS)
        return 1;
    if (e == ECONNREFUSED || e == ENOENT)
        return 0;
    errno = e;
    return -1;
}

sd_ep_status_t sd_endpoint_unix_prepare(const char *path, int *reclaimed,
                                        char *err, size_t errlen)
{
    *reclaimed = 0;
    struct sockaddr_un sa;
    if (!path[0] || strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen,
                 "socket path '%s' is empty or longer than %zu bytes", path,
                 sizeof sa.sun_path - 1);
        return SD_EP_CONFIG;
    }
    if (make_parent(path, err, errlen))
        return SD_EP_CONFIG;
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return SD_EP_OK;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return SD_EP_CONFIG;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a socket; not touching it",
                 path);
        return SD_EP_CONFIG;
    }
    int live = socket_is_live(path);
    if (live > 0) {
        snprintf(err, errlen, "another psearchd is already listening on %s",
                 path);
        return SD_EP_INUSE;
    }
    if (live < 0) {
        snprintf(err, errlen, "%s: cannot tell whether it is in use: %s", path,
                 strerror(errno));
        return SD_EP_CONFIG;
    }
    /* Nobody answers: the socket of a daemon that died without cleaning
     * up. Between this check and the bind another daemon could start;
     * that narrow race is accepted, as it is by most daemons. */
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove stale socket %s: %s", path,
                 strerror(errno));
        return SD_EP_CONFIG;
    }
    *reclaimed = 1;
    return SD_EP_OK;
}

sd_ep_status_t sd_endpoint_tcp_parse(const char *spec, int allow_remote,
                                     struct sockaddr_storage *out,
                                     int *is_loopback, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    const char *h = spec;
    size_t hlen = colon ? (size_t)(colon - spec) : 0;
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || hlen == 0 || hlen >= sizeof host || !colon[1] || *end ||
        port < 0 || port > 65535) {
        snprintf(err, errlen,
                 "--tcp '%s': expected HOST:PORT with a numeric address, "
                 "e.g. 127.0.0.1:7070 or [::1]:7070",
                 spec);
        return SD_EP_CONFIG;
    }
    memcpy(host, h, hlen);
    host[hlen] = 0;
    memset(out, 0, sizeof *out);
    struct sockaddr_in *in4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *is_loopback = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *is_loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
                       (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
                        in6->sin6_addr.s6_addr[12] == 127);
    } else {
        snprintf(err, errlen,
                 "--tcp '%s': '%s' is not a numeric IPv4 or "
                 "IPv6 address",
                 spec, host);
        return SD_EP_CONFIG;
    }
    if (!*is_loopback && !allow_remote) {
        snprintf(err, errlen,
                 "--tcp '%s' is not a loopback address; the protocol has no "
                 "authentication, so give --allow-remote to listen there "
                 "anyway",
                 spec);
        return SD_EP_CONFIG;
    }
    return SD_EP_OK;
}

sd_ep_status_t sd_endpoint_mode_parse(const char *spec, mode_t *out, char *err,
                                      size_t errlen)
{
    char *end;
    errno = 0;
    unsigned long m = strtoul(spec, &end, 8);
    if (errno || end == spec || *end || (m & ~0666UL) || (m & 0600) != 0600) {
        snprintf(err, errlen,
                 "--socket-mode '%s': want an octal mode of read and write "
                 "bits that keeps the owner's (0600, 0660, 0666)",
                 spec);
        return SD_EP_CONFIG;
    }
    *out = (mode_t)m;
    return SD_EP_OK;
}

sd_ep_status_t sd_endpoint_group_parse(const char *spec, gid_t *out, char *err,
                                       size_t errlen)
{
    struct group *g = getgrnam(spec);
    if (g) {
        *out = g->gr_gid;
        return SD_EP_OK;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(spec, &end, 10);
    if (!errno && end != spec && !*end && n < (unsigned long)(gid_t)-1) {
        *out = (gid_t)n;
        return SD_EP_OK;
    }
    snprintf(err, errlen, "--socket-group '%s': no such group", spec);
    return SD_EP_CONFIG;
}

sd_ep_status_t sd_endpoint_unix_share(const char *path, mode_t mode, gid_t gid,
                                      char *err, size_t errlen)
{
    if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) {
        snprintf(err, errlen,
                 "cannot give the socket %s to group %lu: %s (psearchd "
                 "must be a member of it)",
                 path, (unsigned long)gid, strerror(errno));
        return SD_EP_CONFIG;
    }
    if (chmod(path, mode) != 0) {
        snprintf(err, errlen, "cannot chmod the socket %s: %s", path,
                 strerror(errno));
        return SD_EP_SYSTEM;
    }
    return SD_EP_OK;
}
