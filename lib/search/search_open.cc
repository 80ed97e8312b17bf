/* Opening an index for reading: the stub names the live generation's
 * shards (folders, or xapian-tcpsrv servers), which are opened side by
 * side as one Database; the check for paths that two shards hold (per
 * page of results); the stored gazetteer; and following the index as the
 * writer commits. */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <xapian.h>

#include "search/search_private.h"
#include "store/shim.h"

using namespace ps__search;

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
std::string ps__search::shards_metadata(const ps_db_t *d,
                                        const std::string &key)
{
    std::string best;
    for (const Xapian::Database &db : d->shards) {
        std::string v = db.get_metadata(key);
        if (!v.empty() && (best.empty() || v < best))
            best.swap(v);
    }
    return best;
}

/* Whether no shard of D holds quotes (each was indexed with
 * psearch-index --no-quotes), read once a (re)open: a remote shard's
 * metadata is a round trip. */
static void load_quotes_flag(ps_db_t *d)
{
    d->no_quotes = !d->shards.empty();
    for (const Xapian::Database &db : d->shards)
        if (db.get_metadata(PS__META_QUOTES) != PS__QUOTES_NONE)
            d->no_quotes = false;
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

/* A psearch-index run puts each path in one shard by a hash, but indexes
 * built apart (one per node, listed in a stub by hand) may each hold a
 * file of the same path: its id term then has more than one document.
 * Answers name such paths among their results rather than silently show
 * one article twice or merge two. Checked per page, not at open: the
 * document counts of a page's id terms come in one search (a round trip
 * a shard, side by side) and are remembered until the index changes,
 * where listing every path of every shard at open cost a node's whole
 * list of paths over the network, and grew with the index. */
std::vector<std::string> ps__search::held_twice(ps_db_t *d,
                                                std::vector<std::string> paths)
{
    if (!d->check_paths || paths.empty())
        return {};
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    std::vector<std::string> terms;
    for (const std::string &p : paths)
        terms.push_back(ps__id_term(p.c_str()));
    d->ident.prefetch(terms);
    std::vector<std::string> out;
    for (size_t i = 0; i < paths.size() && out.size() < MAX_DUPLICATES; i++)
        if (d->ident.freq(terms[i]) > 1)
            out.push_back(paths[i]);
    return out;
}

/* A stub line: its kind ("auto", "glass", "remote") and its argument. */
using stub_line = std::pair<std::string, std::string>;

/* The lines of D's stub, and its identity into ST; throws when there is
 * no stub (no index). */
static std::vector<stub_line> read_stub(const ps_db_t *d, struct stat &st)
{
    std::string stub = d->dir + "/" PS__STUB;
    std::FILE *f = std::fopen(stub.c_str(), "r");
    if (!f || ::fstat(fileno(f), &st) != 0) {
        if (f)
            std::fclose(f);
        throw Xapian::DatabaseNotFoundError(
            "no index (run psearch-index first)");
    }
    std::vector<stub_line> lines;
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
    return lines;
}

/* Every shard is checked: indexes built apart on several machines may
 * not all have been rebuilt with the same psearch. */
static void check_formats(const std::vector<Xapian::Database> &shards,
                          const std::vector<std::string> &names)
{
    for (size_t k = 0; k < shards.size(); k++) {
        std::string fmt = shards[k].get_metadata(PS__META_FORMAT);
        if (fmt != PS__FORMAT)
            throw Xapian::DatabaseVersionError(
                (shards.size() > 1 ? "shard " + names[k] + ": " : "") +
                "index format '" + fmt +
                "', this psearch reads '" PS__FORMAT
                "'; rebuild it with psearch-index --full");
    }
}

/* What SHARDS say of themselves without a round trip (a remote shard's
 * greeting): identity, document count, last docid and total length. Two
 * openings that print the same read the same index state, but for a
 * document replaced by one of the same length. */
static std::string shards_print(const std::vector<Xapian::Database> &shards)
{
    std::string p;
    for (const Xapian::Database &db : shards)
        p += db.get_uuid() + ":" + std::to_string(db.get_doccount()) + ":" +
             std::to_string(db.get_lastdocid()) + ":" +
             std::to_string((unsigned long long)db.get_total_length()) + ";";
    return p;
}

/* Opens the shards the stub lists, side by side in one Database: Xapian
 * then ranks across them with shared statistics, as one index. With
 * KEEP, what the handle remembers of the shards (ident, cache) is kept
 * when they print as before (shards_print()). */
void ps__search::open_db(ps_db_t *d, bool keep)
{
    struct stat st;
    std::vector<stub_line> lines = read_stub(d, st);
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
    check_formats(shards, names);
    d->check_paths = shards.size() > 1 && assembled;
    d->db = db;
    d->stub_st = st;
    d->missing.swap(missing);
    d->shards.swap(shards);
    d->has_remote = has_remote;
    d->ident.set_remote(has_remote);
    d->missing_since = std::chrono::steady_clock::now();
    load_gazetteer(d);
    load_quotes_flag(d);
    std::string print = shards_print(d->shards);
    if (!keep || print != d->print || !d->missing.empty()) {
        d->ident.clear();
        d->cache.clear();
    }
    d->print.swap(print);
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
bool ps__search::reopen(ps_db_t *d)
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
    bool changed;
    try {
        changed = d->db.reopen();
    } catch (const Xapian::NetworkError &) {
        /* A remote closed the connection (xapian-tcpsrv drops one idle
         * for a minute): connect again, keeping what the handle learnt
         * of the shards if they are as they were, so that a query after
         * a quiet minute costs what it did before. */
        if (!d->has_remote)
            throw;
        open_db(d, true);
        return true;
    }
    if (changed) {
        load_gazetteer(d);
        load_quotes_flag(d);
        d->ident.clear();
        d->cache.clear();
    }
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
