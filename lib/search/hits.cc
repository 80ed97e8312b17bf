/* Where a match's query terms stand in its text: the hit groups the
 * parser made (words, phrases, NEAR, prefix*, entities) found by term
 * position, then turned into byte spans and merged where they touch.
 * Positions come from the index, or for a remote shard from the record's
 * spans and text (remote_pos.cc; the text analysed again when the query
 * looks for a hyphenated compound and the text is short enough for that
 * to cost less than a round trip a term). */
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "psearch/article.h"
#include "search/search_private.h"

using namespace ps__search;

/* Whether analysing DD's text costs less than asking a remote shard for
 * the position lists the hit groups need (one round trip each). A prefix*
 * group needs the text, since its terms are not known. Reading the body's
 * positions from the spans (remote_pos.cc) costs less than a round trip
 * whatever the length. */
bool result_builder::text_pays(const docdata &dd) const
{
    if (spans_serve(p_))
        return true;
    size_t lists = 0;
    for (const ps__hitgroup &g : p_.hits) {
        if (g.wildcard)
            return true;
        for (const auto &slot : g.slots)
            lists += slot.size();
    }
    return dd.len <= lists * TEXT_BYTES_PER_ROUND_TRIP;
}

/* Whether TERM is one the hit groups look for. */
bool result_builder::wanted(const std::string &term) const
{
    if (wanted_.count(term))
        return true;
    for (const std::string &pre : wanted_prefixes_)
        if (term.compare(0, pre.size(), pre) == 0)
            return true;
    return false;
}

/* Records the positions of the N tokens T under PREFIX in text_pos_, of
 * the terms the hit groups look for. */
void result_builder::add_text_terms(const ps_token_t *t, size_t n,
                                    const char *prefix)
{
    std::string term(prefix);
    size_t plen = term.size();
    for (size_t i = 0; i < n; i++) {
        if (t[i].term_len == 0 || t[i].term_len > PS__MAX_TERM)
            continue;
        term.replace(plen, std::string::npos, t[i].term, t[i].term_len);
        if (wanted(term))
            text_pos_[term].push_back(t[i].pos);
    }
}

/* Fills text_pos_ as build_doc() (index/document.cc) posts terms: the
 * body's words, the title's under its prefix, and each entity at its
 * mentions, for the terms the hit groups look for. A text that no longer
 * parses gives no positions. */
void result_builder::analyse_text(docdata &dd)
{
    if (!wanted_known_) {
        hit_terms(p_, wanted_, wanted_prefixes_);
        wanted_known_ = true;
    }
    text_pos_.clear();
    ps_article_t a;
    size_t bad;
    const ps_token_t *t;
    size_t n;
    const char *text = dd.all();
    std::map<std::string, std::vector<Xapian::termpos>> body;
    if (body_positions_apply(wanted_, wanted_prefixes_) &&
        body_positions(d_->an, text, dd.len, dd.rec.spans, wanted_,
                       wanted_prefixes_, body)) {
        /* The body from its spans (remote_pos.cc), the title as the
         * record keeps it: the text needs no parse. */
        for (auto &b : body) {
            std::vector<Xapian::termpos> &v = text_pos_[b.first];
            v.insert(v.end(), b.second.begin(), b.second.end());
        }
        if (!dd.rec.title.empty() &&
            ps_analyze(d_->an, dd.rec.title.data(), dd.rec.title.size(), 0,
                       &t, &n) == PS_OK)
            add_text_terms(t, n, PS__P_TITLE);
    } else {
        if (ps_article_parse(text, dd.len, &a, &bad) != PS_OK)
            return;
        if (a.title.ptr && ps_analyze(d_->an, a.title.ptr, a.title.len,
                                      a.title.offset, &t, &n) == PS_OK)
            add_text_terms(t, n, PS__P_TITLE);
        if (ps_analyze(d_->an, text + a.body_offset, dd.len - a.body_offset,
                       a.body_offset, &t, &n) == PS_OK)
            add_text_terms(t, n, "");
    }
    for (ps__entity &e : dd.ents) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)e.type);
        if (!pre)
            continue;
        std::string term = std::string(pre).append(e.id);
        if (!wanted(term))
            continue;
        ps__entity_mentions(dd.rec.ents, e);
        std::vector<Xapian::termpos> &v = text_pos_[term];
        for (const ps_mention_t &m : e.mentions)
            v.push_back(m.pos);
    }
    for (auto &tp : text_pos_) {
        std::sort(tp.second.begin(), tp.second.end());
        tp.second.erase(std::unique(tp.second.begin(), tp.second.end()),
                        tp.second.end());
    }
}

