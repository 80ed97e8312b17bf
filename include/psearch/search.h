/* Searching the index: the reading half of the Xapian shim. One parser for
 * the query language, BM25 ranking with phrase, proximity and title boosts,
 * and results with snippets, hit lines and entities. The daemon and the
 * command line both answer through this header, so they give the same
 * results. Results are JSON values (jansson), the form both hand on. */
#ifndef PSEARCH_SEARCH_H
#define PSEARCH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "psearch/analyzer.h"
#include "psearch/common.h"
#include "psearch/entities.h"

PS_BEGIN_DECLS

/* A read handle on an index. Xapian objects are not thread-safe: use one
 * handle per thread. */
typedef struct ps_db ps_db_t;

/* Opens the index in DIR for reading. Returns PS_OK and a handle the
 * caller frees with ps_db_close(); PS_ENOINDEX when there is no index;
 * PS_ECORRUPT, PS_EVERSION or PS_EIO otherwise, with a message in *ERRMSG
 * (else NULL) that the caller frees. */
PS_EXPORT ps_status_t ps_db_open(const char *dir, ps_db_t **out, char **errmsg);

/* How to open an index whose stub lists remote shards. Zero fields take
 * the defaults. */
typedef struct ps_db_opts {
    unsigned remote_timeout_ms; /* connecting to, and each answer of, a
                                   remote shard (default 5000) */
    int partial; /* leave out shards that do not answer and mark results
                    "partial", rather than fail with PS_EREMOTE */
} ps_db_opts_t;

/* Like ps_db_open(), with options (OPTS may be NULL). The stub in DIR may
 * list local shards ("auto PATH", PATH relative to DIR or absolute) and
 * remote ones served by xapian-tcpsrv ("remote HOST:PORT"). A shard that
 * does not answer within the timeout gives PS_EREMOTE, naming it, unless
 * OPTS->partial is set. */
PS_EXPORT ps_status_t ps_db_open_opts(const char *dir, const ps_db_opts_t *opts,
                                      ps_db_t **out, char **errmsg);

PS_EXPORT void ps_db_close(ps_db_t *db);

/* The message of the last failure on DB, valid until the next call on DB;
 * never NULL. */
PS_EXPORT const char *ps_db_errmsg(const ps_db_t *db);

/* Moves DB to the newest committed revision, following a --full switch to
 * a new generation. *CHANGED (if not NULL) is set to 1 when the revision
 * changed. Searches also do this by themselves when Xapian reports that
 * their revision was overwritten. */
PS_EXPORT ps_status_t ps_db_reopen(ps_db_t *db, int *changed);

/* Writes into BUF (LEN bytes) a short key naming the committed state DB
 * reads: two handles on the same index give the same key exactly when
 * they would give the same answers. Answers may be cached under it.
 * PS_ENOTFOUND (with BUF empty) when there is no such key: a shard is
 * remote or left out; PS_ETOOBIG when LEN is too short (64 bytes plus 21
 * per shard always suffice). */
PS_EXPORT ps_status_t ps_db_snapshot(ps_db_t *db, char *buf, size_t len);

/* Limits and options of one search. Zero fields take the defaults. */
typedef struct ps_search_opts {
    const char *query;     /* the query string, UTF-8, NUL-terminated */
    unsigned offset;       /* results to skip */
    unsigned limit;        /* results to return (default 10) */
    unsigned max_hits;     /* hits listed per result (default 50) */
    unsigned max_entities; /* entities listed per result, most mentioned
                              first (default 10; "entity_count" has the
                              number of all) */
    unsigned max_mentions; /* mentions listed per entity of a result
                              (default 3; "count" has them all) */
    unsigned facets;       /* if > 0, entity facets: this many per type */
    int hit_lines;         /* each result also carries "lines": {"N": the
                              text of line N} for the lines of its listed
                              hits, all a grep-like display needs */
    unsigned facet_docs;   /* matching documents counted for facets
                              (default 1000) */
    double time_budget;    /* seconds for counting matches beyond the page
                              (Xapian's time limit), 0 for none */
    int no_results;        /* only totals (and facets): --count, op facets */
    int raw;               /* results carry only rank, score and path: the
                              bare Xapian match, the floor benchmarks (and
                              make relevance) compare to */
} ps_search_opts_t;

