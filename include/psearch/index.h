/* Writing the index: a C interface over a Xapian WritableDatabase. The
 * layout of terms, values and document data is described in
 * doc/index-format.md and in lib/store/layout.h; this header is what the
 * indexer needs: open with a writer lock, look documents up by path, put,
 * remove, commit atomically. */
#ifndef PSEARCH_INDEX_H
#define PSEARCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/analyzer.h"
#include "psearch/article.h"
#include "psearch/common.h"
#include "psearch/entities.h"
#include "psearch/quotes.h"

PS_BEGIN_DECLS

typedef struct ps_index ps_index_t;

enum {
    /* Build a new generation of the index aside and switch readers to it
     * only at ps_index_commit(); until then they see the old one. Used for
     * --full and for the first build. */
    PS_INDEX_REBUILD = 1u << 0,
};

/* Opens the index in directory DIR for writing, creating DIR when needed,
 * and takes the writer lock without waiting. FLAGS is a set of PS_INDEX_*.
 * A first run (no generation yet) always builds aside.
 *
 * SHARDS splits the index into that many Xapian databases by a stable hash
 * of each document's path (they are read together through the stub). 0
 * keeps the index's count (1 for a new index); a different count than the
 * index has is refused with PS_EINVAL unless PS_INDEX_REBUILD is given.
 *
 * Returns PS_OK and a handle the caller closes with ps_index_close();
 * PS_ELOCKED when another writer holds the lock; PS_EINVAL, PS_EIO,
 * PS_ECORRUPT or PS_EVERSION otherwise. On failure *ERRMSG (else NULL) is
 * a message the caller frees. */
PS_EXPORT ps_status_t ps_index_open(const char *dir, unsigned flags,
                                    unsigned shards, ps_index_t **out,
                                    char **errmsg);

/* Opens only shard SHARD of an index of SHARDS (at least 2) shards in DIR,
 * so that several processes, on machines sharing DIR, build one shard
 * each at the same time. Each takes the writer lock shared (a writer of
 * the whole index, ps_index_open(), is refused while they run) and the
 * lock of its own shard ("write.lock.K") exclusively. Files whose path
 * does not hash to SHARD belong to other writers: see ps_index_owns().
 * Without PS_INDEX_REBUILD an existing shard is updated in place; with it,
 * or when the index has no shard SHARD yet, the shard is built aside in a
 * folder of its own and ps_index_commit() names it in the stub in place
 * of the old one, leaving the other shards as they are. The stub names
 * only the shards built so far. Returns as ps_index_open(); PS_EINVAL
 * when the index has another shard count. */
PS_EXPORT ps_status_t ps_index_open_part(const char *dir, unsigned flags,
                                         unsigned shards, unsigned shard,
                                         ps_index_t **out, char **errmsg);

/* Whether PATH belongs in the index IX writes: always, unless IX was
 * opened with ps_index_open_part() and PATH hashes to another shard. */
PS_EXPORT int ps_index_owns(const ps_index_t *ix, const char *path);

/* The message of the last failure on IX; valid until the next call on IX.
 * Never NULL. */
PS_EXPORT const char *ps_index_errmsg(const ps_index_t *ix);

/* Whether the handle is building a new generation aside. */
PS_EXPORT int ps_index_rebuilding(const ps_index_t *ix);

/* What the index remembers of a file, to decide whether to reindex it. */
typedef struct ps_filestat {
    int64_t mtime_sec;
    int64_t mtime_nsec;
    uint64_t size;
    uint64_t hash; /* XXH64 of the whole file */
} ps_filestat_t;

/* Looks up PATH. Returns PS_OK and fills *ST, or PS_ENOTFOUND. */
PS_EXPORT ps_status_t ps_index_stat(ps_index_t *ix, const char *path,
                                    ps_filestat_t *st);

/* Updates only the remembered mtime and size of PATH (its content hash did
 * not change). */
PS_EXPORT ps_status_t ps_index_touch(ps_index_t *ix, const char *path,
                                     const ps_filestat_t *st);

/* One analysed file, ready to be stored. Nothing is retained after
 * ps_index_put() returns. */