/* The terms whose position lists the hit groups read, sorted: every
 * term of a group but a prefix*'s, whose words each document says. */
static std::vector<std::string> listed_terms(const ps__parsed &p)
{
    std::set<std::string> terms;
    for (const ps__hitgroup &g : p.hits)
        if (!g.wildcard)
            for (const auto &slot : g.slots)
                terms.insert(slot.begin(), slot.end());
    return std::vector<std::string>(terms.begin(), terms.end());
}

const std::vector<Xapian::termpos> *
result_builder::page_positions::find(Xapian::docid did,
                                     const std::string &term) const
{
    auto t = std::lower_bound(terms.begin(), terms.end(), term);
    auto d = std::lower_bound(dids.begin(), dids.end(), did);
    if (t == terms.end() || *t != term || d == dids.end() || *d != did)
        return nullptr;
    return &pos[(size_t)(t - terms.begin()) * dids.size() +
                (size_t)(d - dids.begin())];
}

/* A prefix* group whose prefix starts more terms of the index than this
 * finds its terms in each result's term list. */
static const size_t WILDCARD_AHEAD_MAX = 64;

/* Adds to TERMS (sorted, unique) the terms of each prefix* group's
 * prefix, and notes them in wild_terms_, where the index has few. */
void result_builder::expand_wildcards(std::vector<std::string> &terms)
{
    std::set<std::string> all(terms.begin(), terms.end());
    for (const ps__hitgroup &g : p_.hits) {
        if (!g.wildcard || g.slots.empty() || g.slots[0].empty())
            continue;
        const std::string &pre = g.slots[0][0];
        if (wild_terms_.count(pre))
            continue;
        std::vector<std::string> found;
        for (auto t = d_->db.allterms_begin(pre);
             t != d_->db.allterms_end(pre) && found.size() <= WILDCARD_AHEAD_MAX;
             ++t)
            found.push_back(*t);
        if (found.size() > WILDCARD_AHEAD_MAX)
            continue;
        all.insert(found.begin(), found.end());
        wild_terms_[pre] = std::move(found);
    }
    terms.assign(all.begin(), all.end());
}

void result_builder::read_ahead(std::vector<Xapian::docid> dids)
{
    std::shared_ptr<page_positions> a = std::make_shared<page_positions>();
    if (ahead_) {
        a->terms = std::move(ahead_->terms);
    } else {
        a->terms = listed_terms(p_);
        expand_wildcards(a->terms);
    }
    ahead_ = a;
    std::sort(dids.begin(), dids.end());
    dids.erase(std::unique(dids.begin(), dids.end()), dids.end());
    a->dids = dids;
    a->pos.resize(a->terms.size() * dids.size());
    const Xapian::PostingIterator end;
    auto out = a->pos.begin();
    for (const std::string &t : a->terms) {
        /* The term's posting list says which documents have it (most of
         * a word's forms stand in few of them) with a look-up or two for
         * the page, where a position list costs a look-up, and two block
         * reads, a document. */
        Xapian::PostingIterator pl = d_->db.postlist_begin(t);
        for (Xapian::docid did : dids) {
            std::vector<Xapian::termpos> &v = *out++;
            if (pl != end)
                pl.skip_to(did);
            if (pl == end || *pl != did)
                continue;
            for (auto it = pl.positionlist_begin(); it != pl.positionlist_end();
                 ++it)
                v.push_back(*it);
        }
    }
}

