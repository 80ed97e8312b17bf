/* The reading half of the Xapian shim: opens an index (following its stub
 * to the live generation), runs parsed queries with BM25 and the boosts
 * the parser adds, and turns each match into a result with its snippet,
 * hit lines and entities. */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <jansson.h>
#include <xapian.h>

#include "search/quote_json.h"
#include "store/codec.h"
#include "search/feedback.h"
#include "store/layout.h"
#include "psearch/analyzer.h"
#include "psearch/article.h"
#include "psearch/entities.h"
#include "psearch/search.h"
#include "query/query.h"
#include "store/shim.h"
#include "store/vocab.h"

namespace
{

const unsigned DEFAULT_LIMIT = 10;
const unsigned DEFAULT_MAX_HITS = 50;
const unsigned DEFAULT_MAX_MENTIONS = 3;
const unsigned DEFAULT_MAX_ENTITIES = 10;
const unsigned DEFAULT_FACET_DOCS = 1000;
/* How often a search retries after its revision was overwritten. */
const int MODIFIED_RETRIES = 3;
/* Snippet width in bytes, and how much of it goes before the first hit. */
const size_t SNIPPET_BYTES = 200;
const size_t SNIPPET_LEAD = 60;

using span = ps__span;

/* A json_t that releases itself, so an exception cannot leak one. */
struct jref {
    json_t *j;
    explicit jref(json_t *p) : j(p)
    {
        if (!p)
            throw std::bad_alloc();
    }
    ~jref()
    {
        json_decref(j);
    }
    json_t *release()
    {
        json_t *p = j;
        j = nullptr;
        return p;
    }
    jref(const jref &) = delete;
    jref &operator=(const jref &) = delete;
};

json_t *jnew(json_t *j)
{
    if (!j)
        throw std::bad_alloc();
    return j;
}

void jset(json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, jnew(v)) != 0)
        throw std::bad_alloc();
}

void jpush(json_t *a, json_t *v)
{
    if (json_array_append_new(a, jnew(v)) != 0)
        throw std::bad_alloc();
}

/* A string as JSON, even if a cut landed inside a UTF-8 sequence. */
json_t *jstr(const char *p, size_t n)
{
    json_t *s = json_stringn_nocheck(p, n);
    return s;
}

} // namespace

struct ps_db {
    std::string dir;
    std::string errmsg;
    Xapian::Database db;
    struct stat stub_st {
    };
    std::string gaz_text;
    ps_analyzer_t *an = nullptr;
    ps_gazetteer_t *gaz = nullptr;
    std::map<std::string, std::string> gaz_names; /* entity term -> name */
    ps_db_opts_t opts{};
    std::vector<std::string> missing;     /* shards left out (partial mode) */
    std::vector<Xapian::Database> shards; /* what db is made of */
    bool has_remote = false;              /* a shard is served remotely */
    /* Paths that more than one shard holds (see find_duplicates()). */
    std::vector<std::string> duplicates;
    std::chrono::steady_clock::time_point missing_since;

    ~ps_db()
    {
        ps_gazetteer_free(gaz);
        ps_analyzer_free(an);
    }
};

