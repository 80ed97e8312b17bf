/* Internal to the C++ shim: pseudo-relevance feedback for the relaxed
 * form. A long question shares few words with the article that answers
 * it; the articles it ranks first tell which other words such an article
 * uses, and those words, weighed lightly, reorder the answer. */
#ifndef PSEARCH_FEEDBACK_H
#define PSEARCH_FEEDBACK_H

#ifndef __cplusplus
#error "feedback.h is for the C++ shim only"
#endif

#include <xapian.h>

/* Q with the words of the articles ENQ ranks first for Q added, each
 * weighed by how much of those articles it makes up (RM3, Lavrenko and
 * Croft), scaled down, as optional terms (OP_AND_MAYBE): the articles
 * matched stay those Q matches, only their order changes. Plain words
 * only: no prefixed term (title, entity, id), no stop word, none of Q's
 * own terms. Reads the term lists of those few articles, which every
 * shard serves (xapian-tcpsrv too), and no statistic a shard holds alone,
 * so an index answers the same whatever its shards. Leaves ENQ's query
 * set to Q. Throws Xapian errors and std::bad_alloc. */
Xapian::Query ps__feedback_query(Xapian::Enquire &enq, const Xapian::Query &q);

#endif
