/* Rules over the model's names, for what its training data does not show
 * or annotates otherwise than psearch:
 * - CoNLL-2003 writes a possessive "'s" as a token of its own, so the
 *   model never learnt that a name ends there ("NATO's Article" and
 *   "Ukraine's New" came out as one name);
 * - CoNLL annotates no numbered clause ("Article 5") and no plan named by
 *   its points ("the 20-point plan"), which are psearch's treaties;
 * - an acronym and its long form written out in the same text ("NATO",
 *   "North Atlantic Treaty Organization") are one entity;
 * - a seat of government standing for its government ("the Kremlin
 *   said") is an org, and a holiday ("before Christmas") is an event,
 *   misc (lib/tag/data/seats.txt, lib/tag/data/holidays.txt);
 * - a word of geography ends a place's name ("the Crimean Peninsula"),
 *   though the training data never had it (lib/tag/data/place-heads.txt);
 * - the model's own lists say more than its context: a listed place that
 *   names no person ("Kyiv"), the plural of a listed nationality
 *   ("Ukrainians"), a "person" of common words no name used ("Big Tech"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ident/ident_private.h"
#include "ner/ner_private.h"
#include "tag/tagger_private.h"
#include "base/util.h"

static const char *const seats[] = {
#include "seats.inc"
};

static const char *const holidays[] = {
#include "holidays.inc"
};

static const char *const place_heads[] = {
#include "place-heads.inc"
};

/* Writes the slug of words [W0, W1), their terms joined by '-', to BUF of
 * N bytes. Returns 0 when it does not fit: no listed name is that long. */
static int slug_of(const ps_tagger_t *t, size_t w0, size_t w1, char *buf,
                   size_t n)
{
    size_t at = 0;
    for (size_t i = w0; i < w1; i++) {
        const ps_token_t *tok = t->w[i].tok;
        if (at + tok->term_len + 2 > n)
            return 0;
        if (i > w0)
            buf[at++] = '-';
        memcpy(buf + at, tok->term, tok->term_len);
        at += tok->term_len;
    }
    buf[at] = '\0';
    return 1;
}

int ps__tagger_is_holiday(const ps_tagger_t *t, size_t w0, size_t w1)
{
    char key[64];
    return slug_of(t, w0, w1, key, sizeof key) &&
           ps__tagger_listed(holidays, PS_COUNT(holidays), key);
}

static int common_words(const ps_tagger_t *t, size_t w0, size_t w1);

/* Words of geography that are surnames too ("Anita Hill"): they end a
 * place's name only after common words ("Capitol Hill", where the model,
 * knowing Hill as a surname, saw a person). */
static const char *const surname_heads[] = {"hill", "hills"};

