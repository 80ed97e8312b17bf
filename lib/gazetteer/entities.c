/* The gazetteer of known entities: entity type names, analysing a name
 * into the key the index's terms give it, and looking names up, both for
 * the tagger (by term sequence, with case constraints) and for the query
 * side (case-insensitively). Loading the TSV file is gaz_load.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/entities_private.h"
#include "gazetteer/gazetteer_private.h"
#include "base/util.h"
#include "psearch/entities.h"

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

int ps__gaz_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

/* Orders keys bytewise, the way the tagger builds them. */
int ps__gaz_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

int ps__gaz_alias_cmp(const void *pa, const void *pb)
{
    const struct gz_alias *a = pa, *b = pb;
    int c = ps__gaz_key_cmp(a->key, a->key_len, b->key, b->key_len);
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
        int c = ps__gaz_key_cmp(key, len, al->key, al->key_len);
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

int ps__gaz_sb_add(struct strbuf *sb, const char *s, size_t n)
{
    if (ps__grow(&sb->p, &sb->cap, sb->len + n + 1, 1) < 0)
        return -1;
    memcpy(sb->p + sb->len, s, n);
    sb->len += n;
    sb->p[sb->len] = '\0';
    return 0;
}

/* Builds the key of NAME (gazetteer_private.h). */
ps_status_t ps__gaz_build_key(ps_analyzer_t *a, const char *name, size_t len,
                              char sep, struct strbuf *sb, uint32_t *nwords,
                              uint64_t *upper, uint64_t *cap)
{
    const ps_token_t *toks;
    size_t ntoks;
    ps_status_t st = ps_analyze(a, name, len, 0, &toks, &ntoks);
    if (st != PS_OK)
        return st;
    sb->len = 0;
    if (ps__gaz_sb_add(sb, "", 0) < 0)
        return PS_ENOMEM;
    uint32_t n = 0;
    uint64_t up = 0, cp = 0;
    for (size_t i = 0; i < ntoks; i++) {
        const ps_token_t *t = &toks[i];
        if (t->flags & PS_TOK_COMPOUND)
            continue;
        if (n > 0 && ps__gaz_sb_add(sb, &sep, 1) < 0)
            return PS_ENOMEM;
        if (ps__gaz_sb_add(sb, t->term, t->term_len) < 0)
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

const ps_entity_def_t *ps_gazetteer_resolve(const ps_gazetteer_t *g,
                                            ps_analyzer_t *a, const char *name,
                                            size_t len, int type)
{
    if (!g || !a || !name)
        return NULL;
    const ps_entity_def_t *hit = NULL;
    struct strbuf sb = {0};
    uint32_t nwords;
    if (ps__gaz_build_key(a, name, len, ' ', &sb, &nwords, NULL, NULL) ==
            PS_OK &&
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
        while (n > 0 && ps__gaz_is_blank(*s))
            s++, n--;
        while (n > 0 && ps__gaz_is_blank(s[n - 1]))
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
    ps_status_t st = ps__gaz_build_key(a, name ? name : "", len, '-', &sb,
                                       &nwords, NULL, NULL);
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
