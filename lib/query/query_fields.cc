/* The query fields, field:value: title:, path:, date: and the entity
 * fields (person:, place:, org:, treaty:, misc:, entity:), which resolve
 * aliases through the gazetteer. Each field is one row of FIELDS, which
 * the lexer asks too (is_field()): a new field is a row and its builder. */
#include <fnmatch.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "store/layout.h"
#include "ident/ident_db.h"
#include "query/query_private.h"
#include "store/vocab.h"

using namespace ps__query;

const parser::field_def parser::FIELDS[] = {
    {"title", &parser::title},   {"path", &parser::path},
    {"date", &parser::date},     {"person", &parser::entity},
    {"place", &parser::entity},  {"org", &parser::entity},
    {"treaty", &parser::entity}, {"misc", &parser::entity},
    {"entity", &parser::entity}, {"said", &parser::said},
    {"quote", &parser::quote},
};
const size_t parser::NFIELDS = sizeof FIELDS / sizeof *FIELDS;

bool ps__query::is_field(const std::string &f)
{
    for (size_t i = 0; i < parser::NFIELDS; i++)
        if (f == parser::FIELDS[i].name)
            return true;
    return false;
}

/* The item for the field token T, by its builder in FIELDS. */
item parser::field(const token &t)
{
    const field_def *f = nullptr;
    for (size_t i = 0; i < NFIELDS && !f; i++)
        if (t.field == FIELDS[i].name)
            f = &FIELDS[i];
    if (!f)
        fail(t.pos, "unknown field " + t.field);
    return (this->*f->build)(t);
}

/* title:word or title:"a phrase": title terms have title positions, so
 * they give no hits in the body. */
item parser::title(const token &t)
{
    size_t nhits = out_.hits.size();
    item it = t.quoted
                  ? phrase(t, "", PS__P_TITLE, t.pos)
                  : word(t.text, t.pos, PS__P_TITLE, PS__P_TITLE_STEM, false);
    out_.hits.resize(nhits);
    return it;
}

/* A boolean filter: matches without adding to the score. */
static Xapian::Query filter(const Xapian::Query &q)
{
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0);
}

/* How many id terms a path: filter ORs together at most, where it can do
 * with fewer. Xapian 1.4 matches an OR of N single-document terms in
 * time that grows as N squared (the 10,602 paths of the bench slice's
 * gcide folder: 4.3 s; 256: about 2 ms), a value range of the path slot
 * in time that grows with the index, a value read a document (2 ms for
 * the slice's 11,516). So a filter matching more paths searches its
 * longest runs of paths in byte order (a folder's files stand together)
 * as value ranges, until at most this many terms are left. */
static const size_t PATH_TERMS = 256;

namespace
{

/* Matching paths that stand together in byte order: the first and last,
 * and the id term of each. */
struct path_run {
    std::string first, last;
    std::vector<std::string> terms;
};

/* Gathers the runs of the paths that contain TEXT, given every path of
 * the index in byte order (see() each) with its id term. A TEXT with a
 * "*" or "?" is a shell pattern that a part of the path matches ("*"
 * matching "/" too, as the contains-match does): path:2016-??-*.txt. */
class run_finder
{
  public:
    explicit run_finder(const std::string &text)
        : text_(text), glob_(text.find_first_of("*?") != std::string::npos),
          pattern_("*" + text + "*")
    {
    }
    void see(const std::string &path, const std::string &term)
    {
        if (glob_ ? fnmatch(pattern_.c_str(), path.c_str(), 0) != 0
                  : path.find(text_) == std::string::npos) {
            open_ = false;
            return;
        }
        if (!open_)
            runs.push_back({path, path, {}});
        open_ = true;
        runs.back().last = path;
        runs.back().terms.push_back(term);
        matched++;
    }
    std::vector<path_run> runs;
    size_t matched = 0;

  private:
    const std::string &text_;
    const bool glob_;
    const std::string pattern_;
    bool open_ = false;
};

} // namespace

/* path:TEXT: the articles whose path contains TEXT (or a part matching
 * it, when it is a pattern), as a filter. */
