/* Internal to the library: the gazetteer lookups the tagger needs, defined
 * in entities.c, which owns the gazetteer's layout. */
#ifndef PSEARCH_ENTITIES_PRIVATE_H
#define PSEARCH_ENTITIES_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/entities.h"

/* Finds the alias whose key (terms joined by single spaces) is KEY[0..LEN).
 * On a hit returns 1 and sets the entity's index, the alias's word count
 * and its per-word case constraints (bit W set: word W must be upper case,
 * or capitalised). Returns 0 when no alias has that key. */
int ps__gazetteer_lookup(const ps_gazetteer_t *g, const char *key, size_t len,
                         uint32_t *ent, uint32_t *nwords, uint64_t *need_upper,
                         uint64_t *need_cap);

/* The most words any alias has: the longest match worth trying. */
uint32_t ps__gazetteer_max_words(const ps_gazetteer_t *g);

#endif
