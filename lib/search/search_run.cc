/* Running a search: the parsed query, strict form first and the relaxed
 * one when it finds nothing (or at once for a question), ranked by BM25
 * with the parser's boosts; the page of results, the totals, the facets
 * and the notes an answer carries (relaxed, a suggestion, paths held
 * twice, shards missing). ps_search() retries when a writer or a remote
 * shard pulls the index from under a search. */
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

#include <xapian.h>

#include "search/feedback.h"
#include "search/search_private.h"
#include "store/shim.h"

using namespace ps__search;

static const unsigned DEFAULT_LIMIT = 10;
static const unsigned DEFAULT_MAX_HITS = 50;
static const unsigned DEFAULT_MAX_MENTIONS = 3;
static const unsigned DEFAULT_MAX_ENTITIES = 10;
static const unsigned DEFAULT_FACET_DOCS = 1000;
/* How often a search retries after its revision was overwritten. */
static const int MODIFIED_RETRIES = 3;

/* How many matches Xapian looks at before it may estimate the total. A
 * word searched through its several forms (OP_SYNONYM) has no exact
 * document count, only an estimate (~140 for 114 documents); when the
 * query's terms are rare, counting every match costs little and the total
 * is exact. The documents of a path: filter's value ranges (P's
 * path_range_docs) count as well, up to a budget of their own: a value
 * range checks a document with one value read, where a term reads its
 * postings. */
static Xapian::doccount check_at_least(ps_db_t *d, const ps__parsed &p,
                                       const Xapian::Query &q)
{
    const Xapian::doccount least = 100, budget = 2000, path_budget = 50000;
    Xapian::doccount sum = 0;
    for (auto t = q.get_unique_terms_begin();
         t != q.get_unique_terms_end() && sum <= budget; ++t)
        sum += d->cache.term_freq(d->db, *t);
    if (sum > budget)
        return least;
    /* One more than its documents, so that Xapian reads to the end of
     * the range and knows there are no more. */
    if (p.path_range_docs && p.path_range_docs < path_budget)
        sum += p.path_range_docs + 1;
    return std::max(least, sum);
}

/* What checking one more document may cost Q at most, in microseconds,
 * for a warm index: a posting a term, a position list read a term under
 * a phrase or NEAR (POSITIONAL). Negative for what cannot be bounded
 * so: a wildcard expands at match time into as many terms as the index
 * has, a value range reads a value a document. */
static double check_cost_us(const Xapian::Query &q, bool positional)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        return positional ? 10.0 : 1.0;
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
        return 0.0;
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
        positional = true;
        break;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
    case Xapian::Query::OP_SCALE_WEIGHT:
        break;
    default:
        return -1.0;
    }
    double sum = 0.0;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        double c = check_cost_us(q.get_subquery(i), positional);
        if (c < 0)
            return -1.0;
        sum += c;
    }
    return sum;
}

/* How far under the budget the worst case of the counting must stay for
 * the timer to be left off: a cold disk or a busy machine is slower than
 * check_cost_us() reckons by about this much. */
static const double TIMER_MARGIN = 20.0;

/* Arms Xapian's time limit on ENQ for a match of Q from FIRST, MAXITEMS
 * long, checking at least CHECK_AT_LEAST, where the limit can cut
 * anything. Xapian's limit only turns check_at_least off once it expires
 * (the match of the page runs to its end whatever the limit, enquire.h),
 * so it is of no use to a match that checks no further than its page,
 * nor to one whose counting beyond the page cannot come near the budget;
 * and arming it costs three system calls (a POSIX timer created, set and
 * deleted) on every search. */
static void arm_budget(Xapian::Enquire &enq, const ps_search_opts_t *o,
                       const Xapian::Query &q, Xapian::doccount first,
                       Xapian::doccount maxitems,
                       Xapian::doccount check_at_least)
{
    bool arm = false;
    if (o->time_budget > 0 && check_at_least > maxitems &&
        check_at_least - maxitems > first) {
        double extra = check_at_least - maxitems - first;
        double per_doc = check_cost_us(q, false);
        arm = per_doc < 0 ||
              extra * per_doc * TIMER_MARGIN > o->time_budget * 1e6;
    }
    enq.set_time_limit(arm ? o->time_budget : 0.0);
}

