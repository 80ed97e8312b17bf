/* The ops that answer about the index rather than search it: its
 * statistics (documents, revisions, generation, shards), a key for its
 * committed state (for answer caches), the terms a query becomes, and a
 * query's syntax checked without an index. */
#include <cstdio>
#include <cstring>
#include <string>

#include <xapian.h>

#include "search/search_private.h"
#include "store/shim.h"

using namespace ps__search;

extern "C" ps_status_t ps_db_stats(ps_db_t *db, json_t **out)
{
    *out = nullptr;
    try {
        jref o(json_object());
        jset(o.j, "path", json_string(db->dir.c_str()));
        jset(o.j, "documents", json_integer(db->db.get_doccount()));
        jset(o.j, "avg_length", json_real(db->db.get_avlength()));
        jset(o.j, "has_positions", json_boolean(db->db.has_positions()));
        /* Each shard has its own revision; one shard gives a number. A
         * remote shard's is not told by Xapian's remote protocol: null. */
        json_t *rev = jnew(json_array());
        jref rev_ref(rev);
        for (auto &sh : db->shards) {
            try {
                jpush(rev, json_integer((json_int_t)sh.get_revision()));
            } catch (const Xapian::UnimplementedError &) {
                jpush(rev, json_null());
            }
        }
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
        std::string key =
            std::to_string((unsigned long long)db->stub_st.st_ino) + "." +
            std::to_string((long long)db->stub_st.st_mtim.tv_sec) + "." +
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
        ps__qctx ctx{db->an,     db->gaz,    &db->db,       &db->shards,
                     &db->ident, &db->cache, db->has_remote};
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
