/* The entity tagger: finds the entities of one analysed text. Known names
 * come from the gazetteer by longest match over the token terms; unknown
 * names are runs of capitalised words, cleaned of sentence-initial common
 * words and titles, and typed by the cues around them. */
#include <stdlib.h>
#include <string.h>

#include "entities_private.h"
#include "util.h"
#include "psearch/entities.h"

/* Word lists, each sorted bytewise for bsearch (ps_tagger_new checks).
 * They hold terms: case-folded words with ASCII apostrophes. They describe
 * English in general, never the words of particular texts. */

/* Function words and frequent sentence openers: capitalised only because
 * they open a sentence or a title, never names by themselves. */
static const char *const common_words[] = {"a",
                                           "about",
                                           "above",
                                           "according",
                                           "across",
                                           "actually",
                                           "additionally",
                                           "after",
                                           "afterwards",
                                           "again",
                                           "against",
                                           "ago",
                                           "ahead",
                                           "all",
                                           "almost",
                                           "along",
                                           "already",
                                           "also",
                                           "although",
                                           "always",
                                           "amid",
                                           "among",
                                           "an",
                                           "and",
                                           "another",
                                           "any",
                                           "anyone",
                                           "anything",
                                           "are",
                                           "aren't",
                                           "around",
                                           "as",
                                           "at",
                                           "back",
                                           "be",
                                           "because",
                                           "been",
                                           "before",
                                           "behind",
                                           "being",
                                           "below",
                                           "beneath",
                                           "beside",
                                           "besides",
                                           "between",
                                           "beyond",
                                           "both",
                                           "but",
                                           "by",
                                           "can",
                                           "can't",
                                           "cannot",
                                           "certainly",
                                           "clearly",
                                           "click",
                                           "consequently",
                                           "could",
                                           "currently",
                                           "despite",
                                           "did",
                                           "didn't",
                                           "do",
                                           "does",
                                           "doesn't",
                                           "doing",
                                           "don't",
                                           "done",
                                           "down",
                                           "during",
                                           "each",
                                           "earlier",
                                           "eight",
                                           "either",
                                           "else",
                                           "elsewhere",
                                           "even",
                                           "eventually",
                                           "ever",
                                           "every",
                                           "everyone",
                                           "everything",
                                           "except",
                                           "finally",
                                           "find",
                                           "first",
                                           "five",
                                           "follow",
                                           "following",
                                           "for",
                                           "formerly",
                                           "four",
                                           "from",
                                           "further",
                                           "furthermore",
                                           "get",
                                           "given",
                                           "had",
                                           "has",
                                           "hasn't",
                                           "have",
                                           "haven't",
                                           "having",
                                           "he",
                                           "he's",
                                           "hence",
                                           "her",
                                           "here",
                                           "here's",
                                           "hers",
                                           "herself",
                                           "him",
                                           "himself",
                                           "his",
                                           "how",
                                           "however",
                                           "i",
                                           "i'd",
                                           "i'll",
                                           "i'm",
                                           "i've",
                                           "if",
                                           "in",
                                           "including",
                                           "indeed",
                                           "initially",
                                           "inside",
                                           "instead",
                                           "into",
                                           "is",
                                           "isn't",
                                           "it",
                                           "it's",
                                           "its",
                                           "itself",
                                           "just",
                                           "last",
                                           "lastly",
                                           "later",
                                           "learn",
                                           "let",
                                           "let's",
                                           "like",
                                           "likewise",
                                           "many",
                                           "may",
                                           "maybe",
                                           "me",
                                           "meanwhile",
                                           "might",
                                           "more",
                                           "moreover",
                                           "most",
                                           "mostly",
                                           "much",
                                           "must",
                                           "my",
                                           "near",
                                           "nearly",
                                           "neither",
                                           "never",
                                           "nevertheless",
                                           "next",
                                           "nine",
                                           "no",
                                           "none",
                                           "nonetheless",
                                           "nor",
                                           "not",
                                           "nothing",
                                           "now",
                                           "of",
                                           "off",
                                           "often",
                                           "oh",
                                           "ok",
                                           "okay",
                                           "on",
                                           "once",
                                           "one",
                                           "only",
                                           "open",
                                           "or",
                                           "other",
                                           "others",
                                           "otherwise",
                                           "our",
                                           "ours",
                                           "out",
                                           "outside",
                                           "over",
                                           "overall",
                                           "perhaps",
                                           "please",
                                           "plus",
                                           "previously",
                                           "rather",
                                           "read",
                                           "really",
                                           "recently",
                                           "regardless",
                                           "second",
                                           "secondly",
                                           "see",
                                           "seven",
                                           "several",
                                           "shall",
                                           "share",
                                           "she",
                                           "she's",
                                           "should",
                                           "sign",
                                           "similarly",
                                           "since",
                                           "six",
                                           "so",
                                           "some",
                                           "someone",
                                           "something",
                                           "sometimes",
                                           "soon",
                                           "still",
                                           "subscribe",
                                           "subsequently",
                                           "such",
                                           "ten",
                                           "than",
                                           "thank",
                                           "thanks",
                                           "that",
                                           "that's",
                                           "the",
                                           "their",
                                           "theirs",
                                           "them",
                                           "themselves",
                                           "then",
                                           "there",
                                           "there's",
                                           "therefore",
                                           "these",
                                           "they",
                                           "they're",
                                           "third",
                                           "this",
                                           "those",
                                           "though",
                                           "three",
                                           "through",
                                           "throughout",
                                           "thus",
                                           "to",
                                           "today",
                                           "together",
                                           "tomorrow",
                                           "too",
                                           "toward",
                                           "towards",
                                           "two",
                                           "ultimately",
                                           "under",
                                           "unless",
                                           "unlike",
                                           "until",
                                           "up",
                                           "upon",
                                           "us",
                                           "very",
                                           "via",
                                           "view",
                                           "was",
                                           "wasn't",
                                           "watch",
                                           "we",
                                           "we'll",
                                           "we're",
                                           "we've",
                                           "well",
                                           "were",
                                           "weren't",
                                           "what",
                                           "what's",
                                           "whatever",
                                           "when",
                                           "whenever",
                                           "where",
                                           "whereas",
                                           "wherever",
                                           "whether",
                                           "which",
                                           "while",
                                           "who",
                                           "whoever",
                                           "whom",
                                           "whose",
                                           "why",
                                           "will",
                                           "with",
                                           "within",
                                           "without",
                                           "won't",
                                           "would",
                                           "yes",
                                           "yesterday",
                                           "yet",
                                           "you",
                                           "you're",
                                           "your",
                                           "yours",
                                           "yourself",
                                           "yourselves"};

/* Titles and offices, which announce a person: stripped from the front
 * of a name, they type it as a person. */
static const char *const title_words[] = {"adviser",
                                          "advisor",
                                          "aide",
                                          "ambassador",
                                          "archbishop",
                                          "ayatollah",
                                          "bishop",
                                          "cardinal",
                                          "ceo",
                                          "chair",
                                          "chairman",
                                          "chairperson",
                                          "chairwoman",
                                          "chancellor",
                                          "chief",
                                          "colonel",
                                          "commander",
                                          "commissioner",
                                          "congressman",
                                          "congresswoman",
                                          "councillor",
                                          "councilor",
                                          "czar",
                                          "director",
                                          "dr",
                                          "emir",
                                          "envoy",
                                          "gen",
                                          "general",
                                          "governor",
                                          "judge",
                                          "king",
                                          "lady",
                                          "leader",
                                          "lieutenant",
                                          "lord",
                                          "mayor",
                                          "minister",
                                          "mp",
                                          "mr",
                                          "mrs",
                                          "ms",
                                          "negotiator",
                                          "patriarch",
                                          "pope",
                                          "premier",
                                          "president",
                                          "prince",
                                          "princess",
                                          "prof",
                                          "professor",
                                          "queen",
                                          "rabbi",
                                          "rep",
                                          "representative",
                                          "secretary",
                                          "sen",
                                          "senator",
                                          "sergeant",
                                          "sheikh",
                                          "sir",
                                          "speaker",
                                          "spokesman",
                                          "spokesperson",
                                          "spokeswoman",
                                          "sultan",
                                          "tsar"};

/* Words that only modify a title ("Deputy Foreign Minister"). */
static const char *const modifier_words[] = {
    "acting", "assistant", "attorney", "crown",   "defence",  "defense",
    "deputy", "executive", "finance",  "first",   "foreign",  "former",
    "grand",  "health",    "home",     "interim", "interior", "junior",
    "prime",  "principal", "senior",   "special", "state",    "supreme",
    "top",    "trade",     "vice"};

