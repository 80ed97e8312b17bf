/* Resolving names to entities for the entity tagger: a name the gazetteer
 * does not know gets the slug of its words, one across the index (a
 * person's without middle names, ps_ident_person_written()); within a text,
 * the same name again, a person's surname or first name alone, or an
 * initial and the surname ("Yermak", "Andriy", "A. Yermak" after "Andriy
 * Yermak"), is the same entity, named by its fullest mixed-case form,
 * whose type is the one its first mention was given: the mention most
 * often written out in full (a majority of the mentions scored lower on
 * CoNLL-2003). Across texts, lib/ident/ takes over. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ner/ner_private.h"
#include "psearch/ident.h"
#include "tag/gender.h"
#include "tag/tagger_private.h"

/* Appends N bytes and a NUL to the pool; returns their offset, or
 * SIZE_MAX when memory runs out. */
static size_t pool_add(ps_tagger_t *t, const char *s, size_t n)
{
    if (n > SIZE_MAX - t->pool_len - 1 ||
        PS__TGROW(t, pool, t->pool_len + n + 1) < 0)
        return SIZE_MAX;
    size_t off = t->pool_len;
    memcpy(t->pool + off, s, n);
    t->pool[off + n] = '\0';
    t->pool_len += n + 1;
    return off;
}

/* Appends the slug of words [S, E) to the pool: their terms joined by '-',
 * as ps_entity_slug() makes it from the name's text. */
static size_t pool_slug(ps_tagger_t *t, size_t s, size_t e)
{
    size_t off = SIZE_MAX;
    for (size_t i = s; i < e; i++) {
        const ps_token_t *tok = t->w[i].tok;
        size_t at = pool_add(t, tok->term, tok->term_len);
        if (at == SIZE_MAX)
            return SIZE_MAX;
        /* The previous term's NUL becomes the separator. */
        if (off == SIZE_MAX)
            off = at;
        else
            t->pool[at - 1] = '-';
    }
    return off;
}

/* The surface of words [S, E) without a final possessive: the name as
 * written. */
static size_t pool_surface(ps_tagger_t *t, size_t s, size_t e)
{
    const ps_token_t *a = t->w[s].tok, *b = t->w[e - 1].tok;
    const char *p = t->text + (a->offset - t->base);
    size_t n = b->offset + b->length - a->offset;
    if (b->flags & PS_TOK_POSSESSIVE) {
        static const char *const apos[] = {"'", "\xe2\x80\x99", "\xca\xbc",
                                           "\xe2\x80\x98"};
        if (n > 0 && (p[n - 1] == 's' || p[n - 1] == 'S'))
            n--;
        for (size_t k = 0; k < PS_COUNT(apos); k++) {
            size_t al = strlen(apos[k]);
            if (n >= al && memcmp(p + n - al, apos[k], al) == 0) {
                n -= al;
                break;
            }
        }
    }
    return pool_add(t, p, n);
}

/* The keys: an unknown entity's slug, or the last or first word of a
 * person's. */
enum { KEY_ID, KEY_LAST, KEY_FIRST };

static const char *ent_key(const ps_tagger_t *t, size_t ent, int which)
{
    const struct tent *e = &t->e[ent];
    return t->pool + (which == KEY_ID     ? e->id_off
                      : which == KEY_LAST ? e->last_off
                                          : e->first_off);
}

static size_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return (size_t)h;
}

/* The slot that holds KEY, or the empty slot where it would go. */
static size_t etab_slot(const ps_tagger_t *t, const struct etab *h, int which,
                        const char *key)
{
    size_t mask = h->cap - 1, i = hash_str(key) & mask;
    while (h->slot[i] != SIZE_MAX &&
           strcmp(ent_key(t, h->slot[i], which), key) != 0)
        i = (i + 1) & mask;
    return i;
}

static long etab_find(const ps_tagger_t *t, const struct etab *h, int which,
                      const char *key)
{
    if (h->n == 0)
        return -1;
    size_t ent = h->slot[etab_slot(t, h, which, key)];
    return ent == SIZE_MAX ? -1 : (long)ent;
}

