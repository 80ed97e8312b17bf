/* The entity tagger: finds the entities of one analysed text. Known names
 * come from the gazetteer (tagger_gaz.c); the trained model (ner.h) finds
 * the others, with the gazetteer's matches as hints; the rules of
 * tagger_span.c, tagger_link.c and tagger_acronym.c turn both into
 * entities with ids, types and mentions (tagger_private.h gives the
 * order of the parts). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tag/gender.h"
#include "tag/tagger_private.h"
#include "base/util.h"

ps_status_t ps_tagger_new(const ps_gazetteer_t *g, const ps_ner_model_t *m,
                          ps_tagger_t **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    ps_tagger_t *t = calloc(1, sizeof *t);
    if (!t)
        return PS_ENOMEM;
    t->g = g;
    t->model = m;
    size_t ndefs = ps_gazetteer_count(g);
    if (ndefs > 0 && !(t->def_slot = malloc(ndefs * sizeof *t->def_slot))) {
        free(t);
        return PS_ENOMEM;
    }
    for (size_t i = 0; i < ndefs; i++)
        t->def_slot[i] = -1;
    if (m) {
        ps_status_t st = ps_ner_state_new(m, &t->ner);
        if (st != PS_OK) {
            ps_tagger_free(t);
            return st;
        }
    }
    *out = t;
    return PS_OK;
}

void ps_tagger_free(ps_tagger_t *t)
{
    if (!t)
        return;
    ps_ner_state_free(t->ner);
    ps__tagger_link_free(t);
    ps__tagger_store_free(t);
    free(t->w);
    free(t->tok_word);
    free(t->hints);
    free(t->key);
    free(t->key_end);
    free(t->c);
    free(t->miscs);
    free(t->def_slot);
    free(t->tseq);
    free(t->case_keys);
    free(t->case_bits);
    free(t->case_first);
    free(t->case_last);
    free(t->case_next);
    free(t);
}

/* Collects the words, checking that every token lies inside the text, and
 * maps every token to the first word at or after it. */
static ps_status_t collect_words(ps_tagger_t *t, const ps_token_t *tokens,
                                 size_t ntokens)
{
    if (PS__TGROW(t, w, ntokens) < 0 || PS__TGROW(t, tok_word, ntokens + 1) < 0)
        return PS_ENOMEM;
    for (size_t i = 0; i < ntokens; i++) {
        const ps_token_t *tok = &tokens[i];
        if (tok->offset < t->base || tok->offset - t->base > t->len ||
            tok->length > t->len - (tok->offset - t->base) || !tok->term)
            return PS_EINVAL;
        t->tok_word[i] = t->nw;
        if (tok->flags & PS_TOK_COMPOUND)
            continue;
        struct word *w = &t->w[t->nw++];
        w->tok = tok;
        w->index = (uint32_t)i;
        w->gaz = 0;
    }
    t->tok_word[ntokens] = t->nw;
    return PS_OK;
}

static ps_entity_type_t entity_type(ps_ner_type_t t)
{
    switch (t) {
    case PS_NER_PER:
        return PS_ENT_PERSON;
    case PS_NER_LOC:
        return PS_ENT_PLACE;
    case PS_NER_ORG:
        return PS_ENT_ORG;
    default:
        return PS_ENT_MISC;
    }
}

/* Whether word I is "Said" or "Says" opening a sentence ("Said Comey,
 * ..."): a speech verb before its speaker, not a first name. Mid-sentence
 * "Said" is a name ("Edward Said", "Said Jalili"). */
static int speech_verb(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    return tok->term_len == 4 && (tok->flags & PS_TOK_CAP) &&
           (memcmp(tok->term, "said", 4) == 0 ||
            memcmp(tok->term, "says", 4) == 0) &&
           !ps__tagger_capital_mid(t, i);
}

static int term_is(const ps_token_t *tok, const char *s)
{
    size_t n = strlen(s);
    return tok->term_len == n && memcmp(tok->term, s, n) == 0;
}

/* How far a question's mark is looked for after its name, in bytes. */
#define QUESTION_REACH 200