/* What may follow "of" inside a title ("Secretary of State"). */
static const char *const portfolio_words[] = {
    "affairs",   "agriculture",    "commerce", "defence", "defense",
    "economy",   "education",      "energy",   "finance", "foreign",
    "health",    "homeland",       "interior", "justice", "labor",
    "labour",    "security",       "staff",    "state",   "trade",
    "transport", "transportation", "treasury", "war"};

/* Lower-case nouns for a person's role or kin, a cue when they stand
 * before a name or after it in apposition ("John Smith, an expert"). */
static const char *const role_words[] = {
    "analyst",     "author",        "billionaire",   "boss",
    "brother",     "businessman",   "businesswoman", "candidate",
    "commentator", "correspondent", "critic",        "daughter",
    "diplomat",    "economist",     "editor",        "entrepreneur",
    "expert",      "father",        "fellow",        "founder",
    "head",        "historian",     "husband",       "journalist",
    "lawyer",      "mother",        "official",      "owner",
    "reporter",    "researcher",    "scholar",       "sister",
    "son",         "strategist",    "widow",         "wife"};

/* Reporting verbs: a two- or three-word name right before one of them
 * is a person ("Christopher Tuck said"). */
static const char *const said_words[] = {
    "acknowledged", "added",      "admitted",   "announced", "argued",
    "asked",        "believes",   "claimed",    "confirmed", "declared",
    "denied",       "emphasised", "emphasized", "explained", "insisted",
    "noted",        "replied",    "responded",  "said",      "says",
    "stated",       "stressed",   "suggested",  "tells",     "thinks",
    "told",         "tweeted",    "urged",      "warned",    "wrote"};

/* Prepositions of place: "in X", "from X". */
static const char *const prep_words[] = {
    "across",  "at",         "from", "in",     "inside",  "into",  "near",
    "outside", "throughout", "to",   "toward", "towards", "within"};

/* Last words of organisations ("... Centre", "Bank of ..."). */
static const char *const orgw_words[] = {
    "academy",    "agency",      "airlines",     "airways",      "alliance",
    "army",       "assembly",    "association",  "authority",    "bank",
    "board",      "brigade",     "broadcasting", "bureau",       "cabinet",
    "center",     "centre",      "church",       "club",         "coalition",
    "college",    "command",     "commission",   "committee",    "company",
    "congress",   "corporation", "corps",        "council",      "court",
    "department", "directorate", "duma",         "federation",   "forces",
    "forum",      "foundation",  "fund",         "group",        "guard",
    "herald",     "house",       "inc",          "institute",    "institution",
    "journal",    "league",      "ltd",          "magazine",     "media",
    "ministry",   "movement",    "nations",      "navy",         "network",
    "news",       "office",      "organisation", "organization", "parliament",
    "party",      "police",      "post",         "press",        "rada",
    "radio",      "regiment",    "school",       "senate",       "service",
    "services",   "society",     "telegraph",    "times",        "tribunal",
    "tribune",    "union",       "university"};

/* Last words of treaties, plans, agreements and events. */
static const char *const treatyw_words[] = {
    "accord",     "accords",   "act",    "agreement",   "agreements",
    "article",    "charter",   "clause", "communique",  "conference",
    "convention", "cup",       "deal",   "declaration", "doctrine",
    "festival",   "framework", "games",  "initiative",  "memorandum",
    "olympics",   "pact",      "plan",   "protocol",    "resolution",
    "revolution", "roadmap",   "summit", "treaty",      "war"};

/* Last words of place names ("Black Sea", "Crimean Peninsula"). */
static const char *const placew_words[] = {
    "airport",  "avenue",      "basin",     "bay",     "bridge",    "canal",
    "city",     "coast",       "county",    "desert",  "district",  "emirates",
    "gulf",     "harbor",      "harbour",   "heights", "highlands", "hills",
    "island",   "islands",     "isles",     "kingdom", "krai",      "lake",
    "mountain", "mountains",   "oblast",    "ocean",   "peninsula", "plain",
    "plains",   "plateau",     "province",  "raion",   "region",    "republic",
    "river",    "road",        "sea",       "square",  "states",    "strait",
    "street",   "territories", "territory", "valley",  "village"};

/* First words of place names ("Lake Geneva", "Mount Everest"). */
static const char *const placefirst_words[] = {"cape", "fort", "lake", "mount",
                                               "port"};

/* Lower-case nouns after an organisation's name ("the AFP news agency"). */
static const char *const orgnext_words[] = {
    "agency",       "alliance", "bank",      "bloc",
    "broadcaster",  "channel",  "company",   "firm",
    "group",        "network",  "newspaper", "organisation",
    "organization", "outlet",   "party",     "union"};

/* Lower-case nouns after a place name ("the Kherson region"). */
static const char *const placenext_words[] = {
    "border", "city", "government", "oblast", "province", "region", "regions"};

/* Lower-case nouns after a person's name ("the Obama administration"). */
static const char *const personnext_words[] = {"administration", "campaign"};

/* Adjectives and nouns of nationality, region or faith that the suffix
 * rule in is_demonym() does not catch; alone they are not entities. */
static const char *const demonym_words[] = {
    "afghan",    "afghans",   "african",    "africans",    "american",
    "americans", "arab",      "arabic",     "arabs",       "asian",
    "asians",    "baltic",    "catholic",   "catholics",   "chechen",
    "chechens",  "christian", "christians", "cuban",       "cubans",
    "czech",     "czechs",    "dutch",      "eastern",     "emirati",
    "english",   "european",  "europeans",  "french",      "greek",
    "greeks",    "iraqi",     "iraqis",     "irish",       "israeli",
    "israelis",  "jewish",    "jews",       "korean",      "koreans",
    "kurd",      "kurds",     "latin",      "mexican",     "mexicans",
    "moroccan",  "muslim",    "muslims",    "nordic",      "northern",
    "orthodox",  "pakistani", "pakistanis", "palestinian", "palestinians",
    "saudi",     "saudis",    "scots",      "shia",        "shiite",
    "slav",      "slavic",    "slavs",      "southern",    "soviet",
    "sunni",     "swiss",     "thai",       "welsh",       "western",
    "yemeni"};

/* Months, weekdays and holidays: dates, not entities. */
static const char *const date_words[] = {
    "apr",      "april",   "aug",       "august",   "christmas", "dec",
    "december", "diwali",  "easter",    "eid",      "feb",       "february",
    "fri",      "friday",  "halloween", "hanukkah", "jan",       "january",
    "jul",      "july",    "jun",       "june",     "lent",      "mar",
    "march",    "may",     "mon",       "monday",   "nov",       "november",
    "oct",      "october", "passover",  "ramadan",  "sat",       "saturday",
    "sep",      "sept",    "september", "sun",      "sunday",    "thanksgiving",
    "thu",      "thur",    "thurs",     "thursday", "tue",       "tues",
    "tuesday",  "wed",     "wednesday"};

/* Last words that make a run a date ("Boxing Day", "Christmas Eve"). */
static const char *const datelast_words[] = {"day", "eve", "year"};

/* Common all-capitals abbreviations that are not names ("TV", "CEO"). */
static const char *const stopacr_words[] = {
    "ai",  "am",  "ceo", "cfo", "coo", "cto", "diy", "eg",  "etc", "faq",
    "fyi", "gdp", "hq",  "id",  "ie",  "it",  "ok",  "pac", "pdf", "phd",
    "pm",  "pr",  "ps",  "sms", "tv",  "url", "usb", "vip"};

/* Lower-case words that may join the capitalised words of one name
 * ("Coalition of the Willing", "Ludwig van Beethoven"); never "and". */
static const char *const connector_words[] = {
    "al", "bin", "da",  "das", "de", "del", "della", "der", "di",  "dos",
    "du", "el",  "ibn", "la",  "le", "of",  "the",   "van", "von", "y"};

/* Frequent given names: a two- or three-word name starting with one is
 * a person. */