/* Maps the key of entity ENT to ENT, in place of any entity with the
 * same key. Returns 0, or -1 when memory runs out. */
static int etab_put(ps_tagger_t *t, struct etab *h, int which, size_t ent)
{
    if ((h->n + 1) * 2 > h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64, ocap = h->cap;
        if (cap > SIZE_MAX / 2 / sizeof *h->slot)
            return -1;
        size_t *old = h->slot, *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return -1;
        memset(slot, 0xff, cap * sizeof *slot);
        h->slot = slot;
        h->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i] != SIZE_MAX)
                h->slot[etab_slot(t, h, which, ent_key(t, old[i], which))] =
                    old[i];
        free(old);
    }
    size_t i = etab_slot(t, h, which, ent_key(t, ent, which));
    if (h->slot[i] == SIZE_MAX)
        h->n++;
    h->slot[i] = ent;
    return 0;
}

static void etab_clear(struct etab *h)
{
    if (h->n > 0)
        memset(h->slot, 0xff, h->cap * sizeof *h->slot);
    h->n = 0;
}

/* The word that starts at byte OFFSET of the text (tokens are in order). */
static size_t word_at(const ps_tagger_t *t, size_t offset);

static int term_in(const ps_token_t *tok, const char *const *list);

/* What the sentence of entity ENT's first mention goes on to call it
 * first: 1 "he" or "she" ("Donald Trump painted a dire portrait ... as he
 * accepted"), -1 "it" or "its" ("Philip Morris raised its dividend"), 0
 * neither. */
static int pronoun_in_sentence(const ps_tagger_t *t, size_t ent)
{
    static const char *const person[] = {"he", "him", "his", "she", "her",
                                         NULL};
    static const char *const thing[] = {"it", "its", NULL};
    size_t i = word_at(t, t->e[ent].first) + t->e[ent].nwords;
    for (size_t end = i + 40; i < t->nw && i < end; i++) {
        const ps_token_t *tok = t->w[i].tok;
        if (tok->flags & PS_TOK_SENT_START)
            return 0;
        if (term_in(tok, thing))
            return -1;
        if (term_in(tok, person))
            return 1;
    }
    return 0;
}

/* Whether entity ENT, which the model typed as no person, reads as one:
 * a name of two words that opens with a first name (a word that opens
 * people's names in the model's training text or a proper name of its
 * dictionary, and no common lowercase word: "Donald", "Hugo", not
 * "Team", "Never" or "Dump", which open "Team Trump" and "Never Trump"),
 * and a "he" or "she" in the sentence of its first mention ("Goldman
 * Sachs said on Monday ..." is no person). */
static int reads_as_person(const ps_tagger_t *t, size_t ent)
{
    if (t->e[ent].nwords != 2)
        return 0;
    const ps__ner_feats_t *f = ps__ner_state_feats(t->ner);
    size_t w = word_at(t, t->e[ent].first);
    if (w >= t->nw || t->w[w].index >= t->ntokens)
        return 0;
    uint32_t k = t->tseq[t->w[w].index];
    if (k == UINT32_MAX || k >= f->n)
        return 0;
    uint32_t rec = ps__ner_word_record(t->model, f->term[k]);
    return (rec & ((1u << (2 * PS_NER_PER)) | PS__NER_W_PROPER)) &&
           !(rec & PS__NER_W_LEXICON) && pronoun_in_sentence(t, ent) > 0;
}

/* Registers an unknown entity of two words or more named as a person, so
 * that its last name or first name alone finds it from then on. When two
 * people of the article share a surname ("Bill Clinton", "Hillary
 * Clinton"), the surname alone is the one named first: the one the
 * article is about, usually (Boris Yeltsin before Naina Yeltsin). A name
 * the model typed otherwise that reads as a person's is found by its
 * surname too ("CLEVELAND - Donald Trump painted ... as he accepted",
 * typed an organisation in the whole article, before "Trump" twenty
 * times and Ivanka Trump further down). */
