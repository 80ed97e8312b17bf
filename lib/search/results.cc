/* One match of a search as a result: its rank, score, path, title and
 * date, a snippet of its busiest line with the matches marked, its hits
 * as lines and columns (and with hit_lines the text of those lines), and
 * its most mentioned entities. Where the hits stand is hits.cc's job. */
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <xapian.h>

#include "search/search_private.h"

using namespace ps__search;

/* Snippet width in bytes, and how much of it goes before the first hit. */
static const size_t SNIPPET_BYTES = 200;
static const size_t SNIPPET_LEAD = 60;

/* A score as answers show it: to 12 significant digits. Xapian sums a
 * query's terms in an order it picks per shard, by their frequencies, so
 * the last bits of a score of many terms (the relaxed form with its
 * feedback words) differ with how the index is sharded; the answers must
 * not. */
double ps__search::shown_score(double w)
{
    char buf[32];
    /* to_chars and from_chars: printf's "%.12g" and strtod, exactly, at a
     * fraction of their cost. */
    std::to_chars_result r =
        std::to_chars(buf, buf + sizeof buf, w, std::chars_format::general, 12);
    double v = w;
    if (r.ec == std::errc())
        std::from_chars(buf, r.ptr, v);
    return v;
}

/* The date as the document's head has it: a string, or null. */
static void write_date(ps__jout &w, const docdata &dd)
{
    const json_t *date = json_object_get(dd.head, "date");
    if (!date || json_is_null(date))
        w.null();
    else if (json_is_string(date))
        w.str(json_string_value(date), json_string_length(date));
    else
        w.json(date);
}

void result_builder::build(ps__jout &w, const Xapian::MSetIterator &m,
                           unsigned rank)
{
    /* Read ahead from remote shards (remote_fetch.cc), else asked now. */
    const Xapian::Document *ahead = d_->page ? d_->page->doc(*m) : nullptr;
    Xapian::Document doc = ahead ? *ahead : m.get_document();
    docdata dd(doc, p_.quotes);
    from_text_ = d_->has_remote && !(d_->page && d_->page->has_positions(*m)) &&
                 text_pays(dd);
    if (from_text_)
        analyse_text(dd);
    std::vector<span> hits = find_hits(m, doc, dd);
    /* The line of every hit, found once: the hits are in text order. */
    std::vector<size_t> lines;
    lines.reserve(hits.size());
    for (const span &h : hits)
        lines.push_back(
            dd.text.line_of(h.off, lines.empty() ? 0 : lines.back()));
    w.obj();
    w.key("rank").num(rank);
    w.key("score").real(shown_score(m.get_weight()));
    w.key("path").str(dd.rec.path);
    w.key("title").str(dd.rec.title);
    write_date(w.key("date"), dd);
    snippet(w, dd, hits, lines);
    add_hits(w, dd, hits, lines);
    if (lines_)
        add_hit_lines(w, dd, hits, lines);
    w.key("hit_count").num((long long)hits.size());
    if (p_.quotes) {
        size_t nq;
        matched_quotes(w.key("quotes"), dd, hits, &nq);
        w.key("quote_count").num((long long)nq);
    }
    /* The hits and quotes are found: the entities may leave the document. */
    std::vector<ps__entity> ents =
        identified(d_, std::move(dd.ents), &dd.rec.ents);
    entities(w.key("entities"), dd, ents);
    w.key("entity_count").num((long long)ents.size());
    w.end_obj();
}

/* The first max_hits hits as "hits": line, column (1-based) and length. */
void result_builder::add_hits(ps__jout &w, docdata &dd,
                              const std::vector<span> &hits,
                              const std::vector<size_t> &lines)
{
    w.key("hits").arr();
    for (size_t i = 0; i < hits.size() && i < max_hits_; i++) {
        size_t line = lines[i];
        w.obj();
        w.key("line").num((long long)line + 1);
        w.key("column").num((long long)(hits[i].off - dd.line_start(line)) + 1);
        w.key("length").num((long long)hits[i].len);
        w.end_obj();
    }
    w.end_arr();
}

/* The text of each line the first max_hits hits stand on, as "lines":
 * line number -> text, each line once, in the order of first hit. */
void result_builder::add_hit_lines(ps__jout &w, docdata &dd,
                                   const std::vector<span> &hits,
                                   const std::vector<size_t> &lines)
{
    w.key("lines").obj();
    std::vector<size_t> done;
    char key[24];
    for (size_t i = 0; i < hits.size() && i < max_hits_; i++) {
        size_t line = lines[i];
        if (std::find(done.begin(), done.end(), line) != done.end())
            continue;
        done.push_back(line);
        std::snprintf(key, sizeof key, "%zu", line + 1);
        size_t ls = dd.line_start(line), le = dd.line_end(line);
        w.key(key).str(dd.at(ls, le - ls), le - ls);
    }
    w.end_obj();
}

/* Moves OFF back to the start of a UTF-8 character. */
static size_t char_start(const char *t, size_t off, size_t lo)
{
    while (off > lo && ((unsigned char)t[off] & 0xC0) == 0x80)
        off--;
    return off;
}

/* The line with the most hits into LINE, and the index of its first hit
 * into FIRST; returns how many hits it has (0 when there are none). */
static size_t busiest_line(const std::vector<size_t> &lines, size_t &line_out,
                           size_t &first)
{
    size_t best = 0;
    for (size_t i = 0; i < lines.size();) {
        size_t line = lines[i], n = 0, j = i;
        while (j < lines.size() && lines[j] == line) {
            j++;
            n++;
        }
        if (n > best) {
            best = n;
            line_out = line;
            first = i;
        }
        i = j;
    }
    return best;
}

