/* Internal to lib/search/: the open index (struct ps_db), a stored
 * document taken apart (docdata), the result builder, and the helpers that
 * build JSON without leaking it when an exception flies. The files of the
 * reading half share these:
 *   search_open.cc   the stub, its shards, the duplicate-path check, reopen
 *   search_docs.cc   stored documents: their entities and lines (the doc op)
 *   results.cc       one match as a result: snippet, hit lines, entities
 *   hits.cc          where a match's query terms stand in its text
 *   facets.cc        entity facets over the matches
 *   entity_rows.cc   a document's entities as the index identifies them
 *   spelling.cc      "did you mean", with the one edit distance
 *   search_run.cc    the query run: strict, then relaxed (ps_search)
 *   search_stats.cc  what the index holds (stats, snapshot, query terms)
 *   remote_fetch.cc  a page of results read from remote shards at once
 *   remote_pos.cc    a remote result's word positions from its spans */
#ifndef PSEARCH_SEARCH_PRIVATE_H
#define PSEARCH_SEARCH_PRIVATE_H

#ifndef __cplusplus
#error "search_private.h is for the C++ shim only"
#endif

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include <jansson.h>
#include <xapian.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/search.h"
#include "ident/ident_db.h"
#include "query/query.h"
#include "search/json_out.h"
#include "search/quote_json.h"
#include "store/codec.h"
#include "store/layout.h"
#include "store/vocab.h"

namespace ps__search
{
struct fetched_page;
}

struct ps_db {
    std::string dir;
    std::string errmsg;
    Xapian::Database db;
    struct stat stub_st {
    };
    std::string gaz_text;
    /* Every shard was indexed without quotes (psearch-index --no-quotes):
     * said: and quote: are refused, saying so. */
    bool no_quotes = false;
    ps_analyzer_t *an = nullptr;
    ps_gazetteer_t *gaz = nullptr;
    std::map<std::string, std::string> gaz_names; /* entity term -> name */
    ps_db_opts_t opts{};
    std::vector<std::string> missing;     /* shards left out (partial mode) */
    std::vector<Xapian::Database> shards; /* what db is made of */
    bool has_remote = false;              /* a shard is served remotely */
    /* What the shards said of themselves when opened (search_open.cc,
     * shards_print()): a reconnection that finds them the same keeps
     * what ident and cache remember. */
    std::string print;
    /* Whether shards may hold the same path: a stub written by hand
     * (see held_twice()). */
    bool check_paths = false;
    std::chrono::steady_clock::time_point missing_since;
    /* Entity identity across articles, read from db; emptied whenever db
     * moves to another revision. */
    ps__ident_db ident{db, &gaz_names, &shards};
    /* Stem forms and term frequencies the shards answered, emptied with
     * ident (see ps__shard_cache). */
    ps__shard_cache cache;
    /* The page of results being built, read ahead from remote shards
     * (remote_fetch.cc); NULL but while results are built. */
    const ps__search::fetched_page *page = nullptr;

    ~ps_db()
    {
        ps_gazetteer_free(gaz);
        ps_analyzer_free(an);
    }
};

namespace ps__search
{

using span = ps__span;

/* A json_t that releases itself, so an exception cannot leak one. */
struct jref {
    json_t *j;
    explicit jref(json_t *p) : j(p)
    {
        if (!p)
            throw std::bad_alloc();
    }
    ~jref()
    {
        json_decref(j);
    }
    json_t *release()
    {
        json_t *p = j;
        j = nullptr;
        return p;
    }
    jref(const jref &) = delete;
    jref &operator=(const jref &) = delete;
};

inline json_t *jnew(json_t *j)
{
    if (!j)
        throw std::bad_alloc();
    return j;
}

inline void jset(json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, jnew(v)) != 0)
        throw std::bad_alloc();
}

inline void jpush(json_t *a, json_t *v)
{
    if (json_array_append_new(a, jnew(v)) != 0)
        throw std::bad_alloc();
}

/* A string as JSON, even if a cut landed inside a UTF-8 sequence. */
inline json_t *jstr(const char *p, size_t n)
{
    json_t *s = json_stringn_nocheck(p, n);
    return s;
}

