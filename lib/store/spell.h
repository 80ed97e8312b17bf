/* Internal to the C++ shim: the word lists spelling suggestions ("did you
 * mean", lib/search/spelling.cc) read. Every shard lists its plain words under
 * metadata keys by first character and length (PS__META_SPELL), each word with
 * the number of the shard's documents that hold it, written by the indexer at
 * each commit. A suggestion reads the few lists a word can be near (its
 * first character, its length give or take 2) from every shard and sums
 * the counts: a bounded read that is the same in any order of the shards
 * and wherever they live (xapian-tcpsrv serves metadata), where scanning
 * the vocabulary of a letter crossed the network for every word of a
 * query that found nothing. */
#ifndef PSEARCH_SPELL_H
#define PSEARCH_SPELL_H

#ifndef __cplusplus
#error "spell.h is for the C++ shim only"
#endif

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xapian.h>

#include "store/vocab.h"

/* Whether TERM may be suggested as a spelling, and so is listed: an
 * unprefixed word of 3 to 32 bytes with no digit, hyphen, dot or comma.
 * Numbers and compounds are never misspelt into. */
bool ps__spell_plain_word(std::string_view term);

/* The most words one list keeps (the most frequent; then byte order). A
 * vocabulary with more words of one first character and length than this
 * is not suggested its rarest. */
#define PS__SPELL_MAX_WORDS 4096

/* DB's lists as its vocabulary stands (a writable database's uncommitted
 * changes included), by metadata key. Throws as below. */
std::map<std::string, std::string> ps__spell_lists(const Xapian::Database &db);

/* Rewrites DB's lists from its vocabulary as it stands (uncommitted
 * changes included): the lists whose content changed are set, those whose
 * words are gone removed. Reads every plain word of DB once (a fraction of
 * a second on a million words). Throws Xapian errors and std::bad_alloc. */
void ps__spell_update(Xapian::WritableDatabase &db);

/* Candidate words and their document counts. */
typedef std::vector<std::pair<std::string_view, Xapian::doccount>>
    ps__spell_candidates_t;

/* The words WORD (a normalised query word) may be a misspelling of, into
 * OUT: the listed words that start with its first character and are
 * within 2 bytes of its length, in byte order, each once with its
 * document counts summed over SHARDS. The views point into LISTS, which
 * keeps the lists' text and must outlive OUT's use. At most five
 * metadata look-ups a shard, each a round trip for a remote one,
 * remembered in CACHE (may be NULL) until the index changes. Throws as
 * above. */
void ps__spell_candidates(const std::vector<Xapian::Database> &shards,
                          const std::string &word, ps__shard_cache *cache,
                          std::vector<std::string> &lists,
                          ps__spell_candidates_t &out);

#endif
