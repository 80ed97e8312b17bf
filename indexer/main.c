/* psearch-index: brings the index in line with the corpus folders. Adds new
 * articles, replaces changed ones, removes deleted ones, and commits it all
 * at once; cron-friendly (silent on success, meaningful exit codes). This
 * file reads the options (options.c), finds the gazetteer and the model,
 * walks the corpus and opens the index; update.c brings it in line, and
 * --tag goes to tag.c instead. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/nofile.h"
#include "model.h"
#include "options.h"
#include "progress.h"
#include "psearch/entities.h"
#include "psearch/index.h"
#include "psearch/paths.h"
#include "tag.h"
#include "update.h"
#include "walk.h"

#ifndef PS_DATADIR
#define PS_DATADIR "/usr/local/share/psearch"
#endif

static int quiet;

/* Files and folders the walk could not read count as skipped files. */
static size_t walk_errors;

static void warn_walk(const char *path, const char *what)
{
    update_warn(quiet, path, what);
    walk_errors++;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The gazetteer: --entities, else ROOT/entities.tsv (ROOT is the first
 * corpus, or with --tag the folder of the first file), else the installed
 * default, else none (unknown names are still tagged). *PATH is malloc'ed
 * (NULL for none). */
static int pick_gazetteer(const options_t *o, const char *root, char **path)
{
    *path = NULL;
    if (o->entities) {
        *path = realpath(o->entities, NULL);
        if (!*path) {
            fprintf(stderr, "psearch-index: %s: %s\n", o->entities,
                    strerror(errno));
            return -1;
        }
        return 0;
    }
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/entities.tsv", root);
    if (!file_exists(buf))
        snprintf(buf, sizeof buf, "%s/entities.tsv", PS_DATADIR);
    if (file_exists(buf) && !(*path = strdup(buf)))
        return -1;
    return 0;
}

/* Loads the analyzer, the gazetteer at GAZ_PATH (NULL: none) and the
 * NER model, as indexing, --tag and --quotes need them, and with QM the
 * quote model (indexing and --quotes; --tag has no use for it, so it
 * works where only ner.model is installed). 0, or -1 after a message. */
static int load_tagging(const options_t *o, const char *gaz_path,
                        ps_analyzer_t **an, ps_gazetteer_t **g,
                        ps_ner_model_t **m, ps_quote_model_t **qm)
{
    char *gerr = NULL;
    ps_status_t st = ps_analyzer_new(an);
    if (st == PS_OK)
        st = ps_gazetteer_load(gaz_path, *an, g, &gerr);
    if (st != PS_OK) {
        fprintf(stderr, "psearch-index: gazetteer: %s\n",
                gerr ? gerr : ps_status_str(st));
        free(gerr);
        return -1;
    }
    /* Loaded once, before any index is touched, and shared read-only by
     * every worker thread. */
    if (!(*m = model_load(o->model, PS_DATADIR)))
        return -1;
    if (!qm)
        return 0;
    return (*qm = quote_model_load(o->quote_model, PS_DATADIR)) ? 0 : -1;
}

/* --tag and --quotes: loads what indexing would load for the FILES and
 * tags them, or finds their attributions. */
static int tag_main(const options_t *o, char *const *files, size_t n)
{
    char *dir = strdup(files[0]), *gaz_path = NULL;
    if (!dir)
        return EXIT_FAILED;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int rc = pick_gazetteer(o, slash ? (dir[0] ? dir : "/") : ".", &gaz_path);
    free(dir);
    if (rc)
        return EXIT_USAGE;
    ps_analyzer_t *an = NULL;
    ps_gazetteer_t *g = NULL;
    ps_ner_model_t *m = NULL;
    ps_quote_model_t *qm = NULL;
    if (load_tagging(o, gaz_path, &an, &g, &m, o->quotes ? &qm : NULL)) {
        rc = EXIT_USAGE;
    } else {
        tag_setup_t s = {g, m, qm, o->max_size, o->quiet};
        rc = o->quotes ? quote_files(files, n, &s) : tag_files(files, n, &s);
    }
    ps_ner_model_free(m);
    ps_quote_model_free(qm);
    ps_gazetteer_free(g);
    ps_analyzer_free(an);
    free(gaz_path);
    return rc;
}

/* Resolves the corpus folders ARGS into R->roots; 0, or -1 after a
 * message. */
static int open_roots(run_t *r, char *const *args)
{
    for (size_t i = 0; i < r->nroots; i++) {
        struct stat st;
        r->roots[i] = realpath(args[i], NULL);
        if (!r->roots[i] || stat(r->roots[i], &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "psearch-index: %s: %s\n", args[i],
                    r->roots[i] ? "not a directory" : strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Walks every corpus folder into R->files, sorted; 0, or -1 after a
 * message. */
static int walk_roots(run_t *r)
{
    const options_t *o = r->o;
    walk_rules_t rules = {o->include, o->ninclude, o->exclude, o->nexclude,
                          r->gaz_path};
    for (size_t i = 0; i < r->nroots; i++)
        if (walk_corpus(r->roots[i], &rules, &r->files, warn_walk)) {
            fprintf(stderr, "psearch-index: out of memory\n");
            return -1;
        }
    walk_sort(&r->files);
    r->c.errors = walk_errors;
    return 0;
}

/* Opens (or creates) the index, or the one shard --shard builds: EXIT_OK,
 * or the exit code after a message. */
static int open_index(run_t *r)
{
    const options_t *o = r->o;
    char *ierr = NULL;
    unsigned flags = o->full ? PS_INDEX_REBUILD : 0;
    ps_status_t st =
        o->shard >= 0
            ? ps_index_open_part(r->index_dir, flags, o->shards,
                                 (unsigned)o->shard, &r->ix, &ierr)
            : ps_index_open(r->index_dir, flags, o->shards, &r->ix, &ierr);
    if (st == PS_OK)
        return EXIT_OK;
    fprintf(stderr, "psearch-index: %s: %s\n", ps_status_str(st),
            ierr ? ierr : r->index_dir);
    free(ierr);
    return st == PS_ELOCKED  ? EXIT_LOCKED
           : st == PS_EINVAL ? EXIT_USAGE
                             : EXIT_FAILED;
}

/* Records in the index whether its documents carry their quotes
 * (--no-quotes), or checks that an update keeps to what the index holds:
 * EXIT_OK, or the exit code after a message. */
static int check_quotes(run_t *r)
{
    ps_status_t st = ps_index_set_quotes(r->ix, !r->o->no_quotes);
    if (st == PS_OK)
        return EXIT_OK;
    fprintf(stderr, "psearch-index: %s: %s\n", ps_status_str(st),
            ps_index_errmsg(r->ix));
    return st == PS_EINVAL ? EXIT_USAGE : EXIT_FAILED;
}

/* Indexing: the corpus folders ARGS into the index, with --stats's line
 * at the end. */
static int index_main(run_t *r, char *const *args)
{
    const options_t *o = r->o;
    double t0 = progress_now();
    if (open_roots(r, args) || pick_gazetteer(o, r->roots[0], &r->gaz_path) ||
        load_tagging(o, r->gaz_path, &r->an, &r->g, &r->model,
                     o->no_quotes ? NULL : &r->qmodel))
        return EXIT_USAGE;
    if (walk_roots(r))
        return EXIT_FAILED;
    int exit_code = open_index(r);
    if (exit_code != EXIT_OK)
        return exit_code;
    exit_code = check_quotes(r);
    if (exit_code != EXIT_OK)
        return exit_code;
    exit_code = update_index(r);
    if (o->stats && exit_code != EXIT_FAILED)
        printf("psearch-index: added %zu, updated %zu, removed %zu, "
               "skipped %zu, errors %zu, %.2f seconds\n",
               r->c.added, r->c.updated, r->c.removed, r->c.skipped,
               r->c.errors, progress_now() - t0);
    return exit_code;
}

static void run_free(run_t *r)
{
    ps_index_close(r->ix);
    walk_free(&r->files);
    for (size_t i = 0; r->roots && i < r->nroots; i++)
        free(r->roots[i]);
    free(r->roots);
    ps_gazetteer_free(r->g);
    ps_ner_model_free(r->model);
    ps_quote_model_free(r->qmodel);
    ps_analyzer_free(r->an);
    free(r->gaz_path);
    free(r->index_dir);
}

int main(int argc, char **argv)
{
    /* A full disk or a file size limit must end the run with a message
     * and exit 74, not kill it: with SIGXFSZ ignored, write() fails with
     * EFBIG and Xapian reports it. */
    signal(SIGXFSZ, SIG_IGN);
    ps__raise_open_files();
    options_t o;
    int rc = idx_parse_args(argc, argv, &o);
    if (rc) {
        free(o.include);
        free(o.exclude);
        return rc < 0 ? EXIT_USAGE : EXIT_OK;
    }
    quiet = o.quiet;
    run_t r = {.o = &o, .nroots = (size_t)(argc - optind)};
    r.roots = calloc(r.nroots, sizeof *r.roots);
    r.index_dir = ps_index_resolve_dir(o.index);
    int exit_code = EXIT_USAGE;
    if (!r.roots || !r.index_dir)
        fprintf(stderr, "psearch-index: %s\n",
                r.index_dir ? "out of memory"
                            : "no index directory: give --index or set "
                              "$PSEARCH_INDEX");
    else if (o.tag || o.quotes)
        exit_code = tag_main(&o, argv + optind, r.nroots);
    else
        exit_code = index_main(&r, argv + optind);
    run_free(&r);
    free(o.include);
    free(o.exclude);
    return exit_code;
}
