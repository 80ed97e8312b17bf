/* The feature templates of the NER model: what, of a token and its
 * neighbours, each feature looks at. A feature is a template number mixed
 * with one or two hashes the extractor made (ner_features.c), and its row
 * in the weight table is the top bits of the result. */
#include <stddef.h>
#include <stdint.h>

/* Prefixes and suffixes are hashed here, a few a token: the library's
 * functions inlined skip a call through the PLT for each, and give the
 * same hashes. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "ner/ner_private.h"
#include "ner/ner_templates.h"

/* Feature templates. The numbers are part of the model format: changing
 * them or what they hash needs a new format version (ner_model.c). */
enum {
    F_BIAS = 1,
    F_WORD,
    F_SURF,
    F_SHAPE,
    F_SSHAPE,
    F_PRE,     /* + length 1..4 */
    F_SUF = 9, /* + length 1..4 */
    F_WPREV = 13,
    F_WNEXT,
    F_WPREV2,
    F_WNEXT2,
    F_WPREV_W,
    F_W_WNEXT,
    F_SSPREV,
    F_SSNEXT,
    F_SS3,
    F_CTX,
    F_CTX_SS,
    F_CTX_LINE,
    F_POS,
    F_PUNCT_B,
    F_PUNCT_A,
    F_PUNCT_B_SS,
    F_POSS,
    F_ACRONYM,
    F_WLIST_BIT,
    F_WLIST,
    F_WLIST_CTX,
    F_WLIST_PREV,
    F_WLIST_NEXT,
    F_PHRASE,
    F_PHRASE_CTX,
    F_HINT,
    F_HINT_CTX,
    F_HINT_PREV,
    F_HINT_NEXT,
    F_DOC_CTX,
    F_LOWER_CTX,
    F_CLUSTER,
    F_CLUSTER_PREV,
    F_CLUSTER_NEXT,
    F_CLUSTER_CTX,
};

/* Appends a row for feature hash H. */
#define ADD(h) (rows[nr++] = (uint32_t)((h) >> shift))

/* Beyond the ends of a sentence. */
#define BOL UINT64_C(0x424f4c)
#define EOL UINT64_C(0x454f4c)

/* The templates of the token alone: its word, surface, shape, affixes. */
static size_t word_rows(uint32_t *rows, const tinfo_t *t, unsigned shift)
{
    size_t nr = 0;
    ADD(ps__ner_feat1(F_BIAS, 0));
    ADD(ps__ner_feat1(F_WORD, t->term));
    ADD(ps__ner_feat1(F_SURF, t->surf));
    ADD(ps__ner_feat1(F_SHAPE, t->shape));
    ADD(ps__ner_feat1(F_SSHAPE, t->sshape));
    for (uint32_t l = 1; l <= 4 && l < t->tlen; l++) {
        ADD(ps__ner_feat1(F_PRE + l - 1, XXH3_64bits(t->t, l)));
        ADD(ps__ner_feat1(F_SUF + l - 1, XXH3_64bits(t->t + t->tlen - l, l)));
    }
    return nr;
}

/* The templates of the neighbours' words and shapes, and of the token's
 * place: capitalisation in context, position, punctuation around it. */
static size_t context_rows(uint32_t *rows, const ps__ner_window_t *w,
                           unsigned shift)
{
    const tinfo_t *t = w->tok, *p = w->prev, *q = w->next;
    uint64_t wp = p ? p->term : BOL, wn = q ? q->term : EOL;
    uint64_t sp = p ? p->sshape : BOL, sn = q ? q->sshape : EOL;
    size_t nr = 0;
    ADD(ps__ner_feat1(F_WPREV, wp));
    ADD(ps__ner_feat1(F_WNEXT, wn));
    ADD(ps__ner_feat1(F_WPREV2, w->prev2 ? w->prev2->term : BOL));
    ADD(ps__ner_feat1(F_WNEXT2, w->next2 ? w->next2->term : EOL));
    ADD(ps__ner_feat2(F_WPREV_W, wp, t->term));
    ADD(ps__ner_feat2(F_W_WNEXT, t->term, wn));
    ADD(ps__ner_feat1(F_SSPREV, sp));
    ADD(ps__ner_feat1(F_SSNEXT, sn));
    ADD(ps__ner_feat2(F_SS3, ps__ner_mix(sp) ^ sn, t->sshape));
    ADD(ps__ner_feat1(F_CTX, t->ctx));
    ADD(ps__ner_feat2(F_CTX_SS, t->ctx, t->sshape));
    ADD(ps__ner_feat2(F_CTX_LINE, t->ctx, t->line_kind));
    ADD(ps__ner_feat2(F_POS, t->pos, t->line_kind));
    ADD(ps__ner_feat1(F_PUNCT_B, t->punct_b));
    ADD(ps__ner_feat1(F_PUNCT_A, t->punct_a));
    ADD(ps__ner_feat2(F_PUNCT_B_SS, t->punct_b, t->sshape));
    if (t->flags & PS_TOK_POSSESSIVE)
        ADD(ps__ner_feat1(F_POSS, t->ctx));
    if (t->flags & PS_TOK_ACRONYM)
        ADD(ps__ner_feat1(F_ACRONYM, 0));
    return nr;
}

