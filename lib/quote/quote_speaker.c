/* The speaker of an attribution. A source that holds an entity mention is
 * that entity (a person before an organisation: "Clinton's spokesman Brian
 * Fallon", "a spokesman for the FBI" is the FBI when no person is named).
 * "He", "she" and descriptions of a person ("the president", "the
 * Republican nominee") are the person the article is talking about there:
 * looking back sentence by sentence, the speaker of an attribution in
 * that sentence, else (unless the same pronoun comes before its names)
 * its first person named outside quotation marks and not as a possessive
 * (the subject, more often than the last name read: "Trump tweeted,
 * quoting Comey's statement. He added ..." is Trump), of the pronoun's
 * gender when the article tells the person's (its pronouns after the
 * name, "Mr." or "Mrs."). "It" and "the campaign" likewise an
 * organisation; "who" is the name just before it ("Clinton, who said").
 * Other pronouns stay unresolved, and a source with neither a name nor a
 * pronoun ("officials", "a source close to the campaign") is unnamed, as
 * is one named by kin or friendship ("his mother").
 * Words are compared by their hashes. */
#define XXH_INLINE_ALL
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "quote_speaker.h"
#include "tag/gender.h"

/* How far back (in tokens) a pronoun looks for its person. */
#define WINDOW 150

static const char *const PERSON_PRONOUNS[] = {"he", "she", "him", "her",
                                              "his", "hers", NULL};
static const char *const HE[] = {"he", "him", "his", "himself", NULL};
static const char *const SHE[] = {"she", "her", "hers", "herself", NULL};
/* A pronoun that is the object of the verb after a name is never that
 * name's person ("President Obama backed her up", "Trump thanked him"):
 * "him", and "her" before punctuation or one of PARTICLES (before a noun
 * it is a possessive, often the name's: "Clinton told her story"). */
static const char *const OBJECTS[] = {"him", "her", NULL};
static const char *const PARTICLES[] = {
    "up",      "down", "out",  "off", "back",  "over",   "in",
    "on",      "for",  "to",   "as",  "with",  "about",  "at",
    "into",    "from", "and",  "or",  "after", "before", "during",
    "because", "when", "that", NULL};
/* Words before a name that make it an object, not a subject. */
static const char *const PREPOSITIONS[] = {
    "for", "with", "to", "against", "about", "of", "by", "from",
    "than", "at", "on", "over", "like", NULL};
/* People the article names only by what they are to someone ("my
 * mother said", "the woman said"): a pronoun after them refers to them,
 * not to a name read before. */
static const char *const HE_NOUNS[] = {
    "father", "husband", "son", "brother", "man", "boy", "dad",
    "grandfather", "uncle", "nephew", NULL};
static const char *const SHE_NOUNS[] = {
    "mother", "wife", "daughter", "sister", "woman", "girl", "mom",
    "grandmother", "aunt", "niece", NULL};
/* A sentence in which one of these comes before any name is about the
 * person the pronoun refers to: "He is even trying to win voters for
 * Trump's campaign. He believes, he said, ..." is not Trump's. */
static const char *const HE_SUBJECT[] = {"he", NULL};
static const char *const SHE_SUBJECT[] = {"she", NULL};
/* Words that open a clause before the sentence's own subject ("When she
 * was a prosecutor, Loretta Lynch ..."). */
static const char *const SUBORDINATORS[] = {
    "when", "after", "before", "as", "while", "if", "although", "though",
    "since", "because", "once", "until", "whether", NULL};
/* People close to someone, besides kin (HE_NOUNS, SHE_NOUNS), by stem:
 * "his colleague", "her friends". */
static const char *const CLOSE_ONES[] = {
    "friend", "colleagu", "neighbor", "neighbour", "classmat", "partner",
    "girlfriend", "boyfriend", "parent", "children", "famili", "cousin",
    "aid", "advis", "staffer", NULL};
/* Words after "'s" that make it "is" or "has", not a possessive. */
static const char *const CONTRACTED[] = {
    "been", "being", "going", "not", "got", "gotten", "gonna", "done",
    "never", "always", "already", "also", "still", "just", "now", NULL};
/* Titles written before a name, by the kind of office ("President
 * Obama", "Justice Frank Nervo", "Mayor Bill de Blasio"): "the
 * president", "the judge", "the mayor" is someone the article gives that
 * title to, when it gives it to anyone (TITLES[] below). Not a
 * senator's, a governor's or a representative's: an article writes "Sen."
 * before some of its senators and not others ("Sen. John McCain" and
 * "Ted Cruz ... the senator says"), and on the 924 PolNeAR articles 7 of
 * the 11 speakers those titles changed went wrong. */
static const char *const PRESIDENT[] = {"president", NULL};
static const char *const JUDGE[] = {"judge", "justice", NULL};
static const char *const MAYOR[] = {"mayor", NULL};
static const char *const MR[] = {"mr", NULL};
static const char *const MRS[] = {"mrs", "ms", "miss", "madam", NULL};
static const char *const ORG_PRONOUNS[] = {"it", "its", NULL};
/* "It" before these is seldom an organisation: "it is not clear", "it's
 * worth noting", "it could offer". */
static const char *const IT[] = {"it", NULL};
static const char *const EXPLETIVE_NEXT[] = {
    "is", "was", "could", "would", "may", "might", "seems",
    "appears", "remains", "assumes", NULL};
/* "The campaign" alone: a candidate's, which the article seldom names. */
static const char *const THE[] = {"the", NULL};
static const char *const CAMPAIGN[] = {"campaign", NULL};
/* Words that open a sentence about a thing ("The report also provided
 * details. It said ..."), to which a later "it" refers. */
static const char *const THIS_THAT[] = {"the", "this", "that", NULL};
/* People an article does not name by the word it calls them ("The
 * Platte River employee told FBI agents ... he realized"). */
static const char *const ANONYMOUS[] = {"employee", "official", "worker",
                                        "staffer", "resident", "voter",
                                        "protester", "witness", NULL};
static const char *const OTHER_PRONOUNS[] = {
    "i", "we", "they", "you", "me", "us", "them", "who", "which", "that",
    "one", "this", "these", "those", NULL};
/* Relative pronouns: "Trump, who said ..." is Trump. */
static const char *const RELATIVES[] = {"who", "which", "that", NULL};
static const char *const WHO[] = {"who", NULL};
static const char *const ARTICLES[] = {"a", "an", "the", NULL};
static const char *const PERSON_WORDS[] = {
    "president", "candidate", "nominee", "senator", "governor", "secretary",
    "mogul", "billionaire", "businessman", "congressman", "congresswoman",
    "chairman", "chairwoman", "mayor", "speaker", "director", "leader",
    "manager", "spokesman", "spokeswoman", "spokesperson", "adviser",
    "advisor", "aide", "lawyer", "attorney", "former", "husband", "wife",
    "daughter", "son", "mate", "democrat", "republican", "rival",
    "opponent", "host", "moderator", "justice", "judge", "pastor",
    "minister", NULL};
/* The plurals of the words above: their stem is the singular, so a
 * plural would otherwise read as one person ("Republicans said" is not
 * the last Republican named). */
static const char *const PERSON_PLURALS[] = {
    "presidents", "candidates", "nominees", "senators", "governors",
    "secretaries", "billionaires", "businessmen", "congressmen",
    "chairmen", "mayors", "directors", "managers", "spokesmen",
    "spokeswomen", "attorneys", "lawyers", "aides", "rivals", "opponents",
    "hosts", "moderators", "justices", "judges", "pastors", "ministers",
    "speakers", NULL};
/* Words for a person that say the person's gender ("the New York
 * businessman" is no "she"). */
static const char *const HE_TITLES[] = {"businessman", "congressman",
                                        "chairman", "spokesman", "husband",
                                        "son", NULL};
static const char *const SHE_TITLES[] = {"businesswoman", "congresswoman",
                                         "chairwoman", "spokeswoman", "wife",
                                         "daughter", NULL};
/* Words that make an apposition about someone else ("Clinton, whose
 * husband ...", "Trump, his son ..."). */
