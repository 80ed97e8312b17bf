/* "Did you mean": each plain word of a query that found nothing replaced
 * by the nearest word of the index's own vocabulary, by the one edit
 * distance of psearch, preferring the spelling of a known entity's name.
 * Nothing here reads a table that only one shard holds or that
 * xapian-tcpsrv does not serve (Xapian's spelling table): every shard
 * lists its words in metadata (store/spell.h). */
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <xapian.h>

#include "search/search_private.h"
#include "store/spell.h"

using namespace ps__search;

/* An edit distance bound that never cuts the count short. */
static const size_t NO_LIMIT = std::numeric_limits<size_t>::max() - 1;

/* The Levenshtein distance between A and B in bytes, or LIMIT + 1 once it
 * must exceed LIMIT: the one edit distance of psearch. */
static size_t edit_distance(std::string_view a, std::string_view b,
                            size_t limit = NO_LIMIT)
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

/* The longest word edit_near() takes; longer ones go to edit_distance(). */
static const size_t NEAR_MAX = 63;

/* edit_distance(A, B, LIMIT) for a small LIMIT, LIMIT + 1 whenever the
 * distance exceeds it: only the cells within LIMIT of the diagonal, on
 * the stack, can hold a distance up to LIMIT (Ukkonen's band). A query
 * word that found nothing is weighed against thousands of candidates. */
static size_t edit_near(std::string_view a, std::string_view b, size_t limit)
{
    size_t la = a.size(), lb = b.size();
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    if (lb > NEAR_MAX || limit >= NEAR_MAX)
        return std::min(edit_distance(a, b, limit), limit + 1);
    const size_t far = limit + 1; /* every distance past LIMIT */
    size_t row[NEAR_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = std::min(j, far);
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > limit ? i - limit : 1;
        size_t hi = std::min(lb, i + limit);
        /* The cell left of the band: column 0 (i edits), or out of it. */
        size_t diag = row[lo - 1];
        row[lo - 1] = lo == 1 ? std::min(i, far) : far;
        size_t best = row[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t v = std::min(up, row[j - 1]) + 1;
            size_t sub = diag + (a[i - 1] != b[j - 1]);
            v = std::min(std::min(v, sub), far);
            row[j] = v;
            diag = up;
            best = std::min(best, v);
        }
        if (best > limit)
            return far;
    }
    return row[lb];
}

/* The indexed plain word nearest to WORD (a normalised query word), by
 * edit distance up to 2, then most documents, then byte order; "" when
 * WORD is itself indexed or nothing is near. The candidates come from the
 * word lists every shard keeps (store/spell.h), their counts summed over
 * the shards, so the answer does not depend on the shards' order and
 * costs a few metadata look-ups, not a read of a letter's vocabulary,
 * remembered (with whether WORD is indexed) until the index changes.
 * Throws Xapian errors and std::bad_alloc. */
static std::string spelling_suggestion(ps_db_t *d, const std::string &word)
{
    const size_t max_edits = 2;
    if (word.size() < 2 || d->cache.term_freq(d->db, word) > 0)
        return std::string();
    std::string best;
    size_t best_dist = max_edits + 1;
    Xapian::doccount best_freq = 0;
    /* In byte order, so that of words as near and as frequent the first
     * wins. */
    std::vector<std::string> lists;
    ps__spell_candidates_t candidates;
    ps__spell_candidates(d->shards, word, &d->cache, lists, candidates);
    for (const auto &w : candidates) {
        if (!ps__spell_plain_word(w.first))
            continue;
        size_t d = edit_near(word, w.first, std::min(best_dist, max_edits));
        if (d > max_edits || d > best_dist)
            continue;
        if (d < best_dist || w.second > best_freq) {
            best.assign(w.first);
            best_dist = d;
            best_freq = w.second;
        }
    }
    return best;
}

/* When a suggested word names a known entity, prefer the spelling of its
 * canonical name if that is as close to what was typed: "zelenskey" then
 * becomes "zelensky" rather than the equally near variant "zelenskyy". */
static std::string canonical_spelling(ps_db_t *d, const std::string &typed,
                                      const std::string &sugg)
{
    const ps_entity_def_t *e =
        d->gaz
            ? ps_gazetteer_resolve(d->gaz, d->an, sugg.data(), sugg.size(), -1)
            : nullptr;
    if (!e)
        return sugg;
    char *norm = nullptr;
    size_t n = 0;
    if (ps_normalize(e->name, std::strlen(e->name), &norm, &n) != PS_OK)
        return sugg;
    std::string name(norm, n);
    std::free(norm);
    std::string last = name.substr(name.rfind(' ') + 1);
    return edit_distance(typed, last) <= edit_distance(typed, sugg) ? last
                                                                    : sugg;
}

/* "Did you mean": each plain word replaced by the nearest word of the
 * index's own vocabulary (spelling_suggestion()); empty when nothing
 * changes. */
std::string ps__search::suggest(ps_db_t *d, const ps__parsed &p)
{
    std::string out;
    bool changed = false;
    for (const std::string &w : p.words) {
        std::string s = spelling_suggestion(d, w);
        if (!s.empty())
            s = canonical_spelling(d, w, s);
        if (!s.empty() && s != w)
            changed = true;
        if (!out.empty())
            out += ' ';
        out += s.empty() ? w : s;
    }
    return changed ? out : std::string();
}
