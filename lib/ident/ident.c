/* Entity identity across articles (include/psearch/ident.h): the terms an
 * article's entities add to the index so that readers can tell which
 * entity a name stands for, and the rules that read them. Every rule is a
 * function of document counts summed over shards, never of which article
 * came first, so one index, its shards and nodes built apart agree. */
#include <stdlib.h>
#include <string.h>

#include "ident/ident_private.h"
#include "psearch/ident.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Words that carry a surname on after them ("van Beethoven", "bin
 * Salman"), so a name is not cut before them. */
static const char *const particles[] = {
    "al", "bin", "da", "das", "de", "del", "della", "der", "di", "do",
    "dos", "du", "el", "ibn", "la", "le", "st", "ten", "ter", "van", "von",
};

/* Final words that are no part of the surname ("Martin Luther King Jr"). */
static const char *const suffixes[] = {"ii", "iii", "iv", "jr", "sr"};

static int listed(const char *const *list, size_t n, const char *w, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
            return 1;
    return 0;
}

static int pair_cmp(const void *key, const void *elem)
{
    const char *w = key, *pair = *(const char *const *)elem;
    size_t n = strcspn(pair, " ");
    int c = strncmp(w, pair, n);
    return c ? c : w[n] == '\0' ? 0 : 1;
}

const char *ps__ident_pair_find(const char *const *pairs, size_t n,
                                const char *key)
{
    const char *const *pair = bsearch(key, pairs, n, sizeof *pairs, pair_cmp);
    return pair ? strchr(*pair, ' ') + 1 : NULL;
}

/* Splits ID at '-' into at most PS__IDENT_MAX_WORDS words; returns their
 * count, or 0 when there are more (the id is then left alone). */
size_t ps__ident_split(const char *id, const char **w, size_t *wl)
{
    size_t n = 0;
    const char *p = id;
    for (;;) {
        const char *d = strchr(p, '-');
        size_t len = d ? (size_t)(d - p) : strlen(p);
        if (n == PS__IDENT_MAX_WORDS)
            return 0;
        w[n] = p;
        wl[n++] = len;
        if (!d)
            return n;
        p = d + 1;
    }
}

/* ps_ident_person_id(), and ps_ident_person_written() when INITIALS:
 * middle words of one or two letters kept. */
static size_t person_id(const char *id, char *out, int initials)
{
    size_t len = strlen(id);
    const char *w[PS__IDENT_MAX_WORDS];
    size_t wl[PS__IDENT_MAX_WORDS], keep[PS__IDENT_MAX_WORDS], nkeep = 0;
    size_t n = len > PS_IDENT_MAX ? 0 : ps__ident_split(id, w, wl);
    for (size_t i = 0; i < n; i++)
        if (wl[i] == 0)
            n = 0; /* "--" or a trailing '-': not a slug of words */
    while (n > 2 && listed(suffixes, COUNT(suffixes), w[n - 1], wl[n - 1]))
        n--;
    if (n <= 2) {
        if (len > PS_IDENT_MAX) {
            memcpy(out, id, PS_IDENT_MAX);
            out[PS_IDENT_MAX] = '\0';
            return PS_IDENT_MAX;
        }
        size_t m = n == 0 ? len : (size_t)(w[n - 1] + wl[n - 1] - id);
        memcpy(out, id, m);
        out[m] = '\0';
        return m;
    }
    keep[nkeep++] = 0;
    size_t from = n - 1;
    for (size_t i = 1; i + 1 < n; i++)
        if (listed(particles, COUNT(particles), w[i], wl[i])) {
            from = i;
            break;
        }
    for (size_t i = 1; initials && i < from; i++)
        if (wl[i] <= 2)
            keep[nkeep++] = i;
    for (size_t i = from; i < n; i++)
        keep[nkeep++] = i;
    /* Initials written apart are the initials written together: the
     * "h", "w" of "George H. W. Bush" are the "hw" of "George H.W. Bush". */
    size_t o = 0;
    for (size_t k = 0; k < nkeep; k++) {
        size_t i = keep[k];
        int glue = k >= 2 && keep[k - 1] + 1 == i && wl[i] == 1 &&
                   wl[keep[k - 1]] == 1 && keep[k - 1] > 0 && i < from;
        if (k && !glue)
            out[o++] = '-';
        memcpy(out + o, w[i], wl[i]);
        o += wl[i];
    }
    out[o] = '\0';
    return o;
}

size_t ps_ident_person_id(const char *id, char *out)
{
    return person_id(id, out, 0);
}

size_t ps_ident_person_written(const char *id, char *out)
{
    return person_id(id, out, 1);
}