/* BM25's parameters, one set for every corpus, tuned once on TIME and
 * SciFact's training claims (RELEVANCE.md): K1 how soon a word's repeats
 * stop adding weight, B how much a long article is discounted. K3 = 0:
 * a word the query repeats (as the phrase and proximity boosts do) weighs
 * as much as one said once. BM25_MIN_NORMLEN = 0: a short article's
 * length is not rounded up to half the average (Xapian's default), as
 * in plain BM25 and SQLite FTS5; TIME and SciFact both rank better so. */
static const double BM25_K1 = 1.2;
static const double BM25_K3 = 0;
static const double BM25_B = 0.75;
static const double BM25_MIN_NORMLEN = 0;

/* The articles an answer shows, and its totals (TOTALS's): HEAD's (a
 * question's articles reordered by feedback, ps__question()), then
 * TAIL's from TAIL_FROM to TAIL_TO. */
struct matches {
    Xapian::MSet totals;
    Xapian::MSet head, tail;
    Xapian::doccount tail_from = 0, tail_to = 0;
};

/* The matches of P for O into M, with ENQ set to the query that found
 * them: the strict form first, unless the query asks for relevance (a
 * question, a long query); the relaxed one when the strict form finds
 * nothing. RELAXED tells which answered, STRICT_EMPTY whether the strict
 * form was tried and found nothing. */
static void find_matches(ps_db_t *d, const ps_search_opts_t *o,
                         const ps__parsed &p, Xapian::Enquire &enq, matches &m,
                         bool &relaxed, bool &strict_empty)
{
    unsigned limit = o->limit ? o->limit : DEFAULT_LIMIT;
    bool has_relaxed = !p.relaxed.empty();
    relaxed = has_relaxed && p.relaxed_first;
    strict_empty = false;
    for (;;) {
        const Xapian::Query &q = relaxed ? p.relaxed : p.query;
        /* The relaxed form answers questions, whose words the answer
         * shares only in part: its first articles' words rank it again.
         * A count alone needs no ranking. */
        if (relaxed && !o->no_results) {
            ps__question_page page =
                ps__question({&d->shards, d->has_remote}, enq, q, o->offset,
                             limit, check_at_least(d, p, q));
            m.totals = page.first;
            m.head = page.head;
            m.tail = page.tail;
            m.tail_from = page.tail_from;
            m.tail_to = page.tail_to;
            return;
        }
        enq.set_query(q);
        Xapian::doccount first = o->no_results ? 0 : o->offset,
                         maxitems = o->no_results ? 0 : limit,
                         least = check_at_least(d, p, q);
        arm_budget(enq, o, q, first, maxitems, least);
        m.totals = enq.get_mset(first, maxitems, least);
        /* The relaxed form's passes and the facets keep the budget. */
        if (o->time_budget > 0)
            enq.set_time_limit(o->time_budget);
        m.tail = m.totals;
        m.tail_to = m.totals.size();
        if (relaxed || m.totals.get_matches_upper_bound() > 0)
            break;
        strict_empty = true;
        if (!has_relaxed)
            break;
        relaxed = true;
    }
}

/* Match M as a result at RANK, written to W: in full, or with O->raw
 * only its rank, score and path (its document from PAGE when it was read
 * ahead). */
static void add_result(const ps_search_opts_t *o, result_builder &rb,
                       const fetched_page &page, const Xapian::MSetIterator &m,
                       unsigned rank, ps__jout &w)
{
    if (o->raw) {
        w.obj();
        w.key("rank").num(rank);
        w.key("score").real(shown_score(m.get_weight()));
        const Xapian::Document *doc = page.doc(*m);
        w.key("path").str(
            (doc ? *doc : m.get_document()).get_value(PS__V_PATH));
        w.end_obj();
    } else {
        rb.build(w, m, rank);
    }
}

/* The paths of M's page that more than one shard holds (held_twice()),
 * each match's document read ahead in PAGE or asked now. */
static std::vector<std::string> page_duplicates(ps_db_t *d, const matches &m,
                                                const fetched_page &page)
{
    if (!d->check_paths)
        return {};
    std::vector<std::string> paths;
    auto add = [&](const Xapian::MSetIterator &it) {
        const Xapian::Document *doc = page.doc(*it);
        paths.push_back((doc ? *doc : it.get_document()).get_value(PS__V_PATH));
    };
    for (auto it = m.head.begin(); it != m.head.end(); ++it)
        add(it);
    for (Xapian::doccount i = m.tail_from; i < m.tail_to; i++)
        add(m.tail[i]);
    return held_twice(d, paths);
}

