/* Internal to lib/index/: the writer's handle (struct ps_index) and what
 * its files share. The writing half of the Xapian shim is cut so:
 *   index_open.cc  the handle: opening (whole index or one shard), closing
 *   generation.cc  generations, the stub, stale cleanup and the locks
 *   document.cc    an analysed article as a Xapian document
 *   metadata.cc    what shards record beside documents: each stem's words
 *                  and the entities' display names
 *   changes.cc     change detection: what the index remembers of each file
 *   writer.cc      shard routing, adding and removing documents, commit
 *   shardw.cc      the thread that writes one shard of a rebuild */
#ifndef PSEARCH_INDEX_PRIVATE_H
#define PSEARCH_INDEX_PRIVATE_H

#ifndef __cplusplus
#error "index_private.h is for the C++ shim only"
#endif

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "index/shardw.h"
#include "psearch/index.h"

struct ps_index {
    std::string dir;
    std::string errmsg;
    int lockfd = -1;
    /* One database per shard; a document lives in the shard its path
     * hashes to. */
    std::vector<Xapian::WritableDatabase> dbs;
    unsigned gen = 0;      /* generation being written */
    unsigned live_gen = 0; /* generation the stub names, 0 for none */
    bool aside = false;    /* building a generation readers cannot see */
    bool in_txn = false;
    size_t pending = 0; /* bytes of text since the last commit */
    /* The lists of entity terms by the end of their ids (PS__META_SURNAME)
     * as this handle has stored them, by key. */
    std::unordered_map<std::string, std::set<std::string>> surnames;
    /* A rebuild of several shards writes each on its own thread; empty
     * otherwise. While they run, only they touch dbs. */
    std::vector<std::unique_ptr<ps__shard_writer>> writers;
    /* The segments each shard's writer wrote (shardw.h), once they are
     * done: what compact_shard() adds to the shard. */
    std::vector<std::vector<std::string>> segments;
    /* What the index remembers of each file, read in one pass on the first
     * ps_index_stat() (see load_known()) and kept up to date by this
     * handle's own changes. */
    std::unordered_map<std::string, ps_filestat_t> known;
    bool known_loaded = false;
    /* Building one shard of a shared index (ps_index_open_part()): its
     * number PART of NPARTS, the folder it is written to and the folder
     * the stub named for it before ("" for none); NPARTS is 0 otherwise. */
    unsigned part = 0, nparts = 0;
    std::string part_path, old_part_path;
    int partlockfd = -1;
    /* "K\nword": words this handle has recorded in shard K's list of
     * its stem's words (see record_forms()). */
    std::unordered_set<std::string> forms;
};

namespace ps__index
{

/* generation.cc */

/* The folder name of generation GEN ("db.N"). */
std::string gen_name(unsigned gen);
/* Takes the writers' lock of the whole index without waiting. */
ps_status_t take_lock(ps_index_t *ix);
/* Takes an flock() on PATH without waiting into *FD; EXCLUSIVE or shared. */
ps_status_t lock_file(ps_index_t *ix, const std::string &path, int *fd,
                      bool exclusive);
/* Opens the live generation for an update, or a new one built aside when
 * REBUILD (or when there is none), of SHARDS shards (0: as it is). */
void open_generation(ps_index_t *ix, bool rebuild, unsigned shards);
/* Opens shard PART of NPARTS for a writer of that shard alone. */
void open_part(ps_index_t *ix, bool rebuild, unsigned nparts, unsigned part);
/* The folder of shard K of the generation IX writes, absolute. */
std::string shard_path(const ps_index_t *ix, size_t k);
/* Rewrites shard K of the generation IX built aside, committed, compact
 * (store/compact.h) with the segments its writer wrote, before any reader
 * sees it. Touches no other shard,
 * so each may be compacted on a thread of its own. */
void compact_shard(ps_index_t *ix, size_t k);
/* Points the stub at the generation (or the shard) IX built aside, and
 * drops the old one. */
void switch_generation(ps_index_t *ix);

/* writer.cc */

/* The shard a path belongs to, by a stable hash. */
size_t shard_index(const ps_index_t *ix, const char *path);
/* The database of the shard PATH belongs to. */
Xapian::WritableDatabase &shard_of(ps_index_t *ix, const char *path);
/* Waits for the shard writers to finish what they were given; throws a
 * writer's failure. */
void drain_writers(ps_index_t *ix);
/* Sets metadata KEY to VALUE in every shard. */
void set_metadata_all(ps_index_t *ix, const std::string &key,
                      const std::string &value);
/* The document with id term IDTERM in DB, or 0. */
Xapian::docid find_doc(Xapian::WritableDatabase &db, const std::string &idterm);

/* document.cc */

/* The document for record R, with id term IDTERM. */
Xapian::Document build_doc(const ps_docrec_t *r, const std::string &idterm);
/* Stores the file's modification time, size and hash ST in DOC. */
void set_stat_values(Xapian::Document &doc, const ps_filestat_t *st);

/* metadata.cc */

/* Records that shard K holds the words of the tokens T[0, N). */
void record_forms(ps_index_t *ix, size_t k, const ps_token_t *t, size_t n);
/* Each stem's list of words of a shard built aside, from DB, a view of
 * its vocabulary, by metadata key. */
std::map<std::string, std::string>
vocabulary_lists(const Xapian::Database &db);
/* Sets each metadata entry of LISTS in DB, outside any transaction, and
 * commits, now and then on the way too, to bound the memory pending
 * changes take. */
void write_lists(Xapian::WritableDatabase &db,
                 const std::map<std::string, std::string> &lists);
/* Lists every entity of R under the ends of its id (PS__META_SURNAME). */
void store_surnames_of(ps_index_t *ix, const ps_docrec_t *r);

} // namespace ps__index

#endif
