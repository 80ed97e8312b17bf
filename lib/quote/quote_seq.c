/* The sequence the quote model labels: the analyzer's tokens (compound
 * parts left out) with what the bytes between them say. The analyzer
 * drops punctuation, yet quotation marks, commas and full stops are what
 * reported speech turns on, so each gap is read once here: which marks it
 * holds, whether a quotation mark in it opens or closes a quote, and so
 * whether each token is inside quotation marks. One pass over the text:
 * linear on any input, however its quotation marks are (un)balanced. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "quote_private.h"

uint64_t ps__q_lex_key(uint64_t stem_hash)
{
    uint64_t k = (stem_hash ^ 0x51554f54454c4558ULL) * 0x9e3779b97f4a7c15ULL;
    k ^= k >> 29;
    /* never 0: 0 is an empty slot */
    return (k & ~(uint64_t)PS__Q_LEX_BITS) | (PS__Q_LEX_BITS + 1);
}

uint32_t ps__q_lex_get(const ps__qmodel_view_t *v, uint64_t stem_hash)
{
    if (!v || v->nlex == 0)
        return 0;
    uint64_t key = ps__q_lex_key(stem_hash);
    size_t mask = v->nlex - 1;
    for (size_t i = (size_t)(key >> 11) & mask, probes = 0; probes < v->nlex;
         i = (i + 1) & mask, probes++) {
        uint64_t slot = v->lex[i];
        if (slot == 0)
            return 0;
        if ((slot & ~(uint64_t)PS__Q_LEX_BITS) == key)
            return (uint32_t)(slot & PS__Q_LEX_BITS);
    }
    return 0;
}

/* Reads the gap TEXT[A, B) (offsets without BASE), updating the quote
 * state *INQ; returns the gap's PS__G_* bits and sets *OPEN_AT to the last
 * opening mark's offset and *CLOSE_END to the end of the first closing
 * mark (SIZE_MAX / 0 when none). */
static uint8_t read_gap(const char *text, size_t a, size_t b, uint8_t *inq,
                        size_t *open_at, size_t *close_end)
{
    uint8_t g = 0;
    *open_at = SIZE_MAX;
    *close_end = 0;
    const unsigned char *t = (const unsigned char *)text;
    /* Whether only blanks lie between the start of the paragraph and I. */
    int para = a == 0;
    for (size_t i = a; i < b; i++) {
        int open = 0, close = 0;
        size_t w = 1;
        unsigned c = t[i];
        if (c == 0xe2 && i + 2 < b && t[i + 1] == 0x80) {
            unsigned d = t[i + 2];
            w = 3;
            if (d == 0x9c || d == 0x9e)
                open = 1; /* “ „ */
            else if (d == 0x9d)
                /* ”, which some writers use to open too: a paragraph
                 * cannot begin by closing a quote ("”Fear. I am ...” ―
                 * Edwin G. Monroy"). */
                open = para, close = !para;
            else if (d == 0x93 || d == 0x94)
                g |= PS__G_DASH;
            else
                w = 1;
        } else if (c == 0xc2 && i + 1 < b && (t[i + 1] == 0xab || t[i + 1] == 0xbb)) {
            w = 2;
            open = t[i + 1] == 0xab;
            close = !open;
        } else if (c == '"' || (c == '\'' && i + 1 < b && t[i + 1] == '\'')) {
            w = c == '"' ? 1 : 2;
            open = !*inq;
            close = *inq;
        } else if (c == ',') {
            g |= PS__G_COMMA;
        } else if (c == '.' || c == '!' || c == '?') {
            g |= PS__G_STOP;
        } else if (c == ':' || c == ';') {
            g |= PS__G_COLON;
        } else if (c == '-') {
            g |= PS__G_DASH;
        } else if (c == '(' || c == ')' || c == '[' || c == ']') {
            g |= PS__G_PAREN;
        } else if (c == '\n') {
            g |= PS__G_LINE;
            *inq = 0; /* a quote that never closes ends with its paragraph */
        }
        para = c == '\n' || ((c == ' ' || c == '\t' || c == '\r') && para);
        if (open) {
            g |= PS__G_OPEN;
            *inq = 1;
            *open_at = i;
        } else if (close) {
            g |= PS__G_CLOSE;
            *inq = 0;
            if (*close_end == 0)
                *close_end = i + w;
        }
        i += w - 1;
    }
    return g;
}

static int ends_with(const char *t, size_t n, const char *end)
{
    size_t k = strlen(end);
    return n > k + 1 && memcmp(t + n - k, end, k) == 0;
}

/* The PS__F_* bits of term T (N bytes, lower case). */
static uint8_t word_form(const char *t, size_t n)
{
    uint8_t f = ends_with(t, n, "ing") ? PS__F_ING : 0;
    if (ends_with(t, n, "ed"))
        f |= PS__F_ED;
    if (ends_with(t, n, "ed") || ends_with(t, n, "en") ||
        ends_with(t, n, "wn"))
        return f | PS__F_PARTICIPLE;
    return f | (ends_with(t, n, "ly") ? PS__F_ADVERB : 0);
}

static uint64_t shape_of(uint32_t f)
{
    return f & PS__Q_SHAPE_BITS;
}

/* The sequence element whose start is OFF, by binary search; -1 if none. */
static long find_start(const ps__qtok_t *s, size_t n, size_t off)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].start < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? (long)lo : -1;
}

