/* From the words of a query to the index's terms: the analyzer's tokens
 * (as the indexer analyses text), each body word searched through every
 * word of its stem the shards record, phrases as sequences of those,
 * prefix* expanded to the most frequent terms, and a cap on the terms a
 * query may have. Also the stop words the relaxed form leaves out. */
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "store/layout.h"
#include "store/vocab.h"
#include "query/query_private.h"

using namespace ps__query;

static const unsigned WILDCARD_MAX = 1000;
static const unsigned MAX_QUERY_TERMS = 256;
/* The most surface forms a stemmed word stands for in phrases and hits. */
static const size_t MAX_FORMS = 64;

/* English function words: the relaxed form does not match or score an
 * article by these alone (they still count inside phrases and
 * proximity), since nearly every article has them. Sorted, for
 * binary search. */
static const char *const STOP_WORDS[] = {
    "a",     "about", "after", "again", "all",     "also",   "am",    "an",
    "and",   "any",   "are",   "as",    "at",      "be",     "been",  "being",
    "but",   "by",    "can",   "could", "did",     "do",     "does",  "doing",
    "for",   "from",  "had",   "has",   "have",    "having", "he",    "her",
    "here",  "hers",  "him",   "his",   "how",     "i",      "if",    "in",
    "into",  "is",    "it",    "its",   "just",    "may",    "me",    "might",
    "more",  "most",  "must",  "my",    "of",      "on",     "or",    "other",
    "our",   "ours",  "shall", "she",   "should",  "so",     "some",  "such",
    "than",  "that",  "the",   "their", "theirs",  "them",   "then",  "there",
    "these", "they",  "this",  "those", "through", "to",     "too",   "up",
    "very",  "was",   "we",    "were",  "what",    "when",   "where", "which",
    "while", "who",   "whom",  "why",   "will",    "with",   "would", "you",
    "your",  "yours",
};

bool ps__query::is_stop_word(const std::string &w)
{
    /* None is longer ("through"): most words need no search. */
    if (w.size() > 7)
        return false;
    auto it = std::lower_bound(std::begin(STOP_WORDS), std::end(STOP_WORDS), w,
                               [](const char *a, const std::string &b) {
                                   return std::strcmp(a, b.c_str()) < 0;
                               });
    return it != std::end(STOP_WORDS) && w == *it;
}

/* The analysed tokens of TEXT, without compound wholes: a compound is
 * searched as the phrase of its parts, which also finds the whole. */
std::vector<const ps_token_t *> parser::analyse(const std::string &text,
                                                size_t at)
{
    const ps_token_t *toks;
    size_t n;
    ps_status_t st =
        ps_analyze(ctx_.an, text.data(), text.size(), 0, &toks, &n);
    if (st == PS_EBADUTF8)
        fail(at + ps_analyzer_error_offset(ctx_.an),
             "invalid UTF-8 in the query");
    if (st == PS_ENOMEM)
        throw std::bad_alloc();
    if (st != PS_OK)
        fail(at, ps_status_str(st));
    std::vector<const ps_token_t *> v;
    for (size_t i = 0; i < n; i++)
        if (!(toks[i].flags & PS_TOK_COMPOUND) && toks[i].term_len &&
            toks[i].term_len <= PS__MAX_TERM)
            v.push_back(&toks[i]);
    return v;
}

/* The term of token T under PREFIX: its stem with STEM, else its word. */
static std::string term_of(const ps_token_t *t, const char *prefix, bool stem)
{
    return std::string(prefix) + (stem ? std::string(t->stem, t->stem_len)
                                       : std::string(t->term, t->term_len));
}

/* A query matching any of TERMS, where phrases and NEAR can use it:
 * OP_OR, since Xapian 1.4 has no positions for OP_SYNONYM. */
Xapian::Query ps__query::any_of(const std::vector<std::string> &terms)
{
    if (terms.size() == 1)
        return Xapian::Query(terms[0]);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

/* TERMS weighed as one term, as a stem term would be. */
static Xapian::Query as_one(const std::vector<std::string> &terms)
{
    if (terms.size() == 1)
        return Xapian::Query(terms[0]);
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
}

/* The words of SLOTS in sequence. */
static Xapian::Query
sequence(const std::vector<std::vector<std::string>> &slots)
{
    if (slots.size() == 1)
        return any_of(slots[0]);
    std::vector<Xapian::Query> subs;
    for (const auto &s : slots)
        subs.push_back(any_of(s));
    return Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                         (Xapian::termcount)subs.size());
}

/* The terms that stand for the token T: its term under RAW_PREFIX
 * when STEM_PREFIX is empty, its title stem, or, for a body stem (the
 * index has no body stem terms: they would double its postings), every
 * word the indexer met with that stem, merged from what every shard
 * records (ps__stem_forms()). The word typed is always among them, first,
 * so a query word the index lacks matches nothing rather than failing. */
std::vector<std::string> parser::forms(const ps_token_t *t,
                                       const char *raw_prefix,
                                       const char *stem_prefix)
{
    if (stem_prefix[0] && std::strcmp(stem_prefix, PS__P_STEM) != 0)
        return {term_of(t, stem_prefix, true)}; /* title stems: kept */
    std::vector<std::string> v{term_of(t, raw_prefix, false)};
    if (!stem_prefix[0] || !ctx_.shards)
        return v;
    std::string stem(t->stem, t->stem_len);
    std::vector<std::string> fresh;
    const std::vector<std::string> &words =
        ctx_.cache ? ctx_.cache->stem_forms(*ctx_.shards, stem, MAX_FORMS)
                   : (fresh = ps__stem_forms(*ctx_.shards, stem, MAX_FORMS));
    for (const std::string &w : words)
        if (w != v[0] && v.size() < MAX_FORMS)
            v.push_back(w);
    return v;
}