/* The positions of TERM in document DID. */
std::vector<Xapian::termpos> result_builder::positions(Xapian::docid did,
                                                       const std::string &term)
{
    if (d_->page)
        if (const std::vector<Xapian::termpos> *v = d_->page->positions(did, term))
            return *v;
    if (ahead_)
        if (const std::vector<Xapian::termpos> *v = ahead_->find(did, term))
            return *v;
    if (from_text_) {
        auto it = text_pos_.find(term);
        return it == text_pos_.end() ? std::vector<Xapian::termpos>()
                                     : it->second;
    }
    std::vector<Xapian::termpos> v;
    try {
        for (auto it = d_->db.positionlist_begin(did, term);
             it != d_->db.positionlist_end(did, term); ++it)
            v.push_back(*it);
    } catch (const Xapian::RangeError &) {
        /* The term is not in this document. */
    }
    return v;
}

/* The positions of any of TERMS, in order. */
std::vector<Xapian::termpos>
result_builder::positions(Xapian::docid did,
                          const std::vector<std::string> &terms)
{
    if (terms.size() == 1)
        return positions(did, terms[0]);
    std::vector<Xapian::termpos> v;
    size_t lists = 0; /* how many forms stand in the document */
    for (const std::string &t : terms) {
        const std::vector<Xapian::termpos> *a =
            ahead_ ? ahead_->find(did, t) : nullptr;
        if (a) {
            v.insert(v.end(), a->begin(), a->end());
            lists += !a->empty();
            continue;
        }
        std::vector<Xapian::termpos> p = positions(did, t);
        v.insert(v.end(), p.begin(), p.end());
        lists += !p.empty();
    }
    /* Each list is in order: one alone needs no sorting. */
    if (lists > 1)
        std::sort(v.begin(), v.end());
    return v;
}

/* The byte span of each mention of an entity, by term position. */
static void entity_spans(docdata &dd, const std::string &term,
                         std::map<Xapian::termpos, span> &out)
{
    size_t colon = term.find(':');
    for (ps__entity &e : dd.ents) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)e.type);
        if (!pre || term.compare(0, colon + 1, pre) != 0 ||
            term.compare(colon + 1, std::string::npos, e.id) != 0)
            continue;
        ps__entity_mentions(dd.rec.ents, e);
        for (const ps_mention_t &m : e.mentions)
            out[m.pos] = {m.offset, m.length};
    }
}

/* Occurrences of NEAR's terms that have every other term within the
 * window. */
void result_builder::near_hits(Xapian::docid did, const ps__hitgroup &g,
                               std::vector<range> &ranges)
{
    std::vector<std::vector<Xapian::termpos>> pl;
    for (const auto &slot : g.slots)
        pl.push_back(positions(did, slot));
    for (size_t i = 0; i < pl.size(); i++)
        for (Xapian::termpos p : pl[i]) {
            bool ok = true;
            for (size_t j = 0; j < pl.size() && ok; j++) {
                if (j == i)
                    continue;
                Xapian::termpos lo =
                    p > g.near_window ? p - g.near_window + 1 : 1;
                auto q = std::lower_bound(pl[j].begin(), pl[j].end(), lo);
                ok = q != pl[j].end() && *q < p + g.near_window;
            }
            if (ok)
                ranges.emplace_back(p, p);
        }
}

/* An entity's hits: its mentions at the positions its term has in DID,
 * with the spans the mentions carry. */
void result_builder::entity_hits(Xapian::docid did, const ps__hitgroup &g,
                                 docdata &dd, std::vector<span> &hits)
{
    std::map<Xapian::termpos, span> ms;
    entity_spans(dd, g.slots[0][0], ms);
    for (Xapian::termpos p : positions(did, g.slots[0][0])) {
        auto it = ms.find(p);
        if (it != ms.end())
            hits.push_back(it->second);
    }
}

/* Every occurrence of a word that starts with a prefix* (the group's one
 * term): from the analysed text for a remote shard, else from the
 * document's term list. */
void result_builder::wildcard_hits(Xapian::docid did, const ps__hitgroup &g,
                                   const Xapian::Document &doc,
                                   std::vector<range> &ranges)
{
    const std::string &pre = g.slots[0][0];
    if (from_text_) {
        for (auto t = text_pos_.lower_bound(pre);
             t != text_pos_.end() && t->first.compare(0, pre.size(), pre) == 0;
             ++t)
            for (Xapian::termpos p : t->second)
                ranges.emplace_back(p, p);
        return;
    }
    auto known = wild_terms_.find(pre);
    if (known != wild_terms_.end()) {
        /* The index's terms of the prefix, in the order the term list
         * has them: their lists were read ahead. */
        for (const std::string &term : known->second)
            for (Xapian::termpos p : positions(did, term))
                ranges.emplace_back(p, p);
        return;
    }
    Xapian::TermIterator t = doc.termlist_begin();
    for (t.skip_to(pre); t != doc.termlist_end(); ++t) {
        if ((*t).compare(0, pre.size(), pre) != 0)
            break;
        for (Xapian::termpos p : positions(did, *t))
            ranges.emplace_back(p, p);
    }
}

