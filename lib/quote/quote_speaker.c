/* The speaker of an attribution. A source that holds an entity mention is
 * that entity (a person before an organisation: "Clinton's spokesman Brian
 * Fallon", "a spokesman for the FBI" is the FBI when no person is named).
 * "He", "she" and descriptions of a person ("the president", "the
 * Republican nominee") are the most recent person mentioned before them,
 * within a window, when there is one; "it" and "the campaign" likewise the
 * most recent organisation; "who" is the name just before it ("Clinton,
 * who said"). Other pronouns stay unresolved, and a source
 * with neither a name nor a pronoun ("officials", "a source close to the
 * campaign") is unnamed. Words are compared by their hashes. */
#define XXH_INLINE_ALL
#include <string.h>
#include <xxhash.h>

#include "quote_speaker.h"

/* How far back (in tokens) a pronoun looks for its person. */
#define WINDOW 150

static const char *const PERSON_PRONOUNS[] = {"he", "she", "him", "her",
                                              "his", "hers", NULL};
static const char *const ORG_PRONOUNS[] = {"it", "its", NULL};
static const char *const OTHER_PRONOUNS[] = {
    "i", "we", "they", "you", "me", "us", "them", "who", "which", "that",
    "one", "this", "these", "those", NULL};
/* Relative pronouns: "Trump, who said ..." is Trump. */
static const char *const RELATIVES[] = {"who", "which", "that", NULL};
static const char *const PERSON_WORDS[] = {
    "president", "candidate", "nominee", "senator", "governor", "secretary",
    "mogul", "billionaire", "businessman", "congressman", "congresswoman",
    "chairman", "chairwoman", "mayor", "speaker", "director", "leader",
    "manager", "spokesman", "spokeswoman", "spokesperson", "adviser",
    "advisor", "aide", "lawyer", "attorney", "former", "husband", "wife",
    "daughter", "son", "mate", "democrat", "republican", "rival",
    "opponent", "host", "moderator", "justice", "judge", "pastor",
    "minister", NULL};
static const char *const ORG_WORDS[] = {"campaign", "committee", "company",
                                        "agency", "department", "bureau",
                                        "organization", "group",
                                        "newspaper", "network", NULL};

/* Heads of sources that are groups or unnamed people: "U.S. officials",
 * "sources close to the campaign", "Clinton aides" name no one speaker,
 * whatever entity qualifies them (a person in the source still speaks). */
static const char *const UNNAMED_HEADS[] = {
    "officials", "sources", "source", "aides", "people", "experts",
    "analysts", "advisers", "advisors", "critics", "supporters", "voters",
    "observers", "strategists", "lawmakers", "members", "leaders",
    "diplomats", "investigators", "authorities", "residents", "staffers",
    "insiders", "democrats", "republicans", "polls", "poll", "reports",
    "report", "documents", "records", "studies", "study", "survey", NULL};

static int in_list(uint64_t h, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (XXH3_64bits(list[i], strlen(list[i])) == h)
            return 1;
    return 0;
}

/* Words that put the name after them in a place ("in Chelsea", "near
 * Aleppo"), unless the name is a possessive ("in Trump's speech"), and
 * nouns that do so to the name before them ("the Chelsea neighborhood").
 * "at" is left out: "lashed out at Clinton" is common. */
static const char *const PLACE_BEFORE[] = {"in", "near", "outside", "inside",
                                           "throughout", NULL};
static const char *const PLACE_AFTER[] = {
    "neighborhood", "neighbourhood", "street", "avenue", "district",
    "county", "borough", "area", "suburb", NULL};

/* Whether the mention of tokens [A, B) reads as a place. */
static int place_mention(const ps__qtok_t *s, size_t n, size_t a, size_t b)
{
    if (a > 0 && in_list(s[a - 1].term, PLACE_BEFORE) &&
        !(s[b - 1].flags & PS_TOK_POSSESSIVE))
        return 1;
    return b < n && !(s[b - 1].flags & PS_TOK_POSSESSIVE) &&
           in_list(s[b].term, PLACE_AFTER);
}

