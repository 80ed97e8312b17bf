/* JSON text as jansson's json_dumps(JSON_COMPACT) writes it (json_out.h):
 * its escapes, its numbers, its UTF-8 checks. */
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "search/json_out.h"

namespace
{

/* The length of the valid UTF-8 sequence at P (N bytes left), by
 * jansson's rules (no overlong forms, no surrogates, nothing past
 * U+10FFFF), or 0. */
size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t k;
    unsigned cp, min;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

} // namespace

void ps__jout::grow(size_t n)
{
    size_t cap = cap_ ? cap_ : 16384;
    while (cap < n_ + n)
        cap *= 2;
    char *b = (char *)std::realloc(b_, cap);
    if (!b)
        throw std::bad_alloc();
    b_ = b;
    cap_ = cap;
}

char *ps__jout::take()
{
    put('\0');
    char *b = b_;
    b_ = nullptr;
    n_ = cap_ = 0;
    return b;
}

void ps__jout::str(const char *p, size_t n)
{
    sep();
    /* The longest escape is 6 bytes for 1: room for the plain case at
     * once, and more as escapes come. */
    room(n + 2);
    b_[n_++] = '"';
    const unsigned char *u = (const unsigned char *)p;
    size_t run = 0; /* bytes from u[run] on not yet copied */
    for (size_t i = 0; i < n;) {
        /* Eight plain bytes at a time: none at or past 0x80, under 0x20,
         * a quote or a backslash (each test sets a byte's top bit). */
        while (n - i >= 8) {
            const uint64_t ones = 0x0101010101010101ull, tops = ones * 0x80;
            uint64_t x;
            std::memcpy(&x, u + i, 8);
            uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
            uint64_t bad = x | ((x - ones * 0x20) & ~x) |
                           ((q - ones) & ~q) | ((b - ones) & ~b);
            if (bad & tops)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = u[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_len(u + i, n - i);
            if (k) {
                i += k;
                continue;
            }
        }
        put(p + run, i - run);
        switch (c) {
        case '"':
            put("\\\"", 2);
            break;
        case '\\':
            put("\\\\", 2);
            break;
        case '\b':
            put("\\b", 2);
            break;
        case '\f':
            put("\\f", 2);
            break;
        case '\n':
            put("\\n", 2);
            break;
        case '\r':
            put("\\r", 2);
            break;
        case '\t':
            put("\\t", 2);
            break;
        default:
            if (c < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04X", c);
                put(esc, 6);
            } else {
                put("\xEF\xBF\xBD", 3); /* U+FFFD for a bad byte */
            }
        }
        run = ++i;
    }
    put(p + run, n - run);
    put('"');
}

void ps__jout::num(long long v)
{
    sep();
    char buf[24], *e = buf + sizeof buf, *q = e;
    unsigned long long u =
        v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--q = '-';
    put(q, (size_t)(e - q));
}

void ps__jout::real(double v)
{
    sep();
    char buf[40];
    /* As printf's "%.17g" (the standard says so), without its cost: a
     * tenth of building a result went to formatting its score. */
    std::to_chars_result r = std::to_chars(buf, buf + sizeof buf - 3, v,
                                           std::chars_format::general, 17);
    if (r.ec != std::errc())
        throw std::bad_alloc();
    *r.ptr = 0;
    int n = (int)(r.ptr - buf);
    if (!std::strchr(buf, '.') && !std::strchr(buf, 'e')) {
        buf[n++] = '.';
        buf[n++] = '0';
        buf[n] = 0;
    }
    /* No '+' and no leading zeros in an exponent. */
    if (char *e = std::strchr(buf, 'e')) {
        char *from = e + 1, *to = e + 1;
        if (*from == '-')
            from++, to++;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        std::memmove(to, from, std::strlen(from) + 1);
        n = (int)std::strlen(buf);
    }
    put(buf, (size_t)n);
}

void ps__jout::json(const json_t *j)
{
    sep();
    char *t = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!t)
        throw std::bad_alloc();
    try {
        put(t, std::strlen(t));
    } catch (...) {
        std::free(t);
        throw;
    }
    std::free(t);
}
