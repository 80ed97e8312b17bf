/* The frame every model file shares (base/modelfile.h): reading a model
 * into memory fit for its tables, the checksum, and the checks of the
 * frame's fields, with the messages that name the file. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

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

/* The size of a huge page, where the system has them. */
#define HUGE_PAGE ((size_t)2 << 20)

/* Memory for a model's bytes. A model's tables are read at scattered
 * rows: the NER model's weights are megabytes, and each token reads some
 * 60 rows of them, so with ordinary pages nearly every read misses the
 * TLB as well as the cache and tagging spends most of its time there. So
 * the buffer is anonymous memory aligned to a huge page and advised to
 * use huge pages (the system may refuse: the model works the same, only
 * slower). */
static unsigned char *buffer_new(size_t n, size_t *mapped)
{
    size_t size = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (size == 0)
        size = HUGE_PAGE;
    /* One huge page more than needed, to align the start. */
    unsigned char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t skip = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (skip > 0)
        munmap(p, skip);
    if (HUGE_PAGE - skip > 0)
        munmap(p + skip + size, HUGE_PAGE - skip);
    p += skip;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE);
#endif
    *mapped = size;
    return p;
}

void ps__model_free(ps__model_buf_t *buf)
{
    if (buf->mem)
        munmap(buf->mem, buf->mapped);
    buf->mem = NULL;
    buf->len = buf->mapped = 0;
}

/* Reads all of PATH, a file of at most MAX_SIZE bytes, into *BUF. */
static ps_status_t read_file(const char *path, const char *what,
                             uint64_t max_size, ps__model_buf_t *buf,
                             char **errmsg)
{
    *buf = (ps__model_buf_t){0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return ps__model_fail(errmsg, errno == ENOENT ? PS_ENOTFOUND : PS_EIO,
                              path, "cannot open the %s: %s", what,
                              strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return ps__model_fail(errmsg, PS_EIO, path, "the %s is not a file",
                              what);
    }
    if ((uint64_t)sb.st_size > max_size) {
        fclose(f);
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the %s is too large (%lld bytes)", what,
                              (long long)sb.st_size);
    }
    size_t n = (size_t)sb.st_size;
    buf->mem = buffer_new(n, &buf->mapped);
    if (!buf->mem) {
        fclose(f);
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    buf->len = fread(buf->mem, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        ps__model_free(buf);
        return ps__model_fail(errmsg, PS_EIO, path, "cannot read the %s", what);
    }
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
    ps_status_t st = read_file(path, kind->what, kind->max_size, buf, errmsg);
    if (st != PS_OK)
        return st;
    uint64_t want = 0;
    st = check_head(buf, path, kind->what, kind->magic, kind->version, errmsg);
    if (st == PS_OK)
        st = kind->check(buf->mem, path, &want, errmsg);
    if (st == PS_OK)
        st = check_size(buf, path, kind->what, want, errmsg);
    if (st != PS_OK) {
        ps__model_free(buf);
        return st;
    }
    /* Every thread shares the model: from here on nobody may write it. */
    mprotect(buf->mem, buf->mapped, PROT_READ);
    return PS_OK;
}
