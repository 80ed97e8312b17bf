/* The frame every model file shares (base/modelfile.h): mapping a model
 * file into memory, the checksum, and the checks of the frame's fields,
 * with the messages that name the file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t on the stack */
#include <xxhash.h>

#include "base/modelfile.h"

ps_status_t ps__model_fail(char **errmsg, ps_status_t st, const char *path,
                           const char *fmt, ...)
{
    if (errmsg && !*errmsg) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        size_t n = (path ? strlen(path) + 2 : 0) + strlen(msg) + 1;
        *errmsg = malloc(n);
        if (*errmsg)
            snprintf(*errmsg, n, "%s%s%s", path ? path : "", path ? ": " : "",
                     msg);
    }
    return st;
}

uint64_t ps__model_checksum(const unsigned char *mem, size_t size)
{
    static const unsigned char zero[8];
    const size_t after = PS__MODEL_SUM_AT + 8;
    XXH64_state_t st;
    XXH64_reset(&st, 0);
    XXH64_update(&st, mem, PS__MODEL_SUM_AT);
    XXH64_update(&st, zero, sizeof zero);
    XXH64_update(&st, mem + after, size - after);
    return XXH64_digest(&st);
}

void ps__model_free(ps__model_buf_t *buf)
{
    if (buf->mem)
        munmap((void *)buf->mem, buf->len);
    buf->mem = NULL;
    buf->len = 0;
}

/* Maps all of PATH, a file of at most MAX_SIZE bytes, into *BUF. The
 * file is mapped rather than read: a model's pages are then the page
 * cache's own, shared by every process that loads it, and loading costs
 * no copy. Reading it into fresh memory (on huge pages, for the TLB) took
 * half of a nightly run that finds nothing to index, zeroing and copying
 * 14 MB, and tagging ran no faster for it when measured side by side. A
 * model is replaced by renaming a new file over it, as the trainers and
 * `make install` do, so a mapping never sees its file change. */
static ps_status_t map_file(const char *path, const char *what,
                            uint64_t max_size, ps__model_buf_t *buf,
                            char **errmsg)
{
    *buf = (ps__model_buf_t){0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ps__model_fail(errmsg, errno == ENOENT ? PS_ENOTFOUND : PS_EIO,
                              path, "cannot open the %s: %s", what,
                              strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return ps__model_fail(errmsg, PS_EIO, path, "the %s is not a file",
                              what);
    }
    if ((uint64_t)sb.st_size > max_size) {
        close(fd);
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s is too large (%lld bytes)", what,
                              (long long)sb.st_size);
    }
    size_t n = (size_t)sb.st_size;
    if (n == 0) {
        /* Nothing to map: the frame's check calls it truncated. */
        close(fd);
        return PS_OK;
    }
    /* MAP_POPULATE: the checksum reads every page at once anyway. */
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    int err = errno;
    close(fd);
    if (p == MAP_FAILED)
        return ps__model_fail(errmsg, err == ENOMEM ? PS_ENOMEM : PS_EIO, path,
                              "cannot read the %s: %s", what, strerror(err));
    buf->mem = p;
    buf->len = n;
    return PS_OK;
}

/* Checks the frame's start: the length, the magic and the version. */
static ps_status_t check_head(const ps__model_buf_t *buf, const char *path,
                              const char *what, const char *magic,
                              uint32_t version, char **errmsg)
{
    const unsigned char *mem = buf->mem;
    if (buf->len < PS__MODEL_HEADER_SIZE) {
        if (buf->len >= 8 && memcmp(mem, magic, 8) != 0)
            return ps__model_fail(errmsg, PS_ECORRUPT, path, "not a %s file",
                                  what);
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s is truncated (%zu bytes)", what,
                              buf->len);
    }
    if (memcmp(mem, magic, 8) != 0)
        return ps__model_fail(errmsg, PS_ECORRUPT, path, "not a %s file", what);
    uint32_t v = ps__get32(mem + PS__MODEL_VERSION_AT);
    if (v != version)
        return ps__model_fail(errmsg, PS_EVERSION, path,
                              "%s format version %u, this build reads %u", what,
                              v, version);
    return PS_OK;
}

/* Checks the rest of the frame of a file that must have WANT bytes: the
 * size field, the length and the checksum. */
static ps_status_t check_size(const ps__model_buf_t *buf, const char *path,
                              const char *what, uint64_t want, char **errmsg)
{
    const unsigned char *mem = buf->mem;
    if (ps__get64(mem + PS__MODEL_SIZE_AT) != want)
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s's header is damaged", what);
    if (buf->len != want)
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s is %s (%zu bytes, expected %llu)", what,
                              buf->len < want ? "truncated" : "too long",
                              buf->len, (unsigned long long)want);
    if (ps__model_checksum(mem, buf->len) != ps__get64(mem + PS__MODEL_SUM_AT))
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s is corrupt (checksum mismatch)", what);
    return PS_OK;
}

ps_status_t ps__model_open(const char *path, const ps__model_kind_t *kind,
                           ps__model_buf_t *buf, char **errmsg)
{
    ps_status_t st = map_file(path, kind->what, kind->max_size, buf, errmsg);
    if (st != PS_OK)
        return st;
    uint64_t want = 0;
    st = check_head(buf, path, kind->what, kind->magic, kind->version, errmsg);
    if (st == PS_OK)
        st = kind->check(buf->mem, path, &want, errmsg);
    if (st == PS_OK)
        st = check_size(buf, path, kind->what, want, errmsg);
    if (st != PS_OK)
        ps__model_free(buf);
    return st;
}
