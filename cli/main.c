/* psearch: the command line. Reads the options, joins the remaining
 * arguments into one query, asks the daemon when one answers (else opens
 * the index itself), and hands the result to render.c. Exit codes are
 * grep's: 0 something matched, 1 nothing did, 2 an error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "engine.h"
#include "entities.h"
#include "psearch/paths.h"
#include "psearch/search.h"
#include "render.h"

#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

/* Exit codes, documented in --help and the README. */
enum {
    EXIT_MATCH = 0,
    EXIT_NOMATCH = 1,
    EXIT_ERROR = 2,
};

/* How long to wait for the daemon to accept a connection. A daemon on a
 * local socket accepts at once unless its backlog is full; waiting longer
 * only delays the fall-back to the index. */
#define CONNECT_MS 500
/* The default wait for each answer: well above the daemon's own query
 * budget, so only a stuck daemon ever reaches it. */
#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_LIMIT 10
#define DEFAULT_FACETS 10
/* The largest --limit, --max-hits and --facets: psearchd's default
 * maxima, so that what works directly also works through the daemon. */
#define MAX_LIMIT 1000
#define MAX_FACETS 100
/* The most text read from a file when the daemon cannot give it. */
#define MAX_FILE_TEXT (16u << 20)

enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct options {
    const char *index;
    const char *socket;
    int direct;
    render_mode_t mode;
    int count;
    unsigned facets;
    unsigned limit, offset, max_hits;
    int color;
    int width; /* -1: the terminal's */
    int timeout_ms;
    int partial;
    char *query;
    const char *entities; /* --entities PATH: that article's entities */
} options_t;

static void usage(FILE *f)
{
    fputs(
        "Usage: psearch [options] QUERY...\n"
        "Searches the indexed news articles and prints, best article first, every\n"
        "line that matches. The arguments are joined with spaces into one query.\n"
        "The daemon (psearchd) answers when it runs; otherwise psearch opens the\n"
        "index itself. Both give the same results.\n"
        "\n"
        "Output:\n"
        "  -j, --json          JSON Lines: one object per result, then a summary\n"
        "                      line {\"total\",\"total_exact\",\"elapsed_us\",...}\n"
        "      --vimgrep       path:line:column:text for every hit (Vim's grepprg)\n"
        "  -c, --count         print only the number of matching articles\n"
        "      --entities PATH every entity of the indexed article PATH with\n"
        "                      every mention (no QUERY; --json for JSON Lines)\n"
        "      --facets[=N]    also list the N (default 10, at most 100) people,\n"
        "                      places, organisations and treaties most talked\n"
        "                      about in the matching articles\n"
        "  -n, --limit N       show N articles (default 10, at most 1000)\n"
        "      --offset N      skip the first N articles (for paging)\n"
        "      --max-hits N    list at most N hits per article (default 50)\n"
        "      --color[=WHEN]  highlight matches: auto (on a terminal, unless\n"
        "                      $NO_COLOR is set), always or never; default auto\n"
        "      --width N       cut lines to N columns (0: never; default the\n"
        "                      terminal's width, else $COLUMNS, else never)\n"
        "\n"
        "Where to search:\n"
        "  -i, --index DIR     the index (default $PSEARCH_INDEX, else\n"
        "                      $XDG_DATA_HOME/psearch/index, else\n"
        "                      ~/.local/share/psearch/index); when the index is\n"
        "                      named here or in $PSEARCH_INDEX, the daemon is\n"
        "                      asked only if it serves that same index\n"
        "  -s, --socket PATH   ask the daemon at PATH, and fail if it does not\n"
        "                      answer (default $PSEARCH_SOCKET, else\n"
        "                      $XDG_RUNTIME_DIR/psearch.sock, else\n"
        "                      /tmp/psearch-$UID.sock)\n"
        "  -d, --direct        open the index, never ask the daemon\n"
        "      --timeout SEC   wait at most SEC seconds for the daemon's answer,\n"
        "                      or for a remote shard of the index (default 10)\n"
        "      --partial       when a remote shard does not answer, search the\n"
        "                      others and say the results are partial\n"
        "  -h, --help          show this help\n"
        "  -V, --version       show the version\n"
        "\n"
        "Options go before the query; long options may also follow it. A word\n"
        "starting with '-' after the first query word is a query word\n"
        "(psearch peace -Witkoff); put '--' before a query that starts with '-'.\n"
        "\n"
        "Query: words (all must match, stemmed), \"exact phrase\", ~\"stemmed\n"
        "phrase\", a OR b, -word or NOT word, ( ), prefix*, a NEAR/5 b,\n"
        "title:word, path:text, date:2025-12, person:NAME, place:, org:, treaty:.\n"
        "A query of 5 words or more, one ending in '?', or one whose words no\n"
        "article has all of is answered relaxed: the articles with most of the\n"
        "words, by relevance. AND, OR, NOT or NEAR keep a query strict.\n"
        "\n"
        "Exit status: 0 something matched, 1 nothing matched, 2 an error (a\n"
        "malformed query, no index, the daemon asked for did not answer).\n",
        f);
}

