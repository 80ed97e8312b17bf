/* Document-centred case evidence for the entity tagger (after Mikheev,
 * "A knowledge-free method for capitalized word disambiguation", 1999):
 * a capital that only opens a sentence or sits on a title-case line says
 * nothing about a word, but the rest of the document often does. A name
 * the model found is dropped when its capitalised words are all in such
 * places, none is written in capitals ("US"), none is capitalised
 * mid-sentence anywhere in the text, and each is a common word: written in
 * lower case elsewhere in the same text, or a word of the model's lexicon
 * of lowercase words that its training data never saw in a name.
 * Then it is a heading or a sentence's first word ("Demilitarized Zones"
 * over a list of terms about demilitarized zones), not a name; so is a
 * heading the text writes again with lower case inside. All-caps
 * headlines are left to the model: news agencies' headlines are full of
 * names that are also words, with no lower case to tell them apart. */
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"
#include "psearch/ident.h"
#include "tag/tagger_private.h"
#include "base/util.h"

/* What the text says about a word, per term hash. */
enum { SEEN_LOWER = 1, SEEN_CAP_MID = 2 };

/* The table's slot of term hash H (0 stands for no term: a 0 hash is
 * stored as 1, which only merges two words in a billion billion). */
static size_t slot_of(const ps_tagger_t *t, uint64_t h)
{
    size_t mask = t->case_cap - 1, i = (size_t)h & mask;
    while (t->case_keys[i] != 0 && t->case_keys[i] != h)
        i = (i + 1) & mask;
    return i;
}

ps_status_t ps__tagger_case_prepare(ps_tagger_t *t)
{
    const ps__ner_feats_t *f = ps__ner_state_feats(t->ner);
    if (PS__TGROW(t, tseq, t->ntokens) < 0)
        return PS_ENOMEM;
    for (size_t i = 0; i < t->ntokens; i++)
        t->tseq[i] = UINT32_MAX;
    size_t cap = 64;
    while (cap < 2 * f->n + 2)
        cap *= 2;
    if (PS__TGROW(t, case_keys, cap) < 0 || PS__TGROW(t, case_bits, cap) < 0 ||
        PS__TGROW(t, case_first, cap) < 0 || PS__TGROW(t, case_last, cap) < 0 ||
        PS__TGROW(t, case_next, f->n + 1) < 0)
        return PS_ENOMEM;
    t->case_cap = cap;
    memset(t->case_keys, 0, cap * sizeof *t->case_keys);
    for (size_t k = 0; k < f->n; k++) {
        if (f->tok[k] < t->ntokens)
            t->tseq[f->tok[k]] = (uint32_t)k;
        uint8_t bit = f->ctx[k] == CTX_LOWER     ? SEEN_LOWER
                      : f->ctx[k] == CTX_CAP_MID ? SEEN_CAP_MID
                                                 : 0;
        uint64_t h = f->term[k] ? f->term[k] : 1;
        size_t i = slot_of(t, h);
        if (t->case_keys[i] == 0) {
            t->case_keys[i] = h;
            t->case_bits[i] = 0;
            t->case_first[i] = (uint32_t)k;
        } else {
            t->case_next[t->case_last[i]] = (uint32_t)k;
        }
        t->case_last[i] = (uint32_t)k;
        t->case_next[k] = UINT32_MAX;
        t->case_bits[i] |= bit;
    }
    return PS_OK;
}

/* Whether a capitalised word in context CTX is capitalised only because
 * of where it is: at a sentence's start, or on a title-case line. */
static int uninformative(uint8_t ctx)
{
    return ctx == CTX_CAP_START || ctx == CTX_CAP_TITLE;
}

/* Whether the word of sequence token K, capitalised only by position, is
 * a common word: written in lower case elsewhere in the text, or else a
 * lexicon word the training data never saw in a name (the record's low
 * byte holds the name types the word opened or continued there). A
 * lexicon word the training data never saw at all counts too: modern
 * headings ("Blog", "Remaining Uncertainties") are full of words 1996
 * Reuters text never used. The price is a rare name that is also a word
 * ("Harry Milling", "Paddy Lad" on CoNLL's title-case result lines: three
 * names of eng.testa's 5,942). */
static int common_word(const ps_tagger_t *t, const ps__ner_feats_t *f, size_t k)
{
    uint64_t h = f->term[k] ? f->term[k] : 1;
    if (t->case_bits[slot_of(t, h)] & SEEN_LOWER)
        return 1;
    uint32_t rec = ps__ner_word_record(t->model, f->term[k]);
    return (rec & PS__NER_W_LEXICON) && !(rec & 0xffu);
}

/* The most occurrences of a name's first word that the two searches
 * below look at: a text of a hundred thousand headings made of the same
 * few words would otherwise take time in the square of its length. */
#define MAX_SCAN 256

/* The first occurrence of sequence token K0's term. */
static uint32_t first_of(const ps_tagger_t *t, const ps__ner_feats_t *f,
                         size_t k0)
{
    return t->case_first[slot_of(t, f->term[k0] ? f->term[k0] : 1)];
}

/* Whether the N words from sequence token K0 are written elsewhere in the
 * text with one of the words capitalised here in lower case ("Western
 * Defense Planning" as a heading, "Western defense planning is..." in the
 * text): then they are a phrase, not a name. */
