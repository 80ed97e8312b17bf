/* Reading an article file: the optional front-matter block, the title and
 * the body. Pure functions over a byte buffer, with no I/O. */
#ifndef PSEARCH_ARTICLE_H
#define PSEARCH_ARTICLE_H

#include <stddef.h>

#include "psearch/common.h"

PS_BEGIN_DECLS

/* A string inside the article's buffer: not NUL-terminated, valid as long as
 * the buffer. LEN 0 means absent. */
typedef struct ps_span {
    const char *ptr;
    size_t len;
    size_t offset; /* byte offset of PTR in the buffer */
} ps_span_t;

typedef struct ps_article {
    size_t body_offset; /* where the indexed body starts */
    ps_span_t title;    /* front-matter title:, else first non-empty line */
    ps_span_t date;     /* front-matter date: as written */
    ps_span_t source;
    ps_span_t url;
    char date_key[9]; /* date as YYYYMMDD when it parses, else "" */
} ps_article_t;

/* Parses TEXT. A front-matter block is a first line "---", then "key:
 * value" lines, then a line "---"; keys other than title, date, source and
 * url are ignored. Without a closing "---" within 64 lines there is no
 * front matter and the whole text is body. Dates are accepted as
 * YYYY-MM-DD, optionally followed by a time.
 *
 * Returns PS_OK; PS_EBINARY when TEXT holds a NUL byte; PS_EBADUTF8 when it
 * is not valid UTF-8. For both errors *BAD_OFFSET is the offending byte's
 * offset. */
PS_EXPORT ps_status_t ps_article_parse(const char *text, size_t len,
                                       ps_article_t *out, size_t *bad_offset);

PS_END_DECLS

#endif