static ps_status_t note_person(ps_tagger_t *t, size_t idx)
{
    const struct tent *e = &t->e[idx];
    if (e->def >= 0 || e->nwords < 2 || e->last_off == SIZE_MAX ||
        (e->votes[PS_ENT_PERSON] == 0 && !reads_as_person(t, idx)))
        return PS_OK;
    if (etab_find(t, &t->by_last, KEY_LAST, ent_key(t, idx, KEY_LAST)) < 0 &&
        etab_put(t, &t->by_last, KEY_LAST, idx) < 0)
        return PS_ENOMEM;
    /* Its first word alone is only it when the model said a person:
     * "Jones" alone is not Jones Medical. */
    if (e->first_off != SIZE_MAX && e->votes[PS_ENT_PERSON] > 0 &&
        etab_find(t, &t->by_first, KEY_FIRST, ent_key(t, idx, KEY_FIRST)) <
            0 &&
        etab_put(t, &t->by_first, KEY_FIRST, idx) < 0)
        return PS_ENOMEM;
    return PS_OK;
}

static size_t word_at(const ps_tagger_t *t, size_t offset)
{
    size_t lo = 0, hi = t->nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->w[mid].tok->offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int term_in(const ps_token_t *tok, const char *const *list)
{
    for (; *list; list++)
        if (tok->term_len == strlen(*list) &&
            memcmp(tok->term, *list, tok->term_len) == 0)
            return 1;
    return 0;
}

/* What the pronouns of the dozen words after person ENT is first named
 * in full say: 1 a woman ("she", "her"), -1 a man, 0 nothing. */
static int pronoun_gender(const ps_tagger_t *t, size_t ent)
{
    static const char *const she[] = {"she", "her", "hers", "herself", NULL};
    static const char *const he[] = {"he", "him", "his", "himself", NULL};
    const struct tent *e = &t->e[ent];
    size_t i = word_at(t, e->first) + e->nwords, end = i + 12;
    int f = 0, m = 0;
    for (; i < t->nw && i < end; i++) {
        f += term_in(t->w[i].tok, she);
        m += term_in(t->w[i].tok, he);
    }
    return f > m ? 1 : m > f ? -1 : 0;
}

/* What person ENT's first name says: 1 a woman ("Hillary Clinton"), -1 a
 * man, 0 nothing (a name both bear, or one the lists lack, or a
 * hyphenated surname's first part: "Mark-Viverito"). */
static int name_gender(const ps_tagger_t *t, size_t ent)
{
    const struct tent *e = &t->e[ent];
    size_t w = word_at(t, e->first);
    if (e->nwords < 2 || e->first_off == SIZE_MAX || w >= t->nw ||
        (t->w[w].tok->flags & PS_TOK_PART))
        return 0;
    return ps__first_name_gender(t->pool + e->first_off);
}

/* Person ENT's gender as its first name says it, else as its pronouns
 * do: a first name is surer than the dozen words after it ("Bill Clinton
 * said she ..."). */
static int known_gender(const ps_tagger_t *t, size_t ent)
{
    int g = name_gender(t, ent);
    return g ? g : pronoun_gender(t, ent);
}

/* What the honorific right before word W0 says: "Mrs. Clinton" a woman
 * (1), "Mr. Clinton" a man (-1), else 0. */
static int honorific_gender(const ps_tagger_t *t, size_t w0)
{
    static const char *const mrs[] = {"madam", "miss", "mrs", "ms", NULL};
    static const char *const mr[] = {"mr", NULL};
    if (!ps__tagger_title_before(t, w0))
        return 0;
    const ps_token_t *h = t->w[w0 - 1].tok;
    return term_in(h, mrs) ? 1 : term_in(h, mr) ? -1 : 0;
}

/* "Mrs. Clinton" where the article names Bill Clinton first and Hillary
 * Clinton after: of the people named in full before word W0 with
 * surname SLUG, the first whose gender agrees with the honorific, when
 * the one named first's does not; else IDX. A first name is read for
 * the one named first and, when it is known to be of the other gender,
 * for the others (known_gender()); one of no known gender gives way only
 * to another whose pronouns agree, as before first names were read:
 * reading the others' first names then too gave 11 "Mr. Bush" of two
 * articles on Jeb Bush (a nickname the lists lack) to George W. Bush,
 * named after him. */
static long by_honorific(const ps_tagger_t *t, size_t w0, const char *slug,
                         long idx)
{
    int g = honorific_gender(t, w0);
    int first = g ? known_gender(t, (size_t)idx) : 0;
    if (g == 0 || first == g)
        return idx;
    for (size_t j = 0; j < t->ne; j++) {
        const struct tent *e = &t->e[j];
        if ((long)j != idx && e->def < 0 && e->nwords >= 2 &&
            e->last_off != SIZE_MAX && e->votes[PS_ENT_PERSON] > 0 &&
            e->first < t->w[w0].tok->offset &&
            strcmp(t->pool + e->last_off, slug) == 0 &&
            (first ? known_gender(t, j) : pronoun_gender(t, j)) == g)
            return (long)j;
    }
    return idx;
}

/* Whether words W0 and W0 + 1 are the last two words of person IDX's
 * name, written in full at least three words long inside a sentence
 * ("Wasserman Schultz" after "Debbie Wasserman Schultz"): a surname of
 * two words. A headline's run of capitals ("Disavow Lindsey Graham") is
 * no evidence of a long name. */
static int two_word_surname(const ps_tagger_t *t, size_t w0, long idx)
{
    const struct tent *e = &t->e[idx];
    if (e->nwords < 3)
        return 0;
    size_t f = word_at(t, e->first) + e->nwords - 2;
    if (f + 1 >= t->nw || !ps__tagger_capital_mid(t, f + 1))
        return 0;
    const ps_token_t *a = t->w[f].tok, *b = t->w[w0].tok;
    return a->term_len == b->term_len &&
           memcmp(a->term, b->term, a->term_len) == 0;
}

/* The person named in full earlier in the text that name [W0, W1), of
 * type TYPE, stands for, or -1: a surname or a first name alone
 * ("Clinton", "Hillary"), a person's surname of two words ("Wasserman
 * Schultz"; "the Clinton Foundation" stays an organisation), or an
 * initial and a surname whose full name starts with that initial ("S.
 * Warne" after "Shane Warne"). */
static long partial_name(const ps_tagger_t *t, size_t w0, size_t w1,
                         const char *slug, ps_entity_type_t type)
{
    long idx = -1;
    if (w1 - w0 == 1) {
        idx = etab_find(t, &t->by_last, KEY_LAST, slug);
        if (idx >= 0 && t->e[idx].first < t->w[w0].tok->offset)
            idx = by_honorific(t, w0, slug, idx);
        if (idx < 0)
            idx = etab_find(t, &t->by_first, KEY_FIRST, slug);
    } else if (w1 - w0 == 2 && t->w[w0].tok->term_len == 1 &&
               !(t->w[w0].tok->flags & PS_TOK_NUMBER)) {
        idx = etab_find(t, &t->by_last, KEY_LAST, t->w[w0 + 1].tok->term);
        if (idx >= 0 && (t->e[idx].first_off == SIZE_MAX ||
                         t->pool[t->e[idx].first_off] != t->w[w0].tok->term[0]))
            idx = -1;
    } else if (w1 - w0 == 2 && type == PS_ENT_PERSON) {
        idx = etab_find(t, &t->by_last, KEY_LAST, t->w[w0 + 1].tok->term);
        if (idx >= 0 && !two_word_surname(t, w0, idx))
            idx = -1;
    }
    if (idx >= 0 && t->e[idx].first >= t->w[w0].tok->offset)
        idx = -1;
    /* A name found only because it reads as a person's (note_person())
     * takes no mention the model did not call a person: "Virginia" alone
     * is not West Virginia. */
    if (idx >= 0 && t->e[idx].votes[PS_ENT_PERSON] == 0 &&
        type != PS_ENT_PERSON)
        idx = -1;
    return idx;
}

/* Whether the N bytes at S have letters, none in lower case. */
static int all_capitals(const char *s, size_t n)
{
    int upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'a' && s[i] <= 'z')
            return 0;
        upper |= s[i] >= 'A' && s[i] <= 'Z';
    }
    return upper;
}

