/* Internal to the library: the entity tagger's state, in one header for
 * all its parts, and what each part offers the others. The parts call
 * one way only, from the top down:
 *   tagger.c          the orchestration: runs the steps below in order;
 *   tagger_gaz.c      gazetteer matching and the hints for the model;
 *   tagger_span.c     rules over the model's names (ends, types, treaties);
 *   tagger_link.c     resolving names to entities within the text;
 *   tagger_acronym.c  acronyms and their long forms as one entity;
 *   tagger_team.c     a place named as a side in a sports report: a team;
 *   tagger_case.c     what the text says about each word's case;
 *   tagger_store.c    the table of entities and mentions, and the output;
 *   tagger_words.c    the word lists and single-word tests.
 * A rule file calls only the last three (and tagger_case.c), never another
 * rule file; tagger.c alone calls the rules. */
#ifndef PSEARCH_TAGGER_PRIVATE_H
#define PSEARCH_TAGGER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/entities.h"
#include "psearch/ner.h"

/* A word is a token other than a compound whole: the parts of "U.S.-led"
 * are words, the whole is not, so every position is looked at once. */
struct word {
    const ps_token_t *tok;
    uint32_t index; /* of TOK in the tokens given to ps_tagger_run */
    int gaz;        /* inside a gazetteer match */
};

/* A name the model found that the gazetteer did not: words [w0, w1). */
struct cand {
    size_t w0, w1;
    ps_entity_type_t type;
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
    size_t nwords;
    size_t id_off, name_off, last_off;
    size_t first_off; /* a person's first name, or SIZE_MAX */
    size_t first;                  /* offset of the mention that created it */
    uint32_t votes[PS_ENT__COUNT]; /* mentions by the type they were given */
    int full_person; /* a mention of two words or more was given person */
    ps_entity_type_t first_type;   /* the type of the first mention */
    size_t count, start, out;      /* for building the output */
    size_t into; /* SIZE_MAX, or the entity its mentions move to */
    size_t dateline;            /* 1 + offset of a dateline first mention */
    ps_entity_type_t next_type; /* the type of the second mention */
    int team;                   /* a place's team in a sports report */
    uint32_t sides;             /* for tagger_team.c: mentions as a side */
    size_t side;                /* for tagger_team.c: the team's entity */
};

/* An open-addressing table of entity indices, keyed by one pool string of
 * each entity, so that finding a name again costs the same however many
 * names a text has. SIZE_MAX marks an empty slot. */
struct etab {
    size_t *slot;
    size_t cap, n;
};

struct ps_tagger {
    const ps_gazetteer_t *g;
    const ps_ner_model_t *model; /* NULL: the gazetteer alone */
    ps_ner_state_t *ner;         /* NULL: the gazetteer alone */
    /* The text being tagged. */
    const char *text;
    size_t len, base;
    size_t ntokens;

    struct word *w;
    size_t nw, w_cap;
    size_t *tok_word; /* token index -> first word at or after it */
    size_t tok_word_cap;
    uint8_t *hints; /* one per token, for the model */
    size_t hints_cap;
    char *key;
    size_t key_cap;
    size_t *key_end;
    size_t key_end_cap;
    struct cand *c;
    size_t nc, c_cap;
    struct tmention *m;
    size_t nm, m_cap;
    struct tent *e;
    size_t ne, e_cap;
    long *def_slot; /* gazetteer index -> entity, or -1 */
    struct etab by_id, by_last, by_first;
    char *pool;
    size_t pool_len, pool_cap;
    size_t *order;
    size_t order_cap;
    /* tagger_span.c: the one-word misc names' tokens, sorted by term. */
    const ps_token_t **miscs;
    size_t miscs_cap;
    ps_entity_t *out; /* NOUT entities: those with mentions */
    size_t out_cap, nout;
    ps_mention_t *outm;
    size_t outm_cap;
    /* tagger_case.c: token -> sequence token of the model, or UINT32_MAX;
     * and what the text says about each term, in a table of CASE_CAP
     * slots (key 0: empty). */
    uint32_t *tseq;
    size_t tseq_cap;
    uint64_t *case_keys;
    size_t case_keys_cap;
    uint8_t *case_bits;
    size_t case_bits_cap;
    size_t case_cap;
    /* The occurrences of each term, in text order: the first per slot,
     * the last per slot (while building), the next per sequence token;
     * UINT32_MAX ends a chain. */
    uint32_t *case_first;
    size_t case_first_cap;
    uint32_t *case_last;
    size_t case_last_cap;
    uint32_t *case_next;
    size_t case_next_cap;
};