static int written_lower(const ps_tagger_t *t, const ps__ner_feats_t *f,
                         size_t k0, size_t n)
{
    uint32_t j = first_of(t, f, k0);
    for (int seen = 0; j != UINT32_MAX && seen < MAX_SCAN;
         j = t->case_next[j], seen++) {
        if (j == k0 || j + n > f->n ||
            memcmp(f->term + j, f->term + k0, n * sizeof *f->term))
            continue;
        for (size_t i = 0; i < n; i++)
            if (f->ctx[k0 + i] != CTX_LOWER && f->ctx[j + i] == CTX_LOWER)
                return 1;
    }
    return 0;
}

/* Whether the N words from sequence token K0 are written elsewhere in the
 * text as they are here, capitalised inside a sentence. */
static int written_as_name(const ps_tagger_t *t, const ps__ner_feats_t *f,
                           size_t k0, size_t n)
{
    uint32_t j = first_of(t, f, k0);
    for (int seen = 0; j != UINT32_MAX && seen < MAX_SCAN;
         j = t->case_next[j], seen++)
        if (j != k0 && j + n <= f->n && f->ctx[j] == CTX_CAP_MID &&
            memcmp(f->term + j, f->term + k0, n * sizeof *f->term) == 0)
            return 1;
    return 0;
}

int ps__tagger_case_common(const ps_tagger_t *t, size_t w0, size_t w1)
{
    const ps__ner_feats_t *f = ps__ner_state_feats(t->ner);
    int capitals = 0, common = 1, cap_mid = 0;
    size_t k0 = t->tseq[t->w[w0].index];
    for (size_t i = w0; i < w1; i++) {
        uint32_t k = t->tseq[t->w[i].index];
        /* The name's words are consecutive tokens of the model's. */
        if (k == UINT32_MAX || k != k0 + (i - w0))
            return 0;
        uint8_t ctx = f->ctx[k];
        if (ctx == CTX_LOWER || ctx == CTX_OTHER)
            continue;
        /* A word in capitals outside a headline is an acronym ("US",
         * "U.S."), however its letters read in lower case. */
        if (!uninformative(ctx) ||
            (t->w[i].tok->flags & (PS_TOK_UPPER | PS_TOK_ACRONYM)))
            return 0;
        uint64_t h = f->term[k] ? f->term[k] : 1;
        /* A word capitalised inside a sentence elsewhere is a name, or
         * part of one: a heading of several words is only the name that
         * the text writes so ("Peace" of "a Peace Council" does not make
         * "New Peace Proposal" a name). */
        if (t->case_bits[slot_of(t, h)] & SEEN_CAP_MID) {
            if (w1 - w0 == 1)
                return 0;
            cap_mid = 1;
        }
        common = common && common_word(t, f, k);
        capitals++;
    }
    if (cap_mid && written_as_name(t, f, k0, w1 - w0))
        return 0;
    /* One word written in lower case elsewhere is already common. */
    return capitals > 0 &&
           (common || (w1 - w0 > 1 && written_lower(t, f, k0, w1 - w0)));
}

/* Whether word I of the text is a word a title-case line capitalised that
 * the text shows to be a common word: capitalised only there, never
 * inside a sentence, not in capitals, and common (common_word()). */
static int title_common(const ps_tagger_t *t, const ps__ner_feats_t *f,
                        size_t i)
{
    uint32_t k = t->tseq[t->w[i].index];
    const ps_token_t *tok = t->w[i].tok;
    /* "Orlando Sentinel": an organisation's head word is its name's. */
    if (k == UINT32_MAX || f->ctx[k] != CTX_CAP_TITLE ||
        (tok->flags & (PS_TOK_UPPER | PS_TOK_ACRONYM)) ||
        ps_ident_org_head(tok->term, tok->term_len))
        return 0;
    uint64_t h = f->term[k] ? f->term[k] : 1;
    return !(t->case_bits[slot_of(t, h)] & SEEN_CAP_MID) && common_word(t, f, k);
}

void ps__tagger_case_trim(const ps_tagger_t *t, size_t *w0, size_t *w1)
{
    if (!t->ner || *w1 - *w0 < 2)
        return;
    const ps__ner_feats_t *f = ps__ner_state_feats(t->ner);
    size_t a = *w0, b = *w1;
    while (b - a > 1 && title_common(t, f, a))
        a++;
    while (b - a > 1 && title_common(t, f, b - 1))
        b--;
    if (a == *w0 && b == *w1)
        return;
    /* Only down to a name: a word of what is left is written capitalised
     * inside a sentence somewhere in the text, and none in lower case
     * ("Will" of "... Museum Will Tell" is no name for "Will Smith"). */
    int named = 0;
    for (size_t i = a; i < b; i++) {
        uint32_t k = t->tseq[t->w[i].index];
        if (k == UINT32_MAX)
            return;
        uint8_t bits = t->case_bits[slot_of(t, f->term[k] ? f->term[k] : 1)];
        if (bits & SEEN_LOWER)
            return;
        named |= (bits & SEEN_CAP_MID) != 0;
    }
    if (named) {
        *w0 = a;
        *w1 = b;
    }
}

int ps__tagger_capital_mid(const ps_tagger_t *t, size_t w)
{
    if (!t->ner)
        return 0;
    const ps__ner_feats_t *f = ps__ner_state_feats(t->ner);
    uint32_t k = t->tseq[t->w[w].index];
    return k != UINT32_MAX && f->ctx[k] == CTX_CAP_MID;
}
