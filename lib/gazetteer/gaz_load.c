/* Loading the gazetteer from its TSV file: one entity per line, every
 * alias analysed into the same terms the index uses, duplicates and
 * malformed lines refused with the file and line named. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gazetteer/gazetteer_private.h"
#include "psearch/entities.h"

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Formats a message into a new string for *ERRMSG; leaves NULL there when
 * memory runs out, since the status still tells what went wrong. */
static void set_errmsg(char **errmsg, const char *fmt, ...)
{
    if (!errmsg)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    free(*errmsg);
    *errmsg = NULL;
    if (n < 0)
        return;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *errmsg = s;
}

/* Everything the loader carries from line to line. */
struct loader {
    ps_gazetteer_t *g;
    ps_analyzer_t *a;
    const char *path;
    size_t line;
    char **errmsg;
    struct strbuf key;
};

static ps_status_t add_alias(struct loader *ld, uint32_t ent, const char *text,
                             size_t len)
{
    ps_gazetteer_t *g = ld->g;
    uint32_t nwords;
    uint64_t up, cp;
    ps_status_t st =
        ps__gaz_build_key(ld->a, text, len, ' ', &ld->key, &nwords, &up, &cp);
    if (st == PS_EBADUTF8) {
        set_errmsg(ld->errmsg, "%s:%zu: invalid UTF-8 in alias '%.*s'",
                   ld->path, ld->line, (int)len, text);
        return PS_EINVAL;
    }
    if (st != PS_OK)
        return st;
    if (nwords == 0) {
        set_errmsg(ld->errmsg, "%s:%zu: alias '%.*s' has no words", ld->path,
                   ld->line, (int)len, text);
        return PS_EINVAL;
    }
    if (nwords > MAX_ALIAS_WORDS) {
        set_errmsg(ld->errmsg, "%s:%zu: alias '%.*s' has more than %d words",
                   ld->path, ld->line, (int)len, text, MAX_ALIAS_WORDS);
        return PS_EINVAL;
    }
    if (ps__grow(&g->aliases, &g->aliases_cap, g->naliases + 1,
                 sizeof *g->aliases) < 0)
        return PS_ENOMEM;
    struct gz_alias *al = &g->aliases[g->naliases];
    al->key = dup_n(ld->key.p, ld->key.len);
    al->text = dup_n(text, len);
    if (!al->key || !al->text) {
        free(al->key);
        free(al->text);
        return PS_ENOMEM;
    }
    al->key_len = ld->key.len;
    al->ent = ent;
    al->nwords = nwords;
    al->need_upper = up;
    al->need_cap = cp;
    al->line = ld->line;
    g->naliases++;
    if (nwords > g->max_words)
        g->max_words = nwords;
    return PS_OK;
}

/* Trims spaces (not tabs, which separate fields) from both ends. */
static void trim(const char **p, size_t *n)
{
    while (*n > 0 && (**p == ' ' || **p == '\r'))
        (*p)++, (*n)--;
    while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\r'))
        (*n)--;
}

/* An id is a stable slug: lower-case ASCII letters, digits and the
 * punctuation slugs use. Anything else would make index terms that users
 * cannot type. */
static int valid_id(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* Splits LINE at its tabs into at most four trimmed fields F[k] of FL[k]
 * bytes; returns how many there are, 5 meaning more than four. */
static size_t split_fields(const char *line, size_t len, const char *f[4],
                           size_t fl[4])
{
    size_t nf = 0;
    const char *p = line, *end = line + len;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        if (nf == 4)
            return 5;
        f[nf] = p;
        fl[nf] = (size_t)(stop - p);
        trim(&f[nf], &fl[nf]);
        nf++;
        if (!tab)
            return nf;
        p = tab + 1;
    }
}

/* Checks the id field: present, a slug, and not defined before. */
static ps_status_t check_id(struct loader *ld, const char *id, size_t n)
{
    const ps_gazetteer_t *g = ld->g;
    if (n == 0) {
        set_errmsg(ld->errmsg, "%s:%zu: empty id", ld->path, ld->line);
        return PS_EINVAL;
    }
    if (!valid_id(id, n)) {
        set_errmsg(ld->errmsg,
                   "%s:%zu: id '%.*s' is not a lower-case slug "
                   "(a-z, 0-9, '-', '_', '.')",
                   ld->path, ld->line, (int)n, id);
        return PS_EINVAL;
    }
    for (size_t k = 0; k < g->ndefs; k++) {
        if (strlen(g->defs[k].id) == n && memcmp(g->defs[k].id, id, n) == 0) {
            set_errmsg(ld->errmsg,
                       "%s:%zu: id '%.*s' already defined on "
                       "line %zu",
                       ld->path, ld->line, (int)n, id, g->def_lines[k]);
            return PS_EINVAL;
        }
    }
    return PS_OK;
}

