/* Features of the NER model: turns one text's analyzer tokens into, for
 * each token the model labels, the rows of the weight table its features
 * hash to. No feature string is ever built: each token's word, surface,
 * shape and affixes are hashed once, and a feature is a template number
 * mixed with one or two of those hashes. Tagging and training share this
 * code, so both see exactly the same features. */
#include <stdlib.h>
#include <string.h>

/* Tagging hashes some 15 short strings a token: the library's functions
 * inlined here skip a call through the PLT for each, and give the same
 * hashes. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "ner/ner_private.h"
#include "base/util.h"

/* Feature templates. The numbers are part of the model format: changing
 * them or what they hash needs a new format version (ner_model.c). */
enum {
    F_BIAS = 1,
    F_WORD,
    F_SURF,
    F_SHAPE,
    F_SSHAPE,
    F_PRE,     /* + length 1..4 */
    F_SUF = 9, /* + length 1..4 */
    F_WPREV = 13,
    F_WNEXT,
    F_WPREV2,
    F_WNEXT2,
    F_WPREV_W,
    F_W_WNEXT,
    F_SSPREV,
    F_SSNEXT,
    F_SS3,
    F_CTX,
    F_CTX_SS,
    F_CTX_LINE,
    F_POS,
    F_PUNCT_B,
    F_PUNCT_A,
    F_PUNCT_B_SS,
    F_POSS,
    F_ACRONYM,
    F_WLIST_BIT,
    F_WLIST,
    F_WLIST_CTX,
    F_WLIST_PREV,
    F_WLIST_NEXT,
    F_PHRASE,
    F_PHRASE_CTX,
    F_HINT,
    F_HINT_CTX,
    F_HINT_PREV,
    F_HINT_NEXT,
    F_DOC_CTX,
    F_LOWER_CTX,
    F_CLUSTER,
    F_CLUSTER_PREV,
    F_CLUSTER_NEXT,
    F_CLUSTER_CTX,
};

/* Kinds of line, by how its words are written. */
enum { LINE_NORMAL = 0, LINE_UPPER, LINE_TITLE };

/* A word's occurrences elsewhere in the same text. */
enum { DOC_CAP_MID = 1, DOC_LOWER = 2, DOC_UPPER_MID = 4 };

typedef struct tinfo {
    uint64_t term, surf, shape, sshape, punct_b, punct_a;
    const char *t;
    uint32_t tlen, flags;
    uint32_t wlist, wfeat; /* The word's list record; its feature bits. */
    uint32_t cluster;
    uint8_t ctx, line_kind, pos, hint, phrase_b, phrase_i, doc;
    uint8_t newline; /* The token opens a line (f->line: a sentence). */
} tinfo_t;

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

/* The most rows a token has: 31 of the token and its neighbours, one per
 * bit of its list record (12 at most), 4 of the lists, 8 of phrases, 4
 * of hints, 6 of the text and clusters. */
#define MAX_TOKEN_ROWS 65

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

