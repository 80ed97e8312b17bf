/* Nationality words and the places they name (ident_private.h). A nationality
 * is the place whose name its last word turns into by one of the endings
 * below ("russian" = "russia" + "n", "iraqi" = "iraq" + "i", "polish" =
 * "pol" + "ish" for "pol" + "and"), or by the few irregular pairs after
 * them; a candidate counts only when the index holds it as a place, which
 * the resolver asks. The rules are tried in order, so that "roman" is
 * Rome before Romania. */
#include <string.h>

#include "ident/ident_private.h"
#include "psearch/ident.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* A nationality is STEM + NAT, its place STEM + PLACE. */
static const struct ending {
    const char *nat, *place;
} endings[] = {
    {"n", ""},        /* russian, australian, south-african, indian */
    {"i", ""},        /* iraqi, israeli, pakistani, kuwaiti */
    {"ian", ""},      /* iranian, brazilian, egyptian, jordanian */
    {"ian", "e"},     /* ukrainian, palestinian */
    {"ian", "a"},     /* canadian */
    {"ian", "y"},     /* italian, hungarian */
    {"an", ""},       /* european, chilean, zairean */
    {"an", "e"},      /* roman */
    {"an", "um"},     /* belgian */
    {"an", "o"},      /* mexican, moroccan */
    {"vian", ""},     /* peruvian */
    {"egian", "ay"},  /* norwegian */
    {"ese", ""},      /* japanese, sudanese, vietnamese, surinamese */
    {"ese", "a"},     /* chinese, burmese, maltese */
    {"ese", "on"},    /* lebanese */
    {"uese", "al"},   /* portuguese */
    {"ish", "and"},   /* english, polish */
    {"ish", "eland"}, /* irish */
    {"nish", "land"}, /* finnish */
    {"tish", "land"}, /* scottish */
    {"nish", "in"},   /* spanish */
    {"ish", "ain"},   /* british */
    {"ish", "en"},    /* swedish */
    {"ish", "ey"},    /* turkish */
    {"ish", "istan"}, /* kurdish */
    {"k", "ce"},      /* greek */
    {"en", "nya"},    /* chechen */
    {"", "y"},        /* german */
    {"", "ia"},       /* yugoslav, serb */
    {"", "a"},        /* somali */
    {"", "istan"},    /* tajik, afghan, kurd */
    {"", "stan"},     /* kazakh, uzbek */
    {"", "land"},     /* thai */
};

/* Nationalities no ending gives. */
static const struct ending irregular[] = {
    {"american", "united-states"},
    {"american", "us"},
    {"azeri", "azerbaijan"},
    {"briton", "britain"},
    {"danish", "denmark"},
    {"dutch", "netherlands"},
    {"french", "france"},
    /* Not a rule of "" + "s": that would make every group a place
     * ("Muslims" wherever the tagger typed them a place). */
    {"philippine", "philippines"},
    {"swiss", "switzerland"},
    {"welsh", "wales"},
};

/* Names of a people that is no nation, so no place's name turns into
 * them ("Latino", "Hispanic"): the closed class of the Americas' ethnic
 * groups, as news writes them. A person never bears one as a whole name,
 * however the tagger read "Latino voters". */
static const char *const groups[] = {
    "chicana", "chicano", "hispanic", "latina", "latino", "latinx",
};

int ps__demonym_group(const char *id, char *out)
{
    size_t n = strlen(id);
    if (n > PS_IDENT_MAX)
        return 0;
    for (int plural = 0; plural < 2; plural++) {
        size_t m = n - (size_t)plural;
        if (plural && (n < 2 || id[n - 1] != 's'))
            break;
        for (size_t i = 0; i < COUNT(groups); i++)
            if (strlen(groups[i]) == m && memcmp(groups[i], id, m) == 0) {
                memcpy(out, id, m);
                out[m] = '\0';
                return 1;
            }
    }
    return 0;
}

/* The shortest nationality word a rule applies to: no "us" or "un". */
#define MIN_WORD 4

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* Writes ID with its last word's ending FROM replaced by TO into OUT
 * (PS_IDENT_MAX + 1 bytes) and calls FN on it; 0 when the rule does not
 * apply. Two letters of the last word (from WORD on) must stay before
 * the ending. */
static int apply(const char *id, size_t len, size_t word, const char *from,
                 const char *to, int (*fn)(void *, const char *), void *arg)
{
    size_t fl = strlen(from), tl = strlen(to);
    if (!ends_with(id, len, from) || len - word < fl + 2 ||
        len - fl + tl > PS_IDENT_MAX)
        return 0;
    char out[PS_IDENT_MAX + 1];
    memcpy(out, id, len - fl);
    memcpy(out + len - fl, to, tl);
    out[len - fl + tl] = '\0';
    return fn(arg, out);
}

/* The irregular pairs: the whole id ("american" -> "united-states",
 * "united-states" -> "american") or its last word ("south-african" is
 * not among them, but "anglo-french" -> "anglo-france" would be asked). */
static int irregulars(const char *id, size_t len, size_t word, int forward,
                      int (*fn)(void *, const char *), void *arg)
{
    char out[PS_IDENT_MAX + 1];
    for (size_t i = 0; i < COUNT(irregular); i++) {
        const char *from = forward ? irregular[i].nat : irregular[i].place;
        const char *to = forward ? irregular[i].place : irregular[i].nat;
        size_t fl = strlen(from), tl = strlen(to), at;
        if (len == fl && memcmp(id, from, fl) == 0)
            at = 0;
        else if (len - word == fl && memcmp(id + word, from, fl) == 0)
            at = word;
        else
            continue;
        if (at + tl > PS_IDENT_MAX)
            continue;
        memcpy(out, id, at);
        memcpy(out + at, to, tl + 1);
        int rc = fn(arg, out);
        if (rc)
            return rc;
    }
    return 0;
}

static size_t last_word(const char *id)
{
    const char *d = strrchr(id, '-');
    return d ? (size_t)(d + 1 - id) : 0;
}

int ps__demonym_places(const char *id, int (*fn)(void *, const char *),
                       void *arg)
{
    size_t len = strlen(id), word = last_word(id);
    if (len > PS_IDENT_MAX || len - word < MIN_WORD)
        return 0;
    int rc = irregulars(id, len, word, 1, fn, arg);
    for (size_t i = 0; !rc && i < COUNT(endings); i++)
        rc = apply(id, len, word, endings[i].nat, endings[i].place, fn, arg);
    return rc;
}

int ps__place_demonyms(const char *id, int (*fn)(void *, const char *),
                       void *arg)
{
    size_t len = strlen(id), word = last_word(id);
    if (len > PS_IDENT_MAX)
        return 0;
    int rc = irregulars(id, len, word, 0, fn, arg);
    if (len - word < 3)
        return rc;
    for (size_t i = 0; !rc && i < COUNT(endings); i++)
        rc = apply(id, len, word, endings[i].place, endings[i].nat, fn, arg);
    return rc;
}
