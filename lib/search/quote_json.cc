/* A document's attributions as JSON, for results, the doc operation and
 * psearch --entities. */
#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include "psearch/entities.h"
#include "psearch/quotes.h"
#include "search/quote_json.h"
#include "search/search_private.h"

using ps__search::docdata;

namespace
{

/* Whether every span of F lies inside DD's text. */
bool inside(const std::vector<ps__span> &f, const docdata &dd)
{
    for (const ps__span &sp : f)
        if (sp.off > dd.len || sp.len > dd.len - sp.off)
            return false;
    return true;
}

/* The text of a field's spans, joined by PS__QUOTE_JOIN where it is cut;
 * every span must lie inside the text (inside()). */
void field_text(ps__jout &w, const std::vector<ps__span> &f, docdata &dd)
{
    if (f.size() == 1) {
        w.str(dd.at(f[0].off, f[0].len), f[0].len);
        return;
    }
    std::string s;
    for (const ps__span &sp : f) {
        if (!s.empty())
            s += PS__QUOTE_JOIN;
        s.append(dd.at(sp.off, sp.len), sp.len);
    }
    w.str(s);
}

void span_list(ps__jout &w, const std::vector<ps__span> &f)
{
    w.arr();
    for (const ps__span &sp : f) {
        w.arr();
        w.num((long long)sp.off);
        w.num((long long)(sp.off + sp.len));
        w.end_arr();
    }
    w.end_arr();
}

/* The speaker as the result's entity list shows it: the entity the index
 * identifies across articles (entity_rows.cc), so a quote by "Mrs.
 * Clinton" names Hillary Clinton with the id person: finds her by. */
void speaker_json(ps__jout &w, ps_db_t *d, const ps__quote &q,
                  const std::vector<ps__entity> &ents)
{
    if (q.speaker_kind != PS_SPEAKER_ENTITY || q.speaker < 0 ||
        (size_t)q.speaker >= ents.size()) {
        w.null();
        return;
    }
    const ps__entity &e = ents[(size_t)q.speaker];
    int type = e.type;
    std::string_view id = e.id, name = e.name;
    if (!e.known && e.type >= 0 && e.type < PS_ENT__COUNT) {
        const ps__ident_view &v = d->ident.view((ps_entity_type_t)e.type, e.id);
        type = v.type;
        id = v.id;
        const std::string &shown = d->ident.display_name(*v.term);
        if (!shown.empty())
            name = shown;
    }
    const char *tname = ps_entity_type_name((ps_entity_type_t)type);
    if (!tname)
        tname = "misc";
    w.obj();
    w.key("type").str(tname, std::strlen(tname));
    w.key("id").str(id);
    w.key("name").str(name);
    w.end_obj();
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

bool ps__quote_write(ps__jout &w, ps_db_t *d, const ps__quote &q,
                     const std::vector<ps__entity> &ents, docdata &dd,
                     bool spans)
{
    if (q.content.empty() || q.cue.size() > 64 || !inside(q.content, dd))
        return false;
    const char *sk = ps_speaker_kind_name((ps_speaker_kind_t)q.speaker_kind);
    const char *kind = ps_quote_kind_name((ps_quote_kind_t)q.kind);
    if (!sk)
        sk = "none";
    if (!kind)
        kind = "direct";
    speaker_json(w.key("speaker"), d, q, ents);
    w.key("speaker_kind").str(sk, std::strlen(sk));
    w.key("source");
    if (!q.source.empty() && inside(q.source, dd))
        field_text(w, q.source, dd);
    else
        w.null();
    w.key("cue");
    if (inside(q.cue, dd))
        field_text(w, q.cue, dd);
    else
        w.str("", 0);
    field_text(w.key("content"), q.content, dd);
    w.key("kind").str(kind, std::strlen(kind));
    w.key("confidence").real(std::round(q.confidence * 100.0) / 100.0);
    size_t at = q.content[0].off;
    size_t line = dd.line_of(at);
    w.key("line").num((long long)line + 1);
    w.key("column").num((long long)(at - dd.line_start(line)) + 1);
    if (spans) {
        w.key("spans").obj();
        span_list(w.key("source"), q.source);
        span_list(w.key("cue"), q.cue);
        span_list(w.key("content"), q.content);
        w.end_obj();
    }
    return true;
}

json_t *ps__quote_json(ps_db_t *d, const ps__quote &q,
                       const std::vector<ps__entity> &ents, docdata &dd,
                       bool spans)
{
    /* The tree is the text parsed: one way to write a quote, so the doc
     * op and the results cannot disagree. */
    ps__jout w;
    w.obj();
    if (!ps__quote_write(w, d, q, ents, dd, spans))
        return nullptr;
    w.end_obj();
    json_t *o = json_loadb(w.data(), w.size(), JSON_ALLOW_NUL, nullptr);
    if (!o)
        throw std::bad_alloc();
    return o;
}
