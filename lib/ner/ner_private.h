/* Internal to the library: what the NER model's files share. The model's
 * in-memory layout (read by the decoder, written by the trainer), the label
 * set, and the feature extractor that turns analyzer tokens into rows of
 * the weight table. */
#ifndef PSEARCH_NER_PRIVATE_H
#define PSEARCH_NER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/modelfile.h"
#include "psearch/ner.h"

/* Labels are BIO over the four types: O, then B-T and I-T for each type T
 * in ps_ner_type_t order. */
#define PS__NER_NLABELS (1 + 2 * PS_NER__COUNT)
#define PS__NER_O 0
#define PS__NER_B(t) (1 + 2 * (int)(t))
#define PS__NER_I(t) (2 + 2 * (int)(t))
#define PS__NER_TYPE(label) (((label)-1) / 2)
#define PS__NER_IS_I(label) ((label) > 0 && ((label)-1) % 2 == 1)
/* A row of the weight table holds the weights of labels 1 .. NLABELS - 1:
 * label O's are subtracted from the others when the model is written, which
 * changes no decision (a constant added to every label of a token moves
 * every path through it alike) and makes a row 16 bytes. */
#define PS__NER_ROW (PS__NER_NLABELS - 1)

/* A word's record in the lists derived from the training data, as bits:
 * for each type T, bit 2T when the word opens a name of type T and bit
 * 2T+1 when it continues one; PS__NER_W_SEEN when the word occurs at all
 * and PS__NER_W_OUTSIDE when it occurs outside every name. */
#define PS__NER_W_SEEN (1u << 8)
#define PS__NER_W_OUTSIDE (1u << 9)
/* Bit 9 + N: a name of N tokens (1 to PS__NER_MAX_PHRASE) starts with the
 * word, so the phrase list is only searched for lengths that exist. */
#define PS__NER_W_STARTS(n) (1u << (9 + (n)))
/* The word is in the lexicon of common lowercase words given to the
 * trainer (a dictionary): a capital on it says little. */
#define PS__NER_W_LEXICON (1u << 15)
/* The word is a capitalised entry of the same dictionary ("Isaac",
 * "Harrisonburg"): a proper name, of no type the dictionary says.
 * Ratinov and Roth (2009) find such lists among the knowledge that helps
 * most on text unlike the training data. */
#define PS__NER_W_PROPER (1u << 24)
/* The bits that are features; the others only guide the phrase search. */
#define PS__NER_W_FEATURES (0x3ffu | PS__NER_W_LEXICON | PS__NER_W_PROPER)
/* Bits 16 to 23: the word's cluster (ner_clusters.c), 0 for none. */
#define PS__NER_W_CLUSTER_SHIFT 16
#define PS__NER_W_CLUSTER(rec) (((rec) >> PS__NER_W_CLUSTER_SHIFT) & 0xffu)
/* A whole name of type T seen in training: bit T of a phrase record. */

/* The in-memory model: two stages, each with weights and transitions.
 * The first labels the text from its features; the second sees the same
 * features and what the first said about every word of the text
 * (ps__ner_nonlocal). WEIGHTS has NROWS rows; a row holds PS__NER_ROW
 * int16 weights of the first stage, then as many of the second, so that
 * the second stage finds in cache the rows the first just read.
 * TRANS[s][(prev + 1) * NLABELS + cur] is stage S's weight of label CUR
 * after PREV (prev -1: the first token of a line). LIST is an open
 * addressing table of NLIST slots (a power of two) keyed by 64-bit hashes:
 * word records (ps__ner_word_key) and whole names (ps__ner_phrase_key). */
struct ps_ner_model {
    ps__model_buf_t file; /* The file's bytes, which the arrays below
                           * point into, in read-only memory. */
    uint32_t row_bits;
    uint32_t nrows;
    const int16_t *weights;
    const int32_t *trans[2];
    uint32_t nlist;
    const uint64_t *list_keys;   /* 0: an empty slot. */
    const uint32_t *list_values; /* Bits as above. */
};

/* Capitalisation in context: what a capital says depends on where it is. */
enum ps__ner_ctx {
    CTX_LOWER = 0, /* Starts with a lowercase letter. */
    CTX_CAP_MID,   /* A capital inside a sentence of an ordinary line. */
    CTX_CAP_START, /* A capital that opens a sentence. */
    CTX_CAP_HEAD,  /* A word of an all-caps line (a headline, a dateline). */
    CTX_CAP_TITLE, /* A capital on a line with no lowercase word. */
    CTX_UPPER_MID, /* All caps inside an ordinary line ("NATO"). */
    CTX_NUMBER,    /* A number. */
    CTX_OTHER,     /* No letter and no number. */
};

