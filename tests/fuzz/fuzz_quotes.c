/* Fuzz target: the quote attribution step (ps_quoter_run) after the
 * analyzer and the entity tagger, as the indexer runs them on an article's
 * body, with the shipped models ($PSEARCH_ROOT/corpus/ner.model and
 * quote.model, else ./corpus/). The first byte picks the base offset.
 * Checks: every span lies inside the text and is not empty; content pieces
 * are sorted; kinds, speaker kinds and confidences are in range; a
 * resolved speaker indexes the entities; quotes come in text order. */
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
    root = root && *root ? root : ".";
    snprintf(path, sizeof path, "%s/corpus/ner.model", root);
    if (ps_ner_model_load(path, &model, NULL) != PS_OK)
        model = NULL;
    snprintf(path, sizeof path, "%s/corpus/quote.model", root);
    if (ps_quote_model_load(path, &qmodel, &err) != PS_OK ||
        ps_quoter_new(qmodel, &quoter) != PS_OK ||
        ps_analyzer_new(&an) != PS_OK ||
        ps_gazetteer_parse(fuzz_gazetteer_tsv, sizeof fuzz_gazetteer_tsv - 1,
                           "fuzz", an, &gaz, &err) != PS_OK ||
        ps_tagger_new(gaz, model, &tagger) != PS_OK) {
        fprintf(stderr, "fuzz_quotes: setup failed: %s\n", err ? err : "");
        abort();
    }
}

static void check_spans(const ps_byte_span_t *s, size_t n, size_t base,
                        size_t size)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(s[i].start >= base && s[i].start < s[i].end);
        FUZZ_CHECK(s[i].end - base <= size);
        FUZZ_CHECK(i == 0 || s[i].start >= s[i - 1].end);
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
    const ps_entity_t *ents;
    const ps_quote_t *qs;
    size_t n, ne, nq;
    if (ps_analyze(an, text, size, base, &toks, &n) != PS_OK ||
        ps_tagger_run(tagger, text, size, base, toks, n, &ents, &ne) !=
            PS_OK) {
        free(text);
        return 0;
    }
    ps_status_t st =
        ps_quoter_run(quoter, text, size, base, toks, n, ents, ne, &qs, &nq);
    FUZZ_CHECK(st == PS_OK || st == PS_ENOMEM);
    size_t last = 0;
    for (size_t i = 0; st == PS_OK && i < nq; i++) {
        const ps_quote_t *q = &qs[i];
        check_spans(q->source, q->nsource, base, size);
        check_spans(q->cue, q->ncue, base, size);
        check_spans(q->content, q->ncontent, base, size);
        FUZZ_CHECK(q->ncue >= 1 && q->ncontent >= 1);
        FUZZ_CHECK(ps_quote_kind_name(q->kind) != NULL);
        FUZZ_CHECK(ps_speaker_kind_name(q->speaker_kind) != NULL);
        FUZZ_CHECK(q->confidence >= 0 && q->confidence <= 1);
        FUZZ_CHECK((q->speaker_kind == PS_SPEAKER_ENTITY) ==
                   (q->speaker >= 0 && (size_t)q->speaker < ne));
        FUZZ_CHECK((q->speaker_kind == PS_SPEAKER_NONE) == (q->nsource == 0));
        size_t first = q->content[0].start;
        if (q->cue[0].start < first)
            first = q->cue[0].start;
        if (q->nsource && q->source[0].start < first)
            first = q->source[0].start;
        FUZZ_CHECK(first >= last);
        last = first;
    }
    free(text);
    return 0;
}