/* An entity first met in capitals ("HILLARY CLINTON" in a headline) takes
 * the name as the text writes it in mixed case, if it does. */
static ps_status_t better_name(ps_tagger_t *t, size_t idx, size_t w0,
                               size_t w1)
{
    struct tent *e = &t->e[idx];
    if (e->def >= 0 || w1 - w0 != e->nwords ||
        !all_capitals(t->pool + e->name_off, strlen(t->pool + e->name_off)))
        return PS_OK;
    const ps_token_t *a = t->w[w0].tok, *b = t->w[w1 - 1].tok;
    if (all_capitals(t->text + (a->offset - t->base),
                     b->offset + b->length - a->offset))
        return PS_OK;
    size_t off = pool_surface(t, w0, w1);
    if (off == SIZE_MAX)
        return PS_ENOMEM;
    t->e[idx].name_off = off;
    return PS_OK;
}

/* Whether name [W0, W1) is a dateline: it opens a line, and a date
 * ("1996-08-30", "3/12") or a dash ("WASHINGTON -- ", "—") follows it on
 * that line. A standings row ("NEW YORK 74 59 .556") is none. */
static int is_dateline(const ps_tagger_t *t, size_t w0, size_t w1)
{
    const ps_token_t *a = t->w[w0].tok, *b = t->w[w1 - 1].tok;
    if (!(a->flags & PS_TOK_LINE_START) || b->offset + b->length < t->base)
        return 0;
    size_t i = b->offset + b->length - t->base;
    while (i < t->len && (t->text[i] == ' ' || t->text[i] == '\t'))
        i++;
    const unsigned char *p = (const unsigned char *)t->text + i;
    size_t left = t->len - i;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x93 || p[2] == 0x94))
        return 1; /* an en or em dash */
    if (left >= 2 && p[0] == '-' && (p[1] == '-' || p[1] == ' '))
        return 1;
    /* Digits, a '-' or '/', digits: a date, not a count. */
    size_t n = 0;
    while (n < left && p[n] >= '0' && p[n] <= '9')
        n++;
    return n >= 1 && n < left && (p[n] == '-' || p[n] == '/') && n + 1 < left &&
           p[n + 1] >= '0' && p[n + 1] <= '9';
}

