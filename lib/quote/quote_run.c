/* The quoter: labels an article's tokens with the quote model's two
 * stages, groups the labels into attributions (quote_group.c), turns token
 * ranges into byte spans (a quote's content keeps its quotation marks, as
 * the annotation does), and says of each its kind, its confidence and its
 * speaker (quote_speaker.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"
#include "quote_speaker.h"

struct ps_quoter {
    const ps_quote_model_t *m;
    ps__qtok_t *seq;
    size_t cap;
    double *scores;
    int32_t *acc2; /* both stages' sums, sixteen per token (ps__q_label2) */
    ps__qnear_t *near;
    uint8_t *back, *p1, *lab;
    float *margin;
    ps__qattr_t *attrs;
    uint32_t *ctx;
    uint8_t *wlab;
    size_t lcap;
    ps_quote_t *quotes;
    ps_byte_span_t *spans;
    size_t qcap, scap;
    ps__qspk_t spk; /* what the speaker rules know of the article */
    ps__qwcache_t *wc; /* the words' hashes (quote_words.c) */
    ps__qrsum_t *rs;   /* the role tagger's kept sums (quote_rsum.c) */
};

ps_status_t ps_quoter_new(const ps_quote_model_t *m, ps_quoter_t **out)
{
    *out = NULL;
    if (!m)
        return PS_EINVAL;
    ps_quoter_t *q = calloc(1, sizeof *q);
    if (!q)
        return PS_ENOMEM;
    q->m = m;
    q->wc = ps__q_wcache_new(m->v.row_bits);
    q->rs = calloc(1, sizeof *q->rs);
    if (!q->wc || !q->rs) {
        ps_quoter_free(q);
        return PS_ENOMEM;
    }
    *out = q;
    return PS_OK;
}

void ps_quoter_free(ps_quoter_t *q)
{
    if (!q)
        return;
    free(q->seq);
    free(q->scores);
    free(q->acc2);
    free(q->near);
    free(q->back);
    free(q->p1);
    free(q->lab);
    free(q->margin);
    free(q->attrs);
    free(q->ctx);
    free(q->wlab);
    free(q->quotes);
    free(q->spans);
    ps__q_speakers_free(&q->spk);
    ps__q_wcache_free(q->wc);
    ps__q_rsum_free(q->rs);
    free(q);
}

void ps__q_score(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                 size_t i, int stage, const uint8_t *pred1, uint32_t *rows,
                 double *sc)
{
    size_t nf = ps__q_features(s, n, i, stage, pred1, v->row_bits, rows);
    int32_t acc[PS__Q_NLABELS] = {0};
    for (size_t f = 0; f < nf; f++) {
        const int16_t *w = v->weights[stage] + (size_t)rows[f] * PS__Q_NLABELS;
        for (int l = 0; l < PS__Q_NLABELS; l++)
            acc[l] += w[l];
    }
    for (int l = 0; l < PS__Q_NLABELS; l++)
        sc[l] = acc[l];
}

/* Viterbi for each line of the sequence (a path per line: a quote rarely
 * crosses a paragraph, and training decodes the same way). */
static void decode_lines(const ps__qtok_t *s, size_t n, const double *scores,
                         const double *trans, uint8_t *back, uint8_t *lab)
{
    for (size_t a = 0; a < n;) {
        size_t e = a + 1;
        while (e < n && !(s[e].flags & PS_TOK_LINE_START))
            e++;
        ps__q_viterbi(scores + a * PS__Q_NLABELS, trans, e - a, back, lab + a);
        a = e;
    }
}

static void stage_trans(const ps__qmodel_view_t *v, int stage, double *trans)
{
    enum { L = PS__Q_NLABELS };
    for (int k = 0; k < (L + 1) * L; k++)
        trans[k] = ps__q_allowed(k / L - 1, k % L) ? (double)v->trans[stage][k]
                                                   : -INFINITY;
}

/* Asks for the rows ROWS[0..NF) of W (STRIDE weights a row) to be
 * brought into the cache. */
static void prefetch_rows(const int16_t *w, size_t stride, const uint32_t *rows,
                          size_t nf)
{
#pragma GCC unroll 8
    for (size_t f = 0; f < nf; f++)
        __builtin_prefetch(w + (size_t)rows[f] * stride);
}

/* ACC[0..16) += the sums of ROWS of both stages' side-by-side rows W. */
PS__Q_CLONES static void sum_stages(int32_t *acc, const int16_t *w,
                                    const uint32_t *rows, size_t nf)
{
    int32_t a[16];
    memcpy(a, acc, sizeof a);
    ps__q_add_rows(a, w, 16, rows, nf, 16);
    memcpy(acc, a, sizeof a);
}

