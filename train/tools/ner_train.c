/* Trains the NER model from a CoNLL-2003 file and, with --dev, scores the
 * written model on a development file through the same text, analyzer and
 * model path the indexer uses: exact name spans, typed and untyped, micro
 * averaged as conlleval counts. `make ner-model` runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psearch/analyzer.h"
#include "psearch/ner.h"
#include "ner_train.h"

static void usage(FILE *f)
{
    fputs(
        "usage: ner_train --train FILE [--out MODEL] [--dev FILE]\n"
        "         [--epochs N] [--row-bits N] [--folds N] [--runs N]\n"
        "         [--clusters N]\n"
        "         [--seed N] [--lexicon WORDS] [--places NAMES]\n"
        "         [--speed REPEAT] [--errors] [--quiet]\n"
        "Trains the NER model on the CoNLL file and writes MODEL\n"
        "(default corpus/ner.model). --dev scores MODEL on a CoNLL file;\n"
        "--dev without --train only scores. --speed tags the dev texts\n"
        "REPEAT times and prints MB/s; --errors prints every name missed (-)\n"
        "or found wrongly (+) on the development file, with its line.\n",
        f);
}

typedef struct counts {
    size_t gold[PS_NER__COUNT], pred[PS_NER__COUNT], hit[PS_NER__COUNT];
    size_t ugold, upred, uhit;
} counts_t;

static void prf(const char *name, size_t hit, size_t pred, size_t gold)
{
    double p = pred ? 100.0 * hit / pred : 0, r = gold ? 100.0 * hit / gold : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%-8s P %6.2f  R %6.2f  F1 %6.2f  (gold %zu, found %zu, right "
           "%zu)\n",
           name, p, r, f, gold, pred, hit);
}

/* Scores one document: a found name is right when its byte span (first
 * token's start to last token's end) and, for typed figures, its type
 * equal a gold name's. Both lists are in text order. */
static int show_errors;

static const char *tname(ps_ner_type_t t)
{
    return ps_ner_type_name(t);
}

/* Prints a gold name the model missed or mistyped ("-"), or a name it
 * found that is not gold ("+"), with its line. */
static void show(const ps_ner_doc_t *d, char sign, const char *type, size_t s,
                 size_t e)
{
    size_t a = s, z = e;
    while (a > 0 && d->text[a - 1] != '\n')
        a--;
    while (z < d->len && d->text[z] != '\n')
        z++;
    printf("%c %-4s %-28.*s | %.*s\n", sign, type, (int)(e - s), d->text + s,
           (int)(z - a), d->text + a);
}