item parser::path(const token &t)
{
    if (!ctx_.db) {
        /* Only checking the query (ps_query_check): nothing to match. */
        item it;
        it.q = filter(Xapian::Query::MatchAll);
        it.filter = true;
        return it;
    }
    /* Every path of the index in byte order: a plain id term is "Q" and
     * the path, in that order already; a path too long for a term has a
     * hashed id term ("Q#..."), and is read from its document's values
     * and put in its place. Every document has one id term, so a value
     * range between two paths of a run holds the paths between them and
     * no other. */
    const Xapian::Database &db = *ctx_.db;
    const std::string hashed_prefix = std::string(PS__P_ID) + "#";
    std::vector<std::pair<std::string, std::string>> hashed;
    for (auto it = db.allterms_begin(hashed_prefix);
         it != db.allterms_end(hashed_prefix); ++it) {
        Xapian::PostingIterator p = db.postlist_begin(*it);
        if (p != db.postlist_end(*it))
            hashed.emplace_back(db.get_document(*p).get_value(PS__V_PATH),
                                *it);
    }
    std::sort(hashed.begin(), hashed.end());
    run_finder found(t.text);
    size_t h = 0;
    std::string path;
    for (auto it = db.allterms_begin(PS__P_ID); it != db.allterms_end(PS__P_ID);
         ++it) {
        const std::string &term = *it;
        if (term.compare(0, hashed_prefix.size(), hashed_prefix) == 0)
            continue;
        path.assign(term, 1, std::string::npos);
        for (; h < hashed.size() && hashed[h].first < path; h++)
            found.see(hashed[h].first, hashed[h].second);
        found.see(path, term);
    }
    for (; h < hashed.size(); h++)
        found.see(hashed[h].first, hashed[h].second);
    /* The longest runs become ranges while too many terms are left. */
    std::vector<path_run> &runs = found.runs;
    std::vector<bool> range(runs.size(), false);
    if (found.matched > PATH_TERMS) {
        std::vector<size_t> by_length(runs.size());
        for (size_t r = 0; r < runs.size(); r++)
            by_length[r] = r;
        std::stable_sort(by_length.begin(), by_length.end(),
                         [&runs](size_t a, size_t b) {
                             return runs[a].terms.size() > runs[b].terms.size();
                         });
        size_t left = found.matched;
        for (size_t r : by_length) {
            if (left <= PATH_TERMS || runs[r].terms.size() < 2)
                break;
            range[r] = true;
            left -= runs[r].terms.size();
        }
    }
    std::vector<Xapian::Query> parts;
    for (size_t r = 0; r < runs.size(); r++) {
        if (range[r]) {
            out_.path_range_docs += runs[r].terms.size();
            parts.push_back(Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
                                          PS__V_PATH, runs[r].first,
                                          runs[r].last));
            continue;
        }
        for (const std::string &term : runs[r].terms)
            parts.push_back(Xapian::Query(term));
    }
    item it;
    it.filter = true;
    it.q = filter(parts.empty() ? Xapian::Query::MatchNothing
                                : Xapian::Query(Xapian::Query::OP_OR,
                                                parts.begin(), parts.end()));
    return it;
}

/* Reads YYYY, YYYY-MM or YYYY-MM-DD into a YYYYMMDD bound; an end
 * bound is padded to the last day of its period. */
static bool date_bound(const std::string &s, bool end, std::string &out)
{
    unsigned y = 0, m = 0, d = 0;
    int n = 0;
    if (std::sscanf(s.c_str(), "%4u-%2u-%2u%n", &y, &m, &d, &n) == 3 &&
        (size_t)n == s.size()) {
    } else if (std::sscanf(s.c_str(), "%4u-%2u%n", &y, &m, &n) == 2 &&
               (size_t)n == s.size()) {
        d = end ? 31 : 1;
    } else if (std::sscanf(s.c_str(), "%4u%n", &y, &n) == 1 &&
               (size_t)n == s.size() && s.size() == 4) {
        m = end ? 12 : 1;
        d = end ? 31 : 1;
    } else {
        return false;
    }
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u%02u%02u", y, m, d);
    out = buf;
    return true;
}

/* date:YYYY[-MM[-DD]], or a range FROM..TO of those, as a filter. */
item parser::date(const token &t)
{
    std::string lo, hi;
    size_t dots = t.text.find("..");
    bool ok;
    if (dots == std::string::npos) {
        ok = date_bound(t.text, false, lo) && date_bound(t.text, true, hi);
    } else {
        std::string a = t.text.substr(0, dots), b = t.text.substr(dots + 2);
        ok = (a.empty() || date_bound(a, false, lo)) &&
             (b.empty() || date_bound(b, true, hi)) &&
             !(a.empty() && b.empty());
    }
    if (!ok)
        fail(t.pos, "date: takes YYYY, YYYY-MM, YYYY-MM-DD or a range "
                    "FROM..TO of those (either end may be left out)");
    item it;
    if (lo.empty())
        it.q = Xapian::Query(Xapian::Query::OP_VALUE_LE, PS__V_DATE, hi);
    else if (hi.empty())
        it.q = Xapian::Query(Xapian::Query::OP_VALUE_GE, PS__V_DATE, lo);
    else
        it.q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, PS__V_DATE, lo, hi);
    it.q = filter(it.q);
    it.filter = true;
    return it;
}

/* Entity ids the index has under PREFIX that end with "-SLUG": the
 * surname of an unknown person ("Lough" for "john-lough"), in byte order.
 * Each shard lists them (PS__META_SURNAME): one look-up a shard. Without
 * the shards, from the term list. */
