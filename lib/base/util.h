/* Internal to the library: small helpers several files need, kept in one
 * place so each is written once. */
#ifndef PSEARCH_UTIL_H
#define PSEARCH_UTIL_H

#include <stddef.h>

/* The number of elements of array A (an array, not a pointer). */
#define PS_COUNT(a) (sizeof(a) / sizeof *(a))

/* Grows the array that the pointer at BUFP points to (of *CAP elements of
 * SIZE bytes) to hold at least NEED elements, at least doubling so growth
 * is amortised. Returns 0, or -1 when memory or size_t runs out (the array
 * is then unchanged). BUFP is the address of any object pointer. */
int ps__grow(void *bufp, size_t *cap, size_t need, size_t size);

/* Whether S[0..LEN) is valid UTF-8; if not, *BAD is the offset of the
 * first invalid byte. */
int ps__utf8_valid(const char *s, size_t len, size_t *bad);

#endif
