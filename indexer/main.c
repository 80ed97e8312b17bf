/* psearch-index: brings the index in line with the corpus folders. Adds new
 * articles, replaces changed ones, removes deleted ones, and commits it all
 * at once; cron-friendly (silent on success, meaningful exit codes). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "options.h"
#include "pipeline.h"
#include "prepare.h"
#include "progress.h"
#include "psearch/entities.h"
#include "psearch/index.h"
#include "psearch/paths.h"
#include "tag.h"
#include "walk.h"

#ifndef PS_DATADIR
#define PS_DATADIR "/usr/local/share/psearch"
#endif

typedef struct counts {
    size_t added, updated, removed, skipped, errors;
    uint64_t bytes;
} counts_t;

static int quiet;

static void warn_file(const char *path, const char *what)
{
    if (!quiet)
        fprintf(stderr, "psearch-index: warning: %s: %s\n", path, what);
}

/* Files and folders the walk could not read count as skipped files. */
static size_t walk_errors;

static void warn_walk(const char *path, const char *what)
{
    warn_file(path, what);
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
 * model, as indexing and --tag both need them. 0, or -1 after a message. */
static int load_tagging(const options_t *o, const char *gaz_path,
                        ps_analyzer_t **an, ps_gazetteer_t **g,
                        ps_ner_model_t **m)
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
    return (*m = model_load(o->model, PS_DATADIR)) ? 0 : -1;
}

/* --tag: loads what indexing would load for the FILES and tags them. */
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
    if (load_tagging(o, gaz_path, &an, &g, &m)) {
        rc = EXIT_USAGE;
    } else {
        tag_setup_t s = {g, m, o->max_size, o->quiet};
        rc = tag_files(files, n, &s);
    }
    ps_ner_model_free(m);
    ps_gazetteer_free(g);
    ps_analyzer_free(an);
    free(gaz_path);
    return rc;
}

/* Everything one indexing run holds, for its steps and the clean-up. */
typedef struct run {
    const options_t *o;
    ps_index_t *ix;
    walk_list_t files;
    char **roots; /* the corpus folders, absolute */
    size_t nroots;
    char *index_dir;
    char *gaz_path; /* NULL: no gazetteer */
    ps_analyzer_t *an;
    ps_gazetteer_t *g;
    ps_ner_model_t *model;
    counts_t c;
    int fatal;
} run_t;

static int fail_index(run_t *r, ps_status_t st)
{
    fprintf(stderr, "psearch-index: %s: %s\n", ps_status_str(st),
            ps_index_errmsg(r->ix));
    r->fatal = 1;
    return -1;
}

/* Decides, on the main thread that alone reads the index, whether a file
 * must be read, and queues it if so. */
static int queue_file(run_t *r, pipeline_t *p, const walk_file_t *f)
{
    ps_filestat_t old;
    int known = 0;
    /* Another shard's file, when building one shard of several. */
    if (!ps_index_owns(r->ix, f->path))
        return 0;
    if (!ps_index_rebuilding(r->ix)) {
        ps_status_t st = ps_index_stat(r->ix, f->path, &old);
        if (st == PS_OK)
            known = 1;
        else if (st != PS_ENOTFOUND)
            return fail_index(r, st);
        /* Size and mtime unchanged: the file is taken to be unchanged
         * without reading it, as make and rsync do. */
        if (known && (uint64_t)f->st.st_size == old.size &&
            f->st.st_mtim.tv_sec == old.mtime_sec &&
            f->st.st_mtim.tv_nsec == old.mtime_nsec) {
            r->c.skipped++;
            return 0;
        }
    }
    pipeline_push(p, f, known, known ? &old : NULL);
    return 0;
}

/* Applies one prepared file to the index. */
static int apply_job(run_t *r, pipe_job_t *j)
{
    const char *path = j->file->path;
    ps_docrec_t *rec = &j->prep.rec;
    if (j->res == PREP_OK)
        r->c.bytes += rec->len;
    if (j->res == PREP_OK && j->unchanged) {
        /* Touched but not changed: remember the new mtime only. */
        ps_status_t st = ps_index_touch(r->ix, path, &rec->stat);
        if (st != PS_OK)
            return fail_index(r, st);
        r->c.skipped++;
        return 0;
    }
    if (j->res == PREP_NOMEM) {
        fprintf(stderr, "psearch-index: %s: out of memory\n", path);
        r->fatal = 1;
        return -1;
    }
    if (j->res == PREP_REJECTED) {
        /* Whatever was indexed before stays: a file that turned bad keeps
         * its last good version until it is fixed or deleted. */
        warn_file(path, j->prep.why);
        r->c.errors++;
        return 0;
    }
    ps_status_t st = ps_index_put(r->ix, rec);
    if (st != PS_OK)
        return fail_index(r, st);
    if (j->known)
        r->c.updated++;
    else
        r->c.added++;
    if (r->o->verbose)
        fprintf(stderr, "%s %s\n", j->known ? "updated" : "added", path);
    return 0;
}