static const char *const POSSESSORS[] = {"whose", "his", "her", "their",
                                         "its", NULL};
/* Articles and quantifiers that make a description someone not named
 * before ("a New York judge", "a Democratic aide"), or some of a group
 * ("each candidate", "several Democratic operatives", "both campaigns"). */
static const char *const INDEFINITE[] = {
    "a", "an", "another", "one", "each", "every", "both", "several",
    "many", "some", "all", "most", "few", "other", "any", NULL};
/* Words before a name someone speaks for. */
static const char *const FOR[] = {"for", "to", NULL};
static const char *const ORG_WORDS[] = {"campaign", "committee", "company",
                                        "agency", "department", "bureau",
                                        "organization", "group",
                                        "newspaper", "network", NULL};

/* Heads of sources that are groups or unnamed people: "U.S. officials",
 * "sources close to the campaign", "Clinton aides", "the U.S. media" name
 * no one speaker, whatever entity qualifies them (a person in the source
 * still speaks). */
static const char *const UNNAMED_HEADS[] = {
    "officials", "sources", "source", "aides", "people", "experts",
    "analysts", "advisers", "advisors", "critics", "supporters", "voters",
    "observers", "strategists", "lawmakers", "members", "leaders",
    "diplomats", "investigators", "authorities", "residents", "staffers",
    "insiders", "democrats", "republicans", "polls", "poll", "reports",
    "official", "report", "documents", "records", "studies", "study",
    "survey", "media", "lobbyists", "prosecutors", "officers", "agents",
    "activists", "protesters", "donors", "journalists", "reporters",
    "economists", "scientists", "researchers", "pollsters", "negotiators",
    "troops", "forces", "allies", "backers", "endorsers", "associates",
    "confidants", "loyalists", "surrogates", "operatives", "fundraisers",
    "delegates", "superdelegates", "admirers", "friends", "fans",
    "colleagues", "followers", "defenders", "detractors", "skeptics",
    NULL};
/* One person of an organisation or place ("an NBC reporter", "a member
 * of Congress"), beside the words for roles. */
static const char *const MEMBERS[] = {
    "reporter", "member", "activist", "officer", "lawmaker", "agent",
    "worker", "employee", "legislator", "diplomat", "soldier", "student",
    "resident", "voter", "delegate", "executive", "writer", "producer",
    NULL};
/* Those who speak for an organisation or a person. */
static const char *const SPOKESMEN[] = {
    "spokesman", "spokeswoman", "spokesperson", "representative",
    "spokesmen", "spokeswomen", "spokespeople", NULL};
/* One of a person's people, as "a", "one" or "another" introduces them
 * ("a top Trump adviser", "one Clinton ally"): someone the article does
 * not name, not the person. Spokesmen are not here: "a Clinton
 * spokesman" speaks for Clinton, as "a spokesman for Clinton" does. */
static const char *const ONE_OF_THEIRS[] = {
    "aide", "adviser", "advisor", "ally", "supporter", "backer", "endorser",
    "associate", "confidant", "insider", "loyalist", "surrogate",
    "strategist", "operative", "veteran", "employee", "staffer", "donor",
    "friend", "delegate", "superdelegate", "fundraiser", NULL};

/* Words that name the members of a group ("critics, including Paul
 * Krugman", "Democrats such as Harry Reid", "Trump and other
 * Republicans"). */
static const char *const LISTING[] = {"including", "such", "and", "like",
                                      "among", "especially", NULL};

/* Unnamed heads that are adjectives as often. */
static const char *const ADJECTIVAL[] = {"official", NULL};
/* Roles a name can qualify ("Cruz strategist Jason Johnson", "Sanders
 * supporter Jane Doe"), beside the words for a person above. */
static const char *const ROLE_WORDS[] = {
    "strategist", "pollster", "researcher", "scientist", "analyst",
    "economist", "consultant", "operative", "surrogate", "supporter",
    "constituent", "ally", "friend", "speechwriter", "owner", "chief",
    "counsel", "editor", "columnist", "correspondent", "reporter",
    "anchor", "commentator", "historian", "professor", "founder",
    "partner", "brother", "sister", "father", "mother", "official", "staff",
    "staffer", "envoy", "ambassador", "deputy", "assistant", NULL};

/* Words that put the name after them in a place ("in Chelsea", "near
 * Aleppo"), unless the name is a possessive ("in Trump's speech"), and
 * nouns that do so to the name before them ("the Chelsea neighborhood").
 * "at" is left out: "lashed out at Clinton" is common. */
static const char *const PLACE_BEFORE[] = {"in", "near", "outside", "inside",
                                           "throughout", NULL};
static const char *const PLACE_AFTER[] = {
    "neighborhood", "neighbourhood", "street", "avenue", "district",
    "county", "borough", "area", "suburb", NULL};

/* The word lists by the hashes their words have as terms and stems
 * (quote_seq.c hashes both with XXH3), worked out once a process: the
 * rules ask for them at every token of a source and of a pronoun's
 * look-back, and hashing the lists each time cost more than the rules. */
#define LIST_MAX 96

typedef struct wlist {
    const char *const *words; /* NULL-terminated, at most LIST_MAX */
    size_t n;
    uint64_t h[LIST_MAX];
} wlist_t;

static wlist_t W_HE = {HE, 0, {0}};
static wlist_t W_PREPOSITIONS = {PREPOSITIONS, 0, {0}};
static wlist_t W_OBJECTS = {OBJECTS, 0, {0}};
static wlist_t W_PARTICLES = {PARTICLES, 0, {0}};
static wlist_t W_HE_TITLES = {HE_TITLES, 0, {0}};
static wlist_t W_FOR = {FOR, 0, {0}};
static wlist_t W_ADJECTIVAL = {ADJECTIVAL, 0, {0}};
static wlist_t W_ROLE_WORDS = {ROLE_WORDS, 0, {0}};
static wlist_t W_ONE_OF_THEIRS = {ONE_OF_THEIRS, 0, {0}};
static wlist_t W_MEMBERS = {MEMBERS, 0, {0}};
static wlist_t W_SPOKESMEN = {SPOKESMEN, 0, {0}};
static wlist_t W_INDEFINITE = {INDEFINITE, 0, {0}};
static wlist_t W_LISTING = {LISTING, 0, {0}};
static wlist_t W_SHE_TITLES = {SHE_TITLES, 0, {0}};
static wlist_t W_HE_NOUNS = {HE_NOUNS, 0, {0}};
static wlist_t W_HE_SUBJECT = {HE_SUBJECT, 0, {0}};
static wlist_t W_SHE_SUBJECT = {SHE_SUBJECT, 0, {0}};
static wlist_t W_SUBORDINATORS = {SUBORDINATORS, 0, {0}};
static wlist_t W_CLOSE_ONES = {CLOSE_ONES, 0, {0}};
static wlist_t W_CONTRACTED = {CONTRACTED, 0, {0}};
static wlist_t W_PRESIDENT = {PRESIDENT, 0, {0}};
static wlist_t W_JUDGE = {JUDGE, 0, {0}};
static wlist_t W_MAYOR = {MAYOR, 0, {0}};
static wlist_t W_MR = {MR, 0, {0}};
static wlist_t W_MRS = {MRS, 0, {0}};
static wlist_t W_ORG_PRONOUNS = {ORG_PRONOUNS, 0, {0}};
static wlist_t W_IT = {IT, 0, {0}};
static wlist_t W_CAMPAIGN = {CAMPAIGN, 0, {0}};
static wlist_t W_THE = {THE, 0, {0}};
static wlist_t W_EXPLETIVE_NEXT = {EXPLETIVE_NEXT, 0, {0}};
static wlist_t W_ORG_WORDS = {ORG_WORDS, 0, {0}};
static wlist_t W_OTHER_PRONOUNS = {OTHER_PRONOUNS, 0, {0}};
static wlist_t W_PERSON_PRONOUNS = {PERSON_PRONOUNS, 0, {0}};
static wlist_t W_PERSON_PLURALS = {PERSON_PLURALS, 0, {0}};
static wlist_t W_PERSON_WORDS = {PERSON_WORDS, 0, {0}};
static wlist_t W_PLACE_AFTER = {PLACE_AFTER, 0, {0}};
static wlist_t W_POSSESSORS = {POSSESSORS, 0, {0}};
static wlist_t W_PLACE_BEFORE = {PLACE_BEFORE, 0, {0}};
static wlist_t W_RELATIVES = {RELATIVES, 0, {0}};
static wlist_t W_WHO = {WHO, 0, {0}};
static wlist_t W_ARTICLES = {ARTICLES, 0, {0}};
static wlist_t W_ANONYMOUS = {ANONYMOUS, 0, {0}};
static wlist_t W_THIS_THAT = {THIS_THAT, 0, {0}};
static wlist_t W_SHE = {SHE, 0, {0}};
static wlist_t W_SHE_NOUNS = {SHE_NOUNS, 0, {0}};
static wlist_t W_UNNAMED_HEADS = {UNNAMED_HEADS, 0, {0}};

