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
/* The confidence's inputs (ps__qmodel_view_t's CALIB), in this order. */
enum {
    PS__QC_MARGIN,
    PS__QC_BIAS,
    PS__QC_DIRECT,
    PS__QC_MIXED,
    PS__QC_ENTITY,
    PS__QC_PRONOUN,
    PS__QC_NOSOURCE,
    PS__Q_NCALIB
};

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

/* What a word's ending says of it (ps__qtok_t.form), for the decode
 * rules: a past participle's ending ("expected", "shown"), an adverb's
 * ("harshly"), "-ing" ("speaking") and "-ed" ("asked") alone. */
enum {
    PS__F_PARTICIPLE = 1u << 0,
    PS__F_ADVERB = 1u << 1,
    PS__F_ING = 1u << 2,
    PS__F_ED = 1u << 3
};

/* One element of the sequence: a token of the analyzer, compound parts
 * left out (their whole stands for them). */
typedef struct ps__qtok {
    size_t start, end; /* bytes, BASE included */
    uint64_t term, stem, shape;
    uint64_t suffix;  /* the term's last three bytes */
    uint8_t gap;      /* PS__G_* before the token */
    uint8_t inq;      /* inside quotation marks */
    uint8_t ent;      /* 0, else 1 + entity type * 2 + (first token) */
    uint8_t lex;      /* cue lexicon class of the stem (0 none, 1..3) */
    uint8_t clus;     /* word class of the stem (0 rare or none) */
    uint8_t form;     /* PS__F_* of the word's ending; no feature reads it */
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
    float conf_scale; /* the median margin of the cues found in training */
    /* The confidence's logistic: weights of the cue's margin in units of
     * CONF_SCALE, of 1, and of the attribution's kind (direct, mixed) and
     * speaker kind (entity, pronoun, none) being so (quote_run.c). */
    float calib[PS__Q_NCALIB];
    const int32_t *trans[PS__Q_TABLES];
    const int16_t *weights[PS__Q_TABLES];
    const uint64_t *lex;
    /* The same weights laid out for speed (NULL when absent, as in the
     * trainer): STAGES holds each row of both stages side by side, eight
     * int16 each (the eighth zero), so one cache line serves both stages
     * and one vector load reads a row; ROLE the role table's rows, eight
     * wide likewise. */
    const int16_t *wide_stages, *wide_role;
    const struct ps__qquiet *quiet; /* NULL when absent, as in the trainer */
    const struct ps__qtab *tab;     /* likewise */
    const struct ps__qrtab *rtab;   /* likewise */
} ps__qmodel_view_t;

/* The role tagger's like (quote_role.c): by side (0 right, 1 left), the
 * rows of its features whose two values are both distances, counts
 * clipped to a few, labels or cue classes. */
typedef struct ps__qrtab {
    uint32_t t2[2][12][4], t3[2][16][3], t4[2][48][2];
    uint32_t t5[2][7][4], t6[2][7][12], t7[2][28][16];
    uint32_t t21[2][4][12], t29[2][16][7], t30[2][4][12];
    /* Feature 18's rows (its first value's index 64 and its second's 7
     * standing for 99, no token), and the first hash of the features
     * whose first value is a gap (10, 22; 23's 256 no token), the
     * quotation state and gap (11), an entity code (12), a label (32) or
     * a word class (37). */
    uint32_t t18[2][65][8];
    uint64_t m10[2][256], m11[2][2][256], m12[2][256], m22[2][256];
    uint64_t m23[2][257], m32[2][7], m37[2][256];
    /* The rows, for the quoter's split (ps__q_role_split), of the
     * features whose second value is a distance bucket (12, 22, 23, and
     * 19 by ps__q_shape_ix) or a clipped count (11). */
    uint32_t r11[2][2][256][4], r12[2][256][12], r19[2][33][12];
    uint32_t r22[2][256][12], r23[2][257][12];
} ps__qrtab_t;

/* Fills T for a table of 2^ROW_BITS rows. */
void ps__q_rtab_init(uint32_t row_bits, ps__qrtab_t *t);

/* The rows of the first stage's features whose values come from small
 * sets (punctuation, quotation state, entity type, cue class, distance
 * buckets), made at load: a row is then a load instead of two hashes.
 * Named by template (quote_features.c); the cue classes are 0 to 3 and
 * the quotation state 0 or 1, as quote_seq.c sets them, 9 and 2 standing
 * for no token, 7 for no cue word within the scan. */