/* Parses a number in [MIN, MAX] for option NAME. */
static int parse_uint(const char *name, const char *s, unsigned min,
                      unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
        fprintf(stderr,
                "psearch: --%s takes a number from %u to %u, not "
                "'%s'\n",
                name, min, max, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_seconds(const char *s, int *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 3600) {
        fprintf(stderr,
                "psearch: --timeout takes seconds from 0.001 to "
                "3600, not '%s'\n",
                s);
        return -1;
    }
    *ms = (int)(v * 1000 + 0.5);
    if (*ms < 1)
        *ms = 1;
    return 0;
}

/* Appends WORD to the query being built in *Q. */
static int query_push(char **q, size_t *len, const char *word)
{
    size_t n = strlen(word);
    char *nq = realloc(*q, *len + n + 2);
    if (!nq)
        return -1;
    if (*len)
        nq[(*len)++] = ' ';
    memcpy(nq + *len, word, n + 1);
    *len += n;
    *q = nq;
    return 0;
}

/* Returns -1 to exit with EXIT_ERROR, 1 to exit 0 (--help, --version).
 *
 * getopt_long runs in "+" mode, stopping at the first query word, because
 * a query may hold words like "-Witkoff" that it would take for options.
 * After that first word, only long options ("--json") are still options:
 * "--" followed by a letter can never be part of a valid query. */
static int parse_args(int argc, char **argv, options_t *o)
{
    enum {
        OPT_VIMGREP = 256,
        OPT_OFFSET,
        OPT_MAX_HITS,
        OPT_COLOR,
        OPT_FACETS,
        OPT_TIMEOUT,
        OPT_WIDTH,
        OPT_PARTIAL,
        OPT_ENTITIES,
    };
    static const struct option longopts[] = {
        {"json", no_argument, 0, 'j'},
        {"vimgrep", no_argument, 0, OPT_VIMGREP},
        {"count", no_argument, 0, 'c'},
        {"facets", optional_argument, 0, OPT_FACETS},
        {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, OPT_OFFSET},
        {"max-hits", required_argument, 0, OPT_MAX_HITS},
        {"color", optional_argument, 0, OPT_COLOR},
        {"colour", optional_argument, 0, OPT_COLOR},
        {"width", required_argument, 0, OPT_WIDTH},
        {"index", required_argument, 0, 'i'},
        {"socket", required_argument, 0, 's'},
        {"direct", no_argument, 0, 'd'},
        {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"partial", no_argument, 0, OPT_PARTIAL},
        {"entities", required_argument, 0, OPT_ENTITIES},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->mode = RENDER_HUMAN;
    o->limit = DEFAULT_LIMIT;
    o->color = COLOR_AUTO;
    o->width = -1;
    o->timeout_ms = DEFAULT_TIMEOUT_MS;
    int json = 0, vimgrep = 0;
    size_t qlen = 0;
    unsigned w;

    for (;;) {
        int prev = optind;
        int c = getopt_long(argc, argv, "+jcn:i:s:dhV", longopts, NULL);
        if (c == -1) {
            if (optind > prev && strcmp(argv[optind - 1], "--") == 0) {
                /* Everything after "--" is the query. */
                for (; optind < argc; optind++)
                    if (query_push(&o->query, &qlen, argv[optind]))
                        goto nomem;
                break;
            }
            if (optind >= argc)
                break;
            /* Query words, up to the next long option. */
            while (optind < argc &&
                   !(argv[optind][0] == '-' && argv[optind][1] == '-'))
                if (query_push(&o->query, &qlen, argv[optind++]))
                    goto nomem;
            continue;
        }
        switch (c) {
        case 'j':
            json = 1;
            break;
        case OPT_VIMGREP:
            vimgrep = 1;
            break;
        case 'c':
            o->count = 1;
            break;
        case OPT_FACETS:
            o->facets = DEFAULT_FACETS;
            if (optarg &&
                parse_uint("facets", optarg, 1, MAX_FACETS, &o->facets))
                return -1;
            break;
        case 'n':
            if (parse_uint("limit", optarg, 1, MAX_LIMIT, &o->limit))
                return -1;
            break;
        case OPT_OFFSET:
            if (parse_uint("offset", optarg, 0, INT_MAX, &o->offset))
                return -1;
            break;
        case OPT_MAX_HITS:
            if (parse_uint("max-hits", optarg, 1, MAX_LIMIT, &o->max_hits))
                return -1;
            break;
        case OPT_COLOR:
            if (!optarg || !strcmp(optarg, "always"))
                o->color = COLOR_ALWAYS;
            else if (!strcmp(optarg, "auto"))
                o->color = COLOR_AUTO;
            else if (!strcmp(optarg, "never"))
                o->color = COLOR_NEVER;
            else {
                fprintf(stderr,
                        "psearch: --color takes auto, always or "
                        "never, not '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_WIDTH:
            if (parse_uint("width", optarg, 0, 100000, &w))
                return -1;
            o->width = (int)w;
            break;
        case 'i':
            o->index = optarg;
            break;
        case 's':
            o->socket = optarg;
            break;
        case 'd':
            o->direct = 1;
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, &o->timeout_ms))
                return -1;
            break;
        case OPT_PARTIAL:
            o->partial = 1;
            break;
        case OPT_ENTITIES:
            o->entities = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("psearch %s\n", PS_VERSION);
            return 1;
        default:
            fprintf(stderr, "Try 'psearch --help'.\n");
            return -1;
        }
    }
    if (json + vimgrep > 1 || (vimgrep && (o->count || o->facets))) {
        fprintf(stderr, "psearch: --json and --vimgrep exclude each other, "
                        "and --vimgrep shows hits only (no --count or "
                        "--facets)\n");
        return -1;
    }
    if (o->direct && o->socket) {
        fprintf(stderr, "psearch: --direct and --socket exclude each "
                        "other\n");
        return -1;
    }
    if (o->entities && (o->query || vimgrep || o->count || o->facets)) {
        fprintf(stderr, "psearch: --entities takes no QUERY, --vimgrep, "
                        "--count or --facets\n");
        return -1;
    }
    if (!o->query && !o->entities) {
        fprintf(stderr, "psearch: no QUERY given\n"
                        "Try 'psearch --help'.\n");
        return -1;
    }
    o->mode = json ? RENDER_JSON : vimgrep ? RENDER_VIMGREP : RENDER_HUMAN;
    if (o->count && !json)
        o->mode = RENDER_COUNT;
    return 0;
nomem:
    fprintf(stderr, "psearch: out of memory\n");
    return -1;
}

static int use_color(int mode, int fd)
{
    if (mode != COLOR_AUTO)
        return mode == COLOR_ALWAYS;
    /* https://no-color.org: set and not empty turns default colour off;
     * an explicit --color=always still wins. */
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if ((nc && nc[0]) || (term && !strcmp(term, "dumb")))
        return 0;
    return isatty(fd);
}

static int term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (end != cols && !*end && v > 0 && v <= 100000)
            return (int)v;
    }
    /* Into a pipe or a file, whole lines, as grep writes them. */
    return 0;
}

