/* A document's entities as the index identifies them across articles
 * (ident_db.h): the result entities and the doc op show one row per
 * entity, "Clinton" and "Hillary Clinton" of one article as one, named
 * as most articles name it. Hit lines still come from each term's own
 * mentions (hits.cc), which are the same mentions. */
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "search/search_private.h"

std::vector<ps__entity>
ps__search::identified(ps_db_t *d, const std::vector<ps__entity> &ents)
{
    std::vector<ps__entity> out;
    std::map<std::string, size_t> at;
    for (const ps__entity &e : ents) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)e.type);
        if (!pre) {
            out.push_back(e);
            continue;
        }
        std::string raw = pre + e.id;
        /* The gazetteer says who its entities are. */
        std::string term = e.known ? raw : d->ident.resolve(raw);
        auto it = at.find(term);
        if (it != at.end()) {
            std::vector<ps_mention_t> &m = out[it->second].mentions;
            m.insert(m.end(), e.mentions.begin(), e.mentions.end());
            std::sort(m.begin(), m.end(),
                      [](const ps_mention_t &a, const ps_mention_t &b) {
                          return a.offset < b.offset;
                      });
            continue;
        }
        ps__entity r = e;
        ps_entity_type_t type;
        if (!e.known && ps__entity_term_split(term, &type, &r.id)) {
            r.type = type;
            const std::string &name = d->ident.display_name(term);
            if (!name.empty())
                r.name = name;
        }
        at.emplace(term, out.size());
        out.push_back(std::move(r));
    }
    return out;
}
