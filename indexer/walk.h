/* Finding the articles under the corpus folders. Internal to the indexer. */
#ifndef PSEARCH_INDEXER_WALK_H
#define PSEARCH_INDEXER_WALK_H

#include <stddef.h>
#include <sys/stat.h>

typedef struct walk_file {
    char *path; /* absolute, malloc'ed */
    struct stat st;
} walk_file_t;

typedef struct walk_list {
    walk_file_t *v;
    size_t n, cap;
} walk_list_t;

/* Which files are articles: a name matching one of INCLUDE and none of
 * EXCLUDE. A pattern without '/' is matched against the file's name, one
 * with '/' against its path relative to the corpus folder. */
typedef struct walk_rules {
    const char **include;
    size_t ninclude;
    const char **exclude;
    size_t nexclude;
    const char *skip_path; /* the gazetteer: never an article */
} walk_rules_t;

/* Appends the articles under ROOT (an absolute, resolved folder) to LIST.
 * Hidden files and folders (".git") are skipped and symbolic links to
 * folders are not followed, so a link cycle cannot loop. A folder that
 * cannot be read is reported through WARN and skipped. Returns 0, or -1
 * when out of memory. */
int walk_corpus(const char *root, const walk_rules_t *rules, walk_list_t *list,
                void (*warn)(const char *path, const char *what));

/* Sorts LIST by path so lookups can use walk_find(). */
void walk_sort(walk_list_t *list);

/* Whether PATH is in the sorted LIST. */
int walk_find(const walk_list_t *list, const char *path);

void walk_free(walk_list_t *list);

#endif