/* Whether the name over words [W0, W1) opens a question with an auxiliary
 * that is also a first name: "Will Sanders come down off the pique?",
 * "Can Clinton win Ohio?". The auxiliary opens the sentence, a word
 * without a capital follows the name (the verb), and the sentence ends
 * with a question mark; "Will Smith said he would" keeps its first name. */
static int question_aux(const ps_tagger_t *t, size_t w0, size_t w1)
{
    const ps_token_t *tok = t->w[w0].tok;
    if (!(tok->flags & PS_TOK_CAP) || ps__tagger_capital_mid(t, w0) ||
        !(term_is(tok, "will") || term_is(tok, "can") || term_is(tok, "may")) ||
        w1 >= t->nw || (t->w[w1].tok->flags & PS_TOK_CAP))
        return 0;
    const ps_token_t *verb = t->w[w1].tok;
    size_t b = verb->offset + verb->length - t->base;
    for (size_t end = b + QUESTION_REACH; b < t->len && b < end; b++) {
        char c = t->text[b];
        if (c == '?')
            return 1;
        if (c == '.' || c == '!' || c == '\n')
            return 0;
    }
    return 0;
}

/* Whether the name's last word I is "Majority" or "Minority" before a
 * capitalised "Leader" or "Whip": "Senate Majority Leader Mitch
 * McConnell" names the Senate, then a title, which the model read as an
 * organisation "Senate Majority". */
static int leader_title(const ps_tagger_t *t, size_t i)
{
    if (i + 1 >= t->nw || !(t->w[i + 1].tok->flags & PS_TOK_CAP))
        return 0;
    const ps_token_t *a = t->w[i].tok, *b = t->w[i + 1].tok;
    return (term_is(a, "majority") || term_is(a, "minority")) &&
           (term_is(b, "leader") || term_is(b, "whip"));
}

/* The type of name [*W0, *W1) of type TYPE, and its bounds, by how news
 * writes names the model's training text hardly had (tagger_span.c): a
 * state after a city and a comma is a place ("Cleveland, Ohio,"); a
 * quotation that the name ends is one misc name, a slogan or a title
 * ("Make America Great Again"); "State of the" before a name and a
 * weekday after a misc word ("Super Tuesday") are part of it. */
static ps_entity_type_t news_bounds(const ps_tagger_t *t, size_t *w0,
                                    size_t *w1, ps_entity_type_t type)
{
    if ((type == PS_ENT_ORG || type == PS_ENT_MISC) &&
        ps__tagger_after_place(t, *w0, *w1))
        type = PS_ENT_PLACE;
    size_t quoted = ps__tagger_quote_start(t, *w0, *w1);
    if (quoted < *w0) {
        *w0 = quoted;
        type = PS_ENT_MISC;
    }
    if (type != PS_ENT_PERSON)
        *w0 = ps__tagger_of_start(t, *w0);
    if (type == PS_ENT_MISC)
        *w1 = ps__tagger_day_end(t, *w0, *w1);
    return type;
}

/* Whether word I is a one-letter party before a state, as in "(R-Utah)"
 * or ", D-Vt.": a party affiliation, no name. */
static int party_state(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    return tok->term_len == 1 && (tok->flags & PS_TOK_PART) &&
           i + 1 < t->nw && (t->w[i + 1].tok->flags & PS_TOK_PART) &&
           (t->w[i + 1].tok->flags & (PS_TOK_CAP | PS_TOK_UPPER)) &&
           strchr("rdi", tok->term[0]);
}

/* Whether a dash stands between words I - 1 and I: an en or em dash, or
 * one or two hyphens with a space either side ("DENVER - Donald Trump",
 * "DENVER -- ", "DENVER — ", "(AP) — The"); not the hyphen of a compound,
 * however it is spaced ("Jean-Pierre", "Mexican -American", "African-
 * Americans"). */