/* Words an acronym leaves out ("Federal Bureau of Investigation"). */
static const char *const skipped[] = {"and", "for", "of", "on", "the"};

/* The acronym the initials of ID's words spell into ACR (PS__IDENT_MAX_WORDS +
 * 1 bytes), "of", "and", "the", "for" and "on" left out; its length, 0 when ID
 * is one word or a word starts with neither a letter nor a digit. */
size_t ps__ident_initials(const char *id, char *acr)
{
    const char *w[PS__IDENT_MAX_WORDS];
    size_t wl[PS__IDENT_MAX_WORDS];
    size_t nw = ps__ident_split(id, w, wl), n = 0;
    if (nw < 2)
        return 0;
    for (size_t i = 0; i < nw; i++) {
        if (wl[i] == 0)
            return 0;
        if (i > 0 && listed(skipped, COUNT(skipped), w[i], wl[i]))
            continue;
        unsigned char c = (unsigned char)w[i][0];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
        acr[n++] = (char)c;
    }
    acr[n] = '\0';
    return n < 2 ? 0 : n;
}

/* Builds PREFIX + A + SEP + B in BUF (PS_IDENT_MAX + 1 bytes); returns the
 * length, or 0 when it does not fit. */
size_t ps__ident_term3(char *buf, const char *prefix, const char *a, size_t al,
                       const char *sep, const char *b, size_t bl)
{
    size_t pl = strlen(prefix), sl = strlen(sep);
    if (pl + al + sl + bl > PS_IDENT_MAX)
        return 0;
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, a, al);
    memcpy(buf + pl + al, sep, sl);
    memcpy(buf + pl + al + sl, b, bl);
    buf[pl + al + sl + bl] = '\0';
    return pl + al + sl + bl;
}

int ps_ident_terms(const ps_entity_t *e,
                   int (*fn)(void *arg, const char *term, size_t len),
                   void *arg)
{
    char buf[PS_IDENT_MAX + 1], ent[PS_IDENT_MAX + 1], pid[PS_IDENT_MAX + 1];
    const char *prefix = ps_entity_type_prefix(e->type);
    size_t n;
    int rc;
    /* The gazetteer names its entities and gives their ids. */
    if (!prefix || e->known || strlen(e->id) > PS_IDENT_MAX)
        return 0;
    /* A person is known by the id the index resolves it to. */
    size_t idl = e->type == PS_ENT_PERSON ? ps_ident_person_written(e->id, pid)
                                          : strlen(strcpy(pid, e->id));
    size_t el = ps__ident_term3(ent, "", prefix, strlen(prefix), "", pid, idl);
    if (el && e->name &&
        (n = ps__ident_term3(buf, PS_IDENT_P_NAME, ent, el, "\t", e->name,
                             strlen(e->name))) &&
        (rc = fn(arg, buf, n)) != 0)
        return rc;
    if (e->type != PS_ENT_PERSON) {
        /* A long form under its initials, so that a reader finds the
         * long forms of an acronym without reading every name. */
        char acr[PS__IDENT_MAX_WORDS + 1];
        size_t al = ps__ident_initials(pid, acr);
        if (al &&
            (n = ps__ident_term3(buf, PS_IDENT_P_INITIALS, acr, al, ":", pid,
                                 idl)) &&
            (rc = fn(arg, buf, n)) != 0)
            return rc;
        return 0;
    }
    const char *w[PS__IDENT_MAX_WORDS];
    size_t wl[PS__IDENT_MAX_WORDS];
    size_t nw = ps__ident_split(pid, w, wl);
    /* An initial is no first name to find the person by ("s-warne"). */
    if (nw < 2 || wl[0] < 2 || wl[nw - 1] < 2)
        return 0;
    if ((n = ps__ident_term3(buf, PS_IDENT_P_SURNAME, w[nw - 1], wl[nw - 1],
                             ":", pid, idl)) &&
        (rc = fn(arg, buf, n)) != 0)
        return rc;
    if ((n = ps__ident_term3(buf, PS_IDENT_P_FIRST, w[0], wl[0], ":", pid,
                             idl)) &&
        (rc = fn(arg, buf, n)) != 0)
        return rc;
    return 0;
}

uint64_t ps__ident_docs(const ps_ident_stats_t *s, ps_entity_type_t type,
                        const char *id)
{
    char buf[PS_IDENT_MAX + 1];
    const char *prefix = ps_entity_type_prefix(type);
    size_t n =
        ps__ident_term3(buf, "", prefix, strlen(prefix), "", id, strlen(id));
    return n ? s->docs(s->ctx, buf, n) : 0;
}

