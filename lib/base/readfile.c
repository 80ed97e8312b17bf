/* Reading a whole file or stream into memory: the one helper every part
 * that wants a file's bytes at once uses (the gazetteer loader, the
 * indexer's stored copies, the tools). The model files are the exception:
 * they are mapped, not read (base/modelfile.c). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "psearch/common.h"

ps_status_t ps_read_stream(FILE *f, char **out, size_t *len)
{
    if (!f || !out || !len)
        return PS_EINVAL;
    *out = NULL;
    *len = 0;
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return PS_ENOMEM;
    for (;;) {
        if (n == cap) {
            char *p = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return PS_ENOMEM;
            }
            buf = p;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return PS_EIO;
    }
    *out = buf;
    *len = n;
    return PS_OK;
}

ps_status_t ps_read_file(const char *path, char **out, size_t *len)
{
    if (!path || !out || !len)
        return PS_EINVAL;
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT || errno == ENOTDIR ? PS_ENOTFOUND
               : errno == ENOMEM                   ? PS_ENOMEM
                                                   : PS_EIO;
    ps_status_t st = ps_read_stream(f, out, len);
    if (fclose(f) != 0 && st == PS_OK) {
        free(*out);
        *out = NULL;
        *len = 0;
        st = PS_EIO;
    }
    return st;
}
