/* Internal to the C++ shim: what a query learns from the index's
 * vocabulary: the words of a stem, merged from what every shard records,
 * and the spelling suggestion for a word, from the term lists (allterms
 * with a prefix) Xapian merges across the shards of a stub. Every shard
 * serves both, local or through xapian-tcpsrv, so the answers are the same
 * whatever the order of the shards and wherever they live. */
#ifndef PSEARCH_VOCAB_H
#define PSEARCH_VOCAB_H

#ifndef __cplusplus
#error "vocab.h is for the C++ shim only"
#endif

#include <string>
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

/* The indexed plain word nearest to WORD (a normalised query word), by
 * edit distance up to 2, then most documents, then byte order; "" when
 * WORD is itself indexed or nothing is near. Throws as above. */
std::string ps__spelling_suggestion(const Xapian::Database &db,
                                    const std::string &word);

#endif