typedef struct ps__qtab {
    uint32_t t1;
    uint32_t t12[256], t13[257], t17[256];
    uint32_t t15[2][3];
    uint32_t t20[7][2], t21[7][2];
    uint32_t t22[4][2], t23[10][4], t24[4][10];
    uint32_t t25[8][4], t26[8][4];
    /* The word classes' (clus is 8 bits) and, as M*, the first hash of
     * the features whose first value comes from a small set: the gap
     * (14, 16), the entity code or 0x100 for no token (18, 19), the
     * distance index as NEAR_IX (33, 34), the word class or 0x100 (56,
     * 57, 58). */
    uint32_t t55[256][2];
    /* Features 10 and 11, by ps__q_shape_ix (33 standing for EDGE, no
     * token before). */
    uint32_t t10[33][2], t11[34][33];
    uint64_t m14[256], m16[2][256], m18[257], m19[256];
    uint64_t m33[8], m34[8], m56[257], m57[256], m58[256];
    /* Features 33 and 34 by NEAR_IX and the quotation state and gap (inq
     * * 16 + gap), 61 by word class and cue class (clus * 4 + lex) and
     * lookahead. */
    uint32_t t33[8][272], t34[8][272], t61[1024][8];
    /* The second stage's: labels 0 to 6, 9 for no token (index 7 here),
     * and the distance buckets of its scans (0 to 6). */
    uint32_t t40[7], t41[8][7], t42[7][8], t44[7][256];
    uint32_t t46[6][7][2], t52[64][2];
    uint64_t m43[256], m45[7], m53[64], m54[64];
} ps__qtab_t;

/* Fills T for a table of 2^ROW_BITS rows. */
void ps__q_tab_init(uint32_t row_bits, ps__qtab_t *t);

/* The flags quote_seq.c keeps as a token's shape, and the shape of a
 * mark. */
#define PS__Q_SHAPE_BITS                                                       \
    (PS_TOK_CAP | PS_TOK_UPPER | PS_TOK_NUMBER | PS_TOK_ACRONYM |              \
     PS_TOK_POSSESSIVE)
#define PS__Q_SHAPE_MARK 0x10000u

/* The index of a shape in the tables of features 10 and 11: its five
 * flags as five bits, 32 a mark, -1 for anything else (the feature is
 * then hashed). */
static inline int ps__q_shape_ix(uint64_t shape)
{
    if (shape == PS__Q_SHAPE_MARK)
        return 32;
    if (shape & ~(uint64_t)PS__Q_SHAPE_BITS)
        return -1;
    return (int)(((shape >> 2) & 7) | ((shape >> 7) & 3) << 3);
}

/* The shape of index IX (0 to 32), as ps__q_shape_ix reads it. */
static inline uint64_t ps__q_shape_of_ix(int ix)
{
    if (ix == 32)
        return PS__Q_SHAPE_MARK;
    return (uint64_t)(ix & 7) << 2 | (uint64_t)(ix >> 3) << 7;
}

/* The hash that makes the first stage's feature rows: the row of the
 * feature (TMPL, A, B) is mix(mix(TMPL, A), B) masked to the table. */
static inline uint64_t ps__q_mix(uint64_t a, uint64_t b)
{
    uint64_t k = (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL);
    k ^= k >> 31;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 27;
    return k;
}

/* What the first stage's features ask of one word alone, worked out once
 * per word by the quoter's word cache (quote_words.c) instead of at every
 * token: of a stem, the rows of the features that are the stem alone
 * (templates 3 to 7, 27 by quotation state) and the first hash of those
 * whose first value it is (35, 37, 38, 39, 60); of a term (and its suffix),
 * the row of 2 and the first hashes of 8, 9, 28, 31 and 36. */
typedef struct ps__qwstem {
    uint32_t r3, r4, r5, r6, r7, r27[2];
    uint64_t m35, m37, m38, m39, m60;
} ps__qwstem_t;
typedef struct ps__qwterm {
    uint32_t r2;
    uint64_t m8, m9, m28, m31, m36;
} ps__qwterm_t;

/* The words of the tokens [BASE, BASE + N) of a sequence, for a block of
 * tokens' features: ST[i - BASE] and TM[i - BASE] are token I's. */