/* Whether word W, the last of a name, is an organisation's head noun
 * that no person bears as a surname ("Walter Grubner Corp", "Thomas B.
 * Fordham Institute"): lib/ident reads the name as an organisation's
 * across articles, so its id keeps every word (not walter-corp). */
static int org_named(const ps_tagger_t *t, size_t w)
{
    const ps_token_t *last = t->w[w].tok;
    return (last->flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
           ps_ident_org_head(last->term, last->term_len);
}

ps_status_t ps__tagger_resolve(ps_tagger_t *t, const struct cand *c)
{
    size_t mark = t->pool_len;
    size_t id = pool_slug(t, c->w0, c->w1);
    if (id == SIZE_MAX)
        return PS_ENOMEM;
    /* "Hillary Rodham Clinton" is Hillary Clinton: a person's id has no
     * middle names, only middle initials, which lib/ident drops across
     * articles unless they tell two people apart (ident.h). */
    if (c->type == PS_ENT_PERSON && c->w1 - c->w0 >= 3 &&
        t->pool_len - id <= PS_IDENT_MAX + 1 && !org_named(t, c->w1 - 1)) {
        char norm[PS_IDENT_MAX + 1];
        size_t n = ps_ident_person_written(t->pool + id, norm);
        memcpy(t->pool + id, norm, n + 1);
        t->pool_len = id + n + 1;
    }
    /* A surname alone is the person named in full before it, even when
     * the surname alone was also seen before the full name. */
    long idx = partial_name(t, c->w0, c->w1, t->pool + id, c->type);
    if (idx < 0)
        idx = etab_find(t, &t->by_id, KEY_ID, t->pool + id);
    if (idx >= 0) {
        /* The slug was only needed for the comparison. */
        t->pool_len = mark;
        if (better_name(t, (size_t)idx, c->w0, c->w1) != PS_OK)
            return PS_ENOMEM;
    } else {
        size_t slot;
        struct tent *e = ps__tagger_new_entity(t, &slot);
        if (!e)
            return PS_ENOMEM;
        e->id_off = id;
        e->name_off = pool_surface(t, c->w0, c->w1);
        e->nwords = c->w1 - c->w0;
        e->first = t->w[c->w0].tok->offset;
        e->first_type = c->type;
        if (c->type == PS_ENT_PLACE && is_dateline(t, c->w0, c->w1))
            e->dateline = e->first + 1;
        if (e->nwords >= 2) {
            /* "Biden" alone is "Joseph R. Biden Jr.": no suffix is a
             * surname. */
            static const char *const suffixes[] = {"ii", "iii", "iv", "jr",
                                                   "sr", NULL};
            size_t wl = c->w1 - 1;
            if (wl > c->w0 + 1 && term_in(t->w[wl].tok, suffixes))
                wl--;
            const ps_token_t *last = t->w[wl].tok;
            const ps_token_t *first = t->w[c->w0].tok;
            e->last_off = pool_add(t, last->term, last->term_len);
            /* An initial is no first name ("S. Warne"). */
            if (first->term_len > 1 &&
                (e->first_off = pool_add(t, first->term, first->term_len)) ==
                    SIZE_MAX)
                return PS_ENOMEM;
        }
        if (e->name_off == SIZE_MAX ||
            (e->nwords >= 2 && e->last_off == SIZE_MAX) ||
            etab_put(t, &t->by_id, KEY_ID, slot) < 0)
            return PS_ENOMEM;
        idx = (long)slot;
    }
    uint32_t seen = 0;
    for (int k = 0; k < PS_ENT__COUNT; k++)
        seen += t->e[idx].votes[k];
    if (seen == 1)
        t->e[idx].next_type = c->type;
    t->e[idx].votes[c->type]++;
    t->e[idx].full_person |= c->type == PS_ENT_PERSON && c->w1 - c->w0 >= 2;
    if ((c->type == PS_ENT_PERSON || t->e[idx].votes[PS_ENT_PERSON] == 0) &&
        note_person(t, (size_t)idx) != PS_OK)
        return PS_ENOMEM;
    return ps__tagger_add_mention(t, (size_t)idx, c->w0, c->w1);
}

ps_status_t ps__tagger_split_datelines(ps_tagger_t *t)
{
    for (size_t i = 0, n = t->ne; i < n; i++) {
        struct tent *e = &t->e[i];
        if (!e->dateline || e->def >= 0 || e->into != SIZE_MAX ||
            e->next_type == PS_ENT_PLACE)
            continue;
        uint32_t all = 0;
        for (int k = 0; k < PS_ENT__COUNT; k++)
            all += e->votes[k];
        if (all < 2)
            continue;
        size_t d, at = e->dateline - 1;
        /* Not put in the table of names: later mentions find the team. */
        struct tent *dl = ps__tagger_new_entity(t, &d);
        if (!dl)
            return PS_ENOMEM;
        e = &t->e[i];
        dl->id_off = e->id_off;
        dl->name_off = e->name_off;
        dl->nwords = e->nwords;
        dl->first = at;
        dl->first_type = PS_ENT_PLACE;
        dl->votes[PS_ENT_PLACE] = 1;
        e->votes[PS_ENT_PLACE]--;
        e->first_type = e->next_type;
        e->dateline = 0;
        for (size_t k = 0; k < t->nm; k++)
            if (t->m[k].ent == i && t->m[k].offset == at) {
                t->m[k].ent = d;
                break;
            }
    }
    return PS_OK;
}

/* What the honorifics before each entity's mentions say, in G (T->ne
 * bytes): 1 a woman ("Mrs. Obama"), -1 a man ("Mr. Obama"), 0 nothing
 * or both. One pass over the mentions. */
static void mentions_gender(const ps_tagger_t *t, int8_t *g)
{
    enum { BOTH = 2 };
    memset(g, 0, t->ne);
    for (size_t k = 0; k < t->nm; k++) {
        size_t e = t->m[k].ent;
        if (e >= t->ne || g[e] == BOTH)
            continue;
        int h = honorific_gender(t, word_at(t, t->m[k].offset));
        if (h)
            g[e] = g[e] && g[e] != h ? BOTH : (int8_t)h;
    }
    for (size_t e = 0; e < t->ne; e++)
        if (g[e] == BOTH)
            g[e] = 0;
}

/* What a word for a woman or a man right before person ENT's first
 * mention says, the apposition's comma allowed between ("the first
 * lady, Michelle Obama"), else its first name or its pronouns
 * (known_gender()). */
static int person_gender(const ps_tagger_t *t, size_t ent)
{
    static const char *const woman[] = {"lady", "wife", "woman", "mother",
                                        "daughter", "sister", "widow",
                                        "congresswoman", "businesswoman",
                                        "chairwoman", "spokeswoman", NULL};
    static const char *const man[] = {"husband", "son", "man", "father",
                                      "brother", "congressman",
                                      "businessman", "chairman", "spokesman",
                                      NULL};
    size_t w = word_at(t, t->e[ent].first);
    if (w > 0 && w < t->nw) {
        const ps_token_t *b = t->w[w - 1].tok, *a = t->w[w].tok;
        if (!(a->flags & (PS_TOK_LINE_START | PS_TOK_SENT_START))) {
            if (term_in(b, woman))
                return 1;
            if (term_in(b, man))
                return -1;
        }
    }
    return known_gender(t, ent);
}

/* Whether entity ENT, of two words, opens with a first name that says a
 * sex (tag/gender.h) and ends with the surname of a person of the
 * article, one of KIN (every person, by surname), and is not called "it"
 * where first named: "Ivanka Trump" and "Melania Trump", which the model
 * types as the Trump brand's organisations in an article about Donald
 * Trump, are his kin, people; Hugo Boss that "would cut its prices" is
 * the company, whoever else is named Boss. */
static int kin_of_person(const ps_tagger_t *t, const struct etab *kin,
                         size_t ent)
{
    const struct tent *e = &t->e[ent];
    if (e->nwords != 2 || !name_gender(t, ent) ||
        pronoun_in_sentence(t, ent) < 0)
        return 0;
    long j = etab_find(t, kin, KEY_LAST, ent_key(t, ent, KEY_LAST));
    return j >= 0 && (size_t)j != ent;
}

/* Fills KIN with the people of the article by surname, the gazetteer's
 * too (whose surname, the last word of the name in lower case, is added
 * to the pool as their LAST_OFF, which nothing else reads of a known
 * entity). Returns 0, or -1 when memory runs out. */
static int people_by_surname(ps_tagger_t *t, struct etab *kin)
{
    for (size_t i = 0; i < t->ne; i++) {
        struct tent *e = &t->e[i];
        if (e->into != SIZE_MAX)
            continue;
        if (e->def >= 0) {
            const ps_entity_def_t *d = ps_gazetteer_get(t->g, (size_t)e->def);
            const char *space = strrchr(d->name, ' ');
            if (d->type != PS_ENT_PERSON || !space || !space[1])
                continue;
            if (e->last_off == SIZE_MAX) {
                size_t n = strlen(space + 1);
                if ((e->last_off = pool_add(t, space + 1, n)) == SIZE_MAX)
                    return -1;
                for (char *c = t->pool + e->last_off; *c; c++)
                    if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c - 'A' + 'a');
            }
        } else if (e->nwords < 2 || e->last_off == SIZE_MAX ||
                   e->votes[PS_ENT_PERSON] == 0) {
            continue;
        }
        if (etab_find(t, kin, KEY_LAST, ent_key(t, i, KEY_LAST)) < 0 &&
            etab_put(t, kin, KEY_LAST, i) < 0)
            return -1;
    }
    return 0;
}

