/* Quote attribution: who said what in an article. After the entity tagger,
 * on the same tokens, a trained model (format in lib/quote/quote_model.c)
 * finds every attribution: its source (who), cue (said, told, according
 * to...) and content (what, possibly in several pieces), whether it is
 * direct, mixed or indirect speech, how sure the model is, and the entity
 * that speaks where the article makes it clear. */
#ifndef PSEARCH_QUOTES_H
#define PSEARCH_QUOTES_H

#include <stddef.h>

#include "psearch/analyzer.h"
#include "psearch/common.h"
#include "psearch/entities.h"

PS_BEGIN_DECLS

typedef enum {
    PS_QUOTE_DIRECT = 0, /* content begins and ends with a quotation mark */
    PS_QUOTE_MIXED,      /* content holds a quotation mark elsewhere */
    PS_QUOTE_INDIRECT    /* no quotation mark in the content */
} ps_quote_kind_t;

/* Who the source is, as far as the article makes it clear. */
typedef enum {
    PS_SPEAKER_ENTITY = 0, /* resolved: SPEAKER indexes the ENTS given to
                              ps_quoter_run() */
    PS_SPEAKER_PRONOUN,    /* a pronoun or description the article does not
                              resolve */
    PS_SPEAKER_UNNAMED,    /* "officials said", "a source said" */
    PS_SPEAKER_NONE        /* no source span at all */
} ps_speaker_kind_t;

/* [START, END) byte offsets into the text given to ps_quoter_run(), BASE
 * included, as token offsets are. */
typedef struct ps_byte_span {
    size_t start, end;
} ps_byte_span_t;

/* One attribution. Arrays are owned by the quoter. */
typedef struct ps_quote {
    const ps_byte_span_t *source;
    size_t nsource;
    const ps_byte_span_t *cue;
    size_t ncue;
    const ps_byte_span_t *content; /* sorted; may be discontinuous */
    size_t ncontent;
    ps_quote_kind_t kind;
    float confidence; /* 0..1: how likely the attribution is right (the
                       * model's scores, calibrated in training) */
    ps_speaker_kind_t speaker_kind;
    int speaker; /* index into ENTS, or -1 */
} ps_quote_t;

/* "direct", "mixed", "indirect"; NULL when out of range. */
PS_EXPORT const char *ps_quote_kind_name(ps_quote_kind_t k);

/* "entity", "pronoun", "unnamed", "none"; NULL when out of range. */
PS_EXPORT const char *ps_speaker_kind_name(ps_speaker_kind_t k);

/* A loaded model: immutable, shared by any number of threads. */
typedef struct ps_quote_model ps_quote_model_t;

/* Loads the model file PATH, checking its magic, format version, sizes,
 * file size and checksum before trusting a byte. Returns PS_OK and a model
 * the caller frees with ps_quote_model_free(); PS_ENOTFOUND or PS_EIO if
 * the file cannot be read; PS_EVERSION for a format this build does not
 * read; PS_ECORRUPT for a truncated or damaged file. On failure *ERRMSG
 * (which the caller frees) is one line naming the file and what is wrong;
 * it is NULL on success. */
PS_EXPORT ps_status_t ps_quote_model_load(const char *path,
                                          ps_quote_model_t **out,
                                          char **errmsg);

PS_EXPORT void ps_quote_model_free(ps_quote_model_t *m);

/* Reusable buffers: one per thread. It keeps a pointer to the model, which
 * must outlive it. */
typedef struct ps_quoter ps_quoter_t;

PS_EXPORT ps_status_t ps_quoter_new(const ps_quote_model_t *m,
                                    ps_quoter_t **out);

PS_EXPORT void ps_quoter_free(ps_quoter_t *q);

/* Finds the attributions of one text: TEXT/LEN/BASE/TOKENS exactly as given
 * to ps_tagger_run(), ENTS/NENTS what ps_tagger_run() returned for them.
 * *QUOTES is valid until the next run on Q or ps_quoter_free(Q), ordered
 * by first byte. Time is linear in the text (no quadratic behaviour on
 * any input). Returns PS_OK or PS_ENOMEM. */
PS_EXPORT ps_status_t ps_quoter_run(ps_quoter_t *q, const char *text,
                                    size_t len, size_t base,
                                    const ps_token_t *tokens, size_t ntokens,
                                    const ps_entity_t *ents, size_t nents,
                                    const ps_quote_t **quotes,
                                    size_t *nquotes);

PS_END_DECLS

#endif