/* search_open.cc: opening and following the index. */

/* Of PATHS (the paths of a page of results), those that more than one
 * shard of D holds, sorted, at most ten; none unless D's stub was
 * written by hand (check_paths). */
std::vector<std::string> held_twice(ps_db_t *d, std::vector<std::string> paths);

/* KEY's metadata as the shards of D hold it (the least non-empty value). */
std::string shards_metadata(const ps_db_t *d, const std::string &key);
/* Opens the shards the stub lists, side by side in one Database; with
 * KEEP, keeps what the handle remembers if the shards are as they were. */
void open_db(ps_db_t *d, bool keep = false);
/* Follows a new generation or revision; true when something changed. */
bool reopen(ps_db_t *d);

/* entity_rows.cc: the entities ENTS of a document as the index
 * identifies them across articles: one row per entity, with the resolved
 * type and id and the mentions of every term that stands for it, in text
 * order. ENTS read by ps__decode_entity_heads() name their value VALUE,
 * whose mentions are read where rows merge. A row's name is still the
 * article's: shown_name() is the one to show, the name most articles give
 * the entity (asked only for the rows shown: a long article names
 * thousands, each name a few term lookups). It stays valid as long as
 * the view of the handle's identities (until the index changes). */
std::vector<ps__entity> identified(ps_db_t *d, std::vector<ps__entity> ents,
                                   const std::string_view *value = nullptr);
std::string_view shown_name(ps_db_t *d, const ps__entity &e);

/* search_docs.cc: the parts of a document's data: the JSON head, the
 * file's text (read as needed: a result decompresses only the blocks it
 * shows) and its lines, its entities and quotes. */
struct docdata {
    json_t *head = nullptr;
    /* The record, which rec, text and ents read where it stands. */
    std::string value;
    /* The record's sections: path, title, spans, and rec.ents, which
     * ents' forms and unread mentions are read from. */
    ps__record rec;
    ps__text text;
    size_t len = 0;
    std::vector<ps__entity> ents;
    std::vector<ps__quote> quotes;

    /* With QUOTES, the attributions too (a said: or quote: query, the
     * doc op). */
    docdata(const Xapian::Document &doc, bool quotes);
    ~docdata()
    {
        json_decref(head);
    }
    docdata(const docdata &) = delete;
    docdata &operator=(const docdata &) = delete;

    /* Bytes OFF to OFF + N of the text. */
    const char *at(size_t off, size_t n)
    {
        return text.at(off, n);
    }
    /* The whole text. */
    const char *all()
    {
        return text.at(0, len);
    }
    size_t lines() const
    {
        return text.lines();
    }
    /* Where LINE (0-based) starts. */
    size_t line_start(size_t line) const
    {
        return text.start(line);
    }
    /* 0-based line of byte offset OFF. */
    size_t line_of(size_t off) const
    {
        return text.line_of(off);
    }
    /* Where LINE ends, before its newline (and a CR before that). */
    size_t line_end(size_t line)
    {
        size_t s = line_start(line);
        size_t end = line + 1 < lines() ? line_start(line + 1) - 1 : len;
        if (end > s && *at(end - 1, 1) == '\r')
            end--;
        return end;
    }
};

/* Mention M of a document as JSON: its text, line and column (1-based),
 * and with OFFSETS its byte offset and length in the file. NULL when it
 * lies outside the text (a damaged value). */
json_t *mention_json(docdata &dd, const ps_mention_t &m, bool offsets);

/* results.cc and hits.cc: each match of a search as a result. */
class result_builder
{
  public:
    result_builder(ps_db_t *d, const ps__parsed &p, unsigned max_hits,
                   unsigned max_mentions, unsigned max_entities, bool lines)
        : d_(d), p_(p), max_hits_(max_hits), max_mentions_(max_mentions),
          max_entities_(max_entities), lines_(lines)
    {
    }

    /* Match M, ranked RANK, as a result object written to W. */
    void build(ps__jout &w, const Xapian::MSetIterator &m, unsigned rank);

