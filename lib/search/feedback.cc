/* Pseudo-relevance feedback for the relaxed form, and the question's
 * answer it reorders (see feedback.h). */
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "search/feedback.h"
#include "store/codec.h"
#include "store/layout.h"
#include "query/query.h"

namespace
{

/* How many of the first articles are read, how many of their words are
 * added, and how much the heaviest of those weighs against a query word
 * (1). Chosen once on TIME and SciFact's training claims (RELEVANCE.md):
 * 3 to 8 articles, 20 to 60 words and a weight of 0.2 to 0.3 all score
 * within 0.007 nDCG@10 of one another on both: a plateau, not a peak.
 * On it, the cheapest: each word added is a posting list the reranking
 * opens, each article a term list read. 3 articles and 20 words against
 * 5 and 30 (make relevance): TIME 0.7315 against 0.7269, SciFact 0.7078
 * against 0.7097, for a tenth of a claim's instructions (callgrind); 15
 * words lose 0.006 on TIME. */
const Xapian::doccount FEEDBACK_DOCS = 3;
const size_t FEEDBACK_TERMS = 20;
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

namespace
{

/* The first FEEDBACK_DOCS of TOP, and any tied with the last of them, in
 * an order that does not depend on document ids (sharding changes them),
 * so that the sums of word_weights() are made in the same order. */
std::vector<feedback_doc> feedback_docs(const Xapian::MSet &top)
{
    std::vector<feedback_doc> docs;
    double last = 0;
    for (auto m = top.begin();
         m != top.end() && docs.size() < FEEDBACK_DOCS + FEEDBACK_TIES; ++m) {
        if (docs.size() >= FEEDBACK_DOCS && m.get_weight() != last)
            break;
        last = m.get_weight();
        Xapian::Document doc = m.get_document();
        docs.push_back({last, doc.get_value(PS__V_PATH), doc});
    }
    std::sort(docs.begin(), docs.end(), [](const auto &a, const auto &b) {
        return a.weight != b.weight ? a.weight > b.weight : a.path < b.path;
    });
    return docs;
}

/* A feedback article's plain words, in the term list's (byte) order,
 * with their wdf, and the weight one occurrence adds (its share). */
struct doc_words {
    std::vector<std::pair<std::string, Xapian::termcount>> words;
    double share = 0;
};

/* Each plain word of DOCS (every one, stop words too: they are passed
 * over once a word, in best_words(), rather than once an occurrence)
 * weighed as RM3 does: the sum, over the articles, of its share of the
 * article's words times the article's likelihood for the query, taken
 * as exp(score) normalised over the articles read. Each term list is
 * read once (a remote shard's is a round trip). Term lists come sorted,
 * so the articles' words are merged rather than hashed (a hash table of
 * every word was a fifth of the feedback pass); each word's sum is made
 * over the articles in DOCS's order, as before, to the last bit. */
std::vector<std::pair<double, std::string>>
word_weights(const std::vector<feedback_doc> &docs)
{
    double best = docs.front().weight, norm = 0;
    for (const feedback_doc &f : docs)
        norm += std::exp(f.weight - best);
    std::vector<doc_words> lists(docs.size());
    for (size_t k = 0; k < docs.size(); k++) {
        const feedback_doc &f = docs[k];
        doc_words &dw = lists[k];
        double length = 0;
        for (auto t = f.doc.termlist_begin(); t != f.doc.termlist_end(); ++t) {
            std::string term = *t;
            if (!plain_word(term))
                continue;
            Xapian::termcount wdf = t.get_wdf();
            length += wdf;
            dw.words.emplace_back(std::move(term), wdf);
        }
        if (length <= 0)
            dw.words.clear();
        else
            dw.share = std::exp(f.weight - best) / norm / length;
    }
    std::vector<std::pair<double, std::string>> weight;
    weight.reserve(1024);
    std::vector<size_t> at(lists.size(), 0);
    for (;;) {
        /* The least word not merged yet, and its sum over the articles. */
        const std::string *least = nullptr;
        for (size_t k = 0; k < lists.size(); k++)
            if (at[k] < lists[k].words.size() &&
                (!least || lists[k].words[at[k]].first < *least))
                least = &lists[k].words[at[k]].first;
        if (!least)
            return weight;
        std::string word = *least;
        double sum = 0;
        for (size_t k = 0; k < lists.size(); k++)
            if (at[k] < lists[k].words.size() &&
                lists[k].words[at[k]].first == word)
                sum += lists[k].share * lists[k].words[at[k]++].second;
        weight.emplace_back(sum, std::move(word));
    }
}

/* The FEEDBACK_TERMS heaviest of WEIGHT, ties by word so that the choice
 * is fixed, leaving out stop words, lone letters and Q's own terms. Many
 * words tie (those an article has as often), so the words are sorted by
 * weight alone and a run of ties by word only when it is reached; the
 * words left out are passed over as they come (most never are reached). */
std::vector<std::pair<double, const std::string *>>
best_words(const std::vector<std::pair<double, std::string>> &weight,
           const Xapian::Query &q)
{
    std::vector<std::pair<double, const std::string *>> order, best;
    order.reserve(weight.size());
    for (const auto &w : weight)
        order.emplace_back(w.first, &w.second);
    std::sort(order.begin(), order.end(),
              [](const auto &a, const auto &b) { return a.first > b.first; });
    std::set<std::string> qterms(q.get_unique_terms_begin(),
                                 q.get_unique_terms_end());
    for (auto run = order.begin();
         run != order.end() && best.size() < FEEDBACK_TERMS;) {
        auto end = std::find_if(run, order.end(), [&](const auto &w) {
            return w.first != run->first;
        });
        std::sort(run, end, [](const auto &a, const auto &b) {
            return *a.second < *b.second;
        });
        for (; run != end && best.size() < FEEDBACK_TERMS; ++run)
            if (content_word(*run->second) && !qterms.count(*run->second))
                best.push_back(*run);
        run = end;
    }
    return best;
}

} // namespace

/* The words of the first articles of TOP (Q's own ranking), each
 * weighed by how much of those articles it makes up (RM3, Lavrenko and
 * Croft), scaled down, as one OP_OR (empty when there are none). Plain
 * words only: no prefixed term (title, entity, id), no stop word, none
 * of Q's own terms. Reads the term lists of those few articles, which
 * every shard serves (xapian-tcpsrv too), and no statistic a shard holds
 * alone, so an index answers the same whatever its shards. */
static Xapian::Query feedback_words(const Xapian::MSet &top,
                                    const Xapian::Query &q)
{
    if (top.empty())
        return Xapian::Query();
    std::vector<std::pair<double, std::string>> weight =
        word_weights(feedback_docs(top));
    std::vector<Xapian::Query> subs;
    double heaviest = 0;
    for (const auto &w : best_words(weight, q)) {
        if (subs.empty())
            heaviest = w.first;
        subs.push_back(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                     Xapian::Query(*w.second),
                                     FEEDBACK_WEIGHT * w.first / heaviest));
    }
    if (subs.empty())
        return Xapian::Query();
    return Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
}

