/* Pseudo-relevance feedback for the relaxed form (see feedback.h). */
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "search/feedback.h"
#include "store/layout.h"
#include "query/query.h"

namespace
{

/* How many of the first articles are read, how many of their words are
 * added, and how much the heaviest of those weighs against a query word
 * (1). Chosen once on TIME and SciFact's training claims (RELEVANCE.md):
 * 3 to 8 articles, 20 to 60 words and a weight of 0.2 to 0.3 all score
 * within 0.007 nDCG@10 of these on both: a plateau, not a peak. */
const Xapian::doccount FEEDBACK_DOCS = 5;
const size_t FEEDBACK_TERMS = 30;
const double FEEDBACK_WEIGHT = 0.25;
/* Articles tied with the last one read are read too, up to this many
 * more: which of a tie comes first depends on how the index is sharded. */
const Xapian::doccount FEEDBACK_TIES = 5;

/* Plain words are stored lower case, without a prefix; every prefix
 * (layout.h, ps_entity_type_prefix()) starts with a capital letter. */
bool plain_word(const std::string &t)
{
    return !t.empty() && !(t[0] >= 'A' && t[0] <= 'Z');
}

/* A plain word worth adding: neither a stop word nor a lone letter. */
bool content_word(const std::string &t)
{
    return t.size() > 1 && plain_word(t) && !ps__is_stop_word(t);
}

struct feedback_doc {
    double weight;
    std::string path;
    Xapian::Document doc;
};

} // namespace

Xapian::Query ps__feedback_query(Xapian::Enquire &enq, const Xapian::Query &q)
{
    enq.set_query(q);
    Xapian::MSet top = enq.get_mset(0, FEEDBACK_DOCS + FEEDBACK_TIES);
    if (top.empty())
        return q;
    /* The first FEEDBACK_DOCS, and any tied with the last of them, in an
     * order that does not depend on document ids (sharding changes
     * them), so that the sums below are made in the same order. */
    std::vector<feedback_doc> docs;
    double last = 0;
    for (auto m = top.begin(); m != top.end(); ++m) {
        if (docs.size() >= FEEDBACK_DOCS && m.get_weight() != last)
            break;
        last = m.get_weight();
        Xapian::Document doc = m.get_document();
        docs.push_back({last, doc.get_value(PS__V_PATH), doc});
    }
    std::sort(docs.begin(), docs.end(), [](const auto &a, const auto &b) {
        return a.weight != b.weight ? a.weight > b.weight : a.path < b.path;
    });
    /* RM3: a word's weight is the sum, over the articles, of its share of
     * the article's words times the article's likelihood for the query,
     * taken as exp(score) normalised over the articles read. */
    double best = docs.front().weight, norm = 0;
    for (const feedback_doc &f : docs)
        norm += std::exp(f.weight - best);
    std::set<std::string> qterms(q.get_unique_terms_begin(),
                                 q.get_unique_terms_end());
    std::map<std::string, double> weight;
    /* Each term list read once (a remote shard's is a round trip): its
     * plain words, kept for the second look. */
    std::vector<std::pair<std::string, Xapian::termcount>> words_of;
    for (const feedback_doc &f : docs) {
        double length = 0;
        words_of.clear();
        for (auto t = f.doc.termlist_begin(); t != f.doc.termlist_end(); ++t) {
            std::string term = *t;
            if (!plain_word(term))
                continue;
            length += t.get_wdf();
            words_of.emplace_back(std::move(term), t.get_wdf());
        }
        if (length <= 0)
            continue;
        double share = std::exp(f.weight - best) / norm / length;
        for (const auto &tw : words_of)
            if (content_word(tw.first) && !qterms.count(tw.first))
                weight[tw.first] += share * tw.second;
    }
    std::vector<std::pair<double, std::string>> words;
    for (const auto &w : weight)
        words.emplace_back(w.second, w.first);
    size_t n = std::min(words.size(), FEEDBACK_TERMS);
    std::partial_sort(words.begin(), words.begin() + n, words.end(),
                      [](const auto &a, const auto &b) {
                          return a.first != b.first ? a.first > b.first
                                                    : a.second < b.second;
                      });
    if (n == 0)
        return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < n; i++)
        subs.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                     Xapian::Query(words[i].second),
                                     FEEDBACK_WEIGHT * words[i].first /
                                         words[0].first));
    return Xapian::Query(
        Xapian::Query::OP_AND_MAYBE, q,
        Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end()));
}