/* Token I's first-stage rows into ROWS (their count returned): with the
 * words W (the word cache's), those outside its small-set group when it
 * has one, whose key *KEY gets (else 0). */
static size_t features1(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                        size_t n, size_t i, const ps__qnear_t *near,
                        const ps__qwords_t *w, uint32_t *rows, uint64_t *key)
{
    if (w && v->tab)
        return ps__q_features1g(s, n, i, near, v->tab, w, v->row_bits, rows,
                                key);
    *key = 0;
    return ps__q_features1(s, n, i, near, v->tab, w, v->row_bits, rows);
}

/* ACC[0..8) += the sums of ROWS of the second stage's rows in W. */
PS__Q_CLONES static void sum_stage2(int32_t *acc, const int16_t *w,
                                    const uint32_t *rows, size_t nf)
{
    int32_t a[8];
    memcpy(a, acc, sizeof a);
    ps__q_add_rows(a, w + 8, 16, rows, nf, 8);
    memcpy(acc, a, sizeof a);
}

/* ACC[0..8) += the second stage's own sums of the quiet token I (Q's
 * precomputed sums and its two stem features): what sum_stage2 adds of
 * its features, integer sums in another order. */
static void add_quiet(int32_t *acc, const ps__qquiet_t *q, const int16_t *w,
                      const ps__qtok_t *s, size_t i, uint32_t row_bits)
{
    uint32_t rows[2];
    ps__q_quiet_rows(q, s, i, row_bits, rows);
    typedef int32_t v8i_t __attribute__((vector_size(32)));
    v8i_t a, k, g;
    memcpy(&a, acc, sizeof a);
    memcpy(&k, q->k[s[i].inq], sizeof k);
    memcpy(&g, q->gap[s[i].gap], sizeof g);
    a += k + g;
    memcpy(acc, &a, sizeof a);
    sum_stage2(acc, w, rows, 2);
}

/* Both stages with the eight-wide weights. The first stage's features are
 * the second's too, and a row's weights of both stages lie side by side:
 * one pass sums both into ACC2 (n rows of sixteen: the second stage's
 * part, then the first stage's scores), and the second pass adds only
 * the second stage's own features to its part. Both decode from the
 * integer sums (quote_decode.c). */
static void label_wide(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                       size_t n, double *scores, int32_t *acc2,
                       ps__qnear_t *near, ps__qwcache_t *wc, uint8_t *back,
                       uint8_t *p1, uint8_t *out)
{
    enum { L = PS__Q_NLABELS };
    uint32_t rows[PS__Q_MAXF], buf[2][PS__Q_MAXF];
    const int16_t *w = v->wide_stages;
    ps__q_near1(s, n, near);
    /* In blocks, each with its tokens' words and two either side. A
     * token's rows are found one token ahead of their sums, and asked of
     * the memory then (the table is larger than a core's cache), so that
     * they arrive while the next token's features are worked out. */
    for (size_t b = 0; b < n; b += PS__Q_WBLOCK) {
        size_t e = b + PS__Q_WBLOCK < n ? b + PS__Q_WBLOCK : n;
        ps__qwords_t words;
        const ps__qwords_t *wp = wc ? &words : NULL;
        if (wc) {
            ps__q_words(wc, s, b >= 2 ? b - 2 : 0, e + 2 < n ? e + 2 : n,
                        &words);
            words.pf = w;
        }
        uint32_t *cur = buf[0], *next = buf[1];
        uint64_t key = 0, nkey = 0;
        size_t nn = features1(v, s, n, b, near, wp, next, &nkey);
        for (size_t i = b; i < e; i++) {
            uint32_t *t = cur;
            size_t nf = nn;
            cur = next;
            next = t;
            key = nkey;
            if (i + 1 < e) {
                nn = features1(v, s, n, i + 1, near, wp, next, &nkey);
                if (!wp)
                    prefetch_rows(w, 16, next, nn);
            }
            int32_t a[16];
            if (key)
                memcpy(a, ps__q_group1(wc, v, key), sizeof a);
            else
                memset(a, 0, sizeof a);
            sum_stages(a, w, cur, nf);
            memcpy(acc2 + i * 16, a + 8, 8 * sizeof *a);
            memcpy(acc2 + i * 16 + 8, a, 8 * sizeof *a);
        }
    }
    ps__q_decode_int(s, n, acc2 + 8, 16, v->trans[0], scores, back, p1);
    ps__q_near2(s, n, p1, near);
    for (size_t i = 0; i < n; i++) {
        int32_t *a2 = acc2 + i * 16;
        if (v->quiet && ps__q_quiet(s, n, i, p1, near))
            add_quiet(a2, v->quiet, w, s, i, v->row_bits);
        else
            sum_stage2(a2, w, rows,
                       ps__q_features2(s, n, i, p1, near, v->tab, v->row_bits,
                                       rows));
    }
    ps__q_decode_int(s, n, acc2, 16, v->trans[1], scores, back, out);
}