static bool same_file(const struct stat &a, const struct stat &b)
{
    return a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
           a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
           a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

/* KEY's metadata as the shards of D hold it: Xapian answers metadata from
 * the first shard alone, so each is asked, and of differing values the
 * least non-empty one in byte order is taken, which does not depend on the
 * order of the shards. */
static std::string shards_metadata(const ps_db_t *d, const std::string &key)
{
    std::string best;
    for (const Xapian::Database &db : d->shards) {
        std::string v = db.get_metadata(key);
        if (!v.empty() && (best.empty() || v < best))
            best.swap(v);
    }
    return best;
}

/* (Re)loads the gazetteer stored in the index when it changed. Indexes
 * built apart are each given the gazetteer; should they differ (one node
 * reindexed with a newer one), shards_metadata() picks one for all. */
static void load_gazetteer(ps_db_t *d)
{
    std::string text = shards_metadata(d, PS__META_GAZETTEER);
    if (d->gaz && text == d->gaz_text)
        return;
    ps_gazetteer_t *g = nullptr;
    char *err = nullptr;
    ps_status_t st = ps_gazetteer_parse(text.data(), text.size(),
                                        "stored gazetteer", d->an, &g, &err);
    std::free(err);
    if (st == PS_ENOMEM)
        throw std::bad_alloc();
    if (st != PS_OK)
        throw Xapian::DatabaseCorruptError("the stored gazetteer is invalid");
    ps_gazetteer_free(d->gaz);
    d->gaz = g;
    d->gaz_text.swap(text);
    d->gaz_names.clear();
    for (size_t i = 0; i < ps_gazetteer_count(g); i++) {
        const ps_entity_def_t *e = ps_gazetteer_get(g, i);
        d->gaz_names[std::string(ps_entity_type_prefix(e->type)) + e->id] =
            e->name;
    }
}

const unsigned DEFAULT_REMOTE_TIMEOUT_MS = 5000;
/* How often a reader in partial mode tries the shards it left out again. */
const auto MISSING_RETRY = std::chrono::seconds(10);

/* Opens one shard named by a stub line: "auto PATH" or "glass PATH"
 * (relative to the index directory unless absolute), or "remote HOST:PORT"
 * for a shard served by xapian-tcpsrv. */
static Xapian::Database open_shard(const ps_db_t *d, const std::string &kind,
                                   const std::string &arg)
{
    if (kind == "auto" || kind == "glass")
        return Xapian::Database(arg[0] == '/' ? arg : d->dir + "/" + arg);
    if (kind == "remote") {
        size_t colon = arg.rfind(':');
        char *end = nullptr;
        unsigned long port =
            colon == std::string::npos
                ? 0
                : std::strtoul(arg.c_str() + colon + 1, &end, 10);
        if (!port || port > 65535 || (end && *end))
            throw Xapian::InvalidArgumentError("remote shard '" + arg +
                                               "': expected HOST:PORT");
        std::string host = arg.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        unsigned ms = d->opts.remote_timeout_ms ? d->opts.remote_timeout_ms
                                                : DEFAULT_REMOTE_TIMEOUT_MS;
        return Xapian::Remote::open(host, (unsigned)port, ms, ms);
    }
    throw Xapian::InvalidArgumentError("unsupported stub line '" + kind + " " +
                                       arg + "'");
}

/* The most paths held twice that an answer names. */
const size_t MAX_DUPLICATES = 10;

/* Paths that more than one shard of DB holds. A psearch-index run puts
 * each path in one shard by a hash, but indexes built apart (one per
 * node, listed in a stub by hand) may each hold a file of the same path:
 * its id term then has more than one document. Answers name such paths
 * rather than silently show one article twice or merge two. Reads every
 * id term once, at open: for a remote shard, its list of paths crosses
 * the network. */
static std::vector<std::string> find_duplicates(const Xapian::Database &db)
{
    std::vector<std::string> v;
    for (auto t = db.allterms_begin(PS__P_ID);
         t != db.allterms_end(PS__P_ID) && v.size() < MAX_DUPLICATES; ++t) {
        if (t.get_termfreq() < 2)
            continue;
        const std::string &term = *t;
        if (term.size() > 1 && term[1] == '#') {
            Xapian::PostingIterator p = db.postlist_begin(term);
            v.push_back(db.get_document(*p).get_value(PS__V_PATH));
        } else {
            v.push_back(term.substr(1));
        }
    }
    return v;
}

/* Opens the shards the stub lists, side by side in one Database: Xapian
 * then ranks across them with shared statistics, as one index. */
static void open_db(ps_db_t *d)
{
    std::string stub = d->dir + "/" PS__STUB;
    struct stat st;
    std::FILE *f = std::fopen(stub.c_str(), "r");
    if (!f || ::fstat(fileno(f), &st) != 0) {
        if (f)
            std::fclose(f);
        throw Xapian::DatabaseNotFoundError(
            "no index (run psearch-index first)");
    }
    std::vector<std::pair<std::string, std::string>> lines;
    char buf[1024];
    while (std::fgets(buf, sizeof buf, f)) {
        std::string line(buf);
        line.erase(line.find_last_not_of(" \t\r\n") + 1);
        size_t sp = line.find_first_of(" \t");
        if (line.empty() || line[0] == '#' || sp == std::string::npos)
            continue;
        lines.emplace_back(line.substr(0, sp),
                           line.substr(line.find_first_not_of(" \t", sp)));
    }
    std::fclose(f);
    Xapian::Database db;
    std::vector<std::string> missing;
    std::vector<Xapian::Database> shards;
    std::vector<std::string> names;
    bool has_remote = false, assembled = false;
    for (const auto &l : lines) {
        has_remote |= l.first == "remote";
        /* A stub written by hand: remotes, or folders named in full. */
        assembled |= l.first == "remote" || l.second[0] == '/';
        try {
            shards.push_back(open_shard(d, l.first, l.second));
            names.push_back(l.second);
            db.add_database(shards.back());
        } catch (const Xapian::NetworkError &e) {
            if (!d->opts.partial)
                throw Xapian::NetworkError("shard " + l.second + ": " +
                                           e.get_msg());
            missing.push_back(l.second);
        }
    }
    if (lines.empty() || missing.size() == lines.size())
        throw Xapian::NetworkError("no shard of the index answers");
    /* Every shard is checked: indexes built apart on several machines may
     * not all have been rebuilt with the same psearch. */
    for (size_t k = 0; k < shards.size(); k++) {
        std::string fmt = shards[k].get_metadata(PS__META_FORMAT);
        if (fmt != PS__FORMAT)
            throw Xapian::DatabaseVersionError(
                (shards.size() > 1 ? "shard " + names[k] + ": " : "") +
                "index format '" + fmt +
                "', this psearch reads '" PS__FORMAT
                "'; rebuild it with psearch-index --full");
    }
    d->duplicates = shards.size() > 1 && assembled
                        ? find_duplicates(db)
                        : std::vector<std::string>();
    d->db = db;
    d->stub_st = st;
    d->missing.swap(missing);
    d->shards.swap(shards);
    d->has_remote = has_remote;
    d->missing_since = std::chrono::steady_clock::now();
    load_gazetteer(d);
}

extern "C" ps_status_t ps_db_open(const char *dir, ps_db_t **out, char **errmsg)
{
    return ps_db_open_opts(dir, nullptr, out, errmsg);
}

extern "C" ps_status_t ps_db_open_opts(const char *dir,
                                       const ps_db_opts_t *opts, ps_db_t **out,
                                       char **errmsg)
{
    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    ps_db_t *d = new (std::nothrow) ps_db_t;
    if (!d)
        return PS_ENOMEM;
    ps_status_t st = PS_OK;
    try {
        d->dir = dir;
        if (opts)
            d->opts = *opts;
        if (ps_analyzer_new(&d->an) != PS_OK)
            throw std::bad_alloc();
        open_db(d);
    } catch (...) {
        st = ps__fail(d->errmsg, dir);
    }
    if (st != PS_OK) {
        if (errmsg)
            *errmsg = ps__strdup(d->errmsg);
        delete d;
        return st;
    }
    *out = d;
    return PS_OK;
}

extern "C" void ps_db_close(ps_db_t *db)
{
    delete db;
}

extern "C" const char *ps_db_errmsg(const ps_db_t *db)
{
    return db->errmsg.c_str();
}

/* Follows a switch to a new generation (the stub changed), else moves to
 * the newest revision of the current one. */
static bool reopen(ps_db_t *d)
{
    struct stat st;
    std::string stub = d->dir + "/" PS__STUB;
    bool retry_missing =
        !d->missing.empty() &&
        std::chrono::steady_clock::now() - d->missing_since > MISSING_RETRY;
    if ((::stat(stub.c_str(), &st) == 0 && !same_file(st, d->stub_st)) ||
        retry_missing) {
        open_db(d);
        return true;
    }
    bool changed = d->db.reopen();
    if (changed)
        load_gazetteer(d);
    return changed;
}

extern "C" ps_status_t ps_db_reopen(ps_db_t *db, int *changed)
{
    try {
        bool c = reopen(db);
        if (changed)
            *changed = c;
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, "reopen");
    }
}

namespace
{

/* The parts of a document's data: the JSON head and the file's text. */
struct docdata {
    std::string raw;
    json_t *head = nullptr;
    const char *text = nullptr;
    size_t len = 0;
    std::vector<size_t> lines; /* offsets where lines start */
    std::vector<ps__entity> ents;
    std::vector<ps__quote> quotes;

    explicit docdata(const Xapian::Document &doc)
        : raw(doc.get_value(PS__V_TEXT))
    {
        /* A damaged value yields the entities read before the damage. */
        ps__decode_entities(doc.get_value(PS__V_ENTITIES), ents);
        ps__decode_quotes(doc.get_value(PS__V_QUOTES), quotes);
        std::string data = doc.get_data();
        head = json_loadb(data.data(), data.size(), 0, nullptr);
        if (!head)
            head = jnew(json_object());
        text = raw.data();
        len = raw.size();
    }
    ~docdata()
    {
        json_decref(head);
    }
    docdata(const docdata &) = delete;
    docdata &operator=(const docdata &) = delete;