static wlist_t *const ALL_LISTS[] = {
    &W_FOR,
    &W_HE,
    &W_PREPOSITIONS,
    &W_OBJECTS,
    &W_PARTICLES,
    &W_HE_NOUNS,
    &W_HE_TITLES,
    &W_ADJECTIVAL,
    &W_ROLE_WORDS,
    &W_ONE_OF_THEIRS,
    &W_MEMBERS,
    &W_SPOKESMEN,
    &W_ARTICLES,
    &W_THIS_THAT,
    &W_ANONYMOUS,
    &W_INDEFINITE,
    &W_LISTING,
    &W_HE_SUBJECT,
    &W_SHE_SUBJECT,
    &W_SUBORDINATORS,
    &W_CLOSE_ONES,
    &W_CONTRACTED,
    &W_PRESIDENT,
    &W_JUDGE,
    &W_MAYOR,
    &W_MR,
    &W_MRS,
    &W_ORG_PRONOUNS,
    &W_IT,
    &W_CAMPAIGN,
    &W_THE,
    &W_EXPLETIVE_NEXT,
    &W_ORG_WORDS,
    &W_OTHER_PRONOUNS,
    &W_PERSON_PRONOUNS,
    &W_PERSON_PLURALS,
    &W_PERSON_WORDS,
    &W_PLACE_AFTER,
    &W_PLACE_BEFORE,
    &W_POSSESSORS,
    &W_RELATIVES,
    &W_WHO,
    &W_SHE,
    &W_SHE_NOUNS,
    &W_SHE_TITLES,
    &W_UNNAMED_HEADS,
};

static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void hash_lists(void)
{
    for (size_t l = 0; l < sizeof ALL_LISTS / sizeof *ALL_LISTS; l++) {
        wlist_t *w = ALL_LISTS[l];
        for (w->n = 0; w->words[w->n]; w->n++) {
            if (w->n == LIST_MAX)
                abort(); /* a list above grew past LIST_MAX */
            w->h[w->n] = XXH3_64bits(w->words[w->n], strlen(w->words[w->n]));
        }
    }
}

static int in_list(uint64_t h, const wlist_t *list)
{
    for (size_t i = 0; i < list->n; i++)
        if (list->h[i] == h)
            return 1;
    return 0;
}

/* The offices of the titles above, one bit each. */
static const wlist_t *const TITLES[] = {&W_PRESIDENT, &W_JUDGE, &W_MAYOR};

/* The bit of the office whose title term H is, or 0. */
static uint8_t title_of(uint64_t h)
{
    for (size_t t = 0; t < sizeof TITLES / sizeof *TITLES; t++)
        if (in_list(h, TITLES[t]))
            return (uint8_t)(1u << t);
    return 0;
}

/* Whether the mention of tokens [A, B) reads as a place. */
static int place_mention(const ps__qtok_t *s, size_t n, size_t a, size_t b)
{
    if (a > 0 && in_list(s[a - 1].term, &W_PLACE_BEFORE) &&
        !(s[b - 1].flags & PS_TOK_POSSESSIVE))
        return 1;
    return b < n && !(s[b - 1].flags & PS_TOK_POSSESSIVE) &&
           in_list(s[b].term, &W_PLACE_AFTER);
}

/* The end of the mention starting at token K of entity E. */
static size_t mention_end(const ps__qtok_t *s, size_t n, size_t k, int e)
{
    size_t j = k + 1;
    while (j < n && s[j].ent_index == e && (s[j].ent & 1))
        j++;
    return j;
}

static int valid(int e, size_t nents)
{
    return e >= 0 && (size_t)e < nents;
}

/* Marks in K->place the person entities most of whose mentions read as
 * places ("in Chelsea", "the Chelsea neighborhood"): the tagger's person
 * there is a place, and no pronoun refers to it. */
static void placelike(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                      const ps_entity_t *ents, size_t nents)
{
    uint32_t *count = k->count;
    memset(count, 0, 2 * nents * sizeof *count);
    for (size_t i = 0; i < n;) {
        int e = s[i].ent_index;
        if (!valid(e, nents)) {
            i++;
            continue;
        }
        size_t j = mention_end(s, n, i, e);
        count[2 * e]++;
        count[2 * e + 1] += (uint32_t)place_mention(s, n, i, j);
        i = j;
    }
    for (size_t e = 0; e < nents; e++)
        k->place[e] = ents[e].type == PS_ENT_PERSON &&
                      2 * count[2 * e + 1] > count[2 * e];
}

/* How many words after a name its pronouns are looked for. */
#define GENDER_REACH 12
/* How far into the apposition after a mention a title that says a
 * gender is read. */
#define TITLE_REACH 4

/* What a title next to the mention [I, J) of a person says of its
 * gender: 1 he, 2 she, 0 nothing. A title right before the name
 * ("Kremlin spokesman Dmitry Peskov") or in the apposition after it
 * ("Dmitry Peskov, the Kremlin spokesman", "X, the wife of Y") says it,
 * in the mention's sentence and outside quotation marks; an apposition
 * about someone else ("X, whose husband", "X, his son") does not. */
static int title_gender(const ps__qtok_t *s, size_t n, size_t i, size_t j)
{
    const uint8_t stops = PS__G_COMMA | PS__G_STOP | PS__G_COLON |
                          PS__G_OPEN | PS__G_CLOSE | PS__G_LINE;
    if (i > 0 && !(s[i].gap & stops) && s[i - 1].sent == s[i].sent &&
        !s[i - 1].inq && s[i - 1].ent_index == -1)
        return in_list(s[i - 1].term, &W_HE_TITLES)    ? 1
               : in_list(s[i - 1].term, &W_SHE_TITLES) ? 2
                                                       : 0;
    /* "her husband, Milton Berg": a word for a man or woman set off
     * before the name by a comma alone. */
    if (i > 0 && (s[i].gap & stops) == PS__G_COMMA &&
        s[i - 1].sent == s[i].sent && !s[i - 1].inq &&
        s[i - 1].ent_index == -1) {
        if (in_list(s[i - 1].term, &W_HE_TITLES) ||
            in_list(s[i - 1].term, &W_HE_NOUNS))
            return 1;
        if (in_list(s[i - 1].term, &W_SHE_TITLES) ||
            in_list(s[i - 1].term, &W_SHE_NOUNS))
            return 2;
    }
    if (j >= n || !(s[j].gap & PS__G_COMMA))
        return 0;
    for (size_t p = j; p < n && p < j + TITLE_REACH; p++) {
        if ((p > j && (s[p].gap & stops)) || s[p].sent != s[i].sent ||
            s[p].inq || s[p].ent_index != -1 ||
            in_list(s[p].term, &W_POSSESSORS))
            break;
        if (in_list(s[p].term, &W_HE_TITLES))
            return 1;
        if (in_list(s[p].term, &W_SHE_TITLES))
            return 2;
    }
    return 0;
}

/* Whether the pronoun at P is the object of the verb after the name
 * that ends before J: one or two words between them and no punctuation
 * ("Obama later backed her up"), and an object's form (W_OBJECTS). */