static int dash_between(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *a = t->w[i - 1].tok, *b = t->w[i].tok;
    const unsigned char *p =
        (const unsigned char *)t->text + (a->offset + a->length - t->base);
    size_t n = b->offset - (a->offset + a->length), k = 0;
    size_t before = 0, hyphens = 0, after = 0;
    int long_dash = 0;
    /* A closing bracket may end the first part ("(AP) — The Latest"). */
    if (k < n && p[k] == ')')
        k++;
    for (; k < n && (p[k] == ' ' || p[k] == '\t'); k++)
        before++;
    if (k + 3 <= n && p[k] == 0xE2 && p[k + 1] == 0x80 &&
        (p[k + 2] == 0x93 || p[k + 2] == 0x94)) {
        long_dash = 1;
        k += 3;
    } else {
        for (; k < n && p[k] == '-'; k++)
            hyphens++;
    }
    for (; k < n && (p[k] == ' ' || p[k] == '\t'); k++)
        after++;
    if (k != n)
        return 0;
    return long_dash ||
           (hyphens >= 1 && hyphens <= 2 && before > 0 && after > 0);
}

static ps_status_t add_name(ps_tagger_t *t, size_t w0, size_t w1,
                            ps_ner_type_t ntype);

/* Words in lower case inside a person's name ("Pierre de Vos",
 * "Maarten den Bakker", "Kengo wa Dondo", "Osama bin Laden", "Alexander
 * the Great", and the model's "Casa de las Gaviotas"), sorted. */
static const char *const name_particles[] = {
    "abu", "af", "al", "ben", "bin", "bint", "da", "das", "de", "dei",
    "del", "della", "den", "der", "des", "di", "do", "dos", "du", "el",
    "ibn", "la", "las", "le", "los", "of", "op", "st", "ten", "ter", "the",
    "van", "von", "wa", "zu"};

/* Whether word I of a person's name is a word in lower case that no name
 * holds: "Trump mentioned Cruz", which the model read as one person (and
 * whose id, read as a person's without middle names, was trump-cruz). */
static int lower_inside(const ps_tagger_t *t, size_t i)
{
    const ps_token_t *tok = t->w[i].tok;
    if (tok->flags & (PS_TOK_CAP | PS_TOK_UPPER | PS_TOK_NUMBER | PS_TOK_PART))
        return 0;
    /* One letter is an initial or a clitic ("Farrakhan 's Nation"). */
    char key[8];
    if (tok->term_len <= 1)
        return 0;
    if (tok->term_len >= sizeof key)
        return 1;
    memcpy(key, tok->term, tok->term_len);
    key[tok->term_len] = '\0';
    return !ps__tagger_listed(name_particles, PS_COUNT(name_particles), key);
}

/* Whether a title stands at word I of name [W0, W1), after its first
 * word, with two capitalised words or more after it to the name's end:
 * "Manhattan Supreme Court Justice Frank Nervo", "House Speaker Paul
 * Ryan", which the model reads as one organisation. */
static int title_inside(const ps_tagger_t *t, size_t w0, size_t i, size_t w1)
{
    size_t k = ps__tagger_is_title(t, i) ? 1 : ps__tagger_court_title(t, i);
    if (i <= w0 || k == 0 || i + k + 2 > w1)
        return 0;
    /* Not a motto's words ("Equal Justice Under Law"): no word of a
     * person's name is a preposition, an article or a conjunction. */
    static const char *const function_words[] = {
        "a",  "an", "and",  "at",  "by",    "for",  "from", "in",
        "of", "on", "over", "the", "under", "with", NULL};
    for (size_t j = i + k; j < w1; j++) {
        if (!(t->w[j].tok->flags & PS_TOK_CAP))
            return 0;
        for (const char *const *f = function_words; *f; f++)
            if (strcmp(t->w[j].tok->term, *f) == 0)
                return 0;
    }
    return 1;
}

/* Splits the model's name [W0, W1) where it holds two: at a dash, which
 * the model never sees as a token (a dateline's city and the name after
 * it, "DENVER - Donald Trump described ...", became one person), the
 * words before it a place when they open a line (a dateline), else a name
 * of the model's type, as are those after it; at a title inside it
 * (title_inside()), the words before it a name of the model's type and
 * those from it a person's; and at a word in lower case inside a
 * person's name (lower_inside()), itself left out. Returns 1 (with *ST)
 * when the name was split and its parts added. */
