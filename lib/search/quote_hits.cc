/* The hits and quotes of a said: or quote: query in one result: the
 * words of a group kept to the quotes of its speakers (any quote for
 * quote:), and which quotes the query matched, for the result's "quotes".
 * Found from the document's quotes value and the plain words' positions,
 * which a remote shard's text gives as well as a local position list. */
#include "search/search_private.h"

using namespace ps__search;

namespace
{

/* Whether quote Q is one group G keeps to: its speaker one of G's, or any
 * quote when G names none. */
bool in_group(const ps__quote &q, const ps__hitgroup &g, const docdata &dd)
{
    if (g.speakers.empty())
        return true;
    std::string key = ps__quote_speaker_key(q, dd.ents);
    return !key.empty() && std::find(g.speakers.begin(), g.speakers.end(),
                                     key) != g.speakers.end();
}

/* Whether the query has a said: or quote: group with words: then said:X
 * alone adds no hits and no quotes of its own, so that "said:X word"
 * shows where the word is, in the quotes that have it. */
bool has_words(const ps__parsed &p)
{
    for (const ps__hitgroup &o : p.hits)
        if (o.quote && !o.slots.empty())
            return true;
    return false;
}

} // namespace

void result_builder::quote_hits(const Xapian::MSetIterator &m,
                                const Xapian::Document &doc, docdata &dd,
                                const ps__hitgroup &g, std::vector<span> &hits)
{
    if (g.slots.empty()) {
        if (has_words(p_))
            return;
        for (size_t i = 0; i < dd.quotes.size(); i++) {
            const ps__quote &q = dd.quotes[i];
            if (q.content.empty() || !in_group(q, g, dd) ||
                q.content[0].off >= dd.len)
                continue;
            quoted_[i] = true;
            size_t at = q.content[0].off;
            size_t end =
                std::min(at + q.content[0].len, dd.line_end(dd.line_of(at)));
            hits.push_back({at, end > at ? end - at : 0});
        }
        return;
    }
    /* The group's words found as anywhere, then kept inside its quotes. */
    ps__hitgroup plain = g;
    plain.quote = false;
    ps__parsed one;
    one.hits.push_back(plain);
    result_builder sub(d_, one, max_hits_, 0, 0, false);
    sub.text_pos_ = text_pos_;
    sub.from_text_ = from_text_;
    sub.ahead_ = ahead_;
    sub.wild_terms_ = wild_terms_;
    /* Which quotes are the group's, asked once: a quote's speaker key is
     * a string made from its entity, and a long article has hundreds of
     * hits of a common word. */
    std::vector<char> mine(dd.quotes.size());
    for (size_t i = 0; i < dd.quotes.size(); i++)
        mine[i] = in_group(dd.quotes[i], g, dd);
    for (const span &h : sub.find_hits(m, doc, dd)) {
        bool keep = false;
        for (size_t i = 0; i < dd.quotes.size(); i++)
            if (mine[i] && ps__quote_contains(dd.quotes[i], h.off, h.len)) {
                quoted_[i] = true;
                keep = true;
            }
        if (keep)
            hits.push_back(h);
    }
}

/* The hits among HITS that lie inside a piece of Q's content, as
 * "marks": [start, length] byte ranges of the content's text (its pieces
 * joined by " … ", as ps__quote_write() writes it). A said: query
 * without words marks nothing: its hit is the quote itself, not a word in
 * it. */
static void quote_marks(ps__jout &w, const ps__quote &q,
                        const std::vector<span> &hits, bool words)
{
    w.key("marks").arr();
    size_t at = 0;
    for (const span &piece : q.content) {
        if (!words)
            break;
        for (const span &h : hits)
            if (h.off >= piece.off && h.off + h.len <= piece.off + piece.len) {
                w.arr();
                w.num((long long)(at + h.off - piece.off));
                w.num((long long)h.len);
                w.end_arr();
            }
        at += piece.len + sizeof PS__QUOTE_JOIN - 1;
    }
    w.end_arr();
}

void result_builder::matched_quotes(ps__jout &w, docdata &dd,
                                    const std::vector<span> &hits,
                                    size_t *count)
{
    bool words = has_words(p_);
    *count = 0;
    w.arr();
    for (size_t i = 0; i < dd.quotes.size() && i < quoted_.size(); i++) {
        if (!quoted_[i])
            continue;
        /* Like the hits, the first max_hits: a result costs what it
         * shows, however many times a long article quotes its speaker. */
        if ((*count)++ >= max_hits_)
            continue;
        /* A quote that lies outside the text (a damaged value) is left
         * out, as if it were not opened. */
        size_t mark = w.size();
        w.obj();
        if (!ps__quote_write(w, d_, dd.quotes[i], dd.ents, dd, false)) {
            w.rewind(mark);
            continue;
        }
        quote_marks(w, dd.quotes[i], hits, words);
        w.end_obj();
    }
    w.end_arr();
}
