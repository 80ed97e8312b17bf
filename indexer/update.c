/* Bringing the index in line with the corpus, for psearch-index: decides
 * on the main thread (the only one that reads and writes the index) which
 * files must be read, feeds them through the worker threads (pipeline.c),
 * applies what they prepare in order, removes the files that are gone,
 * stores the gazetteer for the query side, and commits. */
#include "update.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pipeline.h"
#include "progress.h"

void update_warn(int quiet, const char *path, const char *what)
{
    if (!quiet)
        fprintf(stderr, "psearch-index: warning: %s: %s\n", path, what);
}

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
        update_warn(r->o->quiet, path, j->prep.why);
        r->c.errors++;
        return 0;
    }
    /* The document stays in the job's slot: the worker that takes the
     * slot next frees it (prep_read()), off this thread. */
    ps_status_t st = ps_index_put_built(r->ix, rec, j->prep.doc);
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

int update_index(run_t *r)
{
    if (store_gazetteer(r, r->gaz_path))
        return EXIT_FAILED;
    pipeline_t *p =
        pipeline_start(r->g, r->model, r->qmodel, r->o->jobs, r->o->max_size);
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
