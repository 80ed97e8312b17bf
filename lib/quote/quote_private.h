/* Internal to the library and the quote trainer: what the quote model's
 * files share. The label set, the sequence of tokens the model labels (with
 * what the text around each token says: punctuation, quotation marks,
 * sentences, entities), the feature extractor, the in-memory model, and
 * the decoder that turns labels into attributions. */
#ifndef PSEARCH_QUOTE_PRIVATE_H
#define PSEARCH_QUOTE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/modelfile.h"
#include "psearch/quotes.h"

/* Labels are BIO over the three roles of an attribution. */
enum {
    PS__Q_O = 0,
    PS__Q_BSRC,
    PS__Q_ISRC,
    PS__Q_BCUE,
    PS__Q_ICUE,
    PS__Q_BCON,
    PS__Q_ICON,
    PS__Q_NLABELS
};
#define PS__Q_ROLE(l) (((l) + 1) / 2) /* 0 none, 1 source, 2 cue, 3 content */
#define PS__Q_IS_B(l) ((l) > 0 && (l) % 2 == 1)
#define PS__Q_STAGES 2
/* Weight tables: the tagger's two stages, then the role tagger that finds
 * the source and content of one cue. */
#define PS__Q_TABLES 3
#define PS__Q_ROLE_TABLE 2
/* How far from its cue the role tagger looks, in tokens. */
#define PS__Q_WINDOW 60

/* Bits of the punctuation between two tokens (the gap). */
enum {
    PS__G_OPEN = 1u << 0,  /* a quotation mark that opens a quote */
    PS__G_CLOSE = 1u << 1, /* one that closes it */
    PS__G_COMMA = 1u << 2,
    PS__G_STOP = 1u << 3, /* . ! ? */
    PS__G_COLON = 1u << 4,
    PS__G_DASH = 1u << 5,
    PS__G_PAREN = 1u << 6,
    PS__G_LINE = 1u << 7, /* a line break */
};

/* One element of the sequence: a token of the analyzer, compound parts
 * left out (their whole stands for them). */
typedef struct ps__qtok {
    size_t start, end; /* bytes, BASE included */
    uint64_t term, stem, shape;
    uint64_t suffix; /* the term's last three bytes */
    uint8_t gap;      /* PS__G_* before the token */
    uint8_t inq;      /* inside quotation marks */
    uint8_t ent;      /* 0, else 1 + entity type * 2 + (first token) */
    uint8_t lex;      /* cue lexicon class of the stem (0 none, 1..3) */
    uint32_t flags;   /* the analyzer's PS_TOK_* */
    uint32_t sent;    /* sentence number */
    size_t open_at;   /* the opening mark in the gap before, or SIZE_MAX */
    size_t close_end; /* the end of the closing mark in the gap after, or 0 */
    int ent_index;    /* the entity of the mention, or -1 */
} ps__qtok_t;

/* The in-memory model. WEIGHTS[s] has 2^ROW_BITS rows of NLABELS int16;
 * TRANS[s][(prev + 1) * NLABELS + cur] is the weight of CUR after PREV
 * (prev -1: the first token). LEX is an open addressing table of NLEX
 * slots (a power of two) of stem hashes, the low 2 bits of each slot's
 * key being its class. */
typedef struct ps__qmodel_view {
    uint32_t row_bits;
    uint32_t nlex;
    float conf_scale; /* the margin at which confidence is one half */
    const int32_t *trans[PS__Q_TABLES];
    const int16_t *weights[PS__Q_TABLES];
    const uint64_t *lex;
} ps__qmodel_view_t;

struct ps_quote_model {
    ps__qmodel_view_t v;
    ps__model_buf_t file; /* the file's bytes, which V points into */
};

/* A stem's key in the cue lexicon (class bits cleared). */
uint64_t ps__q_lex_key(uint64_t stem_hash);
/* The class (1..3) of STEM_HASH in V's lexicon, 0 if absent. */
int ps__q_lex_class(const ps__qmodel_view_t *v, uint64_t stem_hash);

/* Builds the sequence of TOKENS over TEXT (as ps_quoter_run gets them)
 * into *SEQ (grown with realloc; *CAP its capacity). Returns the count, or
 * (size_t)-1 when out of memory. LEX classes are filled from V when V is
 * not NULL. */
size_t ps__q_sequence(const char *text, size_t len, size_t base,
                      const ps_token_t *tokens, size_t ntokens,
                      const ps_entity_t *ents, size_t nents,
                      const ps__qmodel_view_t *v, ps__qtok_t **seq,
                      size_t *cap);

/* The most features one token has in one stage. */
#define PS__Q_MAXF 96

