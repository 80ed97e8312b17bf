/* psearch-index: brings the index in line with the corpus folders. Adds new
 * articles, replaces changed ones, removes deleted ones, and commits it all
 * at once; cron-friendly (silent on success, meaningful exit codes). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
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
#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

/* Exit codes, documented in the README and in --help. */
enum {
    EXIT_OK = 0,
    EXIT_SKIPPED = 1, /* finished, but some files were not indexed */
    EXIT_USAGE = 2,   /* bad arguments or configuration */
    EXIT_FAILED = 74, /* the index could not be written; nothing committed */
    EXIT_LOCKED = 75, /* another writer holds the index (EX_TEMPFAIL) */
};

#define DEFAULT_MAX_SIZE (16u << 20)

typedef struct options {
    const char *index;
    const char *entities;
    const char *model; /* --model */
    const char **include, **exclude;
    size_t ninclude, nexclude;
    size_t max_size;
    unsigned jobs;
    unsigned shards; /* 0: keep the index's */
    int shard;       /* -1: every shard; else build only this one */
    int full, stats, quiet, verbose, progress;
    int tag; /* --tag: print the entities of files, no index */
} options_t;

typedef struct counts {
    size_t added, updated, removed, skipped, errors;
    uint64_t bytes;
} counts_t;

static int quiet;

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: psearch-index [--index DIR] [options] CORPUS_DIR...\n"
        "       psearch-index --tag [--entities FILE] [--model FILE] FILE...\n"
        "Brings the index in line with the articles under CORPUS_DIR: new files are\n"
        "added, changed ones replaced, deleted ones removed, in one atomic commit.\n"
        "\n"
        "  -i, --index DIR       the index (default: $PSEARCH_INDEX, else\n"
        "                        $XDG_DATA_HOME/psearch/index, else\n"
        "                        ~/.local/share/psearch/index)\n"
        "  -f, --full            rebuild from scratch: build aside, switch atomically\n"
        "  -e, --entities FILE   the gazetteer (default: entities.tsv at the top of\n"
        "                        the first CORPUS_DIR, else %s/entities.tsv)\n"
        "      --model FILE      the trained entity model (default:\n"
        "                        ../corpus/ner.model beside the program's folder,\n"
        "                        else %s/ner.model)\n"
        "      --include GLOB    index files matching GLOB (repeatable; default\n"
        "                        '*.txt' and '*.md'); a GLOB with '/' matches the\n"
        "                        path relative to CORPUS_DIR, else the file name\n"
        "      --exclude GLOB    skip files matching GLOB (repeatable)\n"
        "  -j, --jobs N          threads that read, analyse and tag files (1 to 16;\n"
        "                        default: the number of cores less one, at least 1)\n"
        "      --shards N        split the index into N Xapian databases by a hash\n"
        "                        of each path (1 to 64; default: as the index has,\n"
        "                        1 for a new one; changing it needs --full)\n"
        "      --shard K         with --shards N: build only shard K (0 to N-1),\n"
        "                        so N machines sharing the index's storage each\n"
        "                        build one shard at the same time; --full then\n"
        "                        rebuilds shard K alone\n"
        "      --max-size SIZE   skip files larger than SIZE bytes (suffix K, M or\n"
        "                        G; default 16M)\n"
        "  -s, --stats           print one summary line: added, updated, removed,\n"
        "                        skipped (unchanged), errors, seconds\n"
        "  -q, --quiet           do not print warnings about bad files\n"
        "  -v, --verbose         name every file added, updated or removed\n"
        "      --no-progress     never draw the progress bar (drawn on a terminal)\n"
        "      --tag             tag the FILEs as indexing would and print every\n"
        "                        mention as JSON Lines; no index is touched (the\n"
        "                        gazetteer default: entities.tsv beside the first\n"
        "                        FILE, else the installed one)\n"
        "  -h, --help            show this help\n"
        "  -V, --version         show the version\n"
        "\n"
        "Exit status: 0 success; 1 finished, but some files were skipped (each\n"
        "named in a warning); 2 usage or configuration error; 74 the index could\n"
        "not be written (nothing from this run was committed); 75 another writer\n"
        "holds the index (try again later).\n",
        PS_DATADIR, PS_DATADIR);
}

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