ps_entity_type_t ps__tagger_convention(const ps_tagger_t *t, size_t w0,
                                       size_t w1, ps_entity_type_t type)
{
    char key[64];
    if (type == PS_ENT_TREATY || !slug_of(t, w0, w1, key, sizeof key))
        return type;
    if (type == PS_ENT_PLACE && ps__tagger_listed(seats, PS_COUNT(seats), key))
        return PS_ENT_ORG;
    /* "the Crimean Peninsula": a name that geography's words end. */
    const ps_token_t *last = t->w[w1 - 1].tok;
    if (w1 - w0 > 1 && (last->flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
        ps__tagger_listed(place_heads, PS_COUNT(place_heads), last->term))
        return PS_ENT_PLACE;
    if (w1 - w0 > 1 && (last->flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
        ps__tagger_listed(surname_heads, PS_COUNT(surname_heads),
                          last->term) &&
        common_words(t, w0, w1 - 1))
        return PS_ENT_PLACE;
    if (ps__tagger_listed(holidays, PS_COUNT(holidays), key))
        return PS_ENT_MISC;
    /* "Latinos", "Hispanic": a people that is no nation, whatever the
     * model read in "many Latinos have said" (the index resolves it so,
     * ident_demonym.c; the quote step's speakers are the tagger's). */
    char one[PS_IDENT_MAX + 1];
    if (w1 - w0 == 1 && ps__demonym_group(key, one))
        return PS_ENT_MISC;
    return type;
}

/* The record of term S (N bytes) in the model's lists: the name types
 * its training data saw the word open (bit 2T) or continue (bit 2T + 1). */
static uint32_t record(const ps_tagger_t *t, const char *s, size_t n)
{
    return t->model ? ps__ner_word_record(t->model, ps__ner_hash(s, n)) : 0;
}

/* The types (bit T) of the whole names that are term S alone, in the
 * training data or the list of the world's places. */
static uint32_t name_types(const ps_tagger_t *t, const char *s, size_t n)
{
    uint64_t h = ps__ner_hash(s, n);
    return t->model ? ps__ner_phrase_record(t->model, &h, 1) : 0;
}

/* Bits of a record: the word opened a name of type NTYPE; it opened or
 * continued one; it was in a name of any type. */
#define OPENS(ntype) (1u << (2 * (ntype)))
#define NAMES(ntype) (3u << (2 * (ntype)))
#define IN_ANY_NAME 0xffu

/* Whether every word of [W0, W1) is a word of the model's lexicon of
 * common words that its training data never saw in a name: "Big Tech" is
 * the name of something, but no person's. */
static int common_words(const ps_tagger_t *t, size_t w0, size_t w1)
{
    for (size_t i = w0; i < w1; i++) {
        const ps_token_t *tok = t->w[i].tok;
        uint32_t rec = record(t, tok->term, tok->term_len);
        if (!(rec & PS__NER_W_LEXICON) || (rec & IN_ANY_NAME))
            return 0;
    }
    return 1;
}

ps_ner_type_t ps__tagger_list_type(const ps_tagger_t *t, size_t w0, size_t w1,
                                   ps_ner_type_t type)
{
    const ps_token_t *tok = t->w[w0].tok;
    if (type == PS_NER_PER && w1 - w0 > 1 && common_words(t, w0, w1))
        return PS_NER_MISC;
    if (w1 - w0 != 1 || type == PS_NER_MISC)
        return type;
    uint32_t rec = record(t, tok->term, tok->term_len);
    /* A place of the lists that no person of the training data was named
     * after: the model's person is what its context suggested ("Kyiv
     * calls for a ceasefire"). */
    if (type == PS_NER_PER && !(rec & NAMES(PS_NER_PER))) {
        uint32_t names = name_types(t, tok->term, tok->term_len);
        if ((names & (1u << PS_NER_LOC)) && !(names & (1u << PS_NER_PER)))
            return PS_NER_LOC;
    }
    /* A plural of a nationality ("Ukrainians"): misc, as the singular,
     * unless it names something itself ("Philippines"). */
    if (tok->term_len > 4 && tok->term[tok->term_len - 1] == 's' &&
        !(rec & OPENS(type)) && !name_types(t, tok->term, tok->term_len) &&
        (record(t, tok->term, tok->term_len - 1) & OPENS(PS_NER_MISC)))
        return PS_NER_MISC;
    return type;
}

static int capitalised(const ps_tagger_t *t, size_t i)
{
    return (t->w[i].tok->flags & (PS_TOK_CAP | PS_TOK_UPPER)) != 0;
}

static int term_is(const ps_tagger_t *t, size_t i, const char *s)
{
    const ps_token_t *tok = t->w[i].tok;
    return tok->term_len == strlen(s) &&
           memcmp(tok->term, s, tok->term_len) == 0;
}

/* Whether word I is a word of the model's lexicon of common lowercase
 * words ("people" in "People's Republic"), whose possessive belongs to the
 * name rather than ending one. */
static int lexicon_word(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    return (record(t, tok->term, tok->term_len) & PS__NER_W_LEXICON) != 0;
}

size_t ps__tagger_piece_end(const ps_tagger_t *t, size_t w0, size_t w1,
                             int person)
{
    for (size_t i = w0; i + 1 < w1; i++) {
        if ((t->w[i].tok->flags & PS_TOK_POSSESSIVE) &&
            (person || !capitalised(t, i + 1) || !lexicon_word(t, i)))
            return i + 1;
        /* "Jason Chaffetz (R-Utah)": a bracket ends a name. */
        const ps_token_t *a = t->w[i].tok, *b = t->w[i + 1].tok;
        if (b->offset > a->offset + a->length &&
            memchr(t->text + (a->offset + a->length - t->base), '(',
                   b->offset - a->offset - a->length))
            return i + 1;
        /* "the US Mr Zelensky's approach": a person starts at "Mr". */
        if (i + 2 < w1 && ps__tagger_skip_honorific(t, i + 1, w1) != i + 1)
            return i + 1;
    }
    return w1;
}

/* Whether word I is a number written on the same line right after word
 * I - 1, with only a space between them. */
static int number_follows(const ps_tagger_t *t, size_t i)
{
    if (i >= t->nw || !(t->w[i].tok->flags & PS_TOK_NUMBER) ||
        (t->w[i].tok->flags & PS_TOK_LINE_START))
        return 0;
    const ps_token_t *a = t->w[i - 1].tok, *b = t->w[i].tok;
    return b->offset == a->offset + a->length + 1 &&
           t->text[a->offset + a->length - t->base] == ' ';
}

size_t ps__tagger_treaty_number(const ps_tagger_t *t, size_t w1)
{
    if (term_is(t, w1 - 1, "article") && capitalised(t, w1 - 1) &&
        number_follows(t, w1) && !t->w[w1].gaz)
        return w1 + 1;
    return w1;
}

ps_status_t ps__tagger_add_cand(ps_tagger_t *t, size_t w0, size_t w1,
                                ps_entity_type_t type)
{
    if (PS__TGROW(t, c, t->nc + 1) < 0)
        return PS_ENOMEM;
    t->c[t->nc++] = (struct cand){w0, w1, type};
    return PS_OK;
}

/* Whether words [W0, W1) are free: in no gazetteer match and none of the
 * first N candidates. The candidates are in text order (the model's
 * spans are), so *CUR, which the caller starts at 0 and asks about ever
 * later words, skips those that end before W0 once and for all: a text
 * of many treaties costs no more than one pass over its names. */
static int free_words(const ps_tagger_t *t, size_t w0, size_t w1, size_t n,
                      size_t *cur)
{
    for (size_t i = w0; i < w1; i++)
        if (t->w[i].gaz)
            return 0;
    while (*cur < n && t->c[*cur].w1 <= w0)
        (*cur)++;
    for (size_t k = *cur; k < n && t->c[k].w0 < w1; k++)
        if (w0 < t->c[k].w1)
            return 0;
    return 1;
}

/* The end of a plan named by its points starting at word I ("20-point
 * plan", "28-point peace proposal"): a number joined by a hyphen to
 * "point", at most one more word, then a treaty word. I itself when there
 * is none. */
static size_t points_plan(const ps_tagger_t *t, size_t i)
{
    if (i + 2 >= t->nw || !(t->w[i].tok->flags & PS_TOK_NUMBER) ||
        !(t->w[i + 1].tok->flags & PS_TOK_PART) || !term_is(t, i + 1, "point"))
        return i;
    for (size_t j = i + 2; j < t->nw && j <= i + 3; j++) {
        if (t->w[j].tok->flags & PS_TOK_LINE_START)
            break;
        if (ps__tagger_is_treaty_cue(t, j))
            return j + 1;
    }
    return i;
}

ps_status_t ps__tagger_numbered_treaties(ps_tagger_t *t)
{
    /* The treaties added here come after the model's names in t->c, out
     * of text order, and never overlap the words still to be read. */
    size_t n = t->nc, cur = 0;
    for (size_t i = 0; i < t->nw; i++) {
        size_t end = points_plan(t, i);
        if (end == i && term_is(t, i, "article") && capitalised(t, i))
            end = ps__tagger_treaty_number(t, i + 1);
        if (end > i + 1 && free_words(t, i, end, n, &cur)) {
            ps_status_t st = ps__tagger_add_cand(t, i, end, PS_ENT_TREATY);
            if (st != PS_OK)
                return st;
            i = end - 1;
        }
    }
    return PS_OK;
}

int ps__tagger_owner(const ps_tagger_t *t, size_t w0, size_t w1)
{
    const ps_token_t *tok = t->w[w1 - 1].tok;
    if (tok->flags & PS_TOK_POSSESSIVE)
        return 1;
    return w1 - w0 == 1 &&
           ((record(t, tok->term, tok->term_len) & NAMES(PS_NER_PER)) ||
            (name_types(t, tok->term, tok->term_len) & (1u << PS_NER_MISC)));
}

/* Whether word I ends a place found so far: the model's name just before
 * (the candidates are in text order) or the gazetteer's. The mentions so
 * far are the gazetteer's, in text order and apart, so the one ending
 * there is found by bisection. */
static int place_ends(const ps_tagger_t *t, size_t i)
{
    if (t->nc > 0 && t->c[t->nc - 1].w1 == i + 1)
        return t->c[t->nc - 1].type == PS_ENT_PLACE;
    if (!t->w[i].gaz)
        return 0;
    size_t end = t->w[i].tok->offset + t->w[i].tok->length;
    size_t lo = 0, hi = t->nm;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->m[mid].offset + t->m[mid].length < end)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == t->nm || t->m[lo].offset + t->m[lo].length != end ||
        t->m[lo].ent == SIZE_MAX)
        return 0;
    const struct tent *e = &t->e[t->m[lo].ent];
    return e->def >= 0 &&
           ps_gazetteer_get(t->g, (size_t)e->def)->type == PS_ENT_PLACE;
}