/* The long names of TYPE that start with a word, and how many documents
 * hold each. */
struct heads {
    size_t skip; /* bytes of the prefix before the id */
    char best[PS_IDENT_MAX + 1];
    uint64_t best_docs, second_docs;
};

static void take_head(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct heads *h = arg;
    size_t idl = len - h->skip;
    if (len <= h->skip || idl > PS_IDENT_MAX)
        return;
    if (docs > h->best_docs) {
        h->second_docs = h->best_docs;
        h->best_docs = docs;
        memcpy(h->best, term + h->skip, idl);
        h->best[idl] = '\0';
    } else if (docs > h->second_docs) {
        h->second_docs = docs;
    }
}

/* An organisation named by the first word of its name alone ("Real" for
 * Real Madrid, "Pirelli" for Pirelli Cables, "Texas" the team for the
 * Texas Rangers) is the longer name starting with that word which the
 * index's articles write, as an org, in at least twice as many documents
 * as any other: the rule for a surname alone, for organisations. A word
 * written alone as an org in more than HEAD_ALONE times as many documents
 * as its longest-named long form names something of its own (the
 * standings' "CHICAGO" is no "Chicago Purchasing Managers"). Returns
 * PS_EIO when S failed. */
#define HEAD_ALONE 8
static ps_status_t head_word(const ps_ident_stats_t *s, ps_ident_t *out)
{
    size_t n = strlen(out->id);
    if (out->type != PS_ENT_ORG || n < 3 || strchr(out->id, '-'))
        return PS_OK;
    const char *prefix = ps_entity_type_prefix(PS_ENT_ORG);
    char buf[PS_IDENT_MAX + 1];
    size_t bl = ps__ident_term3(buf, prefix, out->id, n, "-", "", 0);
    struct heads h = {strlen(prefix), "", 0, 0};
    if (!bl || bl + 1 > PS_IDENT_MAX)
        return PS_OK;
    if (s->each(s->ctx, buf, bl, take_head, &h))
        return PS_EIO;
    /* A word the index names a place more often than an organisation is
     * that place's name, not the head of a longer one ("America" typed an
     * org in a headline is no "Make America Great Again"). */
    if (ps__ident_docs(s, PS_ENT_PLACE, out->id) > ps__ident_docs(s, PS_ENT_ORG, out->id))
        return PS_OK;
    if (h.best_docs > 0 && h.best_docs >= PS_IDENT_DOMINANCE * h.second_docs &&
        h.best_docs * HEAD_ALONE >= ps__ident_docs(s, PS_ENT_ORG, out->id))
        strcpy(out->id, h.best);
    return PS_OK;
}

const char *const ps__ident_official[] = {
    "commonwealth", "democratic", "duchy",   "federal",
    "grand",        "islamic",    "kingdom", "people",
    "principality", "republic",   "state",   NULL,
};

static void nationality(const ps_ident_stats_t *s, ps_ident_t *out);

/* A place's official name is the place it names when the index holds
 * that ("Republic of Ireland" -> "ireland", "People's Republic of China"
 * -> "china", "Russian Federation" -> "russia"). */
static void official(const ps_ident_stats_t *s, ps_ident_t *out)
{
    const char *w[PS__IDENT_MAX_WORDS];
    size_t wl[PS__IDENT_MAX_WORDS];
    size_t nw = ps__ident_split(out->id, w, wl), i = 0;
    for (; i < nw && listed(ps__ident_official, COUNT(ps__ident_official) - 1,
                            w[i], wl[i]);
         i++)
        ;
    if (i > 0 && i + 1 < nw && wl[i] == 2 && memcmp(w[i], "of", 2) == 0) {
        size_t from = i + 1;
        if (from + 1 < nw && wl[from] == 3 && memcmp(w[from], "the", 3) == 0)
            from++;
        const char *rest = w[from];
        if (ps__ident_docs(s, PS_ENT_PLACE, rest) > 0)
            memmove(out->id, rest, strlen(rest) + 1);
        return;
    }
    if (nw == 2 && wl[1] == 10 && memcmp(w[1], "federation", 10) == 0) {
        ps_ident_t nat = {PS_ENT_MISC, ""};
        memcpy(nat.id, w[0], wl[0]);
        nat.id[wl[0]] = '\0';
        nationality(s, &nat);
        if (nat.type == PS_ENT_PLACE)
            strcpy(out->id, nat.id);
    }
}

/* A plural of one word is its singular when the index holds that as a
 * name of the same type ("Israelis" -> "Israeli", "Democrats" ->
 * "Democrat"): a group and its members are one name to search for. */