/* The entity type the type field names, or -1 with the message set. */
static int parse_type(struct loader *ld, const char *name, size_t n)
{
    char tname[16];
    int type = -1;
    if (n < sizeof tname) {
        memcpy(tname, name, n);
        tname[n] = '\0';
        type = ps_entity_type_parse(tname);
    }
    if (type < 0)
        set_errmsg(ld->errmsg,
                   "%s:%zu: unknown type '%.*s' (expected person, place, "
                   "org, treaty or misc)",
                   ld->path, ld->line, (int)n, name);
    return type;
}

/* Appends the entity of id F[0] and canonical name F[2]; its index in
 * *ENT. */
static ps_status_t add_def(struct loader *ld, const char *const f[4],
                           const size_t fl[4], ps_entity_type_t type,
                           uint32_t *ent)
{
    ps_gazetteer_t *g = ld->g;
    if (ps__grow(&g->defs, &g->defs_cap, g->ndefs + 1, sizeof *g->defs) < 0)
        return PS_ENOMEM;
    /* def_lines grows in step with defs, so its capacity is defs_cap. */
    size_t *dl = realloc(g->def_lines, g->defs_cap * sizeof *dl);
    if (!dl)
        return PS_ENOMEM;
    g->def_lines = dl;
    ps_entity_def_t *d = &g->defs[g->ndefs];
    d->id = dup_n(f[0], fl[0]);
    d->name = dup_n(f[2], fl[2]);
    d->type = type;
    if (!d->id || !d->name) {
        free((char *)d->id);
        free((char *)d->name);
        return PS_ENOMEM;
    }
    g->def_lines[g->ndefs] = ld->line;
    *ent = (uint32_t)g->ndefs++;
    return PS_OK;
}

/* Adds each alias of the '|'-separated LIST of N bytes to entity ENT. */
static ps_status_t add_aliases(struct loader *ld, uint32_t ent,
                               const char *list, size_t n)
{
    const char *a = list, *aend = list + n;
    while (a <= aend) {
        const char *bar = memchr(a, '|', (size_t)(aend - a));
        const char *stop = bar ? bar : aend;
        const char *s = a;
        size_t len = (size_t)(stop - a);
        trim(&s, &len);
        /* "a||b" or a trailing '|' leaves an empty alias: harmless. */
        ps_status_t st;
        if (len > 0 && (st = add_alias(ld, ent, s, len)) != PS_OK)
            return st;
        if (!bar)
            break;
        a = bar + 1;
    }
    return PS_OK;
}

static ps_status_t parse_line(struct loader *ld, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && ps__gaz_is_blank(line[i]))
        i++;
    if (i == len || line[0] == '#')
        return PS_OK;

    const char *f[4];
    size_t fl[4];
    size_t nf = split_fields(line, len, f, fl);
    if (nf < 3 || nf > 4) {
        set_errmsg(ld->errmsg,
                   "%s:%zu: expected 3 or 4 TAB-separated fields "
                   "(id, type, name, aliases), found %s%zu",
                   ld->path, ld->line, nf > 4 ? "more than " : "",
                   nf > 4 ? (size_t)4 : nf);
        return PS_EINVAL;
    }
    ps_status_t st = check_id(ld, f[0], fl[0]);
    if (st != PS_OK)
        return st;
    int type = parse_type(ld, f[1], fl[1]);
    if (type < 0)
        return PS_EINVAL;
    if (fl[2] == 0) {
        set_errmsg(ld->errmsg, "%s:%zu: empty canonical name", ld->path,
                   ld->line);
        return PS_EINVAL;
    }
    uint32_t ent;
    if ((st = add_def(ld, f, fl, (ps_entity_type_t)type, &ent)) != PS_OK ||
        (st = add_alias(ld, ent, f[2], fl[2])) != PS_OK || nf < 4)
        return st;
    return add_aliases(ld, ent, f[3], fl[3]);
}

/* Merges the case constraints of two spellings of one alias, keeping the
 * looser constraint of each word: "Nato" and "NATO" together accept any
 * capitalised "nato"; "Donetsk Oblast" and "Donetsk oblast" accept either
 * case of the second word. */
