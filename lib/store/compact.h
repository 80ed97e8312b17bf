/* Internal to the C++ shim: a generation built aside, rewritten compact
 * before readers see it. Xapian's B-trees fill their blocks about half
 * when terms arrive in no order, as a build's batches bring them; a
 * compacted copy of the bench slice's index is 47 MB where the one built
 * was 81 MB (positions 37 -> 14 MB), for half a second. */
#ifndef PSEARCH_COMPACT_H
#define PSEARCH_COMPACT_H

#ifndef __cplusplus
#error "compact.h is for the C++ shim only"
#endif

#include <string>

/* Replaces the committed glass database at PATH, which no one may have
 * open for writing, with a compacted copy of it (documents, ids and
 * metadata as they were). A failure leaves PATH as it was, or, if the
 * process dies between the two renames, PATH missing and the copy beside
 * it; a build aside is not yet named in the stub then, and the next run
 * removes it. Throws Xapian errors and std::filesystem errors. */
void ps__compact_in_place(const std::string &path);

#endif
