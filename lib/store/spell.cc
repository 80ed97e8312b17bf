/* The per-shard word lists spelling suggestions read (see spell.h). */
#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "store/layout.h"
#include "store/spell.h"

namespace
{

const size_t MIN_WORD = 3, MAX_WORD = 32, MAX_EDITS = 2;

/* The length of the UTF-8 sequence that starts with byte C. */
size_t utf8_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The key of the list of words that start with FIRST (one character) and
 * are LEN bytes long. */
std::string list_key(const std::string &first, size_t len)
{
    return PS__META_SPELL + first + "." + std::to_string(len);
}

/* The list key of WORD, a plain word. */
std::string key_of(const std::string &word)
{
    return list_key(word.substr(0, utf8_len((unsigned char)word[0])),
                    word.size());
}

using counts = std::vector<std::pair<std::string, Xapian::doccount>>;
using candidates = ps__spell_candidates_t;

/* A list as stored: "word TAB count NL" a word, in byte order. */
std::string encode(counts &words)
{
    if (words.size() > PS__SPELL_MAX_WORDS) {
        std::stable_sort(
            words.begin(), words.end(),
            [](const auto &a, const auto &b) { return a.second > b.second; });
        words.resize(PS__SPELL_MAX_WORDS);
        std::sort(words.begin(), words.end());
    }
    std::string v;
    for (const auto &w : words)
        v.append(w.first)
            .append(1, '\t')
            .append(std::to_string(w.second))
            .append(1, '\n');
    return v;
}

/* Appends the words of list V to OUT as views into V, in V's (byte)
 * order. */
void decode_into(const std::string &v, candidates &out)
{
    for (size_t i = 0; i < v.size();) {
        size_t tab = v.find('\t', i), nl = v.find('\n', i);
        if (nl == std::string::npos)
            nl = v.size();
        if (tab == std::string::npos || tab > nl)
            break; /* damaged: what was read so far */
        out.emplace_back(
            std::string_view(v.data() + i, tab - i),
            (Xapian::doccount)std::strtoul(v.c_str() + tab + 1, nullptr, 10));
        i = nl + 1;
    }
}

} // namespace

bool ps__spell_plain_word(std::string_view term)
{
    if (term.size() < MIN_WORD || term.size() > MAX_WORD ||
        (term[0] >= 'A' && term[0] <= 'Z'))
        return false;
    for (char c : term)
        if ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == ',')
            return false;
    return true;
}

std::map<std::string, std::string> ps__spell_lists(const Xapian::Database &db)
{
    /* Plain words carry no prefix: every prefix starts with a capital
     * letter, so they are the terms before "A" and from "[" on. */
    std::map<std::string, counts> lists;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        std::string term = *t;
        if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z') {
            t.skip_to("[");
            if (t == db.allterms_end())
                break;
            term = *t;
        }
        if (ps__spell_plain_word(term))
            lists[key_of(term)].emplace_back(term, t.get_termfreq());
    }
    std::map<std::string, std::string> want;
    for (auto &l : lists)
        want[l.first] = encode(l.second);
    return want;
}

void ps__spell_update(Xapian::WritableDatabase &db)
{
    std::map<std::string, std::string> want = ps__spell_lists(db);
    std::vector<std::string> gone;
    for (auto k = db.metadata_keys_begin(PS__META_SPELL);
         k != db.metadata_keys_end(PS__META_SPELL); ++k)
        if (!want.count(*k))
            gone.push_back(*k);
    for (const std::string &k : gone)
        db.set_metadata(k, std::string());
    for (const auto &w : want)
        if (db.get_metadata(w.first) != w.second)
            db.set_metadata(w.first, w.second);
}

void ps__spell_candidates(const std::vector<Xapian::Database> &shards,
                          const std::string &word, ps__shard_cache *cache,
                          std::vector<std::string> &lists, candidates &out)
{
    out.clear();
    lists.clear();
    if (word.empty())
        return;
    std::string first = word.substr(0, utf8_len((unsigned char)word[0]));
    size_t lo =
        std::max(MIN_WORD, word.size() - std::min(word.size(), MAX_EDITS));
    size_t hi = std::min(MAX_WORD, word.size() + MAX_EDITS);
    /* The lists' text is copied, so that the views stay valid whatever
     * the cache forgets meanwhile. */
    for (size_t len = lo; len <= hi; len++) {
        std::string key = list_key(first, len);
        for (size_t k = 0; k < shards.size(); k++)
            lists.push_back(cache ? cache->shard_metadata(shards, k, key)
                                  : shards[k].get_metadata(key));
    }
    /* Each list is in byte order (a word stands in one list a shard):
     * merged as it comes, so the whole is. */
    auto by_word = [](const auto &a, const auto &b) {
        return a.first < b.first;
    };
    for (const std::string &v : lists) {
        size_t mid = out.size();
        decode_into(v, out);
        std::inplace_merge(out.begin(), out.begin() + (long)mid, out.end(),
                           by_word);
    }
    size_t n = 0;
    for (size_t i = 0; i < out.size(); i++) {
        if (n > 0 && out[n - 1].first == out[i].first)
            out[n - 1].second += out[i].second;
        else
            out[n++] = out[i];
    }
    out.resize(n);
}
