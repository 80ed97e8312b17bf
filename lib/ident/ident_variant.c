/* Entity identity across articles: the written variants of one name that
 * is not a person's. On the PolNeAR articles, with no gazetteer, "The
 * Washington Post" (52 articles) and "Washington Post" (29) were two
 * organisations, "MSNBC" an organisation in 22 articles and a misc name
 * in 9, "Calif." (29 articles) a place apart from California, and
 * "America" (201) one apart from the U.S. Like every identity rule, these
 * read document counts alone. */
#include <stdlib.h>
#include <string.h>

#include "ident/ident_private.h"

/* "name place" pairs, sorted by name. */
static const char *const place_names[] = {
#include "place-variants.inc"
};
#define NPLACE_NAMES (sizeof place_names / sizeof *place_names)

/* "The Washington Post" is "Washington Post" when the index names that
 * as the same type: an article's capital "The" is part of how the model
 * reads a newspaper's name, not of which paper it is. */
static void article(const ps_ident_stats_t *s, ps_ident_t *out)
{
    if (strncmp(out->id, "the-", 4) != 0 || out->id[4] == '\0' ||
        ps__ident_docs(s, out->type, out->id + 4) == 0)
        return;
    memmove(out->id, out->id + 4, strlen(out->id + 4) + 1);
}

/* A misc name is the organisation of that name when the index types it an
 * organisation in more documents: misc is what CoNLL-2003 calls what is
 * none of the other types, so a name the tagger types an organisation
 * more often ("Politico", "MSNBC") is one, read with less evidence. Not
 * so a place: a city and its team are two, and on AIDA's train part a
 * place typed an org twice as often as a place, taken for the org, lost
 * 0.3 of B-cubed F1 (0.0 at eight times). */
static void misc_org(const ps_ident_stats_t *s, ps_ident_t *out)
{
    if (out->type == PS_ENT_MISC &&
        ps__ident_docs(s, PS_ENT_ORG, out->id) >
            ps__ident_docs(s, PS_ENT_MISC, out->id))
        out->type = PS_ENT_ORG;
}

/* "Calif." typed a place is California, and "America" the U.S., when the
 * index names that place (lib/ident/data/place-variants.txt). */
static void place_name(const ps_ident_stats_t *s, ps_ident_t *out)
{
    if (out->type != PS_ENT_PLACE)
        return;
    const char *place = ps__ident_pair_find(place_names, NPLACE_NAMES, out->id);
    if (place && ps__ident_docs(s, PS_ENT_PLACE, place) > 0)
        strcpy(out->id, place);
}

void ps__ident_variant(const ps_ident_stats_t *s, ps_ident_t *out)
{
    article(s, out);
    misc_org(s, out);
    place_name(s, out);
}

int ps__ident_variants_of(ps_entity_type_t type, const char *id,
                          int (*fn)(void *arg, const char *variant),
                          void *arg)
{
    char buf[PS_IDENT_MAX + 1];
    size_t n = strlen(id);
    int rc;
    if (n + 4 <= PS_IDENT_MAX) {
        memcpy(buf, "the-", 4);
        memcpy(buf + 4, id, n + 1);
        if ((rc = fn(arg, buf)) != 0)
            return rc;
    }
    if (type != PS_ENT_PLACE)
        return 0;
    for (size_t i = 0; i < NPLACE_NAMES; i++) {
        const char *sp = strchr(place_names[i], ' ');
        if (strcmp(sp + 1, id) != 0)
            continue;
        size_t al = (size_t)(sp - place_names[i]);
        memcpy(buf, place_names[i], al);
        buf[al] = '\0';
        if ((rc = fn(arg, buf)) != 0)
            return rc;
    }
    return 0;
}