typedef struct ps_docrec {
    const char *path; /* absolute, NUL-terminated */
    const char *text; /* the whole file */
    size_t len;
    const ps_article_t *article;
    ps_filestat_t stat;
    const ps_token_t *tokens; /* the body's tokens (offsets in the file) */
    size_t ntokens;
    const ps_token_t *title_tokens; /* the title's own analysis */
    size_t ntitle_tokens;
    const ps_entity_t *entities;
    size_t nentities;
    /* The attributions (quotes.h): spans in bytes of the file, speakers
     * indexing ENTITIES. */
    const ps_quote_t *quotes;
    size_t nquotes;
} ps_docrec_t;

/* Adds the document, replacing any earlier one with the same path. */
PS_EXPORT ps_status_t ps_index_put(ps_index_t *ix, const ps_docrec_t *rec);

/* The document ps_index_put() would store for a record, built ahead:
 * building it (its terms, positions and values, the text compressed) is
 * a good part of the cost of storing it and needs no index, so the
 * indexer builds documents on its worker threads and leaves only the
 * writing to the thread that holds the index. A document is used by one
 * thread at a time: handing it over needs the synchronisation a queue
 * gives. */
typedef struct ps_index_doc ps_index_doc_t;

/* Builds the document for REC into *OUT, which the caller frees.
 * PS_OK, or PS_ENOMEM. */
PS_EXPORT ps_status_t ps_index_doc_build(const ps_docrec_t *rec,
                                         ps_index_doc_t **out);

/* As ps_index_put(REC), with DOC built from REC by ps_index_doc_build().
 * DOC stays the caller's, to free with ps_index_doc_free() on any thread
 * once this returns: freeing costs a few percent of what storing does,
 * better spent on a thread that only prepares documents. */
PS_EXPORT ps_status_t ps_index_put_built(ps_index_t *ix, const ps_docrec_t *rec,
                                         ps_index_doc_t *doc);

/* Frees a document. NULL is allowed. */
PS_EXPORT void ps_index_doc_free(ps_index_doc_t *doc);

/* Removes the document with this path; PS_ENOTFOUND if there is none. */
PS_EXPORT ps_status_t ps_index_remove(ps_index_t *ix, const char *path);

/* Calls FN for every indexed path that starts with PREFIX (all with ""),
 * in byte order, stopping early when FN returns non-zero. */
PS_EXPORT ps_status_t ps_index_foreach_path(ps_index_t *ix, const char *prefix,
                                            int (*fn)(const char *path,
                                                      void *ctx),
                                            void *ctx);

/* Stores the gazetteer's text (LEN bytes of TSV) in the index, committed
 * with the next ps_index_commit(), so that queries resolve aliases with
 * the very gazetteer the documents were tagged with. */
PS_EXPORT ps_status_t ps_index_set_gazetteer(ps_index_t *ix, const char *text,
                                             size_t len);

/* Records whether the documents IX writes carry their quotes (INDEXED
 * non-zero) or were indexed without the quote step, which said: and
 * quote: queries then report. A handle building aside (a first run, a
 * rebuild, a shard built anew) stores it; one updating in place checks it
 * against what the index holds, and a change is refused with PS_EINVAL
 * (the index would mix the two), as a change of the shard count is:
 * rebuild with PS_INDEX_REBUILD. */
PS_EXPORT ps_status_t ps_index_set_quotes(ps_index_t *ix, int indexed);

/* Number of documents, counting uncommitted changes. */
PS_EXPORT ps_status_t ps_index_doccount(ps_index_t *ix, uint64_t *out);

/* Makes every change since the open visible to readers at once: commits
 * the transaction, or, when rebuilding, commits the new generation and
 * switches the index to it atomically. The handle stays usable for a
 * further batch of changes. */
PS_EXPORT ps_status_t ps_index_commit(ps_index_t *ix);

/* Closes IX, dropping uncommitted changes (a generation being rebuilt is
 * deleted), and releases the lock. NULL is allowed. */
PS_EXPORT void ps_index_close(ps_index_t *ix);

PS_END_DECLS

#endif
