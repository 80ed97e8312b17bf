/* psearch-index's options: what the command line asked for, read by
 * idx_parse_args from the one option table in options.c. */
#ifndef PSEARCH_INDEXER_OPTIONS_H
#define PSEARCH_INDEXER_OPTIONS_H

#include <stddef.h>

/* Exit codes, documented in the man page and in --help. */
enum {
    EXIT_OK = 0,
    EXIT_SKIPPED = 1, /* finished, but some files were not indexed */
    EXIT_USAGE = 2,   /* bad arguments or configuration */
    EXIT_FAILED = 74, /* the index could not be written; nothing committed */
    EXIT_LOCKED = 75, /* another writer holds the index (EX_TEMPFAIL) */
};

typedef struct options {
    const char *index;
    const char *entities;
    const char *model;               /* --model */
    const char **include, **exclude; /* freed by the caller */
    size_t ninclude, nexclude;
    size_t max_size;
    unsigned jobs;
    unsigned shards; /* 0: keep the index's */
    int shard;       /* -1: every shard; else build only this one */
    int full, stats, quiet, verbose, progress;
    int tag;    /* --tag: print the entities of files, no index */
    int quotes; /* --quotes: print the attributions of files, no index */
    const char *quote_model; /* --quote-model */
    int no_quotes; /* --no-quotes: index without the attributions */
} options_t;

/* Reads ARGV into O; the corpus folders (or with --tag the files) are
 * ARGV[optind..]. Returns 0 to go on, 1 to exit 0 (--help, --version
 * were answered), or -1 to exit with EXIT_USAGE after a message. */
int idx_parse_args(int argc, char **argv, options_t *o);

#endif
