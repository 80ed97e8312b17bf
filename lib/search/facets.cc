/* Entity facets: over the first matches of a search, the people,
 * places, organisations and treaties in the most documents, each entity
 * one row however its articles wrote it (ident_db.h), named as the
 * gazetteer or the index names them. */
#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "search/search_private.h"

using namespace ps__search;

/* The entity term that speaker term TERM (XSAID:person:clinton) names
 * (XPERSON:clinton); "" when TERM is no speaker term or names no type. */
static std::string speaker_entity(const std::string &term)
{
    size_t said = std::strlen(PS__P_SAID);
    if (term.compare(0, said, PS__P_SAID) != 0)
        return std::string();
    size_t colon = term.find(':', said);
    if (colon == std::string::npos)
        return std::string();
    int t = ps_entity_type_parse(term.substr(said, colon - said).c_str());
    if (t < 0)
        return std::string();
    return ps_entity_type_prefix((ps_entity_type_t)t) + term.substr(colon + 1);
}

/* The facet row entity or speaker term TERM counts under: the entity it
 * resolves to across the index (XSAID:person:clinton is counted as
 * XSAID:person:hillary-clinton where that is who "Clinton" is). */
static std::string row_term(ps_db_t *d, const std::string &term)
{
    if (term.compare(0, std::strlen(PS__P_SAID), PS__P_SAID) != 0)
        return d->ident.resolve(term);
    std::string named = speaker_entity(term);
    if (named.empty())
        return term;
    std::string r = d->ident.resolve(named);
    ps_entity_type_t type;
    std::string id;
    if (!ps__entity_term_split(r, &type, &id))
        return term;
    return PS__P_SAID + std::string(ps_entity_type_name(type)) + ":" + id;
}

namespace
{

/* A facet row's counts: the matching documents it is in, and its
 * mentions (or, for a speaker, its quotes) in them; LAST is the document
 * counted last, so that a row counts a document once however many of its
 * terms stand for it. */
struct count {
    unsigned docs = 0, mentions = 0;
    Xapian::docid last = 0;
};

typedef const std::pair<const std::string, count> *row_t;
typedef std::vector<row_t> rows_t;

/* One matching document's entity and speaker terms, as indexes into the
 * tally's TERMS, each with its mentions (or quotes). */
struct doc_terms {
    Xapian::docid did;
    std::vector<std::pair<uint32_t, unsigned>> terms;
};

/* The terms of the matching documents, each once, and then the counts of
 * every row: a term is resolved once per facets() call, not once per
 * document it is in (a thousand matches name the same people again and
 * again), and only after every document is read, so that what resolving
 * them reads is asked at once (prefetch_resolve()). */
struct tally {
    std::vector<std::string> terms;
    std::unordered_map<std::string, uint32_t> index; /* into TERMS */
    std::vector<doc_terms> docs;
    std::unordered_map<std::string, count> rows;
    std::string term; /* the term being read, its buffer kept */
};

} // namespace

/* Adds T's current term, with WDF mentions (or quotes), to document D. */
static void add_term(tally &t, doc_terms &d, unsigned wdf)
{
    auto r = t.index.find(t.term);
    if (r == t.index.end()) {
        r = t.index.emplace(t.term, (uint32_t)t.terms.size()).first;
        t.terms.push_back(t.term);
    }
    d.terms.emplace_back(r->second, wdf);
}

/* Reads document DID's entity and speaker terms into T, with the counts
 * the index gives them (document.cc, quote_terms.cc): an entity term's
 * mentions, a speaker term's quotes. They are read from the record's
 * entity heads and the quotes value rather than from the document's term
 * list: those are two values of a few kB, where the term list holds every
 * word of the article and is inflated whole to reach its entity terms
 * (a facet over a thousand news articles spent most of its time there).
 * A damaged value counts what was read before the damage. */
