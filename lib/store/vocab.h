/* Internal to the C++ shim: the stem forms, what a query learns from the
 * index's vocabulary about a stem: its words, merged from what every shard
 * records. Every shard serves them, local or through xapian-tcpsrv, so the
 * answers are the same whatever the order of the shards and wherever they
 * live. The indexer records them (index/), the parser reads them (query/);
 * the spelling suggestion is search/spelling.cc's. */
#ifndef PSEARCH_VOCAB_H
#define PSEARCH_VOCAB_H

#ifndef __cplusplus
#error "vocab.h is for the C++ shim only"
#endif

#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "psearch/analyzer.h"

/* The stem the analyzer gives WORD (an indexed plain word) where it
 * stands alone, or "" when it is no word of its own (a compound whole).
 * Uses AN, so any token AN handed out before is gone. */
std::string ps__stem_of(ps_analyzer_t *an, const std::string &word);

/* The metadata key under which each shard lists the words of STEM (no
 * prefix) it holds, sorted, one per line: "psearch.forms.run" ->
 * "run\nrunning\nruns". */
std::string ps__forms_key(const std::string &stem);

/* The words of STEM: the union of what every shard of SHARDS lists under
 * ps__forms_key(STEM), in byte order, at most MAX of them. Metadata is
 * what Xapian's remote backend serves (synonym tables are not), and Xapian
 * answers metadata from the first shard only, so each shard is asked. Costs
 * one metadata lookup per shard: a round trip for a remote one. Throws
 * Xapian errors and std::bad_alloc. */
std::vector<std::string>
ps__stem_forms(const std::vector<Xapian::Database> &shards,
               const std::string &stem, size_t max);

/* The lines of KEY's metadata in every shard of SHARDS, merged: their
 * union in byte order, at most MAX of them. One metadata lookup per shard.
 * Throws Xapian errors and std::bad_alloc. */
std::vector<std::string>
ps__shards_lines(const std::vector<Xapian::Database> &shards,
                 const std::string &key, size_t max);

/* What a search asks the shards that changes only when the index does:
 * each stem's forms (ps__stem_forms()), the lines of other metadata lists
 * (ps__shards_lines()) and each term's document frequency.
 * Over remote shards each answer is a round trip per shard, asked again by
 * every query that uses the word; one cache per open handle (and so per
 * thread), which the handle empties whenever it moves to another revision
 * or generation. Bounded: emptied when it holds MAX_ENTRIES. */
struct ps__shard_cache {
    static const size_t MAX_ENTRIES = 65536;
    std::unordered_map<std::string, std::vector<std::string>> forms;
    std::unordered_map<std::string, std::vector<std::string>> lines;
    std::unordered_map<std::string, Xapian::doccount> termfreq;
    std::unordered_map<std::string, std::string> meta; /* "K\0key" */
    void clear()
    {
        forms.clear();
        lines.clear();
        termfreq.clear();
        meta.clear();
    }
    /* SHARDS[K].get_metadata(KEY), remembered: a value that may differ
     * from shard to shard (a spelling list, store/spell.h). */
    const std::string &shard_metadata(const std::vector<Xapian::Database> &shards,
                                      size_t k, const std::string &key);
    /* ps__stem_forms(SHARDS, STEM, MAX), remembered. */
    const std::vector<std::string> &
    stem_forms(const std::vector<Xapian::Database> &shards,
               const std::string &stem, size_t max);
    /* ps__shards_lines(SHARDS, KEY, SIZE_MAX), remembered. */
    const std::vector<std::string> &
    shards_lines(const std::vector<Xapian::Database> &shards,
                 const std::string &key);
    /* DB.get_termfreq(TERM), remembered. */
    Xapian::doccount term_freq(const Xapian::Database &db,
                               const std::string &term);
};

#endif
