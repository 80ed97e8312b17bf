/* Finding and loading the trained models (entities, quotes): the --model
 * or --quote-model file, else the source tree's corpus/ner.model or
 * quote.model next to an in-tree build, else the installed one. Without
 * a model the indexer stops: an index built without entities would
 * answer entity queries wrongly and silently. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Writes ../corpus/NAME relative to the running program's directory
 * into BUF; 0, or -1 when /proc/self/exe cannot be read. */
static int beside_program(char *buf, size_t size, const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    int w = snprintf(buf, size, "%s/../corpus/%s", exe, name);
    return w > 0 && (size_t)w < size ? 0 : -1;
}

/* The model file to load: OPT, else NAME in the source tree's corpus/
 * next to an in-tree build, else NAME in DATADIR (written into BUF). */
static const char *find_model(const char *opt, const char *datadir,
                              const char *name, char *buf, size_t size)
{
    if (opt)
        return opt;
    if (beside_program(buf, size, name) == 0 && exists(buf))
        return buf;
    snprintf(buf, size, "%s/%s", datadir, name);
    return buf;
}

/* Says on one line why the WHAT model at PATH did not load (ST): the
 * loader's "PATH: what is wrong" (ERR, which it frees), and, when no
 * model was named (OPT is NULL) and none was found, the option FLAG that
 * names one. */
static void report(const char *what, const char *flag, const char *opt,
                   const char *path, ps_status_t st, char *err)
{
    char hint[64] = "";
    if (!opt && st == PS_ENOTFOUND)
        snprintf(hint, sizeof hint, " (give --%s FILE)", flag);
    fprintf(stderr, "psearch-index: %s model: %s%s%s%s\n", what,
            err ? err : path, err ? "" : ": ", err ? "" : ps_status_str(st),
            hint);
    free(err);
}

ps_ner_model_t *model_load(const char *opt, const char *datadir)
{
    char buf[PATH_MAX + 32];
    const char *path = find_model(opt, datadir, "ner.model", buf, sizeof buf);
    ps_ner_model_t *m = NULL;
    char *err = NULL;
    ps_status_t st = ps_ner_model_load(path, &m, &err);
    if (st != PS_OK)
        report("entity", "model", opt, path, st, err);
    return st == PS_OK ? m : NULL;
}

ps_quote_model_t *quote_model_load(const char *opt, const char *datadir)
{
    char buf[PATH_MAX + 32];
    const char *path = find_model(opt, datadir, "quote.model", buf, sizeof buf);
    ps_quote_model_t *m = NULL;
    char *err = NULL;
    ps_status_t st = ps_quote_model_load(path, &m, &err);
    if (st != PS_OK)
        report("quote", "quote-model", opt, path, st, err);
    return st == PS_OK ? m : NULL;
}
