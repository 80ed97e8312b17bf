/* A document's attributions as JSON, for results, the doc operation and
 * psearch --entities. */
#include <algorithm>
#include <cmath>
#include <new>

#include "psearch/entities.h"
#include "psearch/quotes.h"
#include "search/quote_json.h"
#include "search/search_private.h"

using ps__search::docdata;

namespace
{

json_t *must(json_t *j)
{
    if (!j)
        throw std::bad_alloc();
    return j;
}

void put(json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, must(v)) != 0)
        throw std::bad_alloc();
}

/* The text of a field's spans, joined by PS__QUOTE_JOIN where it is cut. */
json_t *field_text(const std::vector<ps__span> &f, docdata &dd)
{
    std::string s;
    for (const ps__span &sp : f) {
        if (sp.off > dd.len || sp.len > dd.len - sp.off)
            return nullptr;
        if (!s.empty())
            s += PS__QUOTE_JOIN;
        s.append(dd.at(sp.off, sp.len), sp.len);
    }
    return json_stringn_nocheck(s.data(), s.size());
}

json_t *span_list(const std::vector<ps__span> &f)
{
    json_t *a = must(json_array());
    for (const ps__span &sp : f)
        if (json_array_append_new(a, must(json_pack("[I,I]",
                                                    (json_int_t)sp.off,
                                                    (json_int_t)(sp.off +
                                                                 sp.len)))))
            throw std::bad_alloc();
    return a;
}

/* The speaker as the result's entity list shows it: the entity the index
 * identifies across articles (entity_rows.cc), so a quote by "Mrs.
 * Clinton" names Hillary Clinton with the id person: finds her by. */
json_t *speaker_json(ps_db_t *d, const ps__quote &q,
                     const std::vector<ps__entity> &ents)
{
    if (q.speaker_kind != PS_SPEAKER_ENTITY || q.speaker < 0 ||
        (size_t)q.speaker >= ents.size())
        return json_null();
    const ps__entity &e = ents[(size_t)q.speaker];
    int type = e.type;
    std::string_view id = e.id, name = e.name;
    if (!e.known && e.type >= 0 && e.type < PS_ENT__COUNT) {
        const ps__ident_view &v =
            d->ident.view((ps_entity_type_t)e.type, e.id);
        type = v.type;
        id = v.id;
        if (!v.name.empty())
            name = v.name;
    }
    const char *tname = ps_entity_type_name((ps_entity_type_t)type);
    json_t *o = must(json_object());
    put(o, "type", json_string(tname ? tname : "misc"));
    put(o, "id", json_stringn_nocheck(id.data(), id.size()));
    put(o, "name", json_stringn_nocheck(name.data(), name.size()));
    return o;
}

} // namespace

std::string ps__quote_speaker_key(const ps__quote &q,
                                  const std::vector<ps__entity> &ents)
{
    if (q.speaker_kind != PS_SPEAKER_ENTITY || q.speaker < 0 ||
        (size_t)q.speaker >= ents.size())
        return "";
    const ps__entity &e = ents[(size_t)q.speaker];
    return ps__speaker_key(e.type, e.id);
}

bool ps__quote_contains(const ps__quote &q, size_t off, size_t len)
{
    for (const ps__span &sp : q.content)
        if (off >= sp.off && off + len <= sp.off + sp.len)
            return true;
    return false;
}

json_t *ps__quote_json(ps_db_t *d, const ps__quote &q,
                       const std::vector<ps__entity> &ents, docdata &dd,
                       bool spans)
{
    if (q.content.empty() || q.cue.size() > 64)
        return nullptr;
    json_t *content = field_text(q.content, dd);
    if (!content)
        return nullptr;
    json_t *o = json_object();
    if (!o) {
        json_decref(content);
        throw std::bad_alloc();
    }
    struct guard {
        json_t *o;
        ~guard() { json_decref(o); }
    } g{o};
    const char *sk = ps_speaker_kind_name((ps_speaker_kind_t)q.speaker_kind);
    const char *kind = ps_quote_kind_name((ps_quote_kind_t)q.kind);
    put(o, "speaker", speaker_json(d, q, ents));
    put(o, "speaker_kind", json_string(sk ? sk : "none"));
    json_t *src = q.source.empty() ? nullptr : field_text(q.source, dd);
    put(o, "source", src ? src : json_null());
    json_t *cue = field_text(q.cue, dd);
    put(o, "cue", cue ? cue : json_string(""));
    put(o, "content", content);
    put(o, "kind", json_string(kind ? kind : "direct"));
    put(o, "confidence", json_real(std::round(q.confidence * 100.0) / 100.0));
    size_t at = q.content[0].off;
    size_t line = dd.line_of(at);
    put(o, "line", json_integer((json_int_t)line + 1));
    put(o, "column", json_integer((json_int_t)(at - dd.line_start(line)) + 1));
    if (spans) {
        json_t *s = must(json_object());
        put(o, "spans", s);
        put(s, "source", span_list(q.source));
        put(s, "cue", span_list(q.cue));
        put(s, "content", span_list(q.content));
    }
    g.o = nullptr;
    return o;
}
