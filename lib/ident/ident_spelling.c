/* Entity identity across articles: one person under several spellings of
 * the name. Names transliterated from another alphabet come spelt several
 * ways ("Volodymyr Zelenskyy", "Zelensky", "Zelenskiy"; "Sergei" and
 * "Sergey Ryabkov"), and without a gazetteer each spelling was a person
 * of its own, so that `person:Zelensky` found one article of four. Two
 * full names are one person when they fold to the same key ('y' read as
 * 'i', a doubled letter as one) and their surnames are equal or both long
 * enough that a folding does not join two real names ("Lee" and "Le");
 * the spelling named in full in most documents stands for them all. A
 * first name is read formally for the comparison ("Joe Biden" and
 * "Joseph Biden", "Bill" and "William Clinton": lib/ident/data/
 * nicknames.txt). Like every identity rule, a function of document counts
 * alone. */
#include <stdlib.h>
#include <string.h>

#include "ident/ident_private.h"

/* "nickname formal" pairs, sorted by nickname. */
static const char *const nicknames[] = {
#include "nicknames.inc"
};

/* Surnames shorter than this are merged only when written alike. */
#define MIN_FOLDED 5
/* Spellings are looked for under the surname's first letters, up to
 * this many, and before any letter a spelling may change ('y', 'i'):
 * one bounded range of the surname statistics, not the whole list. */
#define PREFIX_MAX 4
#define PREFIX_MIN 3

size_t ps__ident_fold(const char *id, char *out)
{
    size_t o = 0;
    for (const char *p = id; *p && o < PS_IDENT_MAX; p++) {
        char c = *p == 'y' ? 'i' : *p;
        /* Only a letter is doubled in one spelling and not in another:
         * "Johns100" is not "Johns10". */
        if (o && out[o - 1] == c && c >= 'a' && c <= 'z')
            continue;
        out[o++] = c;
    }
    out[o] = '\0';
    return o;
}

/* Person ID with its first name read formally ("joseph-biden" for
 * "joe-biden"), folded as ps__ident_fold() does, in OUT. */
static void formal_fold(const char *id, char *out)
{
    char first[PS_IDENT_MAX + 1], buf[2 * PS_IDENT_MAX + 2];
    size_t n = strcspn(id, "-");
    if (n > PS_IDENT_MAX) {
        ps__ident_fold(id, out);
        return;
    }
    memcpy(first, id, n);
    first[n] = '\0';
    const char *formal = ps__ident_pair_find(
        nicknames, sizeof nicknames / sizeof *nicknames, first);
    if (formal && id[n] == '-') {
        size_t fl = strlen(formal);
        memcpy(buf, formal, fl);
        strcpy(buf + fl, id + n);
        id = buf;
    }
    ps__ident_fold(id, out);
}

/* The last word of ID (its surname) and its length. */
static const char *surname(const char *id, size_t *len)
{
    const char *d = strrchr(id, '-');
    const char *w = d ? d + 1 : id;
    *len = strlen(w);
    return w;
}

int ps__ident_same_spelling(const char *a, const char *b)
{
    char fa[PS_IDENT_MAX + 1], fb[PS_IDENT_MAX + 1];
    size_t la, lb;
    const char *sa = surname(a, &la), *sb = surname(b, &lb);
    if (!strchr(a, '-') || !strchr(b, '-'))
        return 0;
    if ((la != lb || memcmp(sa, sb, la) != 0) &&
        (la < MIN_FOLDED || lb < MIN_FOLDED))
        return 0;
    formal_fold(a, fa);
    formal_fold(b, fb);
    return strcmp(fa, fb) == 0;
}

size_t ps__ident_spelling_prefix(const char *sur, size_t len, char *buf)
{
    size_t n = 0;
    while (n < len && n < PREFIX_MAX && sur[n] != 'y' && sur[n] != 'i')
        n++;
    if (n < PREFIX_MIN || len < MIN_FOLDED) {
        /* Only the surname as written: its first names may vary. */
        return ps__ident_term3(buf, PS_IDENT_P_SURNAME, sur, len, ":", "", 0);
    }
    return ps__ident_term3(buf, PS_IDENT_P_SURNAME, sur, n, "", "", 0);
}

/* The spellings of one person found so far, by the documents that name
 * each in full. */
struct spellings {
    const char *id;
    struct spelling {
        char id[PS_IDENT_MAX + 1];
        uint64_t docs;
    } s[16];
    size_t n;
};

static void take_spelling(void *arg, const char *term, size_t len,
                          uint64_t docs)
{
    struct spellings *sp = arg;
    const char *colon = memchr(term, ':', len);
    char id[PS_IDENT_MAX + 1], base[PS_IDENT_MAX + 1];
    size_t idl = colon ? len - (size_t)(colon + 1 - term) : 0;
    if (!idl || idl > PS_IDENT_MAX)
        return;
    memcpy(id, colon + 1, idl);
    id[idl] = '\0';
    ps_ident_person_id(id, base);
    if (!ps__ident_same_spelling(base, sp->id))
        return;
    for (size_t i = 0; i < sp->n; i++)
        if (strcmp(sp->s[i].id, base) == 0) {
            sp->s[i].docs += docs;
            return;
        }
    if (sp->n < sizeof sp->s / sizeof sp->s[0]) {
        strcpy(sp->s[sp->n].id, base);
        sp->s[sp->n++].docs = docs;
    }
}

ps_status_t ps__ident_spelling(const ps_ident_stats_t *s, ps_ident_t *out)
{
    size_t sl;
    const char *sur = surname(out->id, &sl);
    struct spellings sp = {out->id, .n = 0};
    if (!strchr(out->id, '-'))
        return PS_OK;
    /* A spelling of the same name has a surname that folds alike. */
    ps_status_t st = ps__ident_spelling_each(s, sur, sl, take_spelling, &sp);
    if (st != PS_OK)
        return st;
    size_t best = 0;
    for (size_t i = 1; i < sp.n; i++)
        if (sp.s[i].docs > sp.s[best].docs ||
            (sp.s[i].docs == sp.s[best].docs &&
             strcmp(sp.s[i].id, sp.s[best].id) < 0))
            best = i;
    if (sp.n)
        strcpy(out->id, sp.s[best].id);
    return PS_OK;
}