    void index_lines()
    {
        if (!lines.empty())
            return;
        lines.push_back(0);
        for (const char *p = text;
             (p = (const char *)std::memchr(p, '\n', len - (p - text))); p++)
            lines.push_back((size_t)(p - text) + 1);
    }

    /* 0-based line of byte offset OFF. */
    size_t line_of(size_t off)
    {
        index_lines();
        return (size_t)(std::upper_bound(lines.begin(), lines.end(), off) -
                        lines.begin()) -
               1;
    }

    size_t line_end(size_t line)
    {
        size_t end = line + 1 < lines.size() ? lines[line + 1] - 1 : len;
        if (end > lines[line] && text[end - 1] == '\r')
            end--;
        return end;
    }
};

/* Mention M of a document as JSON: its text, line and column (1-based),
 * and with OFFSETS its byte offset and length in the file. NULL when it
 * lies outside the text (a damaged value). */
json_t *mention_json(docdata &dd, const ps_mention_t &m, bool offsets)
{
    if (m.offset + m.length > dd.len)
        return nullptr;
    size_t line = dd.line_of(m.offset);
    json_t *mo = jnew(json_object());
    jref ref(mo);
    jset(mo, "text", jstr(dd.text + m.offset, m.length));
    if (offsets) {
        jset(mo, "offset", json_integer((json_int_t)m.offset));
        jset(mo, "length", json_integer((json_int_t)m.length));
    }
    jset(mo, "line", json_integer((json_int_t)line + 1));
    jset(mo, "column",
         json_integer((json_int_t)(m.offset - dd.lines[line]) + 1));
    return ref.release();
}

/* A score as answers show it: to 12 significant digits. Xapian sums a
 * query's terms in an order it picks per shard, by their frequencies, so
 * the last bits of a score of many terms (the relaxed form with its
 * feedback words) differ with how the index is sharded; the answers must
 * not. */
double shown_score(double w)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12g", w);
    return std::strtod(buf, nullptr);
}

class result_builder
{
  public:
    result_builder(ps_db_t *d, const ps__parsed &p, unsigned max_hits,
                   unsigned max_mentions, unsigned max_entities, bool lines)
        : d_(d), p_(p), max_hits_(max_hits), max_mentions_(max_mentions),
          max_entities_(max_entities), lines_(lines)
    {
    }

    json_t *build(const Xapian::MSetIterator &m, unsigned rank)
    {
        Xapian::Document doc = m.get_document();
        docdata dd(doc);
        if (d_->has_remote)
            analyse_text(dd);
        std::vector<span> hits = find_hits(m, doc, dd);
        jref r(json_object());
        jset(r.j, "rank", json_integer(rank));
        jset(r.j, "score", json_real(shown_score(m.get_weight())));
        jset(r.j, "path", json_string(doc.get_value(PS__V_PATH).c_str()));
        std::string title = doc.get_value(PS__V_TITLE);
        jset(r.j, "title", jstr(title.data(), title.size()));
        json_t *date = json_object_get(dd.head, "date");
        jset(r.j, "date", date ? json_incref(date) : json_null());
        snippet(r.j, dd, hits);
        json_t *jh = jnew(json_array());
        jset(r.j, "hits", jh);
        for (size_t i = 0; i < hits.size() && i < max_hits_; i++) {
            size_t line = dd.line_of(hits[i].off);
            jpush(jh, json_pack("{s:I,s:I,s:I}", "line", (json_int_t)line + 1,
                                "column",
                                (json_int_t)(hits[i].off - dd.lines[line]) + 1,
                                "length", (json_int_t)hits[i].len));
        }
        if (lines_) {
            json_t *jl = jnew(json_object());
            jset(r.j, "lines", jl);
            char key[16];
            for (size_t i = 0; i < hits.size() && i < max_hits_; i++) {
                size_t line = dd.line_of(hits[i].off);
                std::snprintf(key, sizeof key, "%zu", line + 1);
                if (!json_object_get(jl, key))
                    json_object_set_new(
                        jl, key,
                        jstr(dd.text + dd.lines[line],
                             dd.line_end(line) - dd.lines[line]));
            }
        }
        jset(r.j, "hit_count", json_integer((json_int_t)hits.size()));
        if (p_.quotes)
            jset(r.j, "quotes", matched_quotes(dd));
        jset(r.j, "entities", entities(dd));
        jset(r.j, "entity_count", json_integer((json_int_t)dd.ents.size()));
        return r.release();
    }

  private:
    ps_db_t *d_;
    const ps__parsed &p_;
    unsigned max_hits_;
    size_t max_mentions_;
    size_t max_entities_;
    bool lines_;

    /* With a shard served over the network, every position list is a
     * round trip (ten results of a two-word query asked for some ninety);
     * the document's text, analysed again as the indexer analysed it,
     * gives the same positions in one pass: term -> positions. */
    std::map<std::string, std::vector<Xapian::termpos>> text_pos_;

    void add_text_terms(const ps_token_t *t, size_t n, const char *prefix)
    {
        for (size_t i = 0; i < n; i++)
            if (t[i].term_len > 0 && t[i].term_len <= PS__MAX_TERM)
                text_pos_[std::string(prefix).append(t[i].term, t[i].term_len)]
                    .push_back(t[i].pos);
    }

