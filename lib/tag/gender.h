/* Internal to the library: the sex a first name says, which the entity
 * tagger's honorific rule ("Mrs. Clinton" after Bill and Hillary Clinton),
 * its kin ("Ivanka Trump" a person beside Donald Trump) and its known
 * surnames ("Michelle Obama" not the gazetteer's Barack Obama), and the
 * quoter's pronouns ("she said" after them) all read. */
#ifndef PSEARCH_TAG_GENDER_H
#define PSEARCH_TAG_GENDER_H

/* 1 when WORD (a term: case-folded, NUL-terminated) is a first name that
 * women bear, -1 one that men bear, 0 when it is neither or either
 * (lib/tag/data/female-names.txt and male-names.txt). */
int ps__first_name_gender(const char *word);

/* What the first word of NAME, a person's name as written ("Hillary
 * Clinton"), says as above: 0 too when NAME is one word, or its first
 * word an initial or longer than any listed name. */
int ps__written_name_gender(const char *name);

#endif
