/* Who said what in queries: said:X, the articles where X is quoted, and
 * the words after it kept to X's quotes; quote:word and quote:"a phrase",
 * inside any quote. The index side is lib/index/quote_terms.cc: XSAID:key
 * per quote, and the markers XQB and XQA one position before and after
 * each word inside a quote (XQB:key, XQA:key for one speaker's quotes;
 * layout.h). A word in scope matches as anywhere (which ranks it),
 * filtered by the exact phrase (XQB, word, XQA), which says it stands
 * inside the quotes; a phrase, by (XQB, w1 ... wk, XQA): all its words
 * inside one quote. */
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "query/query_private.h"
#include "store/codec.h"
#include "store/layout.h"
#include "store/vocab.h"

using namespace ps__query;

namespace
{

/* Expansions of a wildcard inside quotes, as for plain words. */
const unsigned QUOTE_WILDCARD_MAX = 1000;

/* The speaker key ("person:zelensky") of an entity term. */
std::string speaker_key(const std::string &term)
{
    for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)ty);
        size_t n = std::strlen(pre);
        if (term.compare(0, n, pre) == 0)
            return ps__speaker_key(ty, term.substr(n));
    }
    return "";
}

} // namespace

/* said:X reaches the plain words, phrases and wildcards after it (and
 * NEAR between them, and "-word"), up to the next field, operator,
 * parenthesis or the end of its group: "said:Ryabkov plan" is plan
 * inside Ryabkov's quotes. Called before each operand of an AND. */
void parser::update_scope()
{
    const token &t = cur();
    bool keeps = t.kind == T_WORD || t.kind == T_PHRASE ||
                 t.kind == T_SPHRASE || t.kind == T_MINUS;
    if (!keeps)
        scope_ = qscope();
}

/* Keeps of KEYS the speakers the index has quotes of, when it has any:
 * a name stands for every id the index has of it ("Trump": 89 of them in
 * 924 news articles, of which 25 are ever quoted), and each speaker kept
 * costs the match a phrase over its markers, a term to count and a
 * posting list to open, which matches nothing for one never quoted. The
 * answers stay the same; when none is quoted, all are kept, so that the
 * query reads as before. Over remote shards each count would be a round
 * trip of its own: there all are kept. */
void parser::quoted_speakers(std::vector<std::string> &keys)
{
    if (!ctx_.db || ctx_.remote || keys.size() < 2)
        return;
    std::vector<std::string> quoted;
    for (const std::string &key : keys) {
        std::string term = PS__P_SAID + key;
        Xapian::doccount n = ctx_.cache ? ctx_.cache->term_freq(*ctx_.db, term)
                                        : ctx_.db->get_termfreq(term);
        if (n > 0)
            quoted.push_back(key);
    }
    if (!quoted.empty())
        keys.swap(quoted);
}

/* said:X, X resolved as entity: resolves a name (any type, any alias, an
 * unknown person by name or surname): the articles where X is quoted,
 * weighed by how often (the speakers of one name as one term, as
 * parser::entity weighs their ids), and the scope of X's quotes for the
 * words that follow. A query with said: or quote: is never relaxed: it
 * says where its words must stand. */
item parser::said(const token &t)
{
    boolean_ = true;
    out_.quotes = true;
    std::vector<std::string> terms;
    const ps_entity_def_t *def =
        ctx_.gaz ? ps_gazetteer_resolve(ctx_.gaz, ctx_.an, t.text.data(),
                                        t.text.size(), -1)
                 : nullptr;
    if (def)
        terms.push_back(std::string(ps_entity_type_prefix(def->type)) +
                        def->id);
    else
        unknown_entity_terms(t, -1, terms);
    std::vector<std::string> keys;
    for (const std::string &term : terms) {
        std::string key = speaker_key(term);
        if (!key.empty() &&
            std::strlen(PS__P_SAID) + key.size() <= PS__MAX_TERM)
            keys.push_back(key);
    }
    quoted_speakers(keys);
    item it;
    std::vector<Xapian::Query> qs;
    for (const std::string &key : keys) {
        qs.emplace_back(PS__P_SAID + key);
        it.said.markers.push_back(":" + key);
        it.said.speakers.push_back(key);
    }
    it.q = qs.empty() ? Xapian::Query::MatchNothing
           : qs.size() == 1
               ? qs[0]
               : Xapian::Query(Xapian::Query::OP_SYNONYM, qs.begin(), qs.end());
    ps__hitgroup g;
    g.quote = true;
    g.speakers = it.said.speakers;
    out_.hits.push_back(g);
    return it;
}