/* The line a result without hits shows (a filter-only match): the first
 * non-empty line of the body. */
static size_t body_line(docdata &dd)
{
    json_int_t body = json_integer_value(json_object_get(dd.head, "body"));
    size_t line = dd.line_of((size_t)body);
    while (line + 1 < dd.lines() && dd.line_end(line) == dd.line_start(line))
        line++;
    return line;
}

/* The bytes of LINE the snippet shows, START to END: from the line's
 * start, or from a word a little before the first hit FIRST (when there is
 * one), at most SNIPPET_BYTES, cut at a space when the line goes on. */
static void snippet_window(docdata &dd, size_t line, const span *first,
                           size_t &start, size_t &end)
{
    size_t ls = dd.line_start(line), le = dd.line_end(line);
    size_t from = first && first->off > ls + SNIPPET_LEAD
                      ? first->off - SNIPPET_LEAD
                      : ls;
    /* The bytes the window may look at, and no more of a long line: a
     * character's start just before FROM, to a window's width past the
     * first hit and the byte after it. */
    size_t lo = from - std::min<size_t>(from - ls, 4);
    size_t hi =
        std::min(le, std::max(from, first ? first->off : from) + SNIPPET_BYTES);
    const char *t = dd.at(lo, hi - lo + (hi < dd.len)) - lo;
    start = ls;
    if (from > ls) {
        start = from;
        /* Start at a word: skip to just after the next space. */
        const char *sp =
            (const char *)std::memchr(t + start, ' ', first->off - start);
        start = sp ? (size_t)(sp - t) + 1 : char_start(t, start, lo);
    }
    end = std::min(le, start + SNIPPET_BYTES);
    if (end < le) {
        size_t cut = end;
        while (cut > start && t[cut] != ' ')
            cut--;
        end = cut > start ? cut : char_start(t, end, start);
    }
}

/* A window of the line with the most hits, the matches marked. */
void result_builder::snippet(ps__jout &w, docdata &dd,
                             const std::vector<span> &hits,
                             const std::vector<size_t> &lines)
{
    size_t best_line = 0, first_hit = 0;
    size_t best = busiest_line(lines, best_line, first_hit);
    if (!best)
        best_line = body_line(dd);
    size_t ls = dd.line_start(best_line), le = dd.line_end(best_line);
    size_t start, end;
    snippet_window(dd, best_line, best ? &hits[first_hit] : nullptr, start,
                   end);
    std::string s;
    if (start > ls)
        s += "\xE2\x80\xA6";
    size_t shift = s.size();
    s.append(dd.at(start, end - start), end - start);
    if (end < le)
        s += "\xE2\x80\xA6";
    w.key("snippet").str(s);
    w.key("marks").arr();
    for (size_t i = first_hit; best && i < hits.size(); i++) {
        const span &h = hits[i];
        if (h.off < start || h.off >= end)
            continue;
        w.arr();
        w.num((long long)(h.off - start + shift));
        w.num((long long)std::min(h.len, end - h.off));
        w.end_arr();
    }
    w.end_arr();
}

/* The document's max_entities most mentioned entities, each with its
 * first max_mentions mentions and the count of all. A long technical
 * page can name hundreds; a result lists the ones that matter. */
void result_builder::entities(ps__jout &w, docdata &dd,
                              std::vector<ps__entity> &ents)
{
    std::vector<ps__entity *> rows;
    rows.reserve(ents.size());
    for (ps__entity &e : ents)
        rows.push_back(&e);
    /* The max_entities most mentioned, ties in first-mention order (the
     * order of ENTS, which the pointers keep): a long page names
     * hundreds, and only the ones shown need an order. By count, since
     * only the entities shown have their mentions read. */
    size_t shown = std::min(rows.size(), max_entities_);
    std::partial_sort(rows.begin(), rows.begin() + (long)shown, rows.end(),
                      [](const ps__entity *a, const ps__entity *b) {
                          return a->count > b->count ||
                                 (a->count == b->count && a < b);
                      });
    rows.resize(shown);
    w.arr();
    for (ps__entity *e : rows) {
        ps__entity_mentions(dd.rec.ents, *e, max_mentions_);
        const char *type = ps_entity_type_name((ps_entity_type_t)e->type);
        w.obj();
        w.key("type").str(type ? type : "misc",
                          std::strlen(type ? type : "misc"));
        w.key("id").str(e->id);
        w.key("name").str(shown_name(d_, *e));
        w.key("count").num((long long)e->count);
        w.key("mentions").arr();
        for (size_t k = 0; k < e->mentions.size() && k < max_mentions_; k++)
            mention(w, dd, *e, k);
        w.end_arr();
        w.end_obj();
    }
    w.end_arr();
}

/* Mention K of E as {"text","line","column"}, from the entity's forms
 * and the line table, without the text; nothing when it lies outside the
 * text (a damaged value). */
void result_builder::mention(ps__jout &w, const docdata &dd,
                             const ps__entity &e, size_t k)
{
    const ps_mention_t &m = e.mentions[k];
    if (m.offset + m.length > dd.len)
        return;
    size_t line = dd.line_of(m.offset);
    w.obj();
    w.key("text").str(ps__entity_form(dd.rec.ents, e.form_of[k]));
    w.key("line").num((long long)line + 1);
    w.key("column").num((long long)(m.offset - dd.line_start(line)) + 1);
    w.end_obj();
}