    /* Fills text_pos_ as build_doc() (index.cc) posts terms: the body's
     * words, the title's under its prefix, and each entity at its
     * mentions. A text that no longer parses gives no positions. */
    void analyse_text(const docdata &dd)
    {
        text_pos_.clear();
        ps_article_t a;
        size_t bad;
        const ps_token_t *t;
        size_t n;
        if (ps_article_parse(dd.text, dd.len, &a, &bad) != PS_OK)
            return;
        if (a.title.ptr && ps_analyze(d_->an, a.title.ptr, a.title.len,
                                      a.title.offset, &t, &n) == PS_OK)
            add_text_terms(t, n, PS__P_TITLE);
        if (ps_analyze(d_->an, dd.text + a.body_offset, dd.len - a.body_offset,
                       a.body_offset, &t, &n) == PS_OK)
            add_text_terms(t, n, "");
        for (const ps__entity &e : dd.ents) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)e.type);
            if (!pre)
                continue;
            std::vector<Xapian::termpos> &v = text_pos_[pre + e.id];
            for (const ps_mention_t &m : e.mentions)
                v.push_back(m.pos);
        }
        for (auto &tp : text_pos_) {
            std::sort(tp.second.begin(), tp.second.end());
            tp.second.erase(std::unique(tp.second.begin(), tp.second.end()),
                            tp.second.end());
        }
    }

    std::vector<Xapian::termpos> positions(Xapian::docid did,
                                           const std::string &term)
    {
        if (d_->has_remote) {
            auto it = text_pos_.find(term);
            return it == text_pos_.end() ? std::vector<Xapian::termpos>()
                                         : it->second;
        }
        std::vector<Xapian::termpos> v;
        try {
            for (auto it = d_->db.positionlist_begin(did, term);
                 it != d_->db.positionlist_end(did, term); ++it)
                v.push_back(*it);
        } catch (const Xapian::RangeError &) {
            /* The term is not in this document. */
        }
        return v;
    }

    /* The positions of any of TERMS, in order. */
    std::vector<Xapian::termpos> positions(Xapian::docid did,
                                           const std::vector<std::string> &terms)
    {
        if (terms.size() == 1)
            return positions(did, terms[0]);
        std::vector<Xapian::termpos> v;
        for (const std::string &t : terms) {
            std::vector<Xapian::termpos> p = positions(did, t);
            v.insert(v.end(), p.begin(), p.end());
        }
        std::sort(v.begin(), v.end());
        return v;
    }

    /* The byte span of each mention of an entity, by term position. */
    static void entity_spans(const docdata &dd, const std::string &term,
                             std::map<Xapian::termpos, span> &out)
    {
        size_t colon = term.find(':');
        for (const ps__entity &e : dd.ents) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)e.type);
            if (!pre || term.compare(0, colon + 1, pre) != 0 ||
                term.compare(colon + 1, std::string::npos, e.id) != 0)
                continue;
            for (const ps_mention_t &m : e.mentions)
                out[m.pos] = {m.offset, m.length};
        }
    }

    /* A hit as term positions, first to last, before its bytes are known. */
    using range = std::pair<Xapian::termpos, Xapian::termpos>;

    /* The quotes of the result being built that a said: or quote: group
     * matched (quoted_[i] for dd.quotes[i]). */
    std::vector<bool> quoted_;

    /* Whether quote Q is one group G keeps to: its speaker one of G's,
     * or any quote when G names none. */
    static bool quote_in_group(const ps__quote &q, const ps__hitgroup &g,
                               const docdata &dd)
    {
        if (g.speakers.empty())
            return true;
        std::string key = ps__quote_speaker_key(q, dd.ents);
        return !key.empty() && std::find(g.speakers.begin(), g.speakers.end(),
                                         key) != g.speakers.end();
    }

    /* Keeps HITS[FROM..] of group G that stand inside one of its quotes,
     * and notes those quotes; with no words (said:X alone), the hits are
     * where G's quotes' contents start, to the end of that line. */
    void quote_hits(const ps__hitgroup &g, docdata &dd, std::vector<span> &hits,
                    size_t from)
    {
        quoted_.resize(dd.quotes.size());
        if (g.slots.empty()) {
            /* said:X with words after it shows where the words are, in
             * the quotes that have them, not every quote of X. */
            for (const ps__hitgroup &o : p_.hits)
                if (o.quote && !o.slots.empty())
                    return;
            dd.index_lines();
            for (size_t i = 0; i < dd.quotes.size(); i++) {
                const ps__quote &q = dd.quotes[i];
                if (q.content.empty() || !quote_in_group(q, g, dd) ||
                    q.content[0].off >= dd.len)
                    continue;
                quoted_[i] = true;
                size_t at = q.content[0].off;
                size_t end = std::min(at + q.content[0].len,
                                      dd.line_end(dd.line_of(at)));
                hits.push_back({at, end > at ? end - at : 0});
            }
            return;
        }
        size_t k = from;
        for (size_t h = from; h < hits.size(); h++) {
            bool keep = false;
            for (size_t i = 0; i < dd.quotes.size(); i++)
                if (quote_in_group(dd.quotes[i], g, dd) &&
                    ps__quote_contains(dd.quotes[i], hits[h].off,
                                       hits[h].len)) {
                    quoted_[i] = true;
                    keep = true;
                }
            if (keep)
                hits[k++] = hits[h];
        }
        hits.resize(k);
    }

    /* The quotes quote_hits() noted, as JSON, in text order. */
    json_t *matched_quotes(docdata &dd)
    {
        dd.index_lines();
        ps__lines l{dd.text, dd.len, dd.lines};
        jref out(json_array());
        for (size_t i = 0; i < dd.quotes.size() && i < quoted_.size(); i++)
            if (quoted_[i])
                if (json_t *q = ps__quote_json(dd.quotes[i], dd.ents, l, false))
                    jpush(out.j, q);
        return out.release();
    }

    /* Occurrences of NEAR's terms that have every other term within the
     * window. */
    void near_hits(Xapian::docid did, const ps__hitgroup &g,
                   std::vector<range> &ranges)
    {
        std::vector<std::vector<Xapian::termpos>> pl;
        for (const auto &slot : g.slots)
            pl.push_back(positions(did, slot));
        for (size_t i = 0; i < pl.size(); i++)
            for (Xapian::termpos p : pl[i]) {
                bool ok = true;
                for (size_t j = 0; j < pl.size() && ok; j++) {
                    if (j == i)
                        continue;
                    Xapian::termpos lo =
                        p > g.near_window ? p - g.near_window + 1 : 1;
                    auto q = std::lower_bound(pl[j].begin(), pl[j].end(), lo);
                    ok = q != pl[j].end() && *q < p + g.near_window;
                }
                if (ok)
                    ranges.emplace_back(p, p);
            }
    }

    std::vector<span> find_hits(const Xapian::MSetIterator &m,
                                const Xapian::Document &doc, docdata &dd)
    {
        Xapian::docid did = *m;
        std::vector<span> hits; /* entity mentions carry their spans */
        std::vector<range> ranges;
        quoted_.assign(dd.quotes.size(), false);
        /* A said: or quote: group's hits are found apart and kept only
         * inside its quotes. */
        std::vector<span> in_quotes;
        for (const ps__hitgroup &g : p_.hits) {
            if (g.quote) {
                ps__hitgroup plain = g;
                plain.quote = false;
                ps__parsed one;
                one.hits.push_back(plain);
                size_t from = in_quotes.size();
                if (!g.slots.empty()) {
                    result_builder sub(d_, one, max_hits_, 0, 0, false);
                    sub.text_pos_ = text_pos_;
                    std::vector<span> h = sub.find_hits(m, doc, dd);
                    in_quotes.insert(in_quotes.end(), h.begin(), h.end());
                }
                quote_hits(g, dd, in_quotes, from);
                continue;
            }
            if (g.entity) {
                std::map<Xapian::termpos, span> ms;
                entity_spans(dd, g.slots[0][0], ms);
                for (Xapian::termpos p : positions(did, g.slots[0][0])) {
                    auto it = ms.find(p);
                    if (it != ms.end())
                        hits.push_back(it->second);
                }
            } else if (g.near_window) {
                near_hits(did, g, ranges);
            } else if (g.wildcard && d_->has_remote) {
                const std::string &pre = g.slots[0][0];
                for (auto t = text_pos_.lower_bound(pre);
                     t != text_pos_.end() &&
                     t->first.compare(0, pre.size(), pre) == 0;
                     ++t)
                    for (Xapian::termpos p : t->second)
                        ranges.emplace_back(p, p);
            } else if (g.wildcard) {
                const std::string &pre = g.slots[0][0];
                Xapian::TermIterator t = doc.termlist_begin();
                for (t.skip_to(pre); t != doc.termlist_end(); ++t) {
                    if ((*t).compare(0, pre.size(), pre) != 0)
                        break;
                    for (Xapian::termpos p : positions(did, *t))
                        ranges.emplace_back(p, p);
                }
            } else {
                std::vector<std::vector<Xapian::termpos>> pl;
                for (const auto &slot : g.slots)
                    pl.push_back(positions(did, slot));
                Xapian::termpos n = (Xapian::termpos)pl.size();
                for (Xapian::termpos p : pl[0]) {
                    bool ok = true;
                    for (size_t k = 1; k < pl.size() && ok; k++)
                        ok = std::binary_search(pl[k].begin(), pl[k].end(),
                                                p + (Xapian::termpos)k);
                    if (ok)
                        ranges.emplace_back(p, p + n - 1);
                }
            }
        }
        /* Read the byte spans of just the positions the hits need. */
        std::vector<uint32_t> want;
        for (const range &r : ranges) {
            want.push_back(r.first);
            want.push_back(r.second);
        }
        std::sort(want.begin(), want.end());
        want.erase(std::unique(want.begin(), want.end()), want.end());
        std::vector<span> spans =
            ps__decode_spans_at(doc.get_value(PS__V_SPANS), want);
        auto at = [&](Xapian::termpos p) {
            return spans[std::lower_bound(want.begin(), want.end(), p) -
                         want.begin()];
        };
        for (const range &r : ranges) {
            span a = at(r.first), b = at(r.second);
            if (a.len && b.len)
                hits.push_back({a.off, b.off + b.len - a.off});
        }
        hits.insert(hits.end(), in_quotes.begin(), in_quotes.end());
        return merge(hits, dd);
    }

    /* Sorts hits and joins the ones that overlap or stand next to each
     * other on one line ("Article" and "5" become "Article 5"). */
    static std::vector<span> merge(std::vector<span> &h, docdata &dd)
    {
        std::sort(h.begin(), h.end(), [](const span &a, const span &b) {
            return a.off < b.off || (a.off == b.off && a.len > b.len);
        });
        std::vector<span> out;
        for (const span &s : h) {
            if (s.off + s.len > dd.len)
                continue;
            if (!out.empty()) {
                span &last = out.back();
                size_t end = last.off + last.len;
                bool gap_is_blank = s.off >= end && s.off - end <= 1 &&
                                    (s.off == end || dd.text[end] == ' ');
                if (s.off < end || gap_is_blank) {
                    last.len = std::max(end, s.off + s.len) - last.off;
                    continue;
                }
            }
            out.push_back(s);
        }
        return out;
    }

    /* Moves OFF back to the start of a UTF-8 character. */
    static size_t char_start(const char *t, size_t off, size_t lo)
    {
        while (off > lo && ((unsigned char)t[off] & 0xC0) == 0x80)
            off--;
        return off;
    }

    /* A window of the line with the most hits, the matches marked. */
    void snippet(json_t *r, docdata &dd, const std::vector<span> &hits)
    {
        dd.index_lines();
        size_t best_line = 0, best = 0, first_hit = 0;
        for (size_t i = 0; i < hits.size();) {
            size_t line = dd.line_of(hits[i].off), n = 0, j = i;
            while (j < hits.size() && dd.line_of(hits[j].off) == line) {
                j++;
                n++;
            }
            if (n > best) {
                best = n;
                best_line = line;
                first_hit = i;
            }
            i = j;
        }
        if (!best) {
            /* Nothing to mark (a filter-only match): the body's start. */
            json_int_t body =
                json_integer_value(json_object_get(dd.head, "body"));
            best_line = dd.line_of((size_t)body);
            while (best_line + 1 < dd.lines.size() &&
                   dd.line_end(best_line) == dd.lines[best_line])
                best_line++;
        }
        size_t ls = dd.lines[best_line], le = dd.line_end(best_line);
        size_t start = ls;
        if (best && hits[first_hit].off > ls + SNIPPET_LEAD) {
            start = hits[first_hit].off - SNIPPET_LEAD;
            /* Start at a word: skip to just after the next space. */
            const char *sp = (const char *)std::memchr(
                dd.text + start, ' ', hits[first_hit].off - start);
            start = sp ? (size_t)(sp - dd.text) + 1
                       : char_start(dd.text, start, ls);
        }
        size_t end = std::min(le, start + SNIPPET_BYTES);
        if (end < le) {
            size_t cut = end;
            while (cut > start && dd.text[cut] != ' ')
                cut--;
            end = cut > start ? cut : char_start(dd.text, end, start);
        }
        std::string s;
        if (start > ls)
            s += "\xE2\x80\xA6";
        size_t shift = s.size();
        s.append(dd.text + start, end - start);
        if (end < le)
            s += "\xE2\x80\xA6";
        json_t *marks = jnew(json_array());
        jset(r, "snippet", jstr(s.data(), s.size()));
        jset(r, "marks", marks);
        for (size_t i = first_hit; best && i < hits.size(); i++) {
            const span &h = hits[i];
            if (h.off < start || h.off >= end)
                continue;
            size_t len = std::min(h.len, end - h.off);
            jpush(marks, json_pack("[I,I]", (json_int_t)(h.off - start + shift),
                                   (json_int_t)len));
        }
    }

    /* The document's max_entities most mentioned entities, each with its
     * first max_mentions mentions and the count of all. A long technical
     * page can name hundreds; a result lists the ones that matter. */
    json_t *entities(docdata &dd)
    {
        std::vector<const ps__entity *> rows;
        for (const ps__entity &e : dd.ents)
            rows.push_back(&e);
        /* Stable, so ties keep first-mention order. */
        std::stable_sort(rows.begin(), rows.end(),
                         [](const ps__entity *a, const ps__entity *b) {
                             return a->mentions.size() > b->mentions.size();
                         });
        if (rows.size() > max_entities_)
            rows.resize(max_entities_);
        jref out(json_array());
        for (const ps__entity *e : rows) {
            const char *type = ps_entity_type_name((ps_entity_type_t)e->type);
            json_t *o = jnew(json_object());
            jpush(out.j, o);
            jset(o, "type", json_string(type ? type : "misc"));
            jset(o, "id", jstr(e->id.data(), e->id.size()));
            jset(o, "name", jstr(e->name.data(), e->name.size()));
            jset(o, "count", json_integer((json_int_t)e->mentions.size()));
            json_t *ms = jnew(json_array());
            jset(o, "mentions", ms);
            size_t n = 0;
            for (const ps_mention_t &m : e->mentions) {
                if (n++ == max_mentions_)
                    break;
                if (json_t *mo = mention_json(dd, m, false))
                    jpush(ms, mo);
            }
        }
        return out.release();
    }
};

