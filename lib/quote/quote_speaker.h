/* Internal to the quoter: who speaks, from an attribution's source. */
#ifndef PSEARCH_QUOTE_SPEAKER_H
#define PSEARCH_QUOTE_SPEAKER_H

#include "quote_private.h"

/* What the speaker rules know of one article: which person names read
 * as places ("in Chelsea": no pronoun refers to them), each person's
 * gender as its pronouns and honorifics tell it, who is written
 * "President X" or "Judge X", and which tokens are the
 * sources of the attributions resolved so far. Zeroed before first use;
 * the buffers are reused from article to article. */
typedef struct ps__qspk {
    uint32_t *count; /* scratch, two per entity */
    uint8_t *place;  /* per entity; GENDER is its second half */
    uint8_t *gender; /* per entity: 0 not known, 1 he, 2 she */
    uint8_t *title;  /* per entity: offices written before it ("Judge X") */
    uint8_t titles;  /* those of every entity */
    uint8_t settled;    /* ps__q_speakers_settle() changed a gender */
    int32_t *said;   /* per token: the speaker of its source or cue, or -1 */
    uint8_t *said_g; /* per token: 1 or 2 when SAID was a "he" or a "she" */
    /* A table of the persons' last words (their terms, 0 an empty slot)
     * and the person each is first the last word of: SMASK + 1 slots. */
    uint64_t *skey;
    int32_t *sval;
    size_t smask;
    size_t ecap, ncap;
} ps__qspk_t;

/* Learns what K holds of the sequence S of N tokens and its entities
 * ENTS; PS_ENOMEM. */
ps_status_t ps__q_speakers_begin(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                                 const ps_entity_t *ents, size_t nents);

/* Resolves A's source to an entity of ENTS (*KIND PS_SPEAKER_ENTITY,
 * *INDEX its index), or says what it is. Attributions are resolved in
 * the article's order, so that "he added" can be the one who spoke
 * before. */
void ps__q_speaker(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                   const ps__qattr_t *a, const ps_entity_t *ents,
                   size_t nents, ps_speaker_kind_t *kind, int *index);

/* After every attribution of the article is resolved (QUOTES[q] the
 * speaker of ATTRS[q], NA of them): a person of no known gender whom both
 * "he" and "she" sources were given ("FBI Director James Comey said ...
 * She did receive some emails, he said") takes the gender most of them
 * say. Returns 1 when any did, K then ready for every attribution to be
 * resolved again in order (the sources of the other gender go to someone
 * else, who takes that gender from then on), else 0. */
int ps__q_speakers_settle(ps__qspk_t *k, const ps__qtok_t *s, size_t n,
                          const ps__qattr_t *attrs, const ps_quote_t *quotes,
                          size_t na, size_t nents);

void ps__q_speakers_free(ps__qspk_t *k);

#endif