void parser::surname_terms(const std::string &prefix, const std::string &slug,
                           std::vector<std::string> &terms)
{
    if (ctx_.shards) {
        std::string key = PS__META_SURNAME + prefix + slug;
        if (key.size() > PS__MAX_META_KEY)
            return;
        std::vector<std::string> found =
            ctx_.cache ? ctx_.cache->shards_lines(*ctx_.shards, key)
                       : ps__shards_lines(*ctx_.shards, key, SIZE_MAX);
        terms.insert(terms.end(), found.begin(), found.end());
        return;
    }
    if (!ctx_.db)
        return;
    std::string tail = "-" + slug;
    const Xapian::Database &db = *ctx_.db;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix);
         ++it) {
        const std::string &term = *it;
        if (term.size() > tail.size() &&
            term.compare(term.size() - tail.size(), tail.size(), tail) == 0)
            terms.push_back(term);
    }
}

/* The terms of every entity that name SLUG of TYPE stands for across the
 * index (ident_db.h): the entity the name resolves to, and for a person's
 * one word, every person with it as first name or surname ("Hillary"
 * finds Hillary Clinton however written; "Clinton" every Clinton, whom
 * the facets then tell apart), for several words every person whose name
 * ends with them ("Le Pen", "Peña Nieto"); each with every term that
 * resolves to it. */
void parser::identity_terms(ps_entity_type_t type, const std::string &slug,
                            std::vector<std::string> &terms)
{
    ps__ident_db &ident = *ctx_.ident;
    std::string prefix = ps_entity_type_prefix(type);
    std::set<std::string> targets{ident.resolve(prefix + slug)};
    if (type == PS_ENT_PERSON && slug.find('-') == std::string::npos)
        for (const std::string &id : ident.people_named(slug))
            targets.insert(ident.resolve(prefix + id));
    else if (type == PS_ENT_PERSON)
        for (const std::string &id : ident.people_surnamed(slug))
            targets.insert(ident.resolve(prefix + id));
    for (const std::string &target : targets)
        for (std::string &m : ident.members(target))
            terms.push_back(std::move(m));
}

/* The terms of an entity the gazetteer does not know, named T's value:
 * those of the entities its slug stands for under the prefix of TYPE
 * (every type when TYPE is -1), and, but for people, whom identity_terms()
 * finds by surname, the ids ending in it (a surname). */
void parser::unknown_entity_terms(const token &t, int type,
                                  std::vector<std::string> &terms)
{
    char *slug = nullptr;
    ps_status_t st =
        ps_entity_slug(ctx_.an, t.text.data(), t.text.size(), &slug);
    if (st == PS_ENOMEM)
        throw std::bad_alloc();
    if (st != PS_OK || !slug || !slug[0]) {
        std::free(slug);
        fail(t.pos, "no name in " + t.field + ":" + t.text);
    }
    std::string s(slug);
    std::free(slug);
    for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
        if (type >= 0 && ty != type)
            continue;
        std::string prefix = ps_entity_type_prefix((ps_entity_type_t)ty);
        if (ctx_.ident && ctx_.db)
            identity_terms((ps_entity_type_t)ty, s, terms);
        else
            terms.push_back(prefix + s);
        if (ty != PS_ENT_PERSON || !ctx_.ident)
            surname_terms(prefix, s, terms);
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
}

/* person:, place:, org:, treaty:, misc: or entity: NAME: the entity the
 * gazetteer resolves NAME to, else the ids NAME's slug may stand for. */
item parser::entity(const token &t)
{
    int type = t.field == "entity" ? -1 : ps_entity_type_parse(t.field.c_str());
    std::vector<std::string> terms;
    const ps_entity_def_t *def =
        ctx_.gaz ? ps_gazetteer_resolve(ctx_.gaz, ctx_.an, t.text.data(),
                                        t.text.size(), type)
                 : nullptr;
    if (def)
        terms.push_back(std::string(ps_entity_type_prefix(def->type)) +
                        def->id);
    else
        unknown_entity_terms(t, type, terms);
    item it;
    /* The ids of one name are weighed as one term, as a word's forms
     * are: as OP_OR they would each bring their own rarity, and the one
     * article of a "Ryan Leenders" would rank above every article that
     * quotes Paul Ryan. NEAR takes any of them ("person:Trump NEAR/5
     * wall"). */
    it.q = terms.size() == 1 ? Xapian::Query(terms[0])
                             : Xapian::Query(Xapian::Query::OP_SYNONYM,
                                             terms.begin(), terms.end());
    it.single = terms;
    for (const std::string &term : terms) {
        ps__hitgroup g;
        g.slots.push_back({term});
        g.entity = true;
        out_.hits.push_back(g);
    }
    return it;
}