/* Everything one run holds, for the fetch callback and the clean-up. */
typedef struct run {
    const options_t *o;
    ps_db_t *db;       /* direct */
    const engine_t *eng; /* loaded with db */
    client_t *client;  /* through the daemon */
    int client_broken; /* the connection lost step: stop using it */
    char *index_dir;
    char *socket_path;
} run_t;

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

static json_t *fetch_lines(void *ctx, const char *path, unsigned from,
                           unsigned to)
{
    run_t *r = ctx;
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

static void report_daemon_error(const run_t *r, const json_t *resp)
{
    const json_t *e = json_object_get(resp, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    fprintf(stderr, "psearch: the daemon at %s refused: %s%s%s\n",
            r->socket_path, code ? code : "error", msg ? ": " : "",
            msg ? msg : "");
}

/* Whether the daemon's index directory SERVED is the one wanted: the
 * same directory once symbolic links and relative parts are resolved. */
static int same_index(const char *wanted, const char *served)
{
    char *a = realpath(wanted, NULL), *b = realpath(served, NULL);
    int same = strcmp(a ? a : wanted, b ? b : served) == 0;
    free(a);
    free(b);
    return same;
}

/* The index directory the daemon's stats answer names: the open index's
 * own path, else the directory it was told to serve (it may not have
 * opened it yet). */
static const char *stats_path(const json_t *st)
{
    const char *p = json_string_value(
        json_object_get(json_object_get(st, "index"), "path"));
    if (p)
        return p;
    return json_string_value(
        json_object_get(json_object_get(st, "daemon"), "index_dir"));
}

enum { ROUTE_DIRECT, ROUTE_DAEMON, ROUTE_ERROR };

/* Decides who answers. With --socket it must be the daemon. Otherwise
 * the daemon is used when it answers at all, and, when the index was
 * named (--index or $PSEARCH_INDEX), only when its stats say it serves
 * that index: a daemon for another index would answer another question.
 * Anything short of a connection means direct, as nothing was sent. */
static int choose_route(run_t *r)
{
    const options_t *o = r->o;
    if (o->direct)
        return ROUTE_DIRECT;
    char err[512];
    client_status_t cs = client_connect(
        r->socket_path, CONNECT_MS, o->timeout_ms, &r->client, err, sizeof err);
    if (cs != CLIENT_OK) {
        if (!o->socket)
            return ROUTE_DIRECT;
        fprintf(stderr, "psearch: %s (is psearchd running?)\n", err);
        return ROUTE_ERROR;
    }
    const char *env = getenv("PSEARCH_INDEX");
    if (!o->index && !(env && env[0]))
        return ROUTE_DAEMON;

    json_t *req = json_pack("{s:s}", "op", "stats");
    json_t *resp = NULL;
    cs = req ? client_call(r->client, req, &resp, err, sizeof err)
             : CLIENT_FAILED;
    json_decref(req);
    if (cs != CLIENT_OK) {
        fprintf(stderr, "psearch: %s\n", req ? err : "out of memory");
        return ROUTE_ERROR;
    }
    const char *served =
        json_is_true(json_object_get(resp, "ok")) ? stats_path(resp) : NULL;
    int same = served && same_index(r->index_dir, served);
    if (!same && o->socket) {
        fprintf(stderr, "psearch: the daemon at %s serves %s, not %s\n",
                r->socket_path, served ? served : "an unknown index",
                r->index_dir);
        json_decref(resp);
        return ROUTE_ERROR;
    }
    json_decref(resp);
    if (same)
        return ROUTE_DAEMON;
    client_close(r->client);
    r->client = NULL;
    return ROUTE_DIRECT;
}

/* One search as both paths run it. Building it once, and mapping it to
 * ps_search_opts_t the way psearchd does, is what makes the daemon and
 * the index give byte-identical answers. */
typedef struct request {
    int facets_op; /* totals and facets only: the daemon's "facets" op */
    unsigned limit, offset, max_hits, facets;
    int lines; /* the hit lines' text comes with the results */
} request_t;

static request_t make_request(const options_t *o)
{
    /* Lines are asked for where they are printed, in the one answer: a
     * request per result for them cost more than the search. --json
     * prints the answer as it comes, and stays as it was. */
    request_t q = {0, o->limit, o->offset, o->max_hits, o->facets,
                   o->mode != RENDER_JSON};
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

/* Asks the daemon. Returns the result, or NULL after a message; *BUSY is
 * set instead when the daemon turned the connection away unread (max
 * clients reached), which leaves the index as a safe second choice. */
static json_t *search_daemon(run_t *r, const request_t *q, int *busy)
{
    const options_t *o = r->o;
    json_t *req;
    if (q->facets_op) {
        req = json_pack("{s:s, s:s, s:I}", "op", "facets", "q", o->query,
                        "limit", (json_int_t)q->facets);
    } else {
        req = json_pack("{s:s, s:s, s:I, s:I}", "op", "search", "q", o->query,
                        "limit", (json_int_t)q->limit, "offset",
                        (json_int_t)q->offset);
        if (req && q->max_hits)
            json_object_set_new(req, "max_hits", json_integer(q->max_hits));
        if (req && q->facets)
            json_object_set_new(req, "facets", json_integer(q->facets));
        if (req && q->lines)
            json_object_set_new(req, "lines", json_true());
    }
    char err[512];
    json_t *resp = NULL;
    client_status_t cs =
        req ? client_call(r->client, req, &resp, err, sizeof err)
            : CLIENT_FAILED;
    json_decref(req);
    if (cs != CLIENT_OK) {
        fprintf(stderr, "psearch: %s\n", req ? err : "out of memory");
        return NULL;
    }
    if (json_is_true(json_object_get(resp, "ok"))) {
        json_object_del(resp, "ok");
        return resp;
    }
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
                           use_color(o->color, STDERR_FILENO));
    } else {
        report_daemon_error(r, resp);
    }
    json_decref(resp);
    return NULL;
}

/* Opens the index for the direct path; 0, or -1 after a message. */
static int open_direct(run_t *r)
{
    const options_t *o = r->o;
    if (r->db)
        return 0;
    if (!r->index_dir) {
        fprintf(stderr, "psearch: no index directory: give --index or set "
                        "$PSEARCH_INDEX\n");
        return -1;
    }
    r->eng = engine_load();
    if (!r->eng)
        return -1;
    char *errmsg = NULL;
    ps_db_opts_t dbo = {.remote_timeout_ms = (unsigned)o->timeout_ms,
                        .partial = o->partial};
    ps_status_t st = r->eng->db_open_opts(r->index_dir, &dbo, &r->db, &errmsg);
    if (st == PS_ENOINDEX) {
        fprintf(stderr,
                "psearch: no index in %s\n"
                "Build one with: psearch-index --index %s "
                "CORPUS_DIR\n",
                r->index_dir, r->index_dir);
        free(errmsg);
        return -1;
    }
    if (st != PS_OK) {
        /* The engine's message starts with the index directory. */
        if (errmsg)
            fprintf(stderr, "psearch: %s\n", errmsg);
        else
            fprintf(stderr, "psearch: %s: %s\n", r->index_dir,
                    ps_status_str(st));
        free(errmsg);
        return -1;
    }
    return 0;
}

static json_t *search_direct(run_t *r, const request_t *q)
{
    const options_t *o = r->o;
    if (open_direct(r))
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
        render_query_error(stderr, o->query, r->eng->db_errmsg(r->db), (long)pos,
                           use_color(o->color, STDERR_FILENO));
        return NULL;
    }
    if (st != PS_OK) {
        fprintf(stderr, "psearch: %s: %s\n", ps_status_str(st),
                r->eng->db_errmsg(r->db));
        return NULL;
    }
    return res;
}

