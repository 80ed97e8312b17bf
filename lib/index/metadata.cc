/* What each shard records beside its documents, as metadata: the words
 * of each stem (store/vocab.h), which the query parser merges across the
 * shards, and the entity terms by the ends of their ids, which surnames
 * in queries find. */
#include <algorithm>
#include <map>
#include <set>
#include <memory>
#include <string>

#include <xapian.h>

#include "index/index_private.h"
#include "store/layout.h"
#include "store/shim.h"
#include "store/vocab.h"

using namespace ps__index;

/* The most words record_forms() remembers before starting afresh: enough
 * to see most repeats, bounded so a huge vocabulary cannot grow memory. */
static const size_t MAX_FORMS_REMEMBERED = 262144;

/* Adds WORD to the sorted list of words of its stem that DB keeps under
 * KEY (ps__forms_key()), unless it is there already. */
static void add_form(Xapian::WritableDatabase &db, const std::string &key,
                     const std::string &word)
{
    std::string v = db.get_metadata(key);
    size_t i = 0;
    while (i < v.size()) {
        size_t nl = v.find('\n', i);
        if (nl == std::string::npos)
            nl = v.size();
        int c = v.compare(i, nl - i, word);
        if (c == 0)
            return;
        if (c > 0)
            break;
        i = nl + 1;
    }
    if (i >= v.size())
        v += (v.empty() ? "" : "\n") + word;
    else
        v.insert(i, word + "\n");
    db.set_metadata(key, v);
}

/* Records, for each body word new to this handle, that shard K holds a
 * word of its stem: each shard lists under ps__forms_key(stem) its words
 * with that stem ("run", "runs", "running"), which the query parser merges
 * across shards and searches together wherever the stem is asked for.
 * Words of documents since removed stay: they only match nothing. */
void ps__index::record_forms(ps_index_t *ix, size_t k, const ps_token_t *t,
                             size_t n)
{
    std::string word, seen, stem;
    std::string shard = std::to_string(k) + "\n";
    for (size_t i = 0; i < n; i++) {
        /* A compound whole is searched through its parts, never as a stem
         * (learn_vocabulary() leaves it out too). */
        if (t[i].term_len == 0 || t[i].term_len > PS__MAX_TERM ||
            (t[i].flags & PS_TOK_COMPOUND))
            continue;
        word.assign(t[i].term, t[i].term_len);
        seen.assign(shard).append(word);
        if (ix->forms.count(seen))
            continue;
        if (ix->forms.size() >= MAX_FORMS_REMEMBERED)
            ix->forms.clear();
        std::string key = ps__forms_key(std::string(t[i].stem, t[i].stem_len));
        if (key.size() <= PS__MAX_META_KEY)
            add_form(ix->dbs[k], key, word);
        ix->forms.insert(seen);
    }
}

/* Lists entity TERM under each end of its id after a hyphen, in every
 * shard (PS__META_SURNAME): "XPERSON:mary-anne-smith" under
 * "XPERSON:anne-smith" and "XPERSON:smith". An update adds to the lists
 * it finds; terms of removed documents stay, matching nothing. */
static void store_surnames(ps_index_t *ix, const std::string &term)
{
    size_t colon = term.find(':');
    if (colon == std::string::npos)
        return;
    for (size_t h = term.find('-', colon); h != std::string::npos &&
                                           h + 1 < term.size();
         h = term.find('-', h + 1)) {
        std::string key = PS__META_SURNAME + term.substr(0, colon + 1) +
                          term.substr(h + 1);
        if (key.size() > PS__MAX_META_KEY)
            continue;
        auto it = ix->surnames.find(key);
        if (it == ix->surnames.end()) {
            std::set<std::string> old;
            std::string v =
                ix->aside ? std::string() : ix->dbs[0].get_metadata(key);
            for (size_t i = 0; i < v.size();) {
                size_t nl = std::min(v.find('\n', i), v.size());
                old.insert(v.substr(i, nl - i));
                i = nl + 1;
            }
            it = ix->surnames.emplace(key, std::move(old)).first;
        }
        if (!it->second.insert(term).second)
            continue;
        std::string v;
        for (const std::string &t : it->second)
            v.append(t).append(1, '\n');
        v.pop_back();
        set_metadata_all(ix, key, v);
    }
}

void ps__index::store_surnames_of(ps_index_t *ix, const ps_docrec_t *r)
{
    std::string term;
    for (size_t i = 0; i < r->nentities; i++) {
        const ps_entity_t *e = &r->entities[i];
        term.assign(ps_entity_type_prefix(e->type)).append(e->id);
        store_surnames(ix, term);
    }
}

/* Metadata entries write_lists() sets between two commits of a shard,
 * which bounds the memory Xapian's pending metadata changes take on a
 * large vocabulary. */
static const size_t METADATA_BATCH = 100000;

/* Each stem's list of words (record_forms()) of a shard built aside, from
 * its vocabulary, in one pass once every document is in. Doing it per
 * document cost a third of the indexing time: a hash lookup per word read
 * and a metadata rewrite per new word. */
std::map<std::string, std::string>
ps__index::vocabulary_lists(const Xapian::Database &db)
{
    ps_analyzer_t *an = nullptr;
    if (ps_analyzer_new(&an) != PS_OK)
        throw std::bad_alloc();
    std::unique_ptr<ps_analyzer_t, void (*)(ps_analyzer_t *)> guard(
        an, ps_analyzer_free);
    /* Words come in byte order, so each stem's list comes out sorted. */
    std::map<std::string, std::string> lists;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        std::string word = *t;
        /* Prefixed terms start with an upper-case letter: skip them
         * all, to the plain words after 'Z' (lower case, non-ASCII). */
        if (word[0] >= 'A' && word[0] <= 'Z') {
            t.skip_to("[");
            if (t == db.allterms_end())
                break;
            word = *t;
        }
        std::string stem = ps__stem_of(an, word);
        if (stem.empty())
            continue;
        std::string &v = lists[stem];
        v += (v.empty() ? "" : "\n") + word;
    }
    /* The keys sort as their stems do, so each goes in at the end. */
    std::map<std::string, std::string> out;
    for (auto &l : lists) {
        std::string key = ps__forms_key(l.first);
        if (key.size() <= PS__MAX_META_KEY)
            out.emplace_hint(out.end(), std::move(key), std::move(l.second));
    }
    return out;
}

void ps__index::write_lists(Xapian::WritableDatabase &db,
                            const std::map<std::string, std::string> &lists)
{
    size_t batch = 0;
    for (const auto &l : lists) {
        db.set_metadata(l.first, l.second);
        if (++batch == METADATA_BATCH) {
            db.commit();
            batch = 0;
        }
    }
    db.commit();
}
