/* Who said what in queries: said:X, the articles where X is quoted, and
 * the words after it kept to X's quotes; quote:word and quote:"a phrase",
 * inside any quote. The index side is lib/index/quote_terms.cc: XSAID:key
 * per quote, XQ:word and XQS:key:word at the body positions of the
 * quotes' words (layout.h). A word in scope matches its plain terms
 * (which rank it, as anywhere) filtered by the same words under the
 * scope's prefixes (which say it stands inside the quotes). */
#include <cstring>
#include <string>
#include <vector>

#include "query/query_private.h"
#include "store/codec.h"
#include "store/layout.h"

using namespace ps__query;

namespace
{

/* Expansions of a wildcard inside quotes, as for plain words. */
const unsigned QUOTE_WILDCARD_MAX = 1000;

/* The words of SLOTS in sequence: a phrase of "any of" each slot. */
Xapian::Query in_sequence(const std::vector<std::vector<std::string>> &slots)
{
    if (slots.size() == 1)
        return any_of(slots[0]);
    std::vector<Xapian::Query> subs;
    for (const auto &s : slots)
        subs.push_back(any_of(s));
    return Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                         (Xapian::termcount)subs.size());
}

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

/* said:X, X resolved as entity: resolves a name (any type, any alias, an
 * unknown person by name or surname): the articles where X is quoted,
 * weighed by how often, and the scope of X's quotes for the words that
 * follow. A query with said: or quote: is never relaxed: it says where
 * its words must stand. */
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
    item it;
    std::vector<Xapian::Query> qs;
    for (const std::string &term : terms) {
        std::string key = speaker_key(term);
        if (key.empty() ||
            std::strlen(PS__P_QSAID) + key.size() + 2 > PS__MAX_TERM)
            continue;
        qs.emplace_back(PS__P_SAID + key);
        it.said.prefixes.push_back(PS__P_QSAID + key + ":");
        it.said.speakers.push_back(key);
    }
    count_terms(qs.size(), t.pos);
    it.q = qs.empty()       ? Xapian::Query::MatchNothing
           : qs.size() == 1 ? qs[0]
                            : Xapian::Query(Xapian::Query::OP_OR, qs.begin(),
                                            qs.end());
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
    scope_.prefixes.push_back(PS__P_QUOTE);
    item it = t.quoted ? phrase(t, "", "", t.pos)
                       : word(t.text, t.pos, "", PS__P_STEM, true);
    scope_ = saved;
    /* NEAR would lose the quote: refuse it rather than answer wrong. */
    it.single.clear();
    return it;
}

/* Each term of SLOTS under each prefix of the scope: the same words
 * inside the scope's quotes, in sequence (or, with NEAR, within that
 * window), one speaker's quotes at a time. */
Xapian::Query parser::scoped(const std::vector<std::vector<std::string>> &slots,
                             unsigned near, size_t at)
{
    count_terms(slots.size() * scope_.prefixes.size(), at);
    std::vector<Xapian::Query> alts;
    for (const std::string &pre : scope_.prefixes) {
        std::vector<std::vector<std::string>> s;
        for (const auto &slot : slots) {
            s.emplace_back();
            for (const std::string &term : slot)
                s.back().push_back(pre + term);
        }
        if (near) {
            std::vector<Xapian::Query> subs;
            for (const auto &v : s)
                subs.push_back(any_of(v));
            alts.push_back(Xapian::Query(Xapian::Query::OP_NEAR, subs.begin(),
                                         subs.end(), near));
        } else {
            alts.push_back(in_sequence(s));
        }
    }
    return alts.size() == 1 ? alts[0]
                            : Xapian::Query(Xapian::Query::OP_OR, alts.begin(),
                                            alts.end());
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

/* A wildcard P* in scope: the words starting with P inside the quotes. */
void parser::scope_wildcard(item &it, const std::string &p, ps__hitgroup &g)
{
    std::vector<Xapian::Query> alts;
    for (const std::string &pre : scope_.prefixes)
        alts.push_back(ctx_.db ? expand(pre + p)
                               : Xapian::Query(
                                     Xapian::Query::OP_WILDCARD, pre + p,
                                     QUOTE_WILDCARD_MAX,
                                     Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    keep_in_scope(it,
                  Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end()),
                  g);
}
