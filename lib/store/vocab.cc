/* The words of a stem and spelling suggestions (see vocab.h): nothing here
 * reads a table that only one shard holds or that xapian-tcpsrv does not
 * serve (synonyms, spelling). */
#include <algorithm>
#include <cstring>
#include <new>
#include <set>

#include "store/layout.h"

#include "store/vocab.h"

std::string ps__stem_of(ps_analyzer_t *an, const std::string &word)
{
    /* Most words are plain lower-case letters, which the analyzer stems
     * without more ado: skip analysing them again. */
    bool letters = true;
    for (char c : word)
        letters &= c >= 'a' && c <= 'z';
    if (letters) {
        const char *stem;
        size_t len;
        if (ps_analyzer_stem(an, word.data(), word.size(), &stem, &len) !=
            PS_OK)
            throw std::bad_alloc();
        return std::string(stem, len);
    }
    const ps_token_t *t;
    size_t n;
    ps_status_t st = ps_analyze(an, word.data(), word.size(), 0, &t, &n);
    if (st == PS_ENOMEM)
        throw std::bad_alloc();
    for (size_t i = 0; st == PS_OK && i < n; i++)
        if (!(t[i].flags & PS_TOK_COMPOUND) && t[i].term_len == word.size() &&
            std::memcmp(t[i].term, word.data(), word.size()) == 0)
            return std::string(t[i].stem, t[i].stem_len);
    return std::string();
}

std::string ps__forms_key(const std::string &stem)
{
    return PS__META_FORMS + stem;
}

std::vector<std::string>
ps__stem_forms(const std::vector<Xapian::Database> &shards,
               const std::string &stem, size_t max)
{
    std::set<std::string> words;
    std::string key = ps__forms_key(stem);
    if (key.size() > PS__MAX_META_KEY)
        return {}; /* never recorded: see record_forms() */
    for (const Xapian::Database &db : shards) {
        std::string v = db.get_metadata(key);
        for (size_t i = 0; i < v.size();) {
            size_t nl = v.find('\n', i);
            if (nl == std::string::npos)
                nl = v.size();
            if (nl > i)
                words.emplace(v, i, nl - i);
            i = nl + 1;
        }
    }
    std::vector<std::string> out;
    for (auto it = words.begin(); it != words.end() && out.size() < max; ++it)
        out.push_back(*it);
    return out;
}

/* Whether TERM may be suggested as a spelling: an unprefixed word of 3
 * to 32 bytes with no digit, hyphen or dot. Numbers and compounds are
 * never misspelt into. */
static bool plain_word(const std::string &term)
{
    if (term.size() < 3 || term.size() > 32 ||
        (term[0] >= 'A' && term[0] <= 'Z'))
        return false;
    for (char c : term)
        if ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == ',')
            return false;
    return true;
}

/* The Levenshtein distance between A and B in bytes, or LIMIT + 1 once it
 * must exceed LIMIT. */
static size_t edit_distance(const std::string &a, const std::string &b,
                            size_t limit)
{
    size_t la = a.size(), lb = b.size();
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    std::vector<size_t> row(lb + 1);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = ++row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            row[j] = std::min(
                {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
            best = std::min(best, row[j]);
        }
        if (best > limit)
            return limit + 1;
    }
    return row[lb];
}

/* The length of the UTF-8 sequence that starts with byte C. */
static size_t utf8_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

std::string ps__spelling_suggestion(const Xapian::Database &db,
                                    const std::string &word)
{
    const size_t max_edits = 2;
    if (word.size() < 2 || db.term_exists(word))
        return std::string();
    /* A misspelling seldom starts wrong: the candidates share the first
     * letter, which keeps the term list read small (one letter's words,
     * once per word of a query that found nothing). */
    std::string prefix = word.substr(0, utf8_len((unsigned char)word[0]));
    std::string best;
    size_t best_dist = max_edits + 1;
    Xapian::doccount best_freq = 0;
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix);
         ++t) {
        const std::string &w = *t;
        if (!plain_word(w))
            continue;
        size_t d = edit_distance(word, w, std::min(best_dist, max_edits));
        if (d > max_edits || d > best_dist)
            continue;
        Xapian::doccount f = t.get_termfreq();
        if (d < best_dist || f > best_freq) {
            best = w;
            best_dist = d;
            best_freq = f;
        }
    }
    return best;
}
