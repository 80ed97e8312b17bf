/* Fuzz target: the quote attribution step (ps_quoter_run) after the
 * analyzer and the entity tagger, as the indexer runs them on an article's
 * body, with the shipped models (fuzz_pipeline_setup). The first byte
 * picks the base offset. Checks: those of fuzz_check_quotes (fuzz.h). The
 * analyze target runs the same step after checking the analyzer and the
 * tagger; this one starts from seeds of quotations. */
#include "fuzz.h"

static fuzz_pipeline_t p;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!p.an)
        fuzz_pipeline_setup(&p, "fuzz_quotes");
    size_t base;
    char *text = fuzz_text(data, &size, &base);
    if (!text)
        return 0;
    const ps_token_t *toks;
    const ps_entity_t *ents;
    size_t n, ne;
    if (ps_analyze(p.an, text, size, base, &toks, &n) == PS_OK &&
        ps_tagger_run(p.tagger, text, size, base, toks, n, &ents, &ne) == PS_OK)
        fuzz_check_quotes(p.quoter, text, size, base, toks, n, ents, ne);
    free(text);
    return 0;
}