static void score_doc(const ps_ner_doc_t *d, const ps_token_t *tok,
                      const ps_ner_span_t *sp, size_t ns, counts_t *c)
{
    if (show_errors) {
        /* Marks the gold names found with their type. */
        char *right = calloc(d->ngolds + 1, 1);
        for (size_t i = 0, g = 0; i < ns; i++) {
            const ps_token_t *a = &tok[sp[i].first];
            const ps_token_t *z = &tok[sp[i].first + sp[i].count - 1];
            size_t s = a->offset, e = z->offset + z->length;
            while (g < d->ngolds && d->golds[g].offset < s)
                g++;
            if (g < d->ngolds && d->golds[g].offset == s &&
                d->golds[g].offset + d->golds[g].length == e &&
                d->golds[g].type == sp[i].type)
                right[g] = 1;
            else
                show(d, '+', tname(sp[i].type), s, e);
        }
        for (size_t g = 0; g < d->ngolds; g++)
            if (!right[g])
                show(d, '-', tname(d->golds[g].type), d->golds[g].offset,
                     d->golds[g].offset + d->golds[g].length);
        free(right);
    }
    for (size_t g = 0; g < d->ngolds; g++) {
        c->gold[d->golds[g].type]++;
        c->ugold++;
    }
    size_t g = 0;
    for (size_t i = 0; i < ns; i++) {
        const ps_token_t *a = &tok[sp[i].first];
        const ps_token_t *z = &tok[sp[i].first + sp[i].count - 1];
        size_t s = a->offset, e = z->offset + z->length;
        if (a->flags & PS_TOK_COMPOUND && sp[i].count > 1)
            e = a->offset + a->length > e ? a->offset + a->length : e;
        c->pred[sp[i].type]++;
        c->upred++;
        while (g < d->ngolds && d->golds[g].offset < s)
            g++;
        if (g < d->ngolds && d->golds[g].offset == s &&
            d->golds[g].offset + d->golds[g].length == e) {
            c->uhit++;
            if (d->golds[g].type == sp[i].type)
                c->hit[sp[i].type]++;
        }
    }
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static int evaluate(const char *model_path, const char *dev, int repeat)
{
    ps_ner_doc_t *docs;
    size_t ndocs;
    char *err = NULL;
    ps_status_t st = ps_ner_conll_read(dev, &docs, &ndocs, &err);
    if (st != PS_OK) {
        fprintf(stderr, "ner_train: %s\n", err ? err : ps_status_str(st));
        free(err);
        return 2;
    }
    ps_ner_model_t *m;
    st = ps_ner_model_load(model_path, &m, &err);
    if (st != PS_OK) {
        fprintf(stderr, "ner_train: %s\n", err ? err : ps_status_str(st));
        free(err);
        ps_ner_docs_free(docs, ndocs);
        return 2;
    }
    ps_analyzer_t *an;
    ps_ner_state_t *s;
    if (ps_analyzer_new(&an) != PS_OK || ps_ner_state_new(m, &s) != PS_OK)
        return 2;
    counts_t c = {0};
    size_t bytes = 0;
    double tag_secs = 0, an_secs = 0;
    for (int rep = 0; rep < (repeat > 0 ? repeat : 1); rep++) {
        for (size_t i = 0; i < ndocs; i++) {
            const ps_token_t *tok;
            size_t ntok;
            const ps_ner_span_t *sp;
            size_t ns;
            struct timespec t0, t1, t2;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
            if (ps_analyze(an, docs[i].text, docs[i].len, 0, &tok, &ntok) !=
                PS_OK) {
                fprintf(stderr, "ner_train: analysis failed\n");
                return 2;
            }
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
            if (ps_ner_tag(s, docs[i].text, docs[i].len, 0, tok, ntok, NULL,
                           &sp, &ns) != PS_OK) {
                fprintf(stderr, "ner_train: tagging failed\n");
                return 2;
            }
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t2);
            an_secs += seconds(&t0, &t1);
            tag_secs += seconds(&t1, &t2);
            bytes += docs[i].len;
            if (rep == 0)
                score_doc(&docs[i], tok, sp, ns, &c);
        }
    }
    printf("%s on %s: %zu documents, %zu bytes\n", model_path, dev, ndocs,
           bytes / (repeat > 0 ? repeat : 1));
    size_t hit = 0;
    for (int t = 0; t < PS_NER__COUNT; t++)
        hit += c.hit[t];
    prf("typed", hit, c.upred, c.ugold);
    prf("untyped", c.uhit, c.upred, c.ugold);
    for (int t = 0; t < PS_NER__COUNT; t++)
        prf(ps_ner_type_name((ps_ner_type_t)t), c.hit[t], c.pred[t], c.gold[t]);
    if (repeat > 0)
        printf("speed: tagging %.2f MB/s (%zu bytes in %.3f s); analyzer "
               "%.2f MB/s\n",
               bytes / 1e6 / tag_secs, bytes, tag_secs, bytes / 1e6 / an_secs);
    ps_ner_state_free(s);
    ps_analyzer_free(an);
    ps_ner_model_free(m);
    ps_ner_docs_free(docs, ndocs);
    return 0;
}

int main(int argc, char **argv)
{
    const char *train = NULL, *out = "corpus/ner.model", *dev = NULL;
    ps_ner_train_opts_t o = {0};
    int quiet = 0, repeat = 0;
    o.verbose = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
            o.verbose = 0;
            continue;
        }
        if (strcmp(a, "--errors") == 0) {
            show_errors = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        i++;
        if (strcmp(a, "--train") == 0)
            train = v;
        else if (strcmp(a, "--out") == 0)
            out = v;
        else if (strcmp(a, "--dev") == 0)
            dev = v;
        else if (strcmp(a, "--epochs") == 0)
            o.epochs = (unsigned)atoi(v);
        else if (strcmp(a, "--row-bits") == 0)
            o.row_bits = (unsigned)atoi(v);
        else if (strcmp(a, "--folds") == 0)
            o.folds = (unsigned)atoi(v);
        else if (strcmp(a, "--lexicon") == 0)
            o.lexicon = v;
        else if (strcmp(a, "--places") == 0)
            o.places = v;
        else if (strcmp(a, "--clusters") == 0)
            o.clusters = (unsigned)atoi(v);
        else if (strcmp(a, "--runs") == 0)
            o.runs = (unsigned)atoi(v);
        else if (strcmp(a, "--seed") == 0)
            o.seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--speed") == 0)
            repeat = atoi(v);
        else {
            usage(stderr);
            return 2;
        }
    }
    if (!train && !dev) {
        usage(stderr);
        return 2;
    }
    if (train) {
        ps_ner_doc_t *docs;
        size_t ndocs;
        char *err = NULL;
        ps_status_t st = ps_ner_conll_read(train, &docs, &ndocs, &err);
        if (st == PS_OK) {
            ps_ner_train_stats_t stats;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            st = ps_ner_train(docs, ndocs, &o, out, &stats, &err);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            if (st == PS_OK && !quiet)
                fprintf(stderr,
                        "ner_train: %zu documents, %zu tokens, %zu names "
                        "(%zu not on token boundaries), %zu list slots, "
                        "%.1f s; wrote %s\n",
                        stats.docs, stats.tokens, stats.names, stats.unaligned,
                        stats.list_slots, seconds(&t0, &t1), out);
            ps_ner_docs_free(docs, ndocs);
        }
        if (st != PS_OK) {
            fprintf(stderr, "ner_train: %s\n", err ? err : ps_status_str(st));
            free(err);
            return 2;
        }
    }
    return dev ? evaluate(out, dev, repeat) : 0;
}