    /* Reads the position lists the hits of the local matches DIDS need,
     * term by term (hits.cc): each term's posting list, walked over the
     * page's documents in docid order, says which of them hold it, and
     * only those lists are read. A result built alone looked up every
     * form of every word in its document, most of them absent, and Xapian
     * 1.4 reads two blocks from the file for each look-up (strace), even
     * in key order. Replaces what the last call read. */
    void read_ahead(std::vector<Xapian::docid> dids);

  private:
    ps_db_t *d_;
    const ps__parsed &p_;
    unsigned max_hits_;
    size_t max_mentions_;
    size_t max_entities_;
    bool lines_;

    /* With a shard served over the network, every position list is a
     * round trip (ten results of a two-word query asked for some ninety);
     * the record's spans and text give the same positions in one pass
     * (remote_pos.cc): term -> positions, for the terms the hits need.
     * A hyphenated compound's whole has no span: then the text is
     * analysed again, which costs with its length, so a long text's
     * positions are asked for instead (text_pays()). */
    std::map<std::string, std::vector<Xapian::termpos>> text_pos_;
    bool from_text_ = false; /* this result's positions are text_pos_'s */
    /* The terms the hit groups look for, and the prefixes of prefix*
     * groups (filled by the first analyse_text()). */
    std::set<std::string> wanted_;
    std::vector<std::string> wanted_prefixes_;
    bool wanted_known_ = false;
    /* What read_ahead() read, shared with the sub-builders of said: and
     * quote: groups: the positions of terms[I] in dids[J] at
     * pos[I * dids.size() + J], both lists sorted. */
    struct page_positions {
        std::vector<std::string> terms;
        std::vector<Xapian::docid> dids;
        std::vector<std::vector<Xapian::termpos>> pos;
        /* TERM's positions in DID, or NULL when they were not read. */
        const std::vector<Xapian::termpos> *find(Xapian::docid did,
                                                 const std::string &term) const;
    };
    std::shared_ptr<page_positions> ahead_;
    /* The terms of the index that each prefix* group's prefix starts,
     * when there are few (WILDCARD_AHEAD_MAX): their position lists are
     * read ahead with the others, where a result would read its
     * document's whole term list (compressed with zlib) to find them. */
    std::map<std::string, std::vector<std::string>> wild_terms_;
    void expand_wildcards(std::vector<std::string> &terms);

    /* A hit as term positions, first to last, before its bytes are known. */
    using range = std::pair<Xapian::termpos, Xapian::termpos>;

    /* results.cc */
    /* LINES: the line of each of HITS. */
    void add_hits(ps__jout &w, docdata &dd, const std::vector<span> &hits,
                  const std::vector<size_t> &lines);
    void add_hit_lines(ps__jout &w, docdata &dd, const std::vector<span> &hits,
                       const std::vector<size_t> &lines);
    void snippet(ps__jout &w, docdata &dd, const std::vector<span> &hits,
                 const std::vector<size_t> &lines);
    void entities(ps__jout &w, docdata &dd, std::vector<ps__entity> &ents);
    void mention(ps__jout &w, const docdata &dd, const ps__entity &e, size_t k);

    /* hits.cc */
    void add_text_terms(const ps_token_t *t, size_t n, const char *prefix);
    bool wanted(const std::string &term) const;
    bool text_pays(const docdata &dd) const;
    void analyse_text(docdata &dd);
    std::vector<Xapian::termpos> positions(Xapian::docid did,
                                           const std::string &term);
    std::vector<Xapian::termpos>
    positions(Xapian::docid did, const std::vector<std::string> &terms);
    void entity_hits(Xapian::docid did, const ps__hitgroup &g, docdata &dd,
                     std::vector<span> &hits);
    void near_hits(Xapian::docid did, const ps__hitgroup &g,
                   std::vector<range> &ranges);
    void wildcard_hits(Xapian::docid did, const ps__hitgroup &g,
                       const Xapian::Document &doc, std::vector<range> &ranges);
    void phrase_hits(Xapian::docid did, const ps__hitgroup &g,
                     std::vector<range> &ranges);
    std::vector<span> find_hits(const Xapian::MSetIterator &m,
                                const Xapian::Document &doc, docdata &dd);