int ps__tagger_after_place(const ps_tagger_t *t, size_t w0, size_t w1)
{
    if (w0 == 0 || w1 - w0 > 3 || (t->w[w0].tok->flags & PS_TOK_LINE_START))
        return 0;
    const ps_token_t *a = t->w[w0 - 1].tok, *b = t->w[w0].tok;
    size_t o = a->offset + a->length;
    if ((a->flags & PS_TOK_POSSESSIVE) || o >= b->offset ||
        t->text[o - t->base] != ',')
        return 0;
    for (o++; o < b->offset; o++)
        if (t->text[o - t->base] != ' ')
            return 0;
    if (!place_ends(t, w0 - 1))
        return 0;
    /* The clause ends with it: "Cleveland, Ohio, on Monday", not "in
     * Ohio, Reuters said". */
    const ps_token_t *z = t->w[w1 - 1].tok;
    size_t e = z->offset + z->length - t->base;
    if (e >= t->len || t->text[e - 1] == '.')
        return 1;
    /* Closing quotes and dashes, in UTF-8, start with E2 80. */
    return (t->text[e] != '\0' && strchr(",.;:)!?\"'\r\n", t->text[e])) ||
           (e + 1 < t->len && (unsigned char)t->text[e] == 0xe2 &&
            (unsigned char)t->text[e + 1] == 0x80);
}