/* margins() of the second stage's integer sums ACC2 (label_wide's), the
 * same numbers. */
static void margins_int(const int32_t *acc2, size_t n, const uint8_t *out,
                        float *margin)
{
    enum { L = PS__Q_NLABELS };
    for (size_t i = 0; margin && i < n; i++) {
        if (PS__Q_ROLE(out[i]) != 2) {
            margin[i] = 0;
            continue;
        }
        const int32_t *sc = acc2 + i * 16;
        double other = -1e300;
        for (int l = 0; l < L; l++)
            if (l != out[i] && sc[l] > other)
                other = sc[l];
        margin[i] = (float)(sc[out[i]] - other);
    }
}

static void margins(const double *scores, size_t n, const uint8_t *out,
                    float *margin)
{
    enum { L = PS__Q_NLABELS };
    for (size_t i = 0; margin && i < n; i++) {
        /* Only a cue's margins are read (its confidence), and cues are
         * few: the other tokens' are left 0. */
        if (PS__Q_ROLE(out[i]) != 2) {
            margin[i] = 0;
            continue;
        }
        const double *sc = scores + i * L;
        double other = -1e300;
        for (int l = 0; l < L; l++)
            if (l != out[i] && sc[l] > other)
                other = sc[l];
        margin[i] = (float)(sc[out[i]] - other);
    }
}

void ps__q_label2(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                  double *scores, int32_t *acc2, ps__qnear_t *near,
                  ps__qwcache_t *wc, uint8_t *back, uint8_t *p1, uint8_t *out,
                  float *margin)
{
    enum { L = PS__Q_NLABELS };
    if (v->wide_stages && acc2 && near) {
        label_wide(v, s, n, scores, acc2, near, wc, back, p1, out);
        margins_int(acc2, n, out, margin);
        return;
    }
    uint32_t rows[PS__Q_MAXF];
    double trans[(L + 1) * L];
    for (int stage = 0; stage < PS__Q_STAGES; stage++) {
        stage_trans(v, stage, trans);
        for (size_t i = 0; i < n; i++)
            ps__q_score(v, s, n, i, stage, p1, rows, scores + i * L);
        decode_lines(s, n, scores, trans, back, stage == 0 ? p1 : out);
    }
    margins(scores, n, out, margin);
}

void ps__q_label(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                 double *scores, uint8_t *back, uint8_t *p1, uint8_t *out,
                 float *margin)
{
    ps__q_label2(v, s, n, scores, NULL, NULL, NULL, back, p1, out, margin);
}

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < want)
        c *= 2;
    void *np = realloc(*p, c * size);
    if (!np)
        return -1;
    *p = np;
    *cap = c;
    return 0;
}

static int is_quote_at(const char *t, size_t i, size_t end, size_t *w)
{
    const unsigned char *u = (const unsigned char *)t;
    if (u[i] == '"') {
        *w = 1;
        return 1;
    }
    if (u[i] == '\'' && i + 1 < end && u[i + 1] == '\'') {
        *w = 2;
        return 1;
    }
    if (u[i] == 0xe2 && i + 2 < end && u[i + 1] == 0x80 &&
        (u[i + 2] == 0x9c || u[i + 2] == 0x9d || u[i + 2] == 0x9e)) {
        *w = 3;
        return 1;
    }
    if (u[i] == 0xc2 && i + 1 < end && (u[i + 1] == 0xab || u[i + 1] == 0xbb)) {
        *w = 2;
        return 1;
    }
    return 0;
}

/* The kind of content from byte A to B of TEXT (offsets without BASE), as
 * score.py defines it: direct when it begins and ends with a quotation
 * mark, mixed when it holds one elsewhere. */
