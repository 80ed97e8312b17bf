/* The gazetteer of known entities: entity type names, loading the TSV file,
 * analysing every alias into the same terms the index uses, and looking
 * names up, both for the tagger (by term sequence, with case constraints)
 * and for the query side (case-insensitively). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/entities_private.h"
#include "base/util.h"
#include "psearch/entities.h"

/* An alias may have at most this many words, so that its case constraints
 * fit in one 64-bit mask per kind. */
#define MAX_ALIAS_WORDS 64

/* One alias, reduced to its key: the terms of its words joined by single
 * spaces ("mar a lago"). Word W of the alias only matches a token with
 * PS_TOK_UPPER when bit W of need_upper is set, and only a capitalised
 * token when bit W of need_cap is set. */
struct gz_alias {
    char *key;
    size_t key_len;
    uint32_t ent;
    uint32_t nwords;
    uint64_t need_upper;
    uint64_t need_cap;
    /* Where the alias came from, for the duplicate-alias message. */
    size_t line;
    char *text;
};

struct ps_gazetteer {
    ps_entity_def_t *defs;
    size_t ndefs, defs_cap;
    size_t *def_lines;
    struct gz_alias *aliases;
    size_t naliases, aliases_cap;
    uint32_t max_words;
};

static const struct {
    const char *name;
    const char *prefix;
} type_info[PS_ENT__COUNT] = {
    [PS_ENT_PERSON] = {"person", "XPERSON:"},
    [PS_ENT_PLACE] = {"place", "XPLACE:"},
    [PS_ENT_ORG] = {"org", "XORG:"},
    [PS_ENT_TREATY] = {"treaty", "XTREATY:"},
    [PS_ENT_MISC] = {"misc", "XMISC:"},
};

const char *ps_entity_type_name(ps_entity_type_t t)
{
    if ((int)t < 0 || t >= PS_ENT__COUNT)
        return NULL;
    return type_info[t].name;
}

int ps_entity_type_parse(const char *name)
{
    if (!name)
        return -1;
    for (int t = 0; t < PS_ENT__COUNT; t++)
        if (strcasecmp(name, type_info[t].name) == 0)
            return t;
    return -1;
}

const char *ps_entity_type_prefix(ps_entity_type_t t)
{
    if ((int)t < 0 || t >= PS_ENT__COUNT)
        return NULL;
    return type_info[t].prefix;
}

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

void ps_gazetteer_free(ps_gazetteer_t *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->ndefs; i++) {
        free((char *)g->defs[i].id);
        free((char *)g->defs[i].name);
    }
    for (size_t i = 0; i < g->naliases; i++) {
        free(g->aliases[i].key);
        free(g->aliases[i].text);
    }
    free(g->defs);
    free(g->def_lines);
    free(g->aliases);
    free(g);
}

size_t ps_gazetteer_count(const ps_gazetteer_t *g)
{
    return g ? g->ndefs : 0;
}

const ps_entity_def_t *ps_gazetteer_get(const ps_gazetteer_t *g, size_t i)
{
    if (!g || i >= g->ndefs)
        return NULL;
    return &g->defs[i];
}

uint32_t ps__gazetteer_max_words(const ps_gazetteer_t *g)
{
    return g ? g->max_words : 0;
}

/* Orders keys bytewise, the way the tagger builds them. */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int alias_cmp(const void *pa, const void *pb)
{
    const struct gz_alias *a = pa, *b = pb;
    int c = key_cmp(a->key, a->key_len, b->key, b->key_len);
    if (c)
        return c;
    /* File order breaks ties, so that the later line is the one blamed
     * for a duplicate. */
    return a->line < b->line ? -1 : a->line > b->line;
}

