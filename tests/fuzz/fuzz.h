/* Shared by the fuzz targets in tests/fuzz/: the libFuzzer entry point's
 * declaration, a small built-in gazetteer, the check that turns a broken
 * invariant into a crash the fuzzer (or the replay driver) reports, and
 * what the targets of the indexer's pipeline (analyze, quotes) share: the
 * pipeline with the shipped models, the input as a text at an offset, and
 * the checks of the quotes found.
 * The targets are built twice: with clang and libFuzzer into build/fuzz/
 * (make fuzz), and with the project's compiler and the replay driver into
 * build/tests/ (make test replays the seeds and the regression cases). */
#ifndef PSEARCH_FUZZ_H
#define PSEARCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: say which, then abort so that libFuzzer
 * saves the input and the replay driver fails. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A few entries of corpus/entities.tsv, chosen to exercise what the
 * tagger and the query parser do with a gazetteer: multi-word aliases,
 * all-caps aliases that only match capitals, aliases with dots, and a
 * treaty whose name holds a number. */
static const char fuzz_gazetteer_tsv[] =
    "# fuzz gazetteer\n"
    "zelensky\tperson\tVolodymyr Zelensky\tZelensky|Zelenskyy|Zelenskiy|"
    "Volodymyr Zelenskyy\n"
    "trump\tperson\tDonald Trump\tTrump|Donald J. Trump\n"
    "putin\tperson\tVladimir Putin\tPutin|Vladimir V. Putin\n"
    "kyiv\tplace\tKyiv\tKiev|Kyyiv\n"
    "us\tplace\tUnited States\tUS|U.S.|USA|United States of America\n"
    "ukraine\tplace\tUkraine\tUkrainian Republic\n"
    "mar-a-lago\tplace\tMar-a-Lago\tMar a Lago\n"
    "nato\torg\tNATO\tNato|North Atlantic Treaty Organization\n"
    "eu\torg\tEuropean Union\tEU\n"
    "article-5\ttreaty\tArticle 5\tArticle Five|Art. 5\n"
    "budapest-memorandum\ttreaty\tBudapest Memorandum\t"
    "Budapest Memorandum on Security Assurances\n";

/* The indexer's pipeline over an article's body, with the shipped models
 * ($PSEARCH_ROOT/corpus/ner.model and quote.model, else ./corpus/; the
 * NER model is optional) and the gazetteer above. */
typedef struct fuzz_pipeline {
    ps_analyzer_t *an;
    ps_gazetteer_t *gaz;
    ps_ner_model_t *model;
    ps_tagger_t *tagger;
    ps_quote_model_t *qmodel;
    ps_quoter_t *quoter;
} fuzz_pipeline_t;

/* Builds *P, or aborts saying why (TARGET names the fuzz target). */
static inline void fuzz_pipeline_setup(fuzz_pipeline_t *p, const char *target)
{
    char *err = NULL;
    const char *root = getenv("PSEARCH_ROOT");
    char path[4096];
    root = root && *root ? root : ".";
    snprintf(path, sizeof path, "%s/corpus/ner.model", root);
    if (ps_ner_model_load(path, &p->model, NULL) != PS_OK)
        p->model = NULL;
    snprintf(path, sizeof path, "%s/corpus/quote.model", root);
    if (ps_quote_model_load(path, &p->qmodel, &err) != PS_OK ||
        ps_quoter_new(p->qmodel, &p->quoter) != PS_OK ||
        ps_analyzer_new(&p->an) != PS_OK ||
        ps_gazetteer_parse(fuzz_gazetteer_tsv, sizeof fuzz_gazetteer_tsv - 1,
                           "fuzz", p->an, &p->gaz, &err) != PS_OK ||
        ps_tagger_new(p->gaz, p->model, &p->tagger) != PS_OK) {
        fprintf(stderr, "%s: setup failed: %s\n", target, err ? err : "");
        abort();
    }
}

/* The input as an article's body: the first byte picks the base offset
 * (*BASE), so that offsets are checked away from zero as well, and the
 * rest is the text, copied to memory of its own size so that a read past
 * its end is caught (*SIZE becomes its length). NULL when out of memory;
 * the caller frees it. */
static inline char *fuzz_text(const uint8_t *data, size_t *size, size_t *base)
{
    *base = 0;
    if (*size > 0) {
        *base = (size_t)data[0] * 1000;
        data++;
        (*size)--;
    }
    char *text = calloc(1, *size ? *size : 1);
    if (text && *size)
        memcpy(text, data, *size);
    return text;
}

/* Checks spans SP[0..N) of a quote: not empty, inside the text of SIZE
 * bytes at BASE, sorted and apart; lowers *FIRST to the first byte. */
static inline void fuzz_check_spans(const ps_byte_span_t *sp, size_t n,
                                    size_t size, size_t base, size_t *first)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(sp[i].start >= base && sp[i].start < sp[i].end);
        FUZZ_CHECK(sp[i].end - base <= size);
        FUZZ_CHECK(i == 0 || sp[i].start >= sp[i - 1].end);
        if (sp[i].start < *first)
            *first = sp[i].start;
    }
}

/* Runs QUOTER on the text and its tokens and entities, and checks what it
 * finds: every span inside the text; a cue and some content in every
 * quote; kinds in range; confidence in 0..1; a speaker only when it is an
 * entity, a source unless there is no speaker; quotes ordered by their
 * first byte. */
static inline void fuzz_check_quotes(ps_quoter_t *quoter, const char *text,
                                     size_t size, size_t base,
                                     const ps_token_t *toks, size_t n,
                                     const ps_entity_t *ents, size_t ne)
{
    const ps_quote_t *q;
    size_t nq;
    ps_status_t st =
        ps_quoter_run(quoter, text, size, base, toks, n, ents, ne, &q, &nq);
    FUZZ_CHECK(st == PS_OK || st == PS_ENOMEM);
    size_t prev = 0;
    for (size_t i = 0; st == PS_OK && i < nq; i++) {
        size_t first = (size_t)-1;
        FUZZ_CHECK(q[i].ncue >= 1 && q[i].ncontent >= 1);
        fuzz_check_spans(q[i].source, q[i].nsource, size, base, &first);
        fuzz_check_spans(q[i].cue, q[i].ncue, size, base, &first);
        fuzz_check_spans(q[i].content, q[i].ncontent, size, base, &first);
        FUZZ_CHECK(first >= prev);
        prev = first;
        FUZZ_CHECK(ps_quote_kind_name(q[i].kind) != NULL);
        FUZZ_CHECK(ps_speaker_kind_name(q[i].speaker_kind) != NULL);
        FUZZ_CHECK(q[i].confidence >= 0.0f && q[i].confidence <= 1.0f);
        if (q[i].speaker_kind == PS_SPEAKER_ENTITY)
            FUZZ_CHECK(q[i].speaker >= 0 && (size_t)q[i].speaker < ne);
        else
            FUZZ_CHECK(q[i].speaker == -1);
        FUZZ_CHECK((q[i].speaker_kind == PS_SPEAKER_NONE) ==
                   (q[i].nsource == 0));
    }
}

#endif