namespace
{

/* How many of the relaxed form's first articles the expanded query ranks
 * again (and any tied with the last of them, up to RERANK_TIES more:
 * which of a tie comes first depends on the sharding); the articles
 * after them keep the relaxed form's order. The expanded query only adds
 * weight, so those come after every article reordered, and the pages of
 * an answer stay one order. Scoring the expanded query over every match
 * of the relaxed form was two thirds of a question's matching (SciFact
 * claims, callgrind); over 50 articles it is a tenth, for 0.001 nDCG@10
 * on SciFact's claims and none on TIME (RELEVANCE.md). */
const Xapian::doccount RERANK_DOCS = 50;
const Xapian::doccount RERANK_TIES = 5;

/* The first articles of a ranking, each weighing what the ranking gave
 * it: given by their ids in the whole index, it gives each shard its
 * own (Xapian 1.4 asks a posting source for a shard's local ids, and
 * numbers a document of shard J of N with local id L as (L - 1) * N + J +
 * 1). Local shards only: it cannot be sent to xapian-tcpsrv. */
class ranked_docs : public Xapian::PostingSource
{
    /* (id in the whole index, weight) */
    std::vector<std::pair<Xapian::docid, double>> all_;
    std::vector<std::string> uuids_; /* each shard's, to tell which one */
    std::vector<std::pair<Xapian::docid, double>> mine_; /* local ids */
    size_t at_ = 0;
    bool started_ = false;

