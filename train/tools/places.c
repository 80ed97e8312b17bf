/* Prints a list of the world's place names, one a line, for the NER
 * model's trainer (`make ner-model`, ner_train --places): the countries
 * and their subdivisions of Debian's iso-codes (ISO 3166-1 names and
 * common names, ISO 3166-2 names) and the cities of tzdata's zone1970.tab
 * ("Europe/Kyiv"). Both are Debian packages, so the list is the same on
 * every machine with the same versions, and nothing is downloaded.
 *
 * usage: places ISO3166_1_JSON ISO3166_2_JSON ZONE1970_TAB */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* Prints NAME up to a comma or a parenthesis ("Korea, Republic of" is
 * "Korea"; "Bonaire, Sint Eustatius and Saba" is "Bonaire"). */
static void put_name(const char *name)
{
    size_t n = strcspn(name, ",(");
    while (n > 0 && name[n - 1] == ' ')
        n--;
    if (n > 0)
        printf("%.*s\n", (int)n, name);
}

/* Prints the NAME fields (and the others listed) of every entry of the
 * array KEY of the JSON file PATH. Returns 0, or -1 with a message. */
static int put_iso(const char *path, const char *key)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    json_t *arr = root ? json_object_get(root, key) : NULL;
    if (!json_is_array(arr)) {
        fprintf(stderr, "places: %s: %s\n", path,
                root ? "no such list" : err.text);
        json_decref(root);
        return -1;
    }
    static const char *const fields[] = {"name", "common_name"};
    size_t i;
    json_t *e;
    json_array_foreach (arr, i, e) {
        for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
            const char *s = json_string_value(json_object_get(e, fields[k]));
            if (s)
                put_name(s);
        }
    }
    json_decref(root);
    return 0;
}

/* Prints the city of every zone of tzdata's zone1970.tab (third column,
 * "Europe/Kyiv", "America/Argentina/Buenos_Aires": the last part, with
 * spaces for underscores). */
static int put_zones(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        if (line[0] == '#')
            continue;
        char *save = NULL, *zone = NULL, *p = line;
        for (int col = 0; col < 3; col++, p = NULL)
            zone = strtok_r(p, "\t\n", &save);
        char *city = zone ? strrchr(zone, '/') : NULL;
        if (!city)
            continue;
        for (char *c = ++city; *c; c++)
            if (*c == '_')
                *c = ' ';
        put_name(city);
    }
    free(line);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: places ISO3166_1_JSON ISO3166_2_JSON ZONE1970_TAB\n",
              stderr);
        return 2;
    }
    if (put_iso(argv[1], "3166-1") != 0 || put_iso(argv[2], "3166-2") != 0 ||
        put_zones(argv[3]) != 0)
        return 1;
    return fflush(stdout) == 0 ? 0 : 1;
}
