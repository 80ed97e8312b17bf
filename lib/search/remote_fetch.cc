/* A page of results read from remote shards side by side: each shard's
 * documents, and the position lists their hits need, asked by one thread
 * a shard. Xapian's remote backend answers a document or a position list
 * per round trip, one after the other (MSet::fetch() does not pipeline
 * them in Xapian 1.4); the shards are separate connections, so reading
 * them at once makes the page cost the round trips of its busiest shard
 * rather than those of every shard added up. What a result shows does not
 * change: the same documents and positions, read earlier. */
#include <exception>
#include <system_error>
#include <thread>

#include "search/search_private.h"

using namespace ps__search;

const Xapian::Document *fetched_page::doc(Xapian::docid did) const
{
    auto it = docs.find(did);
    return it == docs.end() ? nullptr : &it->second;
}

bool fetched_page::has_positions(Xapian::docid did) const
{
    return pos.count(did) != 0;
}

const std::vector<Xapian::termpos> *
fetched_page::positions(Xapian::docid did, const std::string &term) const
{
    auto it = pos.find(did);
    if (it == pos.end())
        return nullptr;
    auto t = it->second.find(term);
    return t == it->second.end() ? nullptr : &t->second;
}

/* The terms whose positions P's hits read, and how many position lists
 * a result needs; none when a group is a prefix*, whose terms are only
 * known from each document. */
static std::vector<std::string> hit_terms(const ps__parsed &p, size_t &lists)
{
    std::set<std::string> terms;
    lists = 0;
    for (const ps__hitgroup &g : p.hits) {
        if (g.wildcard)
            return {};
        for (const auto &slot : g.slots) {
            lists += slot.size();
            terms.insert(slot.begin(), slot.end());
        }
    }
    return std::vector<std::string>(terms.begin(), terms.end());
}

/* What one shard gives a page. */
struct shard_part {
    std::vector<std::pair<Xapian::docid, Xapian::Document>> docs;
    std::vector<std::pair<Xapian::docid,
                          std::map<std::string, std::vector<Xapian::termpos>>>>
        pos;
    std::exception_ptr err;
};

/* Reads from DB the documents DIDS (page docids, shard-local REAL ones
 * beside them) and, for those whose text is too long to analyse again
 * (TEXT_BYTES_PER_ROUND_TRIP), the positions of TERMS, into OUT. */
static void read_shard(const Xapian::Database &db,
                       const std::vector<std::pair<Xapian::docid, Xapian::docid>> &dids,
                       const std::vector<std::string> &terms, size_t lists,
                       shard_part &out)
{
    try {
        for (const auto &dd : dids) {
            Xapian::Document doc = db.get_document(dd.second);
            bool long_text = false;
            if (!terms.empty()) {
                std::string v = doc.get_value(PS__V_RECORD);
                ps__record rec;
                ps__decode_record(v, rec);
                long_text = ps__text(v, rec.text_at).size() >
                            lists * TEXT_BYTES_PER_ROUND_TRIP;
            }
            out.docs.emplace_back(dd.first, doc);
            if (!long_text)
                continue;
            std::map<std::string, std::vector<Xapian::termpos>> m;
            for (const std::string &t : terms) {
                std::vector<Xapian::termpos> &v = m[t];
                try {
                    for (auto it = db.positionlist_begin(dd.second, t);
                         it != db.positionlist_end(dd.second, t); ++it)
                        v.push_back(*it);
                } catch (const Xapian::RangeError &) {
                    /* The term is not in this document. */
                }
            }
            out.pos.emplace_back(dd.first, std::move(m));
        }
    } catch (...) {
        out.err = std::current_exception();
    }
}

/* Asks at once what identifying the entities of the page's documents
 * reads (ident_db.h): the results show each entity as the index
 * identifies it, and over remote shards each look-up is a round trip;
 * a handle remembers them until the index changes, so this costs only on
 * the first pages after a change. */
static void prefetch_entities(ps_db_t *d, const fetched_page &page)
{
    std::vector<std::string> terms;
    std::vector<ps__entity> ents;
    for (const auto &doc : page.docs) {
        ents.clear();
        ps__record rec;
        std::string v = doc.second.get_value(PS__V_RECORD);
        ps__decode_record(v, rec);
        ps__decode_entity_heads(rec.ents, ents);
        for (const ps__entity &e : ents)
            if (!e.known && e.type >= 0 && e.type < PS_ENT__COUNT)
                terms.push_back(
                    std::string(ps_entity_type_prefix((ps_entity_type_t)e.type))
                        .append(e.id));
    }
    d->ident.prefetch_resolve(terms);
}

void ps__search::fetch_page(ps_db_t *d, const ps__parsed &p,
                            const std::vector<Xapian::docid> &page,
                            bool with_positions, fetched_page &out)
{
    size_t n = d->shards.size();
    if (n == 0 || page.empty())
        return;
    size_t lists = 0;
    std::vector<std::string> terms;
    /* Where the spans give the positions (remote_pos.cc), none is
     * asked for. */
    if (with_positions && !spans_serve(p))
        terms = hit_terms(p, lists);
    /* A page docid is (shard-local docid - 1) * n + shard + 1 (Xapian's
     * interleaving of the databases added to one). */
    std::vector<std::vector<std::pair<Xapian::docid, Xapian::docid>>> dids(n);
    for (Xapian::docid m : page)
        dids[(m - 1) % n].emplace_back(m, (m - 1) / n + 1);
    std::vector<shard_part> parts(n);
    std::vector<std::thread> threads;
    size_t first = n;
    for (size_t k = 0; k < n; k++) {
        if (dids[k].empty())
            continue;
        if (first == n) {
            first = k; /* read by this thread, after starting the others */
            continue;
        }
        try {
            threads.emplace_back(read_shard, std::cref(d->shards[k]),
                                 std::cref(dids[k]), std::cref(terms), lists,
                                 std::ref(parts[k]));
        } catch (const std::system_error &) {
            /* No thread to be had: read it here and now. */
            read_shard(d->shards[k], dids[k], terms, lists, parts[k]);
        }
    }
    if (first < n)
        read_shard(d->shards[first], dids[first], terms, lists, parts[first]);
    for (std::thread &t : threads)
        t.join();
    for (shard_part &part : parts) {
        if (part.err)
            std::rethrow_exception(part.err);
        for (auto &doc : part.docs)
            out.docs.emplace(doc.first, std::move(doc.second));
        for (auto &pl : part.pos)
            out.pos.emplace(pl.first, std::move(pl.second));
    }
    if (with_positions)
        prefetch_entities(d, out);
}