static void merge_case(struct gz_alias *into, const struct gz_alias *from)
{
    uint64_t up = into->need_upper & from->need_upper;
    uint64_t any_a = into->need_upper | into->need_cap;
    uint64_t any_b = from->need_upper | from->need_cap;
    into->need_upper = up;
    into->need_cap = (any_a & any_b) & ~up;
}

/* Sorts the aliases, rejects one key naming two entities and folds the
 * repeated spellings of one entity's alias together. */
static ps_status_t finish(struct loader *ld)
{
    ps_gazetteer_t *g = ld->g;
    if (g->naliases == 0)
        return PS_OK;
    qsort(g->aliases, g->naliases, sizeof *g->aliases, ps__gaz_alias_cmp);

    /* Report the clash on the earliest offending line, so the message does
     * not depend on the sort. */
    const struct gz_alias *bad = NULL, *prev = NULL;
    for (size_t i = 1; i < g->naliases; i++) {
        const struct gz_alias *a = &g->aliases[i - 1], *b = &g->aliases[i];
        if (ps__gaz_key_cmp(a->key, a->key_len, b->key, b->key_len) != 0)
            continue;
        /* Within a run of equal keys, compare with the run's first
         * entry: it has the earliest line. */
        size_t j = i - 1;
        while (j > 0 &&
               ps__gaz_key_cmp(g->aliases[j - 1].key, g->aliases[j - 1].key_len,
                               b->key, b->key_len) == 0)
            j--;
        const struct gz_alias *first = &g->aliases[j];
        if (first->ent != b->ent && (!bad || b->line < bad->line)) {
            bad = b;
            prev = first;
        }
    }
    if (bad) {
        set_errmsg(ld->errmsg, "%s:%zu: alias '%s' already names %s", ld->path,
                   bad->line, bad->text, g->defs[prev->ent].id);
        return PS_EINVAL;
    }

    size_t out = 0;
    for (size_t i = 0; i < g->naliases; i++) {
        struct gz_alias *a = &g->aliases[i];
        if (out > 0) {
            struct gz_alias *o = &g->aliases[out - 1];
            if (ps__gaz_key_cmp(o->key, o->key_len, a->key, a->key_len) == 0) {
                merge_case(o, a);
                free(a->key);
                free(a->text);
                continue;
            }
        }
        g->aliases[out++] = *a;
    }
    g->naliases = out;
    return PS_OK;
}

/* Parses every line of BUF. */
static ps_status_t parse_lines(struct loader *ld, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        ld->line++;
        if (memchr(p, '\0', (size_t)(stop - p))) {
            set_errmsg(ld->errmsg, "%s:%zu: NUL byte in line", ld->path,
                       ld->line);
            return PS_EINVAL;
        }
        size_t n = (size_t)(stop - p);
        while (n > 0 && p[n - 1] == '\r')
            n--;
        ps_status_t st = parse_line(ld, p, n);
        if (st != PS_OK)
            return st;
        p = nl ? nl + 1 : end;
    }
    return PS_OK;
}

ps_status_t ps_gazetteer_parse(const char *buf, size_t len, const char *name,
                               ps_analyzer_t *a, ps_gazetteer_t **out,
                               char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (!a || (!buf && len > 0))
        return PS_EINVAL;
    ps_gazetteer_t *g = calloc(1, sizeof *g);
    if (!g)
        return PS_ENOMEM;
    struct loader ld = {
        .g = g, .a = a, .path = name ? name : "(gazetteer)", .errmsg = errmsg};
    ps_status_t st = parse_lines(&ld, buf, len);
    if (st == PS_OK)
        st = finish(&ld);
    free(ld.key.p);
    if (st != PS_OK) {
        ps_gazetteer_free(g);
        return st;
    }
    *out = g;
    return PS_OK;
}

ps_status_t ps_gazetteer_load(const char *path, ps_analyzer_t *a,
                              ps_gazetteer_t **out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!out || (path && !a))
        return PS_EINVAL;
    *out = NULL;
    if (!path) {
        *out = calloc(1, sizeof **out);
        return *out ? PS_OK : PS_ENOMEM;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        set_errmsg(errmsg, "%s: %s", path, strerror(e));
        return e == ENOENT || e == ENOTDIR ? PS_ENOTFOUND
               : e == ENOMEM               ? PS_ENOMEM
                                           : PS_EIO;
    }
    char *buf = NULL;
    size_t len = 0;
    ps_status_t st = ps_read_stream(f, &buf, &len);
    fclose(f);
    if (st == PS_EIO)
        set_errmsg(errmsg, "%s: read error", path);
    if (st == PS_OK)
        st = ps_gazetteer_parse(buf, len, path, a, out, errmsg);
    free(buf);
    return st;
}
