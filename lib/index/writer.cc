/* Writing documents: routing each path to its shard by a stable hash,
 * adding, replacing and removing documents (through the shard writer
 * threads of a rebuild), listing and counting what is there, and the
 * commit that makes it visible, switching to a generation built aside. */
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <xxhash.h>

#include <xapian.h>

#include "index/index_private.h"
#include "store/codec.h"
#include "store/layout.h"
#include "store/shim.h"
#include "store/spell.h"

using namespace ps__index;

/* Text written between two commits of a generation built aside. Xapian
 * holds a batch's postings in memory, about 23 bytes for each byte of
 * text, so 8 MiB keeps a build near 200 MiB whatever the corpus size. */
static const size_t REBUILD_BATCH_BYTES = 8u << 20;

/* The shard a path belongs to: a stable hash, so a file stays in its
 * shard from run to run. */
size_t ps__index::shard_index(const ps_index_t *ix, const char *path)
{
    size_t n = ix->nparts ? 1 : ix->dbs.size();
    return n == 1 ? 0 : XXH64(path, std::strlen(path), 0) % n;
}

Xapian::WritableDatabase &ps__index::shard_of(ps_index_t *ix, const char *path)
{
    return ix->dbs[shard_index(ix, path)];
}

extern "C" int ps_index_owns(const ps_index_t *ix, const char *path)
{
    return !ix->nparts ||
           XXH64(path, std::strlen(path), 0) % ix->nparts == ix->part;
}

/* Waits for the shard writers to finish what they were given, so that the
 * calling thread may use the databases; throws a writer's failure. */
void ps__index::drain_writers(ps_index_t *ix)
{
    for (auto &w : ix->writers)
        w->drain();
}

void ps__index::set_metadata_all(ps_index_t *ix, const std::string &key,
                                 const std::string &value)
{
    /* A sharded index is read through a stub that puts the shards side by
     * side, and Xapian answers metadata from the first one; every shard
     * carries it so any order works. */
    for (size_t k = 0; k < ix->dbs.size(); k++) {
        if (ix->writers.empty())
            ix->dbs[k].set_metadata(key, value);
        else
            ix->writers[k]->set_metadata(key, value);
    }
}

/* Commits every shard of a generation built aside; the writer threads
 * commit theirs side by side. */
static void commit_all(ps_index_t *ix)
{
    if (ix->writers.empty()) {
        for (auto &db : ix->dbs)
            ps__checkpoint(db);
        return;
    }
    for (auto &w : ix->writers)
        w->commit();
    drain_writers(ix);
}

Xapian::docid ps__index::find_doc(Xapian::WritableDatabase &db,
                                  const std::string &idterm)
{
    Xapian::PostingIterator it = db.postlist_begin(idterm);
    return it == db.postlist_end(idterm) ? 0 : *it;
}

extern "C" ps_status_t ps_index_set_gazetteer(ps_index_t *ix, const char *text,
                                              size_t len)
{
    try {
        set_metadata_all(ix, PS__META_GAZETTEER, std::string(text, len));
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "storing the gazetteer");
    }
}

extern "C" ps_status_t ps_index_set_quotes(ps_index_t *ix, int indexed)
{
    const std::string want = indexed ? "" : PS__QUOTES_NONE;
    try {
        if (ix->aside) {
            set_metadata_all(ix, PS__META_QUOTES, want);
            return PS_OK;
        }
        for (auto &db : ix->dbs) {
            if (db.get_metadata(PS__META_QUOTES) == want)
                continue;
            ix->errmsg = indexed ? "the index was built without quotes "
                                   "(--no-quotes); adding them needs a "
                                   "rebuild with --full"
                                 : "the index holds quotes; leaving them out "
                                   "(--no-quotes) needs a rebuild with --full";
            return PS_EINVAL;
        }
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "storing whether quotes are indexed");
    }
}

struct ps_index_doc {
    Xapian::Document doc;
};

/* Stores DOC, built from REC, in the shard of REC's path; a shard
 * writer thread takes it, leaving DOC empty. */
