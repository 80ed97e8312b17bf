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

/* The bytes analysed and tagged, and the thread's CPU time each took. */
typedef struct timing {
    size_t bytes;
    double tag_secs, an_secs;
} timing_t;

/* Analyses and tags D with A and S, timing both into TM, and scores the
 * names found into C unless C is NULL. 0, or 2 with a message. */
static int tag_doc(ps_analyzer_t *an, ps_ner_state_t *s, const ps_ner_doc_t *d,
                   counts_t *c, timing_t *tm)
{
    const ps_token_t *tok;
    size_t ntok;
    const ps_ner_span_t *sp;
    size_t ns;
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    if (ps_analyze(an, d->text, d->len, 0, &tok, &ntok) != PS_OK) {
        fprintf(stderr, "ner_train: analysis failed\n");
        return 2;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    if (ps_ner_tag(s, d->text, d->len, 0, tok, ntok, NULL, &sp, &ns) != PS_OK) {
        fprintf(stderr, "ner_train: tagging failed\n");
        return 2;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t2);
    tm->an_secs += seconds(&t0, &t1);
    tm->tag_secs += seconds(&t1, &t2);
    tm->bytes += d->len;
    if (c)
        score_doc(d, tok, sp, ns, c);
    return 0;
}

/* Prints the scores C of the model on DEV, and with REPEAT the speeds. */
static void report(const char *model_path, const char *dev, size_t ndocs,
                   const counts_t *c, const timing_t *tm, int repeat)
{
    size_t bytes = tm->bytes;
    printf("%s on %s: %zu documents, %zu bytes\n", model_path, dev, ndocs,
           bytes / (repeat > 0 ? repeat : 1));
    size_t hit = 0;
    for (int t = 0; t < PS_NER__COUNT; t++)
        hit += c->hit[t];
    prf("typed", hit, c->upred, c->ugold);
    prf("untyped", c->uhit, c->upred, c->ugold);
    for (int t = 0; t < PS_NER__COUNT; t++)
        prf(ps_ner_type_name((ps_ner_type_t)t), c->hit[t], c->pred[t],
            c->gold[t]);
    if (repeat > 0)
        printf("speed: tagging %.2f MB/s (%zu bytes in %.3f s); analyzer "
               "%.2f MB/s\n",
               bytes / 1e6 / tm->tag_secs, bytes, tm->tag_secs,
               bytes / 1e6 / tm->an_secs);
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
    timing_t tm = {0};
    for (int rep = 0; rep < (repeat > 0 ? repeat : 1); rep++)
        for (size_t i = 0; i < ndocs; i++)
            if (tag_doc(an, s, &docs[i], rep == 0 ? &c : NULL, &tm) != 0)
                return 2;
    report(model_path, dev, ndocs, &c, &tm, repeat);
    ps_ner_state_free(s);
    ps_analyzer_free(an);
    ps_ner_model_free(m);
    ps_ner_docs_free(docs, ndocs);
    return 0;
}

/* What the command line asks for. */
typedef struct args {
    const char *train, *out, *dev;
    ps_ner_train_opts_t o;
    int quiet, repeat;
} args_t;

/* Sets the option A, whose value is V, in R; 0, or -1 for an unknown
 * option. */
static int set_option(args_t *r, const char *a, const char *v)
{
    if (strcmp(a, "--train") == 0)
        r->train = v;
    else if (strcmp(a, "--out") == 0)
        r->out = v;
    else if (strcmp(a, "--dev") == 0)
        r->dev = v;
    else if (strcmp(a, "--epochs") == 0)
        r->o.epochs = (unsigned)atoi(v);
    else if (strcmp(a, "--row-bits") == 0)
        r->o.row_bits = (unsigned)atoi(v);
    else if (strcmp(a, "--folds") == 0)
        r->o.folds = (unsigned)atoi(v);
    else if (strcmp(a, "--lexicon") == 0)
        r->o.lexicon = v;
    else if (strcmp(a, "--places") == 0)
        r->o.places = v;
    else if (strcmp(a, "--clusters") == 0)
        r->o.clusters = (unsigned)atoi(v);
    else if (strcmp(a, "--runs") == 0)
        r->o.runs = (unsigned)atoi(v);
    else if (strcmp(a, "--seed") == 0)
        r->o.seed = strtoull(v, NULL, 10);
    else if (strcmp(a, "--speed") == 0)
        r->repeat = atoi(v);
    else
        return -1;
    return 0;
}

/* Reads the command line into R. Returns -1 to go on, else the exit
 * status (after --help, or a usage error). */
static int parse_args(int argc, char **argv, args_t *r)
{
    *r = (args_t){.out = "corpus/ner.model"};
    r->o.verbose = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quiet") == 0) {
            r->quiet = 1;
            r->o.verbose = 0;
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
        if (!v || set_option(r, a, v) != 0) {
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!r->train && !r->dev) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* Trains on R->train and writes R->out; 0, or 2 with a message. */
static int train_model(const args_t *r)
{
    ps_ner_doc_t *docs;
    size_t ndocs;
    char *err = NULL;
    ps_status_t st = ps_ner_conll_read(r->train, &docs, &ndocs, &err);
    if (st == PS_OK) {
        ps_ner_train_stats_t stats;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        st = ps_ner_train(docs, ndocs, &r->o, r->out, &stats, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (st == PS_OK && !r->quiet)
            fprintf(stderr,
                    "ner_train: %zu documents, %zu tokens, %zu names "
                    "(%zu not on token boundaries), %zu list slots, "
                    "%.1f s; wrote %s\n",
                    stats.docs, stats.tokens, stats.names, stats.unaligned,
                    stats.list_slots, seconds(&t0, &t1), r->out);
        ps_ner_docs_free(docs, ndocs);
    }
    if (st != PS_OK) {
        fprintf(stderr, "ner_train: %s\n", err ? err : ps_status_str(st));
        free(err);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    args_t r;
    int rc = parse_args(argc, argv, &r);
    if (rc >= 0)
        return rc;
    if (r.train && train_model(&r) != 0)
        return 2;
    return r.dev ? evaluate(r.out, r.dev, r.repeat) : 0;
}
