/* Normalises psearch --json output for comparing two indexes that should
 * answer alike: drops what may differ without meaning anything (rank among
 * equal scores, elapsed time) and writes each line with sorted keys.
 * Reads JSON Lines on stdin; a line that is not JSON is copied.
 *
 * With --responses it reads psearchd's answers instead: each result of an
 * answer becomes a line of its own and the rest of the answer another,
 * every line starting with the answer's id and a tab, so that sorting the
 * output puts each answer's lines together in an order that does not
 * depend on the rank among equal scores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Drops rank and elapsed time from J and rounds its score. */
static void normalise(json_t *j)
{
    json_object_del(j, "rank");
    json_object_del(j, "elapsed_us");
    /* Floating-point sums over shards may differ in the last bits. */
    json_t *score = json_object_get(j, "score");
    if (json_is_real(score)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.9g", json_real_value(score));
        json_object_set_new(j, "score", json_string(buf));
    }
}

static void put(const char *id, json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (s) {
        if (id)
            printf("%s\t", id);
        puts(s);
    }
    free(s);
}

int main(int argc, char **argv)
{
    int responses = argc > 1 && !strcmp(argv[1], "--responses");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_t *j = json_loadb(line, (size_t)n, 0, NULL);
        if (!json_is_object(j)) {
            fputs(line, stdout);
            json_decref(j);
            continue;
        }
        normalise(j);
        if (responses) {
            char id[32];
            snprintf(id, sizeof id, "%08lld",
                     (long long)json_integer_value(json_object_get(j, "id")));
            json_t *results = json_object_get(j, "results");
            size_t i;
            json_t *r;
            json_array_foreach(results, i, r)
            {
                normalise(r);
                put(id, r);
            }
            json_object_del(j, "results");
            put(id, j);
        } else {
            put(NULL, j);
        }
        json_decref(j);
    }
    free(line);
    return 0;
}
