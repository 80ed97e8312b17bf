/* Where a remote result's query words stand in its body, read from the
 * stored spans (codec.h: the byte span of every term position) and the
 * text, without analysing the whole text again: over remote shards a
 * position list is a round trip a term, and analysing a long text cost
 * more than half of psearchd's own time. A word whose surface is plain
 * ASCII letters and digits has its lowercase as its term; any other
 * surface (a possessive, an acronym, a word outside ASCII) is analysed on
 * its own, which gives the term the indexer gave it. What this cannot
 * see is a hyphenated compound's whole ("mar-a-lago"), which shares its
 * first part's position and has no span of its own: a query looking for
 * such a term is answered by analysing the text (body_positions_apply()). */
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "search/search_private.h"

using namespace ps__search;

/* Whether TERM could be a compound whole's: analyser terms are case
 * folded, so one starting with an uppercase ASCII letter is prefixed
 * (title, entity) and never a body word's; a hyphen, or any byte outside
 * ASCII (the Unicode hyphens), may join a compound. */
static bool may_be_compound(const std::string &term)
{
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z'))
        return false;
    for (char c : term)
        if (c == '-' || (unsigned char)c >= 0x80)
            return true;
    return false;
}

bool ps__search::body_positions_apply(const std::set<std::string> &wanted,
                                      const std::vector<std::string> &prefixes)
{
    for (const std::string &t : wanted)
        if (may_be_compound(t))
            return false;
    for (const std::string &t : prefixes)
        if (may_be_compound(t))
            return false;
    return true;
}

void ps__search::hit_terms(const ps__parsed &p, std::set<std::string> &wanted,
                           std::vector<std::string> &prefixes)
{
    for (const ps__hitgroup &g : p.hits)
        for (const auto &slot : g.slots)
            for (const std::string &t : slot)
                if (g.wildcard)
                    prefixes.push_back(t);
                else
                    wanted.insert(t);
}

bool ps__search::spans_serve(const ps__parsed &p)
{
    std::set<std::string> wanted;
    std::vector<std::string> prefixes;
    hit_terms(p, wanted, prefixes);
    return body_positions_apply(wanted, prefixes);
}

namespace
{

/* The wanted body terms, sorted for a binary search by bytes, with the
 * lengths and first bytes they have, which turn most words away at once. */
struct wanted_words {
    std::vector<std::string> terms;
    const std::vector<std::string> &prefixes;
    uint64_t lengths = 0; /* bit L: a term of L bytes (63: longer) */
    bool first[256] = {};
    /* Whether a wanted term starts outside ASCII: then a word whose
     * first letter is ASCII may still be one ("e" and a combining acute
     * accent make "é"). */
    bool first_wide = false;

    wanted_words(const std::set<std::string> &w,
                 const std::vector<std::string> &p)
        : prefixes(p)
    {
        for (const std::string &t : w) {
            if (t.empty() || (t[0] >= 'A' && t[0] <= 'Z'))
                continue; /* prefixed: never a body word */
            terms.push_back(t);
            lengths |= 1ull << std::min<size_t>(t.size(), 63);
            add_first(t);
        }
        for (const std::string &t : p)
            if (!t.empty() && !(t[0] >= 'A' && t[0] <= 'Z'))
                add_first(t);
        fill_starts();
    }

    void add_first(const std::string &t)
    {
        first[(unsigned char)t[0]] = true;
        first_wide |= (unsigned char)t[0] >= 0x80;
    }

    /* Fills starts[]: whether a word whose surface starts with byte B
     * may have a wanted term. In ASCII, a word's term starts with its
     * first letter or digit lowercased. */
    void fill_starts()
    {
        for (int b = 0; b < 256; b++) {
            int l = b >= 'A' && b <= 'Z' ? b | 0x20 : b;
            bool alnum = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
            starts[b] = first[l] || !alnum || first_wide;
        }
    }
    bool starts[256] = {};

    /* The wanted term equal to the N bytes at S, or with a prefix S
     * starts with; NULL when there is none. */
    const std::string *match(const char *s, size_t n) const
    {
        if (!n || !first[(unsigned char)s[0]])
            return nullptr;
        if (lengths & (1ull << std::min<size_t>(n, 63))) {
            auto it = std::lower_bound(
                terms.begin(), terms.end(), n,
                [s](const std::string &t, size_t len) {
                    int c = std::memcmp(t.data(), s, std::min(t.size(), len));
                    return c < 0 || (c == 0 && t.size() < len);
                });
            if (it != terms.end() && it->size() == n &&
                std::memcmp(it->data(), s, n) == 0)
                return &*it;
        }
        for (const std::string &p : prefixes)
            if (p.size() <= n && std::memcmp(p.data(), s, p.size()) == 0)
                return &p;
        return nullptr;
    }
};

} // namespace

/* The term of the N-byte surface B into LOW when it is plain ASCII
 * letters and digits, possibly with a possessive ("Linux's", "kernels'"):
 * their lowercase, without the possessive. 0 for any other surface. */
static size_t plain_word(const unsigned char *b, size_t n, char *low)
{
    size_t end = n;
    if (n >= 2 && b[n - 1] == '\'')
        end = n - 1; /* "kernels'", after an s: the span says so */
    else if (n >= 3 && b[n - 2] == '\'' && (b[n - 1] | 0x20) == 's')
        end = n - 2;
    if (end > PS__MAX_TERM)
        return 0;
    for (size_t k = 0; k < end; k++) {
        unsigned char c = b[k];
        if (c >= 'A' && c <= 'Z')
            low[k] = (char)(c | 0x20);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            low[k] = (char)c;
        else
            return 0;
    }
    return end;
}

bool ps__search::body_positions(
    ps_analyzer_t *an, const char *text, size_t len, std::string_view spans,
    const std::set<std::string> &wanted,
    const std::vector<std::string> &prefixes,
    std::map<std::string, std::vector<Xapian::termpos>> &out)
{
    wanted_words w(wanted, prefixes);
    ps__span_reader r(spans);
    if (!r.ok())
        return false;
    char low[PS__MAX_TERM];
    ps__span s;
    for (Xapian::termpos pos = 1; r.next(s); pos++) {
        if (!s.len)
            continue;
        if (s.off > len || s.len > len - s.off)
            return false; /* spans that do not fit the text: damaged */
        const unsigned char *b = (const unsigned char *)text + s.off;
        if (!w.starts[b[0]])
            continue;
        size_t term_len = plain_word(b, s.len, low);
        if (term_len) {
            if (w.match(low, term_len))
                out[std::string(low, term_len)].push_back(pos);
            continue;
        }
        /* Else the word analysed on its own, as the indexer's analysis of
         * the whole text made its term. */
        const ps_token_t *t;
        size_t n;
        if (ps_analyze(an, text + s.off, s.len, s.off, &t, &n) != PS_OK)
            return false;
        for (size_t k = 0; k < n && t[k].pos == 1; k++) {
            if ((t[k].flags & PS_TOK_COMPOUND) || t[k].term_len == 0 ||
                t[k].term_len > PS__MAX_TERM)
                continue;
            if (w.match(t[k].term, t[k].term_len))
                out[std::string(t[k].term, t[k].term_len)].push_back(pos);
        }
    }
    return r.ok();
}