/* Counts N more terms against MAX_QUERY_TERMS. */
void parser::count_terms(size_t n, size_t at)
{
    nterms_ += n;
    if (nterms_ > MAX_QUERY_TERMS)
        fail(at, "too many words: a query may have at most " +
                     std::to_string(MAX_QUERY_TERMS));
}

/* Records the words of IT, a word or a phrase of SLOTS (the forms of
 * each position), for highlighting, and with said: or quote: keeps IT
 * inside what was said. */
void parser::add_hits(item &it,
                      const std::vector<std::vector<std::string>> &slots,
                      const char *raw_prefix, size_t at)
{
    if (slots.size() == 1)
        it.single = slots[0];
    ps__hitgroup g;
    g.slots = slots;
    if (!scope_.markers.empty() && !raw_prefix[0])
        keep_in_scope(it, scoped(slots, 0, at), g);
    out_.hits.push_back(g);
}

/* A bare word, or a title: word. PREFIX is put before stems. */
item parser::word(const std::string &text, size_t at, const char *raw_prefix,
                  const char *stem_prefix, bool plain)
{
    if (text.size() > 1 && text.back() == '*')
        return wildcard(text, at, raw_prefix);
    item it;
    std::vector<std::string> stems;
    std::vector<std::vector<std::string>> slots;
    // Analyse once; the token pointers die at the next ps_analyze().
    for (const ps_token_t *t : analyse(text, at)) {
        stems.push_back(term_of(t, stem_prefix, true));
        slots.push_back(forms(t, raw_prefix, stem_prefix));
        it.raw.push_back(term_of(t, raw_prefix, false));
        if (plain)
            out_.words.push_back(std::string(t->term, t->term_len));
    }
    count_terms(stems.size(), at);
    if (stems.empty()) {
        /* Punctuation alone ("-", "—") adds no condition; a query made
         * only of such words is refused in combine(). */
        it.q = Xapian::Query::MatchAll;
        it.empty = true;
        return it;
    }
    /* One word matches by its stem (a body stem: any of its words);
     * several (a compound's parts) must stand in sequence. */
    it.q = slots.size() > 1 ? sequence(slots)
           : std::strcmp(stem_prefix, PS__P_STEM) == 0
               ? as_one(slots[0])
               : Xapian::Query(stems[0]);
    it.plain = plain;
    it.stop = plain && stems.size() == 1 && is_stop_word(it.raw[0]);
    add_hits(it, slots, raw_prefix, at);
    out_.hits.back().stop = it.stop;
    return it;
}

/* The terms starting with P, the WILDCARD_MAX most frequent, taken
 * together as one word (OP_SYNONYM, as OP_WILDCARD does). Expanding
 * here rather than with OP_WILDCARD puts the terms in the query, so
 * Xapian weighs them with the statistics of the whole index: on shards
 * it would otherwise weigh each shard's expansion by that shard's
 * statistics alone. (OP_MAX would do too, but crashes Xapian 1.4.22's
 * matcher on four shards.) */
Xapian::Query parser::expand(const std::string &p)
{
    const Xapian::Database &db = *ctx_.db;
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto t = db.allterms_begin(p); t != db.allterms_end(p); ++t)
        terms.emplace_back(t.get_termfreq(), *t);
    if (terms.size() > WILDCARD_MAX) {
        std::partial_sort(
            terms.begin(), terms.begin() + WILDCARD_MAX, terms.end(),
            [](const auto &a, const auto &b) { return a.first > b.first; });
        terms.resize(WILDCARD_MAX);
    }
    std::vector<Xapian::Query> qs;
    for (const auto &t : terms)
        qs.emplace_back(t.second);
    if (qs.empty())
        return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_SYNONYM, qs.begin(), qs.end());
}

/* A word ending in '*': every indexed term starting with it. */
item parser::wildcard(const std::string &text, size_t at, const char *prefix)
{
    char *norm = nullptr;
    size_t n = 0;
    std::string stem = text.substr(0, text.size() - 1);
    ps_status_t st = ps_normalize(stem.data(), stem.size(), &norm, &n);
    if (st == PS_ENOMEM)
        throw std::bad_alloc();
    if (st != PS_OK)
        fail(at, "invalid UTF-8 in the query");
    std::string p = std::string(prefix) + std::string(norm, n);
    std::free(norm);
    if (p.size() == std::strlen(prefix) || p.find('*') != p.npos)
        fail(at, "a wildcard needs at least one letter before '*'");
    item it;
    it.q = ctx_.db ? expand(p)
                   : Xapian::Query(Xapian::Query::OP_WILDCARD, p, WILDCARD_MAX,
                                   Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    ps__hitgroup g;
    g.slots.push_back({p});
    g.wildcard = true;
    if (!scope_.markers.empty() && !prefix[0])
        scope_wildcard(it, p, g);
    out_.hits.push_back(g);
    return it;
}

/* A "phrase", or with STEM_PREFIX a ~"stemmed phrase". */
item parser::phrase(const token &t, const char *stem_prefix,
                    const char *raw_prefix, size_t at)
{
    std::vector<std::vector<std::string>> slots;
    for (const ps_token_t *tok : analyse(t.text, at + 1))
        slots.push_back(forms(tok, raw_prefix, stem_prefix));
    if (slots.empty())
        fail(at, "empty phrase");
    count_terms(slots.size(), at);
    item it;
    /* A stemmed phrase of one word is that word's stem. */
    it.q = slots.size() == 1 ? as_one(slots[0]) : sequence(slots);
    add_hits(it, slots, raw_prefix, at);
    return it;
}
