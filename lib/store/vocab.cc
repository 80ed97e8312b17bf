/* The words of a stem (see vocab.h): nothing here reads a table that only
 * one shard holds or that xapian-tcpsrv does not serve (synonyms). The
 * spelling suggestion, which reads the vocabulary too, is search's
 * (search/spelling.cc). */
#include <algorithm>
#include <cstdint>
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
    std::string key = ps__forms_key(stem);
    if (key.size() > PS__MAX_META_KEY)
        return {}; /* never recorded: see record_forms() */
    return ps__shards_lines(shards, key, max);
}

std::vector<std::string>
ps__shards_lines(const std::vector<Xapian::Database> &shards,
                 const std::string &key, size_t max)
{
    std::set<std::string> words;
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

const std::vector<std::string> &
ps__shard_cache::stem_forms(const std::vector<Xapian::Database> &shards,
                            const std::string &stem, size_t max)
{
    std::string key = stem + '\0' + std::to_string(max);
    auto it = forms.find(key);
    if (it != forms.end())
        return it->second;
    /* The words are asked for before anything is stored, so an exception
     * leaves the cache as it was. */
    std::vector<std::string> words = ps__stem_forms(shards, stem, max);
    if (forms.size() >= MAX_ENTRIES)
        forms.clear();
    std::vector<std::string> &slot = forms[key];
    slot = std::move(words);
    return slot;
}

const std::vector<std::string> &
ps__shard_cache::shards_lines(const std::vector<Xapian::Database> &shards,
                              const std::string &key)
{
    auto it = lines.find(key);
    if (it != lines.end())
        return it->second;
    std::vector<std::string> v = ps__shards_lines(shards, key, SIZE_MAX);
    if (lines.size() >= MAX_ENTRIES)
        lines.clear();
    std::vector<std::string> &slot = lines[key];
    slot = std::move(v);
    return slot;
}

const std::string &
ps__shard_cache::shard_metadata(const std::vector<Xapian::Database> &shards,
                                size_t k, const std::string &key)
{
    std::string mk = std::to_string(k) + '\0' + key;
    auto it = meta.find(mk);
    if (it != meta.end())
        return it->second;
    std::string v = shards[k].get_metadata(key);
    if (meta.size() >= MAX_ENTRIES)
        meta.clear();
    std::string &slot = meta[mk];
    slot.swap(v);
    return slot;
}

Xapian::doccount ps__shard_cache::term_freq(const Xapian::Database &db,
                                            const std::string &term)
{
    auto it = termfreq.find(term);
    if (it != termfreq.end())
        return it->second;
    Xapian::doccount n = db.get_termfreq(term);
    if (termfreq.size() >= MAX_ENTRIES)
        termfreq.clear();
    termfreq.emplace(term, n);
    return n;
}
