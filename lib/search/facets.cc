/* Entity facets: over the first matches of a search, the people,
 * places, organisations and treaties in the most documents, each entity
 * one row however its articles wrote it (ident_db.h), named as the
 * gazetteer or the index names them. */
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "search/search_private.h"

using namespace ps__search;

/* The facet row entity or speaker term TERM counts under: the entity it
 * resolves to across the index (XSAID:person:clinton is counted as
 * XSAID:person:hillary-clinton where that is who "Clinton" is). */
static std::string row_term(ps_db_t *d, const std::string &term)
{
    size_t said = std::strlen(PS__P_SAID);
    if (term.compare(0, said, PS__P_SAID) != 0)
        return d->ident.resolve(term);
    std::string key = term.substr(said);
    size_t colon = key.find(':');
    int t = ps_entity_type_parse(key.substr(0, colon).c_str());
    if (t < 0 || colon == std::string::npos)
        return term;
    std::string r = d->ident.resolve(
        ps_entity_type_prefix((ps_entity_type_t)t) + key.substr(colon + 1));
    ps_entity_type_t type;
    std::string id;
    if (!ps__entity_term_split(r, &type, &id))
        return term;
    return PS__P_SAID + std::string(ps_entity_type_name(type)) + ":" + id;
}

namespace
{

/* A facet row's counts: the matching documents it is in, and its
 * mentions (or, for a speaker, its quotes) in them. */
struct count {
    unsigned docs = 0, mentions = 0;
};

typedef std::vector<std::pair<std::string, count>> rows_t;

} // namespace

/* Adds document DOC's entity and speaker terms to COUNTS, each row once
 * per document with all its mentions: terms that stand for one entity
 * count together. */
static void count_document(ps_db_t *d, Xapian::docid doc,
                           std::map<std::string, count> &counts)
{
    std::vector<std::pair<std::string, unsigned>> here;
    Xapian::TermIterator t = d->db.termlist_begin(doc);
    for (t.skip_to("X"); t != d->db.termlist_end(doc); ++t) {
        const std::string &term = *t;
        if (term.empty() || term[0] != 'X')
            break;
        /* The quote markers (XQA, XQB) sort together: skip them. */
        if (term.compare(0, 2, "XQ") == 0) {
            t.skip_to("XR");
            if (t == d->db.termlist_end(doc) || (*t)[0] != 'X')
                break;
        }
        here.emplace_back(row_term(d, *t), t.get_wdf());
    }
    std::sort(here.begin(), here.end());
    for (size_t i = 0; i < here.size(); i++) {
        count &c = counts[here[i].first];
        if (i == 0 || here[i].first != here[i - 1].first)
            c.docs++;
        c.mentions += here[i].second;
    }
}

/* COUNTS split into one list per entity type, then the speakers
 * ("quoted") last, each list in the facet's order: by documents, then
 * mentions, then term. */
static std::vector<rows_t>
rows_by_type(const std::map<std::string, count> &counts)
{
    std::vector<rows_t> by_type(PS_ENT__COUNT + 1);
    for (const auto &kv : counts) {
        if (kv.first.compare(0, std::strlen(PS__P_SAID), PS__P_SAID) == 0) {
            by_type[PS_ENT__COUNT].push_back(kv);
            continue;
        }
        for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)ty);
            if (kv.first.compare(0, std::strlen(pre), pre) == 0)
                by_type[ty].push_back(kv);
        }
    }
    for (rows_t &v : by_type)
        std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
            return a.second.docs != b.second.docs
                       ? a.second.docs > b.second.docs
                   : a.second.mentions != b.second.mentions
                       ? a.second.mentions > b.second.mentions
                       : a.first < b.first;
        });
    return by_type;
}

/* One facet row of entity term TERM with counts C; a speaker's term
 * (XSAID:person:zelensky, QUOTED) is named as its entity term
 * (XPERSON:zelensky) is, and counts quotes. */
static json_t *facet_row(ps_db_t *d, std::string term, const count &c,
                         bool quoted)
{
    std::string type;
    if (quoted) {
        std::string key = term.substr(std::strlen(PS__P_SAID));
        type = key.substr(0, key.find(':'));
        int t = ps_entity_type_parse(type.c_str());
        term = std::string(ps_entity_type_prefix(
                   (ps_entity_type_t)(t < 0 ? PS_ENT_MISC : t))) +
               key.substr(key.find(':') + 1);
    }
    std::string id = term.substr(term.find(':') + 1);
    auto g = d->gaz_names.find(term);
    std::string name =
        g != d->gaz_names.end() ? g->second : d->ident.display_name(term);
    if (name.empty())
        name = id;
    if (quoted)
        return json_pack("{s:s,s:s,s:o,s:I,s:I}", "type", type.c_str(), "id",
                         id.c_str(), "name", jstr(name.data(), name.size()),
                         "docs", (json_int_t)c.docs, "quotes",
                         (json_int_t)c.mentions);
    return json_pack("{s:s,s:o,s:I,s:I}", "id", id.c_str(), "name",
                     jstr(name.data(), name.size()), "docs", (json_int_t)c.docs,
                     "mentions", (json_int_t)c.mentions);
}

/* Entity facets over the first DOCS matches: per type, the entities in
 * the most documents, then with the most mentions; and the speakers
 * quoted most ("quoted"). */
json_t *ps__search::facets(ps_db_t *d, Xapian::Enquire &enq, unsigned docs,
                           unsigned per_type)
{
    std::map<std::string, count> counts;
    Xapian::MSet ms = enq.get_mset(0, docs);
    for (auto m = ms.begin(); m != ms.end(); ++m)
        count_document(d, *m, counts);
    std::vector<rows_t> by_type = rows_by_type(counts);
    jref out(json_object());
    for (int ty = 0; ty <= PS_ENT__COUNT; ty++) {
        bool quoted = ty == PS_ENT__COUNT;
        json_t *arr = jnew(json_array());
        jset(out.j,
             quoted ? "quoted" : ps_entity_type_name((ps_entity_type_t)ty),
             arr);
        const rows_t &v = by_type[ty];
        for (size_t i = 0; i < v.size() && i < per_type; i++)
            jpush(arr, facet_row(d, v[i].first, v[i].second, quoted));
    }
    return out.release();
}
