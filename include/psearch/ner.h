/* The trained named-entity model: a linear sequence model over the
 * analyzer's tokens that labels spans as PER, LOC, ORG or MISC. The model is
 * a file (format in lib/ner_model.c) read once per process and shared
 * read-only by every thread; each thread tags with a state of its own. The
 * entity tagger (entities.h) calls it and resolves the spans it returns to
 * entities. */
#ifndef PSEARCH_NER_H
#define PSEARCH_NER_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/analyzer.h"
#include "psearch/common.h"

PS_BEGIN_DECLS

/* The label set, in the order the model file stores it. */
typedef enum {
    PS_NER_PER = 0,
    PS_NER_LOC,
    PS_NER_ORG,
    PS_NER_MISC,
    PS_NER__COUNT
} ps_ner_type_t;

/* "PER", "LOC", "ORG", "MISC"; NULL when out of range. */
PS_EXPORT const char *ps_ner_type_name(ps_ner_type_t t);

/* A loaded model: immutable, so any number of threads may share it. */
typedef struct ps_ner_model ps_ner_model_t;

/* Loads the model file PATH, checking its magic, format version, label
 * set, table sizes, file size and checksum before trusting a byte.
 * Returns PS_OK and a model the caller frees with ps_ner_model_free();
 * PS_ENOTFOUND or PS_EIO if the file cannot be read; PS_EVERSION for a
 * format this build does not read; PS_ECORRUPT for a truncated or damaged
 * file. On failure *ERRMSG (which the caller frees) is one line naming the
 * file and what is wrong; it is NULL on success. */
PS_EXPORT ps_status_t ps_ner_model_load(const char *path,
                                        ps_ner_model_t **out, char **errmsg);

PS_EXPORT void ps_ner_model_free(ps_ner_model_t *m);

/* Gazetteer hints, one byte per token (0: the token is in no known name).
 * A token inside a known name of model type T has PS_NER_HINT(T, begin),
 * where BEGIN is 1 for the name's first token. */
#define PS_NER_HINT(type, begin) ((uint8_t)(1u + ((type) << 1) + !!(begin)))

/* One labelled span: tokens FIRST .. FIRST + COUNT - 1 of the tagged text.
 * Compound wholes and parts count as the analyzer returned them. */
typedef struct ps_ner_span {
    uint32_t first;
    uint32_t count;
    ps_ner_type_t type;
} ps_ner_span_t;

/* Reusable buffers for tagging: one per thread. It keeps a pointer to the
 * model, which must outlive it. */
typedef struct ps_ner_state ps_ner_state_t;

PS_EXPORT ps_status_t ps_ner_state_new(const ps_ner_model_t *m,
                                       ps_ner_state_t **out);

PS_EXPORT void ps_ner_state_free(ps_ner_state_t *s);

/* Labels the NTOKENS tokens that ps_analyze() returned for TEXT (LEN bytes,
 * token offsets minus BASE index TEXT). HINTS is NULL or NTOKENS bytes as
 * above. On success *SPANS points to *NSPANS spans in text order, valid
 * until the next ps_ner_tag() on S or ps_ner_state_free(S).
 *
 * Give a whole document at once: a second pass looks at what the first
 * said about every mention of a word in TEXT. Each sentence (a line, or
 * a token with PS_TOK_SENT_START) is labelled apart, so no span crosses
 * one. The model labels a compound by its whole: a span that takes it
 * covers its parts too, and never starts or ends inside it ("U.S.-led" is
 * one span, MISC; a name inside a compound is for the gazetteer). A span's
 * last token may be possessive (PS_TOK_POSSESSIVE), its length including
 * the "'s". */
PS_EXPORT ps_status_t ps_ner_tag(ps_ner_state_t *s, const char *text,
                                 size_t len, size_t base,
                                 const ps_token_t *tokens, size_t ntokens,
                                 const uint8_t *hints,
                                 const ps_ner_span_t **spans, size_t *nspans);

PS_END_DECLS

#endif