static int object_of_verb(const ps__qtok_t *s, size_t n, size_t j, size_t p)
{
    const uint8_t stops = PS__G_COMMA | PS__G_STOP | PS__G_COLON | PS__G_OPEN |
                          PS__G_CLOSE | PS__G_LINE | PS__G_DASH | PS__G_PAREN;
    if (p <= j || p > j + 2 || !in_list(s[p].term, &W_OBJECTS))
        return 0;
    for (size_t q = j; q <= p; q++)
        if (s[q].gap & stops)
            return 0;
    if (!in_list(s[p].term, &W_SHE))
        return 1; /* "him" */
    return p + 1 >= n || s[p + 1].sent != s[p].sent || (s[p + 1].gap & stops) ||
           in_list(s[p + 1].term, &W_PARTICLES);
}

/* Sets K->gender of each person from what the article says of it: the
 * honorific before a mention ("Mr.", "Mrs."), a title that says a gender
 * next to one ("spokesman", "congresswoman"), its first name, and the
 * first pronoun in the few words after one in its sentence, before the
 * next person named, outside quotation marks ("Clinton said she ..."; in
 * "Sanders said he would campaign for her", "her" is someone else). */
static void genders(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                    const ps_entity_t *ents, size_t nents)
{
    uint32_t *count = k->count; /* he, she */
    memset(count, 0, 2 * nents * sizeof *count);
    for (size_t i = 0; i < n;) {
        int e = s[i].ent_index;
        if (!valid(e, nents) || ents[e].type != PS_ENT_PERSON) {
            i++;
            continue;
        }
        size_t j = mention_end(s, n, i, e);
        int title = title_gender(s, n, i, j);
        if ((i > 0 && in_list(s[i - 1].term, &W_MR)) || title == 1)
            count[2 * e] += 3;
        else if ((i > 0 && in_list(s[i - 1].term, &W_MRS)) || title == 2)
            count[2 * e + 1] += 3;
        /* A name after a preposition is rarely what the next pronoun
         * refers to ("The general stumped for Clinton in Iowa, and the
         * campaign touted his endorsement"). */
        int object = i > 0 && in_list(s[i - 1].term, &W_PREPOSITIONS);
        for (size_t p = j; !object && p < n && p < j + GENDER_REACH &&
                           s[p].sent == s[i].sent && !s[i].inq;
             p++) {
            int o = s[p].ent_index;
            if (valid(o, nents) && o != e && ents[o].type == PS_ENT_PERSON)
                break;
            if (s[p].inq)
                continue;
            if (object_of_verb(s, n, j, p))
                break;
            int he = in_list(s[p].term, &W_HE), she = in_list(s[p].term, &W_SHE);
            count[2 * e] += (uint32_t)he;
            count[2 * e + 1] += (uint32_t)she;
            if (he || she)
                break;
        }
        i = j;
    }
    /* A first name most often says it ("Hillary Clinton"): surer than
     * one pronoun after a name, less than an honorific or a title. The
     * first word of the name as written, before a space: the id's
     * "mark-viverito" is one surname. */
    for (size_t e = 0; e < nents; e++) {
        int g = ents[e].type == PS_ENT_PERSON
                    ? ps__written_name_gender(ents[e].name)
                    : 0;
        if (g)
            count[2 * e + (g > 0)] += 2;
    }
    for (size_t e = 0; e < nents; e++)
        k->gender[e] = count[2 * e] > count[2 * e + 1]   ? 1
                       : count[2 * e] < count[2 * e + 1] ? 2
                                                         : 0;
}

/* Sets K->title of each person, the offices whose titles the article
 * writes right before the name ("Justice Frank Nervo"), and K->titles,
 * those of every person. */
static void titles(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                   const ps_entity_t *ents, size_t nents)
{
    memset(k->title, 0, nents);
    k->titles = 0;
    for (size_t i = 0; i < n;) {
        int e = s[i].ent_index;
        if (!valid(e, nents) || ents[e].type != PS_ENT_PERSON) {
            i++;
            continue;
        }
        if (i > 0 && !s[i - 1].inq && s[i - 1].sent == s[i].sent) {
            k->title[e] |= title_of(s[i - 1].term);
            k->titles |= k->title[e];
        }
        i = mention_end(s, n, i, e);
    }
}

/* Fills K's table of surnames: the last word of every person's mention
 * ("pence" of "Mike Pence" and of "Pence's"), the first person named so
 * first. */
static ps_status_t surnames(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                            const ps_entity_t *ents, size_t nents)
{
    size_t slots = 16;
    while (slots < 2 * nents)
        slots *= 2;
    if (slots > k->smask + 1 || !k->skey) {
        uint64_t *key = realloc(k->skey, slots * sizeof *key);
        if (key)
            k->skey = key;
        int32_t *val = realloc(k->sval, slots * sizeof *val);
        if (val)
            k->sval = val;
        if (!key || !val)
            return PS_ENOMEM;
    }
    k->smask = slots - 1;
    memset(k->skey, 0, slots * sizeof *k->skey);
    for (size_t i = 0; i < n; i++) {
        int e = s[i].ent_index;
        if (!valid(e, nents) || ents[e].type != PS_ENT_PERSON ||
            (i + 1 < n && s[i + 1].ent_index == e))
            continue;
        uint64_t t = s[i].term | 1; /* never 0, the empty slot */
        size_t j = (size_t)(t >> 7) & k->smask;
        while (k->skey[j] && k->skey[j] != t)
            j = (j + 1) & k->smask;
        if (!k->skey[j]) {
            k->skey[j] = t;
            k->sval[j] = e;
        }
    }
    return PS_OK;
}

ps_status_t ps__q_speakers_begin(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                                 const ps_entity_t *ents, size_t nents)
{
    pthread_once(&lists_once, hash_lists);
    if (nents + 1 > k->ecap) {
        size_t c = 2 * (nents + 1);
        uint32_t *count = realloc(k->count, 2 * c * sizeof *count);
        if (count)
            k->count = count;
        uint8_t *flags = realloc(k->place, 2 * c);
        if (flags)
            k->place = flags;
        uint8_t *title = realloc(k->title, c);
        if (title)
            k->title = title;
        if (!count || !flags || !title)
            return PS_ENOMEM;
        k->ecap = c;
    }
    if (n + 1 > k->ncap) {
        size_t c = 2 * (n + 1);
        int32_t *said = realloc(k->said, c * sizeof *said);
        if (said)
            k->said = said;
        uint8_t *said_g = realloc(k->said_g, c);
        if (said_g)
            k->said_g = said_g;
        if (!said || !said_g)
            return PS_ENOMEM;
        k->ncap = c;
    }
    k->gender = k->place + k->ecap;
    k->settled = 0;
    placelike(k, s, n, ents, nents);
    genders(k, s, n, ents, nents);
    titles(k, s, n, ents, nents);
    for (size_t i = 0; i < n; i++)
        k->said[i] = -1;
    memset(k->said_g, 0, n);
    return surnames(k, s, n, ents, nents);
}

void ps__q_speakers_free(ps__qspk_t *k)
{
    free(k->count);
    free(k->place);
    free(k->title);
    free(k->said);
    free(k->said_g);
    free(k->skey);
    free(k->sval);
    memset(k, 0, sizeof *k);
}

/* Whether entity E may be what a pronoun of TYPE and GENDER (0 unknown,
 * 1 he, 2 she) refers to. */
static int fits(const ps__qspk_t *k, const ps_entity_t *ents, int e, int type,
                int gender)
{
    return (int)ents[e].type == type && !k->place[e] &&
           (!gender || !k->gender[e] || k->gender[e] == gender);
}

/* fits(), and for "the president", "the judge" or "the mayor" (TITLE
 * its office's bit, title_of()) in an article that writes
 * that office's title before a name, one it writes it before: "The
 * judge agreed with Ivana Trump" after "Justice Frank Nervo" is Nervo,
 * not Ivana Trump, who spoke before. */
static int fits_title(const ps__qspk_t *k, const ps_entity_t *ents, int e,
                      int type, int gender, uint8_t title)
{
    return fits(k, ents, e, type, gender) &&
           (!(k->titles & title) || (k->title[e] & title));
}