static const char *const firstname_words[] = {
    "aaron",     "adam",    "ahmed",     "alan",        "albert",   "alex",
    "alexander", "alexei",  "alexey",    "ali",         "alice",    "amy",
    "andre",     "andrea",  "andrei",    "andrew",      "andrey",   "andrii",
    "andriy",    "angela",  "ann",       "anna",        "anne",     "anthony",
    "antonio",   "barack",  "ben",       "benjamin",    "bernie",   "bill",
    "boris",     "brian",   "bruce",     "carl",        "carlos",   "catherine",
    "charles",   "chris",   "christina", "christopher", "claire",   "daniel",
    "david",     "dmitri",  "dmitry",    "donald",      "edward",   "elena",
    "elizabeth", "emily",   "emma",      "emmanuel",    "eric",     "frank",
    "friedrich", "gary",    "george",    "hans",        "helen",    "henry",
    "hillary",   "hugh",    "igor",      "ivan",        "jack",     "james",
    "jan",       "jane",    "jason",     "jean",        "jeff",     "jennifer",
    "jessica",   "jim",     "joe",       "john",        "jonathan", "jose",
    "joseph",    "juan",    "julia",     "julian",      "karen",    "kate",
    "katherine", "kevin",   "kim",       "laura",       "linda",    "lisa",
    "maria",     "mark",    "martin",    "mary",        "matthew",  "max",
    "michael",   "michel",  "mike",      "mikhail",     "mohammed", "muhammad",
    "nancy",     "natalia", "nicholas",  "nick",        "nikolai",  "olaf",
    "oleksandr", "oleksiy", "olena",     "olga",        "oliver",   "patrick",
    "paul",      "peter",   "philip",    "pierre",      "rachel",   "richard",
    "robert",    "roman",   "ron",       "ruth",        "sarah",    "scott",
    "sergei",    "sergey",  "sergiy",    "simon",       "sophie",   "stephen",
    "steve",     "steven",  "susan",     "thomas",      "tim",      "timothy",
    "tom",       "tony",    "victor",    "viktor",      "vladimir", "volodymyr",
    "walter",    "william", "yulia",     "yuri",        "yuriy"};

/* Abbreviations of countries: every other all-capitals name is taken
 * for an organisation ("NATO", "AFP"). */
