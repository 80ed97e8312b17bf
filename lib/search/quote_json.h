/* Internal to the C++ shim: a document's stored attributions (codec.h) as
 * the JSON that search results, the doc operation and psearch --entities
 * show, and which of them a said:/quote: query matched. */
#ifndef PSEARCH_QUOTE_JSON_H
#define PSEARCH_QUOTE_JSON_H

#ifndef __cplusplus
#error "quote_json.h is for the C++ shim only"
#endif

#include <string>
#include <vector>

#include <jansson.h>

#include "psearch/search.h"
#include "search/json_out.h"
#include "store/codec.h"

/* What joins the pieces of a discontinuous field's text (“A,” … “B.”). */
#define PS__QUOTE_JOIN " \xE2\x80\xA6 "

namespace ps__search
{
struct docdata; /* search_private.h: the text and its lines */
}

/* Writes to W the fields of one quote as JSON, inside an object the
 * caller opens (and may add to) and closes: "speaker" ({"type","id","name"} of
 * the entity as D identifies it across articles, or null unless the speaker is
 * an entity), "speaker_kind" (entity, pronoun, unnamed, none), "source" (its
 * text, or null), "cue", "content" (the pieces of a discontinuous field joined
 * by " … "), "kind", "confidence" (0..1, two decimals), and "line" and "column"
 * (1-based, bytes) of the content's first byte. With SPANS, also "spans":
 * {"source","cue","content"} as lists of [start, end) byte offsets into the
 * file. Returns false, having written nothing, for a quote that lies outside
 * the text (a damaged value); throws std::bad_alloc. */
bool ps__quote_write(ps__jout &w, ps_db_t *d, const ps__quote &q,
                     const std::vector<ps__entity> &ents,
                     ps__search::docdata &dd, bool spans);

/* The same quote as a new object, for the callers that build trees (the
 * doc op, psearch --entities); NULL where ps__quote_write() writes
 * nothing. Throws std::bad_alloc. */
json_t *ps__quote_json(ps_db_t *d, const ps__quote &q,
                       const std::vector<ps__entity> &ents,
                       ps__search::docdata &dd, bool spans);

/* The speaker key (ps__speaker_key()) of Q, or "" unless it is one of
 * ENTS. */
std::string ps__quote_speaker_key(const ps__quote &q,
                                  const std::vector<ps__entity> &ents);

/* Whether the byte range [OFF, OFF + LEN) lies inside Q's content. */
bool ps__quote_contains(const ps__quote &q, size_t off, size_t len);

#endif