/* Whether token I lies in a content piece of A. */
static int in_content(const ps__qattr_t *a, size_t i)
{
    for (uint32_t p = 0; p < a->ncon; p++)
        if (a->con[p][0] <= i && i < a->con[p][1])
            return 1;
    return 0;
}

/* Whether the sentence of tokens [B, END) is about the person a pronoun
 * of GENDER (1 he, 2 she) refers to, so that its names are others: the
 * pronoun stands outside quotation marks before any name ("He met
 * Obama", "When he took the stage after Mr. Vander Plaats's
 * introduction"), unless it is in a clause a subordinator opens the
 * sentence with and the first name after it follows that clause's comma
 * ("When she was a prosecutor, Loretta Lynch ...": the name is whom the
 * pronoun announces). */
static int pronoun_led(const ps__qtok_t *s, size_t b, size_t end,
                       int gender)
{
    const wlist_t *subject = gender == 1   ? &W_HE_SUBJECT
                             : gender == 2 ? &W_SHE_SUBJECT
                                           : NULL;
    if (!subject)
        return 0;
    size_t p = end;
    for (size_t i = b; i < end && p == end; i++) {
        if (s[i].inq)
            continue;
        if (s[i].ent_index >= 0)
            return 0;
        if (in_list(s[i].term, subject))
            p = i;
    }
    if (p == end)
        return 0;
    if (!in_list(s[b].term, &W_SUBORDINATORS))
        return 1;
    for (size_t i = p + 1; i < end; i++)
        if (s[i].ent_index >= 0 && !s[i].inq)
            return !(s[i].gap & PS__G_COMMA);
    return 1;
}

/* Whether the mention ending at token J is a possessive ("Trump's
 * plan"), not a contraction the analyzer reads as one ("Christie's been
 * making the case", "Trump's not going"). */
static int owner(const ps__qtok_t *s, size_t n, size_t j)
{
    return (s[j - 1].flags & PS_TOK_POSSESSIVE) &&
           !(j < n && in_list(s[j].term, &W_CONTRACTED));
}

/* Whether term H is a word for a person of GENDER (1 he, 2 she):
 * "man", "mother". */
static int gender_noun(uint64_t h, int gender)
{
    return (gender == 1 && in_list(h, &W_HE_NOUNS)) ||
           (gender == 2 && in_list(h, &W_SHE_NOUNS));
}

/* Whether a word for a person of GENDER ("woman", "mother") and no
 * name stands in [J, END), outside quotation marks. */
static int gendered_after(const ps__qtok_t *s, size_t j, size_t end, int gender)
{
    for (size_t i = j; i < end; i++)
        if (!s[i].inq && s[i].ent_index < 0 && gender_noun(s[i].term, gender))
            return 1;
    return 0;
}

/* Whether entity E is named right after A's cue, in its sentence with
 * nothing but a space between, as the one spoken to ("… ,” he told
 * Rubio", "he told Hannity"), when A's source, before the cue, is "he"
 * or "she": a name the subject governs is never whom it refers to (a
 * possessive governs none: "His preference for Ted" is Ted Cruz's). */
static int spoken_to(const ps__qtok_t *s, size_t n, const ps__qattr_t *a, int e)
{
    uint32_t j = a->cue[1];
    return a->src[1] <= a->cue[0] && a->src[1] - a->src[0] == 1 &&
           (in_list(s[a->src[0]].term, &W_HE_SUBJECT) ||
            in_list(s[a->src[0]].term, &W_SHE_SUBJECT)) &&
           j < n && j > 0 && s[j].ent_index == e && !s[j].inq &&
           s[j].gap == 0 && s[j].sent == s[j - 1].sent;
}

/* What a pronoun or description of TYPE and GENDER ("the judge" when
 * TITLE is a judge's bit, title_of()), the source of A, refers to:
 * looking back from it sentence by sentence within WINDOW tokens, the
 * speaker of an attribution whose source or cue is in the sentence, else
 * (but for a sentence in which the pronoun comes before any name, whose
 * names are passed over: pronoun_led()) the sentence's first fitting
 * name outside quotation marks, one not a possessive first; -1 if none,
 * or if a person of the pronoun's gender whom the article does not name
 * ("my mother", "the woman") comes first, outside what A says ("Seeing
 * his brother suffer led him to quit, he said" is not the brother's). IT
 * says the source is "it", for which the look-back is shorter (below). */
static int antecedent(const ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                      const ps__qattr_t *a, const ps_entity_t *ents,
                      size_t nents, int type, int gender, uint8_t title, int it)
{
    size_t at = a->src[0];
    size_t lo = at > WINDOW ? at - WINDOW : 0;
    int narrated = 0;
    for (size_t end = at; end > lo;) {
        size_t b = end;
        while (b > lo && s[b - 1].sent == s[end - 1].sent)
            b--;
        /* "It" refers no further back than the sentence of its own
         * narrative before the one it stands in: what is quoted between
         * does not count ("the Times wrote. “A. B,” it added"). */
        if (it) {
            size_t i = b;
            while (i < end && s[i].inq)
                i++;
            if (i < end && narrated++ >= 2)
                return -1;
        }
        /* Not a speaker a pronoun of the other gender was ("After he
         * gave her an answer, she said"). */
        for (size_t i = b; i < end; i++)
            if (valid(k->said[i], nents) &&
                fits_title(k, ents, k->said[i], type, gender, title) &&
                !(gender && k->said_g[i] && k->said_g[i] != gender) &&
                !spoken_to(s, n, a, k->said[i]))
                return k->said[i];
        /* A sentence about the same "he" names others only as objects:
         * the person is further back. */
        if (pronoun_led(s, b, end, gender)) {
            end = b;
            continue;
        }
        /* "The report also provided details. It said ...": an "it"
         * refers to a thing a sentence before opens with ("the", "this",
         * "that" and a word in lower case), no organisation further
         * back. */
        if (it && b + 1 < end && !s[b].inq &&
            in_list(s[b].term, &W_THIS_THAT) && s[b + 1].ent_index < 0 &&
            !(s[b + 1].flags & (PS_TOK_CAP | PS_TOK_UPPER)))
            return -1;
        int possessive = -1;
        for (size_t i = b; i < end;) {
            int e = s[i].ent_index;
            if (!valid(e, nents) || s[i].inq) {
                /* An unnamed person of the pronoun's gender comes first,
                 * or one the article calls by a word for anyone ("one
                 * voter brought up immigration. She asked"; not "an
                 * official, John Doe,"), or for "it" a campaign ("Trump's
                 * campaign backtracked. ... it said"): the speaker is no
                 * one the article names. */
                if (!valid(e, nents) && !s[i].inq && possessive < 0 &&
                    (gender_noun(s[i].term, gender) ||
                     (type == PS_ENT_ORG &&
                      in_list(s[i].term, &W_CAMPAIGN)) ||
                     (type == PS_ENT_PERSON &&
                      in_list(s[i].term, &W_ANONYMOUS) && i + 1 < end &&
                      s[i + 1].ent_index < 0 &&
                      !(s[i + 1].gap & PS__G_COMMA))) &&
                    !in_content(a, i))
                    return -1;
                i++;
                continue;
            }
            size_t j = mention_end(s, n, i, e);
            if (fits_title(k, ents, e, type, gender, title) &&
                !spoken_to(s, n, a, e)) {
                /* "Christie began by begging a woman to cast her ballot
                 * for him. ... she said": a person of no known gender
                 * before an unnamed one of the pronoun's is not whom it
                 * refers to. */
                if (gender && !k->gender[e] &&
                    gendered_after(s, j, end, gender))
                    return -1;
                if (!owner(s, n, j))
                    return e;
                if (possessive < 0)
                    possessive = e;
            }
            i = j;
        }
        if (possessive >= 0)
            return possessive;
        end = b;
    }
    return -1;
}

