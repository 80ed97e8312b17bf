/* The query language's grammar: a recursive-descent parser over the
 * lexer's tokens that builds the strict form (every word, with boosts for
 * words standing together) and, for a query without operators, the
 * relaxed form (any of the words, by relevance); ps__query_parse(). */
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "store/layout.h"
#include "query/query_private.h"

using namespace ps__query;

/* Extra positions around a run of words that still counts as "close". */
static const unsigned PROXIMITY_SLACK = 8;
/* Bounds on a query, checked before its parts are built, so a huge query
 * costs neither time nor memory. Lucene's default clause limit is 1024;
 * people type a handful of words. */
static const size_t MAX_QUERY_BYTES = 8192;
/* A query of this many words (stop words aside) or more is answered in
 * its relaxed form at once: people type questions and claims that long,
 * and articles with every one of their words are rare. */
static const size_t LONG_QUERY_WORDS = 5;

Xapian::Query parser::run()
{
    if (toks_[0].kind == T_END)
        fail(0, "empty query");
    Xapian::Query q = parse_or();
    if (cur().kind == T_RP)
        fail(cur().pos, "unbalanced ')': no '(' opened it");
    if (cur().kind != T_END)
        fail(cur().pos, "unexpected '" + cur().text + "'");
    return q;
}

/* Whether the current token can start an operand. */
bool parser::starts_operand() const
{
    switch (cur().kind) {
    case T_WORD:
    case T_PHRASE:
    case T_SPHRASE:
    case T_FIELD:
    case T_LP:
    case T_MINUS:
        return true;
    default:
        return false;
    }
}

Xapian::Query parser::parse_or()
{
    std::vector<Xapian::Query> alts;
    alts.push_back(parse_and());
    while (cur().kind == T_OR) {
        boolean_ = true;
        size_t at = cur().pos;
        k_++;
        if (!starts_operand())
            fail(at, "OR has nothing after it");
        alts.push_back(parse_and());
    }
    if (alts.size() == 1)
        return alts[0];
    return Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
}

Xapian::Query parser::parse_and()
{
    std::vector<item> items;
    qscope saved = scope_;
    scope_ = qscope();
    for (;;) {
        update_scope();
        if (cur().kind == T_AND || cur().kind == T_NOT) {
            boolean_ = true;
            bool neg = cur().kind == T_NOT;
            size_t at = cur().pos;
            if (items.empty() && !neg)
                fail(at, "AND has nothing before it");
            k_++;
            if (!starts_operand())
                fail(at, std::string(neg ? "NOT" : "AND") +
                             " has nothing after it");
            item it = parse_unary();
            it.neg = it.neg != neg;
            items.push_back(std::move(it));
            continue;
        }
        if (cur().kind == T_OR && items.empty())
            fail(cur().pos, "OR has nothing before it");
        if (cur().kind == T_NEAR)
            fail(cur().pos, "NEAR has nothing before it");
        if (!starts_operand())
            break;
        items.push_back(parse_unary());
        /* "-said:X" excludes; it scopes nothing. */
        if (!items.back().said.markers.empty() && !items.back().neg)
            scope_ = items.back().said;
    }
    scope_ = saved;
    if (items.empty())
        fail(cur().pos, cur().kind != T_RP ? "expected a word here"
                        : depth_           ? "empty parentheses"
                                 : "unbalanced ')': no '(' opened it");
    return combine(items);
}

/* ANDs the positive items, removes the negative ones, and adds the
 * boosts that put documents where the words stand together (as a
 * phrase, or near each other) first. The title needs no boost of its
 * own: its words weigh more in the index (PS__TITLE_WDF). At the top
 * level, also builds the relaxed form (relaxed_form()). */