/* Called for every indexed path under a corpus root: removes the ones the
 * walk did not find. */
static int remove_if_gone(const char *path, void *ctx)
{
    run_t *r = ctx;
    if (walk_find(&r->files, path))
        return 0;
    /* A file that exists but was not walked is no longer an article (an
     * --exclude, say) and goes. One we cannot even stat, because its
     * folder became unreadable, keeps its last version. */
    struct stat st;
    if (stat(path, &st) != 0 && errno != ENOENT && errno != ENOTDIR)
        return 0;
    ps_status_t s = ps_index_remove(r->ix, path);
    if (s != PS_OK && s != PS_ENOTFOUND) {
        fail_index(r, s);
        return 1;
    }
    r->c.removed++;
    if (r->o->verbose)
        fprintf(stderr, "removed %s\n", path);
    return 0;
}

/* Reads a whole small file; NULL on failure. The caller frees it. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *b = realloc(buf, cap *= 2);
        if (!b) {
            free(buf);
            buf = NULL;
        } else {
            buf = b;
        }
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Stores the gazetteer's text in the index for the query side. */
static int store_gazetteer(run_t *r, const char *path)
{
    size_t len = 0;
    char *text = path ? slurp(path, &len) : NULL;
    if (path && !text) {
        fprintf(stderr, "psearch-index: %s: cannot read\n", path);
        r->fatal = 1;
        return -1;
    }
    ps_status_t st = ps_index_set_gazetteer(r->ix, text ? text : "", len);
    free(text);
    return st == PS_OK ? 0 : fail_index(r, st);
}

/* Feeds the walked files through the worker threads and applies what
 * they prepare, in order, on this thread. */
static void feed_pipeline(run_t *r, pipeline_t *p)
{
    progress_t bar;
    progress_init(&bar, r->files.n, r->o->progress);
    size_t i = 0;
    while (!r->fatal && (i < r->files.n || pipeline_pending(p))) {
        if (i < r->files.n && pipeline_can_push(p)) {
            queue_file(r, p, &r->files.v[i++]);
            continue;
        }
        pipe_job_t *j = pipeline_next(p);
        apply_job(r, j);
        pipeline_release(p, j);
        progress_update(&bar, i, r->c.bytes);
    }
    progress_done(&bar);
}

/* Removes the indexed files under each corpus root that the walk did not
 * find (a rebuild starts empty and has none). */
static void remove_gone(run_t *r)
{
    if (ps_index_rebuilding(r->ix))
        return;
    for (size_t i = 0; i < r->nroots && !r->fatal; i++) {
        char prefix[PATH_MAX + 1];
        snprintf(prefix, sizeof prefix, "%s/", r->roots[i]);
        ps_status_t st =
            ps_index_foreach_path(r->ix, prefix, remove_if_gone, r);
        if (st != PS_OK)
            fail_index(r, st);
    }
}

/* Brings the open index in line with the walked files and commits. */
static int do_run(run_t *r)
{
    if (store_gazetteer(r, r->gaz_path))
        return EXIT_FAILED;
    pipeline_t *p = pipeline_start(r->g, r->model, r->o->jobs, r->o->max_size);
    if (!p) {
        fprintf(stderr, "psearch-index: cannot start worker threads\n");
        return EXIT_FAILED;
    }
    feed_pipeline(r, p);
    pipeline_stop(p);
    if (!r->fatal)
        remove_gone(r);
    if (r->fatal)
        return EXIT_FAILED;
    ps_status_t st = ps_index_commit(r->ix);
    if (st != PS_OK) {
        fail_index(r, st);
        return EXIT_FAILED;
    }
    return r->c.errors ? EXIT_SKIPPED : EXIT_OK;
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

/* Indexing: the corpus folders ARGS into the index, with --stats's line
 * at the end. */
static int index_main(run_t *r, char *const *args)
{
    const options_t *o = r->o;
    double t0 = progress_now();
    if (open_roots(r, args) || pick_gazetteer(o, r->roots[0], &r->gaz_path) ||
        load_tagging(o, r->gaz_path, &r->an, &r->g, &r->model))
        return EXIT_USAGE;
    if (walk_roots(r))
        return EXIT_FAILED;
    int exit_code = open_index(r);
    if (exit_code != EXIT_OK)
        return exit_code;
    exit_code = do_run(r);
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
    else if (o.tag)
        exit_code = tag_main(&o, argv + optind, r.nroots);
    else
        exit_code = index_main(&r, argv + optind);
    run_free(&r);
    free(o.include);
    free(o.exclude);
    return exit_code;
}
