/* The query language's lexer: words, "phrases" (straight or typographic
 * quotes), ~"stemmed phrases", field:value, parentheses, a leading '-',
 * and the operators AND, OR, NOT and NEAR/n, each with its byte offset so
 * that errors can point at it. */
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "query/query_private.h"

using namespace ps__query;

/* Default distance of NEAR without /n, as in Xapian's QueryParser. */
static const unsigned NEAR_DEFAULT = 10;
static const unsigned NEAR_MAX = 1000;

/* Every query error, from the lexer and the parser alike. */
[[noreturn]] void ps__query::fail(size_t pos, const std::string &msg)
{
    throw ps__query_error{msg, pos};
}

/* Typographic double quotes open and close phrases too. */
static size_t quote_len(const std::string &s, size_t i)
{
    if (s[i] == '"')
        return 1;
    if (s.compare(i, 3, "\xE2\x80\x9C") == 0 ||
        s.compare(i, 3, "\xE2\x80\x9D") == 0)
        return 3;
    return 0;
}

/* Whether C is ASCII white space, which separates tokens. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

namespace
{

/* Reads a query's tokens in one pass. */
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

} // namespace

std::vector<token> ps__query::lex(const std::string &s)
{
    return lexer(s).run();
}