static const char *const countryacr_words[] = {
    "dprk", "drc", "prc", "rok", "uae", "uk", "us", "usa", "ussr"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum {
    L_COMMON,
    L_TITLE,
    L_MODIFIER,
    L_PORTFOLIO,
    L_ROLE,
    L_SAID,
    L_PREP,
    L_ORGW,
    L_TREATYW,
    L_PLACEW,
    L_PLACEFIRST,
    L_ORGNEXT,
    L_PLACENEXT,
    L_PERSONNEXT,
    L_DEMONYM,
    L_DATE,
    L_DATELAST,
    L_STOPACR,
    L_CONNECTOR,
    L_FIRSTNAME,
    L_COUNTRYACR,
    L__COUNT
};

static const struct {
    const char *const *words;
    size_t n;
} lists[L__COUNT] = {
#define LIST(id, arr) [id] = {arr, COUNT(arr)}
    LIST(L_COMMON, common_words),
    LIST(L_TITLE, title_words),
    LIST(L_MODIFIER, modifier_words),
    LIST(L_PORTFOLIO, portfolio_words),
    LIST(L_ROLE, role_words),
    LIST(L_SAID, said_words),
    LIST(L_PREP, prep_words),
    LIST(L_ORGW, orgw_words),
    LIST(L_TREATYW, treatyw_words),
    LIST(L_PLACEW, placew_words),
    LIST(L_PLACEFIRST, placefirst_words),
    LIST(L_ORGNEXT, orgnext_words),
    LIST(L_PLACENEXT, placenext_words),
    LIST(L_PERSONNEXT, personnext_words),
    LIST(L_DEMONYM, demonym_words),
    LIST(L_DATE, date_words),
    LIST(L_DATELAST, datelast_words),
    LIST(L_STOPACR, stopacr_words),
    LIST(L_CONNECTOR, connector_words),
    LIST(L_FIRSTNAME, firstname_words),
    LIST(L_COUNTRYACR, countryacr_words),
#undef LIST
};

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int in_list(int list, const char *term)
{
    return bsearch(&term, lists[list].words, lists[list].n,
                   sizeof(const char *), str_cmp) != NULL;
}

/* The strength of a type cue: when the mentions of one name disagree, the
 * strongest wins. */
enum { R_NAME, R_PLACE, R_TREATY, R_ORG, R_PERSON };

static const ps_entity_type_t rank_type[] = {
    [R_NAME] = PS_ENT_MISC,     [R_PLACE] = PS_ENT_PLACE,
    [R_TREATY] = PS_ENT_TREATY, [R_ORG] = PS_ENT_ORG,
    [R_PERSON] = PS_ENT_PERSON,
};

static int type_rank(ps_entity_type_t t)
{
    switch (t) {
    case PS_ENT_PERSON:
        return R_PERSON;
    case PS_ENT_ORG:
        return R_ORG;
    case PS_ENT_TREATY:
        return R_TREATY;
    case PS_ENT_PLACE:
        return R_PLACE;
    default:
        return R_NAME;
    }
}

/* What the tagger knows about one word. */
enum {
    W_GAZ = 1u << 0,      /* inside a gazetteer match */
    W_HEADLINE = 1u << 1, /* on a title-case headline line */
    W_AFFIX = 1u << 2,    /* capitalised part after a lower-case prefix, as
                             in "post-Soviet": an adjective, not a name */
    W_SENT = 1u << 3,     /* opens a sentence or a line */
    W_LINE = 1u << 4,     /* opens a line */
    W_CAP = 1u << 5,      /* capitalised or all upper-case */
    W_ADJ = 1u << 6,      /* part of a compound ending in lower case, as
                             "NATO-style": it opens no run of another name */
};

/* A word is a token other than a compound whole: the parts of "U.S.-led"
 * are words, the whole is not, so every position is looked at once. */
struct word {
    const ps_token_t *tok;
    uint32_t compound; /* the compound it is a part of, from 1; 0 if none */
    uint32_t flags;    /* W_* */
};

/* An unknown-name candidate: words [w0, w1) once titles and common words
 * are stripped. */
struct cand {
    size_t w0, w1;
    int rank;
    int weak; /* a lone sentence-initial word with no cue: kept only if the
                 same name is found elsewhere */
    int the;  /* a sentence-initial "The" was stripped from it */
};

struct tmention {
    size_t offset;
    uint32_t length, pos;
    size_t ent;
};

/* An entity being built. Strings of unknown names are offsets into the
 * pool, which may move while it grows. */
struct tent {
    long def; /* gazetteer index, or -1 for an unknown name */
    int rank;
    size_t nwords;
    size_t id_off, name_off, last_off;
    size_t first;             /* offset of the mention that created it */
    size_t count, start, out; /* for building the output */
};

/* An open-addressing table of entity indices, keyed by one pool string of
 * each entity, so that finding a name again costs the same however many
 * names a text has. SIZE_MAX marks an empty slot. */
struct etab {
    size_t *slot;
    size_t cap, n;
};

/* The keys: an unknown entity's slug, or the last word of a person's. */
enum { KEY_ID, KEY_LAST };

struct ps_tagger {
    const ps_gazetteer_t *g;
    /* The text being tagged. */
    const char *text;
    size_t len, base;

    struct word *w;
    size_t nw, w_cap;
    char *key;
    size_t key_cap;
    size_t *key_end;
    size_t key_end_cap;
    const char **lower; /* terms seen in lower case, sorted */
    size_t nlower, lower_cap;
    struct cand *c;
    size_t nc, c_cap;
    struct tmention *m;
    size_t nm, m_cap;
    struct tent *e;
    size_t ne, e_cap;
    long *def_slot; /* gazetteer index -> entity, or -1 */
    struct etab by_id, by_last;
    char *pool;
    size_t pool_len, pool_cap;
    size_t *order;
    size_t order_cap;
    ps_entity_t *out;
    size_t out_cap;
    ps_mention_t *outm;
    size_t outm_cap;
};

/* Grows array field ARR of tagger T, whose capacity is ARR_cap. */
#define GROW(t, arr, need)                                                     \
    ps__grow(&(t)->arr, &(t)->arr##_cap, (need), sizeof *(t)->arr)

static const char *term(const ps_tagger_t *t, size_t i)
{
    return t->w[i].tok->term;
}

static int term_is(const ps_tagger_t *t, size_t i, const char *s)
{
    return strcmp(t->w[i].tok->term, s) == 0;
}

static int word_in(const ps_tagger_t *t, size_t i, int list)
{
    return in_list(list, t->w[i].tok->term);
}

static int is_cap(const ps_tagger_t *t, size_t i)
{
    return (t->w[i].flags & W_CAP) != 0;
}

ps_status_t ps_tagger_new(const ps_gazetteer_t *g, ps_tagger_t **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    /* A list out of order would make bsearch miss words silently; every
     * test creates a tagger, so a slip in editing shows at once. */
    for (int l = 0; l < L__COUNT; l++)
        for (size_t i = 1; i < lists[l].n; i++)
            if (strcmp(lists[l].words[i - 1], lists[l].words[i]) >= 0)
                return PS_EINTERNAL;
    ps_tagger_t *t = calloc(1, sizeof *t);
    if (!t)
        return PS_ENOMEM;
    t->g = g;
    size_t ndefs = ps_gazetteer_count(g);
    if (ndefs > 0) {
        t->def_slot = malloc(ndefs * sizeof *t->def_slot);
        if (!t->def_slot) {
            free(t);
            return PS_ENOMEM;
        }
        for (size_t i = 0; i < ndefs; i++)
            t->def_slot[i] = -1;
    }
    *out = t;
    return PS_OK;
}

void ps_tagger_free(ps_tagger_t *t)
{
    if (!t)
        return;
    free(t->w);
    free(t->key);
    free(t->key_end);
    free(t->lower);
    free(t->c);
    free(t->m);
    free(t->e);
    free(t->def_slot);
    free(t->by_id.slot);
    free(t->by_last.slot);
    free(t->pool);
    free(t->order);
    free(t->out);
    free(t->outm);
    free(t);
}

/* Appends N bytes and a NUL to the pool; returns their offset, or
 * SIZE_MAX when memory runs out. */
static size_t pool_add(ps_tagger_t *t, const char *s, size_t n)
{
    if (n > SIZE_MAX - t->pool_len - 1 ||
        GROW(t, pool, t->pool_len + n + 1) < 0)
        return SIZE_MAX;
    size_t off = t->pool_len;
    memcpy(t->pool + off, s, n);
    t->pool[off + n] = '\0';
    t->pool_len += n + 1;
    return off;
}

/* Collects the words, checking that every token lies inside the text. */
static ps_status_t collect_words(ps_tagger_t *t, const ps_token_t *tokens,
                                 size_t ntokens)
{
    if (GROW(t, w, ntokens) < 0)
        return PS_ENOMEM;
    uint32_t compound = 0, carry = 0;
    int first_part = 0, first_cap = 0;
    for (size_t i = 0; i < ntokens; i++) {
        const ps_token_t *tok = &tokens[i];
        if (tok->offset < t->base || tok->offset - t->base > t->len ||
            tok->length > t->len - (tok->offset - t->base) || !tok->term)
            return PS_EINVAL;
        if (tok->flags & PS_TOK_COMPOUND) {
            compound++;
            first_part = 1;
            /* The whole opens the sentence or line, which its first part
             * must then do too. */
            carry = tok->flags & (PS_TOK_SENT_START | PS_TOK_LINE_START);
            continue;
        }
        struct word *w = &t->w[t->nw++];
        uint32_t f = tok->flags;
        w->tok = tok;
        w->compound = 0;
        w->flags = 0;
        if ((f & PS_TOK_PART) && compound > 0) {
            w->compound = compound;
            if (first_part) {
                f |= carry;
                /* "post-Soviet" is an adjective, but "al-Assad" a name. */
                first_cap = (f & (PS_TOK_CAP | PS_TOK_UPPER | PS_TOK_NUMBER)) ||
                            in_list(L_CONNECTOR, tok->term);
                first_part = 0;
            } else if (!first_cap) {
                w->flags |= W_AFFIX;
            }
        } else {
            first_part = 0;
        }
        if (f & (PS_TOK_SENT_START | PS_TOK_LINE_START))
            w->flags |= W_SENT;
        if (f & PS_TOK_LINE_START)
            w->flags |= W_LINE;
        if (f & (PS_TOK_CAP | PS_TOK_UPPER))
            w->flags |= W_CAP;
        if (t->nw == 1)
            w->flags |= W_SENT | W_LINE;
    }
    /* Mark the parts of compounds that end in a lower-case word. */
    size_t i = 0;
    while (i < t->nw) {
        size_t j = i + 1;
        if (t->w[i].compound)
            while (j < t->nw && t->w[j].compound == t->w[i].compound)
                j++;
        const ps_token_t *last = t->w[j - 1].tok;
        if (t->w[i].compound && j - i > 1 &&
            !(last->flags & (PS_TOK_CAP | PS_TOK_UPPER | PS_TOK_NUMBER)))
            for (size_t k = i; k < j; k++)
                t->w[k].flags |= W_ADJ;
        i = j;
    }
    return PS_OK;
}

/* Headlines are short: a longer line is prose. */
#define HEADLINE_MAX_WORDS 20

/* Whether the line whose last word is I ends with a full stop, as prose
 * does and headlines do not. */
static int ends_with_stop(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    for (size_t k = tok->offset - t->base + tok->length; k < t->len; k++) {
        if (t->text[k] == '\n')
            break;
        if (t->text[k] == '.')
            return 1;
    }
    return 0;
}

/* Marks title-case headline lines ("Remaining Uncertainties and
 * Challenges"): short lines, with no full stop at the end, where most
 * words of four letters or more are capitalised. There capitals say
 * nothing about names, so only the gazetteer is trusted. */
static void mark_headlines(ps_tagger_t *t)
{
    size_t a = 0;
    while (a < t->nw) {
        size_t b = a + 1;
        while (b < t->nw && !(t->w[b].flags & W_LINE))
            b++;
        if (b - a > HEADLINE_MAX_WORDS || ends_with_stop(t, b - 1)) {
            a = b;
            continue;
        }
        size_t total = 0, caps = 0;
        for (size_t i = a; i < b; i++) {
            const ps_token_t *tok = t->w[i].tok;
            if (tok->term_len < 4 || (tok->flags & PS_TOK_NUMBER))
                continue;
            total++;
            caps += is_cap(t, i);
        }
        if (total > 0 && caps * 4 >= total * 3)
            for (size_t i = a; i < b; i++)
                t->w[i].flags |= W_HEADLINE;
        a = b;
    }
}

/* Sorts the terms of the lower-case words, so that a capitalised word can
 * be looked up: "Specific" opening a sentence is the word "specific". */
static ps_status_t collect_lower(ps_tagger_t *t)
{
    if (GROW(t, lower, t->nw) < 0)
        return PS_ENOMEM;
    for (size_t i = 0; i < t->nw; i++)
        if (!is_cap(t, i) && !(t->w[i].tok->flags & PS_TOK_NUMBER))
            t->lower[t->nlower++] = t->w[i].tok->term;
    if (t->nlower > 0)
        qsort(t->lower, t->nlower, sizeof *t->lower, str_cmp);
    return PS_OK;
}

static int in_lower(const ps_tagger_t *t, size_t i)
{
    const char *s = term(t, i);
    return t->nlower &&
           bsearch(&s, t->lower, t->nlower, sizeof *t->lower, str_cmp);
}

static ps_status_t add_mention(ps_tagger_t *t, size_t ent, size_t w0, size_t w1)
{
    if (GROW(t, m, t->nm + 1) < 0)
        return PS_ENOMEM;
    const ps_token_t *a = t->w[w0].tok, *b = t->w[w1 - 1].tok;
    struct tmention *m = &t->m[t->nm++];
    m->offset = a->offset;
    m->length = (uint32_t)(b->offset + b->length - a->offset);
    m->pos = a->pos;
    m->ent = ent;
    return PS_OK;
}

static struct tent *new_entity(ps_tagger_t *t, size_t *idx)
{
    if (GROW(t, e, t->ne + 1) < 0)
        return NULL;
    *idx = t->ne;
    struct tent *e = &t->e[t->ne++];
    memset(e, 0, sizeof *e);
    e->def = -1;
    e->last_off = SIZE_MAX;
    return e;
}

/* Whether words [I, I+N) meet the alias's case constraints. */
static int case_ok(const ps_tagger_t *t, size_t i, uint32_t n, uint64_t up,
                   uint64_t cap)
{
    for (uint32_t k = 0; k < n && k < 64; k++) {
        uint32_t f = t->w[i + k].tok->flags;
        if (((up >> k) & 1) && !(f & PS_TOK_UPPER))
            return 0;
        if (((cap >> k) & 1) && !(f & (PS_TOK_CAP | PS_TOK_UPPER)))
            return 0;
    }
    return 1;
}

/* Finds the gazetteer's names, longest alias first at every word. */
static ps_status_t match_gazetteer(ps_tagger_t *t)
{
    uint32_t maxw = ps__gazetteer_max_words(t->g);
    if (maxw == 0)
        return PS_OK;
    if (GROW(t, key_end, maxw) < 0)
        return PS_ENOMEM;
    size_t i = 0;
    while (i < t->nw) {
        size_t len = 0;
        uint32_t built = 0;
        for (uint32_t k = 0; k < maxw && i + k < t->nw; k++) {
            const struct word *w = &t->w[i + k];
            /* A name never runs over a line break. */
            if (k > 0 && (w->flags & W_LINE))
                break;
            size_t need = len + 1 + w->tok->term_len + 1;
            if (GROW(t, key, need) < 0)
                return PS_ENOMEM;
            if (k > 0)
                t->key[len++] = ' ';
            memcpy(t->key + len, w->tok->term, w->tok->term_len);
            len += w->tok->term_len;
            t->key_end[k] = len;
            built = k + 1;
        }
        uint32_t n = 0, ent = 0;
        for (uint32_t k = built; k > 0 && n == 0; k--) {
            uint32_t e, nwords;
            uint64_t up, cap;
            if (ps__gazetteer_lookup(t->g, t->key, t->key_end[k - 1], &e,
                                     &nwords, &up, &cap) &&
                nwords == k && case_ok(t, i, k, up, cap)) {
                n = k;
                ent = e;
            }
        }
        if (n == 0) {
            i++;
            continue;
        }
        for (uint32_t k = 0; k < n; k++)
            t->w[i + k].flags |= W_GAZ;
        long slot = t->def_slot[ent];
        if (slot < 0) {
            size_t idx;
            struct tent *e = new_entity(t, &idx);
            if (!e)
                return PS_ENOMEM;
            e->def = (long)ent;
            e->rank = type_rank(ps_gazetteer_get(t->g, ent)->type);
            e->first = t->w[i].tok->offset;
            t->def_slot[ent] = slot = (long)idx;
        }
        ps_status_t st = add_mention(t, (size_t)slot, i, i + n);
        if (st != PS_OK)
            return st;
        i += n;
    }
    return PS_OK;
}

/* How two neighbouring words are joined. */
enum { GAP_SPACE, GAP_HYPHEN, GAP_COMMA, GAP_OTHER };

/* Whether a '.' right after word I is an abbreviation's ("Mr. Smith",
 * "Donald J. Trump") rather than the end of a sentence. */
static int abbrev_dot(const ps_tagger_t *t, size_t i)
{
    static const char *const abbrevs[] = {
        "capt", "col", "dr",   "gen", "gov", "jr",  "lt", "mr",
        "mrs",  "ms",  "prof", "rep", "sen", "sgt", "sr", "st",
    };
    const ps_token_t *tok = t->w[i].tok;
    if (tok->flags & PS_TOK_ACRONYM)
        return 0;
    if (tok->term_len == 1 && (tok->flags & PS_TOK_CAP))
        return 1;
    const char *s = tok->term;
    return bsearch(&s, abbrevs, COUNT(abbrevs), sizeof *abbrevs, str_cmp) !=
           NULL;
}

static int gap_kind(const ps_tagger_t *t, size_t i, size_t j)
{
    const ps_token_t *a = t->w[i].tok, *b = t->w[j].tok;
    size_t from = a->offset - t->base + a->length;
    size_t to = b->offset - t->base;
    if (to <= from)
        return GAP_OTHER;
    const unsigned char *p = (const unsigned char *)t->text;
    int spaces = 0, commas = 0, hyphens = 0;
    size_t k = from;
    while (k < to) {
        unsigned c = p[k];
        if (c == ' ' || c == '\t') {
            spaces++;
            k++;
        } else if (c == 0xC2 && k + 1 < to && p[k + 1] == 0xA0) {
            spaces++;
            k += 2;
        } else if (c == ',') {
            commas++;
            k++;
        } else if (c == '-') {
            hyphens++;
            k++;
        } else if (c == 0xE2 && k + 2 < to && p[k + 1] == 0x80 &&
                   (p[k + 2] == 0x90 || p[k + 2] == 0x91)) {
            hyphens++;
            k += 3;
        } else if (c == '.' && k == from && abbrev_dot(t, i)) {
            k++;
        } else {
            return GAP_OTHER;
        }
    }
    if (hyphens)
        return hyphens == 1 && !spaces && !commas ? GAP_HYPHEN : GAP_OTHER;
    if (commas)
        return commas == 1 ? GAP_COMMA : GAP_OTHER;
    return spaces ? GAP_SPACE : GAP_OTHER;
}

/* Whether word I may start or continue an unknown name. */
static int name_word(const ps_tagger_t *t, size_t i)
{
    const struct word *w = &t->w[i];
    return (w->flags & W_CAP) && !(w->flags & (W_GAZ | W_HEADLINE | W_AFFIX)) &&
           !(w->tok->flags & PS_TOK_NUMBER);
}

static int is_cue_last(const ps_tagger_t *t, size_t i)
{
    return word_in(t, i, L_ORGW) || word_in(t, i, L_TREATYW);
}

/* Whether lower-case word K, reached through gap G, may join the name
 * whose last capitalised word is LAST. */
static int connector(const ps_tagger_t *t, size_t k, size_t last, int g)
{
    const struct word *w = &t->w[k];
    if (w->flags & (W_GAZ | W_CAP) || (w->tok->flags & PS_TOK_NUMBER))
        return 0;
    /* Short lower-case parts inside one compound ("Mar-a-Lago",
     * "Stratford-upon-Avon") are part of the name. */
    if (g == GAP_HYPHEN)
        return w->tok->term_len <= 4;
    if (word_in(t, k, L_CONNECTOR))
        return 1;
    /* "Institute for ...", "Council on ..." but not "News on Monday". */
    return k == last + 1 && (term_is(t, k, "for") || term_is(t, k, "on")) &&
           is_cue_last(t, last) && k + 1 < t->nw && name_word(t, k + 1) &&
           !word_in(t, k + 1, L_DATE);
}

static int is_demonym(const ps_tagger_t *t, size_t i);

static int is_upper(const ps_tagger_t *t, size_t i)
{
    return (t->w[i].tok->flags & PS_TOK_UPPER) != 0;
}

/* The end of the run of name words that starts at I. */
static size_t run_end(const ps_tagger_t *t, size_t i)
{
    size_t end = i + 1, k = i + 1;
    while (k < t->nw) {
        int g = gap_kind(t, k - 1, k);
        int same =
            t->w[k].compound != 0 && t->w[k].compound == t->w[k - 1].compound;
        int joined = g == GAP_SPACE || (g == GAP_HYPHEN && same);
        if (!joined)
            break;
        /* "Ukraine NATO-style guarantees": two names. */
        if ((t->w[k].flags & W_ADJ) && !same)
            break;
        /* A possessive ends a name ("Trump's special envoy"), unless an
         * institution follows ("King's College", "People's Republic"). */
        if ((t->w[k - 1].tok->flags & PS_TOK_POSSESSIVE) &&
            !(g == GAP_SPACE && name_word(t, k) &&
              (word_in(t, k, L_ORGW) || word_in(t, k, L_PLACEW))))
            break;
        if (name_word(t, k)) {
            /* "U.S.-Russian talks", "EU-Ukraine summit": two names. */
            if (g == GAP_HYPHEN && is_cap(t, k - 1) &&
                (is_upper(t, k - 1) || is_upper(t, k) || is_demonym(t, k - 1) ||
                 is_demonym(t, k)))
                break;
            end = ++k;
            continue;
        }
        if (!connector(t, k, end - 1, g))
            break;
        k++;
    }
    /* A number may end a name: "Article 5", "Resolution 2231", but not a
     * date ("December 28"). */
    if (end < t->nw && (t->w[end].tok->flags & PS_TOK_NUMBER) &&
        !(t->w[end].flags & W_ADJ) && gap_kind(t, end - 1, end) == GAP_SPACE &&
        !(t->w[end - 1].tok->flags & PS_TOK_POSSESSIVE) &&
        !word_in(t, end - 1, L_DATE))
        end++;
    return end;
}

/* Demonyms by suffix ("Ukrainian", "Europeans", "Chinese", "Polish") or
 * from the list. */
static int is_demonym(const ps_tagger_t *t, size_t i)
{
    if (word_in(t, i, L_DEMONYM))
        return 1;
    const char *s = term(t, i);
    size_t n = t->w[i].tok->term_len;
    if (n > 1 && s[n - 1] == 's')
        n--;
    static const char *const suffixes[] = {"ian", "ean", "ese", "ish"};
    for (size_t k = 0; k < COUNT(suffixes); k++)
        if (n >= 6 && memcmp(s + n - 3, suffixes[k], 3) == 0)
            return 1;
    return 0;
}

/* The end of the titles that open words [S, E) ("Russian Deputy Foreign
 * Minister", "Secretary of State"), or S when there are none. Demonyms and
 * modifiers count only when a title follows them. */
static size_t title_end(const ps_tagger_t *t, size_t s, size_t e)
{
    size_t k = s, last = s;
    while (k < e) {
        const ps_token_t *tok = t->w[k].tok;
        if (!is_cap(t, k) && !term_is(t, k, "of"))
            break;
        if (word_in(t, k, L_TITLE) && !(tok->flags & PS_TOK_POSSESSIVE)) {
            last = ++k;
            continue;
        }
        if (word_in(t, k, L_MODIFIER) || is_demonym(t, k)) {
            k++;
            continue;
        }
        if (term_is(t, k, "of") && last == k && last > s) {
            size_t j = k + 1;
            if (j < e && term_is(t, j, "the"))
                j++;
            size_t p = j;
            while (p < e && is_cap(t, p) && word_in(t, p, L_PORTFOLIO))
                p++;
            if (p == j)
                break;
            k = last = p;
            continue;
        }
        break;
    }
    return last;
}

/* The type that the words of a name give it: "... Centre" is an
 * organisation, "Bank of ..." too, "... Memorandum" a treaty. */
static int internal_rank(const ps_tagger_t *t, size_t s, size_t e)
{
    /* An acronym names an organisation, unless it is a country's. */
    if (e - s == 1 && is_upper(t, s))
        return word_in(t, s, L_COUNTRYACR) ? R_PLACE : R_ORG;
    if (e - s < 2)
        return R_NAME;
    size_t k = e - 1;
    if (t->w[k].tok->flags & PS_TOK_NUMBER)
        k--;
    for (size_t i = s + 1; i + 1 < e; i++) {
        if (term_is(t, i, "of") && !is_cap(t, i)) {
            if (word_in(t, i - 1, L_ORGW) || word_in(t, i - 1, L_TREATYW) ||
                word_in(t, i - 1, L_PLACEW))
                k = i - 1;
            break;
        }
    }
    /* "Imperial College London": an institution and its town. */
    if (word_in(t, k, L_ORGW) ||
        (e - s >= 3 && k == e - 1 && word_in(t, k - 1, L_ORGW)))
        return R_ORG;
    if (word_in(t, k, L_TREATYW))
        return R_TREATY;
    if (word_in(t, k, L_PLACEW) || word_in(t, s, L_PLACEFIRST))
        return R_PLACE;
    return R_NAME;
}

static int max_rank(int a, int b)
{
    return a > b ? a : b;
}

/* Whether the words after a comma at Q describe a person: "John Smith, a
 * former adviser", "Mark Rutte, the secretary-general of NATO". */
static int appositive(const ps_tagger_t *t, size_t q)
{
    static const char *const openers[] = {"a", "an", "his", "her", "the"};
    const char *s = term(t, q);
    if (!bsearch(&s, openers, COUNT(openers), sizeof *openers, str_cmp) &&
        !word_in(t, q, L_MODIFIER) && !word_in(t, q, L_ROLE) &&
        !word_in(t, q, L_TITLE))
        return 0;
    for (size_t k = q; k < t->nw && k < q + 6; k++) {
        if (k > q) {
            int g = gap_kind(t, k - 1, k);
            if (g != GAP_SPACE && g != GAP_HYPHEN)
                return 0;
        }
        if (word_in(t, k, L_ROLE) || word_in(t, k, L_TITLE))
            return 1;
    }
    return 0;
}

/* The type that the words around name [S, E) give it. */
static int context_rank(const ps_tagger_t *t, size_t s, size_t e)
{
    int r = R_NAME;
    size_t n = e - s;
    int person_shaped = n >= 2 && n <= 3;
    if (s > 0) {
        size_t p = s - 1;
        int g = gap_kind(t, p, s);
        if ((g == GAP_SPACE || g == GAP_COMMA) && !is_cap(t, p) &&
            (word_in(t, p, L_TITLE) || word_in(t, p, L_ROLE)))
            r = R_PERSON;
        /* "son-in-law Jared Kushner". */
        if (g == GAP_SPACE && term_is(t, p, "law") && p > 0 &&
            t->w[p].compound && term_is(t, p - 1, "in"))
            r = R_PERSON;
        if (g == GAP_SPACE && person_shaped &&
            (term_is(t, p, "said") || term_is(t, p, "says")))
            r = R_PERSON;
        /* "according to X" names a source, not a destination. */
        if (g == GAP_SPACE && !is_cap(t, p) && word_in(t, p, L_PREP) &&
            !(term_is(t, p, "to") && p > 0 && term_is(t, p - 1, "according")))
            r = max_rank(r, R_PLACE);
    }
    if (e < t->nw) {
        size_t q = e;
        int g = gap_kind(t, e - 1, q);
        if (g == GAP_SPACE && !is_cap(t, q)) {
            if (person_shaped && word_in(t, q, L_SAID))
                r = R_PERSON;
            if (word_in(t, q, L_PERSONNEXT))
                r = R_PERSON;
            if (word_in(t, q, L_ORGNEXT) ||
                (q + 1 < t->nw && gap_kind(t, q, q + 1) == GAP_SPACE &&
                 !is_cap(t, q + 1) && word_in(t, q + 1, L_ORGNEXT)))
                r = max_rank(r, R_ORG);
            if (word_in(t, q, L_PLACENEXT))
                r = max_rank(r, R_PLACE);
        }
        if (g == GAP_COMMA && appositive(t, q))
            r = R_PERSON;
    }
    if (person_shaped && word_in(t, s, L_FIRSTNAME))
        r = R_PERSON;
    return r;
}

/* Whether a single word is no name by itself. */
static int drop_single(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    if (tok->term_len == 1)
        return 1; /* "I", "A", initials */
    if (tok->flags & PS_TOK_UPPER)
        return word_in(t, i, L_STOPACR);
    return word_in(t, i, L_DATE) || is_demonym(t, i) ||
           word_in(t, i, L_TITLE) || word_in(t, i, L_MODIFIER) ||
           word_in(t, i, L_COMMON);
}

/* Whether words [S, E) are a date or a holiday ("Boxing Day"). */
static int is_date(const ps_tagger_t *t, size_t s, size_t e)
{
    if (e - s >= 2 && word_in(t, e - 1, L_DATELAST))
        return 1;
    for (size_t i = s; i < e; i++)
        if (!word_in(t, i, L_DATE))
            return 0;
    return 1;
}

/* Whether a one-word name ends like a place name: "Estonia",
 * "Kazakhstan", "Finland", "Mariupol", "Minsk", "Palestine", "Korea". Any
 * other cue overrides this one. */
static int place_suffix(const ps_tagger_t *t, size_t i)
{
    static const char *const suffixes[] = {
        "burg", "burgh", "ea", "grad", "ia", "ine", "land", "pol", "sk", "stan",
    };
    const char *s = term(t, i);
    size_t n = t->w[i].tok->term_len;
    if (n < 5 || is_upper(t, i))
        return 0;
    for (size_t k = 0; k < COUNT(suffixes); k++) {
        size_t l = strlen(suffixes[k]);
        if (memcmp(s + n - l, suffixes[k], l) == 0)
            return 1;
    }
    return 0;
}

static int common_opener(const ps_tagger_t *t, size_t i)
{
    return !(t->w[i].tok->flags & PS_TOK_UPPER) && word_in(t, i, L_COMMON);
}

/* Turns the run [S, E) into a candidate, or into nothing. SPLIT allows
 * cutting the run at a title inside it. */
static ps_status_t take_run(ps_tagger_t *t, size_t s, size_t e, int split)
{
    size_t first = s, orig = e - s;
    int sent = (t->w[s].flags & W_SENT) != 0, the = 0, lead_the = 0;

    /* Capitalised function words open sentences and titles of works;
     * they are not part of the name. Inside a sentence "The" belongs to
     * the name ("The Independent", "The Hague"); any other shows a title
     * of a work ("The A Word"), which is no entity. */
    while (s < e && (common_opener(t, s) || !is_cap(t, s))) {
        int initial = s == first && sent;
        if (is_cap(t, s) && !initial && term_is(t, s, "the")) {
            if (s + 1 == e || !is_cap(t, s + 1) || common_opener(t, s + 1))
                return PS_OK;
            lead_the = 1;
            break;
        }
        if (is_cap(t, s) && !initial)
            return PS_OK;
        the |= initial && term_is(t, s, "the");
        s++;
    }
    if (s == e)
        return PS_OK;
    /* A sentence-initial word that the text also uses in lower case is
     * that word ("Specific measures", "Meanwhile"), unless the run ends
     * like an institution's name. */
    if ((t->w[s].flags & W_SENT) && in_lower(t, s)) {
        if (e - s == 1)
            return PS_OK;
        if (!is_cue_last(t, e - 1))
            s++;
        while (s < e && !is_cap(t, s))
            s++;
    }

    int titled = 0;
    size_t te = lead_the ? s : title_end(t, s, e);
    if (te > s) {
        if (te == e)
            return PS_OK; /* a bare title: "Deputy Foreign Minister" */
        /* "General Assembly" is a name, not a title and a person. */
        if (is_cap(t, te) && internal_rank(t, te, e) == R_NAME) {
            s = te;
            titled = 1;
        }
    } else if ((t->w[s].flags & W_SENT) && e - s > 1 &&
               word_in(t, s, L_MODIFIER)) {
        /* "Top EU diplomat": a modifier opening a sentence. */
        s++;
    } else if (split && !lead_the) {
        /* A title inside the run closes one name and opens the next:
         * "Bank of England Governor Andrew Bailey". */
        for (size_t p = s + 1; p < e; p++) {
            if (!is_cap(t, p) || !word_in(t, p, L_TITLE))
                continue;
            size_t q = p;
            while (q > s + 1 && is_cap(t, q - 1) &&
                   (word_in(t, q - 1, L_MODIFIER) || is_demonym(t, q - 1)))
                q--;
            size_t pe = title_end(t, q, e);
            if (pe > q && pe < e && is_cap(t, pe) &&
                internal_rank(t, pe, e) == R_NAME) {
                ps_status_t st = take_run(t, s, q, 0);
                if (st == PS_OK)
                    st = take_run(t, q, e, 0);
                return st;
            }
        }
    }

    size_t n = e - s;
    if (n == 1 && drop_single(t, s))
        return PS_OK;
    if (is_date(t, s, e))
        return PS_OK;

    /* The words of the name outrank its context; "The" inside a sentence
     * shows a publication or an institution ("The Independent"). */
    int rank = internal_rank(t, s, e);
    if (rank == R_NAME && lead_the)
        rank = R_ORG;
    if (rank == R_NAME)
        rank = titled ? R_PERSON : context_rank(t, s, e);
    if (rank == R_NAME && n == 1 && place_suffix(t, s))
        rank = R_PLACE;
    /* A person's name has no "of": "Minister Anatol Vrabie of Moldova" is
     * a person and a place. */
    if (rank == R_PERSON && split) {
        for (size_t i = s + 1; i + 1 < e; i++) {
            if (term_is(t, i, "of") && !is_cap(t, i)) {
                ps_status_t st = take_run(t, first, i, 0);
                if (st == PS_OK)
                    st = take_run(t, i + 1, e, 0);
                return st;
            }
        }
    }

    if (GROW(t, c, t->nc + 1) < 0)
        return PS_ENOMEM;
    struct cand *c = &t->c[t->nc++];
    c->w0 = s;
    c->w1 = e;
    c->rank = rank;
    c->weak = orig == 1 && sent && rank == R_NAME;
    c->the = the;
    return PS_OK;
}

static ps_status_t find_runs(ps_tagger_t *t)
{
    size_t i = 0;
    while (i < t->nw) {
        if (!name_word(t, i)) {
            i++;
            continue;
        }
        size_t e = run_end(t, i);
        ps_status_t st = take_run(t, i, e, 1);
        if (st != PS_OK)
            return st;
        i = e;
    }
    return PS_OK;
}

/* Appends the slug of words [S, E) to the pool: their terms joined by '-',
 * as ps_entity_slug() makes it from the name's text; with THE, after
 * "the-". */
static size_t pool_slug(ps_tagger_t *t, size_t s, size_t e, int the)
{
    size_t off = SIZE_MAX;
    if (the && (off = pool_add(t, "the", 3)) == SIZE_MAX)
        return SIZE_MAX;
    for (size_t i = s; i < e; i++) {
        const ps_token_t *tok = t->w[i].tok;
        size_t at = pool_add(t, tok->term, tok->term_len);
        if (at == SIZE_MAX)
            return SIZE_MAX;
        /* The previous term's NUL becomes the separator. */
        if (off == SIZE_MAX)
            off = at;
        else
            t->pool[at - 1] = '-';
    }
    return off;
}

/* The surface of words [S, E) without a final possessive: the name as
 * written. */
static size_t pool_surface(ps_tagger_t *t, size_t s, size_t e)
{
    const ps_token_t *a = t->w[s].tok, *b = t->w[e - 1].tok;
    const char *p = t->text + (a->offset - t->base);
    size_t n = b->offset + b->length - a->offset;
    if (b->flags & PS_TOK_POSSESSIVE) {
        static const char *const apos[] = {"'", "\xe2\x80\x99", "\xca\xbc",
                                           "\xe2\x80\x98"};
        if (n > 0 && (p[n - 1] == 's' || p[n - 1] == 'S'))
            n--;
        for (size_t k = 0; k < COUNT(apos); k++) {
            size_t al = strlen(apos[k]);
            if (n >= al && memcmp(p + n - al, apos[k], al) == 0) {
                n -= al;
                break;
            }
        }
    }
    return pool_add(t, p, n);
}

static const char *ent_key(const ps_tagger_t *t, size_t ent, int which)
{
    const struct tent *e = &t->e[ent];
    return t->pool + (which == KEY_ID ? e->id_off : e->last_off);
}

static size_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

/* The slot that holds KEY, or the empty slot where it would go. */
static size_t etab_slot(const ps_tagger_t *t, const struct etab *h, int which,
                        const char *key)
{
    size_t mask = h->cap - 1, i = hash_str(key) & mask;
    while (h->slot[i] != SIZE_MAX &&
           strcmp(ent_key(t, h->slot[i], which), key) != 0)
        i = (i + 1) & mask;
    return i;
}

static long etab_find(const ps_tagger_t *t, const struct etab *h, int which,
                      const char *key)
{
    if (h->n == 0)
        return -1;
    size_t ent = h->slot[etab_slot(t, h, which, key)];
    return ent == SIZE_MAX ? -1 : (long)ent;
}

/* Maps the key of entity ENT to ENT, in place of any entity with the
 * same key. Returns 0, or -1 when memory runs out. */
static int etab_put(ps_tagger_t *t, struct etab *h, int which, size_t ent)
{
    if ((h->n + 1) * 2 > h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64, ocap = h->cap;
        if (cap > SIZE_MAX / 2 / sizeof *h->slot)
            return -1;
        size_t *old = h->slot, *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return -1;
        memset(slot, 0xff, cap * sizeof *slot);
        h->slot = slot;
        h->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i] != SIZE_MAX)
                h->slot[etab_slot(t, h, which, ent_key(t, old[i], which))] =
                    old[i];
        free(old);
    }
    size_t i = etab_slot(t, h, which, ent_key(t, ent, which));
    if (h->slot[i] == SIZE_MAX)
        h->n++;
    h->slot[i] = ent;
    return 0;
}