/* Mixes 64 bits (the MurmurHash3 finaliser): feature hashes are a
 * template number mixed with the hashes of what it looks at. */
static inline uint64_t ps__ner_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t ps__ner_feat1(uint32_t tpl, uint64_t a)
{
    return ps__ner_mix(a + (uint64_t)tpl * 0x9e3779b97f4a7c15ULL);
}

static inline uint64_t ps__ner_feat2(uint32_t tpl, uint64_t a, uint64_t b)
{
    return ps__ner_mix(ps__ner_mix(a + (uint64_t)tpl * 0x9e3779b97f4a7c15ULL) ^
                       b);
}

/* The longest name the phrase list matches, in tokens. */
#define PS__NER_MAX_PHRASE 5

/* Hashes of words and phrases for the lists: never 0. */
uint64_t ps__ner_word_key(uint64_t term_hash);
uint64_t ps__ner_phrase_key(const uint64_t *term_hashes, size_t n);
uint64_t ps__ner_hash(const void *p, size_t n);

/* Looks KEY up in a list table of NSLOTS slots; 0 when absent. */
uint32_t ps__ner_list_get(const uint64_t *keys, const uint32_t *values,
                          uint32_t nslots, uint64_t key);

/* Clusters the words of STREAM (N term hashes, 0 at each sentence
 * boundary) seen at least MIN_COUNT times into classes 2 .. NCLASS - 1 by
 * the exchange algorithm, in at most ITERS passes. On success returns 0
 * and *KEYS and *CLASSES (the caller frees both) give the *NWORDS words'
 * term hashes and classes; -1 when memory runs out. */
int ps__ner_cluster(const uint64_t *stream, size_t n, unsigned nclass,
                    unsigned min_count, unsigned iters, uint64_t **keys,
                    uint16_t **classes, size_t *nwords);

/* The entries of a list table last looked up, by key: a text's words
 * and names are mostly the same few hundred, and each lookup in the
 * model's list table of megabytes is a cache miss. Direct mapped; key 0,
 * which no list key is, marks an empty slot. */
#define PS__NER_LCACHE 4096
typedef struct ps__ner_lcache {
    uint64_t key[PS__NER_LCACHE];
    uint32_t value[PS__NER_LCACHE];
} ps__ner_lcache_t;

/* A list the trainer builds and the extractor consults: the model's own
 * table, or a fold's table while training. CACHE is NULL, or a cache of
 * entries that only ever sees this table. */
typedef struct ps__ner_lists {
    const uint64_t *keys;
    const uint32_t *values;
    uint32_t nslots;
    ps__ner_lcache_t *cache;
} ps__ner_lists_t;

/* Adds to ACC[0 .. LANES) the first LANES weights of each of the N rows
 * ROWS of the weight table W (rows of 2 * PS__NER_ROW weights). Sums of
 * integers: the order of the rows changes nothing. */
static inline void ps__ner_add_rows(int32_t *acc, const int16_t *w,
                                    const uint32_t *rows, size_t n, int lanes)
{
    for (size_t r = 0; r < n; r++) {
        const int16_t *row = w + (size_t)rows[r] * 2 * PS__NER_ROW;
        for (int l = 0; l < lanes; l++)
            acc[l] += row[l];
    }
}

/* The features of one text: for sequence token k (tokens that are not
 * compound parts, in order), ROWS[START[k] .. START[k + 1]) are its rows in
 * the weight table when the extractor was given no weights; given them,
 * SUMS[k * 2 * PS__NER_ROW ..] are the sums of those rows' weights, of
 * both stages, in place of the rows. TOK[k] is its index in the
 * analyzer's array. LINE[k] is nonzero when token k opens a line or a
 * sentence (PS_TOK_SENT_START): a name never continues across, and each
 * is decoded apart. */
typedef struct ps__ner_feats {
    size_t n;        /* Sequence tokens. */
    uint32_t *tok;   /* [n] */
    uint8_t *line;   /* [n] */
    uint32_t *start; /* [n + 1] */
    uint32_t *rows;
    uint64_t *term; /* [n] Hash of each token's term. */
    uint8_t *ctx;   /* [n] Its capitalisation in context. */
    uint8_t *comma; /* [n] A ',' or ';' comes before it in its sentence. */
    int32_t *sums;
    size_t cap_n, cap_rows, cap_sums;
    /* Scratch for the extractor. */
    void *scratch;
} ps__ner_feats_t;

void ps__ner_feats_free(ps__ner_feats_t *f);

/* Frees F's buffers that only extraction uses, keeping those a caller may
 * read until the next extraction (N, TOK, LINE, TERM, CTX, COMMA). */