/* Grows array field ARR of tagger T, whose capacity is ARR_cap. */
#define PS__TGROW(t, arr, need)                                                \
    ps__grow(&(t)->arr, &(t)->arr##_cap, (need), sizeof *(t)->arr)

/* tagger_words.c: the model's label type for entity type T (treaty and
 * misc are both MISC). */
ps_ner_type_t ps__tagger_model_type(ps_entity_type_t t);

/* tagger_gaz.c: finds the gazetteer's names, longest alias first at every
 * word, adds a mention for each, marks their words and fills t->hints. */
ps_status_t ps__tagger_match_gazetteer(ps_tagger_t *t);

/* tagger_store.c: a mention of entity ENT over words [W0, W1). */
ps_status_t ps__tagger_add_mention(ps_tagger_t *t, size_t ent, size_t w0,
                                   size_t w1);

/* tagger_store.c: a new entity, its index in *IDX; NULL without memory. */
struct tent *ps__tagger_new_entity(ps_tagger_t *t, size_t *idx);

/* tagger_link.c: the entity of a name the model found, linked to one seen
 * before in the text when it is the same name (by slug), or a person's
 * surname, first name, or initial and surname ("Mrs." and "Mr." choosing
 * between people who share the surname). */
ps_status_t ps__tagger_resolve(ps_tagger_t *t, const struct cand *c);

/* tagger_words.c: a MISC name's type: treaty when a cue word says so, and
 * the words it then covers (the cue may follow it, when FOLLOW). */
ps_entity_type_t ps__tagger_misc_type(const ps_tagger_t *t, size_t w0,
                                      size_t *w1, int follow);

/* tagger_span.c: whether MISC name [W0, W1) says whose the thing after it
 * is rather than which it is, so a treaty word after it names no treaty
 * ("Trump's plan", "the Bush plan", "the Democratic plan"): it ends in a
 * possessive, or it is one word the model's lists know as a person's
 * name or as a whole misc name of its own (a nationality, a party). */
int ps__tagger_owner(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_span.c: the first word of the quotation that name [W0, W1)
 * ends, when capitalised words only, at most three, stand between its
 * opening quote and the name (the model's "America Great Again" of
 * "Make America Great Again", a slogan); else W0. */
size_t ps__tagger_quote_start(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_span.c: the end of misc name [W0, W1) once a capitalised
 * weekday right after it is taken in ("Super Tuesday", the model's
 * "Super"; CoNLL annotates no day): W1 + 1, or W1. Only a word alone
 * that no capitalised word precedes and that is neither a people's word
 * nor a person's name ("Moslem Friday" is a Friday). */
size_t ps__tagger_day_end(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_span.c: the start of a name starting at word W0 once a word
 * capitalised inside a sentence, "of" and "the" before it are taken in
 * ("State of the Union", the model's "Union"), unless the word is a
 * title ("Secretary of the Navy") or a weekday; else W0. */
size_t ps__tagger_of_start(const ps_tagger_t *t, size_t w0);

/* tagger_span.c: whether name [W0, W1) follows a place and a comma and
 * ends its clause ("Washington, D.C.,", "Cleveland, Ohio."): the state or
 * district of a city, a place whatever the model's context said. */
int ps__tagger_after_place(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_words.c: a place's type: treaty when "the" opens it and a
 * lowercase treaty word follows it ("the Minsk agreements"), and the words
 * it then covers. */
ps_entity_type_t ps__tagger_place_type(const ps_tagger_t *t, size_t w0,
                                       size_t *w1);

/* tagger_words.c: the first word of person name [W0, W1) once its
 * honorifics and titles ("Mr", "Sen", "Vice President") are left out;
 * at least one word stays. */
size_t ps__tagger_skip_honorific(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_words.c: whether word I is an honorific or a title that stands
 * before a person's name ("Mr", "Sen", "President"; lib/tag/data/). */
int ps__tagger_is_title(const ps_tagger_t *t, size_t i);

/* tagger_words.c: how many words at W0 are a judge's title before a
 * name: "Justice" (1) or "Chief Justice" (2), capitalised, before a
 * capitalised word that is no organisation's head nor a function word
 * (lib/tag/data/justice-after.txt: "Justice Department", "Justice
 * League", "Justice Against Sponsors of Terrorism Act"); else 0.
 * "Justice" is no title in titles.txt, as it opens such names, but
 * before a name it is one: "Justice Antonin Scalia" made "Justice" a
 * first name, every "Chief Justice" of an article a mention of Scalia,
 * and the model reads "Justice Scalia" as an organisation, as it reads
 * "Justice Department". */
size_t ps__tagger_court_title(const ps_tagger_t *t, size_t w0);

/* tagger_words.c: whether word I is a contraction ("I'm", "I'd", "Don't"),
 * which names nothing however it is capitalised. */
int ps__tagger_contraction(const ps_tagger_t *t, size_t i);

/* tagger_words.c: whether name [W0, W1) is a generational suffix alone
 * ("William F. Buckley, Jr.": the comma cut "Jr" off the name), no name
 * of its own. */
int ps__tagger_suffix_alone(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_words.c: whether a title stands right before word W0 ("Sen.
 * Sanders"): a person follows. */
int ps__tagger_title_before(const ps_tagger_t *t, size_t w0);

/* tagger_words.c: whether the name ending before word W1 ends with a
 * capitalised treaty word ("Tallinn Memorandum"), which makes it a treaty
 * whatever the model called it. */
int ps__tagger_ends_treaty(const ps_tagger_t *t, size_t w1);

/* tagger_words.c: whether KEY is in LIST, N strings sorted bytewise (the
 * word lists of lib/tag/data/). */
int ps__tagger_listed(const char *const *list, size_t n, const char *key);

/* tagger_words.c: whether word I is a treaty word
 * (lib/tag/data/treaty-cues.txt). */
int ps__tagger_is_treaty_cue(const ps_tagger_t *t, size_t i);

/* tagger_span.c: a name the model found over words [W0, W1) ends after
 * its first possessive word, unless a capitalised word follows a
 * possessive common word ("People's Republic") in a name the model did
 * not read as a PERSON's ("Fox's Chris Wallace" is two names: no
 * person's name holds a possessive); before a bracket ("Chaffetz
 * (R-Utah)"); and before an honorific or title inside it ("US Mr
 * Zelensky"): returns that end, or W1. */
size_t ps__tagger_piece_end(const ps_tagger_t *t, size_t w0, size_t w1,
                            int person);

/* tagger_span.c: the length of the opening quote (", ', “ or ‘) ending
 * at byte END of the text, or of the closing one (", ', ” or ’) starting
 * at byte AT; 0 when there is none. */
size_t ps__tagger_open_quote(const ps_tagger_t *t, size_t end);
size_t ps__tagger_close_quote(const ps_tagger_t *t, size_t at);

/* tagger_span.c: a name ending before word W1 in a capitalised "Article"
 * takes the number that follows it ("Article 5"): returns its new end. */
size_t ps__tagger_treaty_number(const ps_tagger_t *t, size_t w1);

/* tagger_span.c: whether words [W0, W1) are a holiday of
 * lib/tag/data/holidays.txt ("Labor Day"). */
int ps__tagger_is_holiday(const ps_tagger_t *t, size_t w0, size_t w1);

/* tagger_span.c: the type of name [W0, W1) that the model found as TYPE,
 * by psearch's conventions: a seat of government ("Kremlin") as a place is
 * an org, and a holiday ("Christmas") is misc. */
ps_entity_type_t ps__tagger_convention(const ps_tagger_t *t, size_t w0,
                                       size_t w1, ps_entity_type_t type);

/* tagger_span.c: the type of name [W0, W1) that the model called TYPE, by
 * the model's own lists: a person named only by common words no name of
 * the training data used is misc ("Big Tech"); a single word listed as a
 * place that names no person is a place, a plural of a nationality misc. */
ps_ner_type_t ps__tagger_list_type(const ps_tagger_t *t, size_t w0, size_t w1,
                                   ps_ner_type_t type);
/* tagger_span.c: appends candidate [W0, W1) of TYPE to t->c. */
ps_status_t ps__tagger_add_cand(ps_tagger_t *t, size_t w0, size_t w1,
                                ps_entity_type_t type);

/* tagger_span.c: adds, as treaties, the numbered articles ("Article 5")
 * and the plans named by their points ("20-point plan") that no name
 * covers yet. */
ps_status_t ps__tagger_numbered_treaties(ps_tagger_t *t);

/* tagger_span.c: names the model reads as people's that name a group
 * ("Latino Republicans", "Sunni Muslims": the last word the plural of a
 * one-word misc name of the article) become misc names. PS_ENOMEM. */
ps_status_t ps__tagger_group_plurals(ps_tagger_t *t);

/* tagger_acronym.c: after resolving, merges an unknown name whose initials
 * spell an unknown acronym of the same text into the acronym's entity.
 * PS_ENOMEM when memory runs out. */
ps_status_t ps__tagger_link_acronyms(ps_tagger_t *t);

/* tagger_case.c: reads what the model's last run says about the case of
 * every word of the text; call after ps_ner_tag(). */
ps_status_t ps__tagger_case_prepare(ps_tagger_t *t);

/* tagger_case.c: whether name [W0, W1) the model found is only common
 * words, or a phrase written elsewhere in lower case, capitalised where a
 * capital says nothing (see the file). */
int ps__tagger_case_common(const ps_tagger_t *t, size_t w0, size_t w1);
/* tagger_case.c: name [*W0, *W1) without the common words a title-case
 * headline capitalised at its ends ("Obama Sees 'Personal Insult'",
 * "Disavow Lindsey Graham"), when what is left is written as a name
 * inside a sentence of the text. */
void ps__tagger_case_trim(const ps_tagger_t *t, size_t *w0, size_t *w1);
/* Whether word W is capitalised inside a sentence of an ordinary line,
 * where a capital says the word is a name (not at a sentence's start, not
 * on a headline), as the model read it; 0 without a model. */
int ps__tagger_capital_mid(const ps_tagger_t *t, size_t w);

/* tagger_store.c: makes entity FROM part of entity INTO: its votes now,
 * its mentions at ps__tagger_apply_merges(). */
void ps__tagger_merge(ps_tagger_t *t, size_t from, size_t into);

/* tagger_store.c: gives every mention the entity it was merged into, in
 * one pass over the mentions however many merges there were. */
void ps__tagger_apply_merges(ps_tagger_t *t);

/* tagger_link.c: after resolving, merges a one-word unknown name into
 * the first person named in full later in the text whose surname it
 * is. */
void ps__tagger_link_surnames(ps_tagger_t *t);

/* tagger_link.c: after resolving, gives a dateline ("NEW YORK
 * 1996-08-30") an entity of its own, a place, when the name's next
 * mention was typed otherwise (the standings' "NEW YORK", a team). */
ps_status_t ps__tagger_split_datelines(ps_tagger_t *t);

/* tagger_team.c: in a sports report, moves the mentions of a place
 * named as a side ("against England") to a team, an org of its own. */
ps_status_t ps__tagger_split_teams(ps_tagger_t *t);

/* tagger_link.c: forgets the previous text's entities. */
void ps__tagger_reset(ps_tagger_t *t);

/* tagger_store.c: orders the entities that have mentions (an entity whose
 * mentions moved to another has none) by first mention, and mentions by
 * offset, into t->out (t->nout of them) and t->outm. */
ps_status_t ps__tagger_build_output(ps_tagger_t *t);

/* tagger_link.c: frees what the linking part owns (the pool and the
 * tables of names). */
void ps__tagger_link_free(ps_tagger_t *t);

/* tagger_store.c: frees the entities, mentions and output. */
void ps__tagger_store_free(ps_tagger_t *t);

#endif