static int split_name(ps_tagger_t *t, size_t w0, size_t w1,
                         ps_ner_type_t ntype, ps_status_t *st)
{
    for (size_t i = w0 + 1; i < w1; i++) {
        if (title_inside(t, w0, i, w1)) {
            *st = add_name(t, w0, i, ntype);
            if (*st == PS_OK)
                *st = add_name(t, i, w1, PS_NER_PER);
            return 1;
        }
        if (ntype == PS_NER_PER && i + 1 < w1 && lower_inside(t, i)) {
            *st = add_name(t, w0, i, ntype);
            if (*st == PS_OK)
                *st = add_name(t, i + 1, w1, ntype);
            return 1;
        }
        if (!dash_between(t, i))
            continue;
        ps_ner_type_t head = (t->w[w0].tok->flags & PS_TOK_LINE_START)
                                 ? PS_NER_LOC
                                 : ntype;
        *st = add_name(t, w0, i, head);
        if (*st == PS_OK)
            *st = add_name(t, i, w1, ntype);
        return 1;
    }
    return 0;
}

/* Adds the model's name over words [W0, W1) of model type TYPE as a
 * candidate, unless its capitals say nothing (tagger_case.c). Titles are
 * evidence of a person and never part of a name: "Texas Sen" before "Ted
 * Cruz" is Texas, "Sen" or "Vice President" alone names nobody, and
 * "Senator Sanders" and "Sen. Sanders" are the person Sanders; nor is a
 * contraction ("I'm") or a party affiliation ("R-Utah") a name. */
static ps_status_t add_name(ps_tagger_t *t, size_t w0, size_t w1,
                            ps_ner_type_t ntype)
{
    ps_status_t split;
    if (split_name(t, w0, w1, ntype, &split))
        return split;
    while (w1 - w0 > 1 && ps__tagger_is_title(t, w1 - 1))
        w1--;
    if (w1 - w0 > 1 && leader_title(t, w1 - 1))
        w1--;
    /* "other than Jim Eastland I've presided", "Obama wasn't": a
     * contraction at the end is no word of the name. */
    while (w1 - w0 > 1 && ps__tagger_contraction(t, w1 - 1))
        w1--;
    /* "Said Comey.": a speech verb opening a sentence is no first name,
     * nor "Will" opening a question. */
    if (w1 - w0 > 1 && (speech_verb(t, w0) || question_aux(t, w0, w1)))
        w0++;
    size_t court =
        ntype == PS_NER_PER || ntype == PS_NER_ORG
            ? ps__tagger_court_title(t, w0)
            : 0;
    if (court) {
        if (w1 - w0 <= court)
            return PS_OK;
        w0 += court;
    }
    /* A headline's name kept, its common words at either end are not. */
    if (ntype == PS_NER_PER && w0 < w1 && !ps__tagger_case_common(t, w0, w1))
        ps__tagger_case_trim(t, &w0, &w1);
    if (w0 >= w1 || ps__tagger_case_common(t, w0, w1) ||
        ps__tagger_suffix_alone(t, w0, w1) ||
        (w1 - w0 == 1 &&
         (ps__tagger_is_title(t, w0) || ps__tagger_contraction(t, w0))) ||
        party_state(t, w0))
        return PS_OK;
    /* "U.S. Labor Day" is a country's holiday: the country, and the
     * holiday (CoNLL annotates two names). */
    const ps_token_t *head = t->w[w0].tok;
    if (w1 - w0 >= 2 && (head->flags & (PS_TOK_ACRONYM | PS_TOK_UPPER)) &&
        head->term_len <= 3 && ps__tagger_is_holiday(t, w0 + 1, w1)) {
        ps_status_t st = ps__tagger_add_cand(t, w0, w0 + 1, PS_ENT_PLACE);
        return st != PS_OK ? st
                           : ps__tagger_add_cand(t, w0 + 1, w1, PS_ENT_MISC);
    }
    /* "Mr Zelensky" is a person, whatever the model's context said. */
    size_t named = ps__tagger_skip_honorific(t, w0, w1);
    if (named + 1 == w1 && ps__tagger_is_title(t, named))
        return PS_OK;
    ps_entity_type_t type =
        named > w0 || court || ps__tagger_title_before(t, w0)
            ? PS_ENT_PERSON
            : entity_type(ps__tagger_list_type(t, w0, w1, ntype));
    type = news_bounds(t, &w0, &w1, type);
    if (type == PS_ENT_PERSON) {
        w0 = named;
        /* "10:20PMTed Cruz": a word that opens with a digit is a time or
         * a count run into the name by a page's lost spaces, no part of
         * a person's name ("20PMTed Cruz" made a person of its own); nor
         * is a contraction before a name of two words ("I'm Nancy
         * Pelosi"). */
        while (w1 - w0 > 1 &&
               (isdigit((unsigned char)t->w[w0].tok->term[0]) ||
                (w1 - w0 > 2 && ps__tagger_contraction(t, w0))))
            w0++;
    } else if (type == PS_ENT_MISC)
        type = ps__tagger_misc_type(t, w0, &w1, !ps__tagger_owner(t, w0, w1));
    else if (ps__tagger_ends_treaty(t, w1))
        type = PS_ENT_TREATY;
    else if (type == PS_ENT_PLACE)
        type = ps__tagger_place_type(t, w0, &w1);
    if (type == PS_ENT_TREATY)
        w1 = ps__tagger_treaty_number(t, w1);
    type = ps__tagger_convention(t, w0, w1, type);
    return ps__tagger_add_cand(t, w0, w1, type);
}

