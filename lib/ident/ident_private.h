/* Internal to lib/ident: the string rules the resolver (ident.c) and the
 * query side (ident_db.cc) share, so that the query side can list every
 * id that resolves to an entity: nationality words and the places they
 * name ("German" -> "germany", "South Korean" -> "south-korea"; in
 * ident_demonym.c), and an id's initials. Pure string rules; whether a
 * candidate exists is for the caller to ask the index. */
#ifndef PSEARCH_IDENT_PRIVATE_H
#define PSEARCH_IDENT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/ident.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Calls FN(ARG, place) for each place id that the nationality id ID may
 * name (its last word changed by one rule), in the rules' order, until FN
 * returns non-zero; returns what FN returned, or 0. IDs longer than
 * PS_IDENT_MAX have none. */
int ps__demonym_places(const char *id, int (*fn)(void *arg, const char *place),
                       void *arg);

/* The converse: calls FN(ARG, word) for each nationality id that would
 * name place ID ("germany" -> "german"), until FN returns non-zero. */
int ps__place_demonyms(const char *id, int (*fn)(void *arg, const char *word),
                       void *arg);

/* Whether ID is, or is the plural of, the name of a people that is no
 * nation ("latino", "hispanics"); if so, writes the singular to OUT
 * (PS_IDENT_MAX + 1 bytes). In ident_demonym.c. */
int ps__demonym_group(const char *id, char *out);

/* The acronym the initials of ID's words spell into ACR (33 bytes), "of",
 * "and", "the", "for" and "on" left out ("federal-bureau-of-investigation"
 * -> "fbi"); its length, 0 when ID is one word or a word starts with
 * neither a letter nor a digit. In ident.c. */
size_t ps__ident_initials(const char *id, char *acr);

/* The words an official name puts before "of" ("Republic of Ireland",
 * "People's Republic of China"): a place so named is the place after
 * "of" when the index holds it. NULL-terminated. In ident.c. */
extern const char *const ps__ident_official[];

/* The words of ID split at '-' (at most PS__IDENT_MAX_WORDS); their
 * count, 0 when there are more. In ident.c. */
#define PS__IDENT_MAX_WORDS 32
size_t ps__ident_split(const char *id, const char **w, size_t *wl);

/* PREFIX + A + SEP + B into BUF (PS_IDENT_MAX + 1 bytes); the length, 0
 * when it does not fit. In ident.c. */
size_t ps__ident_term3(char *buf, const char *prefix, const char *a, size_t al,
                       const char *sep, const char *b, size_t bl);

/* The value of KEY in PAIRS, N strings "key value" sorted by key (a word
 * list of lib/ident/data/), or NULL. In ident.c. */
const char *ps__ident_pair_find(const char *const *pairs, size_t n,
                                const char *key);

/* How many documents name ID as an entity of TYPE, summed over shards.
 * In ident.c. */
uint64_t ps__ident_docs(const ps_ident_stats_t *s, ps_entity_type_t type,
                        const char *id);

/* In ident_acronym.c: OUT's long name becomes the acronym its initials
 * spell, and OUT's acronym the long form its letters spell, where the
 * index says so. PS_EIO when the statistics failed. */
ps_status_t ps__ident_acronym(const ps_ident_stats_t *s, ps_ident_t *out);
ps_status_t ps__ident_long_form(const ps_ident_stats_t *s, ps_ident_t *out);

/* In ident_person.c: a person written with middle initials (OUT) is the
 * person without them unless the index holds other initials between the
 * same names; a one-word or initial-and-surname OUT is the person named
 * in full that dominates; the documents naming in full the person PID
 * (one word: the most named person with it; else with middle initials).
 * PS_EIO when the statistics failed. */
ps_status_t ps__ident_middles(const ps_ident_stats_t *s, ps_ident_t *out);
ps_status_t ps__ident_full_name(const ps_ident_stats_t *s, ps_ident_t *out);
ps_status_t ps__ident_named_docs(const ps_ident_stats_t *s, const char *pid,
                                 uint64_t *docs);

/* In ident_spelling.c: the spellings of one person's name. The key ID
 * folds to in OUT (PS_IDENT_MAX + 1 bytes): 'y' read as 'i', a doubled
 * letter as one; its length. Whether full person ids A and B (without
 * middle initials) spell one name, their first names read formally
 * ("joe" as "joseph", lib/ident/data/nicknames.txt). The surname statistics term prefix
 * under which the spellings of surname SUR (LEN bytes) are looked for, in
 * BUF (PS_IDENT_MAX + 1 bytes): "ES" and its first letters, or "ES" + SUR
 * + ":" when it is too short to be spelt otherwise; its length. And the
 * spelling of full person id OUT named in most documents, in OUT. */
size_t ps__ident_fold(const char *id, char *out);
int ps__ident_same_spelling(const char *a, const char *b);
size_t ps__ident_spelling_prefix(const char *sur, size_t len, char *buf);
ps_status_t ps__ident_spelling(const ps_ident_stats_t *s, ps_ident_t *out);

/* In ident_memo.c: calls FN(ARG, term, len, docs) for each surname term
 * under the spelling prefix of surname SUR (LEN bytes) whose surname folds
 * as SUR does, in byte order: through S's memo, when it has one, which
 * reads each prefix once. PS_EIO when the statistics failed, PS_ENOMEM. */
ps_status_t ps__ident_spelling_each(const ps_ident_stats_t *s, const char *sur,
                                    size_t len,
                                    void (*fn)(void *arg, const char *term,
                                               size_t len, uint64_t docs),
                                    void *arg);

/* In ident_variant.c: the written variants of a name that is not a
 * person's. ps__ident_variant() makes OUT the name its variant stands
 * for where the index says so: "the-washington-post" ->
 * "washington-post", a misc name the index types an organisation more
 * often -> that organisation, "calif" typed a place -> "california",
 * "america" -> "us".
 * ps__ident_variants_of() calls FN(ARG, variant) for each id that may
 * stand for entity ID of TYPE that way, until FN returns non-zero, and
 * returns what FN returned, or 0 (the query side's candidates). */
void ps__ident_variant(const ps_ident_stats_t *s, ps_ident_t *out);
int ps__ident_variants_of(ps_entity_type_t type, const char *id,
                          int (*fn)(void *arg, const char *variant),
                          void *arg);

#ifdef __cplusplus
}
#endif

#endif
