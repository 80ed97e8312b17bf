/* The query language: a lexer and a recursive-descent parser that build a
 * Xapian::Query. Words go through the same analyzer as the index. Grammar,
 * loosest binding first:
 *   query   := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary | "NOT" unary )*
 *   unary   := "-" near | near
 *   near    := primary ( "NEAR" | "NEAR/n" ) primary ...
 *   primary := "(" query ")" | "phrase" | ~"phrase" | field:value | word
 *              | prefix*
 * See the README's "Query syntax" for what each form matches. */
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "store/codec.h"
#include "store/layout.h"
#include "query/query.h"
#include "store/vocab.h"

namespace
{

enum tok_kind {
    T_END,
    T_WORD,    /* text: the word */
    T_PHRASE,  /* text: inside the quotes */
    T_SPHRASE, /* ~"..." */
    T_FIELD,   /* field: name, text: value, quoted: value was a phrase */
    T_LP,
    T_RP,
    T_MINUS,
    T_AND,
    T_OR,
    T_NOT,
    T_NEAR, /* num: the distance */
};

struct token {
    tok_kind kind;
    std::string text;
    std::string field;
    bool quoted = false;
    unsigned num = 0;
    size_t pos = 0;
};

/* Default distance of NEAR without /n, as in Xapian's QueryParser. */
const unsigned NEAR_DEFAULT = 10;
const unsigned NEAR_MAX = 1000;
/* Extra positions around a run of words that still counts as "close". */
const unsigned PROXIMITY_SLACK = 8;
const unsigned WILDCARD_MAX = 1000;
/* Bounds on a query, checked before its parts are built, so a huge query
 * costs neither time nor memory. Lucene's default clause limit is 1024;
 * people type a handful of words. */
const size_t MAX_QUERY_BYTES = 8192;
const unsigned MAX_QUERY_TERMS = 256;
/* The most surface forms a stemmed word stands for in phrases and hits. */
const size_t MAX_FORMS = 64;
/* A query of this many words (stop words aside) or more is answered in
 * its relaxed form at once: people type questions and claims that long,
 * and articles with every one of their words are rare. */
const size_t LONG_QUERY_WORDS = 5;

/* English function words: the relaxed form does not match or score an
 * article by these alone (they still count inside phrases and
 * proximity), since nearly every article has them. Sorted, for
 * binary search. */
const char *const STOP_WORDS[] = {
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

bool is_stop_word(const std::string &w)
{
    auto it = std::lower_bound(std::begin(STOP_WORDS), std::end(STOP_WORDS), w,
                               [](const char *a, const std::string &b) {
                                   return std::strcmp(a, b.c_str()) < 0;
                               });
    return it != std::end(STOP_WORDS) && w == *it;
}

const char *const FIELDS[] = {"title", "path",   "date",   "person",
                              "place", "org",    "treaty", "misc",
                              "entity", "said",  "quote"};

bool is_field(const std::string &f)
{
    for (const char *k : FIELDS)
        if (f == k)
            return true;
    return false;
}

[[noreturn]] void fail(size_t pos, const std::string &msg)
{
    throw ps__query_error{msg, pos};
}

/* Typographic double quotes open and close phrases too. */
size_t quote_len(const std::string &s, size_t i)
{
    if (s[i] == '"')
        return 1;
    if (s.compare(i, 3, "\xE2\x80\x9C") == 0 ||
        s.compare(i, 3, "\xE2\x80\x9D") == 0)
        return 3;
    return 0;
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

class lexer
{
  public:
    explicit lexer(const std::string &s) : s_(s) {}

    std::vector<token> run()
    {
        std::vector<token> out;
        for (;;) {
            while (i_ < s_.size() && is_space(s_[i_]))
                i_++;
            if (i_ >= s_.size())
                break;
            out.push_back(next());
        }
        token end{T_END, "", "", false, 0, s_.size()};
        out.push_back(end);
        return out;
    }

  private:
    const std::string &s_;
    size_t i_ = 0;

    /* Reads a quoted phrase whose opening quote is at i_. */
    std::string phrase()
    {
        size_t open = i_;
        i_ += quote_len(s_, i_);
        size_t start = i_;
        while (i_ < s_.size() && !quote_len(s_, i_))
            i_++;
        if (i_ >= s_.size())
            fail(open, "unbalanced quote: the phrase opened here is never "
                       "closed");
        std::string text = s_.substr(start, i_ - start);
        i_ += quote_len(s_, i_);
        return text;
    }

    token next()
    {
        token t{T_WORD, "", "", false, 0, i_};
        char c = s_[i_];
        if (c == '(') {
            i_++;
            t.kind = T_LP;
            return t;
        }
        if (c == ')') {
            i_++;
            t.kind = T_RP;
            return t;
        }
        if (quote_len(s_, i_)) {
            t.kind = T_PHRASE;
            t.text = phrase();
            return t;
        }
        if (c == '~' && i_ + 1 < s_.size() && quote_len(s_, i_ + 1)) {
            i_++;
            t.kind = T_SPHRASE;
            t.text = phrase();
            return t;
        }
        if (c == '-' && i_ + 1 < s_.size() && !is_space(s_[i_ + 1]) &&
            (i_ == 0 || is_space(s_[i_ - 1]) || s_[i_ - 1] == '(')) {
            i_++;
            t.kind = T_MINUS;
            return t;
        }
        size_t start = i_;
        while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '(' &&
               s_[i_] != ')' && !quote_len(s_, i_)) {
            /* A field name ends at its colon when a quote follows. */
            if (s_[i_] == ':' && i_ + 1 < s_.size() && quote_len(s_, i_ + 1)) {
                i_++;
                break;
            }
            i_++;
        }
        t.text = s_.substr(start, i_ - start);
        if (t.text == "AND")
            t.kind = T_AND;
        else if (t.text == "OR")
            t.kind = T_OR;
        else if (t.text == "NOT")
            t.kind = T_NOT;
        else if (t.text == "NEAR" || t.text.compare(0, 5, "NEAR/") == 0)
            near(t);
        else
            field(t);
        return t;
    }

    void near(token &t)
    {
        t.kind = T_NEAR;
        t.num = NEAR_DEFAULT;
        if (t.text.size() > 4) {
            const char *d = t.text.c_str() + 5;
            char *end;
            unsigned long n = std::strtoul(d, &end, 10);
            if (end == d || *end || n > NEAR_MAX)
                fail(t.pos, "NEAR/n needs a distance from 0 to " +
                                std::to_string(NEAR_MAX));
            t.num = (unsigned)n;
        }
    }

    /* "name:value" with a known name is a field; anything else with a
     * colon ("10:30") stays a word. */
    void field(token &t)
    {
        size_t colon = t.text.find(':');
        if (colon == std::string::npos || colon == 0)
            return;
        std::string name = t.text.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        if (!is_field(name))
            return;
        t.kind = T_FIELD;
        t.field = name;
        t.text.erase(0, colon + 1);
        if (t.text.empty() && i_ < s_.size() && quote_len(s_, i_)) {
            t.quoted = true;
            t.text = phrase();
        }
        if (t.text.empty())
            fail(t.pos, "empty value for " + name + ": (give " + name +
                            ":WORD or " + name + ":\"a phrase\")");
    }
};

/* Where words must stand to match (said: and quote:): the term prefixes
 * of quote words they must also match ("XQS:person:zelensky:", or "XQ:"
 * for any quote), and the speaker keys hits are kept to. */
struct qscope {
    std::vector<std::string> prefixes;
    std::vector<std::string> speakers;
};

/* One operand of an AND: its query and what boosts need of it. */
struct item {
    Xapian::Query q;
    bool neg = false;
    bool plain = false;           /* a bare word: joins phrase boosts */
    std::vector<std::string> raw; /* its unstemmed terms, in order */
    /* For NEAR, when the item is a single word or entity: the terms with
     * positions that stand for it. */
    std::vector<std::string> single;
    bool empty = false;  /* no searchable word: adds no condition */
    /* A said: field: the scope it opens for the words after it. */
    qscope said;
    bool filter = false; /* date: or path:, never scored */
    bool stop = false;   /* a bare stop word */
};

class parser
{
  public:
    parser(const ps__qctx &ctx, const std::string &text, ps__parsed &out)
        : ctx_(ctx), toks_(lexer(text).run()), out_(out)
    {
    }

    Xapian::Query run()
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

  private:
    const ps__qctx &ctx_;
    std::vector<token> toks_;
    size_t k_ = 0;
    ps__parsed &out_;
    unsigned depth_ = 0;
    size_t nterms_ = 0;
    /* Where the words being parsed must stand (said: and quote:): the
     * term prefixes of the quote words they must also match ("XQS:person:
     * zelensky:", or "XQ:" for any quote) and the speaker keys for hits.
     * Empty outside said:'s reach. */
    qscope scope_;

    /* Whether the query uses operators (AND, OR, NOT, NEAR): then it means
     * exactly what it says and has no relaxed form. Parentheses alone do
     * not count: a question typed as it comes may have some ("vitamin D
     * (cholecalciferol)"), and a group is one clause of the relaxed form. */
    bool boolean_ = false;

  public:
    /* The relaxed form of the top level, and how many words it has that
     * are not stop words; set by combine(). */
    Xapian::Query relaxed;
    size_t content_words = 0;

    bool is_boolean() const
    {
        return boolean_;
    }

  private:
    const token &cur() const
    {
        return toks_[k_];
    }

    /* Whether the current token can start an operand. */
    bool starts_operand() const
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

    Xapian::Query parse_or()
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

    /* said:X reaches the plain words, phrases and wildcards after it (and
     * NEAR between them, and "-word"), up to the next field, operator,
     * parenthesis or the end of this group: "said:Ryabkov plan" is plan
     * inside Ryabkov's quotes. */
    void update_scope()
    {
        const token &t = cur();
        bool keeps = t.kind == T_WORD || t.kind == T_PHRASE ||
                     t.kind == T_SPHRASE || t.kind == T_MINUS;
        if (!keeps)
            scope_ = qscope();
    }

    Xapian::Query parse_and()
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
            if (!items.back().said.prefixes.empty())
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
    Xapian::Query combine(std::vector<item> &items)
    {
        std::vector<Xapian::Query> pos, neg, boosts;
        std::vector<std::string> run;
        size_t run_words = 0;
        auto flush_run = [&]() {
            if (run_words >= 2 && run.size() >= 2) {
                Xapian::Query ph(Xapian::Query::OP_PHRASE, run.begin(),
                                 run.end(), (Xapian::termcount)run.size());
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
            q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                              neg.size() == 1
                                  ? neg[0]
                                  : Xapian::Query(Xapian::Query::OP_OR,
                                                  neg.begin(), neg.end()));
        return q;
    }

    /* The relaxed form of the top-level ITEMS: any of the words, phrases
     * and entities, each weighed by BM25, stop words only when there is
     * nothing else; date: and path: filters and excluded words as in the
     * strict form; and the strict form's BOOSTS, so that articles with the
     * words together as typed come first here too. (Boosting each two
     * neighbouring words found near each other was measured and left out:
     * it ranked worse on both collections of RELEVANCE.md, and cost tens
     * of milliseconds a query.) */
    void relaxed_form(const std::vector<item> &items,
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

    item parse_unary()
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

    item parse_near()
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
        if (!scope_.prefixes.empty())
            keep_in_scope(it, scoped(slots, g.near_window, toks_[k_ - 1].pos),
                          out_.hits.back());
        return it;
    }

    item parse_primary()
    {
        const token t = cur();
        switch (t.kind) {
        case T_LP: {
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
        case T_PHRASE:
            k_++;
            return phrase(t, "", "", t.pos);
        case T_SPHRASE:
            k_++;
            return phrase(t, PS__P_STEM, "", t.pos);
        case T_FIELD:
            k_++;
            return field(t);
        case T_WORD: {
            k_++;
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
        default:
            fail(t.pos, "expected a word here");
        }
    }

    /* When the token after the word W is the "s" of a possessive or the
     * "t" of a negation ("don t"), the apostrophe and that letter to put
     * back; NULL otherwise. */
    const char *apostrophe_clitic(const std::string &w) const
    {
        if (cur().kind != T_WORD || cur().text.size() != 1 ||
            w.size() < 2 || !std::isalpha((unsigned char)w.back()))
            return nullptr;
        char c = (char)std::tolower((unsigned char)cur().text[0]);
        if (c == 's')
            return "'s";
        if (c == 't' && std::tolower((unsigned char)w.back()) == 'n')
            return "'t";
        return nullptr;
    }

    static bool single_letter(const std::string &w)
    {
        return w.size() == 1 &&
               ((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= 'A' && w[0] <= 'Z'));
    }

    /* The analysed tokens of TEXT, without compound wholes: a compound is
     * searched as the phrase of its parts, which also finds the whole. */
    std::vector<const ps_token_t *> analyse(const std::string &text, size_t at)
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

    static std::string term_of(const ps_token_t *t, const char *prefix,
                               bool stem)
    {
        return std::string(prefix) + (stem ? std::string(t->stem, t->stem_len)
                                           : std::string(t->term, t->term_len));
    }

    /* A query matching any of TERMS, where phrases and NEAR can use it:
     * OP_OR, since Xapian 1.4 has no positions for OP_SYNONYM. */
    static Xapian::Query any_of(const std::vector<std::string> &terms)
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
        return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(),
                             terms.end());
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
    std::vector<std::string> forms(const ps_token_t *t, const char *raw_prefix,
                                   const char *stem_prefix)
    {
        if (stem_prefix[0] && std::strcmp(stem_prefix, PS__P_STEM) != 0)
            return {term_of(t, stem_prefix, true)}; /* title stems: kept */
        std::vector<std::string> v{term_of(t, raw_prefix, false)};
        if (!stem_prefix[0] || !ctx_.shards)
            return v;
        std::string stem(t->stem, t->stem_len);
        for (std::string &w : ps__stem_forms(*ctx_.shards, stem, MAX_FORMS))
            if (w != v[0] && v.size() < MAX_FORMS)
                v.push_back(std::move(w));
        return v;
    }

    /* A bare word, or a title: word. PREFIX is put before stems. */
    /* Counts N more terms against MAX_QUERY_TERMS. */
    void count_terms(size_t n, size_t at)
    {
        nterms_ += n;
        if (nterms_ > MAX_QUERY_TERMS)
            fail(at, "too many words: a query may have at most " +
                         std::to_string(MAX_QUERY_TERMS));
    }

    item word(const std::string &text, size_t at, const char *raw_prefix,
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
        if (slots.size() == 1)
            it.single = slots[0];
        ps__hitgroup g;
        g.slots = slots;
        if (!scope_.prefixes.empty() && !raw_prefix[0])
            keep_in_scope(it, scoped(slots, 0, at), g);
        out_.hits.push_back(g);
        return it;
    }

    /* The terms starting with P, the WILDCARD_MAX most frequent, taken
     * together as one word (OP_SYNONYM, as OP_WILDCARD does). Expanding
     * here rather than with OP_WILDCARD puts the terms in the query, so
     * Xapian weighs them with the statistics of the whole index: on shards
     * it would otherwise weigh each shard's expansion by that shard's
     * statistics alone. (OP_MAX would do too, but crashes Xapian 1.4.22's
     * matcher on four shards.) */
    Xapian::Query expand(const std::string &p)
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

    item wildcard(const std::string &text, size_t at, const char *prefix)
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
        it.q = ctx_.db
                   ? expand(p)
                   : Xapian::Query(Xapian::Query::OP_WILDCARD, p, WILDCARD_MAX,
                                   Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        ps__hitgroup g;
        g.slots.push_back({p});
        g.wildcard = true;
        if (!scope_.prefixes.empty() && !prefix[0]) {
            std::vector<Xapian::Query> alts;
            for (const std::string &pre : scope_.prefixes)
                alts.push_back(
                    ctx_.db ? expand(pre + p)
                            : Xapian::Query(
                                  Xapian::Query::OP_WILDCARD, pre + p,
                                  WILDCARD_MAX,
                                  Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
            keep_in_scope(it,
                          Xapian::Query(Xapian::Query::OP_OR, alts.begin(),
                                        alts.end()),
                          g);
        }
        out_.hits.push_back(g);
        return it;
    }

    item phrase(const token &t, const char *stem_prefix, const char *raw_prefix,
                size_t at)
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
        if (slots.size() == 1)
            it.single = slots[0];
        ps__hitgroup g;
        g.slots = slots;
        if (!scope_.prefixes.empty() && !raw_prefix[0])
            keep_in_scope(it, scoped(slots, 0, at), g);
        out_.hits.push_back(g);
        return it;
    }

    item field(const token &t)
    {
        const std::string &f = t.field;
        if (f == "title") {
            if (t.quoted) {
                size_t nhits = out_.hits.size();
                item it = phrase(t, "", PS__P_TITLE, t.pos);
                out_.hits.resize(nhits);
                return it;
            }
            /* Title terms have title positions: no hits in the body. */
            size_t nhits = out_.hits.size();
            item it = word(t.text, t.pos, PS__P_TITLE, PS__P_TITLE_STEM, false);
            out_.hits.resize(nhits);
            return it;
        }
        if (f == "path")
            return path(t);
        if (f == "date")
            return date(t);
        if (f == "said")
            return said(t);
        if (f == "quote")
            return quote(t);
        return entity(t);
    }

    /* The speaker key ("person:zelensky") of an entity term. */
    static std::string speaker_key(const std::string &term)
    {
        for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)ty);
            size_t n = std::strlen(pre);
            if (term.compare(0, n, pre) == 0)
                return ps__speaker_key(ty, term.substr(n));
        }
        return "";
    }

    /* said:X, X resolved as entity: resolves it (any type, any alias):
     * the articles where X is quoted, weighed by how often, and the scope
     * of X's quotes for the words that follow. A query with said: or
     * quote: is never relaxed: it says where its words must stand. */
    item said(const token &t)
    {
        boolean_ = true;
        out_.quotes = true;
        item it;
        std::vector<Xapian::Query> qs;
        for (const std::string &term : entity_terms(t, -1)) {
            std::string key = speaker_key(term);
            if (key.empty() || std::strlen(PS__P_QSAID) + key.size() + 2 >
                                   PS__MAX_TERM)
                continue;
            qs.emplace_back(PS__P_SAID + key);
            it.said.prefixes.push_back(PS__P_QSAID + key + ":");
            it.said.speakers.push_back(key);
        }
        it.q = qs.empty()       ? Xapian::Query::MatchNothing
               : qs.size() == 1 ? qs[0]
                                : Xapian::Query(Xapian::Query::OP_OR,
                                                qs.begin(), qs.end());
        ps__hitgroup g;
        g.quote = true;
        g.speakers = it.said.speakers;
        out_.hits.push_back(g);
        return it;
    }

    /* quote:word, quote:"a phrase": inside any quote's content. */
    item quote(const token &t)
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
    Xapian::Query scoped(const std::vector<std::vector<std::string>> &slots,
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
                alts.push_back(Xapian::Query(Xapian::Query::OP_NEAR,
                                             subs.begin(), subs.end(), near));
            } else {
                alts.push_back(sequence(s));
            }
        }
        return alts.size() == 1 ? alts[0]
                                : Xapian::Query(Xapian::Query::OP_OR,
                                                alts.begin(), alts.end());
    }

