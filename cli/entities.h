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

#endif
