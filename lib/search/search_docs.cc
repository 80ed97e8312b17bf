/* Stored documents: a document's data taken apart (its JSON head, its
 * text and its lines, its entities with their mentions), and the two ops
 * that read one document by path: its entities and its lines. */
#include <algorithm>
#include <cstring>
#include <string>

#include <xapian.h>

#include "search/search_private.h"
#include "store/shim.h"

using namespace ps__search;

/* The record's sections: a damaged record reads as the sections before
 * the damage. */
static ps__record record_of(const std::string &value)
{
    ps__record r;
    ps__decode_record(value, r);
    return r;
}

/* Reads DOC's record (one look-up; a long text's blocks are read as
 * they are shown) and, with QUOTES, its quotes: a
 * damaged head becomes an empty object, a damaged text an empty one, and
 * a damaged entity section yields the entities read before the damage. */
docdata::docdata(const Xapian::Document &doc, bool with_quotes)
    : value(doc.get_value(PS__V_RECORD)), rec(record_of(value)),
      text(value, rec.text_at,
           [doc](size_t k) {
               return doc.get_value(PS__V_BLOCK + (Xapian::valueno)k);
           }),
      len(text.size())
{
    /* A quote's speaker is found among every entity's mentions; a result
     * without quotes reads the mentions of the entities it shows. */
    if (with_quotes)
        ps__decode_entities(rec.ents, ents);
    else
        ps__decode_entity_heads(rec.ents, ents);
    if (with_quotes)
        ps__decode_quotes(doc.get_value(PS__V_QUOTES), quotes);
    head = json_loadb(rec.head.data(), rec.head.size(), 0, nullptr);
    if (!head)
        head = jnew(json_object());
}

/* Mention M of a document as JSON: its text, line and column (1-based),
 * and with OFFSETS its byte offset and length in the file. NULL when it
 * lies outside the text (a damaged value). */
json_t *ps__search::mention_json(docdata &dd, const ps_mention_t &m,
                                 bool offsets)
{
    if (m.offset + m.length > dd.len)
        return nullptr;
    size_t line = dd.line_of(m.offset);
    json_t *mo = jnew(json_object());
    jref ref(mo);
    jset(mo, "text", jstr(dd.at(m.offset, m.length), m.length));
    if (offsets) {
        jset(mo, "offset", json_integer((json_int_t)m.offset));
        jset(mo, "length", json_integer((json_int_t)m.length));
    }
    jset(mo, "line", json_integer((json_int_t)line + 1));
    jset(mo, "column",
         json_integer((json_int_t)(m.offset - dd.line_start(line)) + 1));
    return ref.release();
}

/* The indexed document at PATH, into DOC; false (with the message set)
 * when there is none. */
static bool find_document(ps_db_t *db, const char *path, Xapian::Document &doc)
{
    std::string term = ps__id_term(path);
    Xapian::PostingIterator p = db->db.postlist_begin(term);
    /* A hashed id names its path only up to a collision. */
    if (p == db->db.postlist_end(term) ||
        (doc = db->db.get_document(*p)).get_value(PS__V_PATH) != path) {
        db->errmsg = std::string(path) + ": not in the index";
        return false;
    }
    return true;
}

/* Makes the answer *OUT of an op on the document stored for PATH with
 * BUILD(doc, its data): PS_ENOTFOUND when PATH is not in the index; no
 * exception leaves. */
template <class F>
static ps_status_t with_document(ps_db_t *db, const char *path, json_t **out,
                                 F build)
{
    *out = nullptr;
    try {
        Xapian::Document doc;
        if (!find_document(db, path, doc))
            return PS_ENOTFOUND;
        docdata dd(doc, true);
        *out = build(doc, dd);
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, path);
    }
}

extern "C" ps_status_t ps_db_entities(ps_db_t *db, const char *path,
                                      json_t **out)
{
    return with_document(
        db, path, out, [&](const Xapian::Document &, docdata &dd) -> json_t * {
            jref arr(json_array());
            for (const ps__entity &e : identified(db, dd.ents)) {
                const char *type =
                    ps_entity_type_name((ps_entity_type_t)e.type);
                json_t *o = jnew(json_object());
                jpush(arr.j, o);
                jset(o, "type", json_string(type ? type : "misc"));
                jset(o, "id", jstr(e.id.data(), e.id.size()));
                std::string_view name = shown_name(db, e);
                jset(o, "name", jstr(name.data(), name.size()));
                jset(o, "known", json_boolean(e.known));
                jset(o, "count", json_integer((json_int_t)e.mentions.size()));
                json_t *ms = jnew(json_array());
                jset(o, "mentions", ms);
                for (const ps_mention_t &m : e.mentions)
                    if (json_t *mo = mention_json(dd, m, true))
                        jpush(ms, mo);
            }
            return arr.release();
        });
}

extern "C" ps_status_t ps_db_quotes(ps_db_t *db, const char *path, json_t **out)
{
    return with_document(
        db, path, out, [&](const Xapian::Document &, docdata &dd) -> json_t * {
            jref arr(json_array());
            for (const ps__quote &q : dd.quotes)
                if (json_t *o = ps__quote_json(db, q, dd.ents, dd, true))
                    jpush(arr.j, o);
            return arr.release();
        });
}

extern "C" ps_status_t ps_db_document(ps_db_t *db, const char *path,
                                      unsigned from, unsigned to, json_t **out)
{
    return with_document(
        db, path, out,
        [&](const Xapian::Document &, docdata &dd) -> json_t * {
            size_t total = dd.lines();
            if (total > 1 && dd.line_start(total - 1) == dd.len)
                total--; /* a final newline does not start a line */
            size_t first = from ? from : 1, last = to ? to : total;
            last = std::min(last, total);
            jref o(json_object());
            jset(o.j, "path", json_string(path));
            jset(o.j, "title", jstr(dd.rec.title.data(), dd.rec.title.size()));
            jset(o.j, "lines_total", json_integer((json_int_t)total));
            if (first > last) {
                jset(o.j, "first_line", json_integer((json_int_t)first));
                jset(o.j, "last_line", json_integer((json_int_t)first - 1));
                jset(o.j, "text", json_string(""));
            } else {
                size_t a = dd.line_start(first - 1);
                size_t b = last < dd.lines() ? dd.line_start(last) : dd.len;
                jset(o.j, "first_line", json_integer((json_int_t)first));
                jset(o.j, "last_line", json_integer((json_int_t)last));
                jset(o.j, "text", jstr(dd.at(a, b - a), b - a));
            }
            return o.release();
        });
}