size_t ps__tagger_open_quote(const ps_tagger_t *t, size_t end)
{
    const unsigned char *p = (const unsigned char *)t->text;
    if (end >= 1 && (p[end - 1] == '"' || p[end - 1] == '\''))
        return 1;
    if (end >= 3 && p[end - 3] == 0xe2 && p[end - 2] == 0x80 &&
        (p[end - 1] == 0x9c || p[end - 1] == 0x98))
        return 3;
    return 0;
}

size_t ps__tagger_close_quote(const ps_tagger_t *t, size_t at)
{
    const unsigned char *p = (const unsigned char *)t->text;
    if (at < t->len && (p[at] == '"' || p[at] == '\''))
        return 1;
    return at + 2 < t->len && p[at] == 0xe2 && p[at + 1] == 0x80 &&
                   (p[at + 2] == 0x9d || p[at + 2] == 0x99)
               ? 3
               : 0;
}

/* Whether a closing quote follows byte AT of the text, after at most one
 * mark of punctuation ("Make America Great Again."). */
static int close_quote(const ps_tagger_t *t, size_t at)
{
    const unsigned char *p = (const unsigned char *)t->text;
    if (at < t->len && strchr(".,!?", p[at]) && p[at] != '\0')
        at++;
    return ps__tagger_close_quote(t, at) > 0;
}

size_t ps__tagger_quote_start(const ps_tagger_t *t, size_t w0, size_t w1)
{
    const ps_token_t *z = t->w[w1 - 1].tok;
    if (!close_quote(t, z->offset + z->length - t->base))
        return w0;
    size_t stop = t->nc > 0 ? t->c[t->nc - 1].w1 : 0;
    for (size_t j = w0; j > stop && w0 - j < 4; j--) {
        const ps_token_t *a = t->w[j - 1].tok, *b = t->w[j].tok;
        if (t->w[j - 1].gaz || !capitalised(t, j - 1) ||
            (b->flags & PS_TOK_LINE_START) ||
            b->offset != a->offset + a->length + 1 ||
            t->text[b->offset - 1 - t->base] != ' ')
            return w0;
        if (ps__tagger_open_quote(t, a->offset - t->base))
            return j - 1;
    }
    return w0;
}