static void put_doc(ps_index_t *ix, const ps_docrec_t *rec,
                    Xapian::Document &doc)
{
    size_t k = shard_index(ix, rec->path);
    Xapian::WritableDatabase &db = ix->dbs[k];
    /* A generation built aside learns its words once, at the end
     * (learn_vocabulary()); an update learns those of its documents. */
    if (!ix->aside) {
        record_forms(ix, k, rec->tokens, rec->ntokens);
        /* A front-matter title's words are not in the body. */
        record_forms(ix, k, rec->title_tokens, rec->ntitle_tokens);
    }
    store_surnames_of(ix, rec);
    /* A generation built aside starts empty and sees each path once,
     * so it can skip the lookup replace_document() does. */
    if (!ix->writers.empty())
        ix->writers[k]->add(std::move(doc), rec->len);
    else if (ix->aside)
        db.add_document(doc);
    else
        db.replace_document(ps__id_term(rec->path), doc);
    if (ix->known_loaded)
        ix->known[rec->path] = rec->stat;
    ix->pending += rec->len;
    if (ix->aside && ix->pending >= REBUILD_BATCH_BYTES) {
        if (ix->writers.empty()) {
            commit_all(ix);
        } else {
            /* Queued, not awaited: the writers go on side by side. */
            for (auto &w : ix->writers)
                w->commit();
        }
        ix->pending = 0;
    }
}

extern "C" ps_status_t ps_index_put(ps_index_t *ix, const ps_docrec_t *rec)
{
    try {
        Xapian::Document doc = build_doc(rec, ps__id_term(rec->path));
        put_doc(ix, rec, doc);
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, rec->path);
    }
}

extern "C" ps_status_t ps_index_doc_build(const ps_docrec_t *rec,
                                          ps_index_doc_t **out)
{
    *out = nullptr;
    try {
        *out = new ps_index_doc{build_doc(rec, ps__id_term(rec->path))};
        return PS_OK;
    } catch (...) {
        /* Building only allocates: whatever failed, memory ran out. */
        return PS_ENOMEM;
    }
}

extern "C" ps_status_t
ps_index_put_built(ps_index_t *ix, const ps_docrec_t *rec, ps_index_doc_t *doc)
{
    try {
        /* Stored, not freed: the caller frees it on its own thread, and
         * so the writing thread does not spend its time on the
         * document's thousands of small blocks (but for a shard writer
         * thread's, which takes the document whole). */
        put_doc(ix, rec, doc->doc);
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, rec->path);
    }
}

extern "C" void ps_index_doc_free(ps_index_doc_t *doc)
{
    delete doc;
}

extern "C" ps_status_t ps_index_remove(ps_index_t *ix, const char *path)
{
    try {
        drain_writers(ix);
        std::string idterm = ps__id_term(path);
        Xapian::WritableDatabase &db = shard_of(ix, path);
        Xapian::docid id = find_doc(db, idterm);
        if (!id)
            return PS_ENOTFOUND;
        db.delete_document(idterm);
        ix->known.erase(path);
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, path);
    }
}

extern "C" ps_status_t ps_index_foreach_path(ps_index_t *ix, const char *prefix,
                                             int (*fn)(const char *, void *),
                                             void *ctx)
{
    try {
        drain_writers(ix);
        std::string path;
        size_t plen = std::strlen(prefix);
        for (auto &db : ix->dbs) {
            for (auto t = db.allterms_begin(PS__P_ID);
                 t != db.allterms_end(PS__P_ID); ++t) {
                const std::string &term = *t;
                if (term.size() > 1 && term[1] == '#') {
                    /* A hashed id: the path is in the document's values. */
                    Xapian::PostingIterator p = db.postlist_begin(term);
                    if (p == db.postlist_end(term))
                        continue;
                    path = db.get_document(*p).get_value(PS__V_PATH);
                } else {
                    path.assign(term, 1, std::string::npos);
                }
                if (path.compare(0, plen, prefix) != 0)
                    continue;
                if (fn(path.c_str(), ctx))
                    return PS_OK;
            }
        }
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "listing paths");
    }
}

extern "C" ps_status_t ps_index_doccount(ps_index_t *ix, uint64_t *out)
{
    try {
        drain_writers(ix);
        uint64_t n = 0;
        for (auto &db : ix->dbs)
            n += db.get_doccount();
        *out = n;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "counting documents");
    }
}

