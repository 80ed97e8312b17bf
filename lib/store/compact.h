/* Internal to the C++ shim: a generation built aside, rewritten compact
 * before readers see it. Xapian's B-trees fill their blocks about half
 * when terms arrive in no order, as a build's batches bring them; a
 * compacted copy of the bench slice's index is 47 MB where the one built
 * was 81 MB (positions 37 -> 14 MB), for half a second. The same
 * compaction joins the segments a build writes (index/shardw.h) into
 * one database: Xapian merges the sources' postings, term by term, in
 * one pass over each. */
#ifndef PSEARCH_COMPACT_H
#define PSEARCH_COMPACT_H

#ifndef __cplusplus
#error "compact.h is for the C++ shim only"
#endif

#include <string>
#include <vector>

/* Replaces the committed glass database at PATH, which no one may have
 * open for writing, with a compacted copy of it followed by the documents
 * of the committed databases SEGMENTS, in order (document ids run on from
 * PATH's through each segment's; metadata is PATH's). A failure leaves
 * PATH as it was, or, if the process dies between the two renames, PATH
 * missing and the copy beside it; a build aside is not yet named in the
 * stub then, and the next run removes it. Throws Xapian errors and
 * std::filesystem errors. */
void ps__compact_in_place(const std::string &path,
                          const std::vector<std::string> &segments = {});

/* Writes to TO, which must not exist, a compacted database of the
 * documents of the committed databases FROM, in order, their ids run on
 * from one to the next. Throws as ps__compact_in_place(). */
void ps__compact_into(const std::vector<std::string> &from,
                      const std::string &to);

#endif