  public:
    ranked_docs(std::vector<std::pair<Xapian::docid, double>> all,
                std::vector<std::string> uuids)
        : all_(std::move(all)), uuids_(std::move(uuids))
    {
    }
    PostingSource *clone() const override
    {
        return new ranked_docs(all_, uuids_);
    }
    void init(const Xapian::Database &db) override
    {
        size_t n = uuids_.size(), j = 0;
        if (n > 1) {
            std::string u = db.get_uuid();
            while (j < n && uuids_[j] != u)
                j++;
        }
        mine_.clear();
        double most = 0;
        for (const auto &dw : all_) {
            if (n > 1 && (j == n || (dw.first - 1) % n != j))
                continue;
            mine_.emplace_back(n > 1 ? (dw.first - 1) / n + 1 : dw.first,
                               dw.second);
            most = std::max(most, dw.second);
        }
        std::sort(mine_.begin(), mine_.end());
        set_maxweight(most);
        at_ = 0;
        started_ = false;
    }
    Xapian::doccount get_termfreq_min() const override { return mine_.size(); }
    Xapian::doccount get_termfreq_est() const override { return mine_.size(); }
    Xapian::doccount get_termfreq_max() const override { return mine_.size(); }
    void next(double) override
    {
        if (started_)
            at_++;
        started_ = true;
    }
    void skip_to(Xapian::docid id, double) override
    {
        started_ = true;
        while (at_ < mine_.size() && mine_[at_].first < id)
            at_++;
    }
    bool at_end() const override { return at_ >= mine_.size(); }
    Xapian::docid get_docid() const override { return mine_[at_].first; }
    double get_weight() const override { return mine_[at_].second; }
};

/* Whether the shards of CTX can be told apart by their uuids: local,
 * one, or each with its own. */
bool by_docid(const ps__question_ctx &ctx)
{
    if (ctx.remote)
        return false;
    if (ctx.shards->size() <= 1)
        return true;
    std::vector<std::string> u;
    for (const Xapian::Database &s : *ctx.shards)
        u.push_back(s.get_uuid());
    std::sort(u.begin(), u.end());
    return !u.front().empty() &&
           std::adjacent_find(u.begin(), u.end()) == u.end();
}

/* Q's first N articles in FIRST, weighed with the feedback words WORDS
 * added: each article's weight for Q taken from FIRST (an article's
 * weight does not depend on the others), or, on remote shards, Q run
 * again over those articles picked by their id terms. */
Xapian::Query reranking(const ps__question_ctx &ctx, const Xapian::Query &q,
                        const Xapian::Query &words, const Xapian::MSet &first,
                        Xapian::doccount n)
{
    if (by_docid(ctx)) {
        std::vector<std::pair<Xapian::docid, double>> docs;
        for (Xapian::doccount i = 0; i < n; i++)
            docs.emplace_back(*first[i], first[i].get_weight());
        std::vector<std::string> uuids;
        if (ctx.shards->size() > 1)
            for (const Xapian::Database &s : *ctx.shards)
                uuids.push_back(s.get_uuid());
        Xapian::Query ranked(
            (new ranked_docs(std::move(docs), std::move(uuids)))->release());
        return words.empty() ? ranked
                             : Xapian::Query(Xapian::Query::OP_AND_MAYBE,
                                             ranked, words);
    }
    std::vector<std::string> ids;
    for (Xapian::doccount i = 0; i < n; i++)
        ids.push_back(ps__id_term(
            first[i].get_document().get_value(PS__V_PATH).c_str()));
    return Xapian::Query(
        Xapian::Query::OP_FILTER,
        words.empty() ? q : Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, words),
        Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end()));
}

} // namespace

ps__question_page ps__question(const ps__question_ctx &ctx,
                               Xapian::Enquire &enq, const Xapian::Query &q,
                               Xapian::doccount offset,
                               Xapian::doccount limit,
                               Xapian::doccount check_at_least)
{
    const Xapian::doccount K = std::max(RERANK_DOCS, FEEDBACK_DOCS);
    const Xapian::doccount first_n = K + RERANK_TIES;
    /* The page's end, which an offset near the top of its range must
     * not wrap round. */
    Xapian::doccount end =
        offset > Xapian::doccount(-1) - limit ? Xapian::doccount(-1)
                                              : offset + limit;
    ps__question_page page;
    enq.set_query(q);
    page.first = enq.get_mset(0, first_n, check_at_least);
    /* The first K and any tied with the K-th. */
    Xapian::doccount n = 0;
    double last = 0;
    for (auto m = page.first.begin(); m != page.first.end() && n < first_n;
         ++m, ++n) {
        if (n >= K && m.get_weight() != last)
            break;
        last = m.get_weight();
    }
    if (offset < n) {
        Xapian::Query words = feedback_words(page.first, q);
        enq.set_query(reranking(ctx, q, words, page.first, n));
        page.head = enq.get_mset(offset, std::min(limit, n - offset));
        enq.set_query(q);
    }
    /* The rest of the page in Q's order: from the first pass when it
     * holds it (or holds every match), else from a pass of its own. */
    Xapian::doccount from = std::max(offset, n);
    if (end <= page.first.size() || page.first.size() < first_n) {
        page.tail = page.first;
        page.tail_from = from;
        page.tail_to = std::min<Xapian::doccount>(end, page.first.size());
    } else if (from < end) {
        page.tail = enq.get_mset(from, end - from);
        page.tail_to = page.tail.size();
    }
    return page;
}