    /* Q where it also matches WHERE: weighed as Q (the words' BM25 in the
     * article), matched only inside the scope's quotes. */
    void keep_in_scope(item &it, const Xapian::Query &where,
                       ps__hitgroup &g)
    {
        it.q = Xapian::Query(Xapian::Query::OP_FILTER, it.q, where);
        g.quote = true;
        g.speakers = scope_.speakers;
    }

    /* A boolean filter: matches without adding to the score. */
    static Xapian::Query filter(const Xapian::Query &q)
    {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, 0.0);
    }

    item path(const token &t)
    {
        if (!ctx_.db) {
            /* Only checking the query (ps_query_check): nothing to match. */
            item it;
            it.q = filter(Xapian::Query::MatchAll);
            it.filter = true;
            return it;
        }
        std::vector<Xapian::Query> ids;
        const Xapian::Database &db = *ctx_.db;
        for (auto it = db.allterms_begin(PS__P_ID);
             it != db.allterms_end(PS__P_ID); ++it) {
            const std::string &term = *it;
            bool hashed = term.size() > 1 && term[1] == '#';
            if (hashed) {
                /* A path too long for a term: read it from the values. */
                Xapian::PostingIterator p = db.postlist_begin(term);
                if (p == db.postlist_end(term) ||
                    db.get_document(*p).get_value(PS__V_PATH).find(t.text) ==
                        std::string::npos)
                    continue;
            } else if (term.find(t.text, 1) == std::string::npos) {
                continue;
            }
            ids.push_back(Xapian::Query(term));
        }
        item it;
        it.filter = true;
        it.q = filter(ids.empty() ? Xapian::Query::MatchNothing
                                  : Xapian::Query(Xapian::Query::OP_OR,
                                                  ids.begin(), ids.end()));
        return it;
    }

    /* Reads YYYY, YYYY-MM or YYYY-MM-DD into a YYYYMMDD bound; an end
     * bound is padded to the last day of its period. */
    static bool date_bound(const std::string &s, bool end, std::string &out)
    {
        unsigned y = 0, m = 0, d = 0;
        int n = 0;
        if (std::sscanf(s.c_str(), "%4u-%2u-%2u%n", &y, &m, &d, &n) == 3 &&
            (size_t)n == s.size()) {
        } else if (std::sscanf(s.c_str(), "%4u-%2u%n", &y, &m, &n) == 2 &&
                   (size_t)n == s.size()) {
            d = end ? 31 : 1;
        } else if (std::sscanf(s.c_str(), "%4u%n", &y, &n) == 1 &&
                   (size_t)n == s.size() && s.size() == 4) {
            m = end ? 12 : 1;
            d = end ? 31 : 1;
        } else {
            return false;
        }
        if (m < 1 || m > 12 || d < 1 || d > 31)
            return false;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04u%02u%02u", y, m, d);
        out = buf;
        return true;
    }

    item date(const token &t)
    {
        std::string lo, hi;
        size_t dots = t.text.find("..");
        bool ok;
        if (dots == std::string::npos) {
            ok = date_bound(t.text, false, lo) && date_bound(t.text, true, hi);
        } else {
            std::string a = t.text.substr(0, dots), b = t.text.substr(dots + 2);
            ok = (a.empty() || date_bound(a, false, lo)) &&
                 (b.empty() || date_bound(b, true, hi)) &&
                 !(a.empty() && b.empty());
        }
        if (!ok)
            fail(t.pos, "date: takes YYYY, YYYY-MM, YYYY-MM-DD or a range "
                        "FROM..TO of those (either end may be left out)");
        item it;
        if (lo.empty())
            it.q = Xapian::Query(Xapian::Query::OP_VALUE_LE, PS__V_DATE, hi);
        else if (hi.empty())
            it.q = Xapian::Query(Xapian::Query::OP_VALUE_GE, PS__V_DATE, lo);
        else
            it.q = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, PS__V_DATE, lo,
                                 hi);
        it.q = filter(it.q);
        it.filter = true;
        return it;
    }

    /* Entity ids the index has under PREFIX that end with "-SLUG": the
     * surname of an unknown person ("Lough" for "john-lough"). */
    void surname_terms(const std::string &prefix, const std::string &slug,
                       std::vector<std::string> &terms)
    {
        if (!ctx_.db)
            return;
        std::string tail = "-" + slug;
        const Xapian::Database &db = *ctx_.db;
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix);
             ++it) {
            const std::string &term = *it;
            if (term.size() > tail.size() &&
                term.compare(term.size() - tail.size(), tail.size(), tail) == 0)
                terms.push_back(term);
        }
    }

    /* The entity terms the name T stands for, of type TYPE (-1: any):
     * the gazetteer's entry for an alias, else the slug of the words and
     * the unknown people of that surname. */
    std::vector<std::string> entity_terms(const token &t, int type)
    {
        std::vector<std::string> terms;
        const ps_entity_def_t *def =
            ctx_.gaz ? ps_gazetteer_resolve(ctx_.gaz, ctx_.an, t.text.data(),
                                            t.text.size(), type)
                     : nullptr;
        if (def) {
            terms.push_back(std::string(ps_entity_type_prefix(def->type)) +
                            def->id);
        } else {
            char *slug = nullptr;
            ps_status_t st =
                ps_entity_slug(ctx_.an, t.text.data(), t.text.size(), &slug);
            if (st == PS_ENOMEM)
                throw std::bad_alloc();
            if (st != PS_OK || !slug || !slug[0]) {
                std::free(slug);
                fail(t.pos, "no name in " + t.field + ":" + t.text);
            }
            std::string s(slug);
            std::free(slug);
            for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
                if (type >= 0 && ty != type)
                    continue;
                std::string prefix =
                    ps_entity_type_prefix((ps_entity_type_t)ty);
                terms.push_back(prefix + s);
                surname_terms(prefix, s, terms);
            }
        }
        return terms;
    }

    item entity(const token &t)
    {
        int type =
            t.field == "entity" ? -1 : ps_entity_type_parse(t.field.c_str());
        std::vector<std::string> terms = entity_terms(t, type);
        item it;
        it.q = terms.size() == 1 ? Xapian::Query(terms[0])
                                 : Xapian::Query(Xapian::Query::OP_OR,
                                                 terms.begin(), terms.end());
        if (terms.size() == 1)
            it.single = terms;
        for (const std::string &term : terms) {
            ps__hitgroup g;
            g.slots.push_back({term});
            g.entity = true;
            out_.hits.push_back(g);
        }
        return it;
    }
};

} // namespace

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
    return out;
}