typedef struct ps__qwords {
    const ps__qwstem_t *st;
    const ps__qwterm_t *tm;
    size_t base, n;
    /* The side-by-side rows (wide_stages) the features' rows are
     * prefetched from as they are found, or NULL (ps__q_words' default). */
    const int16_t *pf;
} ps__qwords_t;

/* The most tokens whose features one block of ps__q_words() serves (it
 * fills two more either side). */
#define PS__Q_WBLOCK 256

/* The word cache: one per quoter (it is written as it is read), for one
 * model's table size. */
typedef struct ps__qwcache ps__qwcache_t;
ps__qwcache_t *ps__q_wcache_new(uint32_t row_bits);
void ps__q_wcache_free(ps__qwcache_t *c);

/* Fills W (buffers of C) with the words of the tokens [A, B) of S. */
void ps__q_words(ps__qwcache_t *c, const ps__qtok_t *s, size_t a, size_t b,
                 ps__qwords_t *w);

/* The second stage's own sums for a quiet token, one whose first-stage
 * neighbourhood says nothing (ps__q_quiet): every one of its features
 * but three is then a constant of the model, or of the token's quotation
 * state or gap, so their sums are worked out once at load. Most tokens of
 * text that is not news are quiet. K[inq] sums the constant features,
 * GAP[gap] the gap's; IN45 and IN54 are the first hashes of the two
 * features of the token's stem (ps__q_quiet_rows). */
typedef struct ps__qquiet {
    int32_t k[2][8];
    int32_t gap[256][8];
    uint64_t in45, in54;
} ps__qquiet_t;

struct ps_quote_model {
    ps__qmodel_view_t v;
    ps__model_buf_t file; /* the file's bytes, which V points into */
    int16_t *wide;        /* what wide_stages and wide_role point into */
    ps__qquiet_t *quiet;  /* what v.quiet points to */
    ps__qtab_t *tab;      /* what v.tab points to */
    ps__qrtab_t *rtab;    /* what v.rtab points to */
};

_Static_assert(PS__Q_NLABELS <= 8 && PS__Q_STAGES == 2,
               "the eight-wide weights hold two stages of at most 8 labels");

/* Adds the rows ROWS[0..NF) of W (a row's weights at W + row * STRIDE)
 * to ACC[0..LANES). Callers wrap it in a function also compiled for AVX2
 * (as the entity tagger's sum_rows), where the loop becomes a load, a
 * widening and an add per eight weights; integer sums, so the order and
 * the instructions change nothing. */
