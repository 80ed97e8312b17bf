/* psearch-index's options: the one table they are defined in (getopt,
 * --help, --dump-options and so the bash completion all come from it; the
 * man page is checked against it by tests/T425-man-options.sh), and
 * reading the command line into an options_t, with the values checked. */
#include "options.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cmdline.h"
#include "psearch/common.h"

#ifndef PS_DATADIR
#define PS_DATADIR "/usr/local/share/psearch"
#endif
#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

#define DEFAULT_MAX_SIZE (16u << 20)

/* Every option of psearch-index, in --help's order: X(ID, row fields). A
 * new option is one more X(...) here (the fields: lib/base/cmdline.h);
 * one that only sets a flag or keeps its argument (PS_OPT_SETS,
 * PS_OPT_KEEPS) needs nothing else, any other also a case in apply().
 * Then document it in contrib/man/psearch-index.1, which T425 checks. */
#define OPTIONS(X)                                                             \
    X(INDEX, .name = "index", .letter = 'i', .kind = PS_OPT_DIR, .arg = "DIR", \
      .help = "the index (default: $PSEARCH_INDEX, else\n"                     \
              "$XDG_DATA_HOME/psearch/index, else\n"                           \
              "~/.local/share/psearch/index)",                                 \
      PS_OPT_KEEPS(options_t, index))                                          \
    X(FULL, .name = "full", .letter = 'f',                                     \
      .help = "rebuild from scratch: build aside, switch atomically",          \
      PS_OPT_SETS(options_t, full))                                            \
    X(ENTITIES, .name = "entities", .letter = 'e', .kind = PS_OPT_FILE,        \
      .arg = "FILE",                                                           \
      .help = "the gazetteer (default: entities.tsv at the top of\n"           \
              "the first CORPUS_DIR, else " PS_DATADIR "/entities.tsv)",       \
      PS_OPT_KEEPS(options_t, entities))                                       \
    X(MODEL, .name = "model", .kind = PS_OPT_FILE, .arg = "FILE",              \
      .help = "the trained entity model (default:\n"                           \
              "../corpus/ner.model beside the program's folder,\n"             \
              "else " PS_DATADIR "/ner.model)",                                \
      PS_OPT_KEEPS(options_t, model))                                          \
    X(INCLUDE, .name = "include", .kind = PS_OPT_TEXT, .arg = "GLOB",          \
      .help = "index files matching GLOB (repeatable; default\n"               \
              "'*.txt' and '*.md'); a GLOB with '/' matches the\n"             \
              "path relative to CORPUS_DIR, else the file name")               \
    X(EXCLUDE, .name = "exclude", .kind = PS_OPT_TEXT, .arg = "GLOB",          \
      .help = "skip files matching GLOB (repeatable)")                         \
    X(JOBS, .name = "jobs", .letter = 'j', .kind = PS_OPT_TEXT, .arg = "N",    \
      .help = "threads that read, analyse and tag files and build\n"           \
              "their documents (1 to 16; default: the number of\n"             \
              "cores)")                                                        \
    X(SHARDS, .name = "shards", .kind = PS_OPT_TEXT, .arg = "N",               \
      .help = "split the index into N Xapian databases by a hash\n"            \
              "of each path (1 to 64; default: as the index has,\n"            \
              "1 for a new one; changing it needs --full)")                    \
    X(SHARD, .name = "shard", .kind = PS_OPT_TEXT, .arg = "K",                 \
      .help = "with --shards N: build only shard K (0 to N-1),\n"              \
              "so N machines sharing the index's storage each\n"               \
              "build one shard at the same time; --full then\n"                \
              "rebuilds shard K alone")                                        \
    X(MAX_SIZE, .name = "max-size", .kind = PS_OPT_TEXT, .arg = "SIZE",        \
      .help = "skip files larger than SIZE bytes (suffix K, M or\n"            \
              "G; default 16M)")                                               \
    X(STATS, .name = "stats", .letter = 's',                                   \
      .help = "print one summary line: added, updated, removed,\n"             \
              "skipped (unchanged), errors, seconds",                          \
      PS_OPT_SETS(options_t, stats))                                           \
    X(QUIET, .name = "quiet", .letter = 'q',                                   \
      .help = "do not print warnings about bad files",                         \
      PS_OPT_SETS(options_t, quiet))                                           \
    X(VERBOSE, .name = "verbose", .letter = 'v',                               \
      .help = "name every file added, updated or removed",                     \
      PS_OPT_SETS(options_t, verbose))                                         \
    X(NO_PROGRESS, .name = "no-progress",                                      \
      .help = "never draw the progress bar (drawn on a terminal)",             \
      PS_OPT_CLEARS(options_t, progress))                                      \
    X(TAG, .name = "tag",                                                      \
      .help = "tag the FILEs as indexing would and print every\n"              \
              "mention as JSON Lines; no index is touched (the\n"              \
              "gazetteer default: entities.tsv beside the first\n"             \
              "FILE, else the installed one)",                                 \
      PS_OPT_SETS(options_t, tag))                                             \
    X(QUOTES, .name = "quotes",                                                \
      .help = "find the attributions (who said what) in the\n"                 \
              "FILEs as indexing would and print each as JSON\n"               \
              "Lines; no index is touched",                                    \
      PS_OPT_SETS(options_t, quotes))                                          \
    X(NO_QUOTES, .name = "no-quotes",                                          \
      .help = "index without finding who said what: no quote\n"               \
              "model is loaded, said: and quote: find nothing\n"              \
              "and say so; switching it on or off needs --full",              \
      PS_OPT_SETS(options_t, no_quotes))                                       \
    X(QUOTE_MODEL, .name = "quote-model", .kind = PS_OPT_FILE, .arg = "FILE",  \
      .help = "the trained quote model (default:\n"                            \
              "../corpus/quote.model beside the program's folder,\n"           \
              "else " PS_DATADIR "/quote.model)",                              \
      PS_OPT_KEEPS(options_t, quote_model))                                    \
    PS_OPT_COMMON(X)

