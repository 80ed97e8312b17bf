/* The NER decoder: scores each token's labels from the weights of its
 * features, finds the best label sequence of each line with Viterbi under
 * the BIO constraints, does it again with the second stage's weights and
 * features (ner_nonlocal.c), and turns the labels into spans of tokens. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"
#include "base/util.h"

#define L PS__NER_NLABELS

struct ps_ner_state {
    const ps_ner_model_t *m;
    ps__ner_feats_t f;
    ps__ner_nl_t nl;
    double trans[2][(L + 1) * L];
    double *scores;
    size_t cap_scores;
    uint8_t *back, *labels, *labels1;
    size_t cap_back, cap_labels, cap_labels1;
    ps_ner_span_t *spans;
    size_t cap_spans;
    ps__ner_lcache_t cache;
};

int ps__ner_allowed(int prev, int cur)
{
    if (!PS__NER_IS_I(cur))
        return 1;
    return prev > 0 && PS__NER_TYPE(prev) == PS__NER_TYPE(cur);
}

/* Four labels' scores: the lattice's columns go four labels at a time
 * (GCC's vector extension: two SSE2 registers on the x86-64 baseline,
 * one AVX2 register in ps__ner_viterbi()'s clone for machines that have
 * it). */
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));

/* Where mask M is set, A; elsewhere B. Macros, not functions: a
 * function passing vectors by value is an ABI question on x86-64. */
#define PICK(m, a, b) ((v4d)(((v4l)(a) & (m)) | ((v4l)(b) & ~(m))))

/* Whole vectors of labels, and the labels after them. */
enum { NV = L / 4, NREST = L % 4 };

/* One column of the Viterbi lattice: for each label C at this token, the
 * best label P at the token before by CUR[P] + TRANS[(P + 1) * L + C],
 * the first of equals as a scan in order of P finds it; its score plus
 * SC[C] into NXT[C] and P into BK[C]. Transitions ps__ner_allowed()
 * forbids are -INFINITY and never win, so scanning every P for every C
 * finds what scanning only the allowed ones did, in a few vector
 * operations a P; each score is the same single addition as before, so
 * the results are bit for bit the same. */
/* Always inlined, so that each clone of ps__ner_viterbi() has its own. */
static inline __attribute__((always_inline)) void
column(const double *cur, const double *trans, const double *sc, double *nxt,
       uint8_t *bk)
{
    v4d best[NV], arg[NV];
    double rbest[NREST + 1], rarg[NREST + 1];
    for (int i = 0; i < NV; i++) {
        best[i] = (v4d){-INFINITY, -INFINITY, -INFINITY, -INFINITY};
        arg[i] = (v4d){0, 0, 0, 0};
    }
    for (int r = 0; r < NREST; r++) {
        rbest[r] = -INFINITY;
        rarg[r] = 0;
    }
    for (int p = 0; p < L; p++) {
        const double *t = trans + (p + 1) * L;
        double c = cur[p], pd = p;
        v4d cv = {c, c, c, c}, pv = {pd, pd, pd, pd};
        for (int i = 0; i < NV; i++) {
            v4d tv;
            memcpy(&tv, t + 4 * i, sizeof tv);
            v4d v = cv + tv;
            v4l better = v > best[i];
            best[i] = PICK(better, v, best[i]);
            arg[i] = PICK(better, pv, arg[i]);
        }
        for (int r = 0; r < NREST; r++) {
            double v = c + t[4 * NV + r];
            int better = v > rbest[r];
            rarg[r] = better ? pd : rarg[r];
            rbest[r] = better ? v : rbest[r];
        }
    }
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < 4; j++) {
            nxt[4 * i + j] = best[i][j] + sc[4 * i + j];
            bk[4 * i + j] = (uint8_t)arg[i][j];
        }
    for (int r = 0; r < NREST; r++) {
        nxt[4 * NV + r] = rbest[r] + sc[4 * NV + r];
        bk[4 * NV + r] = (uint8_t)rarg[r];
    }
}

/* Compiled for AVX2 too, chosen when the program starts on a machine
 * that has it: column() then takes one register a vector. Static: a
 * function with clones is resolved at load time through a symbol that
 * the library would export (T060). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void viterbi(const double *scores, const double *trans, size_t from,
                    size_t to, uint8_t *back, uint8_t *out)
{
    if (from >= to)
        return;
    double cur[L], nxt[L];
    const double *sc = scores + from * L;
    for (int c = 0; c < L; c++)
        cur[c] = trans[c] + sc[c];
    for (size_t k = from + 1; k < to; k++) {
        column(cur, trans, scores + k * L, nxt, back + (k - from) * L);
        memcpy(cur, nxt, sizeof cur);
    }
    int arg = 0;
    for (int c = 1; c < L; c++)
        if (cur[c] > cur[arg])
            arg = c;
    for (size_t k = to; k-- > from;) {
        out[k] = (uint8_t)arg;
        if (k > from)
            arg = back[(k - from) * L + arg];
    }
}

void ps__ner_viterbi(const double *scores, const double *trans, size_t from,
                     size_t to, uint8_t *back, uint8_t *out)
{
    viterbi(scores, trans, from, to, back, out);
}

ps_status_t ps_ner_state_new(const ps_ner_model_t *m, ps_ner_state_t **out)
{
    *out = NULL;
    if (!m)
        return PS_EINVAL;
    ps_ner_state_t *s = calloc(1, sizeof *s);
    if (!s)
        return PS_ENOMEM;
    s->m = m;
    for (int st = 0; st < 2; st++)
        for (int p = -1; p < L; p++)
            for (int c = 0; c < L; c++)
                s->trans[st][(p + 1) * L + c] =
                    ps__ner_allowed(p, c) ? m->trans[st][(p + 1) * L + c]
                                          : -INFINITY;
    *out = s;
    return PS_OK;
}

/* Writes stage STAGE's scores of each token to S->scores, from the sums
 * of its rows' weights, then labels each line into OUT. */