/* Appends a row for feature hash H. */
#define ADD(h) (rows[nr++] = (uint32_t)((h) >> shift))

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

    /* Per token: hashes, flags, lines. */
    size_t prev_end = 0;
    for (size_t i = 0, k = 0; i < ntokens; i++) {
        const ps_token_t *tk = &tokens[i];
        if (tk->flags & PS_TOK_PART)
            continue;
        tinfo_t *t = &s->ti[k];
        size_t off = tk->offset - base;
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
        t->hint = hints ? hints[i] : 0;
        if (lists)
            list_prefetch(lists, ps__ner_word_key(t->term));
        if (k > 0) {
            /* The bytes after the previous token are those before this. */
            size_t pe = prev_end;
            s->ti[k - 1].punct_a = punct(text + pe, off - pe, 0);
        }
        prev_end = off + tk->length;
        k++;
    }
    /* The word records, once every lookup has been asked for. */
    for (size_t k = 0; k < n; k++) {
        tinfo_t *t = &s->ti[k];
        t->wlist = lists ? list_get(lists, ps__ner_word_key(t->term)) : 0;
        t->wfeat = t->wlist & PS__NER_W_FEATURES;
        t->cluster = PS__NER_W_CLUSTER(t->wlist);
    }
    if (n > 0) {
        size_t tail = prev_end;
        const char *nl = memchr(text + tail, '\n', len - tail);
        size_t end = nl ? (size_t)(nl - text) : len;
        s->ti[n - 1].punct_a = punct(text + tail, end - tail, 0);
    }

    /* Per line: its kind, then each token's capitalisation in context
     * and position in its sentence. A line whose only lowercase words are
     * short ("of", "and") is a title. */
    for (size_t a = 0, seg = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && !s->ti[b].newline)
            b++;
        size_t lower = 0, upper = 0;
        for (size_t k = a; k < b; k++) {
            tinfo_t *t = &s->ti[k];
            if (t->flags & PS_TOK_NUMBER)
                continue;
            if (t->flags & PS_TOK_UPPER)
                upper++;
            else if (!(t->flags & PS_TOK_CAP) && t->tlen > 3 &&
                     has_letter(t->t, t->tlen))
                lower++;
        }
        uint8_t kind = lower > 0                           ? LINE_NORMAL
                       : upper > 0 && upper * 2 >= (b - a) ? LINE_UPPER
                                                           : LINE_TITLE;
        for (size_t k = a; k < b; k++) {
            tinfo_t *t = &s->ti[k];
            t->line_kind = kind;
            if (f->line[k])
                seg = k;
            size_t p = k - seg;
            int last = k + 1 == n || f->line[k + 1];
            t->pos = (uint8_t)((p < 3 ? p : 3) | (last ? 4 : 0));
            uint32_t fl = t->flags;
            if (fl & PS_TOK_NUMBER)
                t->ctx = CTX_NUMBER;
            else if (!has_letter(t->t, t->tlen))
                t->ctx = CTX_OTHER;
            else if (!(fl & PS_TOK_CAP))
                t->ctx = CTX_LOWER;
            else if (kind == LINE_UPPER)
                t->ctx = CTX_CAP_HEAD;
            else if (kind == LINE_TITLE)
                t->ctx = CTX_CAP_TITLE;
            else if (fl & PS_TOK_SENT_START)
                t->ctx = CTX_CAP_START;
            else if (fl & PS_TOK_UPPER)
                t->ctx = CTX_UPPER_MID;
            else
                t->ctx = CTX_CAP_MID;
            f->ctx[k] = t->ctx;
            f->term[k] = t->term;
        }
        a = b;
    }
    if (doc_bits(s, n) != 0)
        return PS_ENOMEM;
    phrases(s, f->line, n, lists);

    /* The features. Tagging sums each token's rows as soon as they are
     * known, so a long text needs no array of all its rows. */
    uint32_t local[2][MAX_TOKEN_ROWS];
    size_t nlocal = 0; /* Rows of the previous token in local[(k - 1) & 1]. */
    uint32_t *rows = local[0];
    if (weights) {
        if (ps__grow(&f->sums, &f->cap_sums, n * 2 * PS__NER_ROW,
                     sizeof *f->sums) != 0)
            return PS_ENOMEM;
    } else {
        if (ps__grow(&f->rows, &f->cap_rows, n * MAX_TOKEN_ROWS,
                     sizeof *f->rows) != 0)
            return PS_ENOMEM;
        rows = f->rows;
    }
    size_t nr = 0;
    unsigned shift = 64 - row_bits;
    const uint64_t BOL = 0x424f4c, EOL = 0x454f4c;
    for (size_t k = 0; k < n; k++) {
        const tinfo_t *t = &s->ti[k];
        int first = f->line[k], last = k + 1 == n || f->line[k + 1];
        int first2 = first || f->line[k - 1];
        int last2 = last || k + 2 == n || f->line[k + 2];
        const tinfo_t *p = first ? NULL : &s->ti[k - 1];
        const tinfo_t *q = last ? NULL : &s->ti[k + 1];
        uint64_t wp = p ? p->term : BOL, wn = q ? q->term : EOL;
        uint64_t sp = p ? p->sshape : BOL, sn = q ? q->sshape : EOL;
        if (!weights)
            f->start[k] = (uint32_t)nr;

        ADD(ps__ner_feat1(F_BIAS, 0));
        ADD(ps__ner_feat1(F_WORD, t->term));
        ADD(ps__ner_feat1(F_SURF, t->surf));
        ADD(ps__ner_feat1(F_SHAPE, t->shape));
        ADD(ps__ner_feat1(F_SSHAPE, t->sshape));
        for (uint32_t l = 1; l <= 4 && l < t->tlen; l++) {
            ADD(ps__ner_feat1(F_PRE + l - 1, XXH3_64bits(t->t, l)));
            ADD(ps__ner_feat1(F_SUF + l - 1,
                              XXH3_64bits(t->t + t->tlen - l, l)));
        }
        ADD(ps__ner_feat1(F_WPREV, wp));
        ADD(ps__ner_feat1(F_WNEXT, wn));
        ADD(ps__ner_feat1(F_WPREV2, first2 ? BOL : s->ti[k - 2].term));
        ADD(ps__ner_feat1(F_WNEXT2, last2 ? EOL : s->ti[k + 2].term));
        ADD(ps__ner_feat2(F_WPREV_W, wp, t->term));
        ADD(ps__ner_feat2(F_W_WNEXT, t->term, wn));
        ADD(ps__ner_feat1(F_SSPREV, sp));
        ADD(ps__ner_feat1(F_SSNEXT, sn));
        ADD(ps__ner_feat2(F_SS3, ps__ner_mix(sp) ^ sn, t->sshape));
        ADD(ps__ner_feat1(F_CTX, t->ctx));
        ADD(ps__ner_feat2(F_CTX_SS, t->ctx, t->sshape));
        ADD(ps__ner_feat2(F_CTX_LINE, t->ctx, t->line_kind));
        ADD(ps__ner_feat2(F_POS, t->pos, t->line_kind));
        ADD(ps__ner_feat1(F_PUNCT_B, t->punct_b));
        ADD(ps__ner_feat1(F_PUNCT_A, t->punct_a));
        ADD(ps__ner_feat2(F_PUNCT_B_SS, t->punct_b, t->sshape));
        if (t->flags & PS_TOK_POSSESSIVE)
            ADD(ps__ner_feat1(F_POSS, t->ctx));
        if (t->flags & PS_TOK_ACRONYM)
            ADD(ps__ner_feat1(F_ACRONYM, 0));
        /* Each set bit, lowest first, without testing the others. */
        for (uint32_t bits = t->wfeat; bits; bits &= bits - 1)
            ADD(ps__ner_feat1(F_WLIST_BIT, (unsigned)__builtin_ctz(bits)));
        ADD(ps__ner_feat1(F_WLIST, t->wfeat));
        ADD(ps__ner_feat2(F_WLIST_CTX, t->wfeat, t->ctx));
        ADD(ps__ner_feat1(F_WLIST_PREV, p ? p->wfeat : 0xffff));
        ADD(ps__ner_feat1(F_WLIST_NEXT, q ? q->wfeat : 0xffff));
        if (t->phrase_b | t->phrase_i) {
            for (unsigned ty = 0; ty < PS_NER__COUNT; ty++) {
                if ((t->phrase_b | t->phrase_i) & (1u << ty)) {
                    uint64_t v = ty * 2 + !!(t->phrase_b & (1u << ty));
                    ADD(ps__ner_feat1(F_PHRASE, v));
                    ADD(ps__ner_feat2(F_PHRASE_CTX, v, t->ctx));
                }
            }
        }
        if (t->hint) {
            ADD(ps__ner_feat1(F_HINT, t->hint));
            ADD(ps__ner_feat2(F_HINT_CTX, t->hint, t->ctx));
        }
        if (p && p->hint)
            ADD(ps__ner_feat1(F_HINT_PREV, p->hint));
        if (q && q->hint)
            ADD(ps__ner_feat1(F_HINT_NEXT, q->hint));
        ADD(ps__ner_feat2(F_DOC_CTX, t->doc, t->ctx));
        ADD(ps__ner_feat1(F_CLUSTER, t->cluster));
        ADD(ps__ner_feat1(F_CLUSTER_PREV, p ? p->cluster : 0xffff));
        ADD(ps__ner_feat1(F_CLUSTER_NEXT, q ? q->cluster : 0xffff));
        ADD(ps__ner_feat2(F_CLUSTER_CTX, t->cluster, t->ctx));
        if (t->ctx != CTX_LOWER && t->ctx != CTX_CAP_MID)
            ADD(ps__ner_feat2(F_LOWER_CTX, t->term, t->ctx));
        if (weights) {
            /* The rows scatter over megabytes and most miss the cache:
             * ask for this token's now and add the previous token's, so
             * that hashing the next token hides the wait. */
            for (size_t r = 0; r < nr; r++)
                __builtin_prefetch(weights + (size_t)rows[r] * 2 * PS__NER_ROW);
            if (k > 0)
                sum_rows(f->sums + (k - 1) * 2 * PS__NER_ROW, weights,
                         local[(k - 1) & 1], nlocal);
            nlocal = nr;
            nr = 0;
            rows = local[(k + 1) & 1];
        }
    }
    if (weights && n > 0)
        sum_rows(f->sums + (n - 1) * 2 * PS__NER_ROW, weights,
                 local[(n - 1) & 1], nlocal);
    if (!weights)
        f->start[n] = (uint32_t)nr;
    return PS_OK;
}
