/* Internal to the C++ shim: pseudo-relevance feedback for the relaxed
 * form. A long question shares few words with the article that answers
 * it; the articles it ranks first tell which other words such an article
 * uses, and those words, weighed lightly, reorder its first articles. */
#ifndef PSEARCH_FEEDBACK_H
#define PSEARCH_FEEDBACK_H

#ifndef __cplusplus
#error "feedback.h is for the C++ shim only"
#endif

#include <string>
#include <vector>

#include <xapian.h>

/* A page of the answer to a question: the articles Q (the relaxed form)
 * ranks first, reordered by Q with the words of the first few of them
 * added (optional terms, OP_AND_MAYBE: the articles matched stay those Q
 * matches, only their order changes), then the rest in Q's own order. */
struct ps__question_page {
    /* Q's first articles, from the first, and its totals. */
    Xapian::MSet first;
    /* The page: HEAD's articles (reordered), then TAIL's from TAIL_FROM
     * to TAIL_TO (in Q's order). */
    Xapian::MSet head, tail;
    Xapian::doccount tail_from = 0, tail_to = 0;
};

/* What ps__question() needs of the open index: its shards, in the order
 * they make it up, and whether one of them is remote. */
struct ps__question_ctx {
    const std::vector<Xapian::Database> *shards;
    bool remote;
};

/* The page of LIMIT articles from OFFSET of the answer to Q, with
 * CHECK_AT_LEAST as Xapian's for Q's totals. An index answers the same
 * whatever its shards, local or remote. Leaves ENQ's query set to Q.
 * Throws Xapian errors and std::bad_alloc. */
ps__question_page ps__question(const ps__question_ctx &ctx,
                               Xapian::Enquire &enq, const Xapian::Query &q,
                               Xapian::doccount offset,
                               Xapian::doccount limit,
                               Xapian::doccount check_at_least);

#endif