/* Whether token T is a word for a role a name can qualify. */
static int role_word(const ps__qtok_t *t)
{
    return in_list(t->term, &W_PERSON_WORDS) ||
           in_list(t->stem, &W_PERSON_WORDS) ||
           in_list(t->term, &W_ROLE_WORDS) || in_list(t->stem, &W_ROLE_WORDS);
}

/* Whether token T is a word for one person of a group that speaks for
 * no one but themselves: a role, not a spokesman's. */
static int member_word(const ps__qtok_t *t)
{
    return (role_word(t) || in_list(t->term, &W_ONE_OF_THEIRS) ||
            in_list(t->term, &W_MEMBERS)) &&
           !in_list(t->term, &W_SPOKESMEN);
}

/* Punctuation in a gap that ends a name's title or role. */
#define TITLE_BREAKS                                                           \
    (PS__G_COMMA | PS__G_STOP | PS__G_COLON | PS__G_DASH | PS__G_PAREN |       \
     PS__G_OPEN | PS__G_CLOSE | PS__G_LINE)

/* The end of the run of at most MAX plain words from token J (below B):
 * no name, mark, capital or punctuation before any of them. */
static uint32_t plain_words(const ps__qtok_t *s, uint32_t j, uint32_t b,
                            uint32_t max)
{
    uint32_t k = j;
    while (k < b && k < j + max && s[k].ent_index == -1 &&
           s[k].shape != PS__Q_SHAPE_MARK && !(s[k].gap & TITLE_BREAKS) &&
           !(s[k].flags & PS_TOK_CAP))
        k++;
    return k;
}

/* The first token of entity E's first mention in tokens [A, B); B if
 * none. */
static uint32_t first_mention(const ps__qtok_t *s, uint32_t a, uint32_t b,
                              int e)
{
    while (a < b && s[a].ent_index != e)
        a++;
    return a;
}

/* Whether the mention of a person ending at token J qualifies the title
 * of another person named right after it in tokens [J, B): "Clinton
 * spokesman Josh Schwerin", "Clinton's spokesman Brian Fallon", "Trump
 * campaign manager Corey Lewandowski" are said by the second, and so,
 * after a possessive, is a name the title's comma sets off ("Carter's
 * press secretary, Peter Cook", "Clinton's campaign chairman, John
 * Podesta"). Between the two, at most three words without a capital or
 * punctuation (four after a possessive: "chief of staff"), the last a
 * word for a role; "Williams added about Carson", "Clinton and Sanders"
 * are not such titles. */
static int qualifies_title(const ps__qtok_t *s, uint32_t j, uint32_t b,
                           const ps_entity_t *ents, size_t nents)
{
    int owner = (s[j - 1].flags & PS_TOK_POSSESSIVE) != 0;
    uint32_t k = plain_words(s, j, b, 3 + (uint32_t)owner);
    uint8_t before = s[k < b ? k : j].gap & TITLE_BREAKS;
    return k > j && k < b && role_word(&s[k - 1]) &&
           (!before || (owner && before == PS__G_COMMA)) &&
           valid(s[k].ent_index, nents) &&
           ents[s[k].ent_index].type == PS_ENT_PERSON;
}

/* An entity mentioned inside tokens [A, B) that can speak: a person
 * first (the one a title belongs to, not the one who qualifies it),
 * then an organisation, then a place ("Moscow said"). A nationality,
 * party or event name ("the Orlando Republican", "a Democratic aide")
 * describes the speaker rather than naming it, so it is left to the
 * description's rules. */
static int named(const ps__qtok_t *s, size_t n, uint32_t a, uint32_t b,
                 const ps_entity_t *ents, size_t nents)
{
    int best = -1;
    for (uint32_t k = a; k < b; k++) {
        int e = s[k].ent_index;
        if (!valid(e, nents) || ents[e].type == PS_ENT_MISC ||
            ents[e].type == PS_ENT_TREATY)
            continue;
        if (ents[e].type == PS_ENT_PERSON) {
            size_t j = mention_end(s, n, k, e);
            if (j < b && qualifies_title(s, (uint32_t)j, b, ents, nents)) {
                k = (uint32_t)j - 1;
                continue;
            }
            return e;
        }
        if (best < 0 || (ents[e].type == PS_ENT_ORG &&
                         ents[best].type != PS_ENT_ORG))
            best = e;
    }
    return best;
}

/* Whether the first mention of entity E in tokens [A, B) ends in a
 * possessive ("Germany's"). */
static int possessive(const ps__qtok_t *s, size_t n, uint32_t a, uint32_t b,
                      int e)
{
    for (uint32_t k = a; k < b; k++)
        if (s[k].ent_index == e)
            return (s[mention_end(s, n, k, e) - 1].flags &
                    PS_TOK_POSSESSIVE) != 0;
    return 0;
}

/* Whether the first mention of entity E in tokens [A, B) is what someone
 * speaks for ("a spokesman for Russia", "an adviser to Moscow"). */
static int spoken_for(const ps__qtok_t *s, uint32_t a, uint32_t b, int e)
{
    for (uint32_t k = a; k < b; k++)
        if (s[k].ent_index == e)
            return k > a && in_list(s[k - 1].term, &W_FOR);
    return 0;
}

/* Whether token T is the head of a group: an unnamed head ("officials",
 * "sources") or a word for people ("the candidates", "attorneys"). */
static int group_word(const ps__qtok_t *t)
{
    return in_list(t->term, &W_UNNAMED_HEADS) ||
           in_list(t->term, &W_PERSON_PLURALS);
}

/* Whether the person E named in source [SA, SB) only qualifies a group
 * that the source's head names, so that no one named speaks: the person
 * before the group's head with nothing between but words ("Clinton
 * supporters", "a Clinton campaign official", "Obama's aides"), or after
 * it in a phrase that hangs on it ("aides to Clinton", "officials
 * familiar with Mrs. Clinton's server"). A name set off from the head by
 * a comma, a dash or a word that lists the group's members ("two
 * analysts, Patrick Megahan and Chris Harman", "critics, including Paul
 * Krugman") or that follows it ("the candidates Clinton and Trump") is
 * one of the speakers, and so is a name joined to the group ("Trump and
 * other Republicans"). */
static int qualifies_group(const ps__qtok_t *s, size_t n, uint32_t sa,
                           uint32_t sb, int e)
{
    uint32_t p = first_mention(s, sa, sb, e);
    if (p == sb)
        return 0;
    uint32_t pe = (uint32_t)mention_end(s, n, p, e);
    const unsigned apart = PS__G_COMMA | PS__G_DASH | PS__G_PAREN |
                           PS__G_COLON | PS__G_STOP | PS__G_OPEN;
    /* "official" may be an adjective ("Trump's official campaign
     * account"): a head only where the source or its phrase ends. */
    uint32_t h = sa;
    while (h < sb && !(group_word(&s[h]) &&
                       (!in_list(s[h].term, &W_ADJECTIVAL) || h + 1 == sb ||
                        (s[h + 1].gap & apart))))
        h++;
    if (h == sb)
        return 0;
    if (h >= pe) {
        for (uint32_t i = pe; i <= h; i++)
            if ((s[i].gap & apart) || in_list(s[i].term, &W_LISTING))
                return 0;
        return 1;
    }
    if (h > p || h + 1 == p)
        return 0; /* the group's word inside the name, or the name right
                   * after it ("candidates Hillary Clinton and Donald
                   * Trump") */
    for (uint32_t i = h + 1; i <= p; i++)
        if ((s[i].gap & apart) || in_list(s[i].term, &W_LISTING))
            return 0;
    return 1;
}

/* Whether source [SA, SB), which "a", "one", "another" or the like
 * opens, names one of person E's people rather than E: E's mention is
 * followed by at most three words without a capital or punctuation, the
 * last one of ONE_OF_THEIRS ("a top Donald Trump adviser", "one Clinton
 * aide", "a Sanders supporter who ..."). */