static void etab_clear(struct etab *h)
{
    if (h->n > 0)
        memset(h->slot, 0xff, h->cap * sizeof *h->slot);
    h->n = 0;
}

/* Registers an unknown entity of two words or more that has become a
 * person, so that its last name alone finds it from then on. */
static ps_status_t note_person(ps_tagger_t *t, size_t idx)
{
    const struct tent *e = &t->e[idx];
    if (e->def >= 0 || e->nwords < 2 || e->rank != R_PERSON)
        return PS_OK;
    return etab_put(t, &t->by_last, KEY_LAST, idx) < 0 ? PS_ENOMEM : PS_OK;
}

/* The unknown person whose last name is the one word of candidate C, if
 * that person was named before C. */
static long surname_of(const ps_tagger_t *t, const struct cand *c)
{
    if (c->w1 - c->w0 != 1)
        return -1;
    long i = etab_find(t, &t->by_last, KEY_LAST, term(t, c->w0));
    if (i >= 0 && t->e[i].first < t->w[c->w0].tok->offset)
        return i;
    return -1;
}

/* Assigns candidate C to an entity, creating one unless C is weak. A
 * candidate that lost a sentence-initial "The" first looks for the name
 * with it: "The Independent is trusted" after "... The Independent". */
static ps_status_t resolve(ps_tagger_t *t, const struct cand *c)
{
    long idx = surname_of(t, c);
    size_t mark = t->pool_len;
    if (idx < 0) {
        size_t id = pool_slug(t, c->w0, c->w1, c->the);
        if (id == SIZE_MAX)
            return PS_ENOMEM;
        if (c->the) {
            idx = etab_find(t, &t->by_id, KEY_ID, t->pool + id);
            id += 4; /* past "the-" */
        }
        if (idx < 0)
            idx = etab_find(t, &t->by_id, KEY_ID, t->pool + id);
        if (idx < 0 && !c->weak) {
            size_t slot;
            struct tent *e = new_entity(t, &slot);
            if (!e)
                return PS_ENOMEM;
            e->id_off = id;
            e->name_off = pool_surface(t, c->w0, c->w1);
            e->nwords = c->w1 - c->w0;
            e->first = t->w[c->w0].tok->offset;
            e->rank = c->rank;
            if (e->nwords >= 2) {
                const ps_token_t *last = t->w[c->w1 - 1].tok;
                e->last_off = pool_add(t, last->term, last->term_len);
            }
            if (e->name_off == SIZE_MAX ||
                (e->nwords >= 2 && e->last_off == SIZE_MAX) ||
                etab_put(t, &t->by_id, KEY_ID, slot) < 0 ||
                note_person(t, slot) != PS_OK)
                return PS_ENOMEM;
            return add_mention(t, slot, c->w0, c->w1);
        }
        /* The slug was only needed for the comparison. */
        t->pool_len = mark;
    }
    if (idx < 0)
        return PS_OK;
    struct tent *e = &t->e[idx];
    int was = e->rank;
    e->rank = max_rank(e->rank, c->rank);
    if (e->rank != was && note_person(t, (size_t)idx) != PS_OK)
        return PS_ENOMEM;
    return add_mention(t, (size_t)idx, c->w0, c->w1);
}

