/* TEMPORARY STAND-IN for the trained attribution step (issue 21): helper
 * Q-plumb's clone only, so that indexing, queries and output can be built
 * and tested before helper Q-model's implementation of
 * include/psearch/quotes.h lands. The lead deletes this file at merge.
 *
 * It finds quotations only: a quotation (“…” or "…", at least three
 * words, within one line) with a speech verb next to it ("…,” Trump said",
 * "said John Lough", "Yermak insisted, “…”", and as mixed content
 * "Zelenskiy cautioned that “…”"), the source being the entity
 * mention or pronoun next to the verb; a second quotation right after the
 * source and cue ("“A,” he said, “B.”") continues the same content. The
 * speaker is the entity whose mention is the source; a pronoun stays
 * unresolved, "officials" and the like are unnamed. No model is read.
 *
 * For measuring the plumbing with attributions as a correct step finds
 * them, PSEARCH_QUOTE_ORACLE=FILE (PolNeAR's format, tests/gold/quotes.jsonl
 * or ../shared/data/polnear/dev.jsonl) makes it answer, for a text that is
 * one of FILE's texts, FILE's attributions instead: the speaker is the
 * entity of the gold "speaker" id, else the one whose mention overlaps
 * the source. */
#include <jansson.h>
#include <xxhash.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "psearch/quotes.h"

struct ps_quote_model {
    json_t *oracle; /* text hash (hex) -> the article's attributions */
};

/* One mention, for finding the entity at a token. */
struct ment {
    size_t off, end;
    int ent;
};

struct ps_quoter {
    const ps_quote_model_t *m;
    ps_byte_span_t *ospans; /* the oracle's spans */
    size_t ocap;
    ps_quote_t *quotes;
    ps_byte_span_t *spans; /* each quote's source, cue, content x2 */
    size_t cap;
    struct ment *ments;
    size_t mcap;
};

#define SPANS_PER_QUOTE 4
#define MIN_WORDS 3

const char *ps_quote_kind_name(ps_quote_kind_t k)
{
    static const char *const n[] = {"direct", "mixed", "indirect"};
    return (unsigned)k < 3 ? n[k] : NULL;
}

const char *ps_speaker_kind_name(ps_speaker_kind_t k)
{
    static const char *const n[] = {"entity", "pronoun", "unnamed", "none"};
    return (unsigned)k < 4 ? n[k] : NULL;
}

ps_status_t ps_quote_model_load(const char *path, ps_quote_model_t **out,
                                char **errmsg)
{
    (void)path;
    if (errmsg)
        *errmsg = NULL;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return PS_ENOMEM;
    const char *oracle = getenv("PSEARCH_QUOTE_ORACLE");
    FILE *f = oracle && *oracle ? fopen(oracle, "r") : NULL;
    if (f) {
        (*out)->oracle = json_object();
        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) > 0) {
            json_t *a = json_loads(line, 0, NULL);
            const char *t = json_string_value(json_object_get(a, "text"));
            if (t) {
                char key[32];
                snprintf(key, sizeof key, "%016llx",
                         (unsigned long long)XXH64(t, strlen(t), 0));
                json_object_set(a, "_key", json_string(key));
                json_object_set((*out)->oracle, key, a);
            }
            json_decref(a);
        }
        free(line);
        fclose(f);
    }
    return PS_OK;
}

void ps_quote_model_free(ps_quote_model_t *m)
{
    if (m)
        json_decref(m->oracle);
    free(m);
}

ps_status_t ps_quoter_new(const ps_quote_model_t *m, ps_quoter_t **out)
{
    *out = calloc(1, sizeof **out);
    if (*out)
        (*out)->m = m;
    return *out ? PS_OK : PS_ENOMEM;
}

void ps_quoter_free(ps_quoter_t *q)
{
    if (!q)
        return;
    free(q->quotes);
    free(q->spans);
    free(q->ments);
    free(q->ospans);
    free(q);
}

static int is_word(const ps_token_t *t, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(t->term, *list) == 0)
            return 1;
    return 0;
}

