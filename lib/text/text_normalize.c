/* The analyzer's normalisation: NFKC, case folding and removal of
 * invisible characters (Unicode's NFKC_Casefold), with typographic
 * apostrophes and quotes made ASCII first. A token's term is made here
 * (ps__text_normalize_into), and so is ps_normalize()'s answer, so a
 * caller normalising a name gets the analyzer's own terms. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "psearch/analyzer.h"
#include "text/text_private.h"
#include "base/util.h"

/* Unicode's NFKC_Casefold: compatibility composition, case folding, and
 * removal of default-ignorable characters (soft hyphens, joiners, variation
 * selectors), which are invisible and must not make two words differ. */
#define NORM_OPTIONS                                                           \
    ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPAT |                   \
                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |                \
                         UTF8PROC_IGNORE))

/* Maps typographic apostrophes and quotes to ASCII before normalisation,
 * so that "aren’t" and "aren't" are the same term. */
static utf8proc_int32_t map_typographic(utf8proc_int32_t cp, void *data)
{
    (void)data;
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x02BC:
    case 0x2039:
    case 0x203A:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
        return '"';
    default:
        return cp;
    }
}

/* Normalises LEN bytes of valid UTF-8 into a->ubuf, as UTF-8, and sets
 * *OUT_LEN. DROP_DOTS removes the dots of an acronym between decomposition
 * and composition, so that its letters compose as if written together. */
ps_status_t ps__text_normalize_into(ps_analyzer_t *a, const uint8_t *s,
                                    size_t len, bool drop_dots, size_t *out_len)
{
    for (;;) {
        /* utf8proc_reencode() writes a NUL after the text, so one code
         * point of room is kept back. */
        utf8proc_ssize_t room =
            a->ubuf_cap ? (utf8proc_ssize_t)a->ubuf_cap - 1 : 0;
        utf8proc_ssize_t n =
            utf8proc_decompose_custom(s, (utf8proc_ssize_t)len, a->ubuf, room,
                                      NORM_OPTIONS, map_typographic, NULL);
        if (n < 0)
            return n == UTF8PROC_ERROR_NOMEM || n == UTF8PROC_ERROR_OVERFLOW
                       ? PS_ENOMEM
                       : PS_EINTERNAL;
        if (n <= room) {
            if (drop_dots) {
                utf8proc_ssize_t w = 0;
                for (utf8proc_ssize_t r = 0; r < n; r++)
                    if (a->ubuf[r] != '.')
                        a->ubuf[w++] = a->ubuf[r];
                n = w;
            }
            n = utf8proc_reencode(a->ubuf, n, NORM_OPTIONS);
            if (n < 0)
                return PS_EINTERNAL;
            *out_len = (size_t)n;
            return PS_OK;
        }
        if (ps__grow(&a->ubuf, &a->ubuf_cap, (size_t)n + 1, sizeof(*a->ubuf)))
            return PS_ENOMEM;
    }
}

PS_EXPORT ps_status_t ps_normalize(const char *text, size_t len, char **out,
                                   size_t *out_len)
{
    if (!out || (!text && len > 0))
        return PS_EINVAL;
    *out = NULL;
    if (out_len)
        *out_len = 0;
    /* utf8proc counts in signed sizes and may expand the text. */
    if (len > (size_t)PTRDIFF_MAX / 8)
        return PS_ETOOBIG;
    utf8proc_uint8_t *r = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom(
        (const utf8proc_uint8_t *)(text ? text : ""), (utf8proc_ssize_t)len, &r,
        NORM_OPTIONS, map_typographic, NULL);
    if (n < 0) {
        switch (n) {
        case UTF8PROC_ERROR_INVALIDUTF8:
            return PS_EBADUTF8;
        case UTF8PROC_ERROR_NOMEM:
            return PS_ENOMEM;
        case UTF8PROC_ERROR_OVERFLOW:
            return PS_ETOOBIG;
        default:
            return PS_EINTERNAL;
        }
    }
    *out = (char *)r;
    if (out_len)
        *out_len = (size_t)n;
    return PS_OK;
}