static int mention_cmp(const void *pa, const void *pb)
{
    const struct tmention *a = pa, *b = pb;
    return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* Skips spaces, commas and quotation marks from P; counts the commas. */
static const char *skip_list_punct(const char *p, const char *end, int *commas)
{
    static const char *const quotes[] = {"\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d"};
    while (p < end) {
        if (*p == ' ' || *p == '"' || *p == '\'') {
            p++;
            continue;
        }
        if (*p == ',') {
            (*commas)++;
            p++;
            continue;
        }
        size_t k = 0;
        while (k < COUNT(quotes) &&
               ((size_t)(end - p) < 3 || memcmp(p, quotes[k], 3) != 0))
            k++;
        if (k == COUNT(quotes))
            break;
        p += 3;
    }
    return p;
}

/* Whether the text between mentions A and B only lists them: ", ",
 * " and ", ", or ", with quotation marks allowed around the names. */
static int listed(const ps_tagger_t *t, const struct tmention *a,
                  const struct tmention *b)
{
    size_t from = a->offset + a->length - t->base, to = b->offset - t->base;
    if (to <= from || to - from > 16)
        return 0;
    const char *p = t->text + from, *end = t->text + to;
    int commas = 0, words = 0;
    p = skip_list_punct(p, end, &commas);
    if (end - p >= 4 && (memcmp(p, "and ", 4) == 0)) {
        p += 4;
        words++;
    } else if (end - p >= 3 && memcmp(p, "or ", 3) == 0) {
        p += 3;
        words++;
    }
    p = skip_list_punct(p, end, &commas);
    return p == end && commas <= 1 && (commas || words);
}

/* Names listed together are mostly of one kind: "Kyiv, Washington, Moscow
 * and Brussels". When the typed members of a list are all places or all
 * people, its untyped unknown names take that type. */
static void spread_types(ps_tagger_t *t)
{
    size_t a = 0;
    while (a < t->nm) {
        size_t b = a + 1;
        while (b < t->nm && listed(t, &t->m[b - 1], &t->m[b]))
            b++;
        int type = R_NAME, mixed = 0;
        for (size_t i = a; i < b && b - a > 1; i++) {
            int r = t->e[t->m[i].ent].rank;
            if (r == R_NAME)
                continue;
            if (type != R_NAME && r != type)
                mixed = 1;
            type = r;
        }
        if (!mixed && (type == R_PLACE || type == R_PERSON))
            for (size_t i = a; i < b; i++)
                if (t->e[t->m[i].ent].rank == R_NAME)
                    t->e[t->m[i].ent].rank = type;
        a = b;
    }
}

/* Orders entities by first mention and mentions by offset, and points the
 * output at the pool, which no longer moves. */
static ps_status_t build_output(ps_tagger_t *t)
{
    if (GROW(t, out, t->ne) < 0 || GROW(t, outm, t->nm) < 0 ||
        GROW(t, order, t->ne) < 0)
        return PS_ENOMEM;
    for (size_t i = 0; i < t->ne; i++) {
        t->e[i].count = 0;
        t->e[i].out = SIZE_MAX;
    }
    size_t nout = 0;
    for (size_t i = 0; i < t->nm; i++) {
        struct tent *e = &t->e[t->m[i].ent];
        if (e->out == SIZE_MAX) {
            e->out = nout;
            t->order[nout++] = t->m[i].ent;
        }
        e->count++;
    }
    size_t start = 0;
    for (size_t k = 0; k < nout; k++) {
        struct tent *e = &t->e[t->order[k]];
        e->start = start;
        start += e->count;
        e->count = 0;
    }
    for (size_t i = 0; i < t->nm; i++) {
        struct tent *e = &t->e[t->m[i].ent];
        ps_mention_t *m = &t->outm[e->start + e->count++];
        m->offset = t->m[i].offset;
        m->length = t->m[i].length;
        m->pos = t->m[i].pos;
    }
    for (size_t k = 0; k < nout; k++) {
        const struct tent *e = &t->e[t->order[k]];
        ps_entity_t *o = &t->out[k];
        if (e->def >= 0) {
            const ps_entity_def_t *d = ps_gazetteer_get(t->g, (size_t)e->def);
            o->type = d->type;
            o->id = d->id;
            o->name = d->name;
            o->known = 1;
        } else {
            o->type = rank_type[e->rank];
            o->id = t->pool + e->id_off;
            o->name = t->pool + e->name_off;
            o->known = 0;
        }
        o->mentions = t->outm + e->start;
        o->nmentions = e->count;
    }
    return PS_OK;
}

ps_status_t ps_tagger_run(ps_tagger_t *t, const char *text, size_t len,
                          size_t base, const ps_token_t *tokens, size_t ntokens,
                          const ps_entity_t **ents, size_t *nents)
{
    if (!t || !ents || !nents || (!text && len > 0) || (!tokens && ntokens > 0))
        return PS_EINVAL;
    *ents = NULL;
    *nents = 0;
    /* Forget the previous text's gazetteer entities. */
    for (size_t i = 0; i < t->ne; i++)
        if (t->e[i].def >= 0)
            t->def_slot[t->e[i].def] = -1;
    t->text = text;
    t->len = len;
    t->base = base;
    t->nw = t->nlower = t->nc = t->nm = t->ne = t->pool_len = 0;
    etab_clear(&t->by_id);
    etab_clear(&t->by_last);

    ps_status_t st = collect_words(t, tokens, ntokens);
    if (st != PS_OK)
        return st;
    mark_headlines(t);
    if ((st = collect_lower(t)) != PS_OK ||
        (st = match_gazetteer(t)) != PS_OK || (st = find_runs(t)) != PS_OK)
        return st;
    /* Names with evidence of their own first, so that a lone word opening
     * a sentence can join one found anywhere in the text. */
    for (int pass = 0; pass <= 1; pass++) {
        for (size_t i = 0; i < t->nc; i++) {
            const struct cand *c = &t->c[i];
            if ((c->weak || c->the) == pass && (st = resolve(t, c)) != PS_OK)
                return st;
        }
    }
    if (t->nm > 0)
        qsort(t->m, t->nm, sizeof *t->m, mention_cmp);
    spread_types(t);
    if ((st = build_output(t)) != PS_OK)
        return st;
    *ents = t->out;
    *nents = t->ne;
    return PS_OK;
}