static void read_document(ps_db_t *d, Xapian::docid did, tally &t,
                          std::vector<ps__entity> &ents,
                          std::vector<ps__quote> &quotes)
{
    Xapian::Document doc = d->db.get_document(did);
    std::string v = doc.get_value(PS__V_RECORD);
    ps__record rec;
    ps__decode_record(v, rec);
    ents.clear();
    ps__decode_entity_heads(rec.ents, ents);
    t.docs.push_back({did, {}});
    doc_terms &dt = t.docs.back();
    for (const ps__entity &e : ents) {
        /* An entity without mentions has no term; a term Xapian cannot
         * hold was not written. */
        if (e.count == 0 || e.type < 0 || e.type >= PS_ENT__COUNT)
            continue;
        t.term.assign(ps_entity_type_prefix((ps_entity_type_t)e.type))
            .append(e.id);
        if (t.term.size() <= PS__MAX_TERM)
            add_term(t, dt, (unsigned)e.count);
    }
    quotes.clear();
    ps__decode_quotes(doc.get_value(PS__V_QUOTES), quotes);
    for (const ps__quote &q : quotes) {
        if (q.speaker_kind != PS_SPEAKER_ENTITY || q.speaker < 0 ||
            (size_t)q.speaker >= ents.size())
            continue;
        const ps__entity &e = ents[(size_t)q.speaker];
        t.term.assign(PS__P_SAID).append(ps__speaker_key(e.type, e.id));
        if (t.term.size() <= PS__MAX_TERM)
            add_term(t, dt, 1);
    }
}

/* Counts T's documents under their terms' rows: each row a document
 * once, with all its mentions. */
static void count_rows(ps_db_t *d, tally &t)
{
    std::vector<std::string> named;
    for (const std::string &term : t.terms) {
        std::string e = speaker_entity(term);
        named.push_back(e.empty() ? term : e);
    }
    d->ident.prefetch_resolve(named);
    std::vector<count *> row(t.terms.size());
    for (size_t i = 0; i < t.terms.size(); i++)
        row[i] = &t.rows[row_term(d, t.terms[i])];
    for (const doc_terms &dt : t.docs)
        for (const auto &tw : dt.terms) {
            count &c = *row[tw.first];
            if (c.last != dt.did) {
                c.docs++;
                c.last = dt.did;
            }
            c.mentions += tw.second;
        }
}

/* The first PER_TYPE rows of COUNTS of each entity type, then of the
 * speakers ("quoted") last, each list in the facet's order: by
 * documents, then mentions, then term. The rows point into COUNTS: a
 * thousand articles name thousands of entities, of which a facet shows
 * ten a type. */
static std::vector<rows_t>
rows_by_type(const std::unordered_map<std::string, count> &counts,
             unsigned per_type)
{
    std::vector<rows_t> by_type(PS_ENT__COUNT + 1);
    for (const auto &kv : counts) {
        if (kv.first.compare(0, std::strlen(PS__P_SAID), PS__P_SAID) == 0) {
            by_type[PS_ENT__COUNT].push_back(&kv);
            continue;
        }
        for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)ty);
            if (kv.first.compare(0, std::strlen(pre), pre) == 0)
                by_type[ty].push_back(&kv);
        }
    }
    for (rows_t &v : by_type) {
        size_t keep = std::min(v.size(), (size_t)per_type);
        std::partial_sort(v.begin(), v.begin() + (ptrdiff_t)keep, v.end(),
                          [](const row_t a, const row_t b) {
                              return a->second.docs != b->second.docs
                                         ? a->second.docs > b->second.docs
                                     : a->second.mentions != b->second.mentions
                                         ? a->second.mentions >
                                               b->second.mentions
                                         : a->first < b->first;
                          });
        v.resize(keep);
    }
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
    tally t;
    std::vector<ps__entity> ents;
    std::vector<ps__quote> quotes;
    Xapian::MSet ms = enq.get_mset(0, docs);
    for (auto m = ms.begin(); m != ms.end(); ++m)
        read_document(d, *m, t, ents, quotes);
    count_rows(d, t);
    std::vector<rows_t> by_type = rows_by_type(t.rows, per_type);
    jref out(json_object());
    for (int ty = 0; ty <= PS_ENT__COUNT; ty++) {
        bool quoted = ty == PS_ENT__COUNT;
        json_t *arr = jnew(json_array());
        jset(out.j,
             quoted ? "quoted" : ps_entity_type_name((ps_entity_type_t)ty),
             arr);
        for (row_t r : by_type[ty])
            jpush(arr, facet_row(d, r->first, r->second, quoted));
    }
    return out.release();
}