/* Entity facets over the first DOCS matches: per type, the entities in
 * the most documents, then with the most mentions. */
json_t *facets(ps_db_t *d, Xapian::Enquire &enq, unsigned docs,
               unsigned per_type)
{
    struct count {
        unsigned docs = 0, mentions = 0;
    };
    std::map<std::string, count> counts;
    Xapian::MSet ms = enq.get_mset(0, docs);
    for (auto m = ms.begin(); m != ms.end(); ++m) {
        Xapian::TermIterator t = d->db.termlist_begin(*m);
        for (t.skip_to("X"); t != d->db.termlist_end(*m); ++t) {
            const std::string &term = *t;
            if (term.empty() || term[0] != 'X')
                break;
            /* The words of quotes (XQ:, XQS:) sort together: skip them. */
            if (term.compare(0, 2, "XQ") == 0) {
                t.skip_to("XR");
                if (t == d->db.termlist_end(*m) || (*t)[0] != 'X')
                    break;
            }
            count &c = counts[*t];
            c.docs++;
            c.mentions += t.get_wdf();
        }
    }
    std::vector<std::vector<std::pair<std::string, count>>> by_type(
        PS_ENT__COUNT);
    for (const auto &kv : counts)
        for (int ty = 0; ty < PS_ENT__COUNT; ty++) {
            const char *pre = ps_entity_type_prefix((ps_entity_type_t)ty);
            if (kv.first.compare(0, std::strlen(pre), pre) == 0)
                by_type[ty].push_back(kv);
        }
    jref out(json_object());
    /* "quoted": the speakers of the matching articles, XSAID:person:id,
     * by articles, then quotes; named as their entity term is. */
    std::vector<std::pair<std::string, count>> quoted;
    for (const auto &kv : counts)
        if (kv.first.compare(0, std::strlen(PS__P_SAID), PS__P_SAID) == 0)
            quoted.push_back(kv);
    by_type.push_back(quoted);
    for (int ty = 0; ty <= PS_ENT__COUNT; ty++) {
        auto &v = by_type[ty];
        std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
            return a.second.docs != b.second.docs
                       ? a.second.docs > b.second.docs
                   : a.second.mentions != b.second.mentions
                       ? a.second.mentions > b.second.mentions
                       : a.first < b.first;
        });
        json_t *arr = jnew(json_array());
        bool q = ty == PS_ENT__COUNT;
        jset(out.j, q ? "quoted" : ps_entity_type_name((ps_entity_type_t)ty),
             arr);
        for (size_t i = 0; i < v.size() && i < per_type; i++) {
            std::string term = v[i].first;
            std::string type;
            if (q) {
                /* XSAID:person:zelensky names the term XPERSON:zelensky. */
                std::string key = term.substr(std::strlen(PS__P_SAID));
                type = key.substr(0, key.find(':'));
                int t = ps_entity_type_parse(type.c_str());
                term = std::string(ps_entity_type_prefix(
                           (ps_entity_type_t)(t < 0 ? PS_ENT_MISC : t))) +
                       key.substr(key.find(':') + 1);
            }
            std::string id = term.substr(term.find(':') + 1);
            auto g = d->gaz_names.find(term);
            std::string name = g != d->gaz_names.end()
                                   ? g->second
                                   : shards_metadata(d, PS__META_NAME + term);
            if (name.empty())
                name = id;
            if (q)
                jpush(arr, json_pack("{s:s,s:s,s:o,s:I,s:I}", "type",
                                     type.c_str(), "id", id.c_str(), "name",
                                     jstr(name.data(), name.size()), "docs",
                                     (json_int_t)v[i].second.docs, "quotes",
                                     (json_int_t)v[i].second.mentions));
            else
                jpush(arr,
                      json_pack("{s:s,s:o,s:I,s:I}", "id", id.c_str(), "name",
                                jstr(name.data(), name.size()), "docs",
                                (json_int_t)v[i].second.docs, "mentions",
                                (json_int_t)v[i].second.mentions));
        }
    }
    return out.release();
}