static void decode(ps_ner_state_t *s, int stage, uint8_t *out)
{
    const ps__ner_feats_t *f = &s->f;
    for (size_t k = 0; k < f->n; k++) {
        const int32_t *acc =
            f->sums + k * 2 * PS__NER_ROW + stage * PS__NER_ROW;
        s->scores[k * L] = 0;
        for (int l = 0; l < PS__NER_ROW; l++)
            s->scores[k * L + 1 + l] = acc[l];
        /* A list ("Luhansk, Donetsk") is never one name: training data
         * has a name across a comma once in 1,500 names, and the model
         * alone sometimes joins them. */
        if (f->comma[k])
            for (int t = 0; t < PS_NER__COUNT; t++)
                s->scores[k * L + PS__NER_I(t)] = -INFINITY;
    }
    for (size_t a = 0; a < f->n;) {
        size_t b = a + 1;
        while (b < f->n && !f->line[b])
            b++;
        ps__ner_viterbi(s->scores, s->trans[stage], a, b, s->back, out);
        a = b;
    }
}

/* The longest text whose scratch a state keeps for the next text. The
 * indexer has a state for every file in its queue, and a long file (a
 * manual of 30,000 words) leaves some 400 bytes a token behind in each:
 * tens of megabytes that a rare long file does not deserve. */
#define KEEP_TOKENS 8192

/* Frees the scratch of the text just tagged, keeping the spans and what
 * ps__ner_state_feats() gives. */
static void release(ps_ner_state_t *s)
{
    ps__ner_feats_trim(&s->f);
    ps__ner_nl_free(&s->nl);
    free(s->scores);
    free(s->back);
    free(s->labels);
    free(s->labels1);
    s->scores = NULL;
    s->back = s->labels = s->labels1 = NULL;
    s->cap_scores = s->cap_back = s->cap_labels = s->cap_labels1 = 0;
}

void ps_ner_state_free(ps_ner_state_t *s)
{
    if (!s)
        return;
    release(s);
    ps__ner_feats_free(&s->f);
    free(s->spans);
    free(s);
}

ps_status_t ps_ner_tag(ps_ner_state_t *s, const char *text, size_t len,
                       size_t base, const ps_token_t *tokens, size_t ntokens,
                       const uint8_t *hints, const ps_ner_span_t **spans,
                       size_t *nspans)
{
    *spans = NULL;
    *nspans = 0;
    const ps_ner_model_t *m = s->m;
    ps__ner_lists_t lists = {m->list_keys, m->list_values, m->nlist, &s->cache};
    ps_status_t st = ps__ner_extract(&s->f, text, len, base, tokens, ntokens,
                                     hints, &lists, m->row_bits, m->weights);
    if (st != PS_OK)
        return st;
    size_t n = s->f.n;
    if (n == 0)
        return PS_OK;
    if (ps__grow(&s->scores, &s->cap_scores, n * L, sizeof *s->scores) != 0 ||
        ps__grow(&s->back, &s->cap_back, n * L, 1) != 0 ||
        ps__grow(&s->labels, &s->cap_labels, n, 1) != 0 ||
        ps__grow(&s->labels1, &s->cap_labels1, n, 1) != 0)
        return PS_ENOMEM;
    decode(s, 0, s->labels1);
    st = ps__ner_nonlocal(&s->nl, n, s->f.term, s->f.ctx, s->f.line, s->labels1,
                          m->row_bits, m->weights, s->f.sums);
    if (st != PS_OK)
        return st;
    decode(s, 1, s->labels);

    size_t ns = 0;
    for (size_t k = 0; k < n;) {
        int lab = s->labels[k];
        if (lab == PS__NER_O) {
            k++;
            continue;
        }
        size_t e = k + 1;
        while (e < n && !s->f.line[e] &&
               s->labels[e] == PS__NER_I(PS__NER_TYPE(lab)))
            e++;
        if (ps__grow(&s->spans, &s->cap_spans, ns + 1, sizeof *s->spans) != 0)
            return PS_ENOMEM;
        uint32_t first = s->f.tok[k];
        uint32_t end = e < n ? s->f.tok[e] : (uint32_t)ntokens;
        s->spans[ns].first = first;
        s->spans[ns].count = end - first;
        s->spans[ns].type = (ps_ner_type_t)PS__NER_TYPE(lab);
        ns++;
        k = e;
    }
    *spans = s->spans;
    *nspans = ns;
    if (n > KEEP_TOKENS)
        release(s);
    return PS_OK;
}

const ps__ner_feats_t *ps__ner_state_feats(const ps_ner_state_t *s)
{
    return &s->f;
}

uint32_t ps__ner_word_record(const ps_ner_model_t *m, uint64_t term_hash)
{
    return ps__ner_list_get(m->list_keys, m->list_values, m->nlist,
                            ps__ner_word_key(term_hash));
}

uint32_t ps__ner_phrase_record(const ps_ner_model_t *m,
                               const uint64_t *term_hashes, size_t n)
{
    return ps__ner_list_get(m->list_keys, m->list_values, m->nlist,
                            ps__ner_phrase_key(term_hashes, n));
}
