/* An analysed article as a Xapian document: its words with positions
 * (the title's also under their own prefixes, and weighted BM25F's way),
 * its entities at their mentions, a boolean term for its id, and values
 * for its path, date and file state and the record a result reads: path,
 * title, the JSON head of its metadata, token spans, entities and text. */
#include <cstdio>
#include <cstdlib>
#include <string>

#include <jansson.h>

#include <xapian.h>

#include "index/index_private.h"
#include "index/quote_terms.h"
#include "psearch/ident.h"
#include "store/codec.h"
#include "store/layout.h"
#include "store/shim.h"

using namespace ps__index;

static std::string mtime_value(const ps_filestat_t *st)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%09lld", (long long)st->mtime_sec,
                  (long long)st->mtime_nsec);
    return buf;
}

void ps__index::set_stat_values(Xapian::Document &doc, const ps_filestat_t *st)
{
    char buf[32];
    doc.add_value(PS__V_MTIME, mtime_value(st));
    std::snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->size);
    doc.add_value(PS__V_SIZE, buf);
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)st->hash);
    doc.add_value(PS__V_HASH, buf);
}

/* Adds the words T[0, N) with positions, and, under STEM_PREFIX (if not
 * NULL), their stems with positions too. Body words go without stems:
 * the words of a stem are listed in each shard's metadata
 * (record_forms()), which halves what Xapian has to write. */
static void add_terms(Xapian::Document &doc, const ps_token_t *t, size_t n,
                      const char *raw_prefix, const char *stem_prefix)
{
    std::string term;
    for (size_t i = 0; i < n; i++) {
        if (t[i].term_len == 0 || t[i].term_len > PS__MAX_TERM)
            continue;
        term.assign(raw_prefix).append(t[i].term, t[i].term_len);
        doc.add_posting(term, t[i].pos);
        if (stem_prefix) {
            term.assign(stem_prefix).append(t[i].stem, t[i].stem_len);
            doc.add_posting(term, t[i].pos);
        }
    }
}

static void json_put_span(json_t *o, const char *key, const ps_span_t *s)
{
    if (s->len)
        json_object_set_new(o, key, json_stringn(s->ptr, s->len));
}

/* The JSON head of the record: the article's metadata, but for its path
 * and title, which are sections of their own. */
static std::string data_head(const ps_docrec_t *r)
{
    json_t *o = json_object();
    if (!o)
        throw std::bad_alloc();
    json_put_span(o, "date", &r->article->date);
    json_put_span(o, "source", &r->article->source);
    json_put_span(o, "url", &r->article->url);
    json_object_set_new(o, "body",
                        json_integer((json_int_t)r->article->body_offset));
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!s)
        throw std::bad_alloc();
    std::string head(s);
    std::free(s);
    return head;
}

/* Folds the title into the body's words as a field of its own, BM25F's
 * way: each title word counts PS__TITLE_WDF times in its body term's
 * within-document frequency (and so in the document's length), so a
 * title hit weighs more than a body hit without a separate score per
 * query word. A title on the body's first line is already counted once
 * there. Positions stay those of the text, for phrases and hits. */
static void add_title_weight(Xapian::Document &doc, const ps_docrec_t *r)
{
    const ps_article_t *a = r->article;
    bool in_body = a->title.len && a->title.offset >= a->body_offset;
    Xapian::termcount extra = PS__TITLE_WDF - (in_body ? 1 : 0);
    if (!extra)
        return;
    std::string term;
    for (size_t i = 0; i < r->ntitle_tokens; i++) {
        const ps_token_t *t = &r->title_tokens[i];
        if (t->term_len == 0 || t->term_len > PS__MAX_TERM)
            continue;
        term.assign(t->term, t->term_len);
        doc.add_term(term, extra);
    }
}

Xapian::Document ps__index::build_doc(const ps_docrec_t *r,
                                      const std::string &idterm)
{
    Xapian::Document doc;
    add_terms(doc, r->tokens, r->ntokens, "", nullptr);
    add_terms(doc, r->title_tokens, r->ntitle_tokens, PS__P_TITLE,
              PS__P_TITLE_STEM);
    add_title_weight(doc, r);
    ps__add_quote_terms(doc, r);
    std::string term;
    for (size_t i = 0; i < r->nentities; i++) {
        const ps_entity_t *e = &r->entities[i];
        term.assign(ps_entity_type_prefix(e->type)).append(e->id);
        if (term.size() > PS__MAX_TERM)
            continue;
        for (size_t k = 0; k < e->nmentions; k++)
            doc.add_posting(term, e->mentions[k].pos);
        /* What readers resolve entities across articles by (ident.h). */
        ps_ident_terms(
            e,
            [](void *arg, const char *t, size_t n) {
                static_cast<Xapian::Document *>(arg)->add_boolean_term(
                    std::string(t, n));
                return 0;
            },
            &doc);
    }
    doc.add_boolean_term(idterm);

    /* The date is a value, not terms: date: and the ranges read it as a
     * value range, which serves a year, a month and a day alike. */
    const char *date = r->article->date_key;
    if (date[0])
        doc.add_value(PS__V_DATE, date);
    doc.add_value(PS__V_PATH, r->path);
    set_stat_values(doc, &r->stat);
    /* All a result shows, in one value (layout.h): path and title, the
     * head, the spans, the entities and the text, compressed with LZ4
     * (codec.h), but a long text's blocks. Not the document data, which Xapian compresses with
     * zlib: that cost a tenth of indexing and a quarter of every search. */
    const ps_span_t *title = &r->article->title;
    std::vector<std::string> apart;
    std::string text = ps__encode_text(r->text, r->len, &apart);
    doc.add_value(
        PS__V_RECORD,
        ps__encode_record(
            r->path, std::string(title->ptr ? title->ptr : "", title->len),
            data_head(r), ps__encode_spans(r->tokens, r->ntokens),
            ps__encode_entities(r->entities, r->nentities, r->text, r->len),
            text));
    /* A long text's blocks, one a value: a result reads the ones it
     * shows. */
    for (size_t k = 0; k < apart.size(); k++)
        doc.add_value(PS__V_BLOCK + (Xapian::valueno)k, apart[k]);
    return doc;
}
