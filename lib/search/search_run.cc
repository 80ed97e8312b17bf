/* Running a search: the parsed query, strict form first and the relaxed
 * one when it finds nothing (or at once for a question), ranked by BM25
 * with the parser's boosts; the page of results, the totals, the facets
 * and the notes an answer carries (relaxed, a suggestion, paths held
 * twice, shards missing). ps_search() retries when a writer or a remote
 * shard pulls the index from under a search. */
#include <algorithm>
#include <chrono>
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
 * is exact. */
static Xapian::doccount check_at_least(ps_db_t *d, const Xapian::Query &q)
{
    const Xapian::doccount least = 100, budget = 2000;
    Xapian::doccount sum = 0;
    for (auto t = q.get_unique_terms_begin();
         t != q.get_unique_terms_end() && sum <= budget; ++t)
        sum += d->db.get_termfreq(*t);
    return sum <= budget ? std::max(least, sum) : least;
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

/* The matches of P for O into MS, with ENQ set to the query that found
 * them: the strict form first, unless the query asks for relevance (a
 * question, a long query); the relaxed one when the strict form finds
 * nothing. RELAXED tells which answered, STRICT_EMPTY whether the strict
 * form was tried and found nothing. */
static Xapian::MSet find_matches(ps_db_t *d, const ps_search_opts_t *o,
                                 const ps__parsed &p, Xapian::Enquire &enq,
                                 bool &relaxed, bool &strict_empty)
{
    unsigned limit = o->limit ? o->limit : DEFAULT_LIMIT;
    bool has_relaxed = !p.relaxed.empty();
    relaxed = has_relaxed && p.relaxed_first;
    strict_empty = false;
    Xapian::MSet ms;
    for (;;) {
        const Xapian::Query &q = relaxed ? p.relaxed : p.query;
        /* The relaxed form answers questions, whose words the answer
         * shares only in part: its first articles' words rank it again.
         * A count alone needs no ranking. */
        enq.set_query(relaxed && !o->no_results ? ps__feedback_query(enq, q)
                                                : q);
        ms = enq.get_mset(o->no_results ? 0 : o->offset,
                          o->no_results ? 0 : limit, check_at_least(d, q));
        if (relaxed || ms.get_matches_upper_bound() > 0)
            break;
        strict_empty = true;
        if (!has_relaxed)
            break;
        relaxed = true;
    }
    return ms;
}

/* Each match of MS as a result into RESULTS: in full, or with O->raw only
 * its rank, score and path. */
static void add_results(ps_db_t *d, const ps_search_opts_t *o,
                        const ps__parsed &p, Xapian::MSet &ms, json_t *results)
{
    result_builder rb(d, p, o->max_hits ? o->max_hits : DEFAULT_MAX_HITS,
                      o->max_mentions ? o->max_mentions : DEFAULT_MAX_MENTIONS,
                      o->max_entities ? o->max_entities : DEFAULT_MAX_ENTITIES,
                      o->hit_lines != 0);
    unsigned rank = o->offset;
    /* Ask remote shards for the results' documents at once: over the
     * network, one round trip rather than one a document. Not locally,
     * where it reads every document twice (bench slice, whole results in
     * process: +40% on the median query). */
    if (d->has_remote && !ms.empty())
        ms.fetch(ms.begin(), ms.end());
    for (auto m = ms.begin(); m != ms.end(); ++m) {
        if (o->raw)
            jpush(results,
                  json_pack("{s:I,s:f,s:s}", "rank", (json_int_t)++rank,
                            "score", shown_score(m.get_weight()), "path",
                            m.get_document().get_value(PS__V_PATH).c_str()));
        else
            jpush(results, rb.build(m, ++rank));
    }
}

/* The strings of V as a JSON array under KEY of OUT. */
static void add_strings(json_t *out, const char *key,
                        const std::vector<std::string> &v)
{
    json_t *a = jnew(json_array());
    jset(out, key, a);
    for (const std::string &s : v)
        jpush(a, jstr(s.data(), s.size()));
}

/* What an answer says beside its results: that it is relaxed, a spelling
 * suggestion when nothing (strict) matched, the paths two shards hold,
 * and the shards left out. */
static void add_notes(ps_db_t *d, const ps__parsed &p, const Xapian::MSet &ms,
                      bool relaxed, bool strict_empty, json_t *out)
{
    if (relaxed)
        jset(out, "relaxed", json_true());
    if (strict_empty || ms.get_matches_upper_bound() == 0) {
        std::string s = suggest(d, p);
        if (!s.empty())
            jset(out, "suggestion", json_string(s.c_str()));
    }
    if (!d->duplicates.empty())
        add_strings(out, "duplicate_paths", d->duplicates);
    if (!d->missing.empty()) {
        jset(out, "partial", json_true());
        json_t *m = jnew(json_array());
        jset(out, "missing_shards", m);
        for (const std::string &s : d->missing)
            jpush(m, json_string(s.c_str()));
    }
}

/* The answer to O as JSON: results, totals, facets and notes. */
static json_t *run_search(ps_db_t *d, const ps_search_opts_t *o)
{
    auto t0 = std::chrono::steady_clock::now();
    ps__qctx ctx{d->an, d->gaz, &d->db, &d->shards, &d->ident};
    ps__parsed p = ps__query_parse(ctx, o->query ? o->query : "");
    Xapian::Enquire enq(d->db);
    enq.set_weighting_scheme(
        Xapian::BM25Weight(BM25_K1, 0, BM25_K3, BM25_B, BM25_MIN_NORMLEN));
    if (o->time_budget > 0)
        enq.set_time_limit(o->time_budget);
    bool relaxed, strict_empty;
    Xapian::MSet ms = find_matches(d, o, p, enq, relaxed, strict_empty);
    jref out(json_object());
    json_t *results = jnew(json_array());
    jset(out.j, "results", results);
    add_results(d, o, p, ms, results);
    jset(out.j, "total", json_integer(ms.get_matches_estimated()));
    jset(out.j, "total_exact",
         json_boolean(ms.get_matches_lower_bound() ==
                      ms.get_matches_upper_bound()));
    jset(out.j, "offset", json_integer(o->offset));
    jset(out.j, "limit", json_integer(o->limit ? o->limit : DEFAULT_LIMIT));
    if (o->facets)
        jset(out.j, "facets",
             facets(d, enq, o->facet_docs ? o->facet_docs : DEFAULT_FACET_DOCS,
                    o->facets));
    add_notes(d, p, ms, relaxed, strict_empty, out.j);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    jset(out.j, "elapsed_us", json_integer((json_int_t)us));
    return out.release();
}

extern "C" ps_status_t ps_search(ps_db_t *db, const ps_search_opts_t *opts,
                                 json_t **out, size_t *errpos)
{
    *out = nullptr;
    for (int attempt = 0;; attempt++) {
        try {
            *out = run_search(db, opts);
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
