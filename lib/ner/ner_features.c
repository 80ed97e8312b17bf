/* Features of the NER model: turns one text's analyzer tokens into, for
 * each token the model labels, the rows of the weight table its features
 * hash to. No feature string is ever built: each token's word, surface,
 * shape and affixes are hashed once, and a feature is a template number
 * mixed with one or two of those hashes (the templates are in
 * ner_templates.c). This file works out what each token is: its hashes,
 * its capitalisation in context, its line, what the lists and the rest of
 * the text say of it; then it drives the templates over the tokens.
 * Tagging and training share this code, so both see exactly the same
 * features. */
#include <stdlib.h>
#include <string.h>

/* Tagging hashes some 15 short strings a token: the library's functions
 * inlined here skip a call through the PLT for each, and give the same
 * hashes. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "ner/ner_private.h"
#include "ner/ner_templates.h"
#include "base/util.h"

typedef struct scratch {
    tinfo_t *ti;
    size_t cap_ti;
    uint64_t *dkeys; /* The text's words, for DOC_* bits. */
    uint8_t *dvals;
    size_t cap_d;
} scratch_t;

uint64_t ps__ner_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

uint64_t ps__ner_word_key(uint64_t term_hash)
{
    uint64_t k = ps__ner_mix(term_hash ^ 0x5752444b45595f31ULL);
    return k ? k : 1;
}

uint64_t ps__ner_phrase_key(const uint64_t *term_hashes, size_t n)
{
    uint64_t k = 0x5048524153455f31ULL + n;
    for (size_t i = 0; i < n; i++)
        k = ps__ner_mix(k ^ term_hashes[i]) + 0x9e3779b97f4a7c15ULL;
    return k ? k : 1;
}

static void free_scratch(ps__ner_feats_t *f)
{
    scratch_t *s = f->scratch;
    if (s) {
        free(s->ti);
        free(s->dkeys);
        free(s->dvals);
        free(s);
        f->scratch = NULL;
    }
}

void ps__ner_feats_free(ps__ner_feats_t *f)
{
    if (!f)
        return;
    free(f->tok);
    free(f->line);
    free(f->start);
    free(f->rows);
    free(f->term);
    free(f->ctx);
    free(f->comma);
    free(f->sums);
    free_scratch(f);
    memset(f, 0, sizeof *f);
}

void ps__ner_feats_trim(ps__ner_feats_t *f)
{
    free(f->rows);
    free(f->sums);
    f->rows = NULL;
    f->sums = NULL;
    f->cap_rows = f->cap_sums = 0;
    free_scratch(f);
}

/* Hashes the shape of a surface form: X for an uppercase ASCII letter, x
 * lowercase, d digit, a for a non-ASCII character, punctuation as itself.
 * The short shape collapses runs of the same class. */
static void shapes(const char *s, size_t n, uint64_t *shape, uint64_t *sshape)
{
    char full[16], brief[16];
    size_t nf = 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char k;
        if (c >= 'A' && c <= 'Z')
            k = 'X';
        else if (c >= 'a' && c <= 'z')
            k = 'x';
        else if (c >= '0' && c <= '9')
            k = 'd';
        else if (c >= 0xc0)
            k = 'a';
        else if (c >= 0x80)
            continue;
        else
            k = (char)c;
        if (nf < sizeof full)
            full[nf++] = k;
        if (nb == 0 || brief[nb - 1] != k) {
            if (nb < sizeof brief)
                brief[nb++] = k;
        }
    }
    *shape = XXH3_64bits(full, nf) + nf;
    *sshape = XXH3_64bits(brief, nb);
}

/* Hashes up to 3 non-space bytes of S[0..N) from the end (FROM_END) or
 * the start: the punctuation between two tokens. */
static uint64_t punct(const char *s, size_t n, int from_end)
{
    char buf[3];
    size_t k = 0;
    if (from_end) {
        for (size_t i = n; i-- > 0 && k < sizeof buf;)
            if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
                buf[k++] = s[i];
    } else {
        for (size_t i = 0; i < n && k < sizeof buf; i++)
            if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
                buf[k++] = s[i];
    }
    return XXH3_64bits(buf, k) + k;
}