static ps_quote_kind_t kind_of(const char *text, size_t a, size_t b)
{
    while (a < b && (text[a] == ' ' || text[a] == '\n' || text[a] == '\t'))
        a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\n'))
        b--;
    size_t w = 0;
    int starts = a < b && is_quote_at(text, a, b, &w);
    int ends = 0, any = 0;
    for (size_t i = a; i < b; i++) {
        if (is_quote_at(text, i, b, &w)) {
            any = 1;
            if (i + w == b && i > a)
                ends = 1;
            i += w - 1;
        }
    }
    return starts && ends ? PS_QUOTE_DIRECT
           : any          ? PS_QUOTE_MIXED
                          : PS_QUOTE_INDIRECT;
}

static int by_start(const void *pa, const void *pb)
{
    const ps_quote_t *a = pa, *b = pb;
    size_t x = a->ncontent ? a->content[0].start : 0;
    size_t y = b->ncontent ? b->content[0].start : 0;
    size_t fx = a->ncue && a->cue[0].start < x ? a->cue[0].start : x;
    size_t fy = b->ncue && b->cue[0].start < y ? b->cue[0].start : y;
    if (a->nsource && a->source[0].start < fx)
        fx = a->source[0].start;
    if (b->nsource && b->source[0].start < fy)
        fy = b->source[0].start;
    return fx < fy ? -1 : fx > fy;
}

static int buffers(ps_quoter_t *q, size_t n)
{
    if (n <= q->lcap)
        return 0;
    size_t c = n + n / 2 + 16;
    double *sc = realloc(q->scores, c * PS__Q_NLABELS * sizeof *sc);
    if (sc)
        q->scores = sc;
    uint8_t *b = realloc(q->back, c * PS__Q_NLABELS);
    if (b)
        q->back = b;
    uint8_t *p1 = realloc(q->p1, c), *lab = sc && b ? realloc(q->lab, c) : NULL;
    if (p1)
        q->p1 = p1;
    if (lab)
        q->lab = lab;
    float *mg = realloc(q->margin, c * sizeof *mg);
    if (mg)
        q->margin = mg;
    ps__qattr_t *at = realloc(q->attrs, c * sizeof *at);
    if (at)
        q->attrs = at;
    uint32_t *cx = realloc(q->ctx, PS__Q_CTX_ARRAYS * (c + 1) * sizeof *cx);
    if (cx)
        q->ctx = cx;
    uint8_t *wl = realloc(q->wlab, c);
    if (wl)
        q->wlab = wl;
    int32_t *a2 = realloc(q->acc2, c * 16 * sizeof *a2);
    if (a2)
        q->acc2 = a2;
    ps__qnear_t *nr = realloc(q->near, c * sizeof *nr);
    if (nr)
        q->near = nr;
    if (!sc || !b || !p1 || !lab || !mg || !at || !cx || !wl || !a2 || !nr)
        return -1;
    q->lcap = c;
    return 0;
}

/* Writes the byte spans of A's content pieces to OUT, each widened to the
 * quotation marks around it, and returns how many. Two pieces that the
 * marks make overlap (a run like '' " that closes one quotation
 * and opens the next) become one, so the spans stay sorted and apart. */
static uint32_t content_spans(const ps__qtok_t *s, const ps__qattr_t *a,
                              ps_byte_span_t *out)
{
    uint32_t n = 0;
    for (uint32_t p = 0; p < a->ncon; p++) {
        const ps__qtok_t *f = &s[a->con[p][0]], *l = &s[a->con[p][1] - 1];
        size_t st = f->open_at != SIZE_MAX ? f->open_at : f->start;
        size_t en = l->close_end > l->end ? l->close_end : l->end;
        if (n > 0 && st < out[n - 1].end) {
            if (en > out[n - 1].end)
                out[n - 1].end = en;
            continue;
        }
        out[n++] = (ps_byte_span_t){st, en};
    }
    return n;
}

void ps__q_calib_inputs(double margin, float scale, ps_quote_kind_t kind,
                        ps_speaker_kind_t sk, double x[PS__Q_NCALIB])
{
    x[PS__QC_MARGIN] = margin / scale;
    x[PS__QC_BIAS] = 1;
    x[PS__QC_DIRECT] = kind == PS_QUOTE_DIRECT;
    x[PS__QC_MIXED] = kind == PS_QUOTE_MIXED;
    x[PS__QC_ENTITY] = sk == PS_SPEAKER_ENTITY;
    x[PS__QC_PRONOUN] = sk == PS_SPEAKER_PRONOUN;
    x[PS__QC_NOSOURCE] = sk == PS_SPEAKER_NONE;
}