/* Levenshtein distance between two short byte strings. */
size_t edit_distance(const std::string &a, const std::string &b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t up = row[j];
            row[j] = std::min(
                {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

/* When a suggested word names a known entity, prefer the spelling of its
 * canonical name if that is as close to what was typed: "zelenskey" then
 * becomes "zelensky" rather than the equally near variant "zelenskyy". */
std::string canonical_spelling(ps_db_t *d, const std::string &typed,
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
 * index's own vocabulary (ps__spelling_suggestion()); empty when nothing
 * changes. */
std::string suggest(ps_db_t *d, const ps__parsed &p)
{
    std::string out;
    bool changed = false;
    for (const std::string &w : p.words) {
        std::string s = ps__spelling_suggestion(d->db, w);
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

/* How many matches Xapian looks at before it may estimate the total. A
 * word searched through its several forms (OP_SYNONYM) has no exact
 * document count, only an estimate (~140 for 114 documents); when the
 * query's terms are rare, counting every match costs little and the total
 * is exact. */
static Xapian::doccount check_at_least(ps_db_t *d, const Xapian::Query &q)
{
    const Xapian::doccount least = 100, budget = 2000;
    Xapian::doccount sum = 0;
    for (auto t = q.get_unique_terms_begin();
         t != q.get_unique_terms_end() && sum <= budget; ++t)
        sum += d->db.get_termfreq(*t);
    return sum <= budget ? std::max(least, sum) : least;
}

/* BM25's parameters, one set for every corpus, tuned once on TIME and
 * SciFact's training claims (RELEVANCE.md): K1 how soon a word's repeats
 * stop adding weight, B how much a long article is discounted. K3 = 0:
 * a word the query repeats (as the phrase and proximity boosts do) weighs
 * as much as one said once. BM25_MIN_NORMLEN = 0: a short article's
 * length is not rounded up to half the average (Xapian's default), as
 * in plain BM25 and SQLite FTS5; TIME and SciFact both rank better so. */
const double BM25_K1 = 1.2;
const double BM25_K3 = 0;
const double BM25_B = 0.75;
const double BM25_MIN_NORMLEN = 0;

json_t *run_search(ps_db_t *d, const ps_search_opts_t *o)
{
    auto t0 = std::chrono::steady_clock::now();
    ps__qctx ctx{d->an, d->gaz, &d->db, &d->shards};
    ps__parsed p = ps__query_parse(ctx, o->query ? o->query : "");
    Xapian::Enquire enq(d->db);
    enq.set_weighting_scheme(
        Xapian::BM25Weight(BM25_K1, 0, BM25_K3, BM25_B, BM25_MIN_NORMLEN));
    if (o->time_budget > 0)
        enq.set_time_limit(o->time_budget);
    unsigned limit = o->limit ? o->limit : DEFAULT_LIMIT;
    unsigned max_hits = o->max_hits ? o->max_hits : DEFAULT_MAX_HITS;
    /* The strict form first, unless the query asks for relevance (a
     * question, a long query); the relaxed one when the strict form finds
     * nothing. */
    bool has_relaxed = !p.relaxed.empty();
    bool relaxed = has_relaxed && p.relaxed_first;
    bool strict_empty = false;
    Xapian::MSet ms;
    for (;;) {
        const Xapian::Query &q = relaxed ? p.relaxed : p.query;
        /* The relaxed form answers questions, whose words the answer
         * shares only in part: its first articles' words rank it again.
         * A count alone needs no ranking. */
        enq.set_query(relaxed && !o->no_results
                          ? ps__feedback_query(enq, q)
                          : q);
        ms = enq.get_mset(o->no_results ? 0 : o->offset,
                          o->no_results ? 0 : limit, check_at_least(d, q));
        if (relaxed || ms.get_matches_upper_bound() > 0)
            break;
        strict_empty = true;
        if (!has_relaxed)
            break;
        relaxed = true;
    }
    jref out(json_object());
    json_t *results = jnew(json_array());
    jset(out.j, "results", results);
    result_builder rb(d, p, max_hits,
                      o->max_mentions ? o->max_mentions : DEFAULT_MAX_MENTIONS,
                      o->max_entities ? o->max_entities : DEFAULT_MAX_ENTITIES,
                      o->hit_lines != 0);
    unsigned rank = o->offset;
    /* Ask remote shards for the results' documents at once: over the
     * network, one round trip rather than one a document. Not locally,
     * where it reads every document twice (bench slice, whole results in
     * process: +40% on the median query). */
    if (d->has_remote && !ms.empty())
        ms.fetch(ms.begin(), ms.end());
    for (auto m = ms.begin(); m != ms.end(); ++m) {
        if (o->raw)
            jpush(results,
                  json_pack("{s:I,s:f,s:s}", "rank", (json_int_t)++rank,
                            "score", shown_score(m.get_weight()), "path",
                            m.get_document().get_value(PS__V_PATH).c_str()));
        else
            jpush(results, rb.build(m, ++rank));
    }
    jset(out.j, "total", json_integer(ms.get_matches_estimated()));
    jset(out.j, "total_exact",
         json_boolean(ms.get_matches_lower_bound() ==
                      ms.get_matches_upper_bound()));
    jset(out.j, "offset", json_integer(o->offset));
    jset(out.j, "limit", json_integer(limit));
    if (o->facets)
        jset(out.j, "facets",
             facets(d, enq, o->facet_docs ? o->facet_docs : DEFAULT_FACET_DOCS,
                    o->facets));
    if (relaxed)
        jset(out.j, "relaxed", json_true());
    if (strict_empty || ms.get_matches_upper_bound() == 0) {
        std::string s = suggest(d, p);
        if (!s.empty())
            jset(out.j, "suggestion", json_string(s.c_str()));
    }
    if (!d->duplicates.empty()) {
        json_t *a = jnew(json_array());
        jset(out.j, "duplicate_paths", a);
        for (const std::string &s : d->duplicates)
            jpush(a, jstr(s.data(), s.size()));
    }
    if (!d->missing.empty()) {
        jset(out.j, "partial", json_true());
        json_t *m = jnew(json_array());
        jset(out.j, "missing_shards", m);
        for (const std::string &s : d->missing)
            jpush(m, json_string(s.c_str()));
    }
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
    jset(out.j, "elapsed_us", json_integer((json_int_t)us));
    return out.release();
}

} // namespace

extern "C" ps_status_t ps_search(ps_db_t *db, const ps_search_opts_t *opts,
                                 json_t **out, size_t *errpos)
{
    *out = nullptr;
    for (int attempt = 0;; attempt++) {
        try {
            *out = run_search(db, opts);
            return PS_OK;
        } catch (const ps__query_error &e) {
            db->errmsg = e.msg;
            if (errpos)
                *errpos = e.pos;
            return PS_EBADQUERY;
        } catch (const Xapian::NetworkError &) {
            /* A remote shard stopped answering. In partial mode, open the
             * index again without it and answer from the others. */
            if (db->opts.partial && attempt < MODIFIED_RETRIES) {
                try {
                    open_db(db);
                    continue;
                } catch (...) {
                    return ps__fail(db->errmsg, "reopen");
                }
            }
            return ps__fail(db->errmsg, "search");
        } catch (const Xapian::DatabaseModifiedError &) {
            /* A writer overwrote the revision being read: move on to the
             * newest one and run the search again. */
            if (attempt < MODIFIED_RETRIES) {
                try {
                    reopen(db);
                    continue;
                } catch (...) {
                    return ps__fail(db->errmsg, "reopen");
                }
            }
            return ps__fail(db->errmsg, "search");
        } catch (...) {
            return ps__fail(db->errmsg, "search");
        }
    }
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

extern "C" ps_status_t ps_db_entities(ps_db_t *db, const char *path,
                                      json_t **out)
{
    *out = nullptr;
    try {
        Xapian::Document doc;
        if (!find_document(db, path, doc))
            return PS_ENOTFOUND;
        docdata dd(doc);
        jref arr(json_array());
        for (const ps__entity &e : dd.ents) {
            const char *type = ps_entity_type_name((ps_entity_type_t)e.type);
            json_t *o = jnew(json_object());
            jpush(arr.j, o);
            jset(o, "type", json_string(type ? type : "misc"));
            jset(o, "id", jstr(e.id.data(), e.id.size()));
            jset(o, "name", jstr(e.name.data(), e.name.size()));
            jset(o, "known", json_boolean(e.known));
            jset(o, "count", json_integer((json_int_t)e.mentions.size()));
            json_t *ms = jnew(json_array());
            jset(o, "mentions", ms);
            for (const ps_mention_t &m : e.mentions)
                if (json_t *mo = mention_json(dd, m, true))
                    jpush(ms, mo);
        }
        *out = arr.release();
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, path);
    }
}

extern "C" ps_status_t ps_db_quotes(ps_db_t *db, const char *path,
                                    json_t **out)
{
    *out = nullptr;
    try {
        Xapian::Document doc;
        if (!find_document(db, path, doc))
            return PS_ENOTFOUND;
        docdata dd(doc);
        dd.index_lines();
        ps__lines l{dd.text, dd.len, dd.lines};
        jref arr(json_array());
        for (const ps__quote &q : dd.quotes)
            if (json_t *o = ps__quote_json(q, dd.ents, l, true))
                jpush(arr.j, o);
        *out = arr.release();
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, path);
    }
}

extern "C" ps_status_t ps_db_document(ps_db_t *db, const char *path,
                                      unsigned from, unsigned to, json_t **out)
{
    *out = nullptr;
    try {
        Xapian::Document doc;
        if (!find_document(db, path, doc))
            return PS_ENOTFOUND;
        docdata dd(doc);
        dd.index_lines();
        size_t total = dd.lines.size();
        if (total > 1 && dd.lines.back() == dd.len)
            total--; /* a final newline does not start a line */
        size_t first = from ? from : 1, last = to ? to : total;
        last = std::min(last, total);
        jref o(json_object());
        jset(o.j, "path", json_string(path));
        std::string title = doc.get_value(PS__V_TITLE);
        jset(o.j, "title", jstr(title.data(), title.size()));
        jset(o.j, "lines_total", json_integer((json_int_t)total));
        if (first > last) {
            jset(o.j, "first_line", json_integer((json_int_t)first));
            jset(o.j, "last_line", json_integer((json_int_t)first - 1));
            jset(o.j, "text", json_string(""));
        } else {
            size_t a = dd.lines[first - 1];
            size_t b = last < dd.lines.size() ? dd.lines[last] : dd.len;
            jset(o.j, "first_line", json_integer((json_int_t)first));
            jset(o.j, "last_line", json_integer((json_int_t)last));
            jset(o.j, "text", jstr(dd.text + a, b - a));
        }
        *out = o.release();
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, path);
    }
}

extern "C" ps_status_t ps_db_stats(ps_db_t *db, json_t **out)
{
    *out = nullptr;
    try {
        jref o(json_object());
        jset(o.j, "path", json_string(db->dir.c_str()));
        jset(o.j, "documents", json_integer(db->db.get_doccount()));
        jset(o.j, "avg_length", json_real(db->db.get_avlength()));
        jset(o.j, "has_positions", json_boolean(db->db.has_positions()));
        /* Each shard has its own revision; one shard gives a number. */
        json_t *rev = jnew(json_array());
        jref rev_ref(rev);
        for (auto &sh : db->shards)
            jpush(rev, json_integer((json_int_t)sh.get_revision()));
        jset(o.j, "revision",
             db->shards.size() == 1 ? json_incref(json_array_get(rev, 0))
                                    : json_incref(rev));
        /* The generation is the "db.N" the stub names: it changes with
         * every --full rebuild. */
        std::string gen;
        if (FILE *f = std::fopen((db->dir + "/" PS__STUB).c_str(), "r")) {
            char line[256];
            if (std::fgets(line, sizeof line, f) &&
                std::strncmp(line, "auto ", 5) == 0) {
                gen = line + 5;
                gen.erase(gen.find_last_not_of("\r\n") + 1);
            }
            std::fclose(f);
        }
        jset(o.j, "generation", json_string(gen.c_str()));
        jset(o.j, "shards", json_integer((json_int_t)db->db.size()));
        if (!db->missing.empty()) {
            json_t *m = jnew(json_array());
            jset(o.j, "missing_shards", m);
            for (const std::string &s : db->missing)
                jpush(m, json_string(s.c_str()));
        }
        jset(o.j, "entities_known",
             json_integer((json_int_t)ps_gazetteer_count(db->gaz)));
        *out = o.release();
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, "stats");
    }
}

extern "C" ps_status_t ps_db_snapshot(ps_db_t *db, char *buf, size_t len)
{
    if (len)
        *buf = '\0';
    /* A remote shard's revision can change behind our back, and a partial
     * view is not the index: neither has a key worth remembering. */
    if (db->has_remote || !db->missing.empty())
        return PS_ENOTFOUND;
    try {
        /* The stub's identity names the generation (a --full switch
         * rewrites it); each shard's revision names its committed state. */
        std::string key = std::to_string((unsigned long long)db->stub_st.st_ino) +
                          "." +
                          std::to_string((long long)db->stub_st.st_mtim.tv_sec) +
                          "." +
                          std::to_string((long)db->stub_st.st_mtim.tv_nsec);
        for (auto &sh : db->shards)
            key += ":" + std::to_string((unsigned long long)sh.get_revision());
        if (key.size() >= len)
            return PS_ETOOBIG;
        std::memcpy(buf, key.c_str(), key.size() + 1);
        return PS_OK;
    } catch (...) {
        return ps__fail(db->errmsg, "snapshot");
    }
}

extern "C" ps_status_t ps_query_terms(ps_db_t *db, const char *text,
                                      json_t **out, size_t *errpos)
{
    *out = nullptr;
    try {
        ps__qctx ctx{db->an, db->gaz, &db->db, &db->shards};
        ps__parsed p = ps__query_parse(ctx, text);
        jref a(json_array());
        for (auto t = p.query.get_terms_begin(); t != p.query.get_terms_end();
             ++t)
            jpush(a.j, json_string((*t).c_str()));
        *out = a.release();
        return PS_OK;
    } catch (const ps__query_error &e) {
        db->errmsg = e.msg;
        if (errpos)
            *errpos = e.pos;
        return PS_EBADQUERY;
    } catch (...) {
        return ps__fail(db->errmsg, "query");
    }
}

extern "C" ps_status_t ps_query_check(ps_analyzer_t *an,
                                      const ps_gazetteer_t *gaz,
                                      const char *query, char **errmsg,
                                      size_t *errpos)
{
    if (errmsg)
        *errmsg = nullptr;
    std::string msg;
    try {
        ps__qctx ctx{an, gaz, nullptr};
        ps__query_parse(ctx, query);
        return PS_OK;
    } catch (const ps__query_error &e) {
        if (errmsg)
            *errmsg = ps__strdup(e.msg);
        if (errpos)
            *errpos = e.pos;
        return PS_EBADQUERY;
    } catch (...) {
        ps_status_t st = ps__fail(msg, "query");
        if (errmsg)
            *errmsg = ps__strdup(msg);
        return st;
    }
}