Xapian::Query parser::combine(std::vector<item> &items)
{
    std::vector<Xapian::Query> pos, neg, boosts;
    std::vector<std::string> run;
    size_t run_words = 0;
    auto flush_run = [&]() {
        if (run_words >= 2 && run.size() >= 2) {
            Xapian::Query ph(Xapian::Query::OP_PHRASE, run.begin(), run.end(),
                             (Xapian::termcount)run.size());
            boosts.push_back(
                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ph, 2.0));
            boosts.push_back(Xapian::Query(
                Xapian::Query::OP_NEAR, run.begin(), run.end(),
                (Xapian::termcount)(run.size() + PROXIMITY_SLACK)));
        }
        run.clear();
        run_words = 0;
    };
    for (item &it : items) {
        if (it.empty)
            continue;
        if (it.neg) {
            flush_run();
            neg.push_back(it.q);
            continue;
        }
        pos.push_back(it.q);
        if (it.plain && !it.raw.empty()) {
            run.insert(run.end(), it.raw.begin(), it.raw.end());
            run_words++;
        } else {
            flush_run();
        }
    }
    flush_run();
    if (pos.empty() && neg.empty())
        fail(0, "nothing to search for: the query has no word, only "
                "punctuation or symbols");
    if (depth_ == 0)
        relaxed_form(items, boosts);
    Xapian::Query q;
    if (pos.empty())
        q = Xapian::Query::MatchAll;
    else if (pos.size() == 1)
        q = pos[0];
    else
        q = Xapian::Query(Xapian::Query::OP_AND, pos.begin(), pos.end());
    for (const Xapian::Query &b : boosts)
        q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, b);
    if (!neg.empty())
        q = Xapian::Query(
            Xapian::Query::OP_AND_NOT, q,
            neg.size() == 1
                ? neg[0]
                : Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end()));
    return q;
}

/* The relaxed form of the top-level ITEMS: any of the words, phrases
 * and entities, each weighed by BM25, stop words only when there is
 * nothing else; date: and path: filters and excluded words as in the
 * strict form; and for a short query the strict form's BOOSTS, so that
 * articles with the words together as typed come first here too. (Boosting each
 * two neighbouring words found near each other was measured and left out: it
 * ranked worse on both collections of RELEVANCE.md, and cost tens of
 * milliseconds a query.) */
void parser::relaxed_form(const std::vector<item> &items,
                          const std::vector<Xapian::Query> &boosts)
{
    std::vector<Xapian::Query> any, stops, filters, neg;
    content_words = 0;
    for (const item &it : items) {
        if (it.empty)
            continue;
        if (it.neg)
            neg.push_back(it.q);
        else if (it.filter)
            filters.push_back(it.q);
        else if (it.stop)
            stops.push_back(it.q);
        else
            any.push_back(it.q);
    }
    content_words = any.size();
    if (any.empty())
        any.swap(stops);
    if (any.empty()) {
        relaxed = Xapian::Query();
        return;
    }
    Xapian::Query q(Xapian::Query::OP_OR, any.begin(), any.end());
    /* A long query's words stand together as typed in almost no article,
     * and checking that costs a position test of every word in each
     * article that has them all: without the boosts, the relaxed form of
     * 5 words or more ranks TIME and SciFact exactly as with them
     * (RELEVANCE.md), and SciFact's claims cost a tenth less. */
    if (any.size() < LONG_QUERY_WORDS)
        for (const Xapian::Query &b : boosts)
            q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, b);
    for (const Xapian::Query &f : filters)
        q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
    if (!neg.empty())
        q = Xapian::Query(
            Xapian::Query::OP_AND_NOT, q,
            Xapian::Query(Xapian::Query::OP_OR, neg.begin(), neg.end()));
    relaxed = q;
}

item parser::parse_unary()
{
    if (cur().kind == T_MINUS) {
        size_t at = cur().pos;
        k_++;
        if (!starts_operand() || cur().kind == T_MINUS)
            fail(at, "'-' must stand right before a word, phrase or "
                     "'('");
        /* Hits of an excluded word are not hits; parse it into a
         * throwaway list. */
        size_t nhits = out_.hits.size();
        item it = parse_near();
        out_.hits.resize(nhits);
        it.neg = true;
        return it;
    }
    return parse_near();
}

item parser::parse_near()
{
    size_t first_hit = out_.hits.size();
    item first = parse_primary();
    if (cur().kind != T_NEAR)
        return first;
    boolean_ = true;
    std::vector<std::vector<std::string>> slots;
    unsigned dist = cur().num;
    auto need_single = [&](const item &it, size_t at) {
        if (it.single.empty())
            fail(at, "NEAR joins single words or entities, not "
                     "phrases or groups");
        slots.push_back(it.single);
    };
    need_single(first, toks_[k_ - 1].pos);
    while (cur().kind == T_NEAR) {
        size_t at = cur().pos;
        dist = std::min(dist, cur().num);
        k_++;
        if (cur().kind != T_WORD && cur().kind != T_FIELD)
            fail(at, "NEAR has nothing after it");
        size_t opos = cur().pos;
        need_single(parse_primary(), opos);
    }
    /* The operands' own hit groups give way to one that keeps only
     * the occurrences standing near each other. */
    out_.hits.resize(first_hit);
    ps__hitgroup g;
    g.slots = slots;
    g.near_window = dist + (unsigned)slots.size();
    out_.hits.push_back(g);
    std::vector<Xapian::Query> subs;
    for (const auto &s : slots)
        subs.push_back(any_of(s));
    item it;
    it.q = Xapian::Query(Xapian::Query::OP_NEAR, subs.begin(), subs.end(),
                         g.near_window);
    if (!scope_.markers.empty())
        keep_in_scope(it, scoped(slots, g.near_window, toks_[k_ - 1].pos),
                      out_.hits.back());
    return it;
}

