/* psearch's options: the one table they are defined in (getopt, --help,
 * --dump-options and so the bash completion all come from it; the man
 * page is checked against it by tests/T425-man-options.sh), and reading
 * the command line into an options_t, with the values checked. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cmdline.h"

#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_LIMIT 10
#define DEFAULT_FACETS 10
/* The largest --limit, --max-hits and --facets: psearchd's default
 * maxima, so that what works directly also works through the daemon. */
#define MAX_LIMIT 1000
#define MAX_FACETS 100

/* Every option of psearch, in --help's order: X(ID, row fields). A new
 * option is one more X(...) here (the fields: lib/base/cmdline.h); one
 * that only sets a flag or keeps its argument (PS_OPT_SETS, PS_OPT_KEEPS)
 * needs nothing else, any other also a case in apply(). Then document it
 * in contrib/man/psearch.1, which T425 checks. */
#define OPTIONS(X)                                                             \
    X(JSON, .name = "json", .letter = 'j', .section = "Output:",               \
      .help = "JSON Lines: one object per result, then a summary\n"            \
              "line {\"total\",\"total_exact\",\"elapsed_us\",...}",           \
      PS_OPT_SETS(options_t, json))                                            \
    X(VIMGREP, .name = "vimgrep",                                              \
      .help = "path:line:column:text for every hit (Vim's grepprg)",           \
      PS_OPT_SETS(options_t, vimgrep))                                         \
    X(COUNT, .name = "count", .letter = 'c',                                   \
      .help = "print only the number of matching articles",                    \
      PS_OPT_SETS(options_t, count))                                           \
    X(ENTITIES, .name = "entities", .kind = PS_OPT_FILE, .arg = "PATH",        \
      .help = "every entity of the indexed article PATH with\n"                \
              "every mention (no QUERY; --json for JSON Lines)",               \
      PS_OPT_KEEPS(options_t, entities))                                       \
    X(FACETS, .name = "facets", .kind = PS_OPT_TEXT, .flags = PS_OPT_OPTIONAL, \
      .arg = "N",                                                              \
      .help = "also list the N (default 10, at most 100) people,\n"            \
              "places, organisations and treaties most talked\n"               \
              "about in the matching articles")                                \
    X(LIMIT, .name = "limit", .letter = 'n', .kind = PS_OPT_TEXT, .arg = "N",  \
      .help = "show N articles (default 10, at most 1000)")                    \
    X(OFFSET, .name = "offset", .kind = PS_OPT_TEXT, .arg = "N",               \
      .help = "skip the first N articles (for paging)")                        \
    X(MAX_HITS, .name = "max-hits", .kind = PS_OPT_TEXT, .arg = "N",           \
      .help = "list at most N hits per article (default 50)")                  \
    X(COLOR, .name = "color", .kind = PS_OPT_WORDS, .flags = PS_OPT_OPTIONAL,  \
      .arg = "WHEN", .words = "auto always never",                             \
      .help = "highlight matches: auto (on a terminal, unless\n"               \
              "$NO_COLOR is set), always or never; default auto")              \
    X(COLOUR, .name = "colour", .kind = PS_OPT_WORDS,                          \
      .flags = PS_OPT_OPTIONAL | PS_OPT_HIDDEN, .arg = "WHEN",                 \
      .words = "auto always never")                                            \
    X(WIDTH, .name = "width", .kind = PS_OPT_TEXT, .arg = "N",                 \
      .help = "cut lines to N columns (0: never; default the\n"                \
              "terminal's width, else $COLUMNS, else never)")                  \
    X(INDEX, .name = "index", .letter = 'i', .kind = PS_OPT_DIR, .arg = "DIR", \
      .section = "Where to search:",                                           \
      .help = "the index (default $PSEARCH_INDEX, else\n"                      \
              "$XDG_DATA_HOME/psearch/index, else\n"                           \
              "~/.local/share/psearch/index); when the index is\n"             \
              "named here or in $PSEARCH_INDEX, the daemon is\n"               \
              "asked only if it serves that same index",                       \
      PS_OPT_KEEPS(options_t, index))                                          \
    X(SOCKET, .name = "socket", .letter = 's', .kind = PS_OPT_FILE,            \
      .arg = "PATH",                                                           \
      .help = "ask the daemon at PATH, and fail if it does not\n"              \
              "answer (default $PSEARCH_SOCKET, else\n"                        \
              "$XDG_RUNTIME_DIR/psearch.sock, else\n"                          \
              "/tmp/psearch-$UID.sock)",                                       \
      PS_OPT_KEEPS(options_t, socket))                                         \
    X(DIRECT, .name = "direct", .letter = 'd',                                 \
      .help = "open the index, never ask the daemon",                          \
      PS_OPT_SETS(options_t, direct))                                          \
    X(TIMEOUT, .name = "timeout", .kind = PS_OPT_TEXT, .arg = "SEC",           \
      .help = "wait at most SEC seconds for the daemon's answer,\n"            \
              "or for a remote shard of the index (default 10)")               \
    X(PARTIAL, .name = "partial",                                              \
      .help = "when a remote shard does not answer, search the\n"              \
              "others and say the results are partial",                        \
      PS_OPT_SETS(options_t, partial))                                         \
    PS_OPT_COMMON(X)