/* Whether the first name of person name [W0, W1) says the other sex than
 * that of the known person D's name: "Ivanka Trump" is not the
 * gazetteer's Donald Trump, whose alias "Trump" the gazetteer matched
 * inside it (tag/gender.h; a name neither list knows says nothing). */
static int other_sex(const ps_tagger_t *t, size_t w0, size_t w1,
                     const ps_entity_def_t *d)
{
    if (w1 - w0 < 2 || d->type != PS_ENT_PERSON)
        return 0;
    int known = ps__written_name_gender(d->name);
    int named = ps__first_name_gender(t->w[w0].tok->term);
    return known && named && known != named;
}

/* Whether the model's name over words [W0, W1), of type NTYPE, takes the
 * place of the gazetteer's matches inside it: it covers each of them
 * whole and more words besides, and none is of its type. A known place
 * inside a team, a person or an event ("Dynamo Moscow", "MaliVai
 * Washington", "the U.S. Open") is part of another name; a known person
 * the model names with a first name the gazetteer lacks stays known,
 * unless that first name says the other sex (other_sex()). If
 * so, the gazetteer's mentions there are marked dropped (entity
 * SIZE_MAX; drop_mentions() removes them) and its words freed.
 *
 * The mentions so far are the gazetteer's, in text order and apart, so
 * the first that ends after the name's start is found by bisection. */
static int takes_over(ps_tagger_t *t, size_t w0, size_t w1, ps_ner_type_t ntype)
{
    /* A name inside a compound is for the gazetteer: "U.S.-led" is the
     * model's MISC and the known "U.S." (ner.h). */
    for (size_t i = w0; i < w1; i++)
        if (t->w[i].tok->flags & PS_TOK_PART)
            return 0;
    const ps_token_t *a = t->w[w0].tok, *b = t->w[w1 - 1].tok;
    size_t from = a->offset, to = b->offset + b->length;
    size_t lo = 0, hi = t->nm;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->m[mid].offset + t->m[mid].length <= from)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    for (; end < t->nm && t->m[end].offset < to; end++) {
        const struct tmention *m = &t->m[end];
        const struct tent *e = m->ent == SIZE_MAX ? NULL : &t->e[m->ent];
        if (!e || m->offset < from || m->offset + m->length > to ||
            (m->offset == from && m->length == to - from) || e->def < 0)
            return 0;
        const ps_entity_def_t *d = ps_gazetteer_get(t->g, (size_t)e->def);
        if (ps__tagger_model_type(d->type) == ntype &&
            !(ntype == PS_NER_PER && other_sex(t, w0, w1, d)))
            return 0;
    }
    if (end == lo)
        return 0;
    for (size_t i = lo; i < end; i++)
        t->m[i].ent = SIZE_MAX;
    for (size_t i = w0; i < w1; i++)
        t->w[i].gaz = 0;
    return 1;
}