static int has_letter(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            return 1;
        if (c >= 0xc0)
            return 1;
    }
    return 0;
}

/* Reallocates the array at PP (the address of any object pointer) to N
 * elements of SIZE bytes; 0, or -1 with the array unchanged. */
static int resize(void *pp, size_t n, size_t size)
{
    void **p = pp;
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

static int ensure(ps__ner_feats_t *f, scratch_t *s, size_t n)
{
    if (n + 1 > f->cap_n) {
        size_t cap = f->cap_n ? f->cap_n : 64;
        while (cap < n + 1)
            cap *= 2;
        if (resize(&f->tok, cap, sizeof *f->tok) != 0 ||
            resize(&f->line, cap, 1) != 0 ||
            resize(&f->start, cap, sizeof *f->start) != 0 ||
            resize(&f->term, cap, sizeof *f->term) != 0 ||
            resize(&f->ctx, cap, 1) != 0 || resize(&f->comma, cap, 1) != 0)
            return -1;
        f->cap_n = cap;
    }
    if (ps__grow(&s->ti, &s->cap_ti, n, sizeof *s->ti) != 0)
        return -1;
    return 0;
}

/* Fills the DOC_* bits: how each word is written elsewhere in the text. */
static int doc_bits(scratch_t *s, size_t n)
{
    size_t slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    if (slots > s->cap_d) {
        uint64_t *k = realloc(s->dkeys, slots * sizeof *k);
        if (!k)
            return -1;
        s->dkeys = k;
        uint8_t *v = realloc(s->dvals, slots);
        if (!v)
            return -1;
        s->dvals = v;
        s->cap_d = slots;
    }
    memset(s->dkeys, 0, slots * sizeof *s->dkeys);
    size_t mask = slots - 1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n; k++) {
            tinfo_t *t = &s->ti[k];
            uint64_t key = t->term | 1;
            size_t i = (size_t)ps__ner_mix(key) & mask;
            while (s->dkeys[i] != 0 && s->dkeys[i] != key)
                i = (i + 1) & mask;
            if (pass == 0) {
                if (s->dkeys[i] == 0) {
                    s->dkeys[i] = key;
                    s->dvals[i] = 0;
                }
                if (t->ctx == CTX_CAP_MID)
                    s->dvals[i] |= DOC_CAP_MID;
                else if (t->ctx == CTX_LOWER)
                    s->dvals[i] |= DOC_LOWER;
                else if (t->ctx == CTX_UPPER_MID)
                    s->dvals[i] |= DOC_UPPER_MID;
            } else {
                t->doc = s->dvals[i];
            }
        }
    }
    return 0;
}

/* The value of KEY in LISTS, 0 when absent. */
static uint32_t list_get(const ps__ner_lists_t *lists, uint64_t key)
{
    ps__ner_lcache_t *c = lists->cache;
    size_t i = (size_t)(key % PS__NER_LCACHE);
    if (c && c->key[i] == key)
        return c->value[i];
    uint32_t v =
        ps__ner_list_get(lists->keys, lists->values, lists->nslots, key);
    if (c) {
        c->key[i] = key;
        c->value[i] = v;
    }
    return v;
}

/* Asks for the memory that looking KEY up in LISTS will read, unless
 * the cache has it: lookups in a table of megabytes mostly miss. */
static void list_prefetch(const ps__ner_lists_t *lists, uint64_t key)
{
    const ps__ner_lcache_t *c = lists->cache;
    if (lists->nslots == 0 || (c && c->key[key % PS__NER_LCACHE] == key))
        return;
    uint32_t i = (uint32_t)key & (lists->nslots - 1);
    __builtin_prefetch(lists->keys + i);
    __builtin_prefetch(lists->values + i);
}

