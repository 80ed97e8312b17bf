/* Small helpers shared inside the library (array growth, UTF-8
 * validation) and by the programs (option sizes). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "psearch/common.h"
#include "base/util.h"

int ps__grow(void *bufp, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return -1;
    /* The pointer is read and written with memcpy: it is no void * and
     * may not be accessed as one. */
    void *buf;
    memcpy(&buf, bufp, sizeof buf);
    void *p = realloc(buf, n * size);
    if (!p)
        return -1;
    memcpy(bufp, &p, sizeof p);
    *cap = n;
    return 0;
}

int ps__utf8_valid(const char *text, size_t len, size_t *bad)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0;
    while (i < len) {
        /* ASCII is nearly all of an English text: skip it eight bytes at a
         * time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n < 0) {
            *bad = i;
            return 0;
        }
        i += (size_t)n;
    }
    return 1;
}

ps_status_t ps_parse_size(const char *s, unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return PS_EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return PS_EINVAL;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        break;
    case 'm':
    case 'M':
        shift = 20;
        break;
    case 'g':
    case 'G':
        shift = 30;
        break;
    }
    if (shift)
        end++;
    if (*end || v > (ULLONG_MAX >> shift))
        return PS_EINVAL;
    *out = v << shift;
    return PS_OK;
}