static int one_of_theirs(const ps__qtok_t *s, size_t n, uint32_t sa,
                         uint32_t sb, int e)
{
    if (!in_list(s[sa].term, &W_INDEFINITE))
        return 0;
    uint32_t p = first_mention(s, sa, sb, e);
    if (p == sb)
        return 0;
    uint32_t j = (uint32_t)mention_end(s, n, p, e);
    for (uint32_t k = j, end = plain_words(s, j, sb, 3); k < end; k++)
        if (in_list(s[k].term, &W_ONE_OF_THEIRS))
            return 1;
    return 0;
}

/* The first person other than E named in source [SA, SB) after E's
 * first mention; -1 if none. */
static int other_person(const ps__qtok_t *s, size_t n, uint32_t sa,
                        uint32_t sb, int e, const ps_entity_t *ents,
                        size_t nents)
{
    uint32_t k = first_mention(s, sa, sb, e);
    for (k = k < sb ? (uint32_t)mention_end(s, n, k, e) : sb; k < sb; k++) {
        int o = s[k].ent_index;
        if (valid(o, nents) && o != e && ents[o].type == PS_ENT_PERSON)
            return o;
    }
    return -1;
}

/* The longest appositive a relative pronoun looks across, in tokens. */
#define APPOSITIVE_MAX 12

/* The name a relative pronoun at SA refers to across an appositive
 * ("Harold Doley, a banker and former Reagan administration official
 * who has suggested ..."): the entity, of TYPE, whose mention ends just
 * before the comma that opens a noun phrase ("a", "an", "the") running up
 * to SA with no other punctuation in it; -1 if none. Not a clause after
 * the comma ("Clinton, compared with 64 percent who say", "Trump, who
 * garnered 15 percent and another 12 percent who say"). */
static int across_appositive(const ps__qtok_t *s, uint32_t sa,
                             const ps_entity_t *ents, size_t nents, int type)
{
    const unsigned stop = PS__G_OPEN | PS__G_CLOSE | PS__G_STOP |
                          PS__G_COLON | PS__G_DASH | PS__G_PAREN | PS__G_LINE;
    for (uint32_t j = sa, steps = 0; j-- > 1 && steps < APPOSITIVE_MAX;
         steps++) {
        if (s[j].sent != s[sa].sent || (s[j + 1].gap & (stop | PS__G_COMMA)) ||
            s[j].shape == PS__Q_SHAPE_MARK)
            return -1;
        if (!(s[j].gap & PS__G_COMMA))
            continue;
        if ((s[j].gap & stop) || !in_list(s[j].term, &W_ARTICLES))
            return -1;
        const ps__qtok_t *b = &s[j - 1];
        int e = b->ent_index;
        if (!valid(e, nents) || (int)ents[e].type != type || b->inq ||
            (b->flags & PS_TOK_POSSESSIVE))
            return -1;
        return e;
    }
    return -1;
}

/* Whether a word for someone's kin or friend ("mother", "friend")
 * follows the possessive at I within three words, before SB. */
static int kin_after(const ps__qtok_t *s, uint32_t i, uint32_t sb)
{
    for (uint32_t j = i + 1; j < sb && j <= i + 3; j++)
        if (in_list(s[j].term, &W_HE_NOUNS) ||
            in_list(s[j].term, &W_SHE_NOUNS) ||
            in_list(s[j].stem, &W_CLOSE_ONES))
            return 1;
    return 0;
}

/* The speaker of A, whose source [SA, SB) names no entity: a relative
 * pronoun's name, a pronoun's or description's antecedent, else what
 * kind of source it is. */
static void unnamed(const ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                    const ps__qattr_t *a, const ps_entity_t *ents,
                    size_t nents, ps_speaker_kind_t *kind, int *index)
{
    uint32_t sa = a->src[0], sb = a->src[1];
    /* A relative pronoun is the name just before it ("Clinton, who"),
     * or before an appositive ("Doley, a banker who"). */
    if (sb - sa == 1 && in_list(s[sa].term, &W_RELATIVES)) {
        for (uint32_t i = sa, steps = 0; i-- > 0 && steps < 2; steps++) {
            int r = s[i].ent_index;
            if (valid(r, nents) && (ents[r].type == PS_ENT_PERSON ||
                                    ents[r].type == PS_ENT_ORG)) {
                *kind = PS_SPEAKER_ENTITY;
                *index = r;
                return;
            }
        }
        int r = across_appositive(s, sa, ents, nents,
                                  in_list(s[sa].term, &W_WHO) ? PS_ENT_PERSON
                                                              : PS_ENT_ORG);
        if (r >= 0) {
            *kind = PS_SPEAKER_ENTITY;
            *index = r;
            return;
        }
    }
    int want = -1, gender = 0, pronoun = 0, head = 0;
    uint8_t title = 0;
    for (uint32_t i = sa; i < sb; i++) {
        if (group_word(&s[i])) {
            /* "Republicans", "the candidates": a group, not one of the
             * people named before. */
            head = 1;
            continue;
        }
        if (in_list(s[i].term, &W_POSSESSORS) && kin_after(s, i, sb)) {
            /* "His mother", "her 72-year-old mother", "his childhood
             * friend": someone the article names only by who they are
             * to the person the pronoun is, not that person. */
            head = 1;
            break;
        }
        if (in_list(s[i].term, &W_PERSON_PRONOUNS) ||
            in_list(s[i].stem, &W_PERSON_WORDS) ||
            in_list(s[i].term, &W_PERSON_WORDS)) {
            want = PS_ENT_PERSON;
            pronoun = 1;
            /* "the president" alone: not "the former president". */
            if (sb - sa == 2 && i == sa + 1)
                title |= title_of(s[i].term);
            if (in_list(s[i].term, &W_HE) || in_list(s[i].term, &W_HE_TITLES))
                gender = 1;
            else if (in_list(s[i].term, &W_SHE) ||
                     in_list(s[i].term, &W_SHE_TITLES))
                gender = 2;
        } else if (in_list(s[i].term, &W_IT) &&
                   ((s[i].flags & PS_TOK_POSSESSIVE) ||
                    (i + 1 < n && in_list(s[i + 1].term, &W_EXPLETIVE_NEXT)))) {
            /* "It's worth noting", "it is not clear": no one. */
            pronoun = 1;
        } else if (sb - sa == 2 && i == sa + 1 &&
                   in_list(s[sa].term, &W_THE) &&
                   in_list(s[i].term, &W_CAMPAIGN)) {
            /* "The campaign said" is a candidate's campaign, which the
             * article seldom names as an organisation: the last
             * organisation named was the wrong one in most of the 924
             * PolNeAR articles' cases (the FBI, the White House, a
             * newspaper), and the last person named in four of ten
             * (an aide, a rival). It stays unresolved. */
            pronoun = 1;
        } else if (in_list(s[i].term, &W_ORG_PRONOUNS) ||
                   in_list(s[i].term, &W_ORG_WORDS)) {
            if (want < 0)
                want = PS_ENT_ORG;
            pronoun = 1;
        } else if (in_list(s[i].term, &W_OTHER_PRONOUNS)) {
            pronoun = 1;
        }
    }
    /* "Officials", "one official", "the Republicans": a head noun of its
     * own, no one the article names. */
    if (head) {
        *kind = PS_SPEAKER_UNNAMED;
        return;
    }
    /* An indefinite description ("a New York judge", "one Republican
     * strategist") is someone the article has not named. */
    if (in_list(s[sa].term, &W_INDEFINITE)) {
        *kind = PS_SPEAKER_UNNAMED;
        return;
    }
    /* A plural description ("the candidates", "officials") is not one
     * speaker; the analyzer's stem keeps the singular. */
    if (want >= 0 && sb - sa <= 5) {
        int e = antecedent(k, s, n, a, ents, nents, want, gender, title,
                           sb - sa == 1 && in_list(s[sa].term, &W_IT));
        if (e >= 0) {
            *kind = PS_SPEAKER_ENTITY;
            *index = e;
            return;
        }
    }
    *kind = pronoun ? PS_SPEAKER_PRONOUN : PS_SPEAKER_UNNAMED;
}

/* A source of capitalised words that the entity tagger did not read as a
 * name, as headlines and transcripts give their speakers ("Pence: ...",
 * "PENCE: ..."): the person the article names with that last word ("Mike
 * Pence"), or -1. */