/* Runs a search. On PS_OK, *OUT is a new JSON object the caller releases
 * with json_decref():
 *   {"total": N, "total_exact": bool, "offset": N, "limit": N,
 *    "elapsed_us": N, "results": [RESULT...],
 *    "facets": {"person": [{"id","name","docs","mentions"}...], ...},
 *    "suggestion": "zelensky",   (only when nothing matched)
 *    "partial": true, "missing_shards": [...]}   (only in partial mode)
 * RESULT is {"rank","score","path","title","date","snippet","marks",
 *    "hits": [{"line","column","length"}...],
 *    "entities": [{"type","id","name","count",
 *                  "mentions":[{"text","line","column"}...]}...]}
 * Lines and columns are 1-based; columns and lengths count bytes. "marks"
 * are [start, length] byte ranges of matches inside "snippet".
 *
 * On PS_EBADQUERY, ps_db_errmsg() says what is wrong and *ERRPOS (if not
 * NULL) is the 0-based byte offset in the query where it was noticed.
 * PS_ETIMEOUT when the time budget ran out before any result. */
PS_EXPORT ps_status_t ps_search(ps_db_t *db, const ps_search_opts_t *opts,
                                json_t **out, size_t *errpos);

/* What a server needs to know of an answer without parsing it. */
typedef struct ps_search_info {
    long long total;      /* "total" */
    long long elapsed_us; /* "elapsed_us" */
    int partial;          /* "partial": shards were left out */
} ps_search_info_t;

/* Runs a search like ps_search(), the answer written as JSON text rather
 * than made as a tree: the object ps_search() gives, byte for byte as
 * json_dumps(JSON_COMPACT) writes it, for a server to send on. On PS_OK,
 * *OUT is a NUL-terminated string of *LEN bytes that the caller frees
 * with free(), and INFO (if not NULL) is filled. Errors as ps_search(). */
PS_EXPORT ps_status_t ps_search_text(ps_db_t *db, const ps_search_opts_t *opts,
                                     char **out, size_t *len,
                                     ps_search_info_t *info, size_t *errpos);

/* An indexed document's text, or lines FROM to TO of it (1-based,
 * inclusive; 0 for "from the start" / "to the end"). PATH must be the path
 * of an indexed document: nothing else is ever read, so this cannot be
 * used to read arbitrary files. *OUT is {"path","title","first_line",
 * "last_line","lines_total","text"}. PS_ENOTFOUND when PATH is not
 * indexed. */
PS_EXPORT ps_status_t ps_db_document(ps_db_t *db, const char *path,
                                     unsigned from, unsigned to, json_t **out);

/* Every entity of the indexed document PATH with every mention, in order
 * of first mention: *OUT is a JSON array (the caller releases it) of
 *   {"type","id","name","known","count",
 *    "mentions":[{"text","offset","length","line","column"}...]}
 * with offsets and lengths in bytes of the file, lines and columns
 * 1-based. A search result lists only the most mentioned few.
 * PS_ENOTFOUND when PATH is not indexed. */
PS_EXPORT ps_status_t ps_db_entities(ps_db_t *db, const char *path,
                                     json_t **out);

/* Every attribution (who said what, quotes.h) of the indexed document
 * PATH, in text order: *OUT is a JSON array (the caller releases it) of
 *   {"speaker":{"type","id","name"}|null,"speaker_kind","source","cue",
 *    "content","kind","confidence","line","column",
 *    "spans":{"source","cue","content"}}
 * where speaker_kind is entity, pronoun (unresolved), unnamed or none,
 * source is null without one, a discontinuous field's pieces are joined
 * by " … ", line and column (1-based, bytes) are the content's start, and
 * spans are lists of [start, end) byte offsets into the file.
 * PS_ENOTFOUND when PATH is not indexed. */
PS_EXPORT ps_status_t ps_db_quotes(ps_db_t *db, const char *path,
                                   json_t **out);

/* Index statistics: {"documents","terms_avg_length","revision",
 * "generation","path","has_positions"}. */
PS_EXPORT ps_status_t ps_db_stats(ps_db_t *db, json_t **out);

/* The terms the query side produces for TEXT as a bare word query, in
 * order, as Xapian terms ("Zguarante"). For the test that proves the index
 * and query sides agree. *OUT is a JSON array of strings. */
PS_EXPORT ps_status_t ps_query_terms(ps_db_t *db, const char *text,
                                     json_t **out, size_t *errpos);

/* Parses QUERY without an index, as a search would (path: filters and
 * surname lookups, which need one, are skipped). Returns PS_OK,
 * PS_EBADQUERY with a message in *ERRMSG (the caller frees it) and the
 * byte offset in *ERRPOS, or PS_ENOMEM. For checking a query early, and
 * for fuzzing the parser. AN and GAZ (which may be NULL) are used as the
 * search would use them. */
PS_EXPORT ps_status_t ps_query_check(ps_analyzer_t *an,
                                     const ps_gazetteer_t *gaz,
                                     const char *query, char **errmsg,
                                     size_t *errpos);

PS_END_DECLS

#endif