static void singular(const ps_ident_stats_t *s, ps_ident_t *out)
{
    size_t n = strlen(out->id);
    if (n < 4 || out->id[n - 1] != 's' || out->id[n - 2] == 's' ||
        strchr(out->id, '-'))
        return;
    char one[PS_IDENT_MAX + 1];
    memcpy(one, out->id, n - 1);
    one[n - 1] = '\0';
    if (ps__ident_docs(s, out->type, one) > 0)
        strcpy(out->id, one);
}

struct place_find {
    const ps_ident_stats_t *s;
    char *out;
};

static int place_held(void *arg, const char *place)
{
    struct place_find *f = arg;
    if (ps__ident_docs(f->s, PS_ENT_PLACE, place) == 0)
        return 0;
    strcpy(f->out, place);
    return 1;
}

/* A nationality is its country when the index holds the country as a
 * place ("German" -> Germany, "South Korean" -> South Korea): an article
 * that calls something German is about Germany, as AIDA's annotators
 * read it, and place:Germany should find it (guide.md, Nationalities).
 * A nationality of no place the index names ("Kurdish" with no
 * Kurdistan) stays a misc entity of its own. */
static void nationality(const ps_ident_stats_t *s, ps_ident_t *out)
{
    char place[PS_IDENT_MAX + 1];
    struct place_find f = {s, place};
    if (ps__demonym_places(out->id, place_held, &f)) {
        out->type = PS_ENT_PLACE;
        strcpy(out->id, place);
    }
}

/* Last words that make a name an organisation's, never a person's, however
 * the tagger typed it ("Clinton Foundation", "Orlando Sentinel", "Judiciary
 * Committee"): the head noun of an organisation's name. Only words no
 * person bears as a surname; "House", "Church" or "Post" are left out. */
static const char *const org_heads[] = {
    "academy",    "administration", "agency",      "airlines",
    "alliance",   "association",    "bureau",      "campaign",
    "caucus",     "coalition",      "college",     "commission",
    "committee",  "company",        "corp",        "corporation",
    "council",    "department",     "foundation",  "gazette",
    "inc",        "institute",      "institution", "journal",
    "images",     "magazine",       "ministry",    "network",
    "news",       "organisation",
    "organization", "party",        "sentinel",    "society",
    "times",      "tribune",        "union",       "university",
};

int ps_ident_org_head(const char *word, size_t len)
{
    return word && listed(org_heads, COUNT(org_heads), word, len);
}

/* Whether ID, of two words or more, ends in one of org_heads. */
static int org_named(const char *id)
{
    const char *last = strrchr(id, '-');
    return last && last != id && ps_ident_org_head(last + 1, strlen(last + 1));
}

/* Whether ID, typed TYPE, is one word in the plural whose singular the
 * index types a misc name at least as often, and names no place it holds
 * ("Muslims" for "Muslim"; not "Philippines" for "Philippine"): a group
 * of people, neither one of them nor a place. */
static int group_named(const ps_ident_stats_t *s, ps_entity_type_t type,
                       const char *id)
{
    size_t n = strlen(id);
    char one[PS_IDENT_MAX + 1];
    if (n < 4 || n > PS_IDENT_MAX || id[n - 1] != 's' || id[n - 2] == 's' ||
        strchr(id, '-'))
        return 0;
    memcpy(one, id, n - 1);
    one[n - 1] = '\0';
    uint64_t misc = ps__ident_docs(s, PS_ENT_MISC, one);
    char place[PS_IDENT_MAX + 1];
    struct place_find f = {s, place};
    return misc > 0 && misc >= ps__ident_docs(s, type, id) &&
           !ps__demonym_places(one, place_held, &f);
}

/* The type of a name the tagger typed a person that cannot be one: an
 * organisation's or a group's name; else PS_ENT_PERSON. */
static ps_entity_type_t not_a_person(const ps_ident_stats_t *s, const char *id)
{
    if (org_named(id))
        return PS_ENT_ORG;
    return group_named(s, PS_ENT_PERSON, id) ? PS_ENT_MISC : PS_ENT_PERSON;
}

/* Makes OUT the person of ID's name when the index types that name a
 * person more than anything else. Only towards a person: a city and its
 * team share a name and are two entities, but a person is never a place
 * (nor is an organisation's or a group's name: not_a_person()). The other
 * types are counted only when the person is there at all. */