float ps__q_confidence(const ps__qmodel_view_t *v, double margin,
                       ps_quote_kind_t kind, ps_speaker_kind_t sk)
{
    double x[PS__Q_NCALIB], z = 0;
    ps__q_calib_inputs(margin, v->conf_scale, kind, sk, x);
    for (int k = 0; k < PS__Q_NCALIB; k++)
        z += v->calib[k] * x[k];
    return (float)(1 / (1 + exp(-(z > 50 ? 50 : z < -50 ? -50 : z))));
}

/* Makes the quotes of the N attributions in q->attrs. */
static ps_status_t build(ps_quoter_t *q, const char *text, size_t base,
                         size_t n, size_t na, const ps_entity_t *ents,
                         size_t nents)
{
    const ps__qtok_t *s = q->seq;
    if (grow((void **)&q->quotes, &q->qcap, na + 1, sizeof *q->quotes) ||
        grow((void **)&q->spans, &q->scap, na * 6 + 1, sizeof *q->spans) ||
        ps__q_speakers_begin(&q->spk, s, n, ents, nents) != PS_OK)
        return PS_ENOMEM;
    size_t ns = 0;
    for (size_t k = 0; k < na; k++) {
        const ps__qattr_t *a = &q->attrs[k];
        ps_quote_t *o = &q->quotes[k];
        memset(o, 0, sizeof *o);
        o->source = (const ps_byte_span_t *)(uintptr_t)ns;
        if (a->src[1] > a->src[0]) {
            q->spans[ns++] =
                (ps_byte_span_t){s[a->src[0]].start, s[a->src[1] - 1].end};
            o->nsource = 1;
        }
        o->cue = (const ps_byte_span_t *)(uintptr_t)ns;
        q->spans[ns++] =
            (ps_byte_span_t){s[a->cue[0]].start, s[a->cue[1] - 1].end};
        o->ncue = 1;
        o->content = (const ps_byte_span_t *)(uintptr_t)ns;
        o->ncontent = content_spans(s, a, q->spans + ns);
        ns += o->ncontent;
        o->kind = kind_of(
            text, q->spans[(uintptr_t)o->content].start - base,
            q->spans[(uintptr_t)o->content + o->ncontent - 1].end - base);
        ps__q_speaker(&q->spk, s, n, a, ents, nents, &o->speaker_kind,
                      &o->speaker);
    }
    if (ps__q_speakers_settle(&q->spk, s, n, q->attrs, q->quotes, na, nents))
        for (size_t k = 0; k < na; k++)
            ps__q_speaker(&q->spk, s, n, &q->attrs[k], ents, nents,
                          &q->quotes[k].speaker_kind, &q->quotes[k].speaker);
    for (size_t k = 0; k < na; k++) {
        ps_quote_t *o = &q->quotes[k];
        o->confidence = ps__q_confidence(&q->m->v, q->attrs[k].margin,
                                         o->kind, o->speaker_kind);
    }
    for (size_t k = 0; k < na; k++) {
        ps_quote_t *o = &q->quotes[k];
        o->source = q->spans + (uintptr_t)o->source;
        o->cue = q->spans + (uintptr_t)o->cue;
        o->content = q->spans + (uintptr_t)o->content;
    }
    qsort(q->quotes, na, sizeof *q->quotes, by_start);
    return PS_OK;
}

ps_status_t ps_quoter_run(ps_quoter_t *q, const char *text, size_t len,
                          size_t base, const ps_token_t *tokens, size_t ntokens,
                          const ps_entity_t *ents, size_t nents,
                          const ps_quote_t **quotes, size_t *nquotes)
{
    *quotes = NULL;
    *nquotes = 0;
    const ps__qmodel_view_t *v = &q->m->v;
    size_t n = ps__q_sequence(text, len, base, tokens, ntokens, ents, nents, v,
                              &q->seq, &q->cap);
    if (n == (size_t)-1 || buffers(q, n + 1))
        return PS_ENOMEM;
    if (n == 0)
        return PS_OK;
    ps__q_label2(v, q->seq, n, q->scores, q->acc2, q->near, q->wc, q->back,
                 q->p1, q->lab, q->margin);
    ps__qctx_t cx = {q->ctx, q->ctx + n + 1, q->ctx + 2 * (n + 1),
                     q->ctx + 3 * (n + 1)};
    ps__q_context(q->seq, n, q->p1, &cx);
    size_t na = ps__q_attribute(v, q->seq, n, q->p1, q->lab, q->margin, &cx,
                                q->rs, q->scores, q->back, q->wlab, q->attrs);
    ps_status_t st = build(q, text, base, n, na, ents, nents);
    if (st != PS_OK)
        return st;
    *quotes = q->quotes;
    *nquotes = na;
    return PS_OK;
}
