/* Internal to the C++ shim: the query language parser. It turns a query
 * string into a Xapian::Query plus what the result builder needs to find
 * hits, using the one analyzer shared with the indexer. */
#ifndef PSEARCH_QUERY_H
#define PSEARCH_QUERY_H

#ifndef __cplusplus
#error "query.h is for the C++ shim only"
#endif

#include <string>
#include <vector>

#include <xapian.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"

struct ps__shard_cache; /* store/vocab.h */

class ps__ident_db;

/* Terms whose positions in a matching document are hits: one word, a
 * phrase (hits only where the words stand in sequence), or a wildcard
 * prefix. Each slot is one word of the group, given as the terms any of
 * which may stand there: a stem has no positions of its own, so a stemmed
 * word's slot lists its surface forms. */
struct ps__hitgroup {
    std::vector<std::vector<std::string>> slots;
    bool wildcard = false;
    bool entity = false; /* entity term: spans come from its mentions */
    /* For NEAR: hits only where every term stands within this many
     * positions of the others; 0 for no such condition. */
    unsigned near_window = 0;
    /* said: and quote: (layout.h): hits only inside the content of a
     * quote of one of SPEAKERS (speaker keys, "person:zelensky"), or of
     * any quote when SPEAKERS is empty. With no slots (said:X alone), the
     * hits are where those quotes' contents start. */
    bool quote = false;
    std::vector<std::string> speakers;
    /* A stop word on its own (query_terms.cc): the relaxed form neither
     * matches nor scores by it. */
    bool stop = false;
};

struct ps__parsed {
    Xapian::Query query; /* the strict form: every word */
    /* The relaxed form: ranked by relevance over the articles matching any
     * of the words, those with more of them, near each other, first.
     * Empty when the query has none (operators, OR, parentheses). */
    Xapian::Query relaxed;
    /* Answer with the relaxed form at once (a question, a long query),
     * rather than only when the strict form finds nothing. */
    bool relaxed_first = false;
    std::vector<ps__hitgroup> hits;
    /* The hits when the relaxed form answers: HITS without the stop words
     * on their own, which it does not match by, unless it is made of
     * nothing else ("to be or not to be?"). A question of twenty words
     * has half a dozen stop words, found in every article many times
     * over: their hits were most of a result's hits and of its cost. */
    std::vector<ps__hitgroup> relaxed_hits;
    std::vector<std::string> words; /* plain words, for spelling */
    /* The query has said: or quote:: results list the quotes it matched. */
    bool quotes = false;
    /* How many documents its path: filters match through value ranges,
     * added up: a long run of paths is one (query_fields.cc), which
     * Xapian's counts cannot bound as they bound a term's, so the search
     * counts them. */
    Xapian::doccount path_range_docs = 0;
};

/* What the parser may consult. DB (may be NULL) expands wildcards, path:
 * filters and entity surnames; SHARDS (may be NULL), the shards DB is made
 * of, expand stems; GAZ (may be NULL) resolves entity aliases. */
struct ps__qctx {
    ps_analyzer_t *an;
    const ps_gazetteer_t *gaz;
    const Xapian::Database *db;
    const std::vector<Xapian::Database> *shards = nullptr;
    /* Entity identity over DB (may be NULL): an entity field finds every
     * term that stands for the entities its name names. */
    ps__ident_db *ident = nullptr;
    /* What SHARDS answered before at this revision (may be NULL). */
    ps__shard_cache *cache = nullptr;
    /* A shard is remote: a question the parser asks of DB costs a round
     * trip, so it asks only those the query cannot do without. */
    bool remote = false;
};

/* Thrown for a malformed query: POS is the byte offset where the problem
 * was noticed. */
struct ps__query_error {
    std::string msg;
    size_t pos;
};

/* Whether W (a normalised word) is one of the stop words the relaxed form
 * does not match by. */
bool ps__is_stop_word(const std::string &w);

/* Parses TEXT. Throws ps__query_error, std::bad_alloc or Xapian errors. */
ps__parsed ps__query_parse(const ps__qctx &ctx, const std::string &text);

#endif
