/* Finding and loading the trained entity model: the --model file, else the
 * source tree's corpus/ner.model next to an in-tree build, else the
 * installed one. Without a model the indexer stops: an index built
 * without entities would answer entity queries wrongly and silently. */
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

ps_ner_model_t *model_load(const char *opt, const char *datadir)
{
    char tree[PATH_MAX + 32], installed[PATH_MAX];
    const char *path = opt;
    if (!path) {
        snprintf(installed, sizeof installed, "%s/ner.model", datadir);
        path = beside_program(tree, sizeof tree, "ner.model") == 0 && exists(tree)
                   ? tree
                   : installed;
    }
    ps_ner_model_t *m = NULL;
    char *err = NULL;
    ps_status_t st = ps_ner_model_load(path, &m, &err);
    if (st != PS_OK) {
        /* One line: the loader's "PATH: what is wrong", and what to do
         * when no model was named and none was found. */
        fprintf(stderr, "psearch-index: entity model: %s%s%s%s\n",
                err ? err : path, err ? "" : ": ", err ? "" : ps_status_str(st),
                !opt && st == PS_ENOTFOUND ? " (give --model FILE)" : "");
        free(err);
        return NULL;
    }
    return m;
}

ps_quote_model_t *quote_model_load(const char *opt, const char *datadir)
{
    char tree[PATH_MAX + 32], installed[PATH_MAX];
    const char *path = opt;
    if (!path) {
        snprintf(installed, sizeof installed, "%s/quote.model", datadir);
        path = beside_program(tree, sizeof tree, "quote.model") == 0 &&
                       exists(tree)
                   ? tree
                   : installed;
    }
    ps_quote_model_t *m = NULL;
    char *err = NULL;
    ps_status_t st = ps_quote_model_load(path, &m, &err);
    if (st != PS_OK) {
        fprintf(stderr, "psearch-index: quote model: %s%s%s%s\n",
                err ? err : path, err ? "" : ": ", err ? "" : ps_status_str(st),
                !opt && st == PS_ENOTFOUND ? " (give --quote-model FILE)" : "");
        free(err);
        return NULL;
    }
    return m;
}