/* Removes the mentions takes_over() dropped. */
static void drop_mentions(ps_tagger_t *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->nm; i++)
        if (t->m[i].ent != SIZE_MAX)
            t->m[kept++] = t->m[i];
    t->nm = kept;
}

/* Whether the model's person span K + 1 opens with a nickname in
 * quotation marks right after span K, with at most an initial between
 * them ("Rep. Robert C. "Bobby" Scott", "John “Tig” Tiegen", which
 * the model reads as two names: the first name, and the nickname with
 * its closing mark and the surname). */
static int nickname_next(const ps_tagger_t *t, const ps_ner_span_t *spans,
                         size_t k, const ps_token_t *tokens)
{
    size_t end = spans[k].first + spans[k].count, next = spans[k + 1].first;
    if (spans[k + 1].count < 2 || next < end || next - end > 1 ||
        (next > end && tokens[end].term_len != 1))
        return 0;
    const ps_token_t *nick = &tokens[next], *after = &tokens[next + 1];
    size_t at = nick->offset - t->base;
    size_t open = ps__tagger_open_quote(t, at);
    size_t close = ps__tagger_close_quote(t, at + nick->length);
    return open && close && at > open && t->text[at - open - 1] == ' ' &&
           after->offset == nick->offset + nick->length + close + 1;
}

/* Whether the model's person spans K and K + 1 are one name it split: the
 * second starts at the token after the first, only a space stands
 * between them, and the second is capitalised inside a sentence ("Debbie
 * Wasserman" "Schultz": a surname of two words, which CoNLL's training
 * text hardly has). Two people are not written side by side without a
 * comma or a word between them, except in a headline ("Sanders Burns
 * Hillary Clinton"), where every word has a capital anyway. So is a
 * name whose nickname in quotation marks opens the second span
 * (nickname_next()). */
static int split_person(const ps_tagger_t *t, const ps_ner_span_t *spans,
                        size_t nspans, size_t k, const ps_token_t *tokens)
{
    if (k + 1 >= nspans || spans[k].type != PS_NER_PER ||
        spans[k + 1].type != PS_NER_PER)
        return 0;
    if (nickname_next(t, spans, k, tokens))
        return 1;
    if (spans[k].first + spans[k].count != spans[k + 1].first)
        return 0;
    const ps_token_t *a = &tokens[spans[k + 1].first - 1];
    const ps_token_t *b = &tokens[spans[k + 1].first];
    return b->offset == a->offset + a->length + 1 &&
           t->text[b->offset - 1 - t->base] == ' ' &&
           ps__tagger_capital_mid(t, t->tok_word[spans[k + 1].first]);
}

/* Whether the model's span K ends at a middle initial that the name goes
 * on after: "George W. Bush's" came out as "George W", an organisation,
 * and "Bush's" as no name (CoNLL writes a possessive apart, so the model
 * seldom saw one end a name after an initial), and "the George W. Bush
 * administration" as "George W" and a misc "Bush". The span, of two
 * tokens or more, ends with a capital letter alone and a full stop, and
 * the next token, capitalised but no sentence's start, follows after one
 * space. Returns 0 when not, 1 when the next token is in no span, 2 when
 * it is a span of its own, which the name takes in. */
static int runs_past_initial(const ps_tagger_t *t, const ps_ner_span_t *spans,
                             size_t nspans, size_t k, const ps_token_t *tokens)
{
    size_t b = spans[k].first + spans[k].count;
    if (spans[k].count < 2 || b >= t->ntokens)
        return 0;
    int next = k + 1 < nspans && spans[k + 1].first == b;
    if (next && spans[k + 1].count != 1)
        return 0;
    const ps_token_t *a = &tokens[b - 1], *n = &tokens[b];
    const char *s = t->text + (a->offset - t->base);
    if (a->length == 1 && *s >= 'A' && *s <= 'Z' &&
        n->offset == a->offset + 3 && s[1] == '.' && s[2] == ' ' &&
        (n->flags & PS_TOK_CAP) &&
        !(n->flags & (PS_TOK_SENT_START | PS_TOK_LINE_START | PS_TOK_PART)))
        return next ? 2 : 1;
    return 0;
}

