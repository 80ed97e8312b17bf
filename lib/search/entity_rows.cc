/* A document's entities as the index identifies them across articles
 * (ident_db.h): the result entities and the doc op show one row per
 * entity, "Clinton" and "Hillary Clinton" of one article as one, named
 * as most articles name it. Hit lines still come from each term's own
 * mentions (hits.cc), which are the same mentions. */
#include <algorithm>
#include <string>
#include <vector>

#include <xxhash.h>

#include "search/search_private.h"

/* Adds the mentions of B to A, in text order, each with its text; VALUE is
 * the entity value they are read from while not read yet. */
static void merge(ps__entity &a, ps__entity &b, const std::string_view *value)
{
    if (value) {
        ps__entity_mentions(*value, a);
        ps__entity_mentions(*value, b);
    }
    std::vector<std::pair<ps_mention_t, uint32_t>> m;
    m.reserve(a.mentions.size() + b.mentions.size());
    for (size_t k = 0; k < a.mentions.size(); k++)
        m.emplace_back(a.mentions[k], a.form_of[k]);
    for (size_t k = 0; k < b.mentions.size(); k++)
        m.emplace_back(b.mentions[k], b.form_of[k]);
    /* The order std::sort gives the mentions alone: it depends only on
     * the comparisons. */
    std::sort(m.begin(), m.end(), [](const auto &x, const auto &y) {
        return x.first.offset < y.first.offset;
    });
    a.mentions.clear();
    a.form_of.clear();
    for (const auto &p : m) {
        a.mentions.push_back(p.first);
        a.form_of.push_back(p.second);
    }
    a.count = a.mentions.size();
}

namespace
{

/* The rows' resolved terms, to find the row an entity joins: a table of
 * open addressing, sized once for a document's entities (a long page
 * names hundreds, each looked up once), with no allocation a term. */
class term_rows
{
  public:
    explicit term_rows(size_t n)
    {
        size_t cap = 16;
        while (cap < 2 * n)
            cap *= 2;
        slots_.assign(cap, {std::string_view(), NONE});
        mask_ = cap - 1;
    }
    /* The row that TERM, of hash HASH, has, or ROW, which it has from
     * now on. */
    size_t find_or_add(std::string_view term, uint64_t hash, size_t row)
    {
        for (size_t h = hash & mask_;; h = (h + 1) & mask_) {
            auto &s = slots_[h];
            if (s.second == NONE) {
                s = {term, row};
                return row;
            }
            if (s.first == term)
                return s.second;
        }
    }

  private:
    static constexpr size_t NONE = SIZE_MAX;
    std::vector<std::pair<std::string_view, size_t>> slots_;
    size_t mask_;
};

} // namespace

std::vector<ps__entity> ps__search::identified(ps_db_t *d,
                                               std::vector<ps__entity> ents,
                                               const std::string_view *value)
{
    /* Keyed by the resolved term's text: two of the document's ids
     * ("joe-biden", "biden") resolve to equal terms, not one string. The
     * views point into what d->ident keeps, as the rows' ids and names
     * do: nothing is copied but the rows that move up. */
    term_rows at(ents.size());
    size_t n = 0; /* rows kept, in place at the front of ENTS */
    for (size_t i = 0; i < ents.size(); i++) {
        ps__entity &e = ents[i];
        /* The gazetteer says who its entities are. */
        if (!e.known && e.type >= 0 && e.type < PS_ENT__COUNT) {
            const ps__ident_view &v =
                d->ident.view((ps_entity_type_t)e.type, e.id);
            size_t row = at.find_or_add(*v.term, v.term_hash, n);
            if (row != n) {
                merge(ents[row], e, value);
                continue;
            }
            e.type = v.type;
            e.id = v.id;
        }
        if (n != i)
            ents[n] = std::move(e);
        n++;
    }
    ents.resize(n);
    return ents;
}

std::string_view ps__search::shown_name(ps_db_t *d, const ps__entity &e)
{
    if (e.known || e.type < 0 || e.type >= PS_ENT__COUNT)
        return e.name;
    std::string term(ps_entity_type_prefix((ps_entity_type_t)e.type));
    term.append(e.id);
    const std::string &name = d->ident.display_name(term);
    return name.empty() ? e.name : std::string_view(name);
}
