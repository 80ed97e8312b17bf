/* Fuzz target: the article reader (ps_article_parse) on arbitrary bytes.
 * Besides memory errors it checks that every span it returns lies inside
 * the buffer, that the body offset does, and that a date key is either
 * empty or eight digits. */
#include <string.h>

#include "fuzz.h"
#include "psearch/article.h"

static void check_span(const ps_span_t *s, const char *text, size_t len)
{
    if (!s->len) {
        FUZZ_CHECK(s->ptr == NULL);
        return;
    }
    FUZZ_CHECK(s->ptr == text + s->offset);
    FUZZ_CHECK(s->offset <= len && s->len <= len - s->offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly SIZE bytes, so that a read past the end is caught
     * by AddressSanitizer even when the fuzzer's buffer is larger. */
    char *text = calloc(1, size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    ps_article_t a;
    size_t bad = (size_t)-1;
    ps_status_t st = ps_article_parse(text, size, &a, &bad);
    if (st == PS_EBINARY) {
        FUZZ_CHECK(bad < size && text[bad] == 0);
    } else if (st == PS_EBADUTF8) {
        FUZZ_CHECK(bad < size);
    } else {
        FUZZ_CHECK(st == PS_OK);
        FUZZ_CHECK(a.body_offset <= size);
        check_span(&a.title, text, size);
        check_span(&a.date, text, size);
        check_span(&a.source, text, size);
        check_span(&a.url, text, size);
        size_t dk = strnlen(a.date_key, sizeof a.date_key);
        FUZZ_CHECK(dk == 0 || dk == 8);
        for (size_t i = 0; i < dk; i++)
            FUZZ_CHECK(a.date_key[i] >= '0' && a.date_key[i] <= '9');
        /* Front-matter values lie before the body. */
        if (a.date.len)
            FUZZ_CHECK(a.date.offset + a.date.len <= a.body_offset);
    }
    free(text);
    return 0;
}