/* Marks the names of the phrase list found in the text, longest first,
 * each starting at a capitalised word and staying within a line. */
static void phrases(scratch_t *s, const uint8_t *line, size_t n,
                    const ps__ner_lists_t *lists)
{
    for (size_t k = 0; k < n; k++)
        s->ti[k].phrase_b = s->ti[k].phrase_i = 0;
    if (!lists || lists->nslots == 0)
        return;
    uint64_t h[PS__NER_MAX_PHRASE];
    for (size_t k = 0; k < n;) {
        if (!(s->ti[k].flags & PS_TOK_CAP)) {
            k++;
            continue;
        }
        if (!(s->ti[k].wlist & ~PS__NER_W_FEATURES)) {
            k++;
            continue;
        }
        size_t max = 0;
        while (max < PS__NER_MAX_PHRASE && k + max < n &&
               (max == 0 || !line[k + max])) {
            h[max] = s->ti[k + max].term;
            max++;
        }
        size_t len = 0;
        uint32_t v = 0;
        for (size_t l = max; l > 0 && !v; l--) {
            if (!(s->ti[k].wlist & PS__NER_W_STARTS(l)))
                continue;
            v = list_get(lists, ps__ner_phrase_key(h, l));
            len = l;
        }
        if (!v) {
            k++;
            continue;
        }
        s->ti[k].phrase_b = (uint8_t)v;
        for (size_t j = 1; j < len; j++)
            s->ti[k + j].phrase_i = (uint8_t)v;
        k += len;
    }
}

/* Sets ACC to the sums of the weights of the N rows ROWS, both stages.
 * Widening 16 weights of 16 bits takes one AVX2 instruction and several
 * of the SSE2 the x86-64 baseline has, so the function also comes
 * compiled for AVX2, chosen when the program starts on a machine that
 * has it; integer sums, so the same results either way. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void
sum_rows(int32_t *acc, const int16_t *weights, const uint32_t *rows, size_t n)
{
    int32_t a[2 * PS__NER_ROW] = {0};
    ps__ner_add_rows(a, weights, rows, n, 2 * PS__NER_ROW);
    memcpy(acc, a, sizeof a);
}

/* The text being extracted and what the caller gave with it. */
typedef struct source {
    const char *text;
    size_t len, base;
    const ps_token_t *tokens;
    size_t ntokens;
    const uint8_t *hints;
    const ps__ner_lists_t *lists;
} source_t;

/* Describes sequence token K, the analyzer's token I, by itself: hashes,
 * flags, whether a line starts at it. PREV_END is where the previous
 * sequence token ends, in the text. */
static void describe_token(ps__ner_feats_t *f, scratch_t *s,
                           const source_t *src, size_t i, size_t k,
                           size_t prev_end)
{
    const ps_token_t *tk = &src->tokens[i];
    const char *text = src->text;
    tinfo_t *t = &s->ti[k];
    size_t off = tk->offset - src->base;
    f->tok[k] = (uint32_t)i;
    t->newline =
        k == 0 || memchr(text + prev_end, '\n', off - prev_end) != NULL;
    f->line[k] = t->newline || (tk->flags & PS_TOK_SENT_START);
    t->t = tk->term;
    t->tlen = tk->term_len;
    t->flags = tk->flags;
    t->term = XXH3_64bits(tk->term, tk->term_len);
    t->surf = XXH3_64bits(text + off, tk->length);
    shapes(text + off, tk->length, &t->shape, &t->sshape);
    t->punct_b = punct(text + prev_end, off - prev_end, 1);
    f->comma[k] = k > 0 && (memchr(text + prev_end, ',', off - prev_end) ||
                            memchr(text + prev_end, ';', off - prev_end));
    t->hint = src->hints ? src->hints[i] : 0;
    if (src->lists)
        list_prefetch(src->lists, ps__ner_word_key(t->term));
    /* The bytes after the previous token are those before this. */
    if (k > 0)
        s->ti[k - 1].punct_a = punct(text + prev_end, off - prev_end, 0);
}