/* How many results' position lists are read ahead at a time: enough for
 * a page, and a bounded memory for a long one. */
static const size_t READ_AHEAD = 32;

/* Each match of M as a result, written to W; DUPS receives the paths of
 * the results that more than one shard holds. */
static void add_results(ps_db_t *d, const ps_search_opts_t *o,
                        const ps__parsed &p, matches &m, ps__jout &w,
                        std::vector<std::string> &dups)
{
    result_builder rb(d, p, o->max_hits ? o->max_hits : DEFAULT_MAX_HITS,
                      o->max_mentions ? o->max_mentions : DEFAULT_MAX_MENTIONS,
                      o->max_entities ? o->max_entities : DEFAULT_MAX_ENTITIES,
                      o->hit_lines != 0);
    unsigned rank = o->offset;
    Xapian::MSet &ms = m.tail;
    std::vector<Xapian::MSetIterator> items;
    for (auto it = m.head.begin(); it != m.head.end(); ++it)
        items.push_back(it);
    for (Xapian::doccount i = m.tail_from; i < m.tail_to; i++)
        items.push_back(ms[i]);
    std::vector<Xapian::docid> dids;
    for (const Xapian::MSetIterator &it : items)
        dids.push_back(*it);
    /* Read the results' documents (and the position lists their hits
     * need) from remote shards side by side (remote_fetch.cc): Xapian
     * 1.4 asks for them one round trip at a time. Locally, where a read
     * costs no round trip, the position lists are read for a page at a
     * time, only where a term stands (result_builder::read_ahead()). */
    fetched_page page;
    struct unset {
        ps_db_t *d;
        ~unset()
        {
            d->page = nullptr;
        }
    } unset_page{d};
    if (d->has_remote) {
        fetch_page(d, p, dids, !o->raw, page);
        d->page = &page;
    }
    w.key("results").arr();
    for (size_t i = 0; i < items.size(); i++) {
        if (!d->has_remote && !o->raw && i % READ_AHEAD == 0)
            rb.read_ahead(std::vector<Xapian::docid>(
                dids.begin() + i,
                dids.begin() + std::min(items.size(), i + READ_AHEAD)));
        add_result(o, rb, page, items[i], ++rank, w);
    }
    w.end_arr();
    dups = page_duplicates(d, m, page);
}

/* The strings of V as a JSON array under KEY. */
static void add_strings(ps__jout &w, const char *key,
                        const std::vector<std::string> &v)
{
    w.key(key).arr();
    for (const std::string &s : v)
        w.str(s);
    w.end_arr();
}

/* What an answer says beside its results: that it is relaxed, a spelling
 * suggestion when nothing (strict) matched, the paths of its results that
 * two shards hold (DUPS), and the shards left out. */
static void add_notes(ps_db_t *d, const ps__parsed &p, const Xapian::MSet &ms,
                      bool relaxed, bool strict_empty,
                      const std::vector<std::string> &dups, ps__jout &w)
{
    if (relaxed)
        w.key("relaxed").boolean(true);
    if (strict_empty || ms.get_matches_upper_bound() == 0) {
        std::string s = suggest(d, p);
        if (!s.empty())
            w.key("suggestion").str(s);
    }
    if (!dups.empty())
        add_strings(w, "duplicate_paths", dups);
    if (!d->missing.empty()) {
        w.key("partial").boolean(true);
        add_strings(w, "missing_shards", d->missing);
    }
}

