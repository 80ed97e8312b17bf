/* psearch --entities: printing every entity of one article with every
 * mention. */
#ifndef PSEARCH_CLI_ENTITIES_H
#define PSEARCH_CLI_ENTITIES_H

#include <stdio.h>

#include <jansson.h>

/* Prints ENTS (the array ps_db_entities() gives) to OUT: with JSON, one
 * compact object per line; else per entity a line "type  name  (id,
 * N mentions)" and per mention an indented "line:column: text". Returns
 * 0, or -1 when writing failed. */
int render_entities(const json_t *ents, int json, FILE *out);

/* Prints QUOTES (the array ps_db_quotes() gives) to OUT after the
 * entities: with JSON, one compact object per line; else a line "quotes"
 * and per quote an indented "line:column: Speaker cue: content  [kind,
 * speaker kind, confidence]". Returns 0, or -1 when writing failed. */
int render_article_quotes(const json_t *quotes, int json, FILE *out);

#endif