static int parse_size(const char *s, size_t *out)
{
    unsigned long long v;
    if (ps_parse_size(s, &v) != PS_OK || v == 0 || v > SIZE_MAX)
        return -1;
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

/* Returns -1 to exit with EXIT_USAGE, 1 to exit 0 (--help, --version). */
static int parse_args(int argc, char **argv, options_t *o)
{
    enum {
        OPT_INCLUDE = 256,
        OPT_EXCLUDE,
        OPT_MAX_SIZE,
        OPT_NO_PROGRESS,
        OPT_SHARDS,
        OPT_TAG,
        OPT_MODEL,
        OPT_SHARD,
    };
    static const struct option longopts[] = {
        {"index", required_argument, 0, 'i'},
        {"full", no_argument, 0, 'f'},
        {"entities", required_argument, 0, 'e'},
        {"include", required_argument, 0, OPT_INCLUDE},
        {"exclude", required_argument, 0, OPT_EXCLUDE},
        {"max-size", required_argument, 0, OPT_MAX_SIZE},
        {"jobs", required_argument, 0, 'j'},
        {"shards", required_argument, 0, OPT_SHARDS},
        {"shard", required_argument, 0, OPT_SHARD},
        {"stats", no_argument, 0, 's'},
        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},
        {"no-progress", no_argument, 0, OPT_NO_PROGRESS},
        {"tag", no_argument, 0, OPT_TAG},
        {"model", required_argument, 0, OPT_MODEL},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->max_size = DEFAULT_MAX_SIZE;
    /* One core stays with the main thread, which writes to Xapian. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 2 ? (unsigned)(cores > 17 ? 16 : cores - 1) : 1;
    o->shard = -1;
    o->progress = 1;
    int c;
    while ((c = getopt_long(argc, argv, "i:fe:j:sqvhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'i':
            o->index = optarg;
            break;
        case 'f':
            o->full = 1;
            break;
        case 'j': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 16) {
                fprintf(stderr, "psearch-index: --jobs takes 1 to 16\n");
                return -1;
            }
            o->jobs = (unsigned)n;
            break;
        }
        case 'e':
            o->entities = optarg;
            break;
        case 's':
            o->stats = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case OPT_SHARDS: {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 64) {
                fprintf(stderr, "psearch-index: --shards takes 1 to 64\n");
                return -1;
            }
            o->shards = (unsigned)n;
            break;
        }
        case OPT_TAG:
            o->tag = 1;
            break;
        case OPT_MODEL:
            o->model = optarg;
            break;
        case OPT_SHARD: {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (end == optarg || *end || n > 63) {
                fprintf(stderr, "psearch-index: --shard takes 0 to 63\n");
                return -1;
            }
            o->shard = (int)n;
            break;
        }
        case OPT_NO_PROGRESS:
            o->progress = 0;
            break;
        case OPT_INCLUDE:
            if (push_glob(&o->include, &o->ninclude, optarg))
                return -1;
            break;
        case OPT_EXCLUDE:
            if (push_glob(&o->exclude, &o->nexclude, optarg))
                return -1;
            break;
        case OPT_MAX_SIZE:
            if (parse_size(optarg, &o->max_size)) {
                fprintf(stderr, "psearch-index: bad --max-size '%s'\n", optarg);
                return -1;
            }
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("psearch-index %s\n", PS_VERSION);
            return 1;
        default:
            fprintf(stderr, "Try 'psearch-index --help'.\n");
            return -1;
        }
    }
    if (o->shard >= 0 && (o->shards < 2 || (unsigned)o->shard >= o->shards)) {
        fprintf(stderr, "psearch-index: --shard K needs --shards N, with "
                        "N at least 2 and K less than N\n");
        return -1;
    }
    if (optind >= argc) {
        fprintf(stderr,
                "psearch-index: no %s given\n"
                "Try 'psearch-index --help'.\n",
                o->tag ? "FILE" : "CORPUS_DIR");
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

typedef struct run {
    const options_t *o;
    ps_index_t *ix;
    walk_list_t files;
    char **roots;
    size_t nroots;
    counts_t c;
    int fatal;
    const char *removing_root;
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

/* Stores the gazetteer's text in the index for the query side. */
static int store_gazetteer(run_t *r, const char *path)
{
    size_t len = 0;
    char *text = NULL;
    if (path && ps_read_file(path, &text, &len) != PS_OK)
        text = NULL;
    if (path && !text) {
        fprintf(stderr, "psearch-index: %s: cannot read\n", path);
        r->fatal = 1;
        return -1;
    }
    ps_status_t st = ps_index_set_gazetteer(r->ix, text ? text : "", len);
    free(text);
    return st == PS_OK ? 0 : fail_index(r, st);
}

static int do_run(run_t *r, const ps_gazetteer_t *g, const ps_ner_model_t *m,
                  const char *gaz_path)
{
    if (store_gazetteer(r, gaz_path))
        return EXIT_FAILED;
    pipeline_t *p = pipeline_start(g, m, r->o->jobs, r->o->max_size);
    if (!p) {
        fprintf(stderr, "psearch-index: cannot start worker threads\n");
        return EXIT_FAILED;
    }
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
    pipeline_stop(p);
    if (r->fatal)
        return EXIT_FAILED;

    if (!ps_index_rebuilding(r->ix)) {
        for (size_t i = 0; i < r->nroots && !r->fatal; i++) {
            char prefix[PATH_MAX + 1];
            snprintf(prefix, sizeof prefix, "%s/", r->roots[i]);
            ps_status_t st =
                ps_index_foreach_path(r->ix, prefix, remove_if_gone, r);
            if (st != PS_OK)
                fail_index(r, st);
        }
        if (r->fatal)
            return EXIT_FAILED;
    }
    ps_status_t st = ps_index_commit(r->ix);
    if (st != PS_OK) {
        fail_index(r, st);
        return EXIT_FAILED;
    }
    return r->c.errors ? EXIT_SKIPPED : EXIT_OK;
}

int main(int argc, char **argv)
{
    /* A full disk or a file size limit must end the run with a message
     * and exit 74, not kill it: with SIGXFSZ ignored, write() fails with
     * EFBIG and Xapian reports it. */
    signal(SIGXFSZ, SIG_IGN);
    options_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_USAGE : EXIT_OK;
    quiet = o.quiet;
    double t0 = progress_now();

    run_t r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.nroots = (size_t)(argc - optind);
    r.roots = calloc(r.nroots, sizeof *r.roots);
    char *index_dir = ps_index_resolve_dir(o.index);
    char *gaz_path = NULL;
    ps_gazetteer_t *g = NULL;
    ps_analyzer_t *an = NULL;
    ps_ner_model_t *model = NULL;
    int exit_code = EXIT_USAGE;
    if (!r.roots || !index_dir) {
        fprintf(stderr, "psearch-index: %s\n",
                index_dir ? "out of memory"
                          : "no index directory: give --index or set "
                            "$PSEARCH_INDEX");
        goto out;
    }
    if (o.tag) {
        exit_code = tag_main(&o, argv + optind, r.nroots);
        goto out;
    }
    for (size_t i = 0; i < r.nroots; i++) {
        const char *arg = argv[optind + i];
        struct stat st;
        r.roots[i] = realpath(arg, NULL);
        if (!r.roots[i] || stat(r.roots[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "psearch-index: %s: %s\n", arg,
                    r.roots[i] ? "not a directory" : strerror(errno));
            goto out;
        }
    }
    if (pick_gazetteer(&o, r.roots[0], &gaz_path) ||
        load_tagging(&o, gaz_path, &an, &g, &model))
        goto out;

    walk_rules_t rules = {o.include, o.ninclude, o.exclude, o.nexclude,
                          gaz_path};
    for (size_t i = 0; i < r.nroots; i++)
        if (walk_corpus(r.roots[i], &rules, &r.files, warn_walk)) {
            fprintf(stderr, "psearch-index: out of memory\n");
            exit_code = EXIT_FAILED;
            goto out;
        }
    walk_sort(&r.files);
    r.c.errors = walk_errors;

    char *ierr = NULL;
    unsigned flags = o.full ? PS_INDEX_REBUILD : 0;
    ps_status_t st =
        o.shard >= 0 ? ps_index_open_part(index_dir, flags, o.shards,
                                          (unsigned)o.shard, &r.ix, &ierr)
                     : ps_index_open(index_dir, flags, o.shards, &r.ix, &ierr);
    if (st != PS_OK) {
        fprintf(stderr, "psearch-index: %s: %s\n", ps_status_str(st),
                ierr ? ierr : index_dir);
        free(ierr);
        exit_code = st == PS_ELOCKED  ? EXIT_LOCKED
                    : st == PS_EINVAL ? EXIT_USAGE
                                      : EXIT_FAILED;
        goto out;
    }
    exit_code = do_run(&r, g, model, gaz_path);
    if (o.stats && exit_code != EXIT_FAILED)
        printf("psearch-index: added %zu, updated %zu, removed %zu, "
               "skipped %zu, errors %zu, %.2f seconds\n",
               r.c.added, r.c.updated, r.c.removed, r.c.skipped, r.c.errors,
               progress_now() - t0);

out:
    ps_index_close(r.ix);
    walk_free(&r.files);
    for (size_t i = 0; r.roots && i < r.nroots; i++)
        free(r.roots[i]);
    free(r.roots);
    ps_gazetteer_free(g);
    ps_ner_model_free(model);
    ps_analyzer_free(an);
    free(gaz_path);
    free(index_dir);
    free(o.include);
    free(o.exclude);
    return exit_code;
}