enum { OPTIONS(PS_OPT_ID) };

static const ps__opt_t rows[] = {OPTIONS(PS_OPT_ROW)};

static const ps__opts_t table = {.prog = "psearch-index",
                                 .v = rows,
                                 .n = sizeof rows / sizeof *rows,
                                 .mode = "",
                                 .column = 24};

static void usage(FILE *f)
{
    fputs(
        "Usage: psearch-index [--index DIR] [options] CORPUS_DIR...\n"
        "       psearch-index --tag [--entities FILE] [--model FILE] FILE...\n"
        "       psearch-index --quotes [--entities FILE] [--model FILE]\n"
        "                     [--quote-model FILE] FILE...\n"
        "Brings the index in line with the articles under CORPUS_DIR: new files are\n"
        "added, changed ones replaced, deleted ones removed, in one atomic commit.\n"
        "\n",
        f);
    ps__opts_help(&table, f);
    fputs(
        "\n"
        "Exit status: 0 success; 1 finished, but some files were skipped (each\n"
        "named in a warning); 2 usage or configuration error; 74 the index could\n"
        "not be written (nothing from this run was committed); 75 another writer\n"
        "holds the index (try again later).\n",
        f);
}

/* A whole number in [MIN, MAX] for --NAME; -1 after a message. */
static long parse_count(const char *name, const char *s, unsigned long min,
                        unsigned long max)
{
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (end == s || *end || n < min || n > max) {
        fprintf(stderr, "psearch-index: --%s takes %lu to %lu\n", name, min,
                max);
        return -1;
    }
    return (long)n;
}

static int parse_size(const char *s, size_t *out)
{
    unsigned long long v;
    if (ps_parse_size(s, &v) != PS_OK || v == 0 || v > SIZE_MAX) {
        fprintf(stderr, "psearch-index: bad --max-size '%s'\n", s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int push_glob(const char ***v, size_t *n, const char *glob)
{
    const char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    nv[(*n)++] = glob;
    *v = nv;
    return 0;
}

/* Handles the options that do more than set a flag or keep a string.
 * Returns 0, 1 to exit 0, -1 after a message. */
static int apply(int row, const char *arg, options_t *o)
{
    long n;
    switch (row) {
    case OPT_JOBS:
        if ((n = parse_count("jobs", arg, 1, 16)) < 0)
            return -1;
        o->jobs = (unsigned)n;
        return 0;
    case OPT_SHARDS:
        if ((n = parse_count("shards", arg, 1, 64)) < 0)
            return -1;
        o->shards = (unsigned)n;
        return 0;
    case OPT_SHARD:
        if ((n = parse_count("shard", arg, 0, 63)) < 0)
            return -1;
        o->shard = (int)n;
        return 0;
    case OPT_INCLUDE:
        return push_glob(&o->include, &o->ninclude, arg);
    case OPT_EXCLUDE:
        return push_glob(&o->exclude, &o->nexclude, arg);
    case OPT_MAX_SIZE:
        return parse_size(arg, &o->max_size);
    case OPT_HELP:
        usage(stdout);
        return 1;
    case OPT_VERSION:
        printf("psearch-index %s\n", PS_VERSION);
        return 1;
    case OPT_DUMP:
        ps__opts_dump(&table, stdout);
        return 1;
    default:
        fprintf(stderr, "Try 'psearch-index --help'.\n");
        return -1;
    }
}

static void set_defaults(options_t *o)
{
    memset(o, 0, sizeof *o);
    o->max_size = DEFAULT_MAX_SIZE;
    /* One worker a core: the workers' analysis is half the indexer's
     * CPU (on the bench slice, under perf, 5.3 s against 4.1 s for the
     * thread that writes to Xapian and 0.9 s for the main thread), so on
     * two cores a second worker fills the time the writer leaves one
     * idle. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 1 ? (unsigned)(cores > 16 ? 16 : cores) : 1;
    o->shard = -1;
    o->progress = 1;
}

/* Checks what the options and arguments come to together, and fills in
 * the default globs. 0, or -1 after a message. */
static int finish(int argc, options_t *o)
{
    if (o->shard >= 0 && (o->shards < 2 || (unsigned)o->shard >= o->shards)) {
        fprintf(stderr, "psearch-index: --shard K needs --shards N, with "
                        "N at least 2 and K less than N\n");
        return -1;
    }
    if (o->no_quotes && (o->quotes || o->quote_model)) {
        fprintf(stderr, "psearch-index: --no-quotes goes with neither "
                        "--quotes nor --quote-model\n");
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr,
                "psearch-index: no %s given\n"
                "Try 'psearch-index --help'.\n",
                o->tag || o->quotes ? "FILE" : "CORPUS_DIR");
        return -1;
    }
    if (!o->ninclude) {
        static const char *defaults[] = {"*.txt", "*.md"};
        for (size_t i = 0; i < 2; i++)
            if (push_glob(&o->include, &o->ninclude, defaults[i]))
                return -1;
    }
    return 0;
}

int idx_parse_args(int argc, char **argv, options_t *o)
{
    set_defaults(o);
    int row;
    while ((row = ps__opts_next(&table, argc, argv)) != PS_OPTS_END) {
        if (row == PS_OPTS_BAD) {
            fprintf(stderr, "Try 'psearch-index --help'.\n");
            return -1;
        }
        if (!ps__opts_store(&table, row, o, optarg)) {
            int rc = apply(row, optarg, o);
            if (rc)
                return rc;
        }
    }
    return finish(argc, o);
}