/* quote:word, quote:"a phrase": inside any quote's content. */
item parser::quote(const token &t)
{
    boolean_ = true;
    out_.quotes = true;
    qscope saved = scope_;
    scope_ = qscope();
    scope_.markers.push_back("");
    item it = t.quoted ? phrase(t, "", "", t.pos)
                       : word(t.text, t.pos, "", PS__P_STEM, true);
    scope_ = saved;
    /* NEAR would lose the quote: refuse it rather than answer wrong. */
    it.single.clear();
    return it;
}

/* The words of SLOTS inside the scope's quotes, one speaker's at a time:
 * in sequence, all inside one quote, the exact phrase (XQB, SLOTS...,
 * XQA); with NEAR (NEAR set), each word inside the quotes, and NEAR
 * itself says how close. */
Xapian::Query parser::scoped(const std::vector<std::vector<std::string>> &slots,
                             unsigned near, size_t at)
{
    /* The markers are not counted against the query's words: like an
     * entity's surname, a speaker stands for as many ids as the index
     * has of that name, and the words were counted once already. */
    (void)at;
    std::vector<Xapian::Query> alts;
    for (const std::string &m : scope_.markers) {
        Xapian::Query before(PS__P_QBEFORE + m), after(PS__P_QAFTER + m);
        auto inside = [&](const std::vector<Xapian::Query> &words) {
            std::vector<Xapian::Query> v{before};
            v.insert(v.end(), words.begin(), words.end());
            v.push_back(after);
            return Xapian::Query(Xapian::Query::OP_PHRASE, v.begin(), v.end(),
                                 (Xapian::termcount)v.size());
        };
        std::vector<Xapian::Query> words;
        for (const auto &slot : slots)
            words.push_back(any_of(slot));
        if (!near) {
            alts.push_back(inside(words));
            continue;
        }
        std::vector<Xapian::Query> each;
        for (const Xapian::Query &w : words)
            each.push_back(inside({w}));
        alts.push_back(
            Xapian::Query(Xapian::Query::OP_AND, each.begin(), each.end()));
    }
    return alts.size() == 1
               ? alts[0]
               : Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
}

/* IT where it also matches WHERE: weighed as IT (the words' BM25 over the
 * article), matched only inside the scope's quotes; its hits, G, kept to
 * them too. */
void parser::keep_in_scope(item &it, const Xapian::Query &where,
                           ps__hitgroup &g)
{
    it.q = Xapian::Query(Xapian::Query::OP_FILTER, it.q, where);
    g.quote = true;
    g.speakers = scope_.speakers;
}

/* A wildcard P* in scope: the words starting with P inside the quotes,
 * the QUOTE_WILDCARD_MAX most frequent (as expand() takes them), as one
 * slot of "any of" them. */
void parser::scope_wildcard(item &it, const std::string &p, ps__hitgroup &g)
{
    if (!ctx_.db) {
        /* Only checking the query (ps_query_check): nothing to match. */
        keep_in_scope(it, Xapian::Query::MatchAll, g);
        return;
    }
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto t = ctx_.db->allterms_begin(p); t != ctx_.db->allterms_end(p);
         ++t)
        terms.emplace_back(t.get_termfreq(), *t);
    if (terms.size() > QUOTE_WILDCARD_MAX) {
        std::partial_sort(
            terms.begin(), terms.begin() + QUOTE_WILDCARD_MAX, terms.end(),
            [](const auto &a, const auto &b) { return a.first > b.first; });
        terms.resize(QUOTE_WILDCARD_MAX);
    }
    std::vector<std::string> slot;
    for (const auto &t : terms)
        slot.push_back(t.second);
    if (slot.empty()) {
        keep_in_scope(it, Xapian::Query::MatchNothing, g);
        return;
    }
    keep_in_scope(it, scoped({slot}, 0, 0), g);
}
