/* The display name of an entity across the index (ps_ident_display_name()
 * in include/psearch/ident.h): of the names its articles give it, the one
 * in most documents, never one in headline capitals when another exists.
 * Like every identity rule, a function of document counts alone. */
#include <stdlib.h>
#include <string.h>

#include "psearch/ident.h"

/* Builds PREFIX + A + B in BUF (PS_IDENT_MAX + 1 bytes); returns the
 * length, or 0 when it does not fit. */
static size_t concat3(char *buf, const char *a, const char *b, const char *c)
{
    size_t al = strlen(a), bl = strlen(b), cl = strlen(c);
    if (al + bl + cl > PS_IDENT_MAX)
        return 0;
    memcpy(buf, a, al);
    memcpy(buf + al, b, bl);
    memcpy(buf + al + bl, c, cl + 1);
    return al + bl + cl;
}

/* Whether NAME is written in capitals as a headline writes a name
 * ("HILLARY CLINTON"): letters, none of them lower case (bytes of other
 * scripts say nothing), and not an acronym, one word of at most five
 * letters ("FBI", "U.S.", "NATO"), which is rightly written so. */
static int in_capitals(const char *name, size_t len)
{
    int upper = 0, space = 0;
    size_t letters = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 'a' && c <= 'z')
            return 0;
        upper |= c >= 'A' && c <= 'Z';
        letters += c >= 'A' && c <= 'Z';
        space |= c == ' ';
    }
    return upper && (space || letters > 5);
}

struct pick {
    size_t skip; /* bytes of the prefix before the name */
    char *best;
    size_t best_len;
    uint64_t best_docs;
    int best_caps, nomem;
};

static void pick_name(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct pick *p = arg;
    if (len <= p->skip || p->nomem)
        return;
    const char *name = term + p->skip;
    size_t n = len - p->skip;
    int caps = in_capitals(name, n);
    int better;
    if (!p->best)
        better = 1;
    else if (caps != p->best_caps)
        better = !caps;
    else if (docs != p->best_docs)
        better = docs > p->best_docs;
    else {
        /* Terms come in byte order, so the first of equals is least. */
        better = 0;
    }
    if (!better)
        return;
    char *copy = malloc(n + 1);
    if (!copy) {
        p->nomem = 1;
        return;
    }
    memcpy(copy, name, n);
    copy[n] = '\0';
    free(p->best);
    p->best = copy;
    p->best_len = n;
    p->best_docs = docs;
    p->best_caps = caps;
}

ps_status_t ps_ident_display_name(const ps_ident_stats_t *s,
                                  ps_entity_type_t type, const char *id,
                                  char **name)
{
    char buf[PS_IDENT_MAX + 1];
    const char *prefix = ps_entity_type_prefix(type);
    *name = NULL;
    if (!prefix)
        return PS_OK;
    size_t n;
    char ent[PS_IDENT_MAX + 1];
    if (!concat3(ent, prefix, id, "") ||
        !(n = concat3(buf, PS_IDENT_P_NAME, ent, "\t")))
        return PS_OK;
    struct pick p = {n, NULL, 0, 0, 0, 0};
    if (s->each(s->ctx, buf, n, pick_name, &p)) {
        free(p.best);
        return PS_EIO;
    }
    if (p.nomem) {
        free(p.best);
        return PS_ENOMEM;
    }
    *name = p.best;
    return PS_OK;
}