/* Describes every sequence token by itself, then looks up its word
 * record in the lists. */
static void describe_tokens(ps__ner_feats_t *f, scratch_t *s,
                            const source_t *src)
{
    size_t prev_end = 0, n = f->n;
    for (size_t i = 0, k = 0; i < src->ntokens; i++) {
        const ps_token_t *tk = &src->tokens[i];
        if (tk->flags & PS_TOK_PART)
            continue;
        describe_token(f, s, src, i, k++, prev_end);
        prev_end = tk->offset - src->base + tk->length;
    }
    /* The word records, once every lookup has been asked for. */
    for (size_t k = 0; k < n; k++) {
        tinfo_t *t = &s->ti[k];
        t->wlist =
            src->lists ? list_get(src->lists, ps__ner_word_key(t->term)) : 0;
        t->wfeat = t->wlist & PS__NER_W_FEATURES;
        t->cluster = PS__NER_W_CLUSTER(t->wlist);
    }
    if (n > 0) {
        const char *text = src->text;
        size_t tail = prev_end;
        const char *nl = memchr(text + tail, '\n', src->len - tail);
        size_t end = nl ? (size_t)(nl - text) : src->len;
        s->ti[n - 1].punct_a = punct(text + tail, end - tail, 0);
    }
}

/* The kind of the line of tokens [A, B). A line whose only lowercase
 * words are short ("of", "and") is a title. */
static uint8_t line_kind(const scratch_t *s, size_t a, size_t b)
{
    size_t lower = 0, upper = 0;
    for (size_t k = a; k < b; k++) {
        const tinfo_t *t = &s->ti[k];
        if (t->flags & PS_TOK_NUMBER)
            continue;
        if (t->flags & PS_TOK_UPPER)
            upper++;
        else if (!(t->flags & PS_TOK_CAP) && t->tlen > 3 &&
                 has_letter(t->t, t->tlen))
            lower++;
    }
    return lower > 0                           ? LINE_NORMAL
           : upper > 0 && upper * 2 >= (b - a) ? LINE_UPPER
                                               : LINE_TITLE;
}

/* The capitalisation in context of T, on a line of KIND. */
static uint8_t token_ctx(const tinfo_t *t, uint8_t kind)
{
    uint32_t fl = t->flags;
    if (fl & PS_TOK_NUMBER)
        return CTX_NUMBER;
    if (!has_letter(t->t, t->tlen))
        return CTX_OTHER;
    if (!(fl & PS_TOK_CAP))
        return CTX_LOWER;
    if (kind == LINE_UPPER)
        return CTX_CAP_HEAD;
    if (kind == LINE_TITLE)
        return CTX_CAP_TITLE;
    if (fl & PS_TOK_SENT_START)
        return CTX_CAP_START;
    if (fl & PS_TOK_UPPER)
        return CTX_UPPER_MID;
    return CTX_CAP_MID;
}

/* Per line: its kind, then each token's capitalisation in context and
 * position in its sentence. */
static void describe_lines(ps__ner_feats_t *f, scratch_t *s)
{
    size_t n = f->n;
    for (size_t a = 0, seg = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && !s->ti[b].newline)
            b++;
        uint8_t kind = line_kind(s, a, b);
        for (size_t k = a; k < b; k++) {
            tinfo_t *t = &s->ti[k];
            t->line_kind = kind;
            if (f->line[k])
                seg = k;
            size_t p = k - seg;
            int last = k + 1 == n || f->line[k + 1];
            t->pos = (uint8_t)((p < 3 ? p : 3) | (last ? 4 : 0));
            t->ctx = token_ctx(t, kind);
            f->ctx[k] = t->ctx;
            f->term[k] = t->term;
        }
        a = b;
    }
}

