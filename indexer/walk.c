/* Walks the corpus folders and lists the files that are articles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk.h"

static int matches_any(const char **pats, size_t n, const char *name,
                       const char *rel)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr(pats[i], '/')) {
            if (fnmatch(pats[i], rel, FNM_PATHNAME) == 0)
                return 1;
        } else if (fnmatch(pats[i], name, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

static int push(walk_list_t *list, const char *path, const struct stat *st)
{
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 256;
        walk_file_t *v = realloc(list->v, cap * sizeof *v);
        if (!v)
            return -1;
        list->v = v;
        list->cap = cap;
    }
    char *p = strdup(path);
    if (!p)
        return -1;
    list->v[list->n].path = p;
    list->v[list->n].st = *st;
    list->n++;
    return 0;
}

static int walk_dir(const char *dir, size_t root_len, const walk_rules_t *rules,
                    walk_list_t *list, void (*warn)(const char *, const char *))
{
    DIR *d = opendir(dir);
    if (!d) {
        warn(dir, strerror(errno));
        return 0;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(n);
        if (!path) {
            rc = -1;
            break;
        }
        snprintf(path, n, "%s/%s", dir, e->d_name);
        /* One stat per file, relative to the directory: a nightly run
         * over an unchanged corpus is mostly this walk. A link is
         * followed with a second one. */
        struct stat lst, st;
        if (fstatat(dirfd(d), e->d_name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
            warn(path, strerror(errno));
        } else if (S_ISDIR(lst.st_mode)) {
            rc = walk_dir(path, root_len, rules, list, warn);
        } else if (S_ISLNK(lst.st_mode) ? stat(path, &st) != 0
                                        : (st = lst, 0)) {
            warn(path, strerror(errno)); /* a dangling link */
        } else if (S_ISREG(st.st_mode) &&
                   !(rules->skip_path && strcmp(path, rules->skip_path) == 0) &&
                   matches_any(rules->include, rules->ninclude, e->d_name,
                               path + root_len + 1) &&
                   !matches_any(rules->exclude, rules->nexclude, e->d_name,
                                path + root_len + 1)) {
            rc = push(list, path, &st);
        }
        free(path);
    }
    closedir(d);
    return rc;
}

int walk_corpus(const char *root, const walk_rules_t *rules, walk_list_t *list,
                void (*warn)(const char *path, const char *what))
{
    return walk_dir(root, strlen(root), rules, list, warn);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const walk_file_t *)a)->path,
                  ((const walk_file_t *)b)->path);
}

void walk_sort(walk_list_t *list)
{
    if (list->n)
        qsort(list->v, list->n, sizeof *list->v, cmp_file);
}

int walk_find(const walk_list_t *list, const char *path)
{
    walk_file_t key = {.path = (char *)path};
    return list->n &&
           bsearch(&key, list->v, list->n, sizeof *list->v, cmp_file);
}

void walk_free(walk_list_t *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->v[i].path);
    free(list->v);
    list->v = NULL;
    list->n = list->cap = 0;
}