/* Turns the model's spans into candidates. A span that overlaps a
 * gazetteer match is left out, the gazetteer knows that name better,
 * unless it is a longer name of another type around it (takes_over). A
 * span is cut after a possessive (tagger_span.c); what follows the cut
 * stays a name only when it is two words or more, or a treaty word
 * ("NATO's Article 5"). */
static ps_status_t model_names(ps_tagger_t *t, const ps_token_t *tokens)
{
    if (!t->ner || t->nw == 0)
        return PS_OK;
    const ps_ner_span_t *spans;
    size_t nspans;
    ps_status_t st = ps_ner_tag(t->ner, t->text, t->len, t->base, tokens,
                                t->ntokens, t->hints, &spans, &nspans);
    if (st != PS_OK || (st = ps__tagger_case_prepare(t)) != PS_OK)
        return st;
    int dropped = 0;
    for (size_t k = 0; k < nspans; k++) {
        size_t a = spans[k].first, b = a + spans[k].count;
        if (b > t->ntokens || a >= b)
            return PS_EINTERNAL;
        while (split_person(t, spans, nspans, k, tokens)) {
            k++;
            b = spans[k].first + spans[k].count;
            if (b > t->ntokens)
                return PS_EINTERNAL;
        }
        ps_ner_type_t type = spans[k].type;
        int run = runs_past_initial(t, spans, nspans, k, tokens);
        if (run) {
            b++;
            type = PS_NER_PER;
            k += run == 2;
        }
        size_t w0 = t->tok_word[a], w1 = t->tok_word[b];
        int person = type == PS_NER_PER, known = 0;
        for (size_t i = w0; i < w1; i++)
            known |= t->w[i].gaz;
        if (w0 >= w1)
            continue;
        if (known) {
            if (ps__tagger_piece_end(t, w0, w1, person) != w1 ||
                !takes_over(t, w0, w1, type))
                continue;
            dropped = 1;
        }
        for (int piece = 0; w0 < w1 && st == PS_OK; piece++) {
            size_t end = ps__tagger_piece_end(t, w0, w1, person);
            if (piece == 0 || end - w0 > 1 ||
                ps__tagger_is_treaty_cue(t, end - 1))
                st = add_name(t, w0, end, type);
            w0 = end;
        }
        if (st != PS_OK)
            return st;
    }
    if (dropped)
        drop_mentions(t);
    return ps__tagger_numbered_treaties(t);
}

ps_status_t ps_tagger_run(ps_tagger_t *t, const char *text, size_t len,
                          size_t base, const ps_token_t *tokens, size_t ntokens,
                          const ps_entity_t **ents, size_t *nents)
{
    if (!t || !ents || !nents || (!text && len > 0) || (!tokens && ntokens > 0))
        return PS_EINVAL;
    *ents = NULL;
    *nents = 0;
    ps__tagger_reset(t);
    t->text = text;
    t->len = len;
    t->base = base;
    t->ntokens = ntokens;
    ps_status_t st;
    if ((st = collect_words(t, tokens, ntokens)) != PS_OK ||
        (st = ps__tagger_match_gazetteer(t)) != PS_OK ||
        (st = model_names(t, tokens)) != PS_OK ||
        (st = ps__tagger_group_plurals(t)) != PS_OK)
        return st;
    for (size_t i = 0; i < t->nc; i++)
        if ((st = ps__tagger_resolve(t, &t->c[i])) != PS_OK)
            return st;
    if ((st = ps__tagger_split_datelines(t)) != PS_OK ||
        (st = ps__tagger_split_teams(t)) != PS_OK)
        return st;
    ps__tagger_link_surnames(t);
    if ((st = ps__tagger_link_acronyms(t)) != PS_OK)
        return st;
    ps__tagger_apply_merges(t);
    if ((st = ps__tagger_build_output(t)) != PS_OK)
        return st;
    *ents = t->out;
    *nents = t->nout;
    return PS_OK;
}