void ps__q_placelike(const ps__qtok_t *s, size_t n, const ps_entity_t *ents,
                     size_t nents, uint32_t *count, uint8_t *place)
{
    memset(count, 0, 2 * nents * sizeof *count);
    for (size_t k = 0; k < n;) {
        int e = s[k].ent_index;
        size_t j = k + 1;
        if (e < 0 || (size_t)e >= nents) {
            k = j;
            continue;
        }
        while (j < n && s[j].ent_index == e && (s[j].ent & 1))
            j++;
        count[2 * e]++;
        count[2 * e + 1] += (uint32_t)place_mention(s, n, k, j);
        k = j;
    }
    for (size_t e = 0; e < nents; e++)
        place[e] = ents[e].type == PS_ENT_PERSON &&
                   2 * count[2 * e + 1] > count[2 * e];
}

/* The most recent mention of an entity of TYPE before token AT, within
 * WINDOW, that PLACE (may be NULL) does not mark as a place; -1 if
 * none. */
static int recent(const ps__qtok_t *s, size_t at, const ps_entity_t *ents,
                  size_t nents, const uint8_t *place, int type)
{
    for (size_t k = at, steps = 0; k-- > 0 && steps < WINDOW; steps++) {
        int e = s[k].ent_index;
        if (e >= 0 && (size_t)e < nents && (int)ents[e].type == type &&
            !(place && place[e]))
            return e;
    }
    return -1;
}

/* An entity mentioned inside tokens [A, B): a person first. */
static int named(const ps__qtok_t *s, uint32_t a, uint32_t b,
                 const ps_entity_t *ents, size_t nents)
{
    int best = -1;
    for (uint32_t k = a; k < b; k++) {
        int e = s[k].ent_index;
        if (e < 0 || (size_t)e >= nents)
            continue;
        if (ents[e].type == PS_ENT_PERSON)
            return e;
        if (best < 0 || (ents[e].type == PS_ENT_ORG &&
                         ents[best].type != PS_ENT_ORG))
            best = e;
    }
    return best;
}

void ps__q_speaker(const ps__qtok_t *s, size_t n, const ps__qattr_t *a,
                   const ps_entity_t *ents, size_t nents,
                   const uint8_t *place, ps_speaker_kind_t *kind, int *index)
{
    *index = -1;
    uint32_t sa = a->src[0], sb = a->src[1];
    if (sb <= sa || sb > n) {
        *kind = PS_SPEAKER_NONE;
        return;
    }
    int e = named(s, sa, sb, ents, nents);
    if (e >= 0 && ents[e].type != PS_ENT_PERSON) {
        for (uint32_t k = sa; k < sb; k++)
            if (in_list(s[k].term, UNNAMED_HEADS)) {
                *kind = PS_SPEAKER_UNNAMED;
                return;
            }
    }
    if (e >= 0) {
        *kind = PS_SPEAKER_ENTITY;
        *index = e;
        return;
    }
    /* A relative pronoun is the name just before it ("Clinton, who"). */
    if (sb - sa == 1 && in_list(s[sa].term, RELATIVES)) {
        for (uint32_t k = sa, steps = 0; k-- > 0 && steps < 2; steps++) {
            int r = s[k].ent_index;
            if (r >= 0 && (size_t)r < nents &&
                (ents[r].type == PS_ENT_PERSON || ents[r].type == PS_ENT_ORG)) {
                *kind = PS_SPEAKER_ENTITY;
                *index = r;
                return;
            }
        }
    }
    int want = -1, pronoun = 0;
    for (uint32_t k = sa; k < sb; k++) {
        if (in_list(s[k].term, PERSON_PRONOUNS) ||
            in_list(s[k].stem, PERSON_WORDS) ||
            in_list(s[k].term, PERSON_WORDS)) {
            want = PS_ENT_PERSON;
            pronoun = 1;
        } else if (in_list(s[k].term, ORG_PRONOUNS) ||
                   in_list(s[k].term, ORG_WORDS)) {
            if (want < 0)
                want = PS_ENT_ORG;
            pronoun = 1;
        } else if (in_list(s[k].term, OTHER_PRONOUNS)) {
            pronoun = 1;
        }
    }
    /* A plural description ("the candidates", "officials") is not one
     * speaker; the analyzer's stem keeps the singular. */
    if (want >= 0 && sb - sa <= 5) {
        e = recent(s, sa, ents, nents, place, want);
        if (e >= 0) {
            *kind = PS_SPEAKER_ENTITY;
            *index = e;
            return;
        }
    }
    *kind = pronoun ? PS_SPEAKER_PRONOUN : PS_SPEAKER_UNNAMED;
}