/* Runs F on a thread of its own and G on this one; rethrows the first
 * failure once both are done. */
template <typename F, typename G> static void side_by_side(F f, G g)
{
    std::exception_ptr ferr, gerr;
    std::thread t([&] {
        try {
            f();
        } catch (...) {
            ferr = std::current_exception();
        }
    });
    try {
        g();
    } catch (...) {
        gerr = std::current_exception();
    }
    t.join();
    if (ferr)
        std::rethrow_exception(ferr);
    if (gerr)
        std::rethrow_exception(gerr);
}

/* Ends shard K of a generation built aside, every document in: commits
 * it, compacts it with its segments and adds the lists read from its
 * whole vocabulary (each stem's words, spelling). The lists are read from
 * a view of the shard and its segments opened before the compaction
 * starts, which keeps the files the compaction
 * renames and removes, so reading them goes on beside it, the longest
 * step of a rebuild: on the bench slice the compaction is 2.2 G
 * instructions and the lists 0.8 G, which the other core did nothing
 * beside. Metadata set in a compacted database go in sorted runs beside
 * the keys there, which Xapian packs as full blocks: the slice's index
 * grows by 0.25%, its content the same. */
static void finish_aside_shard(ps_index_t *ix, size_t k)
{
    Xapian::WritableDatabase &db = ix->dbs[k];
    if (ix->in_txn)
        db.commit_transaction();
    db.commit();
    Xapian::Database view(shard_path(ix, k));
    if (k < ix->segments.size())
        for (const std::string &seg : ix->segments[k])
            view.add_database(Xapian::Database(seg));
    std::map<std::string, std::string> lists;
    side_by_side([ix, k] { compact_shard(ix, k); },
                 [&] {
                     lists = vocabulary_lists(view);
                     std::map<std::string, std::string> spell =
                         ps__spell_lists(view);
                     lists.insert(spell.begin(), spell.end());
                 });
    view.close();
    write_lists(ix->dbs[k], lists);
}

/* Ends shard K's transaction: its spelling lists as its vocabulary
 * stands, committed; a shard built aside as finish_aside_shard() says.
 * Touches no other shard. */
static void finish_shard(ps_index_t *ix, size_t k)
{
    if (ix->aside) {
        finish_aside_shard(ix, k);
        return;
    }
    Xapian::WritableDatabase &db = ix->dbs[k];
    ps__spell_update(db);
    /* Ending an unflushed transaction only applies its changes;
     * commit() then makes them durable and visible. */
    if (ix->in_txn)
        db.commit_transaction();
    db.commit();
}

/* finish_shard() for every shard, each on a thread of its own when there
 * are several: nothing there is shared, and a rebuild's vocabulary pass
 * and compaction are the longest steps it takes alone. Rethrows the first
 * failure once every thread is done. */
static void finish_shards(ps_index_t *ix)
{
    size_t n = ix->dbs.size();
    if (n == 1) {
        finish_shard(ix, 0);
        return;
    }
    std::vector<std::exception_ptr> err(n);
    std::vector<std::thread> threads;
    try {
        for (size_t k = 0; k < n; k++)
            threads.emplace_back([ix, k, &err] {
                try {
                    finish_shard(ix, k);
                } catch (...) {
                    err[k] = std::current_exception();
                }
            });
    } catch (...) {
        for (auto &t : threads)
            t.join();
        throw;
    }
    for (auto &t : threads)
        t.join();
    for (auto &e : err)
        if (e)
            std::rethrow_exception(e);
}

extern "C" ps_status_t ps_index_commit(ps_index_t *ix)
{
    try {
        /* Each shard commits atomically; a reader of a sharded index may
         * see one shard's new revision a moment before another's. */
        if (ix->aside) {
            commit_all(ix);
            ix->segments.clear();
            for (auto &w : ix->writers)
                ix->segments.push_back(w->segments());
            ix->writers.clear();
        }
        finish_shards(ix);
        ix->segments.clear();
        ix->in_txn = false;
        if (ix->aside) {
            switch_generation(ix);
            ix->live_gen = ix->gen;
            ix->aside = false;
            ix->pending = 0;
        }
        for (auto &db : ix->dbs)
            db.begin_transaction(false);
        ix->in_txn = true;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "commit");
    }
}