static inline void ps__q_add_rows(int32_t *acc, const int16_t *w, size_t stride,
                                  const uint32_t *rows, size_t nf, int lanes)
{
#pragma GCC unroll 4
    for (size_t f = 0; f < nf; f++) {
        const int16_t *r = w + (size_t)rows[f] * stride;
        for (int l = 0; l < lanes; l++)
            acc[l] += r[l];
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PS__Q_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PS__Q_CLONES
#endif

/* The low bits of a lexicon slot: the stem's cue class (bits 0-1) and
 * its word class (bits 2-9, quote_train.c's clusters); the bit above
 * them is always set in a key, so a key is never 0. */
#define PS__Q_LEX_BITS 0x3ffu
/* A stem's key in the cue lexicon (record bits cleared). */
uint64_t ps__q_lex_key(uint64_t stem_hash);
/* The record (PS__Q_LEX_BITS) of STEM_HASH in V's lexicon, 0 if absent. */
uint32_t ps__q_lex_get(const ps__qmodel_view_t *v, uint64_t stem_hash);
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
                      const uint8_t *pred1, uint32_t row_bits, uint32_t *rows);

/* What the features' scans along a sentence find for one token, worked
 * out for a whole sequence in a few linear passes instead of up to some
 * 400 steps a token: the first and last token the sentence features look
 * at, and the nearest cue-lexicon word and (second stage) the nearest
 * source, cue and content the first stage labelled, left and right (-1
 * when none). */
typedef struct ps__qnear {
    int32_t sa, sb;
    int32_t lex[2];
    int32_t role[3][2];
    uint32_t ahead; /* what the first stage's lookahead finds */
} ps__qnear_t;

/* Fills Q from the second stage's weights in V's wide_stages. */
void ps__q_quiet_init(const ps__qmodel_view_t *v, ps__qquiet_t *q);

/* Whether token I of S is quiet for the first stage's labels P1 (NEAR
 * filled by ps__q_near2): P1 is O from two tokens before it to two after,
 * no source, cue or content lies within the scans, and it is inside or
 * outside quotation marks (inq 0 or 1). Its second-stage sums are then
 * Q's K[inq] and GAP[gap] and its two ps__q_quiet_rows. */
int ps__q_quiet(const ps__qtok_t *s, size_t n, size_t i, const uint8_t *p1,
                const ps__qnear_t *near);

/* The rows of the quiet token I's two stem features. */
void ps__q_quiet_rows(const ps__qquiet_t *q, const ps__qtok_t *s, size_t i,
                      uint32_t row_bits, uint32_t rows[2]);

/* Fills the SA, SB, LEX and AHEAD of NEAR[0..N) (ps__q_near1), then the ROLE
 * from the first stage's labels P1 (ps__q_near2, which reads SA and SB). */
void ps__q_near1(const ps__qtok_t *s, size_t n, ps__qnear_t *near);
void ps__q_near2(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                 ps__qnear_t *near);

/* The rows ps__q_features writes for stage 0, with the scans read from
 * NEAR (after ps__q_near1) and the rows of TAB (may be NULL). */
size_t ps__q_features1(const ps__qtok_t *s, size_t n, size_t i,
                       const ps__qnear_t *near, const ps__qtab_t *tab,
                       const ps__qwords_t *w, uint32_t row_bits,
                       uint32_t *rows);

/* ps__q_features1 with its fast path (TAB and W needed), leaving out the
 * rows of the token's small-set group (ps__q_group1_rows) when it has a
 * group key, which *KEY gets (0 when it has none: every row written). */
size_t ps__q_features1g(const ps__qtok_t *s, size_t n, size_t i,
                        const ps__qnear_t *near, const ps__qtab_t *tab,
                        const ps__qwords_t *w, uint32_t row_bits,
                        uint32_t *rows, uint64_t *key);

/* The rows of the first stage's features whose values all come from
 * small sets of the token and its neighbours (the bias, shapes, gaps,
 * quotation states, entity codes, cue classes: templates 1, 10 to 19
 * and 22 to 24), of the group KEY (ps__q_features1g): their sums are
 * kept by key (ps__q_group1). Writes PS__Q_GROUP1 rows. */
#define PS__Q_GROUP1 14
void ps__q_group1_rows(const ps__qtab_t *tb, uint64_t key, uint32_t row_bits,
                       uint32_t *rows);

/* The sums of both stages (16 lanes) of the rows of group KEY, from the
 * word cache C when kept there, else worked out and kept. */
const int32_t *ps__q_group1(ps__qwcache_t *c, const ps__qmodel_view_t *v,
                            uint64_t key);

/* The rows of token I's second-stage features alone (those ps__q_features
 * adds to the first stage's for STAGE 1), the scans read from NEAR (after
 * ps__q_near2). */
size_t ps__q_features2(const ps__qtok_t *s, size_t n, size_t i,
                       const uint8_t *pred1, const ps__qnear_t *near,
                       const ps__qtab_t *tab, uint32_t row_bits,
                       uint32_t *rows);

/* The labels ps__q_viterbi gives for each line of S (as the labeller
 * decodes, a path per line), from integer scores: token I's L scores at
 * SC + I * STRIDE, the transitions TRANS as the model file has them
 * (ps__qmodel_view_t). SCRATCH (N rows of NLABELS doubles) and BACK (N *
 * NLABELS) are scratch (quote_decode.c). */
void ps__q_decode_int(const ps__qtok_t *s, size_t n, const int32_t *sc,
                      size_t stride, const int32_t *trans, double *scratch,
                      uint8_t *back, uint8_t *lab);

/* Whether label CUR may follow PREV (-1: first token). In quote_viterbi.c,
 * with ps__q_viterbi and ps__q_viterbi_content. */
int ps__q_allowed(int prev, int cur);

/* Viterbi over SCORES[n][NLABELS] with transitions TRANS (floating point);
 * writes the labels into OUT. BACK holds n * NLABELS bytes. */
void ps__q_viterbi(const double *scores, const double *trans, size_t n,
                   uint8_t *back, uint8_t *out);

/* The best labelling of a role window of N tokens (SCORES, TRANS as for
 * ps__q_viterbi) that gives the cue some content, into OUT; BACK holds
 * N * NLABELS bytes. Returns 0 when no labelling has content. In
 * quote_viterbi.c. */
int ps__q_viterbi_content(const double *scores, const double *trans,
                          size_t n, uint8_t *back, uint8_t *out);


/* An attribution as token ranges of the sequence, before speakers. */
typedef struct ps__qattr {
    uint32_t src[2], cue[2]; /* first and last + 1; src[0] == src[1]: none */
    uint32_t con[4][2];      /* up to four content pieces */
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
    uint32_t *commas; /* gaps with a comma */
} ps__qctx_t;

/* How many arrays of N + 1 a ps__qctx_t holds. */
#define PS__Q_CTX_ARRAYS 4

/* Fills CX (arrays of N + 1) from S and the first stage's labels P1. */
void ps__q_context(const ps__qtok_t *s, size_t n, const uint8_t *p1,
                   ps__qctx_t *cx);

/* What the role features of one cue share across its window: the first
 * hash of each of the PS__Q_RC_N features whose first value is the cue's
 * alone, by side (0 right, 1 left), and the rows of the features that are
 * the cue's alone (the side's constant; a token of the cue). */
#define PS__Q_RC_N 10
typedef struct ps__qrcue {
    uint64_t in[2][PS__Q_RC_N];
    uint32_t one[2];
    uint32_t oncue;
    const ps__qrtab_t *tab; /* rows made at load, or NULL */
} ps__qrcue_t;

/* Fills RC for the cue [CA, CB), its TAB NULL (callers with the model's
 * tables set it). */
void ps__q_role_cue(const ps__qtok_t *s, size_t n, uint32_t ca, uint32_t cb,
                    uint32_t row_bits, ps__qrcue_t *rc);

/* The rows ps__q_role_features writes, with RC from ps__q_role_cue. */
size_t ps__q_role_features_at(const ps__qtok_t *s, size_t n, size_t i,
                              uint32_t ca, uint32_t cb, const uint8_t *p1,
                              const ps__qctx_t *cx, const ps__qrcue_t *rc,
                              uint32_t row_bits, uint32_t *rows);

/* The rows of token I's features for the cue of tokens [CA, CB). */
size_t ps__q_role_features(const ps__qtok_t *s, size_t n, size_t i, uint32_t ca,
                           uint32_t cb, const uint8_t *p1, const ps__qctx_t *cx,
                           uint32_t row_bits, uint32_t *rows);

/* The role tagger's fast path: a window token's rows in three parts
 * (quote_role.c), which ps__q_role_features_at's rows are all told. The
 * token's own rows go to ROWS (their count returned), and KEYS gets the
 * keys of its two groups (UINT32_MAX on the cue, which has none); RC's
 * TAB must be set. */
size_t ps__q_role_split(const ps__qtok_t *s, size_t n, size_t i, uint32_t ca,
                        uint32_t cb, const uint8_t *p1, const ps__qctx_t *cx,
                        const ps__qrcue_t *rc, uint32_t row_bits,
                        uint32_t *rows, uint32_t keys[2]);

/* The rows of group A (PS__Q_RGROUP_A of them) and B (PS__Q_RGROUP_B) of
 * KEY, for the cue of RC (its TAB set). */
#define PS__Q_RGROUP_A 9
#define PS__Q_RGROUP_B 6
#define PS__Q_RKEYS_A 2048
#define PS__Q_RKEYS_B 1024
void ps__q_role_group_a(const ps__qrcue_t *rc, uint32_t key, uint32_t row_bits,
                        uint32_t *rows);
void ps__q_role_group_b(const ps__qrcue_t *rc, uint32_t key, uint32_t row_bits,
                        uint32_t *rows);

/* The sums of the groups' rows met so far in one cue's window, by key
 * (quote_rsum.c): an entry is the current cue's when its stamp is. */
typedef struct ps__qrsum {
    uint32_t stamp;
    uint32_t seen_a[PS__Q_RKEYS_A], seen_b[PS__Q_RKEYS_B];
    int32_t a[PS__Q_RKEYS_A][8], b[PS__Q_RKEYS_B][8];
    int32_t *buf; /* a window's scores and predecessors, 16 a token */
    size_t cap;   /* tokens BUF has room for */
} ps__qrsum_t;

/* Frees RS (calloc'd) and its buffer. */
void ps__q_rsum_free(ps__qrsum_t *rs);

/* SCORES[(K - WA) * 8 + l] = the role tagger's score of label l at each
 * token K of the window [WA, WB) around the cue [CA, CB), from V's
 * eight-wide role rows and load-time tables (both needed), with RS's
 * sums: the same scores as the rows of ps__q_role_features give. */
void ps__q_role_score(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                      size_t n, uint32_t ca, uint32_t cb, uint32_t wa,
                      uint32_t wb, const uint8_t *p1, const ps__qctx_t *cx,
                      ps__qrsum_t *rs, int32_t *scores);

/* The role tagger's labels of the window [WA, WB) of the cue [CA, CB)
 * into WLAB: ps__q_role_score's scores decoded with the role mask, as
 * ps__q_role_mask and ps__q_viterbi decode doubles. 0 when it could not
 * (out of memory, or a window quote_decode.c leaves to the doubles). */
int ps__q_role_label(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                     size_t n, uint32_t ca, uint32_t cb, uint32_t wa,
                     uint32_t wb, const uint8_t *p1, const ps__qctx_t *cx,
                     ps__qrsum_t *rs, uint8_t *wlab);

/* Viterbi over a role window's W integer score rows SC (eight a token)
 * with the file's transitions TRANS, the cue at tokens [C0, C1) of the
 * window masked as ps__q_role_mask masks; BACK holds 8 * W. Returns 0
 * (OUT unset) where it cannot decode as the double loop would. */
int ps__q_viterbi_role(const int32_t *sc, size_t w, uint32_t c0, uint32_t c1,
                       const int32_t *trans, int32_t *back, uint8_t *out);

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
#define PS__Q_FORMAT_VERSION 4u
#define PS__Q_ROLE_SET "SRC,CUE,CONTENT"
#define PS__Q_MIN_ROW_BITS 4u
#define PS__Q_MAX_ROW_BITS 24u
#define PS__Q_MAX_LEX (1u << 20)
/* The calibration at the file's end: PS__Q_NCALIB f32 and a u32 of 0. */
#define PS__Q_CALIB_BYTES (PS__Q_NCALIB * 4u + 4u)

/* The confidence of an attribution (quote_run.c): a logistic whose inputs
 * X are the margin of its cue's labels over their best other labels in
 * units of the model's SCALE, 1, and whether its KIND is direct or mixed
 * and its speaker SK an entity, a pronoun or none; the model's CALIB
 * weighs them, fitted on the training articles so that a confidence is
 * about the share of attributions of that score that are right (the cue's
 * margin alone is far too sure of itself near 0 and 1). */
void ps__q_calib_inputs(double margin, float scale, ps_quote_kind_t kind,
                        ps_speaker_kind_t sk, double x[PS__Q_NCALIB]);
float ps__q_confidence(const ps__qmodel_view_t *v, double margin,
                       ps_quote_kind_t kind, ps_speaker_kind_t sk);

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
 * labels, OUT the second's, MARGIN (may be NULL) each cue token's score
 * margin over its best other label (0 for the other tokens). SCORES holds n * NLABELS, BACK n * NLABELS. */
void ps__q_label(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                 double *scores, uint8_t *back, uint8_t *p1, uint8_t *out,
                 float *margin);

/* Likewise; ACC2 (n * 16) and NEAR (n), both NULL or neither, are scratch
 * that lets the second stage reuse the first's features and the scans run
 * once a sequence, when V has its eight-wide weights; WC (may be NULL) a
 * word cache that spares most of the first stage's hashing. */
void ps__q_label2(const ps__qmodel_view_t *v, const ps__qtok_t *s, size_t n,
                  double *scores, int32_t *acc2, ps__qnear_t *near,
                  ps__qwcache_t *wc, uint8_t *back, uint8_t *p1, uint8_t *out,
                  float *margin);

/* The attributions of the cues in LAB, each with the role tagger's
 * source and content, into OUT (room for one per token); RS (may be
 * NULL) lets the role tagger keep sums (ps__q_role_score). SCORES (N rows
 * of NLABELS), BACK (N * NLABELS) and WLAB (N) are scratch. Returns the
 * count. */
size_t ps__q_attribute(const ps__qmodel_view_t *v, const ps__qtok_t *s,
                       size_t n, const uint8_t *p1, const uint8_t *lab,
                       const float *margin, const ps__qctx_t *cx,
                       ps__qrsum_t *rs, double *scores, uint8_t *back,
                       uint8_t *wlab, ps__qattr_t *out);

#endif
