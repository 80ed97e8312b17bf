/* psearch-index --quotes: finds the attributions of files exactly as
 * indexing would (the same reading, article parsing, analysis, entity
 * tagging and quote model) and prints each as one JSON object per line,
 * touching no index. The spans are byte offsets into the file, in the
 * format of the PolNeAR data the model is measured on. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "prepare.h"
#include "tag.h"

static json_t *spans(const ps_byte_span_t *s, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_pack("[I,I]", (json_int_t)s[i].start,
                                               (json_int_t)s[i].end)))
            break;
    return a;
}

static json_t *speaker(const ps_quote_t *q, const ps_entity_t *ents,
                       size_t nents)
{
    if (q->speaker_kind == PS_SPEAKER_ENTITY && q->speaker >= 0 &&
        (size_t)q->speaker < nents) {
        const ps_entity_t *e = &ents[q->speaker];
        return json_pack("{s:s, s:s, s:s, s:s}", "id", e->id, "type",
                         ps_entity_type_name(e->type), "name", e->name, "kind",
                         ps_speaker_kind_name(q->speaker_kind));
    }
    if (q->speaker_kind == PS_SPEAKER_NONE)
        return json_null();
    /* Said explicitly: a pronoun the article does not resolve, or an
     * unnamed source, is never passed off as a name. */
    return json_pack("{s:n, s:n, s:n, s:s}", "id", "type", "name", "kind",
                     ps_speaker_kind_name(q->speaker_kind));
}

/* tag_each()'s step for --quotes: prints the file's attributions. */
static int print_quotes(void *ctx, size_t i, const char *path, const prep_t *p)
{
    (void)ctx;
    (void)i;
    const ps_docrec_t *r = &p->rec;
    const ps_quote_t *qs = r->quotes;
    size_t nq = r->nquotes;
    int rc = 0;
    for (size_t i = 0; i < nq && rc == 0; i++) {
        const ps_quote_t *q = &qs[i];
        json_t *o = json_pack(
            "{s:s, s:o, s:o, s:o, s:s, s:f, s:o}", "path", path, "source",
            spans(q->source, q->nsource), "cue", spans(q->cue, q->ncue),
            "content", spans(q->content, q->ncontent), "kind",
            ps_quote_kind_name(q->kind), "confidence", (double)q->confidence,
            "speaker", speaker(q, r->entities, r->nentities));
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                        JSON_REAL_PRECISION(3))
                    : NULL;
        if (!s || puts(s) == EOF)
            rc = -1;
        free(s);
        json_decref(o);
    }
    return rc;
}

int quote_files(char *const *paths, size_t n, const tag_setup_t *s)
{
    return tag_flush(tag_each(paths, n, s, print_quotes, NULL));
}
