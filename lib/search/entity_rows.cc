/* A document's entities as the index identifies them across articles
 * (ident_db.h): the result entities and the doc op show one row per
 * entity, "Clinton" and "Hillary Clinton" of one article as one, named
 * as most articles name it. Hit lines still come from each term's own
 * mentions (hits.cc), which are the same mentions. */
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/search_private.h"

std::vector<ps__entity> ps__search::identified(ps_db_t *d,
                                               std::vector<ps__entity> ents)
{
    std::vector<ps__entity> out;
    out.reserve(ents.size());
    std::unordered_map<const std::string *, size_t> at;
    for (ps__entity &e : ents) {
        /* The gazetteer says who its entities are. */
        if (e.known || e.type < 0 || e.type >= PS_ENT__COUNT) {
            out.push_back(std::move(e));
            continue;
        }
        const ps__ident_view &v = d->ident.view((ps_entity_type_t)e.type, e.id);
        auto it = at.find(v.term);
        if (it != at.end()) {
            std::vector<ps_mention_t> &m = out[it->second].mentions;
            m.insert(m.end(), e.mentions.begin(), e.mentions.end());
            std::sort(m.begin(), m.end(),
                      [](const ps_mention_t &a, const ps_mention_t &b) {
                          return a.offset < b.offset;
                      });
            continue;
        }
        at.emplace(v.term, out.size());
        e.type = v.type;
        e.id = v.id;
        if (!v.name.empty())
            e.name = v.name;
        out.push_back(std::move(e));
    }
    return out;
}
