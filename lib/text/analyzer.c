/* The analyzer: splits UTF-8 text into positioned tokens, normalises each
 * one (NFKC, case folding, ASCII apostrophes) and stems it with Snowball, so
 * that the indexer and the query parser always agree on the terms. This
 * file holds the handle and the walk over a text: where sentences and
 * lines start, and a group of tokens at each word. The rest of the work is
 * in the files text_private.h names. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "psearch/analyzer.h"
#include "text/text_private.h"
#include "base/util.h"

PS_EXPORT ps_status_t ps_analyzer_new(ps_analyzer_t **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    ps_analyzer_t *a = calloc(1, sizeof(*a));
    if (!a)
        return PS_ENOMEM;
    if (ps__text_stem_open(a) != PS_OK) {
        ps_analyzer_free(a);
        return PS_ENOMEM;
    }
    *out = a;
    return PS_OK;
}

PS_EXPORT void ps_analyzer_free(ps_analyzer_t *a)
{
    if (!a)
        return;
    ps__text_stem_close(a);
    free(a->toks);
    free(a->offs);
    free(a->pool);
    free(a->units);
    free(a->ubuf);
    free(a->sbuf);
    free(a);
}

PS_EXPORT size_t ps_analyzer_error_offset(const ps_analyzer_t *a)
{
    return a ? a->err_off : 0;
}

/* Scans the group of units (one word, or a hyphenated compound) that
 * starts at I and emits its tokens. *END receives the end of the group,
 * *SENT whether the next word opens a sentence nonetheless (an acronym's
 * dot that ends one). */
static ps_status_t do_group(ps_analyzer_t *a, const uint8_t *s, size_t len,
                            size_t i, size_t base, uint32_t ctx_flags,
                            size_t *end, bool *sent)
{
    size_t nunits;
    ps_status_t st = ps__text_scan_group(a, s, len, i, &nunits, end);
    if (st != PS_OK)
        return st;
    st = ps__text_emit_group(a, s, nunits, base, ctx_flags);
    if (st != PS_OK)
        return st;
    /* A dot that ends no sentence ("Mr.", "J.") is consumed here, unseen
     * by the caller. */
    if (ps__text_keeps_dot(a, s, len, nunits, *end))
        (*end)++;
    *sent = ps__text_acronym_ends_sentence(a, s, len, nunits, *end);
    return PS_OK;
}

/* What the character C at I, outside any word, does to whether the next
 * word opens a sentence (*SENT) or a line (*LINE). */
static void punctuation(const uint8_t *s, size_t len, size_t i,
                        const struct ch *c, bool *sent, bool *line)
{
    struct ch n;
    switch (c->cls) {
    case CL_BREAK:
        *sent = *line = true;
        break;
    case CL_DOT:
    case CL_STOP:
        /* "example.com" and "10:30" end no sentence. */
        get_char(s, len, i + c->len, &n);
        if (!is_wordish(n.cls))
            *sent = true;
        break;
    case CL_COMMA:
    case CL_CLAUSE:
        *sent = false;
        break;
    default:
        break;
    }
}

/* Appends the tokens of the LEN bytes of valid UTF-8 at S. */
static ps_status_t scan_text(ps_analyzer_t *a, const uint8_t *s, size_t len,
                             size_t base)
{
    bool sent = true, line = true;
    size_t i = 0;
    struct ch c;
    while (i < len) {
        get_char(s, len, i, &c);
        if (c.cls == CL_LETTER || c.cls == CL_DIGIT) {
            uint32_t ctx =
                (sent ? PS_TOK_SENT_START : 0) | (line ? PS_TOK_LINE_START : 0);
            size_t end;
            ps_status_t st = do_group(a, s, len, i, base, ctx, &end, &sent);
            if (st != PS_OK)
                return st;
            line = false;
            i = end;
            continue;
        }
        punctuation(s, len, i, &c, &sent, &line);
        i += c.len;
    }
    return PS_OK;
}

PS_EXPORT ps_status_t ps_analyze(ps_analyzer_t *a, const char *text, size_t len,
                                 size_t base, const ps_token_t **tokens,
                                 size_t *ntokens)
{
    if (tokens)
        *tokens = NULL;
    if (ntokens)
        *ntokens = 0;
    if (!a || !tokens || !ntokens || (!text && len > 0))
        return PS_EINVAL;
    /* Lengths and positions are 32-bit in a token. */
    if (len > UINT32_MAX)
        return PS_ETOOBIG;
    a->ntoks = 0;
    a->pool_len = 0;
    a->pos = 0;
    a->err_off = 0;

    size_t bad;
    if (!ps__utf8_valid(text, len, &bad)) {
        a->err_off = base + bad;
        return PS_EBADUTF8;
    }
    ps_status_t st = scan_text(a, (const uint8_t *)text, len, base);
    if (st != PS_OK) {
        a->ntoks = 0;
        return st;
    }

    /* The pool no longer moves: offsets become pointers. */
    for (size_t k = 0; k < a->ntoks; k++) {
        a->toks[k].term = a->pool + a->offs[k].term;
        a->toks[k].stem = a->pool + a->offs[k].stem;
    }
    *tokens = a->toks;
    *ntokens = a->ntoks;
    return PS_OK;
}