void ps__ner_feats_trim(ps__ner_feats_t *f);

/* Extracts the features of TEXT's tokens into F (reusing its buffers).
 * HINTS is NULL or one byte per analyzer token (ner.h); LISTS the train
 * lists; ROW_BITS the log2 of the weight table's rows; WEIGHTS NULL for
 * F->rows, else the model's weight table for F->sums. Returns PS_OK or
 * PS_ENOMEM. */
ps_status_t ps__ner_extract(ps__ner_feats_t *f, const char *text, size_t len,
                            size_t base, const ps_token_t *tokens,
                            size_t ntokens, const uint8_t *hints,
                            const ps__ner_lists_t *lists, uint32_t row_bits,
                            const int16_t *weights);

/* The second stage's extra features of a text: for sequence token k,
 * ROWS[START[k] .. START[k + 1]). */
typedef struct ps__ner_nl {
    uint32_t *start, *rows;
    size_t cap_n, cap_rows;
    uint64_t *keys; /* Scratch: the text's words and their labels. */
    uint16_t *counts;
    size_t cap_tab;
} ps__ner_nl_t;

void ps__ner_nl_free(ps__ner_nl_t *nl);

/* Computes the second stage's features of N tokens (TERM, CTX, LINE as in
 * ps__ner_feats_t) from the first stage's LABELS: what the first stage
 * said about the same word elsewhere in the text, and about the token and
 * its neighbours. With WEIGHTS NULL they go to NL->rows; else the second
 * stage's weights of each token's rows are added to SUMS, laid out as
 * ps__ner_feats_t's. Returns PS_OK or PS_ENOMEM. */
ps_status_t ps__ner_nonlocal(ps__ner_nl_t *nl, size_t n, const uint64_t *term,
                             const uint8_t *ctx, const uint8_t *line,
                             const uint8_t *labels, uint32_t row_bits,
                             const int16_t *weights, int32_t *sums);

/* The features of the text last tagged with S: valid until the next
 * ps_ner_tag() on S. The tagger reads each token's capitalisation in
 * context and term hash from them. */
const ps__ner_feats_t *ps__ner_state_feats(const ps_ner_state_t *s);

/* The record (PS__NER_W_* bits) the model's lists hold for the word whose
 * term hashes to TERM_HASH; 0 when the model never saw it. */
uint32_t ps__ner_word_record(const ps_ner_model_t *m, uint64_t term_hash);
/* The record of the whole name of the N terms hashed in TERM_HASHES: bit
 * T for each type T the training data (or the list of places) gave it. */
uint32_t ps__ner_phrase_record(const ps_ner_model_t *m,
                               const uint64_t *term_hashes, size_t n);

/* Whether label CUR may follow label PREV (-1: the line's start): I-T
 * continues only a name of type T. */
int ps__ner_allowed(int prev, int cur);

/* Viterbi over sequence tokens [FROM, TO) with per-token label scores
 * SCORES ([k * NLABELS + label], k from FROM) and transitions TRANS as in
 * the model, -INFINITY where not ps__ner_allowed(); writes the best labels to
 * OUT[FROM..TO). BACK is scratch of (TO - FROM) * NLABELS bytes. Scores are
 * doubles so the trainer and the tagger share it. */
void ps__ner_viterbi(const double *scores, const double *trans, size_t from,
                     size_t to, uint8_t *back, uint8_t *out);

/* The model file's header (lib/ner/ner_model.c gives the whole format,
 * base/modelfile.h the frame every model shares), shared by the loader
 * and the trainer's writer. */
#define PS__NER_MAGIC "PSNERMDL"
#define PS__NER_FORMAT_VERSION 2u
#define PS__NER_MODEL_TYPE 1u
#define PS__NER_LABEL_SET "PER,LOC,ORG,MISC"
#define PS__NER_MIN_ROW_BITS 2u
#define PS__NER_MAX_ROW_BITS 26u
#define PS__NER_MAX_LIST (1u << 24)

/* The size a file of these table sizes must have, or 0 on overflow. */
uint64_t ps__ner_model_size(uint32_t row_bits, uint32_t nlist);

/* Writes a model file (train/ner_model_write.c, in the training library).
 * WEIGHTS has (1 << ROW_BITS) * 2 * PS__NER_ROW entries, laid out as in the
 * model; each TRANS[s] (NLABELS + 1) * NLABELS. Returns PS_OK, or PS_EIO with
 * *ERRMSG. */
ps_status_t ps__ner_model_write(const char *path, uint32_t row_bits,
                                const int16_t *weights, int32_t *const trans[2],
                                uint32_t nlist, const uint64_t *list_keys,
                                const uint32_t *list_values, char **errmsg);

#endif