/* Whether W is a single ASCII letter. */
static bool single_letter(const std::string &w)
{
    return w.size() == 1 &&
           ((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z'));
}

/* "(" query ")", its opening parenthesis T the current token. */
item parser::parse_group(const token &t)
{
    if (++depth_ > 32)
        fail(t.pos, "parentheses nested too deeply");
    k_++;
    if (cur().kind == T_RP)
        fail(t.pos, "empty parentheses");
    item it;
    it.q = parse_or();
    if (cur().kind != T_RP)
        fail(t.pos, "unbalanced '(': it is never closed");
    k_++;
    depth_--;
    return it;
}

/* A bare word T, already read, with the letters or the clitic after it
 * that belong to it. */
item parser::bare_word(const token &t)
{
    /* Letters typed apart ("u n", "U.N." without its dots) are
     * the acronym, as the analyzer reads "U.N." in the text. */
    std::string acronym = t.text + ".";
    while (single_letter(t.text) && cur().kind == T_WORD &&
           single_letter(cur().text)) {
        acronym += cur().text + ".";
        k_++;
    }
    if (acronym.size() > 2 * t.text.size() + 1)
        return word(acronym, t.pos, "", PS__P_STEM, true);
    /* An apostrophe typed as a space ("spain s", "don t") leaves
     * a letter on its own that the text never has: the analyzer
     * reads "Spain's" as "spain" and "don't" as one word. */
    if (const char *clitic = apostrophe_clitic(t.text)) {
        k_++;
        return word(t.text + clitic, t.pos, "", PS__P_STEM, true);
    }
    return word(t.text, t.pos, "", PS__P_STEM, true);
}

/* A group, a phrase, a field or a word. */
item parser::parse_primary()
{
    const token t = cur();
    switch (t.kind) {
    case T_LP:
        return parse_group(t);
    case T_PHRASE:
        k_++;
        return phrase(t, "", "", t.pos);
    case T_SPHRASE:
        k_++;
        return phrase(t, PS__P_STEM, "", t.pos);
    case T_FIELD:
        k_++;
        return field(t);
    case T_WORD:
        k_++;
        return bare_word(t);
    default:
        fail(t.pos, "expected a word here");
    }
}

/* When the token after the word W is the "s" of a possessive or the
 * "t" of a negation ("don t"), the apostrophe and that letter to put
 * back; NULL otherwise. */
const char *parser::apostrophe_clitic(const std::string &w) const
{
    if (cur().kind != T_WORD || cur().text.size() != 1 || w.size() < 2 ||
        !std::isalpha((unsigned char)w.back()))
        return nullptr;
    char c = (char)std::tolower((unsigned char)cur().text[0]);
    if (c == 's')
        return "'s";
    if (c == 't' && std::tolower((unsigned char)w.back()) == 'n')
        return "'t";
    return nullptr;
}

bool ps__is_stop_word(const std::string &w)
{
    return is_stop_word(w);
}

ps__parsed ps__query_parse(const ps__qctx &ctx, const std::string &text)
{
    if (text.size() > MAX_QUERY_BYTES)
        fail(MAX_QUERY_BYTES, "query too long: at most " +
                                  std::to_string(MAX_QUERY_BYTES) + " bytes");
    ps__parsed out;
    parser p(ctx, text, out);
    out.query = p.run();
    if (p.is_boolean())
        return out;
    /* A question mark at the end asks for the relaxed form. */
    size_t end = text.find_last_not_of(" \t\r\n");
    bool question = end != std::string::npos && text[end] == '?';
    out.relaxed = p.relaxed;
    out.relaxed_first = question || p.content_words >= LONG_QUERY_WORDS;
    for (const ps__hitgroup &g : out.hits)
        if (!g.stop || p.content_words == 0)
            out.relaxed_hits.push_back(g);
    return out;
}
