/* json_get: picks values out of JSON Lines for the shell tests, so they
 * need no jq. For every line of standard input, prints the value at each
 * PATH, separated by spaces: strings bare, everything else as compact
 * JSON, "<missing>" when the path does not exist.
 *
 *   json_get PATH...     PATH is like .error.code, .results[2].rank,
 *                        .limits.max-clients.breaches; a trailing '#'
 *                        gives the length of an array, object or string
 *                        (.results#). "." is the whole value.
 *
 * Exit status: 0, or 1 when a line is not JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static json_t *walk(json_t *v, const char *path, int *len)
{
    *len = 0;
    size_t n = strlen(path);
    if (n && path[n - 1] == '#') {
        *len = 1;
        n--;
    }
    const char *p = path, *end = path + n;
    if (p < end && *p == '.')
        p++;
    while (v && p < end) {
        if (*p == '[') {
            char *e;
            long i = strtol(p + 1, &e, 10);
            if (*e != ']')
                return NULL;
            v = json_array_get(v, (size_t)i);
            p = e + 1;
            if (p < end && *p == '.')
                p++;
            continue;
        }
        const char *k = p;
        while (p < end && *p != '.' && *p != '[')
            p++;
        char key[256];
        size_t kl = (size_t)(p - k);
        if (kl >= sizeof key)
            return NULL;
        memcpy(key, k, kl);
        key[kl] = 0;
        v = json_object_get(v, key);
        if (p < end && *p == '.')
            p++;
    }
    return v;
}

static void print(json_t *v, int len)
{
    if (!v) {
        fputs("<missing>", stdout);
    } else if (len) {
        size_t n = json_is_array(v)    ? json_array_size(v)
                   : json_is_object(v) ? json_object_size(v)
                   : json_is_string(v) ? json_string_length(v)
                                       : 0;
        printf("%zu", n);
    } else if (json_is_string(v)) {
        fputs(json_string_value(v), stdout);
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fputs(s ? s : "?", stdout);
        free(s);
    }
}

int main(int argc, char **argv)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t e;
        json_t *v = json_loadb(line, (size_t)n, JSON_DECODE_ANY, &e);
        if (!v) {
            printf("<not json>\n");
            rc = 1;
            continue;
        }
        for (int i = 1; i < argc; i++) {
            int len = 0;
            if (i > 1)
                putchar(' ');
            json_t *at = walk(v, argv[i], &len);
            print(at, len);
        }
        putchar('\n');
        json_decref(v);
    }
    free(line);
    return rc;
}