/* The templates of what the lists, the phrase list and the gazetteer's
 * hints say of the token and its neighbours. */
static size_t list_rows(uint32_t *rows, const ps__ner_window_t *w,
                        unsigned shift)
{
    const tinfo_t *t = w->tok, *p = w->prev, *q = w->next;
    size_t nr = 0;
    /* Each set bit, lowest first, without testing the others. */
    for (uint32_t bits = t->wfeat; bits; bits &= bits - 1)
        ADD(ps__ner_feat1(F_WLIST_BIT, (unsigned)__builtin_ctz(bits)));
    ADD(ps__ner_feat1(F_WLIST, t->wfeat));
    ADD(ps__ner_feat2(F_WLIST_CTX, t->wfeat, t->ctx));
    ADD(ps__ner_feat1(F_WLIST_PREV, p ? p->wfeat : 0xffff));
    ADD(ps__ner_feat1(F_WLIST_NEXT, q ? q->wfeat : 0xffff));
    if (t->phrase_b | t->phrase_i) {
        for (unsigned ty = 0; ty < PS_NER__COUNT; ty++) {
            if ((t->phrase_b | t->phrase_i) & (1u << ty)) {
                uint64_t v = ty * 2 + !!(t->phrase_b & (1u << ty));
                ADD(ps__ner_feat1(F_PHRASE, v));
                ADD(ps__ner_feat2(F_PHRASE_CTX, v, t->ctx));
            }
        }
    }
    if (t->hint) {
        ADD(ps__ner_feat1(F_HINT, t->hint));
        ADD(ps__ner_feat2(F_HINT_CTX, t->hint, t->ctx));
    }
    if (p && p->hint)
        ADD(ps__ner_feat1(F_HINT_PREV, p->hint));
    if (q && q->hint)
        ADD(ps__ner_feat1(F_HINT_NEXT, q->hint));
    return nr;
}

/* The templates of the whole text: how the word is written elsewhere in
 * it, and the word clusters. */
static size_t text_rows(uint32_t *rows, const ps__ner_window_t *w,
                        unsigned shift)
{
    const tinfo_t *t = w->tok, *p = w->prev, *q = w->next;
    size_t nr = 0;
    ADD(ps__ner_feat2(F_DOC_CTX, t->doc, t->ctx));
    ADD(ps__ner_feat1(F_CLUSTER, t->cluster));
    ADD(ps__ner_feat1(F_CLUSTER_PREV, p ? p->cluster : 0xffff));
    ADD(ps__ner_feat1(F_CLUSTER_NEXT, q ? q->cluster : 0xffff));
    ADD(ps__ner_feat2(F_CLUSTER_CTX, t->cluster, t->ctx));
    if (t->ctx != CTX_LOWER && t->ctx != CTX_CAP_MID)
        ADD(ps__ner_feat2(F_LOWER_CTX, t->term, t->ctx));
    return nr;
}

size_t ps__ner_token_rows(uint32_t *rows, const ps__ner_window_t *w,
                          unsigned shift)
{
    size_t nr = word_rows(rows, w->tok, shift);
    nr += context_rows(rows + nr, w, shift);
    nr += list_rows(rows + nr, w, shift);
    nr += text_rows(rows + nr, w, shift);
    return nr;
}