static int by_surname(const ps__qspk_t *k, const ps__qtok_t *s, uint32_t a,
                      uint32_t b)
{
    for (uint32_t i = a; i < b; i++)
        if (!(s[i].flags & (PS_TOK_CAP | PS_TOK_UPPER)) ||
            s[i].shape == PS__Q_SHAPE_MARK)
            return -1;
    uint64_t t = s[b - 1].term | 1;
    for (size_t j = (size_t)(t >> 7) & k->smask; k->skey[j];
         j = (j + 1) & k->smask)
        if (k->skey[j] == t)
            return k->sval[j];
    return -1;
}

/* Whether the first mention of place E in the source [A, B) goes on, a
 * space after it, in a capitalised word that no entity holds ("a USA
 * TODAY investigation found", "China Daily reported"): the name of a
 * newspaper or the like that the entity tagger cut short, which is not
 * the place speaking. A word for a person or a group ("the Florida
 * senator", "Iowa Republicans") is read by the rules before and after,
 * and a possessive place still speaks ("Britain's Parliament"). */
static int name_goes_on(const ps__qtok_t *s, size_t n, uint32_t a,
                        uint32_t b, int e)
{
    for (uint32_t i = a; i < b; i++) {
        if (s[i].ent_index != e)
            continue;
        size_t j = mention_end(s, n, i, e);
        return j < b && !(s[j - 1].flags & PS_TOK_POSSESSIVE) &&
               s[j].ent_index < 0 && s[j].gap == 0 &&
               s[j].shape != PS__Q_SHAPE_MARK &&
               (s[j].flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
               !in_list(s[j].term, &W_PERSON_WORDS) &&
               !in_list(s[j].stem, &W_PERSON_WORDS);
    }
    return 0;
}

/* The gender a source of [SA, SB) says by itself: 1 or 2 when it opens
 * with "he" or "she" and names no one ("he", and the model's "She did"),
 * else 0. */
static int source_gender(const ps__qtok_t *s, uint32_t sa, uint32_t sb)
{
    for (uint32_t i = sa; i < sb; i++)
        if (s[i].ent_index >= 0)
            return 0;
    return in_list(s[sa].term, &W_HE_SUBJECT)    ? 1
           : in_list(s[sa].term, &W_SHE_SUBJECT) ? 2
                                                 : 0;
}

void ps__q_speaker(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                   const ps__qattr_t *a, const ps_entity_t *ents,
                   size_t nents, ps_speaker_kind_t *kind, int *index)
{
    *index = -1;
    uint32_t sa = a->src[0], sb = a->src[1];
    if (sb <= sa || sb > n) {
        *kind = PS_SPEAKER_NONE;
        return;
    }
    int e = named(s, n, sa, sb, ents, nents);
    if (e < 0)
        e = by_surname(k, s, sa, sb);
    /* "U.S. officials", "a Pentagon report", people a word for them in
     * the plural names outside any name ("State Department lawyers",
     * "several judges handling Freedom of Information Act lawsuits"; not
     * the "lawyers" of the National Association of Criminal Defense
     * Lawyers, nor spokesmen, who speak for it), and one
     * person of an organisation or place that "a", "one" or "another"
     * introduces, the word for the person before the name or right after
     * it ("an NBC reporter", "one BLM activist", "a lawmaker in the
     * Philippines"; not "a super PAC started by a former Romney aide"):
     * no one the article names. A spokesman speaks for it ("a State
     * Department spokesman"). */
    if (e >= 0 && ents[e].type != PS_ENT_PERSON) {
        uint32_t p = first_mention(s, sa, sb, e);
        uint32_t pe = p < sb ? (uint32_t)mention_end(s, n, p, e) : sb;
        int one = in_list(s[sa].term, &W_INDEFINITE);
        for (uint32_t i = sa; i < sb; i++)
            if (in_list(s[i].term, &W_UNNAMED_HEADS) ||
                (s[i].ent_index < 0 && in_list(s[i].term, &W_PERSON_PLURALS) &&
                 !in_list(s[i].term, &W_SPOKESMEN)) ||
                (one && (i < p || (i >= pe && i < pe + 3)) &&
                 s[i].ent_index == -1 && member_word(&s[i]))) {
                *kind = PS_SPEAKER_UNNAMED;
                return;
            }
    }
    /* "Another Clinton ally, Agriculture Secretary Tom Vilsack" is
     * Vilsack's; "a top Trump adviser" alone is no one named. */
    if (e >= 0 && ents[e].type == PS_ENT_PERSON &&
        one_of_theirs(s, n, sa, sb, e)) {
        e = other_person(s, n, sa, sb, e, ents, nents);
        if (e < 0) {
            *kind = PS_SPEAKER_UNNAMED;
            return;
        }
    }
    if (e >= 0 && ents[e].type == PS_ENT_PERSON &&
        qualifies_group(s, n, sa, sb, e)) {
        *kind = PS_SPEAKER_UNNAMED;
        return;
    }
    if (e >= 0 && ents[e].type == PS_ENT_PLACE &&
        name_goes_on(s, n, sa, sb, e)) {
        *kind = PS_SPEAKER_UNNAMED;
        return;
    }
    /* A place that qualifies a word for a person ("the Florida senator",
     * "the senator from Vermont") describes the speaker, as a party does:
     * the description's rules find whom it refers to. A possessive place
     * still speaks ("Germany's president and ministers"). */
    if (e >= 0 && ents[e].type == PS_ENT_PLACE &&
        !possessive(s, n, sa, sb, e) && !spoken_for(s, sa, sb, e))
        for (uint32_t i = sa; i < sb; i++)
            if (s[i].ent_index != e && in_list(s[i].term, &W_PERSON_WORDS))
                e = -1;
    if (e >= 0) {
        *kind = PS_SPEAKER_ENTITY;
        *index = e;
    } else {
        unnamed(k, s, n, a, ents, nents, kind, index);
    }
    /* Resolved again after ps__q_speakers_settle(), "she" makes a person
     * of no known gender a woman, so that the "he" after it is not her
     * ("She said she never sent them. He said his agents found them"). */
    if (k->settled && *kind == PS_SPEAKER_ENTITY && !k->gender[*index])
        k->gender[*index] = (uint8_t)source_gender(s, sa, sb);
    /* Later pronouns may refer to this speaker, in the sentence of its
     * source or of its cue (a sentence split at "(R-Va.)" keeps it). */
    if (*kind == PS_SPEAKER_ENTITY) {
        uint8_t g = (uint8_t)source_gender(s, sa, sb);
        for (uint32_t i = sa; i < sb; i++) {
            k->said[i] = *index;
            k->said_g[i] = g;
        }
        for (uint32_t i = a->cue[0]; i < a->cue[1] && i < n; i++) {
            k->said[i] = *index;
            k->said_g[i] = g;
        }
    }
}

int ps__q_speakers_settle(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                          const ps__qattr_t *attrs, const ps_quote_t *quotes,
                          size_t na, size_t nents)
{
    uint32_t *count = k->count; /* he, she */
    memset(count, 0, 2 * nents * sizeof *count);
    for (size_t q = 0; q < na; q++) {
        const ps__qattr_t *a = &attrs[q];
        int e = quotes[q].speaker;
        if (quotes[q].speaker_kind != PS_SPEAKER_ENTITY || !valid(e, nents) ||
            a->src[1] <= a->src[0] || a->src[1] > n || k->gender[e])
            continue;
        int g = source_gender(s, a->src[0], a->src[1]);
        count[2 * e] += g == 1;
        count[2 * e + 1] += g == 2;
    }
    int changed = 0;
    for (size_t e = 0; e < nents; e++) {
        uint32_t he = count[2 * e], she = count[2 * e + 1];
        if (he && she && he != she) {
            k->gender[e] = he > she ? 1 : 2;
            changed = 1;
        }
    }
    if (changed) {
        for (size_t i = 0; i < n; i++)
            k->said[i] = -1;
        memset(k->said_g, 0, n);
    }
    k->settled = (uint8_t)changed;
    return changed;
}
