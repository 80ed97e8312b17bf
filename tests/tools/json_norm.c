/* Normalises psearch --json output for comparing two indexes that should
 * answer alike: drops what may differ without meaning anything (rank among
 * equal scores, elapsed time) and writes each line with sorted keys.
 * Reads JSON Lines on stdin; a line that is not JSON is copied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int main(void)
{
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
        json_object_del(j, "rank");
        json_object_del(j, "elapsed_us");
        /* Floating-point sums over shards may differ in the last bits. */
        json_t *score = json_object_get(j, "score");
        if (json_is_real(score)) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.9g", json_real_value(score));
            json_object_set_new(j, "score", json_string(buf));
        }
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        if (s)
            puts(s);
        free(s);
        json_decref(j);
    }
    free(line);
    return 0;
}
