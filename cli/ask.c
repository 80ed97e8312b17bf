/* Asking for psearch's answers, of the daemon or of the index opened
 * directly: the search itself, the lines of each hit for the listing, and
 * an article's entities. Which side is asked is route.c's choice. */
#include "ask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psearch/common.h"
#include "render.h"

/* The most text read from a file when the daemon cannot give it. */
#define MAX_FILE_TEXT (16u << 20)

request_t ask_request(const options_t *o)
{
    /* Lines are asked for where they are printed, in the one answer: a
     * request per result for them cost more than the search. --json
     * prints the answer as it comes, and stays as it was. */
    request_t q = {0,           o->limit,  o->offset,
                   o->max_hits, o->facets, o->mode != RENDER_JSON};
    if (o->count && o->facets) {
        q.facets_op = 1;
    } else if (o->count) {
        /* The daemon has no count-only operation without facets, and
         * counting entities costs more than one small result. */
        q.limit = 1;
        q.offset = 0;
        q.max_hits = 1;
        q.lines = 0;
    }
    return q;
}

/* Sends REQ (taken over) to the daemon: its answer with "ok" removed,
 * or NULL with *RESP the error answer (NULL when nothing came back, after
 * a message). */
static json_t *call_daemon(run_t *r, json_t *req, json_t **resp)
{
    char err[512];
    *resp = NULL;
    client_status_t cs =
        req ? client_call(r->client, req, resp, err, sizeof err)
            : CLIENT_FAILED;
    json_decref(req);
    if (cs != CLIENT_OK) {
        fprintf(stderr, "psearch: %s\n", req ? err : "out of memory");
        json_decref(*resp);
        *resp = NULL;
        return NULL;
    }
    if (json_is_true(json_object_get(*resp, "ok"))) {
        json_t *ok = *resp;
        *resp = NULL;
        json_object_del(ok, "ok");
        return ok;
    }
    return NULL;
}

static json_t *daemon_request(const options_t *o, const request_t *q)
{
    if (q->facets_op)
        return json_pack("{s:s, s:s, s:I}", "op", "facets", "q", o->query,
                         "limit", (json_int_t)q->facets);
    json_t *req = json_pack("{s:s, s:s, s:I, s:I}", "op", "search", "q",
                            o->query, "limit", (json_int_t)q->limit, "offset",
                            (json_int_t)q->offset);
    if (req && q->max_hits)
        json_object_set_new(req, "max_hits", json_integer(q->max_hits));
    if (req && q->facets)
        json_object_set_new(req, "facets", json_integer(q->facets));
    if (req && q->lines)
        json_object_set_new(req, "lines", json_true());
    return req;
}

/* Asks the daemon. Returns the result, or NULL after a message; *BUSY is
 * set instead when the daemon turned the connection away unread (max
 * clients reached), which leaves the index as a safe second choice. */
