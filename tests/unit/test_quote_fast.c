/* Unit tests of the quote step's fast paths against the plain ones they
 * stand for (lib/quote/): the labeller the quoter runs (eight-wide
 * weights, first-stage sums reused, the sentence scans done once a
 * sequence) gives the labels and margins of the labeller the trainer
 * runs; its feature rows are the trainer's, token by token; the
 * eight-wide Viterbi and the integer one decode as the full loop does,
 * on the model's scores and on random ones with ties and masks;
 * the rows the quoter reads from tables made at load are the ones the
 * trainer hashes, and the role tagger's scores from kept sums are the
 * sums of those rows.
 * A feature or decoding change that breaks one path and not the other
 * fails here rather than as a quiet drop in `make quote-eval`. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/ner.h"
#include "psearch/quotes.h"
#include "quote/quote_private.h"

enum { L = PS__Q_NLABELS };

static char root_path[4096];

static const char *corpus_file(const char *name)
{
    const char *root = getenv("PSEARCH_ROOT");
    snprintf(root_path, sizeof root_path, "%s/corpus/%s",
             root && *root ? root : ".", name);
    return root_path;
}

/* Reads the shipped article NAME (NUL-terminated) or fails the test. */
static char *slurp(const char *name, size_t *len)
{
    FILE *fp = fopen(corpus_file(name), "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = 0;
    fclose(fp);
    return buf;
}

/* The full Viterbi loop of the first version, the reference. */
static void viterbi_ref(const double *scores, const double *trans, size_t n,
                        uint8_t *back, uint8_t *out)
{
    double cur[L], nxt[L];
    if (n == 0)
        return;
    for (int l = 0; l < L; l++)
        cur[l] = trans[l] + scores[l];
    for (size_t k = 1; k < n; k++) {
        for (int l = 0; l < L; l++) {
            double best = -1e300;
            int arg = 0;
            for (int p = 0; p < L; p++) {
                double v = cur[p] + trans[(p + 1) * L + l];
                if (v > best) {
                    best = v;
                    arg = p;
                }
            }
            nxt[l] = best + scores[k * L + l];
            back[k * L + l] = (uint8_t)arg;
        }
        memcpy(cur, nxt, sizeof cur);
    }
    int arg = 0;
    for (int l = 1; l < L; l++)
        if (cur[l] > cur[arg])
            arg = l;
    for (size_t k = n; k-- > 0;) {
        out[k] = (uint8_t)arg;
        if (k > 0)
            arg = back[k * L + arg];
    }
}

/* Random scores from a few values (so ties happen), some minus infinity
 * as the role mask sets them; transitions as ps__q_allowed has them, or
 * all allowed when ANY. */
static void random_case(unsigned seed, size_t n, int any, double *scores,
                        double *trans)
{
    srand(seed);
    for (size_t i = 0; i < n * L; i++)
        scores[i] = rand() % 7 == 0 ? -INFINITY : (double)(rand() % 5 - 2);
    for (int k = 0; k < (L + 1) * L; k++)
        trans[k] = !any && !ps__q_allowed(k / L - 1, k % L)
                       ? -INFINITY
                       : (double)(rand() % 3 - 1);
}

static void test_viterbi(void **state)
{
    (void)state;
    enum { N = 200 };
    double scores[N * L], trans[(L + 1) * L];
    uint8_t back[N * L], a[N], b[N];
    for (unsigned seed = 1; seed <= 400; seed++) {
        size_t n = 1 + seed % N;
        random_case(seed, n, seed % 4 == 0, scores, trans);
        viterbi_ref(scores, trans, n, back, a);
        ps__q_viterbi(scores, trans, n, back, b);
        assert_memory_equal(a, b, n);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The integer decoder (quote_decode.c) labels each line as the full
 * double loop does: scores from a few values (ties) or up to the largest
 * sums, transitions small, large, or too large for it (its double path). */
static void test_viterbi_int(void **state)
{
    (void)state;
    enum { N = 300 };
    ps__qtok_t s[N];
    int32_t sc[N * 16], tr[(L + 1) * L];
    double dsc[N * L], dtr[(L + 1) * L], scratch[N * L];
    uint8_t back[N * L + 8], a[N], b[N];
    for (unsigned seed = 1; seed <= 300; seed++) {
        srand(seed);
        size_t n = 1 + (size_t)rand() % N;
        int32_t big = seed % 3 == 0 ? 1 << 21 : 3;
        int32_t tbig = seed % 5 == 0 ? 1 << 27 : seed % 5 == 1 ? 1 << 25 : 2;
        memset(s, 0, sizeof s);
        for (size_t i = 0; i < n; i++) {
            s[i].flags = i == 0 || rand() % 40 == 0 ? PS_TOK_LINE_START : 0;
            for (int l = 0; l < 16; l++)
                sc[i * 16 + l] = rand() % (2 * big + 1) - big;
        }
        for (int k = 0; k < (L + 1) * L; k++) {
            tr[k] = rand() % (2 * tbig + 1) - tbig;
            dtr[k] = ps__q_allowed(k / L - 1, k % L) ? tr[k] : -INFINITY;
        }
        ps__q_decode_int(s, n, sc + 8, 16, tr, scratch, back, b);
        for (size_t x = 0; x < n;) {
            size_t e = x + 1;
            while (e < n && !(s[e].flags & PS_TOK_LINE_START))
                e++;
            for (size_t i = x; i < e; i++)
                for (int l = 0; l < L; l++)
                    dsc[(i - x) * L + l] = sc[i * 16 + 8 + l];
            viterbi_ref(dsc, dtr, e - x, back, a + x);
            x = e;
        }
        assert_memory_equal(a, b, n);
    }
}

/* The role windows' integer decoder labels a window as the role mask and
 * the double loop do, or declines: random scores (ties, large ones), the
 * cue anywhere in the window, at its ends too. */
static void test_viterbi_role(void **state)
{
    (void)state;
    enum { W = 200 };
    int32_t sc[W * 8], tr[(L + 1) * L], bk[W * 8];
    double dsc[W * L], dtr[(L + 1) * L];
    uint8_t back[W * L], a[W], b[W];
    int declined = 0;
    for (unsigned seed = 1; seed <= 600; seed++) {
        srand(seed);
        size_t w = 1 + (size_t)rand() % W;
        uint32_t c0 = seed % 7 == 0 ? 0 : (uint32_t)((size_t)rand() % w);
        uint32_t c1 = seed % 5 == 0 ? (uint32_t)w
                                    : c0 + 1 + (uint32_t)(rand() % 3);
        if (c1 > w)
            c1 = (uint32_t)w;
        int32_t big = seed % 3 == 0 ? 1 << 21 : 3;
        int32_t tbig = seed % 4 == 0 ? 1 << 24 : 2;
        for (size_t i = 0; i < w * 8; i++)
            sc[i] = rand() % (2 * big + 1) - big;
        for (int k = 0; k < (L + 1) * L; k++) {
            tr[k] = rand() % (2 * tbig + 1) - tbig;
            dtr[k] = ps__q_allowed(k / L - 1, k % L) ? tr[k] : -INFINITY;
        }
        for (size_t i = 0; i < w; i++)
            for (int l = 0; l < L; l++)
                dsc[i * L + l] = sc[i * 8 + l];
        ps__q_role_mask(dsc, 0, (uint32_t)w, c0, c1);
        viterbi_ref(dsc, dtr, w, back, a);
        if (!ps__q_viterbi_role(sc, w, c0, c1, tr, bk, b)) {
            declined++;
            continue;
        }
        assert_memory_equal(a, b, w);
    }
    /* Transitions of 2^24 may exceed what it takes; the others never. */
    assert_true(declined < 150);
}

/* The role tagger's rows read from the model's tables are the rows the
 * trainer hashes, for every token of every cue's window in LAB, and so
 * are those of the quoter's fast path, which keeps sums of some. */
static void check_role_rows(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                            size_t n, const uint8_t *p1, const uint8_t *lab)
{
    uint32_t *ctx = malloc(PS__Q_CTX_ARRAYS * (n + 1) * sizeof *ctx);
    assert_non_null(ctx);
    ps__qctx_t cx = {ctx, ctx + n + 1, ctx + 2 * (n + 1), ctx + 3 * (n + 1)};
    ps__q_context(s, n, p1, &cx);
    assert_non_null(v->rtab);
    ps__qrsum_t *rs = calloc(1, sizeof *rs);
    assert_non_null(rs);
    for (uint32_t ca = 0; ca < n; ca++) {
        if (lab[ca] != PS__Q_BCUE)
            continue;
        uint32_t cb = ca + 1, wa, wb;
        while (cb < n && lab[cb] == PS__Q_ICUE)
            cb++;
        ps__qrcue_t rc;
        ps__q_role_cue(s, n, ca, cb, v->row_bits, &rc);
        rc.tab = v->rtab;
        ps__q_window(n, ca, cb, &wa, &wb);
        for (uint32_t i = wa; i < wb; i++) {
            uint32_t ra[PS__Q_MAXF], rb[PS__Q_MAXF];
            size_t na = ps__q_role_features(s, n, i, ca, cb, p1, &cx,
                                            v->row_bits, ra);
            size_t nb = ps__q_role_features_at(s, n, i, ca, cb, p1, &cx, &rc,
                                               v->row_bits, rb);
            assert_int_equal(na, nb);
            assert_memory_equal(ra, rb, na * sizeof *ra);
            /* The fast path's three parts hold the same rows. */
            uint32_t keys[2];
            nb = ps__q_role_split(s, n, i, ca, cb, p1, &cx, &rc, v->row_bits,
                                  rb, keys);
            if (keys[0] != UINT32_MAX) {
                assert_true(keys[0] < PS__Q_RKEYS_A &&
                            keys[1] < PS__Q_RKEYS_B);
                ps__q_role_group_a(&rc, keys[0], v->row_bits, rb + nb);
                nb += PS__Q_RGROUP_A;
                ps__q_role_group_b(&rc, keys[1], v->row_bits, rb + nb);
                nb += PS__Q_RGROUP_B;
            }
            assert_int_equal(na, nb);
            qsort(ra, na, sizeof *ra, cmp_u32);
            qsort(rb, nb, sizeof *rb, cmp_u32);
            assert_memory_equal(ra, rb, na * sizeof *ra);
        }
        /* And the window's scores from the kept sums are the rows'. */
        double *sa = malloc((wb - wa) * L * sizeof *sa);
        double *sb = malloc((wb - wa) * L * sizeof *sb);
        assert_true(sa && sb);
        for (uint32_t i = wa; i < wb; i++) {
            uint32_t ra[PS__Q_MAXF];
            size_t na = ps__q_role_features(s, n, i, ca, cb, p1, &cx,
                                            v->row_bits, ra);
            for (int l = 0; l < L; l++) {
                int32_t acc = 0;
                for (size_t f = 0; f < na; f++)
                    acc += v->weights[PS__Q_ROLE_TABLE][(size_t)ra[f] * L + l];
                sa[(size_t)(i - wa) * L + l] = acc;
            }
        }
        int32_t *si = malloc((wb - wa) * 8 * sizeof *si);
        assert_non_null(si);
        ps__q_role_score(v, s, n, ca, cb, wa, wb, p1, &cx, rs, si);
        for (uint32_t i = 0; i < wb - wa; i++)
            for (int l = 0; l < L; l++)
                sb[(size_t)i * L + l] = si[(size_t)i * 8 + l];
        assert_memory_equal(sa, sb, (wb - wa) * L * sizeof *sa);
        /* And its labels are the double loop's on those scores. */
        double trd[(L + 1) * L];
        for (int k = 0; k < (L + 1) * L; k++)
            trd[k] = ps__q_allowed(k / L - 1, k % L)
                         ? (double)v->trans[PS__Q_ROLE_TABLE][k]
                         : -INFINITY;
        uint8_t *la = malloc(wb - wa), *lb = malloc(wb - wa),
                *bk = malloc((wb - wa) * L);
        assert_true(la && lb && bk);
        ps__q_role_mask(sa, wa, wb, ca, cb);
        viterbi_ref(sa, trd, wb - wa, bk, la);
        assert_true(ps__q_role_label(v, s, n, ca, cb, wa, wb, p1, &cx, rs,
                                     lb));
        assert_memory_equal(la, lb, wb - wa);
        free(la);
        free(lb);
        free(bk);
        free(si);
        free(sa);
        free(sb);
    }
    ps__q_rsum_free(rs);
    free(ctx);
}

/* The attributions are the same whether each cue's window is labelled
 * from the kept integer sums (RS) or from the double scores, including
 * the cues whose best labelling has no content and which a sure cue
 * labels again with content from the scores. */
static void check_attributions(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                               size_t n, const uint8_t *p1, const uint8_t *lab,
                               const float *margin)
{
    uint32_t *ctx = malloc(PS__Q_CTX_ARRAYS * (n + 1) * sizeof *ctx);
    double *scores = malloc(n * L * sizeof *scores);
    uint8_t *back = malloc(n * L), *wlab = malloc(n);
    ps__qattr_t *fa = calloc(n, sizeof *fa), *fb = calloc(n, sizeof *fb);
    ps__qrsum_t *rs = calloc(1, sizeof *rs);
    assert_true(ctx && scores && back && wlab && fa && fb && rs);
    ps__qctx_t cx = {ctx, ctx + n + 1, ctx + 2 * (n + 1), ctx + 3 * (n + 1)};
    ps__q_context(s, n, p1, &cx);
    size_t na = ps__q_attribute(v, s, n, p1, lab, margin, &cx, rs, scores,
                                back, wlab, fa);
    size_t nb = ps__q_attribute(v, s, n, p1, lab, margin, &cx, NULL, scores,
                                back, wlab, fb);
    assert_true(na > 0);
    assert_int_equal(na, nb);
    for (size_t k = 0; k < na; k++) {
        assert_memory_equal(fa[k].src, fb[k].src, sizeof fa[k].src);
        assert_memory_equal(fa[k].cue, fb[k].cue, sizeof fa[k].cue);
        assert_int_equal(fa[k].ncon, fb[k].ncon);
        assert_memory_equal(fa[k].con, fb[k].con,
                            fa[k].ncon * sizeof fa[k].con[0]);
        assert_true(fa[k].margin == fb[k].margin);
    }
    ps__q_rsum_free(rs);
    free(ctx);
    free(scores);
    free(back);
    free(wlab);
    free(fa);
    free(fb);
}

/* Runs both labellers and compares features, labels and margins on TEXT. */
static void check_text(const ps_quote_model_t *qm, ps_analyzer_t *an,
                       ps_tagger_t *tg, const char *text, size_t len)
{
    const ps_token_t *toks;
    const ps_entity_t *ents;
    size_t ntok, nents;
    assert_int_equal(ps_analyze(an, text, len, 0, &toks, &ntok), PS_OK);
    assert_int_equal(ps_tagger_run(tg, text, len, 0, toks, ntok, &ents, &nents),
                     PS_OK);
    ps__qtok_t *s = NULL;
    size_t cap = 0;
    const ps__qmodel_view_t *v = &qm->v;
    size_t n = ps__q_sequence(text, len, 0, toks, ntok, ents, nents, v, &s,
                              &cap);
    assert_true(n > 0 && n != (size_t)-1);
    double *scores = malloc(n * L * sizeof *scores);
    int32_t *acc2 = malloc(n * 16 * sizeof *acc2);
    ps__qnear_t *near = malloc(n * sizeof *near);
    uint8_t *back = malloc(n * L), *p1 = malloc(n), *out = malloc(n);
    uint8_t *p1b = malloc(n), *outb = malloc(n);
    float *mg = malloc(n * sizeof *mg), *mgb = malloc(n * sizeof *mgb);
    assert_true(scores && acc2 && near && back && p1 && out && p1b && outb &&
                mg && mgb);
    assert_non_null(v->wide_stages);
    ps__q_label(v, s, n, scores, back, p1, out, mg);
    ps__q_label2(v, s, n, scores, acc2, near, NULL, back, p1b, outb, mgb);
    assert_memory_equal(p1, p1b, n);
    assert_memory_equal(out, outb, n);
    assert_memory_equal(mg, mgb, n * sizeof *mg);
    /* With the word cache: the same again. */
    ps__qwcache_t *wc = ps__q_wcache_new(v->row_bits);
    assert_non_null(wc);
    ps__q_label2(v, s, n, scores, acc2, near, wc, back, p1b, outb, mgb);
    assert_memory_equal(p1, p1b, n);
    assert_memory_equal(out, outb, n);
    assert_memory_equal(mg, mgb, n * sizeof *mg);
    /* ps__q_label2 left NEAR filled for P1: the rows themselves. */
    uint32_t ra[PS__Q_MAXF], rb[2 * PS__Q_MAXF];
    for (size_t i = 0; i < n; i++) {
        size_t na = ps__q_features(s, n, i, 0, NULL, v->row_bits, ra);
        size_t nb = ps__q_features1(s, n, i, near, v->tab, NULL, v->row_bits,
                                    rb);
        assert_int_equal(na, nb);
        assert_memory_equal(ra, rb, na * sizeof *ra);
        /* Token I's block of words, as label_wide() makes it. */
        ps__qwords_t words;
        size_t b = i / PS__Q_WBLOCK * PS__Q_WBLOCK;
        size_t e = b + PS__Q_WBLOCK < n ? b + PS__Q_WBLOCK : n;
        ps__q_words(wc, s, b >= 2 ? b - 2 : 0, e + 2 < n ? e + 2 : n, &words);
        nb = ps__q_features1(s, n, i, near, v->tab, &words, v->row_bits, rb);
        assert_int_equal(na, nb);
        assert_memory_equal(ra, rb, na * sizeof *ra);
        /* The quoter's split: the token's rows and its group's, which the
         * word cache sums, are the same rows. */
        uint64_t key;
        uint32_t rc[2 * PS__Q_MAXF], rd[PS__Q_MAXF];
        size_t nc = ps__q_features1g(s, n, i, near, v->tab, &words,
                                     v->row_bits, rc, &key);
        if (key) {
            ps__q_group1_rows(v->tab, key, v->row_bits, rc + nc);
            const int32_t *g = ps__q_group1(wc, v, key);
            for (int l = 0; l < 16; l++) {
                int32_t sum = 0;
                for (size_t f = nc; f < nc + PS__Q_GROUP1; f++)
                    sum += v->wide_stages[(size_t)rc[f] * 16 + l];
                assert_int_equal(sum, g[l]);
            }
            nc += PS__Q_GROUP1;
        }
        assert_int_equal(na, nc);
        memcpy(rd, ra, na * sizeof *ra);
        qsort(rd, na, sizeof *rd, cmp_u32);
        qsort(rc, nc, sizeof *rc, cmp_u32);
        assert_memory_equal(rd, rc, na * sizeof *rd);
        na = ps__q_features(s, n, i, 1, p1, v->row_bits, ra);
        size_t n1 = nb;
        nb = n1 + ps__q_features2(s, n, i, p1, near, NULL, v->row_bits, rb + n1);
        assert_int_equal(na, nb);
        assert_memory_equal(ra, rb, na * sizeof *ra);
        /* And from the load-time tables. */
        nb = n1 +
             ps__q_features2(s, n, i, p1, near, v->tab, v->row_bits, rb + n1);
        assert_int_equal(na, nb);
        assert_memory_equal(ra, rb, na * sizeof *ra);
    }
    ps__q_wcache_free(wc);
    check_role_rows(v, s, n, p1, out);
    check_attributions(v, s, n, p1, out, mg);
    free(s);
    free(scores);
    free(acc2);
    free(near);
    free(back);
    free(p1);
    free(out);
    free(p1b);
    free(outb);
    free(mg);
    free(mgb);
}

static void test_labellers(void **state)
{
    (void)state;
    ps_analyzer_t *an;
    ps_gazetteer_t *g;
    ps_ner_model_t *m;
    ps_tagger_t *tg;
    ps_quote_model_t *qm;
    char *err = NULL;
    assert_int_equal(ps_analyzer_new(&an), PS_OK);
    assert_int_equal(
        ps_gazetteer_load(corpus_file("entities.tsv"), an, &g, &err), PS_OK);
    assert_int_equal(ps_ner_model_load(corpus_file("ner.model"), &m, &err),
                     PS_OK);
    assert_int_equal(ps_tagger_new(g, m, &tg), PS_OK);
    assert_int_equal(
        ps_quote_model_load(corpus_file("quote.model"), &qm, &err), PS_OK);
    static const char *const articles[] = {
        "000_e38818ae5e4e4397.txt", "001_c0e3d50bc6607f1e.txt",
        "002_5595f683dd3850cc.txt", "003_a77ff0a092966a45.txt",
        "004_885119e9e1c7bf41.txt"};
    for (size_t k = 0; k < sizeof articles / sizeof *articles; k++) {
        size_t len;
        char *text = slurp(articles[k], &len);
        check_text(qm, an, tg, text, len);
        free(text);
    }
    /* Sentences and quotes cut short, cue words everywhere. */
    static const char odd[] =
        "\"He said\" -- she said: \"no.\" They told. \xe2\x80\x9c" "A,"
        "\xe2\x80\x9d he said, \xe2\x80\x9c" "B.\xe2\x80\x9d According to "
        "Smith, said said "
        "said. \"\"\"\n\"Unclosed, officials said\nTrump: yes";
    check_text(qm, an, tg, odd, sizeof odd - 1);
    /* Sentences longer than the scans, cue words 39 to 41 tokens apart:
     * the edges of every bounded scan. */
    char *longs = malloc(64 * 1024);
    assert_non_null(longs);
    size_t at = 0;
    for (int gap = 39; gap <= 41; gap++) {
        for (int i = 0; i < 6 * gap; i++) {
            const char *w = i % gap == 0        ? "said"
                            : i % gap == gap / 2 ? "\"Smith"
                            : i % 7 == 3         ? "told"
                                                 : "plan";
            at += (size_t)snprintf(longs + at, 64 * 1024 - at, "%s ", w);
        }
        at += (size_t)snprintf(longs + at, 64 * 1024 - at, "end.\n");
    }
    check_text(qm, an, tg, longs, at);
    free(longs);
    ps_quote_model_free(qm);
    ps_tagger_free(tg);
    ps_ner_model_free(m);
    ps_gazetteer_free(g);
    ps_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_viterbi),
        cmocka_unit_test(test_viterbi_int),
        cmocka_unit_test(test_viterbi_role),
        cmocka_unit_test(test_labellers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