/* Token K and its neighbours within its sentence. */
static ps__ner_window_t window(const ps__ner_feats_t *f, const scratch_t *s,
                               size_t k)
{
    size_t n = f->n;
    int first = f->line[k], last = k + 1 == n || f->line[k + 1];
    int first2 = first || f->line[k - 1];
    int last2 = last || k + 2 == n || f->line[k + 2];
    ps__ner_window_t w = {
        .prev2 = first2 ? NULL : &s->ti[k - 2],
        .prev = first ? NULL : &s->ti[k - 1],
        .tok = &s->ti[k],
        .next = last ? NULL : &s->ti[k + 1],
        .next2 = last2 ? NULL : &s->ti[k + 2],
    };
    return w;
}

/* Training: every token's rows, one token after another, into F->rows. */
static ps_status_t extract_rows(ps__ner_feats_t *f, const scratch_t *s,
                                unsigned shift)
{
    size_t n = f->n;
    if (ps__grow(&f->rows, &f->cap_rows, n * MAX_TOKEN_ROWS, sizeof *f->rows) !=
        0)
        return PS_ENOMEM;
    size_t nr = 0;
    for (size_t k = 0; k < n; k++) {
        ps__ner_window_t w = window(f, s, k);
        f->start[k] = (uint32_t)nr;
        nr += ps__ner_token_rows(f->rows + nr, &w, shift);
    }
    f->start[n] = (uint32_t)nr;
    return PS_OK;
}

/* Tagging: the sums of each token's rows' weights, into F->sums, made as
 * soon as the rows are known, so a long text needs no array of all its
 * rows. */
static ps_status_t extract_sums(ps__ner_feats_t *f, const scratch_t *s,
                                unsigned shift, const int16_t *weights)
{
    size_t n = f->n;
    if (ps__grow(&f->sums, &f->cap_sums, n * 2 * PS__NER_ROW,
                 sizeof *f->sums) != 0)
        return PS_ENOMEM;
    uint32_t local[2][MAX_TOKEN_ROWS];
    size_t nlocal = 0; /* Rows of the previous token in local[(k - 1) & 1]. */
    for (size_t k = 0; k < n; k++) {
        ps__ner_window_t w = window(f, s, k);
        uint32_t *rows = local[k & 1];
        size_t nr = ps__ner_token_rows(rows, &w, shift);
        /* The rows scatter over megabytes and most miss the cache: ask
         * for this token's now and add the previous token's, so that
         * hashing the next token hides the wait. */
        for (size_t r = 0; r < nr; r++)
            __builtin_prefetch(weights + (size_t)rows[r] * 2 * PS__NER_ROW);
        if (k > 0)
            sum_rows(f->sums + (k - 1) * 2 * PS__NER_ROW, weights,
                     local[(k - 1) & 1], nlocal);
        nlocal = nr;
    }
    if (n > 0)
        sum_rows(f->sums + (n - 1) * 2 * PS__NER_ROW, weights,
                 local[(n - 1) & 1], nlocal);
    return PS_OK;
}

ps_status_t ps__ner_extract(ps__ner_feats_t *f, const char *text, size_t len,
                            size_t base, const ps_token_t *tokens,
                            size_t ntokens, const uint8_t *hints,
                            const ps__ner_lists_t *lists, uint32_t row_bits,
                            const int16_t *weights)
{
    if (!f->scratch && !(f->scratch = calloc(1, sizeof(scratch_t))))
        return PS_ENOMEM;
    scratch_t *s = f->scratch;
    size_t n = 0;
    for (size_t i = 0; i < ntokens; i++)
        n += !(tokens[i].flags & PS_TOK_PART);
    if (ensure(f, s, n) != 0)
        return PS_ENOMEM;
    f->n = n;

    source_t src = {text, len, base, tokens, ntokens, hints, lists};
    describe_tokens(f, s, &src);
    describe_lines(f, s);
    if (doc_bits(s, n) != 0)
        return PS_ENOMEM;
    phrases(s, f->line, n, lists);
    unsigned shift = 64 - row_bits;
    return weights ? extract_sums(f, s, shift, weights)
                   : extract_rows(f, s, shift);
}
