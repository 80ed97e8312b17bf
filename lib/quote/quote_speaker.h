/* Internal to the quoter: who speaks, from an attribution's source. */
#ifndef PSEARCH_QUOTE_SPEAKER_H
#define PSEARCH_QUOTE_SPEAKER_H

#include "quote_private.h"

/* Resolves A's source over the sequence S of N tokens to an entity of
 * ENTS (*KIND PS_SPEAKER_ENTITY, *INDEX its index), or says what it is. */
void ps__q_speaker(const ps__qtok_t *s, size_t n, const ps__qattr_t *a,
                   const ps_entity_t *ents, size_t nents,
                   ps_speaker_kind_t *kind, int *index);

#endif
