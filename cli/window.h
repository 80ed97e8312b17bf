/* Fitting one line of an article into the terminal (window.c), and the
 * colours psearch's listing uses. */
#ifndef PSEARCH_CLI_WINDOW_H
#define PSEARCH_CLI_WINDOW_H

#include <stddef.h>
#include <stdio.h>

/* The colours of GNU grep's defaults, so the listing reads the same. */
#define C_MATCH "\033[1;31m"
#define C_PATH "\033[35m"
#define C_LINE "\033[32m"
#define C_SEP "\033[36m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_CARET "\033[1;32m"
#define C_OFF "\033[0m"

/* A match in a line. */
typedef struct span {
    size_t start, end; /* byte offsets, END exclusive */
} span_t;

/* The display width, in terminal columns, of LEN bytes of UTF-8 at S. */
size_t window_text_width(const char *s, size_t len);

/* Writes bytes FROM..TO of S with the parts inside the NSP spans SP
 * highlighted when COLOR is set; control characters become spaces. */
void window_put_text(FILE *out, const char *s, size_t from, size_t to,
                     const span_t *sp, size_t nsp, int color);

/* Sorts the N spans SP, drops those outside LEN bytes and merges
 * overlaps; returns the new count. */
size_t window_spans_normalise(span_t *sp, size_t n, size_t len);

/* Writes LEN bytes of S cut to WIDTH columns (0: uncut) around the first
 * of the NSP normalised spans SP, with "…" where it was cut. */
void window_put(FILE *out, const char *s, size_t len, const span_t *sp,
                size_t nsp, size_t width, int color);

#endif
