/* The programs' option tables (cmdline.h) turned into what getopt_long
 * wants, into --help's option lines and into the --dump-options lines the
 * bash completion is built from. */
#include "cmdline.h"

#include <getopt.h>
#include <string.h>

/* getopt_long's view of the one table in use. A long option's val is
 * 256 + its row, out of the range of the short options' letters. */
static const ps__opts_t *built;
static struct option longs[PS_OPTS_MAX + 1];
static char shorts[2 + 3 * PS_OPTS_MAX + 1];

static void build(const ps__opts_t *t)
{
    size_t k = 0;
    memset(longs, 0, sizeof longs);
    for (size_t i = 0; t->mode[i] && k < 2; i++)
        shorts[k++] = t->mode[i];
    for (int i = 0; i < t->n && i < PS_OPTS_MAX; i++) {
        const ps__opt_t *o = &t->v[i];
        int has = o->kind == PS_OPT_NOARG      ? no_argument
                  : o->flags & PS_OPT_OPTIONAL ? optional_argument
                                               : required_argument;
        longs[i] = (struct option){o->name, has, NULL, 256 + i};
        if (o->letter) {
            shorts[k++] = o->letter;
            if (has != no_argument)
                shorts[k++] = ':';
            if (has == optional_argument)
                shorts[k++] = ':';
        }
    }
    shorts[k] = '\0';
    built = t;
}

int ps__opts_next(const ps__opts_t *t, int argc, char *const *argv)
{
    if (built != t)
        build(t);
    int c = getopt_long(argc, argv, shorts, longs, NULL);
    if (c == -1)
        return PS_OPTS_END;
    if (c >= 256 && c < 256 + t->n)
        return c - 256;
    for (int i = 0; c != '?' && c != ':' && i < t->n; i++)
        if (t->v[i].letter == c)
            return i;
    return PS_OPTS_BAD;
}

int ps__opts_store(const ps__opts_t *t, int row, void *opts, const char *arg)
{
    const ps__opt_t *o = &t->v[row];
    char *field = (char *)opts + o->off;
    switch (o->act) {
    case PS_OPT_SET_TRUE:
        *(int *)field = 1;
        return 1;
    case PS_OPT_SET_FALSE:
        *(int *)field = 0;
        return 1;
    case PS_OPT_SET_STRING:
        *(const char **)field = arg;
        return 1;
    default:
        return 0;
    }
}

/* "  -i, --index DIR", "      --facets[=N]": the row's head in --help. */
static int head(const ps__opt_t *o, char *buf, size_t len)
{
    int n;
    if (o->letter)
        n = snprintf(buf, len, "  -%c, --%s", o->letter, o->name);
    else
        n = snprintf(buf, len, "      --%s", o->name);
    if (o->kind != PS_OPT_NOARG && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n,
                      o->flags & PS_OPT_OPTIONAL ? "[=%s]" : " %s",
                      o->arg ? o->arg : "ARG");
    return n;
}

void ps__opts_help(const ps__opts_t *t, FILE *f)
{
    for (int i = 0; i < t->n; i++) {
        const ps__opt_t *o = &t->v[i];
        if (o->flags & PS_OPT_HIDDEN)
            continue;
        if (o->section)
            fprintf(f, "\n%s\n", o->section);
        char h[128];
        int n = head(o, h, sizeof h);
        fputs(h, f);
        /* A head that leaves no two blanks before the column puts its
         * text on the next line. */
        int at = n + 2 > t->column ? 0 : n;
        if (!at)
            fputc('\n', f);
        for (const char *p = o->help ? o->help : ""; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(f, "%*s%.*s\n", t->column - at, "", (int)len, p);
            at = 0;
            p += len + (nl != NULL);
        }
        if (at)
            fputc('\n', f);
        if (t->more_help)
            t->more_help(f, i, t->column);
    }
}

void ps__opts_dump(const ps__opts_t *t, FILE *f)
{
    static const char *const kinds[] = {"-",    "text",  "dir",
                                        "file", "group", "words"};
    for (int i = 0; i < t->n; i++) {
        const ps__opt_t *o = &t->v[i];
        if (o->flags & PS_OPT_HIDDEN)
            continue;
        char letter[3] = {'-', o->letter, '\0'};
        fprintf(f, "--%s\t%s\t%s\t%s\t%s\n", o->name, letter,
                o->kind == PS_OPT_NOARG      ? "none"
                : o->flags & PS_OPT_OPTIONAL ? "optional"
                                             : "required",
                kinds[o->kind], o->words ? o->words : "-");
    }
}