    /* quote_hits.cc: said: and quote:. quoted_[i] notes that the query
     * matched quote i of the result being built. */
    std::vector<bool> quoted_;
    void quote_hits(const Xapian::MSetIterator &m, const Xapian::Document &doc,
                    docdata &dd, const ps__hitgroup &g,
                    std::vector<span> &hits);
    /* Writes to W the array of the first max_hits quotes the query
     * matched, each with its "marks"; how many it matched in *COUNT. */
    void matched_quotes(ps__jout &w, docdata &dd, const std::vector<span> &hits,
                        size_t *count);
};

/* remote_fetch.cc: the documents of a page of results, and the position
 * lists their hits need where the text is too long to analyse again, read
 * from the shards side by side, one thread a shard. Keyed by page docid. */
struct fetched_page {
    std::map<Xapian::docid, Xapian::Document> docs;
    std::map<Xapian::docid, std::map<std::string, std::vector<Xapian::termpos>>>
        pos;
    /* The document DID, or NULL when it was not read. */
    const Xapian::Document *doc(Xapian::docid did) const;
    /* Whether the positions of DID's hit terms were read. */
    bool has_positions(Xapian::docid did) const;
    /* TERM's positions in DID, or NULL when they were not read. */
    const std::vector<Xapian::termpos> *
    positions(Xapian::docid did, const std::string &term) const;
};

/* How many bytes of text analysing costs as much as a round trip to a
 * remote shard for a position list: about 1 ms a 20 kB (bench slice,
 * loopback), where a round trip costs 0.05 to 0.1 ms. Weighed where the
 * spans cannot serve (spans_serve()). */
const size_t TEXT_BYTES_PER_ROUND_TRIP = 2048;

/* remote_pos.cc: whether body_positions() finds every body term of
 * WANTED and PREFIXES (prefix* groups): not a hyphenated compound's. */
bool body_positions_apply(const std::set<std::string> &wanted,
                          const std::vector<std::string> &prefixes);
/* The terms P's hit groups look for into WANTED, and the prefixes of
 * its prefix* groups into PREFIXES. */
void hit_terms(const ps__parsed &p, std::set<std::string> &wanted,
               std::vector<std::string> &prefixes);
/* The same for the hit groups of P. */
bool spans_serve(const ps__parsed &p);
/* Adds to OUT the positions of the body words of a document whose term
 * is in WANTED or starts with one of PREFIXES, from its spans value
 * SPANS and its text (LEN bytes at TEXT): a plain ASCII word read as it
 * is, any other analysed alone with AN. Costs a pass over the spans, not
 * an analysis of the text. False, with OUT partly filled, when the spans
 * do not fit the text or a word does not analyse: analyse the text. */
bool body_positions(ps_analyzer_t *an, const char *text, size_t len,
                    std::string_view spans, const std::set<std::string> &wanted,
                    const std::vector<std::string> &prefixes,
                    std::map<std::string, std::vector<Xapian::termpos>> &out);

/* Reads into OUT the documents PAGE (docids of D's database) from D's
 * shards, one thread a shard, and with WITH_POSITIONS the positions of
 * P's hit terms in those with a long text. Rethrows what a shard threw
 * (Xapian errors, bad_alloc). */
void fetch_page(ps_db_t *d, const ps__parsed &p,
                const std::vector<Xapian::docid> &page, bool with_positions,
                fetched_page &out);

/* A score as answers show it: to 12 significant digits (results.cc). */
double shown_score(double w);

/* facets.cc: entity facets over the first DOCS matches of ENQ, PER_TYPE
 * entities of each type. */
json_t *facets(ps_db_t *d, Xapian::Enquire &enq, unsigned docs,
               unsigned per_type);

/* spelling.cc: "did you mean" for the plain words of P; empty when
 * nothing changes. */
std::string suggest(ps_db_t *d, const ps__parsed &p);

} // namespace ps__search

#endif