/* A word or a phrase: each slot (a word and its forms) at the position
 * after the one before, first to last. */
void result_builder::phrase_hits(Xapian::docid did, const ps__hitgroup &g,
                                 std::vector<range> &ranges)
{
    std::vector<std::vector<Xapian::termpos>> pl;
    for (const auto &slot : g.slots)
        pl.push_back(positions(did, slot));
    Xapian::termpos n = (Xapian::termpos)pl.size();
    for (Xapian::termpos p : pl[0]) {
        bool ok = true;
        for (size_t k = 1; k < pl.size() && ok; k++)
            ok = std::binary_search(pl[k].begin(), pl[k].end(),
                                    p + (Xapian::termpos)k);
        if (ok)
            ranges.emplace_back(p, p + n - 1);
    }
}

/* A hit as term positions, first to last, before its bytes are known. */
using term_range = std::pair<Xapian::termpos, Xapian::termpos>;

/* Adds to HITS the byte span of each of RANGES, reading from DD's spans
 * just the positions the ranges start and end at. */
static void ranges_to_spans(const docdata &dd,
                            const std::vector<term_range> &ranges,
                            std::vector<span> &hits)
{
    std::vector<uint32_t> want;
    for (const term_range &r : ranges) {
        want.push_back(r.first);
        want.push_back(r.second);
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<span> spans =
        ps__decode_spans_at(dd.rec.spans, want);
    auto at = [&](Xapian::termpos p) {
        return spans[std::lower_bound(want.begin(), want.end(), p) -
                     want.begin()];
    };
    for (const term_range &r : ranges) {
        span a = at(r.first), b = at(r.second);
        if (a.len && b.len)
            hits.push_back({a.off, b.off + b.len - a.off});
    }
}

/* Sorts hits and joins the ones that overlap or stand next to each
 * other on one line ("Article" and "5" become "Article 5"). */
static std::vector<span> merge(std::vector<span> &h, docdata &dd)
{
    std::sort(h.begin(), h.end(), [](const span &a, const span &b) {
        return a.off < b.off || (a.off == b.off && a.len > b.len);
    });
    std::vector<span> out;
    for (const span &s : h) {
        if (s.off + s.len > dd.len)
            continue;
        if (!out.empty()) {
            span &last = out.back();
            size_t end = last.off + last.len;
            bool gap_is_blank = s.off >= end && s.off - end <= 1 &&
                                (s.off == end || *dd.at(end, 1) == ' ');
            if (s.off < end || gap_is_blank) {
                last.len = std::max(end, s.off + s.len) - last.off;
                continue;
            }
        }
        out.push_back(s);
    }
    return out;
}

/* The hits of match M, as byte spans in order, merged where they touch. */
std::vector<span> result_builder::find_hits(const Xapian::MSetIterator &m,
                                            const Xapian::Document &doc,
                                            docdata &dd)
{
    Xapian::docid did = *m;
    std::vector<span> hits; /* entity mentions carry their spans */
    std::vector<range> ranges;
    /* A said: or quote: group's hits are found apart and kept only inside
     * its quotes. */
    std::vector<span> in_quotes;
    quoted_.assign(dd.quotes.size(), false);
    for (const ps__hitgroup &g : p_.hits) {
        if (g.quote)
            quote_hits(m, doc, dd, g, in_quotes);
        else if (g.entity)
            entity_hits(did, g, dd, hits);
        else if (g.near_window)
            near_hits(did, g, ranges);
        else if (g.wildcard)
            wildcard_hits(did, g, doc, ranges);
        else
            phrase_hits(did, g, ranges);
    }
    ranges_to_spans(dd, ranges, hits);
    hits.insert(hits.end(), in_quotes.begin(), in_quotes.end());
    return merge(hits, dd);
}