static ps_status_t towards_person(const ps_ident_stats_t *s, const char *id,
                                  ps_ident_t *out)
{
    char pid[PS_IDENT_MAX + 1];
    if (not_a_person(s, id) != PS_ENT_PERSON)
        return PS_OK;
    ps_ident_person_id(id, pid);
    uint64_t person = ps__ident_docs(s, PS_ENT_PERSON, pid), other = 0;
    /* A surname the articles name people by ("Sanders" typed an org in
     * one headline): the people named in full with it count. */
    if (!strchr(pid, '-') || person == 0) {
        uint64_t named;
        if (ps__ident_named_docs(s, pid, &named) != PS_OK)
            return PS_EIO;
        if (named > person)
            person = named;
    }
    if (person == 0)
        return PS_OK;
    for (int t = 0; t < PS_ENT__COUNT; t++)
        if (t != PS_ENT_PERSON) {
            uint64_t d = ps__ident_docs(s, (ps_entity_type_t)t, id);
            if (d > other)
                other = d;
        }
    if (person >= other) {
        out->type = PS_ENT_PERSON;
        strcpy(out->id, pid);
    }
    return PS_OK;
}

/* A word alone typed a person that no person named in full with it
 * takes (rule 3 left it alone), while the index writes an organisation's
 * name starting with it ("Fox News") in at least as many documents as
 * the word alone and in at least twice as many as the person named in
 * full with it most ("Vicente Fox"), is that organisation (head_word()):
 * "told Fox that..." is the network, which news names by its first word
 * as it names a person by the surname. */
static ps_status_t org_head(const ps_ident_stats_t *s, ps_ident_t *out)
{
    uint64_t named, alone = ps__ident_docs(s, PS_ENT_PERSON, out->id);
    if (ps__ident_named_docs(s, out->id, &named) != PS_OK)
        return PS_EIO;
    ps_ident_t org = {PS_ENT_ORG, ""};
    strcpy(org.id, out->id);
    if (head_word(s, &org) != PS_OK)
        return PS_EIO;
    uint64_t docs = ps__ident_docs(s, PS_ENT_ORG, org.id);
    if (strcmp(org.id, out->id) != 0 && docs >= alone &&
        docs >= PS_IDENT_DOMINANCE * named)
        *out = org;
    return PS_OK;
}

ps_status_t ps_ident_resolve(const ps_ident_stats_t *s, ps_entity_type_t type,
                             const char *id, ps_ident_t *out)
{
    size_t len = strlen(id);
    out->type = type;
    if (len > PS_IDENT_MAX || !ps_entity_type_prefix(type)) {
        memcpy(out->id, id, len > PS_IDENT_MAX ? PS_IDENT_MAX : len);
        out->id[len > PS_IDENT_MAX ? PS_IDENT_MAX : len] = '\0';
        return PS_OK;
    }
    memcpy(out->id, id, len + 1);
    /* "Latino", "Hispanics": a people, whatever the tagger typed it. */
    if (ps__demonym_group(id, out->id)) {
        out->type = PS_ENT_MISC;
        return PS_OK;
    }
    if (type == PS_ENT_PERSON)
        out->type = type = not_a_person(s, id);
    else if (type == PS_ENT_PLACE && group_named(s, type, id))
        out->type = type = PS_ENT_MISC;
    if (type == PS_ENT_PERSON) {
        ps_ident_person_written(id, out->id);
        char base[PS_IDENT_MAX + 1];
        if (ps__ident_middles(s, out) != PS_OK)
            return PS_EIO;
        /* Middle initials kept tell people apart ("george-w-bush"). */
        ps_ident_person_id(out->id, base);
        if (strcmp(base, out->id) == 0 && ps__ident_spelling(s, out) != PS_OK)
            return PS_EIO;
    } else if (towards_person(s, id, out) != PS_OK) {
        return PS_EIO;
    } else if (out->type != PS_ENT_PERSON) {
        ps__ident_variant(s, out);
        type = out->type;
        if (type == PS_ENT_MISC) {
            singular(s, out);
            nationality(s, out);
        }
        if (out->type == PS_ENT_PLACE)
            official(s, out);
        if (ps__ident_acronym(s, out) != PS_OK ||
            ps__ident_long_form(s, out) != PS_OK)
            return PS_EIO;
        return head_word(s, out);
    }
    /* A full name stays as it is, and reading nothing for it keeps
     * facets over thousands of names quick. */
    if (strchr(out->id, '-') && out->id[1] != '-')
        return PS_OK;
    if (ps__ident_full_name(s, out) != PS_OK)
        return PS_EIO;
    if (!strchr(out->id, '-') && org_head(s, out) != PS_OK)
        return PS_EIO;
    /* A word alone whose longer name is an organisation's ("Sentinel" for
     * the Orlando Sentinel) is that organisation. */
    if (org_named(out->id))
        out->type = PS_ENT_ORG;
    return PS_OK;
}