static const struct gz_alias *find_alias(const ps_gazetteer_t *g,
                                         const char *key, size_t len)
{
    size_t lo = 0, hi = g->naliases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct gz_alias *al = &g->aliases[mid];
        int c = key_cmp(key, len, al->key, al->key_len);
        if (c == 0)
            return al;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

int ps__gazetteer_lookup(const ps_gazetteer_t *g, const char *key, size_t len,
                         uint32_t *ent, uint32_t *nwords, uint64_t *need_upper,
                         uint64_t *need_cap)
{
    if (!g)
        return 0;
    const struct gz_alias *al = find_alias(g, key, len);
    if (!al)
        return 0;
    *ent = al->ent;
    *nwords = al->nwords;
    *need_upper = al->need_upper;
    *need_cap = al->need_cap;
    return 1;
}

/* A growable string buffer for building keys. */
struct strbuf {
    char *p;
    size_t len, cap;
};

static int sb_add(struct strbuf *sb, const char *s, size_t n)
{
    if (ps__grow(&sb->p, &sb->cap, sb->len + n + 1, 1) < 0)
        return -1;
    memcpy(sb->p + sb->len, s, n);
    sb->len += n;
    sb->p[sb->len] = '\0';
    return 0;
}

/* Analyses NAME and joins the terms of its words with SEP into SB. Compound
 * wholes are skipped: their parts carry the words, so "Mar-a-Lago" and
 * "Mar a Lago" give the same key. When UPPER and CAP are given, they get
 * each word's case constraint. *NWORDS gets the word count, which may
 * exceed MAX_ALIAS_WORDS (the masks then only cover the first ones). */
static ps_status_t build_key(ps_analyzer_t *a, const char *name, size_t len,
                             char sep, struct strbuf *sb, uint32_t *nwords,
                             uint64_t *upper, uint64_t *cap)
{
    const ps_token_t *toks;
    size_t ntoks;
    ps_status_t st = ps_analyze(a, name, len, 0, &toks, &ntoks);
    if (st != PS_OK)
        return st;
    sb->len = 0;
    if (sb_add(sb, "", 0) < 0)
        return PS_ENOMEM;
    uint32_t n = 0;
    uint64_t up = 0, cp = 0;
    for (size_t i = 0; i < ntoks; i++) {
        const ps_token_t *t = &toks[i];
        if (t->flags & PS_TOK_COMPOUND)
            continue;
        if (n > 0 && sb_add(sb, &sep, 1) < 0)
            return PS_ENOMEM;
        if (sb_add(sb, t->term, t->term_len) < 0)
            return PS_ENOMEM;
        if (n < MAX_ALIAS_WORDS) {
            if (t->flags & PS_TOK_UPPER)
                up |= (uint64_t)1 << n;
            else if (t->flags & PS_TOK_CAP)
                cp |= (uint64_t)1 << n;
        }
        if (n < UINT32_MAX)
            n++;
    }
    *nwords = n;
    if (upper)
        *upper = up;
    if (cap)
        *cap = cp;
    return PS_OK;
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
        build_key(ld->a, text, len, ' ', &ld->key, &nwords, &up, &cp);
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

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
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

static ps_status_t parse_line(struct loader *ld, const char *line, size_t len)
{
    ps_gazetteer_t *g = ld->g;
    size_t i = 0;
    while (i < len && is_blank(line[i]))
        i++;
    if (i == len || line[0] == '#')
        return PS_OK;

    const char *f[4];
    size_t fl[4], nf = 0;
    const char *p = line, *end = line + len;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        if (nf == 4) {
            nf++;
            break;
        }
        f[nf] = p;
        fl[nf] = (size_t)(stop - p);
        trim(&f[nf], &fl[nf]);
        nf++;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (nf < 3 || nf > 4) {
        set_errmsg(ld->errmsg,
                   "%s:%zu: expected 3 or 4 TAB-separated fields "
                   "(id, type, name, aliases), found %s%zu",
                   ld->path, ld->line, nf > 4 ? "more than " : "",
                   nf > 4 ? (size_t)4 : nf);
        return PS_EINVAL;
    }
    if (fl[0] == 0) {
        set_errmsg(ld->errmsg, "%s:%zu: empty id", ld->path, ld->line);
        return PS_EINVAL;
    }
    if (!valid_id(f[0], fl[0])) {
        set_errmsg(ld->errmsg,
                   "%s:%zu: id '%.*s' is not a lower-case slug "
                   "(a-z, 0-9, '-', '_', '.')",
                   ld->path, ld->line, (int)fl[0], f[0]);
        return PS_EINVAL;
    }
    for (size_t k = 0; k < g->ndefs; k++) {
        if (strlen(g->defs[k].id) == fl[0] &&
            memcmp(g->defs[k].id, f[0], fl[0]) == 0) {
            set_errmsg(ld->errmsg,
                       "%s:%zu: id '%.*s' already defined on "
                       "line %zu",
                       ld->path, ld->line, (int)fl[0], f[0], g->def_lines[k]);
            return PS_EINVAL;
        }
    }
    char tname[16];
    int type = -1;
    if (fl[1] < sizeof tname) {
        memcpy(tname, f[1], fl[1]);
        tname[fl[1]] = '\0';
        type = ps_entity_type_parse(tname);
    }
    if (type < 0) {
        set_errmsg(ld->errmsg,
                   "%s:%zu: unknown type '%.*s' (expected person, place, "
                   "org, treaty or misc)",
                   ld->path, ld->line, (int)fl[1], f[1]);
        return PS_EINVAL;
    }
    if (fl[2] == 0) {
        set_errmsg(ld->errmsg, "%s:%zu: empty canonical name", ld->path,
                   ld->line);
        return PS_EINVAL;
    }

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
    d->type = (ps_entity_type_t)type;
    if (!d->id || !d->name) {
        free((char *)d->id);
        free((char *)d->name);
        return PS_ENOMEM;
    }
    g->def_lines[g->ndefs] = ld->line;
    uint32_t ent = (uint32_t)g->ndefs++;

    ps_status_t st = add_alias(ld, ent, f[2], fl[2]);
    if (st != PS_OK || nf < 4)
        return st;
    const char *a = f[3], *aend = f[3] + fl[3];
    while (a <= aend) {
        const char *bar = memchr(a, '|', (size_t)(aend - a));
        const char *stop = bar ? bar : aend;
        const char *s = a;
        size_t n = (size_t)(stop - a);
        trim(&s, &n);
        /* "a||b" or a trailing '|' leaves an empty alias: harmless. */
        if (n > 0 && (st = add_alias(ld, ent, s, n)) != PS_OK)
            return st;
        if (!bar)
            break;
        a = bar + 1;
    }
    return PS_OK;
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
    qsort(g->aliases, g->naliases, sizeof *g->aliases, alias_cmp);

    /* Report the clash on the earliest offending line, so the message does
     * not depend on the sort. */
    const struct gz_alias *bad = NULL, *prev = NULL;
    for (size_t i = 1; i < g->naliases; i++) {
        const struct gz_alias *a = &g->aliases[i - 1], *b = &g->aliases[i];
        if (key_cmp(a->key, a->key_len, b->key, b->key_len) != 0)
            continue;
        /* Within a run of equal keys, compare with the run's first
         * entry: it has the earliest line. */
        size_t j = i - 1;
        while (j > 0 &&
               key_cmp(g->aliases[j - 1].key, g->aliases[j - 1].key_len, b->key,
                       b->key_len) == 0)
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
            if (key_cmp(o->key, o->key_len, a->key, a->key_len) == 0) {
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

/* Reads all of F into a new buffer. */
static ps_status_t slurp(FILE *f, char **out, size_t *len)
{
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return PS_ENOMEM;
    for (;;) {
        if (n == cap) {
            char *p = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return PS_ENOMEM;
            }
            buf = p;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return PS_EIO;
    }
    *out = buf;
    *len = n;
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
    ps_status_t st = slurp(f, &buf, &len);
    fclose(f);
    if (st == PS_EIO)
        set_errmsg(errmsg, "%s: read error", path);
    if (st == PS_OK)
        st = ps_gazetteer_parse(buf, len, path, a, out, errmsg);
    free(buf);
    return st;
}

const ps_entity_def_t *ps_gazetteer_resolve(const ps_gazetteer_t *g,
                                            ps_analyzer_t *a, const char *name,
                                            size_t len, int type)
{
    if (!g || !a || !name)
        return NULL;
    const ps_entity_def_t *hit = NULL;
    struct strbuf sb = {0};
    uint32_t nwords;
    if (build_key(a, name, len, ' ', &sb, &nwords, NULL, NULL) == PS_OK &&
        nwords > 0) {
        const struct gz_alias *al = find_alias(g, sb.p, sb.len);
        if (al)
            hit = &g->defs[al->ent];
    }
    free(sb.p);
    /* A user may also type the id itself ("kings-college-london"), which
     * need not analyse to any alias. */
    if (!hit) {
        const char *s = name;
        size_t n = len;
        while (n > 0 && is_blank(*s))
            s++, n--;
        while (n > 0 && is_blank(s[n - 1]))
            n--;
        for (size_t i = 0; n > 0 && i < g->ndefs; i++) {
            if (strlen(g->defs[i].id) == n &&
                strncasecmp(g->defs[i].id, s, n) == 0) {
                hit = &g->defs[i];
                break;
            }
        }
    }
    if (hit && type >= 0 && (int)hit->type != type)
        return NULL;
    return hit;
}

ps_status_t ps_entity_slug(ps_analyzer_t *a, const char *name, size_t len,
                           char **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    if (!a || (!name && len > 0))
        return PS_EINVAL;
    struct strbuf sb = {0};
    uint32_t nwords;
    ps_status_t st =
        build_key(a, name ? name : "", len, '-', &sb, &nwords, NULL, NULL);
    if (st != PS_OK) {
        free(sb.p);
        return st;
    }
    if (nwords == 0) {
        free(sb.p);
        return PS_EINVAL;
    }
    *out = sb.p;
    return PS_OK;
}