enum {
    OPTIONS(PS_OPT_ID)
};

static const ps__opt_t rows[] = {
    OPTIONS(PS_OPT_ROW)
};

/* "+": getopt stops at the first query word (see cli_parse_args). */
static const ps__opts_t table = {.prog = "psearch",
                                 .v = rows,
                                 .n = sizeof rows / sizeof *rows,
                                 .mode = "+",
                                 .column = 22};

static void usage(FILE *f)
{
    fputs(
        "Usage: psearch [options] QUERY...\n"
        "Searches the indexed news articles and prints, best article first, every\n"
        "line that matches. The arguments are joined with spaces into one query.\n"
        "The daemon (psearchd) answers when it runs; otherwise psearch opens the\n"
        "index itself. Both give the same results.\n",
        f);
    ps__opts_help(&table, f);
    fputs(
        "\n"
        "Options go before the query; long options may also follow it. A word\n"
        "starting with '-' after the first query word is a query word\n"
        "(psearch peace -Witkoff); put '--' before a query that starts with '-'.\n"
        "\n"
        "Query: words (all must match, stemmed), \"exact phrase\", ~\"stemmed\n"
        "phrase\", a OR b, -word or NOT word, ( ), prefix*, a NEAR/5 b,\n"
        "title:word, path:text (or a pattern: path:2016-*.txt), date:2025-12,\n"
        "person:NAME, place:, org:, treaty:,\n"
        "said:NAME (articles quoting NAME; said:Ryabkov plan: plan inside his\n"
        "quotes), quote:\"phrase\" (a phrase inside any quote).\n"
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

static int parse_color(const char *s, int *color)
{
    if (!s || !strcmp(s, "always"))
        *color = COLOR_ALWAYS;
    else if (!strcmp(s, "auto"))
        *color = COLOR_AUTO;
    else if (!strcmp(s, "never"))
        *color = COLOR_NEVER;
    else {
        fprintf(stderr,
                "psearch: --color takes auto, always or "
                "never, not '%s'\n",
                s);
        return -1;
    }
    return 0;
}

int cli_use_color(int mode, int fd)
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

/* Handles the options that do more than set a flag or keep a string.
 * Returns 0, 1 to exit 0, -1 after a message. */
static int apply(int row, const char *arg, options_t *o)
{
    unsigned w;
    switch (row) {
    case OPT_FACETS:
        o->facets = DEFAULT_FACETS;
        return arg ? parse_uint("facets", arg, 1, MAX_FACETS, &o->facets) : 0;
    case OPT_LIMIT:
        return parse_uint("limit", arg, 1, MAX_LIMIT, &o->limit);
    case OPT_OFFSET:
        return parse_uint("offset", arg, 0, INT_MAX, &o->offset);
    case OPT_MAX_HITS:
        return parse_uint("max-hits", arg, 1, MAX_LIMIT, &o->max_hits);
    case OPT_COLOR:
    case OPT_COLOUR:
        return parse_color(arg, &o->color);
    case OPT_WIDTH:
        if (parse_uint("width", arg, 0, 100000, &w))
            return -1;
        o->width = (int)w;
        return 0;
    case OPT_TIMEOUT:
        return parse_seconds(arg, &o->timeout_ms);
    case OPT_HELP:
        usage(stdout);
        return 1;
    case OPT_VERSION:
        printf("psearch %s\n", PS_VERSION);
        return 1;
    case OPT_DUMP:
        ps__opts_dump(&table, stdout);
        return 1;
    default:
        fprintf(stderr, "Try 'psearch --help'.\n");
        return -1;
    }
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

/* Called where getopt stopped (PREV: optind before that call): takes the
 * query words that follow into O->query. Returns 1 when the command line
 * is used up, 0 to go on reading options, -1 when out of memory. */
static int take_words(int argc, char **argv, int prev, options_t *o,
                      size_t *qlen)
{
    if (optind > prev && strcmp(argv[optind - 1], "--") == 0) {
        /* Everything after "--" is the query. */
        for (; optind < argc; optind++)
            if (query_push(&o->query, qlen, argv[optind]))
                return -1;
        return 1;
    }
    if (optind >= argc)
        return 1;
    /* Query words, up to the next long option. */
    while (optind < argc && !(argv[optind][0] == '-' && argv[optind][1] == '-'))
        if (query_push(&o->query, qlen, argv[optind++]))
            return -1;
    return 0;
}

/* Whether the options go together; 0, or -1 after a message. */
static int check_combination(const options_t *o)
{
    if (o->json + o->vimgrep > 1 || (o->vimgrep && (o->count || o->facets))) {
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
    if (o->entities && (o->query || o->vimgrep || o->count || o->facets)) {
        fprintf(stderr, "psearch: --entities takes no QUERY, --vimgrep, "
                        "--count or --facets\n");
        return -1;
    }
    if (!o->query && !o->entities) {
        fprintf(stderr, "psearch: no QUERY given\n"
                        "Try 'psearch --help'.\n");
        return -1;
    }
    return 0;
}

static void set_defaults(options_t *o)
{
    memset(o, 0, sizeof *o);
    o->mode = RENDER_HUMAN;
    o->limit = DEFAULT_LIMIT;
    o->color = COLOR_AUTO;
    o->width = -1;
    o->timeout_ms = DEFAULT_TIMEOUT_MS;
}

/* getopt_long runs in "+" mode, stopping at the first query word, because
 * a query may hold words like "-Witkoff" that it would take for options.
 * After that first word, only long options ("--json") are still options:
 * "--" followed by a letter can never be part of a valid query. */
int cli_parse_args(int argc, char **argv, options_t *o)
{
    set_defaults(o);
    size_t qlen = 0;
    for (;;) {
        int prev = optind;
        int row = ps__opts_next(&table, argc, argv);
        if (row == PS_OPTS_END) {
            int done = take_words(argc, argv, prev, o, &qlen);
            if (done < 0) {
                fprintf(stderr, "psearch: out of memory\n");
                return -1;
            }
            if (done)
                break;
            continue;
        }
        if (row == PS_OPTS_BAD) {
            fprintf(stderr, "Try 'psearch --help'.\n");
            return -1;
        }
        if (!ps__opts_store(&table, row, o, optarg)) {
            int rc = apply(row, optarg, o);
            if (rc)
                return rc;
        }
    }
    if (check_combination(o))
        return -1;
    o->mode = o->json      ? RENDER_JSON
              : o->vimgrep ? RENDER_VIMGREP
                           : RENDER_HUMAN;
    if (o->count && !o->json)
        o->mode = RENDER_COUNT;
    return 0;
}