static const char *const weekdays[] = {"friday",   "monday", "saturday",
                                       "sunday",   "thursday", "tuesday",
                                       "wednesday"};

/* Whether word I follows word I - 1 on its line with one space between. */
static int next_on_line(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *a = t->w[i - 1].tok, *b = t->w[i].tok;
    return !(b->flags & PS_TOK_LINE_START) &&
           b->offset == a->offset + a->length + 1 &&
           t->text[a->offset + a->length - t->base] == ' ';
}

size_t ps__tagger_day_end(const ps_tagger_t *t, size_t w0, size_t w1)
{
    /* One word, that no capitalised word before continues ("Greater
     * Milwaukee Open Thursday": the day of an event), and neither a
     * people's word nor a person's name ("after Moslem Friday"). */
    if (w1 - w0 != 1 || (w0 > 0 && capitalised(t, w0 - 1) &&
                         !(t->w[w0].tok->flags & PS_TOK_LINE_START)) ||
        ps__tagger_owner(t, w0, w1))
        return w1;
    if (w1 < t->nw && !t->w[w1].gaz && capitalised(t, w1) &&
        next_on_line(t, w1) &&
        ps__tagger_listed(weekdays, PS_COUNT(weekdays), t->w[w1].tok->term))
        return w1 + 1;
    return w1;
}

size_t ps__tagger_of_start(const ps_tagger_t *t, size_t w0)
{
    size_t x = w0 >= 3 ? w0 - 3 : 0;
    if (w0 < 3 || !term_is(t, w0 - 2, "of") || !term_is(t, w0 - 1, "the") ||
        capitalised(t, w0 - 2) || capitalised(t, w0 - 1) ||
        !next_on_line(t, w0 - 2) || !next_on_line(t, w0 - 1) ||
        !next_on_line(t, w0) || t->w[x].gaz || !capitalised(t, x) ||
        !ps__tagger_capital_mid(t, x) || ps__tagger_is_title(t, x) ||
        ps__tagger_listed(weekdays, PS_COUNT(weekdays), t->w[x].tok->term) ||
        (t->nc > 0 && t->c[t->nc - 1].w1 > x))
        return w0;
    return x;
}

/* Orders tokens by term. */
static int term_cmp(const void *a, const void *b)
{
    const ps_token_t *x = *(const ps_token_t *const *)a;
    const ps_token_t *y = *(const ps_token_t *const *)b;
    size_t n = x->term_len < y->term_len ? x->term_len : y->term_len;
    int c = memcmp(x->term, y->term, n);
    return c ? c : (x->term_len > y->term_len) - (x->term_len < y->term_len);
}

/* As a person's, "Latino Republicans" took every "Republicans" and
 * "Latino" of its article with it (the surname and first-name links),
 * and the people of a search's facets listed a group. The singular must
 * be the misc name: the model reads a surname as one too ("Sanders
 * supporters"), but a surname that ends in "s" has no misc name without
 * it. The misc names are sorted once, so that a text of many names costs
 * a search per name, not a pass over all the others. */
ps_status_t ps__tagger_group_plurals(ps_tagger_t *t)
{
    size_t nm = 0;
    for (size_t k = 0; k < t->nc; k++) {
        const struct cand *m = &t->c[k];
        if (m->type != PS_ENT_MISC || m->w1 - m->w0 != 1)
            continue;
        if (PS__TGROW(t, miscs, nm + 1) < 0)
            return PS_ENOMEM;
        t->miscs[nm++] = t->w[m->w0].tok;
    }
    if (nm == 0)
        return PS_OK;
    qsort(t->miscs, nm, sizeof *t->miscs, term_cmp);
    for (size_t i = 0; i < t->nc; i++) {
        struct cand *c = &t->c[i];
        if (c->type != PS_ENT_PERSON || c->w1 - c->w0 < 2)
            continue;
        const ps_token_t *last = t->w[c->w1 - 1].tok;
        size_t n = last->term_len;
        if (n < 4 || last->term[n - 1] != 's' ||
            (last->flags & PS_TOK_POSSESSIVE))
            continue;
        ps_token_t one = {0};
        one.term = last->term;
        one.term_len = (uint32_t)(n - 1);
        const ps_token_t *key = &one;
        if (bsearch(&key, t->miscs, nm, sizeof *t->miscs, term_cmp))
            c->type = PS_ENT_MISC;
    }
    return PS_OK;
}
