/* Entity identity across articles: which entity an entity term of one
 * article ("XPERSON:clinton", "XORG:obama") stands for in the whole index,
 * and the name to show for it. The tagger decides within one article; this
 * decides across them, from statistics every shard serves and that sum
 * over shards (how many documents hold a term, the terms under a prefix),
 * so the answer depends neither on the order the articles were indexed in
 * nor on which machine indexed which. The indexer writes, besides each
 * entity term, the identity terms ps_ident_terms() lists; readers resolve
 * with ps_ident_resolve() over the index's term statistics, and
 * psearch-index --tag over the tagged files' own. */
#ifndef PSEARCH_IDENT_H
#define PSEARCH_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/common.h"
#include "psearch/entities.h"

PS_BEGIN_DECLS

/* The longest id an identity function handles; longer ones stay as they
 * are (a Xapian term holds at most 245 bytes). */
#define PS_IDENT_MAX 240

/* Identity term prefixes. "EN" + entity term + TAB + name: an article
 * names the entity so (its fullest form there). "ES" + surname + ":" +
 * person id and "EF" + first name + ":" + person id: an article names a
 * person in full ("ESclinton:hillary-clinton", "EFhillary:hillary-clinton"). */
#define PS_IDENT_P_NAME "EN"
#define PS_IDENT_P_SURNAME "ES"
#define PS_IDENT_P_FIRST "EF"
/* "EI" + initials + ":" + id: a name of several words whose initials
 * spell the acronym ("EIfbi:federal-bureau-of-investigation"), of any
 * type but a person. */
#define PS_IDENT_P_INITIALS "EI"

/* What the resolver derived from the statistics and keeps for the next
 * entity it resolves (the surname spellings under a prefix: an article of
 * thousands of names that share their first letters would otherwise read
 * that prefix once a name). Opaque; made by ps_ident_memo_new() (NULL when
 * out of memory), emptied by ps_ident_memo_clear() whenever the
 * statistics it was filled from change, freed by ps_ident_memo_free() (of
 * NULL: nothing). Used by one thread at a time. */
typedef struct ps_ident_memo ps_ident_memo_t;

PS_EXPORT ps_ident_memo_t *ps_ident_memo_new(void);
PS_EXPORT void ps_ident_memo_clear(ps_ident_memo_t *m);
PS_EXPORT void ps_ident_memo_free(ps_ident_memo_t *m);

/* The statistics the resolver reads. DOCS: how many documents hold TERM
 * (0 when none). EACH: calls FN(ARG, term, len, docs) for every term
 * starting with PREFIX, in byte order; returns 0, or -1 on failure, which
 * the resolver passes on as PS_EIO. Summed over every shard, as Xapian's
 * term frequencies and term lists are. MEMO (may be NULL: every entity
 * reads what it needs afresh) is the caller's, which clears it when the
 * statistics change; the answers are the same with it or without. */
typedef struct ps_ident_stats {
    void *ctx;
    uint64_t (*docs)(void *ctx, const char *term, size_t len);
    int (*each)(void *ctx, const char *prefix, size_t len,
                void (*fn)(void *arg, const char *term, size_t len,
                           uint64_t docs),
                void *arg);
    ps_ident_memo_t *memo;
} ps_ident_stats_t;

/* A person's id as the index keeps it: middle initials and middle names
 * dropped, and a final "jr", "sr" or roman numeral ("donald-j-trump",
 * "hillary-rodham-clinton" -> "donald-trump", "hillary-clinton"); a
 * particle keeps the rest of the surname ("ludwig-van-beethoven"). Writes
 * the id to OUT (PS_IDENT_MAX + 1 bytes); returns its length. */
PS_EXPORT size_t ps_ident_person_id(const char *id, char *out);

/* The id an article's person is kept under: ps_ident_person_id() keeping
 * the middle words of one or two letters, initials ("george-w-bush",
 * "george-hw-bush", "donald-j-trump"; "hillary-rodham-clinton" ->
 * "hillary-clinton"). ps_ident_resolve() drops the initials when the index
 * holds no other initials between that first name and surname. */
PS_EXPORT size_t ps_ident_person_written(const char *id, char *out);

/* Whether WORD (LEN bytes, a term: lower case) is the head noun of
 * organisations' names that no person bears as a surname ("foundation",
 * "sentinel", "party", "times"): a name ending in it is an
 * organisation's. */
PS_EXPORT int ps_ident_org_head(const char *word, size_t len);

/* Calls FN(ARG, term, len) for each identity term of entity E of one
 * article (see the prefixes above). Returns 0, or what FN returned when
 * it was not 0. */
PS_EXPORT int ps_ident_terms(const ps_entity_t *e,
                             int (*fn)(void *arg, const char *term,
                                       size_t len),
                             void *arg);

/* What an entity term stands for across the index. */
typedef struct ps_ident {
    ps_entity_type_t type;
    char id[PS_IDENT_MAX + 1];
} ps_ident_t;

/* Resolves the entity term of TYPE and ID (an article's) to the entity it
 * stands for in the index S describes:
 *  - a name the index types as a person more than as anything else is a
 *    person ("Obama" typed a place in one headline); the other types are
 *    not pooled, so a city and its team stay two;
 *  - a person written with middle initials ("Donald J. Trump") is the
 *    person without them, unless the index holds other middle initials
 *    between the same first name and surname (George W. Bush and George
 *    H. W. Bush stay two);
 *  - a person's surname alone, first name alone, or initial and surname
 *    ("Clinton", "Hillary", "S. Warne") is the person named in full with
 *    it when one such person clearly dominates: in at least
 *    PS_IDENT_DOMINANCE times as many documents as the next (one
 *    article naming the only "Shane Warne" is enough); otherwise it
 *    stays an entity of its own.
 * Returns PS_OK, or PS_EIO when S failed. */
#define PS_IDENT_DOMINANCE 2
PS_EXPORT ps_status_t ps_ident_resolve(const ps_ident_stats_t *s,
                                       ps_entity_type_t type, const char *id,
                                       ps_ident_t *out);

/* The display name of entity TYPE:ID (a resolved one) in the index S
 * describes: of the names articles give it (the "EN" terms), the one in
 * most documents, never one in capitals when another exists, ties to the
 * least in byte order. The caller frees *NAME; it is NULL when no article
 * names it so (an index without identity terms). PS_ENOMEM, PS_EIO. */
PS_EXPORT ps_status_t ps_ident_display_name(const ps_ident_stats_t *s,
                                            ps_entity_type_t type,
                                            const char *id, char **name);

PS_END_DECLS

#endif
