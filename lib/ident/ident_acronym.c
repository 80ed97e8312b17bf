/* Acronyms across articles: a long name is its acronym where the index
 * names the acronym as much ("federal-bureau-of-investigation" -> "fbi"),
 * and an acronym its long form where articles write that more ("hk" ->
 * "hong-kong"); only a long form that dominates the others with the same
 * initials. Rules of document counts, as every identity rule (ident.c). */
#include <string.h>

#include "ident/ident_private.h"

/* The long forms an acronym's letters spell, and how many documents name
 * each as TYPE. */
struct longs {
    const ps_ident_stats_t *s;
    ps_entity_type_t type;
    char best[PS_IDENT_MAX + 1];
    uint64_t best_docs, second_docs;
};

static void take_long(void *arg, const char *term, size_t len, uint64_t n)
{
    (void)n;
    struct longs *l = arg;
    const char *colon = memchr(term, ':', len);
    char id[PS_IDENT_MAX + 1];
    size_t idl = colon ? len - (size_t)(colon + 1 - term) : 0;
    if (!idl || idl > PS_IDENT_MAX)
        return;
    memcpy(id, colon + 1, idl);
    id[idl] = '\0';
    uint64_t docs = ps__ident_docs(l->s, l->type, id);
    if (docs > l->best_docs) {
        l->second_docs = l->best_docs;
        l->best_docs = docs;
        strcpy(l->best, id);
    } else if (docs > l->second_docs) {
        l->second_docs = docs;
    }
}

/* A name of several words whose initials spell an acronym the index holds
 * as a name of the same type, in at least as many documents, is that
 * acronym ("united-states" -> "us", "federal-bureau-of-investigation" ->
 * "fbi"): the tagger gives an acronym and its long form in one article the
 * acronym's id, what readers type, and this does so across articles. Only
 * the long form the index names, as that type, in at least twice as many
 * documents as any other with the same initials: "DC" is the District of
 * Columbia, not every "Democracy Corps" and "Dartmouth College" of the
 * index, when none of them dominates. Returns PS_EIO when S failed. */
ps_status_t ps__ident_acronym(const ps_ident_stats_t *s, ps_ident_t *out)
{
    char acr[PS__IDENT_MAX_WORDS + 1], buf[PS_IDENT_MAX + 1];
    size_t al = ps__ident_initials(out->id, acr);
    if (!al)
        return PS_OK;
    uint64_t a = ps__ident_docs(s, out->type, acr);
    uint64_t mine = ps__ident_docs(s, out->type, out->id);
    if (a == 0 || a < mine)
        return PS_OK;
    struct longs l = {s, out->type, "", 0, 0};
    size_t bl = ps__ident_term3(buf, PS_IDENT_P_INITIALS, acr, al, ":", "", 0);
    if (!bl)
        return PS_OK;
    if (s->each(s->ctx, buf, bl, take_long, &l))
        return PS_EIO;
    /* The name itself may be in no document: a query's long form that
     * every article wrote beside its acronym ("FBI") is the acronym's. */
    uint64_t other = strcmp(l.best, out->id) == 0 ? l.second_docs : l.best_docs;
    if (mine >= PS_IDENT_DOMINANCE * other)
        strcpy(out->id, acr);
    return PS_OK;
}

/* The converse of ps__ident_acronym(): an acronym is the long form its letters
 * spell when the index names that long form, as the same type, in more
 * documents than the acronym and at least twice as many as any other
 * long form ("HK" -> "hong-kong" where articles write "Hong Kong" more).
 * A long form goes to the acronym only when the acronym is in at least
 * as many documents, so the two rules never send one to the other and
 * back. Returns PS_EIO when S failed. */
ps_status_t ps__ident_long_form(const ps_ident_stats_t *s, ps_ident_t *out)
{
    size_t n = strlen(out->id);
    if (n < 2 || n > 8 || strchr(out->id, '-'))
        return PS_OK;
    char buf[PS_IDENT_MAX + 1];
    struct longs l = {s, out->type, "", 0, 0};
    size_t bl =
        ps__ident_term3(buf, PS_IDENT_P_INITIALS, out->id, n, ":", "", 0);
    if (!bl || s->each(s->ctx, buf, bl, take_long, &l))
        return bl ? PS_EIO : PS_OK;
    if (l.best_docs > ps__ident_docs(s, out->type, out->id) &&
        l.best_docs >= PS_IDENT_DOMINANCE * l.second_docs)
        strcpy(out->id, l.best);
    return PS_OK;
}
