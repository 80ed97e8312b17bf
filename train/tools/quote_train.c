/* quote_train: trains the quote model from PolNeAR-style JSON Lines,
 * calibrates its confidence on the same articles (train/quote_calib.c) and
 * writes corpus/quote.model (`make quote-model`); with --dev it also runs
 * the written model, through the library's quoter exactly as the indexer
 * does, on a development file and writes its attributions in score.py's
 * format (--pred). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "quote_train.h"

static void usage(FILE *f)
{
    fputs(
        "usage: quote_train --train FILE --gazetteer TSV --ner MODEL\n"
        "         [--out MODEL] [--epochs N] [--folds N] [--row-bits N] [--runs N]\n"
        "         [--seed N] [--false-cues N] [--clusters N]\n"
        "         [--cluster-text FILE]...\n"
        "         [--dev FILE --pred OUT] [--quiet]\n"
        "Trains the quote model on FILE, calibrates its confidence on\n"
        "FILE's articles and writes MODEL (default corpus/quote.model).\n"
        "--dev without --train only predicts.\n"
        "--false-cues N: the role tagger learns that one in N of the\n"
        "cues the tagger finds wrongly has no content (default 8; 0: none).\n"
        "--clusters N: word classes of the training text's stems, learnt\n"
        "without its labels (default 64; 0: none; at most 256).\n"
        "--cluster-text FILE: more text the word classes are learnt from\n"
        "(repeatable; labels unused): JSON Lines with \"text\", CoNLL-2003\n"
        "columns or SMART *TEXT articles.\n",
        f);
}

static json_t *spans(const ps_byte_span_t *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[I,I]", (json_int_t)s[i].start,
                                           (json_int_t)s[i].end));
    return a;
}

/* Writes the model's attributions of every article of DEV to PRED. */
static int predict(const char *dev, const char *model, qprep_t *p,
                   const char *pred)
{
    ps_quote_model_t *m = NULL;
    char *err = NULL;
    if (ps_quote_model_load(model, &m, &err) != PS_OK) {
        fprintf(stderr, "quote_train: %s\n", err);
        free(err);
        return -1;
    }
    ps_quoter_t *q = NULL;
    FILE *in = fopen(dev, "r"), *out = fopen(pred, "w");
    if (!in || !out || ps_quoter_new(m, &q) != PS_OK) {
        fprintf(stderr, "quote_train: cannot open %s or %s\n", dev, pred);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *text = json_string_value(json_object_get(o, "text"));
        size_t len = json_string_length(json_object_get(o, "text"));
        const ps_quote_t *qs;
        size_t nq;
        if (!text || qrun(p, q, text, len, &qs, &nq) != 0) {
            json_decref(o);
            continue;
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < nq; i++)
            json_array_append_new(
                arr, json_pack("{s:o,s:o,s:o,s:s,s:f}", "source",
                               spans(qs[i].source, qs[i].nsource), "cue",
                               spans(qs[i].cue, qs[i].ncue), "content",
                               spans(qs[i].content, qs[i].ncontent), "kind",
                               ps_quote_kind_name(qs[i].kind), "confidence",
                               (double)qs[i].confidence));
        json_t *r = json_pack("{s:O,s:o}", "id", json_object_get(o, "id"),
                              "attributions", arr);
        char *s = json_dumps(r, JSON_COMPACT);
        fprintf(out, "%s\n", s);
        free(s);
        json_decref(r);
        json_decref(o);
    }
    free(line);
    fclose(in);
    fclose(out);
    ps_quoter_free(q);
    ps_quote_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *train = NULL, *out = "corpus/quote.model", *dev = NULL,
               *pred = NULL, *gaz = NULL, *ner = NULL;
    const char *ctext[16];
    size_t nctext = 0;
    qtrain_opts_t o = {.epochs = 30,
                       .folds = 4,
                       .row_bits = 16,
                       .runs = 1,
                       .seed = 1,
                       .verbose = 1,
                       .false_cues = 8,
                       .clusters = 64};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            o.verbose = 0;
            continue;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        i++;
        if (!strcmp(a, "--train"))
            train = v;
        else if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--dev"))
            dev = v;
        else if (!strcmp(a, "--pred"))
            pred = v;
        else if (!strcmp(a, "--gazetteer"))
            gaz = v;
        else if (!strcmp(a, "--ner"))
            ner = v;
        else if (!strcmp(a, "--epochs"))
            o.epochs = (unsigned)atoi(v);
        else if (!strcmp(a, "--folds"))
            o.folds = (unsigned)atoi(v);
        else if (!strcmp(a, "--row-bits"))
            o.row_bits = (uint32_t)atoi(v);
        else if (!strcmp(a, "--runs"))
            o.runs = (unsigned)atoi(v);
        else if (!strcmp(a, "--false-cues"))
            o.false_cues = (unsigned)atoi(v);
        else if (!strcmp(a, "--clusters"))
            o.clusters = (unsigned)atoi(v);
        else if (!strcmp(a, "--cluster-text") && nctext < 16)
            ctext[nctext++] = v;
        else if (!strcmp(a, "--seed"))
            o.seed = strtoull(v, NULL, 10);
        else {
            usage(stderr);
            return 2;
        }
    }
    if ((!train && !dev) || !gaz || !ner || (dev && !pred) || o.epochs < 1 ||
        o.folds < 2 || o.row_bits < 10 || o.row_bits > 24 || o.runs < 1 ||
        o.runs > 16 || o.clusters == 1 || o.clusters == 2 || o.clusters > 256 ||
        (nctext > 0 && (!train || o.clusters == 0))) {
        usage(stderr);
        return 2;
    }
    qprep_t p;
    if (qprep_init(&p, gaz, ner))
        return 1;
    int rc = 0;
    qctext_t ct = {0};
    for (size_t i = 0; rc == 0 && i < nctext; i++)
        rc = qctext_read(ctext[i], &p, &ct);
    if (rc == 0 && nctext > 0 && o.verbose)
        fprintf(stderr, "quote_train: %zu articles of text for the word "
                        "classes, %zu stems and sentences\n", ct.articles, ct.n);
    o.ctext = ct.stems;
    o.nctext = ct.n;
    if (rc == 0 && train) {
        clock_t c0 = clock();
        qdoc_t *docs = NULL;
        size_t nd = 0;
        rc = qdocs_read(train, &p, &docs, &nd);
        if (rc == 0)
            rc = qtrain(docs, nd, &o, out);
        if (rc == 0)
            rc = qcalibrate(docs, nd, &p, out, o.verbose);
        qdocs_free(docs, nd);
        if (rc == 0 && o.verbose)
            fprintf(stderr, "quote_train: %zu articles, %.1f s CPU, wrote %s\n",
                    nd, (double)(clock() - c0) / CLOCKS_PER_SEC, out);
    }
    qctext_free(&ct);
    if (rc == 0 && dev)
        rc = predict(dev, out, &p, pred);
    qprep_free(&p);
    return rc ? 1 : 0;
}