static json_t *search_daemon(run_t *r, const request_t *q, int *busy)
{
    const options_t *o = r->o;
    json_t *resp;
    json_t *res = call_daemon(r, daemon_request(o, q), &resp);
    if (res || !resp)
        return res;
    const json_t *e = json_object_get(resp, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    if (code && !strcmp(code, "ETOOMANY") && !o->socket) {
        *busy = 1;
    } else if (code && !strcmp(code, ps_status_name(PS_EBADQUERY))) {
        const json_t *p = json_object_get(e, "position");
        const char *msg = json_string_value(json_object_get(e, "message"));
        render_query_error(stderr, o->query, msg ? msg : "malformed query",
                           json_is_integer(p) ? (long)json_integer_value(p)
                                              : -1,
                           cli_use_color(o->color, STDERR_FILENO));
    } else {
        route_daemon_error(r, resp);
    }
    json_decref(resp);
    return NULL;
}

static json_t *search_direct(run_t *r, const request_t *q)
{
    const options_t *o = r->o;
    if (route_open_direct(r))
        return NULL;
    ps_search_opts_t so = {
        .query = o->query,
        .offset = q->facets_op ? 0 : q->offset,
        .limit = q->facets_op ? 0 : q->limit,
        .max_hits = q->facets_op ? 0 : q->max_hits,
        .facets = q->facets,
        .no_results = q->facets_op,
        .hit_lines = q->lines,
    };
    json_t *res = NULL;
    size_t pos = 0;
    ps_status_t st = r->eng->search(r->db, &so, &res, &pos);
    if (st == PS_EBADQUERY) {
        render_query_error(stderr, o->query, r->eng->db_errmsg(r->db),
                           (long)pos, cli_use_color(o->color, STDERR_FILENO));
        return NULL;
    }
    if (st != PS_OK) {
        fprintf(stderr, "psearch: %s: %s\n", ps_status_str(st),
                r->eng->db_errmsg(r->db));
        return NULL;
    }
    return res;
}

json_t *ask_search(run_t *r, int route, const request_t *q)
{
    if (route != ROUTE_DAEMON)
        return search_direct(r, q);
    int busy = 0;
    json_t *res = search_daemon(r, q, &busy);
    if (!busy)
        return res;
    route_drop_daemon(r);
    return search_direct(r, q);
}

/* Lines FROM..TO of the file at PATH, read from disk, in the shape of
 * ps_db_document(): the last resort when the daemon cannot give them. */
static json_t *disk_lines(const char *path, unsigned from, unsigned to)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    unsigned line = 1;
    int c;
    while (line <= to && (c = getc(f)) != EOF) {
        if (line >= from) {
            if (len + 1 >= cap) {
                size_t ncap = cap ? cap * 2 : 4096;
                char *nb = ncap <= MAX_FILE_TEXT ? realloc(buf, ncap) : NULL;
                if (!nb)
                    break;
                buf = nb;
                cap = ncap;
            }
            if (c != '\n' || line < to)
                buf[len++] = (char)c;
        }
        if (c == '\n')
            line++;
    }
    fclose(f);
    json_t *doc =
        buf ? json_pack("{s:s, s:I, s:s%}", "path", path, "first_line",
                        (json_int_t)from, "text", buf, len)
            : NULL;
    free(buf);
    return doc;
}

json_t *ask_lines(void *run, const char *path, unsigned from, unsigned to)
{
    run_t *r = run;
    json_t *doc = NULL;
    if (r->db) {
        if (r->eng->db_document(r->db, path, from, to, &doc) == PS_OK)
            return doc;
        return NULL;
    }
    if (r->client && !r->client_broken) {
        json_t *req =
            json_pack("{s:s, s:s, s:I, s:I}", "op", "doc", "path", path, "from",
                      (json_int_t)from, "to", (json_int_t)to);
        char err[512];
        json_t *resp = NULL;
        if (req &&
            client_call(r->client, req, &resp, err, sizeof err) != CLIENT_OK)
            r->client_broken = 1;
        json_decref(req);
        if (json_is_true(json_object_get(resp, "ok"))) {
            json_object_del(resp, "ok");
            return resp;
        }
        json_decref(resp);
    }
    /* The daemon does not hand out texts (or failed to): the file itself
     * is the best there is, and is the same text unless it changed since
     * it was indexed. */
    return disk_lines(path, from, to);
}

static json_t *daemon_entities(run_t *r, const char *path, int *missing,
                               json_t **quotes)
{
    json_t *req =
        json_pack("{s:s, s:s, s:I, s:I, s:b}", "op", "doc", "path", path,
                  "from", (json_int_t)1, "to", (json_int_t)1, "entities", 1);
    json_t *resp;
    json_t *doc = call_daemon(r, req, &resp);
    json_t *ents = json_incref(json_object_get(doc, "entities"));
    *quotes = json_incref(json_object_get(doc, "quotes"));
    if (!doc && resp) {
        const char *code = json_string_value(
            json_object_get(json_object_get(resp, "error"), "code"));
        if (code && !strcmp(code, ps_status_name(PS_ENOTFOUND)))
            *missing = 1;
        else
            route_daemon_error(r, resp);
    }
    json_decref(doc);
    json_decref(resp);
    return ents;
}

json_t *ask_entities(run_t *r, int route, const char *path, int *missing,
                     json_t **quotes)
{
    *quotes = NULL;
    if (route == ROUTE_DAEMON)
        return daemon_entities(r, path, missing, quotes);
    if (route_open_direct(r))
        return NULL;
    json_t *ents = NULL;
    ps_status_t st = r->eng->db_entities(r->db, path, &ents);
    if (st == PS_OK)
        st = r->eng->db_quotes(r->db, path, quotes);
    if (st == PS_ENOTFOUND)
        *missing = 1;
    else if (st != PS_OK)
        fprintf(stderr, "psearch: %s: %s\n", ps_status_str(st),
                r->eng->db_errmsg(r->db));
    return ents;
}