static const char *const CUES[] = {
    "said", "says", "say", "told", "tells", "added", "adds", "warned",
    "insisted", "noted", "noting", "cautioned", "stated", "asked", "replied",
    "wrote", "explained", "argued", "claimed", "declared", "acknowledged",
    "announced", "remarked", "continued", NULL};
static const char *const PRONOUNS[] = {"he", "she", "they", "we", "i", NULL};
static const char *const UNNAMED[] = {
    "official", "officials", "source", "sources", "spokesman",
    "spokeswoman", "spokesperson", "aide", "aides", "diplomat", "diplomats",
    "analyst", "analysts", "expert", "experts", NULL};

static int ment_cmp(const void *a, const void *b)
{
    const struct ment *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The mention that starts at byte OFF, or NULL. */
static const struct ment *ment_at(const ps_quoter_t *q, size_t n, size_t off)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->ments[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && q->ments[lo].off == off ? &q->ments[lo] : NULL;
}

/* The mention that ends at byte END (scanning back from token I), or
 * NULL: mentions are short, so looking at a few tokens back suffices. */
static const struct ment *ment_ending(const ps_quoter_t *q, size_t n,
                                      const ps_token_t *t, size_t i,
                                      size_t end)
{
    for (size_t k = 0; k < 6 && k <= i; k++) {
        const struct ment *m = ment_at(q, n, t[i - k].offset);
        if (m && m->end == end)
            return m;
    }
    return NULL;
}

static size_t line_end(const char *text, size_t len, size_t at)
{
    const char *nl = memchr(text + at, '\n', len - at);
    return nl ? (size_t)(nl - text) : len;
}

/* The closing mark of a quotation opened at AT (LEN bytes of mark), on the
 * same line; 0 when it never closes there. */
static size_t closing(const char *text, size_t len, size_t at, int curly)
{
    size_t e = line_end(text, len, at);
    for (size_t i = at; i < e; i++) {
        if (curly && i + 3 <= e && memcmp(text + i, "\xe2\x80\x9d", 3) == 0)
            return i + 3;
        if (!curly && text[i] == '"')
            return i + 1;
        if (curly && text[i] == '"')
            return 0;
    }
    return 0;
}

static int grow(ps_quoter_t *q, size_t n)
{
    if (n <= q->cap)
        return 0;
    size_t cap = q->cap ? q->cap * 2 : 16;
    while (cap < n)
        cap *= 2;
    ps_quote_t *qs = realloc(q->quotes, cap * sizeof *qs);
    if (!qs)
        return -1;
    q->quotes = qs;
    ps_byte_span_t *sp = realloc(q->spans, cap * SPANS_PER_QUOTE * sizeof *sp);
    if (!sp)
        return -1;
    q->spans = sp;
    q->cap = cap;
    return 0;
}

/* First token at or after byte OFF (absolute), by binary search. */
static size_t tok_at(const ps_token_t *t, size_t n, size_t off)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Only spaces and commas, colons or dashes between bytes A and B. */
static int glue(const char *text, size_t a, size_t b)
{
    if (b < a || b - a > 8)
        return 0;
    for (size_t i = a; i < b; i++)
        if (!strchr(" ,:", text[i]))
            return 0;
    return 1;
}

struct found {
    ps_byte_span_t src, cue;
    int has_src, speaker;
    ps_speaker_kind_t kind;
    size_t that; /* where "that" opens the content, else 0 */
};

static void set_source(const ps_quoter_t *q, size_t nm, const ps_token_t *t,
                       size_t i, size_t base, struct found *f)
{
    const struct ment *m = ment_at(q, nm, t[i].offset);
    f->has_src = 1;
    if (m) {
        f->src = (ps_byte_span_t){m->off, m->end};
        f->kind = PS_SPEAKER_ENTITY;
        f->speaker = m->ent;
    } else {
        f->src = (ps_byte_span_t){t[i].offset, t[i].offset + t[i].length};
        f->kind = is_word(&t[i], PRONOUNS) ? PS_SPEAKER_PRONOUN
                                           : PS_SPEAKER_UNNAMED;
    }
    (void)base;
}

/* A speech verb and source after the quotation ending at byte QE, or
 * before the one opening at QS. Returns 1 when found. */
static int find_cue(const ps_quoter_t *q, size_t nm, const char *text,
                    size_t base, const ps_token_t *t, size_t n, size_t qs,
                    size_t qe, struct found *f)
{
    memset(f, 0, sizeof *f);
    f->speaker = -1;
    f->kind = PS_SPEAKER_NONE;
    size_t i = tok_at(t, n, qe);
    if (i < n && glue(text, qe - base, t[i].offset - base)) {
        if (is_word(&t[i], CUES)) { /* “…,” said John Lough */
            f->cue = (ps_byte_span_t){t[i].offset, t[i].offset + t[i].length};
            if (i + 1 < n && glue(text, f->cue.end - base, t[i + 1].offset - base))
                set_source(q, nm, t, i + 1, base, f);
            /* "said Secretary of State Marco Rubio": the name a few words
             * on, with only spaces between, is the speaker. */
            for (size_t k = i + 1; f->kind != PS_SPEAKER_ENTITY && k < n &&
                                   k < i + 6 &&
                                   glue(text, t[k - 1].offset + t[k - 1].length - base,
                                        t[k].offset - base) &&
                                   !memchr(text + t[k - 1].offset - base, ',',
                                           t[k].offset - t[k - 1].offset);
                 k++) {
                const struct ment *m = ment_at(q, nm, t[k].offset);
                if (m) {
                    f->src = (ps_byte_span_t){t[i + 1].offset, m->end};
                    f->kind = PS_SPEAKER_ENTITY;
                    f->speaker = m->ent;
                }
            }
            return 1;
        }
        const struct ment *m = ment_at(q, nm, t[i].offset);
        size_t after = m ? tok_at(t, n, m->end) : i + 1;
        if ((m || is_word(&t[i], PRONOUNS) || is_word(&t[i], UNNAMED)) &&
            after < n && is_word(&t[after], CUES) &&
            glue(text, t[after - 1].offset + t[after - 1].length - base,
                 t[after].offset - base)) { /* “…,” Lough said */
            set_source(q, nm, t, i, base, f);
            f->cue = (ps_byte_span_t){t[after].offset,
                                      t[after].offset + t[after].length};
            return 1;
        }
    }
    i = tok_at(t, n, qs);
    static const char *const THAT[] = {"that", NULL};
    if (i > 1 && is_word(&t[i - 1], THAT) && is_word(&t[i - 2], CUES) &&
        glue(text, t[i - 1].offset + t[i - 1].length - base, qs - base) &&
        glue(text, t[i - 2].offset + t[i - 2].length - base,
             t[i - 1].offset - base)) {
        f->that = t[i - 1].offset; /* Zelenskiy cautioned that “…” */
        i--;
    }
    if (i > 0 && is_word(&t[i - 1], CUES) &&
        glue(text, t[i - 1].offset + t[i - 1].length - base,
             f->that ? f->that - base : qs - base)) {
        size_t c = i - 1; /* Yermak insisted, “…” */
        f->cue = (ps_byte_span_t){t[c].offset, t[c].offset + t[c].length};
        if (c > 0) {
            size_t end = t[c - 1].offset + t[c - 1].length;
            const struct ment *m = ment_ending(q, nm, t, c - 1, end);
            if (m) {
                f->has_src = 1;
                f->src = (ps_byte_span_t){m->off, m->end};
                f->kind = PS_SPEAKER_ENTITY;
                f->speaker = m->ent;
            } else if (is_word(&t[c - 1], PRONOUNS)) {
                set_source(q, nm, t, c - 1, base, f);
            }
        }
        return 1;
    }
    f->that = 0;
    return 0;
}

static size_t words_in(const ps_token_t *t, size_t n, size_t a, size_t b)
{
    size_t k = 0;
    for (size_t i = tok_at(t, n, a); i < n && t[i].offset < b; i++)
        k++;
    return k;
}

/* The next quotation on the text from byte AT: its [start, end) in
 * absolute offsets, or 0 when there is none. */
static int next_quote(const char *text, size_t len, size_t base, size_t *at,
                      size_t *qs, size_t *qe)
{
    while (*at < len) {
        const char *p = text + *at;
        int curly = *at + 3 <= len && memcmp(p, "\xe2\x80\x9c", 3) == 0;
        if (curly || *p == '"') {
            size_t open = *at, step = curly ? 3 : 1;
            size_t close = closing(text, len, open + step, curly);
            if (!close) {
                /* Unbalanced: nothing later on this line closes either,
                 * so skip the line (linear on a line of open marks). */
                *at = line_end(text, len, open + step);
                continue;
            }
            *qs = open + base;
            *qe = close + base;
            *at = close;
            return 1;
        }
        (*at)++;
    }
    return 0;
}

/* The spans of FIELD of the oracle's attribution A, appended at *N. */
static size_t oracle_field(ps_quoter_t *q, json_t *a, const char *field,
                           size_t base, size_t len, size_t *n)
{
    size_t first = *n, i;
    json_t *sp;
    json_array_foreach (json_object_get(a, field), i, sp) {
        size_t s = (size_t)json_integer_value(json_array_get(sp, 0));
        size_t e = (size_t)json_integer_value(json_array_get(sp, 1));
        if (s < base || e > base + len || s >= e)
            continue;
        q->ospans[(*n)++] = (ps_byte_span_t){s, e};
    }
    return *n - first;
}

static int has_quote_mark(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"' ||
            (i + 3 <= n && !memcmp(s + i, "\xe2\x80", 2) &&
             ((unsigned char)s[i + 2] == 0x9c || (unsigned char)s[i + 2] == 0x9d)))
            return 1;
    return 0;
}

