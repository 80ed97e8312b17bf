/* Named entities: the gazetteer (known people, places, organisations and
 * treaties with their aliases) and the tagger that finds entities in
 * analysed text, known or not. */
#ifndef PSEARCH_ENTITIES_H
#define PSEARCH_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/analyzer.h"
#include "psearch/common.h"
#include "psearch/ner.h"

PS_BEGIN_DECLS

typedef enum {
    PS_ENT_PERSON = 0,
    PS_ENT_PLACE,
    PS_ENT_ORG,
    PS_ENT_TREATY, /* treaties, plans, agreements, memoranda, accords */
    PS_ENT_MISC,   /* other names: nationalities, events, titles */
    PS_ENT__COUNT
} ps_entity_type_t;

/* "person", "place", "org", "treaty", "misc"; NULL when out of range. */
PS_EXPORT const char *ps_entity_type_name(ps_entity_type_t t);

/* Parses a type name (as above, case-insensitive). Returns -1 if unknown. */
PS_EXPORT int ps_entity_type_parse(const char *name);

/* The Xapian term prefix of a type: "XPERSON:", "XPLACE:", "XORG:",
 * "XTREATY:", "XMISC:". NULL when out of range. */
PS_EXPORT const char *ps_entity_type_prefix(ps_entity_type_t t);

/* A gazetteer entry. Strings are owned by the gazetteer. */
typedef struct ps_entity_def {
    const char *id;   /* stable lower-case slug: "zelensky", "nato" */
    const char *name; /* canonical display name: "Volodymyr Zelensky" */
    ps_entity_type_t type;
} ps_entity_def_t;

/* A loaded gazetteer: immutable after loading, so one may be shared by any
 * number of threads. */
typedef struct ps_gazetteer ps_gazetteer_t;

/* Loads a gazetteer from a TSV file: one entity per line,
 *   id <TAB> type <TAB> canonical name <TAB> alias|alias|...
 * Blank lines and lines starting with '#' are ignored; the canonical name
 * is always an alias too. Aliases are analysed with A. An alias with an
 * all-uppercase word ("US", "EU") only matches that word in uppercase, so
 * "us" the pronoun is not the United States.
 *
 * Returns PS_OK and a gazetteer the caller frees with ps_gazetteer_free();
 * PS_ENOTFOUND or PS_EIO if the file cannot be read; PS_EINVAL for a
 * malformed line, with a message "FILE:LINE: what is wrong" in *ERRMSG
 * (which the caller frees; *ERRMSG is NULL on success). PATH NULL gives an
 * empty gazetteer. */
PS_EXPORT ps_status_t ps_gazetteer_load(const char *path, ps_analyzer_t *a,
                                        ps_gazetteer_t **out, char **errmsg);

/* Like ps_gazetteer_load(), from LEN bytes of TSV in memory; NAME stands
 * for the file in messages. The index keeps the gazetteer it was built
 * with this way, so the query side resolves the same aliases. */
PS_EXPORT ps_status_t ps_gazetteer_parse(const char *buf, size_t len,
                                         const char *name, ps_analyzer_t *a,
                                         ps_gazetteer_t **out, char **errmsg);

PS_EXPORT void ps_gazetteer_free(ps_gazetteer_t *g);

PS_EXPORT size_t ps_gazetteer_count(const ps_gazetteer_t *g);

/* The I-th entry, in file order; NULL when out of range. */
PS_EXPORT const ps_entity_def_t *ps_gazetteer_get(const ps_gazetteer_t *g,
                                                  size_t i);

/* Resolves a name or alias as a user typed it ("Zelenskiy", "Nato",
 * "Volodymyr Zelenskyy") to its entry, case-insensitively. With TYPE >= 0
 * only entries of that type match. Returns NULL when nothing matches. Uses
 * A to analyse NAME. */
PS_EXPORT const ps_entity_def_t *ps_gazetteer_resolve(const ps_gazetteer_t *g,
                                                      ps_analyzer_t *a,
                                                      const char *name,
                                                      size_t len, int type);

/* The slug of a name the gazetteer does not know: its analysed terms joined
 * by '-' ("John Lough" -> "john-lough"). The caller frees *OUT. */
PS_EXPORT ps_status_t ps_entity_slug(ps_analyzer_t *a, const char *name,
                                     size_t len, char **out);

/* One mention of an entity in the text. */
typedef struct ps_mention {
    size_t offset;   /* byte offset of the mention, as the tokens give it */
    uint32_t length; /* bytes */
    uint32_t pos;    /* term position of its first token */
} ps_mention_t;

/* An entity found in one text, with all its mentions in text order.
 * Strings and arrays are owned by the tagger. */
typedef struct ps_entity {
    ps_entity_type_t type;
    const char *id;   /* gazetteer id, or the slug of an unknown name */
    const char *name; /* canonical name, or the name as first written */
    int known;        /* 1 if it came from the gazetteer */
    const ps_mention_t *mentions;
    size_t nmentions;
    /* 1 for a country's or city's team named as a side in a sports report
     * ("against England"): an org whose name is written as a place's. */
    int team;
} ps_entity_t;

/* A tagger holds reusable buffers; one per thread. It keeps pointers to
 * G and to the trained model M (ner.h), which must outlive it; any number
 * of taggers may share them. With M NULL only the gazetteer's names are
 * found (the indexer always has a model; tests of the gazetteer need
 * none). Fails with the model's status when its state cannot be made. */
typedef struct ps_tagger ps_tagger_t;

PS_EXPORT ps_status_t ps_tagger_new(const ps_gazetteer_t *g,
                                    const ps_ner_model_t *m, ps_tagger_t **out);

PS_EXPORT void ps_tagger_free(ps_tagger_t *t);

/* Finds the entities of one text. TOKENS are what ps_analyze() returned for
 * TEXT with base offset BASE (token offsets minus BASE index TEXT). Known
 * names match the gazetteer by longest match; the model finds the others
 * (PER, LOC, ORG, MISC: person, place, org, and treaty when a cue word
 * says so, else misc), and a name it finds that overlaps a known one is
 * left to the gazetteer, unless it is a longer name of another type
 * around it ("Dynamo Moscow" around the known place "Moscow").
 * On success *ENTS points to *NENTS entities, ordered by first mention,
 * valid until the next ps_tagger_run() on T or ps_tagger_free(T). */
PS_EXPORT ps_status_t ps_tagger_run(ps_tagger_t *t, const char *text,
                                    size_t len, size_t base,
                                    const ps_token_t *tokens, size_t ntokens,
                                    const ps_entity_t **ents, size_t *nents);

PS_END_DECLS

#endif
