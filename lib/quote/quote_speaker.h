/* Internal to the quoter: who speaks, from an attribution's source. */
#ifndef PSEARCH_QUOTE_SPEAKER_H
#define PSEARCH_QUOTE_SPEAKER_H

#include "quote_private.h"

/* Marks in PLACE[0..NENTS) the person entities most of whose mentions
 * in S read as places ("in Chelsea", "the Chelsea neighborhood"): the
 * entity tagger's person there is a place, and no pronoun refers to it.
 * COUNT is scratch of 2 * NENTS. */
void ps__q_placelike(const ps__qtok_t *s, size_t n, const ps_entity_t *ents,
                     size_t nents, uint32_t *count, uint8_t *place);

/* Resolves A's source over the sequence S of N tokens to an entity of
 * ENTS (*KIND PS_SPEAKER_ENTITY, *INDEX its index), or says what it is.
 * A pronoun or description never resolves to an entity PLACE marks (may
 * be NULL). */
void ps__q_speaker(const ps__qtok_t *s, size_t n, const ps__qattr_t *a,
                   const ps_entity_t *ents, size_t nents,
                   const uint8_t *place, ps_speaker_kind_t *kind, int *index);

#endif
