/* psearch --entities: prints the entities of one article, then its
 * attributions (who said what), as JSON Lines for programs or as an
 * indented list for people. */
#include "entities.h"

#include <stdlib.h>

#include "render.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

int render_entities(const json_t *ents, int json, FILE *out)
{
    size_t i;
    const json_t *e;
    json_array_foreach (ents, i, e) {
        if (json) {
            char *s = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (!s)
                return -1;
            fprintf(out, "%s\n", s);
            free(s);
            continue;
        }
        const json_t *ms = json_object_get(e, "mentions");
        fprintf(out, "%-7s %s  (%s%s, %zu mention%s)\n", str(e, "type"),
                str(e, "name"), str(e, "id"),
                json_is_true(json_object_get(e, "known")) ? ", known" : "",
                json_array_size(ms), json_array_size(ms) == 1 ? "" : "s");
        size_t k;
        const json_t *m;
        json_array_foreach (ms, k, m) {
            fprintf(out, "    %lld:%lld: %s\n", num(m, "line"),
                    num(m, "column"), str(m, "text"));
        }
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int render_article_quotes(const json_t *quotes, int json, FILE *out)
{
    size_t i;
    const json_t *q;
    if (!json && json_array_size(quotes))
        fprintf(out, "quotes  (%zu)\n", json_array_size(quotes));
    json_array_foreach (quotes, i, q) {
        if (json) {
            char *s = json_dumps(q, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (!s)
                return -1;
            fprintf(out, "%s\n", s);
            free(s);
            continue;
        }
        char *s = render_quote_text(q, 0, 1, NULL);
        if (!s)
            return -1;
        fprintf(out, "    %lld:%lld: %s  [%s, %s, %.2f]\n", num(q, "line"),
                num(q, "column"), s, str(q, "kind"), str(q, "speaker_kind"),
                json_real_value(json_object_get(q, "confidence")));
        free(s);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
