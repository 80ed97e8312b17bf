/* Internal to lib/ident: nationality words and the places they name
 * ("German" -> "germany", "South Korean" -> "south-korea"), as pairs of
 * id endings, so that the resolver (ident.c) can make a nationality its
 * country and the query side (ident_db.cc) can list a country's
 * nationality words. Pure string rules; whether a candidate place exists
 * is for the caller to ask the index. */
#ifndef PSEARCH_IDENT_DEMONYM_H
#define PSEARCH_IDENT_DEMONYM_H

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif

#endif