/* --entities PATH: the article's entities, from the daemon's doc answer
 * or the index, as a JSON array; NULL after a message. *MISSING is set
 * when PATH is not indexed. *QUOTES gets its attributions (an array). */
static json_t *fetch_entities(run_t *r, int route, const char *path,
                              int *missing, json_t **quotes)
{
    json_t *ents = NULL;
    if (route == ROUTE_DAEMON) {
        json_t *req = json_pack("{s:s, s:s, s:I, s:I, s:b}", "op", "doc",
                                "path", path, "from", (json_int_t)1, "to",
                                (json_int_t)1, "entities", 1);
        json_t *resp = NULL;
        char err[512];
        if (!req ||
            client_call(r->client, req, &resp, err, sizeof err) != CLIENT_OK) {
            fprintf(stderr, "psearch: %s\n", req ? err : "out of memory");
        } else if (json_is_true(json_object_get(resp, "ok"))) {
            ents = json_incref(json_object_get(resp, "entities"));
            *quotes = json_incref(json_object_get(resp, "quotes"));
        } else {
            const char *code = json_string_value(
                json_object_get(json_object_get(resp, "error"), "code"));
            if (code && !strcmp(code, ps_status_name(PS_ENOTFOUND)))
                *missing = 1;
            else
                report_daemon_error(r, resp);
        }
        json_decref(req);
        json_decref(resp);
        return ents;
    }
    if (open_direct(r))
        return NULL;
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

/* Runs --entities: exit 0 when the article has entities, 1 when it has
 * none, 2 when it is not indexed or on an error. */
static int entities_main(run_t *r, int route)
{
    /* The index holds absolute paths with symbolic links resolved. */
    char *path = realpath(r->o->entities, NULL);
    int missing = 0;
    json_t *quotes = NULL;
    json_t *ents = fetch_entities(r, route, path ? path : r->o->entities,
                                  &missing, &quotes);
    int rc = EXIT_ERROR;
    if (missing)
        fprintf(stderr, "psearch: %s: not in the index\n", r->o->entities);
    if (ents) {
        int json = r->o->mode == RENDER_JSON;
        if (render_entities(ents, json, stdout) != 0 ||
            render_article_quotes(quotes, json, stdout) != 0)
            fprintf(stderr, "psearch: writing the entities: %s\n",
                    strerror(errno));
        else
            rc = json_array_size(ents) || json_array_size(quotes)
                     ? EXIT_MATCH
                     : EXIT_NOMATCH;
    }
    json_decref(ents);
    json_decref(quotes);
    free(path);
    return rc;
}

int main(int argc, char **argv)
{
    options_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        free(o.query);
        return rc < 0 ? EXIT_ERROR : EXIT_MATCH;
    }
    run_t r = {.o = &o};
    r.index_dir = ps_index_resolve_dir(o.index);
    r.socket_path = ps_socket_resolve_path(o.socket);
    int exit_code = EXIT_ERROR;
    json_t *res = NULL;
    char *cwd = getcwd(NULL, 0);

    if (!r.socket_path) {
        fprintf(stderr, "psearch: out of memory\n");
        goto out;
    }
    request_t q = make_request(&o);
    int busy = 0, route = choose_route(&r);
    if (o.entities && route != ROUTE_ERROR) {
        exit_code = entities_main(&r, route);
        goto out;
    }
    switch (route) {
    case ROUTE_DAEMON:
        res = search_daemon(&r, &q, &busy);
        if (busy) {
            client_close(r.client);
            r.client = NULL;
            res = search_direct(&r, &q);
        }
        break;
    case ROUTE_DIRECT:
        res = search_direct(&r, &q);
        break;
    default:
        goto out;
    }
    if (!res)
        goto out;

    render_opts_t ro = {
        .mode = o.mode,
        .color = o.mode == RENDER_HUMAN && use_color(o.color, STDOUT_FILENO),
        .width = o.width >= 0 ? o.width : term_width(),
        .facets = o.facets > 0,
        .count = o.count,
        .cwd = cwd,
        .fetch = fetch_lines,
        .fetch_ctx = &r,
    };
    if (render_result(res, &ro, stdout, stderr) != 0) {
        fprintf(stderr, "psearch: writing the results: %s\n", strerror(errno));
        exit_code = EXIT_ERROR;
        goto out;
    }
    json_int_t total = json_integer_value(json_object_get(res, "total"));
    exit_code = total > 0 ? EXIT_MATCH : EXIT_NOMATCH;

out:
    json_decref(res);
    client_close(r.client);
    if (r.db)
        r.eng->db_close(r.db);
    free(r.index_dir);
    free(r.socket_path);
    free(cwd);
    free(o.query);
    return exit_code;
}
