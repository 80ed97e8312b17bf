/* Sides in sports reports: in a text that two words only sports reports
 * use mark as one (lib/tag/data/sports.txt), a country or a city named as
 * a side ("against England", "Australia won the toss", "Romania 2") is its
 * team, an org, and the same name elsewhere in the text ("born in
 * England", "( U.S. )" after a player) stays the place. The team's
 * mentions move to an entity of their own with the place's id, so
 * org:England finds the cricket team and place:England the country; the
 * entity keeps "team" set, for psearch-index --tag to say that the name is
 * written as a place (CoNLL annotates a national side so). */
#include <stdlib.h>
#include <string.h>

#include "tag/tagger_private.h"

static const char *const sports[] = {
#include "sports.inc"
};

static const char *const before[] = {
#include "team-before.inc"
};

static const char *const after[] = {
#include "team-after.inc"
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* Whether the text is a sports report: two different words of
 * sports.txt. */
static int sports_report(const ps_tagger_t *t)
{
    const char *seen = NULL;
    for (size_t i = 0; i < t->nw; i++) {
        const char *term = t->w[i].tok->term;
        if (!ps__tagger_listed(sports, COUNT(sports), term))
            continue;
        if (seen && strcmp(seen, term) != 0)
            return 1;
        seen = term;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int word_char(char c)
{
    return c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Copies the word (letters and dots, lower-cased, at most N - 1 bytes)
 * that ends at byte AT of the text (BACK) or starts there, blanks
 * skipped, into W; its length, 0 when there is none. Going back, a line
 * break is skipped too ("against / England" in a table). */
static size_t word_at(const ps_tagger_t *t, size_t at, int back, char *w,
                      size_t n)
{
    const char *s = t->text;
    size_t a, b;
    if (back) {
        while (at > 0 && (is_space(s[at - 1]) || s[at - 1] == '\n'))
            at--;
        for (b = at; at > 0 && word_char(s[at - 1]); at--)
            ;
        a = at;
    } else {
        while (at < t->len && is_space(s[at]))
            at++;
        for (a = at; at < t->len && word_char(s[at]); at++)
            ;
        b = at;
    }
    if (b - a == 0 || b - a >= n)
        return 0;
    for (size_t i = a; i < b; i++)
        w[i - a] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 32 : s[i]);
    w[b - a] = '\0';
    return b - a;
}

/* Whether a score follows byte AT on its line: blanks, digits, maybe
 * "-" and digits ("228-9"), then a blank or the line's end; a date
 * ("1996-08-30") is none. */
static int score_at(const ps_tagger_t *t, size_t at)
{
    const char *s = t->text;
    size_t i = at;
    while (i < t->len && is_space(s[i]))
        i++;
    if (i == at)
        return 0;
    size_t d = i;
    while (i < t->len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d)
        return 0;
    if (i - d == 4 && i < t->len && s[i] == '-')
        return 0;
    if (i < t->len && s[i] == '-') {
        size_t e = ++i;
        while (i < t->len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == e)
            return 0;
    }
    return i == t->len || is_space(s[i]) || s[i] == '\n';
}

/* Whether mention M is named as a side: a word of team-before.txt before
 * it, one of team-after.txt after it (or after its possessive), or a
 * score after it on its line. */
static int as_side(const ps_tagger_t *t, const struct tmention *m)
{
    if (m->offset < t->base || m->offset - t->base + m->length > t->len)
        return 0;
    size_t from = m->offset - t->base, to = from + m->length;
    char w[16];
    if (word_at(t, from, 1, w, sizeof w) &&
        ps__tagger_listed(before, COUNT(before), w))
        return 1;
    size_t at = to;
    while (at < t->len && is_space(t->text[at]))
        at++;
    if (at + 1 < t->len && t->text[at] == '\'' && t->text[at + 1] == 's')
        at += 2;
    if (word_at(t, at, 0, w, sizeof w) &&
        ps__tagger_listed(after, COUNT(after), w))
        return 1;
    return score_at(t, to);
}

/* Whether entity E is a place the tagger named (not the gazetteer's). */
static int unknown_place(const struct tent *e)
{
    return e->def < 0 && e->into == SIZE_MAX && e->first_type == PS_ENT_PLACE;
}

ps_status_t ps__tagger_split_teams(ps_tagger_t *t)
{
    if (!t->text || !sports_report(t))
        return PS_OK;
    size_t ne = t->ne;
    for (size_t i = 0; i < ne; i++) {
        t->e[i].sides = 0;
        t->e[i].side = SIZE_MAX;
    }
    for (size_t k = 0; k < t->nm; k++) {
        struct tent *e = &t->e[t->m[k].ent];
        if (t->m[k].ent < ne && unknown_place(e) && as_side(t, &t->m[k]))
            e->sides++;
    }
    for (size_t i = 0; i < ne; i++) {
        struct tent *e = &t->e[i];
        uint32_t all = 0;
        for (int k = 0; k < PS_ENT__COUNT; k++)
            all += e->votes[k];
        if (!e->sides || !unknown_place(e))
            continue;
        if (e->sides >= all) {
            /* Every mention is the side: the entity is the team. */
            e->first_type = PS_ENT_ORG;
            e->team = 1;
            continue;
        }
        /* Not put in the table of names: the place keeps the name. */
        size_t d;
        struct tent *s = ps__tagger_new_entity(t, &d);
        if (!s)
            return PS_ENOMEM;
        e = &t->e[i];
        s->id_off = e->id_off;
        s->name_off = e->name_off;
        s->nwords = e->nwords;
        s->first = e->first;
        s->first_type = PS_ENT_ORG;
        s->team = 1;
        s->votes[PS_ENT_ORG] = e->sides;
        e->votes[PS_ENT_PLACE] -= e->votes[PS_ENT_PLACE] < e->sides
                                      ? e->votes[PS_ENT_PLACE]
                                      : e->sides;
        e->side = d;
    }
    for (size_t k = 0; k < t->nm; k++) {
        size_t i = t->m[k].ent;
        if (i < ne && t->e[i].side != SIZE_MAX && as_side(t, &t->m[k]))
            t->m[k].ent = t->e[i].side;
    }
    return PS_OK;
}