/* The oracle's attributions of TEXT, if it has them: 1, else 0. */
static int oracle_run(ps_quoter_t *q, const char *text, size_t len,
                      size_t base, const ps_entity_t *ents, size_t nents,
                      size_t *nq)
{
    if (!q->m || !q->m->oracle || base != 0)
        return 0;
    char key[32];
    snprintf(key, sizeof key, "%016llx",
             (unsigned long long)XXH64(text, len, 0));
    json_t *art = json_object_get(q->m->oracle, key);
    json_t *atts = json_object_get(art, "attributions");
    if (!art)
        return 0;
    size_t na = json_array_size(atts), nspans = 0, i;
    json_t *a;
    json_array_foreach (atts, i, a)
        nspans += json_array_size(json_object_get(a, "source")) +
                  json_array_size(json_object_get(a, "cue")) +
                  json_array_size(json_object_get(a, "content"));
    if (grow(q, na + 1) || nspans > q->ocap) {
        free(q->ospans);
        q->ospans = malloc((nspans + 1) * sizeof *q->ospans);
        q->ocap = q->ospans ? nspans : 0;
        if (!q->ospans)
            return 0;
    }
    size_t n = 0, k = 0;
    json_array_foreach (atts, i, a) {
        ps_quote_t *o = &q->quotes[n];
        memset(o, 0, sizeof *o);
        size_t s0 = k;
        o->nsource = oracle_field(q, a, "source", base, len, &k);
        size_t c0 = k;
        o->ncue = oracle_field(q, a, "cue", base, len, &k);
        size_t t0 = k;
        o->ncontent = oracle_field(q, a, "content", base, len, &k);
        if (!o->ncontent)
            continue;
        o->source = o->nsource ? q->ospans + s0 : NULL;
        o->cue = q->ospans + c0;
        o->content = q->ospans + t0;
        const ps_byte_span_t *c = o->content;
        size_t cs = c[0].start, ce = c[o->ncontent - 1].end;
        int marks = has_quote_mark(text + cs, ce - cs);
        o->kind = !marks ? PS_QUOTE_INDIRECT
                  : (text[cs] == '"' || !memcmp(text + cs, "\xe2\x80\x9c", 3))
                      ? PS_QUOTE_DIRECT
                      : PS_QUOTE_MIXED;
        o->confidence = 1.0f;
        o->speaker = -1;
        o->speaker_kind = o->nsource ? PS_SPEAKER_UNNAMED : PS_SPEAKER_NONE;
        const char *want = json_string_value(json_object_get(a, "speaker"));
        for (size_t e = 0; e < nents && o->speaker < 0; e++) {
            if (want && !strcmp(ents[e].id, want))
                o->speaker = (int)e;
            for (size_t m = 0; !want && m < ents[e].nmentions; m++)
                for (size_t s = 0; s < o->nsource; s++)
                    if (ents[e].mentions[m].offset < o->source[s].end &&
                        ents[e].mentions[m].offset +
                                ents[e].mentions[m].length >
                            o->source[s].start)
                        o->speaker = (int)e;
        }
        if (o->speaker >= 0)
            o->speaker_kind = PS_SPEAKER_ENTITY;
        else if (want && !strcmp(want, "pronoun"))
            o->speaker_kind = PS_SPEAKER_PRONOUN;
        n++;
    }
    *nq = n;
    return 1;
}