/* Writes the weight-table rows of token I's stage-STAGE features into
 * ROWS (at most PS__Q_MAXF) and returns how many. STAGE 1 reads the
 * first stage's labels PRED1 of the sequence. */
size_t ps__q_features(const ps__qtok_t *s, size_t n, size_t i, int stage,
                      const uint8_t *pred1, uint32_t row_bits,
                      uint32_t *rows);

/* Whether label CUR may follow PREV (-1: first token). */
int ps__q_allowed(int prev, int cur);

/* Viterbi over SCORES[n][NLABELS] with transitions TRANS (floating point);
 * writes the labels into OUT. BACK holds n * NLABELS bytes. */
void ps__q_viterbi(const double *scores, const double *trans, size_t n,
                   uint8_t *back, uint8_t *out);

/* An attribution as token ranges of the sequence, before speakers. */
typedef struct ps__qattr {
    uint32_t src[2], cue[2];  /* first and last + 1; src[0] == src[1]: none */
    uint32_t con[4][2];       /* up to four content pieces */
    uint32_t ncon;
    float margin;
} ps__qattr_t;

/* Sets the scores of labels not allowed for the cue [CA, CB) in the
 * window [WA, WB) to minus infinity (SCORES starts at token WA). */
void ps__q_role_mask(double *scores, uint32_t wa, uint32_t wb, uint32_t ca,
                     uint32_t cb);

/* The attribution of the cue [CA, CB) from the window's labels WLAB;
 * whether it has content. */
int ps__q_role_extract(const uint8_t *wlab, uint32_t wa, uint32_t wb,
                       uint32_t ca, uint32_t cb, ps__qattr_t *a);

/* Counts before each token of the sequence (N + 1 of each), so the role
 * tagger knows in constant time what lies between a token and its cue. */
typedef struct ps__qctx {
    uint32_t *cues;   /* cue segments the first stage opened */
    uint32_t *sents;  /* sentence starts */
    uint32_t *quotes; /* gaps with a quotation mark */
} ps__qctx_t;

/* Fills CX (arrays of N + 1) from S and the first stage's labels P1. */
void ps__q_context(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                   ps__qctx_t *cx);

/* The rows of token I's features for the cue of tokens [CA, CB). */
size_t ps__q_role_features(const ps__qtok_t *s, size_t n, size_t i,
                           uint32_t ca, uint32_t cb, const uint8_t *p1,
                           const ps__qctx_t *cx, uint32_t row_bits,
                           uint32_t *rows);

/* The window of the cue [CA, CB): tokens [*WA, *WB). */
void ps__q_window(size_t n, uint32_t ca, uint32_t cb, uint32_t *wa,
                  uint32_t *wb);

/* Whether label L is allowed at token I for the cue [CA, CB): cue labels
 * on the cue only. */
int ps__q_role_allowed(size_t i, uint32_t ca, uint32_t cb, int l);

/* The model file's header (lib/quote/quote_model.c gives the whole
 * format, base/modelfile.h the frame every model shares), shared by the
 * loader and the trainer's writer. */
#define PS__Q_MAGIC "PSQUOTMD"
#define PS__Q_FORMAT_VERSION 1u
#define PS__Q_ROLE_SET "SRC,CUE,CONTENT"
#define PS__Q_MIN_ROW_BITS 4u
#define PS__Q_MAX_ROW_BITS 24u
#define PS__Q_MAX_LEX (1u << 20)

/* The size a model file of these table sizes must have. */
uint64_t ps__q_model_size(uint32_t row_bits, uint32_t nlex);

/* Writes the model V to PATH through a temporary file
 * (train/quote_model_write.c, in the training library). */
ps_status_t ps__q_model_write(const char *path, const ps__qmodel_view_t *v,
                              char **errmsg);

/* Scores token I of S with stage STAGE's weights of V into SC[NLABELS]
 * (ROWS is scratch of PS__Q_MAXF). */
void ps__q_score(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                 size_t i, int stage, const uint8_t *pred1, uint32_t *rows,
                 double *sc);

/* Labels the sequence with both stages of V: P1 gets the first stage's
 * labels, OUT the second's, MARGIN (may be NULL) each token's score margin
 * over its best other label. SCORES holds n * NLABELS, BACK n * NLABELS. */
void ps__q_label(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                 double *scores, uint8_t *back, uint8_t *p1, uint8_t *out,
                 float *margin);

/* The attributions of the cues in LAB, each with the role tagger's
 * source and content, into OUT (room for one per token). SCORES, BACK and
 * WLAB are scratch for one window. Returns the count. */
size_t ps__q_attribute(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                       size_t n, const uint8_t *p1, const uint8_t *lab,
                       const float *margin, const ps__qctx_t *cx,
                       double *scores, uint8_t *back, uint8_t *wlab,
                       ps__qattr_t *out);

#endif