/* The answer to O written to W: results, totals, facets and notes. */
static void search_text(ps_db_t *d, const ps_search_opts_t *o, ps__jout &w,
                        ps_search_info_t &info)
{
    auto t0 = std::chrono::steady_clock::now();
    ps__qctx ctx{d->an,     d->gaz,    &d->db,       &d->shards,
                 &d->ident, &d->cache, d->has_remote};
    ps__parsed p = ps__query_parse(ctx, o->query ? o->query : "");
    if (p.quotes && d->no_quotes)
        throw ps__query_error{"this index has no quotes (it was built with "
                              "psearch-index --no-quotes), so said: and "
                              "quote: find nothing; rebuild it without "
                              "--no-quotes",
                              0};
    Xapian::Enquire enq(d->db);
    enq.set_weighting_scheme(
        Xapian::BM25Weight(BM25_K1, 0, BM25_K3, BM25_B, BM25_MIN_NORMLEN));
    if (o->time_budget > 0)
        enq.set_time_limit(o->time_budget);
    bool relaxed, strict_empty;
    matches m;
    find_matches(d, o, p, enq, m, relaxed, strict_empty);
    /* The relaxed form's hits are the words it matched by. */
    if (relaxed)
        p.hits.swap(p.relaxed_hits);
    const Xapian::MSet &ms = m.totals;
    w.obj();
    std::vector<std::string> dups;
    add_results(d, o, p, m, w, dups);
    info.total = ms.get_matches_estimated();
    w.key("total").num(info.total);
    w.key("total_exact")
        .boolean(ms.get_matches_lower_bound() == ms.get_matches_upper_bound());
    w.key("offset").num(o->offset);
    w.key("limit").num(o->limit ? o->limit : DEFAULT_LIMIT);
    if (o->facets) {
        json_t *f =
            facets(d, enq, o->facet_docs ? o->facet_docs : DEFAULT_FACET_DOCS,
                   o->facets);
        jref ref(f);
        w.key("facets").json(f);
    }
    add_notes(d, p, ms, relaxed, strict_empty, dups, w);
    info.partial = !d->missing.empty();
    info.elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
    w.key("elapsed_us").num(info.elapsed_us);
    w.end_obj();
}

/* The answer to OPTS into W and INFO. Retries when a writer or a remote
 * shard pulls the index from under the search; no exception leaves. */
static ps_status_t run_search(ps_db_t *db, const ps_search_opts_t *opts,
                              ps__jout &w, ps_search_info_t &info,
                              size_t *errpos)
{
    for (int attempt = 0;; attempt++) {
        try {
            w.clear();
            search_text(db, opts, w, info);
            return PS_OK;
        } catch (const ps__query_error &e) {
            db->errmsg = e.msg;
            if (errpos)
                *errpos = e.pos;
            return PS_EBADQUERY;
        } catch (const Xapian::NetworkError &) {
            /* A remote shard stopped answering. In partial mode, open the
             * index again without it and answer from the others. */
            if (db->opts.partial && attempt < MODIFIED_RETRIES) {
                try {
                    open_db(db);
                    continue;
                } catch (...) {
                    return ps__fail(db->errmsg, "reopen");
                }
            }
            return ps__fail(db->errmsg, "search");
        } catch (const Xapian::DatabaseModifiedError &) {
            /* A writer overwrote the revision being read: move on to the
             * newest one and run the search again. */
            if (attempt < MODIFIED_RETRIES) {
                try {
                    reopen(db);
                    continue;
                } catch (...) {
                    return ps__fail(db->errmsg, "reopen");
                }
            }
            return ps__fail(db->errmsg, "search");
        } catch (...) {
            return ps__fail(db->errmsg, "search");
        }
    }
}

extern "C" ps_status_t ps_search_text(ps_db_t *db, const ps_search_opts_t *opts,
                                      char **out, size_t *len,
                                      ps_search_info_t *info, size_t *errpos)
{
    *out = nullptr;
    *len = 0;
    ps__jout w;
    ps_search_info_t i{};
    ps_status_t st = run_search(db, opts, w, i, errpos);
    if (st != PS_OK)
        return st;
    size_t n = w.size();
    try {
        *out = w.take();
    } catch (const std::bad_alloc &) {
        return PS_ENOMEM;
    }
    *len = n;
    if (info)
        *info = i;
    return PS_OK;
}

/* The tree is the text parsed: one way to make an answer, so the library
 * and the daemon cannot disagree. */
extern "C" ps_status_t ps_search(ps_db_t *db, const ps_search_opts_t *opts,
                                 json_t **out, size_t *errpos)
{
    *out = nullptr;
    ps__jout w;
    ps_search_info_t info{};
    ps_status_t st = run_search(db, opts, w, info, errpos);
    if (st != PS_OK)
        return st;
    *out = json_loadb(w.data(), w.size(), JSON_ALLOW_NUL, nullptr);
    return *out ? PS_OK : PS_ENOMEM;
}