ps_status_t ps_quoter_run(ps_quoter_t *q, const char *text, size_t len,
                          size_t base, const ps_token_t *tokens,
                          size_t ntokens, const ps_entity_t *ents,
                          size_t nents, const ps_quote_t **quotes,
                          size_t *nquotes)
{
    size_t on = 0;
    if (oracle_run(q, text, len, base, ents, nents, &on)) {
        *quotes = q->quotes;
        *nquotes = on;
        return PS_OK;
    }
    size_t nm = 0;
    for (size_t e = 0; e < nents; e++)
        nm += ents[e].nmentions;
    if (nm > q->mcap) {
        struct ment *m = realloc(q->ments, nm * sizeof *m);
        if (!m)
            return PS_ENOMEM;
        q->ments = m;
        q->mcap = nm;
    }
    nm = 0;
    for (size_t e = 0; e < nents; e++)
        for (size_t k = 0; k < ents[e].nmentions; k++)
            q->ments[nm++] = (struct ment){
                ents[e].mentions[k].offset,
                ents[e].mentions[k].offset + ents[e].mentions[k].length,
                (int)e};
    qsort(q->ments, nm, sizeof *q->ments, ment_cmp);

    size_t n = 0, at = 0, qs, qe;
    while (next_quote(text, len, base, &at, &qs, &qe)) {
        struct found f;
        if (words_in(tokens, ntokens, qs, qe) < MIN_WORDS ||
            !find_cue(q, nm, text, base, tokens, ntokens, qs, qe, &f))
            continue;
        if (grow(q, n + 1))
            return PS_ENOMEM;
        ps_byte_span_t *sp = q->spans + n * SPANS_PER_QUOTE;
        ps_quote_t *o = &q->quotes[n];
        memset(o, 0, sizeof *o);
        sp[0] = f.src;
        sp[1] = f.cue;
        sp[2] = (ps_byte_span_t){f.that ? f.that : qs, qe};
        o->ncontent = 1;
        /* “A,” he said, “B.”: the second quotation continues the first. */
        size_t last = f.has_src && f.src.end > f.cue.end ? f.src.end : f.cue.end;
        size_t at2 = last - base, qs2, qe2;
        if (last > qe && next_quote(text, len, base, &at2, &qs2, &qe2) &&
            glue(text, last - base, qs2 - base)) {
            sp[3] = (ps_byte_span_t){qs2, qe2};
            o->ncontent = 2;
            at = qe2 - base;
        }
        o->source = f.has_src ? &sp[0] : NULL;
        o->nsource = f.has_src ? 1 : 0;
        o->cue = &sp[1];
        o->ncue = 1;
        o->content = &sp[2];
        o->kind = f.that ? PS_QUOTE_MIXED : PS_QUOTE_DIRECT;
        o->speaker_kind = f.has_src ? f.kind : PS_SPEAKER_NONE;
        o->speaker = f.speaker;
        o->confidence = o->speaker_kind == PS_SPEAKER_ENTITY ? 0.9f : 0.6f;
        n++;
    }
    /* The arrays may have moved while growing: point into them again. */
    for (size_t i = 0; i < n; i++) {
        ps_byte_span_t *sp = q->spans + i * SPANS_PER_QUOTE;
        q->quotes[i].source = q->quotes[i].nsource ? &sp[0] : NULL;
        q->quotes[i].cue = &sp[1];
        q->quotes[i].content = &sp[2];
    }
    *quotes = q->quotes;
    *nquotes = n;
    return PS_OK;
}
