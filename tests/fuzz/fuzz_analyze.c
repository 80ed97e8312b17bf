/* Fuzz target: the analyzer and the entity tagger (ps_analyze, then
 * ps_tagger_run with a small gazetteer and the shipped model,
 * $PSEARCH_ROOT/corpus/ner.model, else ./corpus/ner.model, else none) on
 * arbitrary bytes, as the
 * indexer runs them on an article's body. The first byte picks the base
 * offset, so that offsets are checked away from zero as well. Checks: a
 * UTF-8 error is reported inside the text; every token and mention lies
 * inside the text; positions never go backwards; terms are as long as
 * they say and within the analyzer's cap. Then the quote attribution step
 * (ps_quoter_run, with $PSEARCH_ROOT/corpus/quote.model as the indexer
 * finds it) on the same tokens and entities: every span inside the text,
 * content sorted, a speaker only when it is an entity, kinds in range,
 * confidence in 0..1, quotes ordered by first byte. */
#include <string.h>

#include "fuzz.h"
#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"

static ps_analyzer_t *an;
static ps_gazetteer_t *gaz;
static ps_tagger_t *tagger;
static ps_ner_model_t *model;
static ps_quote_model_t *qmodel;
static ps_quoter_t *quoter;

static void setup(void)
{
    char *err = NULL;
    const char *root = getenv("PSEARCH_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/ner.model",
             root && *root ? root : ".");
    if (ps_ner_model_load(path, &model, NULL) != PS_OK)
        model = NULL;
    snprintf(path, sizeof path, "%s/corpus/quote.model",
             root && *root ? root : ".");
    if (ps_quote_model_load(path, &qmodel, NULL) != PS_OK ||
        ps_quoter_new(qmodel, &quoter) != PS_OK) {
        fprintf(stderr, "fuzz_analyze: cannot load %s\n", path);
        abort();
    }
    if (ps_analyzer_new(&an) != PS_OK ||
        ps_gazetteer_parse(fuzz_gazetteer_tsv, sizeof fuzz_gazetteer_tsv - 1,
                           "fuzz", an, &gaz, &err) != PS_OK ||
        ps_tagger_new(gaz, model, &tagger) != PS_OK) {
        fprintf(stderr, "fuzz_analyze: setup failed: %s\n", err ? err : "");
        abort();
    }
}

static void check_spans(const ps_byte_span_t *sp, size_t n, size_t size,
                        size_t base, size_t *first)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(sp[i].start >= base && sp[i].start < sp[i].end);
        FUZZ_CHECK(sp[i].end - base <= size);
        if (sp[i].start < *first)
            *first = sp[i].start;
    }
}

static void check_quotes(const char *text, size_t size, size_t base,
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
        FUZZ_CHECK(q[i].ncontent > 0);
        check_spans(q[i].source, q[i].nsource, size, base, &first);
        check_spans(q[i].cue, q[i].ncue, size, base, &first);
        check_spans(q[i].content, q[i].ncontent, size, base, &first);
        for (size_t k = 1; k < q[i].ncontent; k++)
            FUZZ_CHECK(q[i].content[k - 1].end <= q[i].content[k].start);
        FUZZ_CHECK(first >= prev);
        prev = first;
        FUZZ_CHECK((unsigned)q[i].kind <= PS_QUOTE_INDIRECT);
        FUZZ_CHECK((unsigned)q[i].speaker_kind <= PS_SPEAKER_NONE);
        FUZZ_CHECK(q[i].confidence >= 0.0f && q[i].confidence <= 1.0f);
        if (q[i].speaker_kind == PS_SPEAKER_ENTITY)
            FUZZ_CHECK(q[i].speaker >= 0 && (size_t)q[i].speaker < ne);
        else
            FUZZ_CHECK(q[i].speaker == -1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an)
        setup();
    size_t base = 0;
    if (size > 0) {
        base = (size_t)data[0] * 1000;
        data++;
        size--;
    }
    char *text = calloc(1, size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    const ps_token_t *toks;
    size_t n;
    ps_status_t st = ps_analyze(an, text, size, base, &toks, &n);
    if (st == PS_EBADUTF8) {
        size_t off = ps_analyzer_error_offset(an);
        FUZZ_CHECK(off >= base && off - base < size);
        free(text);
        return 0;
    }
    FUZZ_CHECK(st == PS_OK);
    uint32_t last_pos = 0;
    for (size_t i = 0; i < n; i++) {
        const ps_token_t *t = &toks[i];
        FUZZ_CHECK(t->offset >= base && t->offset - base <= size);
        FUZZ_CHECK(t->length <= size - (t->offset - base));
        FUZZ_CHECK(t->term && strlen(t->term) == t->term_len);
        FUZZ_CHECK(t->stem && strlen(t->stem) == t->stem_len);
        FUZZ_CHECK(t->pos >= 1 && t->pos >= last_pos);
        last_pos = t->pos;
    }
    const ps_entity_t *ents;
    size_t ne;
    st = ps_tagger_run(tagger, text, size, base, toks, n, &ents, &ne);
    FUZZ_CHECK(st == PS_OK || st == PS_ENOMEM);
    for (size_t i = 0; st == PS_OK && i < ne; i++) {
        const ps_entity_t *e = &ents[i];
        FUZZ_CHECK((unsigned)e->type < PS_ENT__COUNT);
        FUZZ_CHECK(e->id && e->name && e->nmentions > 0);
        for (size_t m = 0; m < e->nmentions; m++) {
            const ps_mention_t *mt = &e->mentions[m];
            FUZZ_CHECK(mt->offset >= base && mt->offset - base <= size);
            FUZZ_CHECK(mt->length <= size - (mt->offset - base));
        }
    }
    if (st == PS_OK)
        check_quotes(text, size, base, toks, n, ents, ne);
    free(text);
    return 0;
}