/* A name that reads as a person's (reads_as_person()) or that the model
 * typed a person where written in full, which it typed otherwise first
 * but whose mentions it typed a person more often than anything: a
 * person (note_person() let the surname find it). "Trump, Ryan, pledge
 * to work together" opened an article with an organisation "Trump",
 * and "Donald Trump" (a person 7 times in it, misc 6, an organisation
 * once) stayed one. So is a person's kin (kin_of_person()). */
static void retype_people(ps_tagger_t *t)
{
    /* Without memory for the table, no kin is found (as the honorifics'
     * genders in ps__tagger_link_surnames()). */
    struct etab kin = {NULL, 0, 0};
    int have_kin = 0; /* 1 made, -1 out of memory */
    for (size_t i = 0; i < t->ne; i++) {
        struct tent *e = &t->e[i];
        if (e->def >= 0 || e->first_type == PS_ENT_PERSON ||
            e->into != SIZE_MAX || e->last_off == SIZE_MAX)
            continue;
        int most = 1;
        for (int k = 0; k < PS_ENT__COUNT && most; k++)
            most = k == PS_ENT_PERSON ||
                   e->votes[k] < e->votes[PS_ENT_PERSON];
        if (most && (e->full_person || reads_as_person(t, i))) {
            e->first_type = PS_ENT_PERSON;
            continue;
        }
        /* The table is made for the first name that could be kin. */
        if (e->nwords != 2 || !name_gender(t, i))
            continue;
        if (!have_kin)
            have_kin = people_by_surname(t, &kin) < 0 ? -1 : 1;
        if (have_kin > 0 && kin_of_person(t, &kin, i))
            e->first_type = PS_ENT_PERSON;
    }
    free(kin.slot);
}