static void mark_entities(ps__qtok_t *s, size_t n, const ps_entity_t *ents,
                          size_t nents)
{
    for (size_t e = 0; e < nents; e++) {
        for (size_t m = 0; m < ents[e].nmentions; m++) {
            const ps_mention_t *mm = &ents[e].mentions[m];
            long k = find_start(s, n, mm->offset);
            for (int first = 1; k >= 0 && (size_t)k < n &&
                                s[k].start < mm->offset + mm->length;
                 k++, first = 0) {
                s[k].ent = (uint8_t)(1 + ents[e].type * 2 + first);
                s[k].ent_index = (int)e;
            }
        }
    }
}

/* The first mark in TEXT[A, B) that can be a cue by itself: a colon
 * ("Sanders: ..."), a dash or a horizontal bar ("― Esther Tapia"). Its
 * offset, with its width in *W; SIZE_MAX when none. */
static size_t cue_mark(const char *text, size_t a, size_t b, size_t *w)
{
    const unsigned char *t = (const unsigned char *)text;
    for (size_t i = a; i < b; i++) {
        if (t[i] == ':') {
            *w = 1;
            return i;
        }
        if (t[i] == '-' && i + 1 < b && t[i + 1] == '-') {
            *w = 2;
            return i;
        }
        if (t[i] == 0xe2 && i + 2 < b && t[i + 1] == 0x80 &&
            (t[i + 2] == 0x94 || t[i + 2] == 0x95)) {
            *w = 3;
            return i;
        }
    }
    return SIZE_MAX;
}

static int room(ps__qtok_t **seq, size_t *cap, size_t want)
{
    if (want <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < want)
        c *= 2;
    ps__qtok_t *p = realloc(*seq, c * sizeof *p);
    if (!p)
        return -1;
    *seq = p;
    *cap = c;
    return 0;
}

/* Appends the element for bytes [ST, EN) of TEXT after the gap from
 * *PREV_END; TK is its token, or NULL for a punctuation mark. */
static void append(ps__qtok_t *s, size_t *n, const char *text, size_t base,
                   size_t st, size_t en, const ps_token_t *tk, size_t *prev_end,
                   uint8_t *inq, uint32_t *sent, const ps__qmodel_view_t *v)
{
    ps__qtok_t *q = &s[*n];
    memset(q, 0, sizeof *q);
    size_t open_at, close_end;
    q->gap = read_gap(text, *prev_end, st, inq, &open_at, &close_end);
    if (*n > 0)
        s[*n - 1].close_end = close_end ? close_end + base : 0;
    q->open_at = open_at == SIZE_MAX ? SIZE_MAX : open_at + base;
    q->inq = *inq;
    q->start = st + base;
    q->end = en + base;
    if (tk) {
        q->flags = tk->flags;
        if ((tk->flags & PS_TOK_SENT_START) && *n > 0)
            (*sent)++;
        /* A word is often its own stem, and a short one its own
         * suffix: the same bytes hash alike, so they are hashed once. */
        q->term = XXH3_64bits(tk->term, tk->term_len);
        q->stem = tk->stem_len == tk->term_len &&
                          memcmp(tk->stem, tk->term, tk->term_len) == 0
                      ? q->term
                      : XXH3_64bits(tk->stem, tk->stem_len);
        q->shape = shape_of(tk->flags);
        q->form = word_form(tk->term, tk->term_len);
        size_t k = tk->term_len > 3 ? tk->term_len - 3 : 0;
        q->suffix = k == 0 ? q->term
                           : XXH3_64bits(tk->term + k, tk->term_len - k);
    } else {
        q->term = q->stem = XXH3_64bits(text + st, en - st);
        q->shape = PS__Q_SHAPE_MARK; /* a mark, not a word */
    }
    q->sent = *sent;
    uint32_t rec = ps__q_lex_get(v, q->stem);
    q->lex = (uint8_t)(rec & 3);
    q->clus = (uint8_t)(rec >> 2);
    q->ent_index = -1;
    *prev_end = en;
    (*n)++;
}

size_t ps__q_sequence(const char *text, size_t len, size_t base,
                      const ps_token_t *tokens, size_t ntokens,
                      const ps_entity_t *ents, size_t nents,
                      const ps__qmodel_view_t *v, ps__qtok_t **seq,
                      size_t *cap)
{
    if (room(seq, cap, ntokens + 1))
        return (size_t)-1;
    size_t n = 0, prev_end = 0;
    uint8_t inq = 0;
    uint32_t sent = 0;
    for (size_t i = 0; i < ntokens; i++) {
        const ps_token_t *tk = &tokens[i];
        if (tk->flags & PS_TOK_PART)
            continue;
        size_t st = tk->offset - base, en = st + tk->length;
        if (tk->offset < base || st < prev_end || en > len)
            continue; /* never happens with the analyzer's tokens */
        size_t w, p;
        while ((p = cue_mark(text, prev_end, st, &w)) != SIZE_MAX) {
            /* Marks are fewer than the bytes: at most one element per
             * byte of the text in all. */
            if (room(seq, cap, n + (ntokens - i) + 2))
                return (size_t)-1;
            append(*seq, &n, text, base, p, p + w, NULL, &prev_end, &inq,
                   &sent, v);
        }
        if (room(seq, cap, n + (ntokens - i) + 1))
            return (size_t)-1;
        append(*seq, &n, text, base, st, en, tk, &prev_end, &inq, &sent, v);
    }
    ps__qtok_t *s = *seq;
    if (n > 0) {
        size_t open_at, close_end;
        read_gap(text, prev_end, len, &inq, &open_at, &close_end);
        s[n - 1].close_end = close_end ? close_end + base : 0;
    }
    mark_entities(s, n, ents, nents);
    return n;
}
