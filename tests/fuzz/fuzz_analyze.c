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
 * finds it) on the same tokens and entities, with the checks of
 * fuzz_check_quotes (fuzz.h). */
#include "fuzz.h"

static fuzz_pipeline_t p;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!p.an)
        fuzz_pipeline_setup(&p, "fuzz_analyze");
    size_t base;
    char *text = fuzz_text(data, &size, &base);
    if (!text)
        return 0;
    const ps_token_t *toks;
    size_t n;
    ps_status_t st = ps_analyze(p.an, text, size, base, &toks, &n);
    if (st == PS_EBADUTF8) {
        size_t off = ps_analyzer_error_offset(p.an);
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
    st = ps_tagger_run(p.tagger, text, size, base, toks, n, &ents, &ne);
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
        fuzz_check_quotes(p.quoter, text, size, base, toks, n, ents, ne);
    free(text);
    return 0;
}