void ps__tagger_link_surnames(ps_tagger_t *t)
{
    retype_people(t);
    /* Without memory for the honorifics' genders, surnames link as if
     * no honorific were written. */
    int8_t *gender = t->ne ? calloc(t->ne, 1) : NULL;
    if (gender)
        mentions_gender(t, gender);
    /* Entities are made in text order, so the first person named in full
     * after the surname takes it ("Yeltsin" in the headline is Boris
     * Yeltsin, not Naina Yeltsin further down). */
    for (size_t b = 0; b < t->ne; b++) {
        const struct tent *eb = &t->e[b];
        if (eb->def >= 0 || eb->nwords < 2 || eb->last_off == SIZE_MAX ||
            eb->votes[PS_ENT_PERSON] == 0)
            continue;
        for (int key = KEY_LAST; key <= KEY_FIRST; key++) {
            if (key == KEY_FIRST && eb->first_off == SIZE_MAX)
                break;
            long a = etab_find(t, &t->by_id, KEY_ID, ent_key(t, b, key));
            /* A headline's "Zelensky" before the text's "Volodymyr
             * Zelensky": the person, typed as the name written in full.
             * Later full names with the same surname keep their own. */
            if (a < 0 || t->e[a].nwords != 1 || t->e[a].first >= eb->first ||
                t->e[a].into != SIZE_MAX)
                continue;
            /* "Mr. Obama" throughout, then "the first lady, Michelle
             * Obama": two people. */
            if (gender && gender[a] && gender[a] == -person_gender(t, b))
                continue;
            ps__tagger_merge(t, (size_t)a, b);
        }
    }
    free(gender);
}

void ps__tagger_reset(ps_tagger_t *t)
{
    for (size_t i = 0; i < t->ne; i++)
        if (t->e[i].def >= 0)
            t->def_slot[t->e[i].def] = -1;
    t->nw = t->nc = t->nm = t->ne = t->pool_len = 0;
    etab_clear(&t->by_id);
    etab_clear(&t->by_last);
    etab_clear(&t->by_first);
}

void ps__tagger_link_free(ps_tagger_t *t)
{
    free(t->by_id.slot);
    free(t->by_last.slot);
    free(t->by_first.slot);
    free(t->pool);
}
