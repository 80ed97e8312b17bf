/* The analyzer's scanner: finds the words of a text as units (a plain
 * word, a number, a dotted acronym) with their surface, the part that
 * makes the term, their letters and capitals, and groups units joined by
 * hyphens into one compound. It reads characters by class (text_chars.c)
 * and builds nothing: text_tokens.c turns the units into tokens. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "psearch/analyzer.h"
#include "text/text_private.h"
#include "base/util.h"

/* Scans an acronym of single letters joined by dots ("U.S.", "e.g")
 * starting at I. Returns false, and leaves U alone, unless there are at
 * least two letters. */
static bool scan_acronym(const uint8_t *s, size_t len, size_t i, struct unit *u)
{
    uint32_t n = 0, nupper = 0;
    bool ascii = true, first_upper = false;
    size_t p = i, end = i;
    struct ch c, d;
    for (;;) {
        get_char(s, len, p, &c);
        if (c.cls != CL_LETTER)
            break;
        size_t q = p + c.len;
        get_char(s, len, q, &d);
        while (d.cls == CL_MARK) {
            q += d.len;
            get_char(s, len, q, &d);
        }
        if (is_wordish(d.cls))
            break;
        if (n == 0) {
            /* The first letter must be followed by a dot for this to be
             * an acronym at all; most words fail here at once. */
            if (d.cls != CL_DOT)
                return false;
            first_upper = c.upper;
        }
        n++;
        nupper += c.upper;
        ascii = ascii && q - p == 1;
        end = q;
        if (d.cls != CL_DOT)
            break;
        end = q + 1;
        p = q + 1;
    }
    if (n < 2)
        return false;
    u->start = i;
    u->end = u->term_end = end;
    u->nletters = n;
    u->nupper = nupper;
    u->ascii = ascii;
    u->flags = PS_TOK_ACRONYM;
    if (first_upper)
        u->flags |= PS_TOK_CAP;
    if (nupper == n)
        u->flags |= PS_TOK_UPPER;
    return true;
}

/* A word being scanned. */
struct word {
    int last;            /* CL_LETTER or CL_DIGIT: the last one taken */
    int32_t last_letter; /* the last letter taken */
    uint32_t nletters;
    uint32_t nupper;
    bool ascii; /* every character taken is ASCII */
    bool first; /* nothing taken yet */
    bool cap;   /* the first character taken is an uppercase letter */
};

/* What the character at the scan's point does to the word. */
enum step {
    STEP_TAKE,       /* is part of it: go on */
    STEP_STOP,       /* ends it before the character */
    STEP_POSSESSIVE, /* starts a possessive, which ends it */
};

static inline void take_letter(struct word *w, int32_t cp, bool upper)
{
    if (w->first)
        w->cap = upper;
    w->nletters++;
    w->nupper += upper;
    w->last = CL_LETTER;
    w->last_letter = cp;
}

/* Takes ASCII letters and digits from I on, the common case, without
 * decoding; returns where they end. */
static inline size_t take_ascii(const uint8_t *s, size_t len, size_t i,
                                struct word *w)
{
    while (i < len && s[i] < 0x80 &&
           (ps__text_ascii_cls[s[i]] == CL_LETTER ||
            ps__text_ascii_cls[s[i]] == CL_DIGIT)) {
        if (ps__text_ascii_cls[s[i]] == CL_LETTER)
            take_letter(w, s[i], (unsigned)(s[i] - 'A') < 26u);
        else
            w->last = CL_DIGIT;
        w->first = false;
        i++;
    }
    return i;
}

/* The apostrophe C at I. For a possessive, *END receives the end of its
 * surface. */
static enum step at_apostrophe(const uint8_t *s, size_t len, size_t i,
                               const struct ch *c, const struct word *w,
                               size_t *end)
{
    struct ch n, nn;
    get_char(s, len, i + c->len, &n);
    if (n.cp == 's' || n.cp == 'S') {
        get_char(s, len, i + c->len + 1, &nn);
        if (!is_wordish(nn.cls) && nn.cls != CL_JOINER) {
            /* "Russia's", "1990's": the possessive is part of the
             * surface but not of the term. */
            *end = i + c->len + 1;
            return STEP_POSSESSIVE;
        }
    }
    if (n.cls == CL_LETTER && w->last == CL_LETTER)
        return STEP_TAKE; /* "aren't", "O'Brien" */
    if (!is_wordish(n.cls) && w->last == CL_LETTER &&
        (w->last_letter == 's' || w->last_letter == 'S')) {
        /* "leaders’": a bare trailing apostrophe is taken as a plural
         * possessive only after an s, since elsewhere it is far more
         * often a closing quote (‘The A Word’). */
        *end = i + c->len;
        return STEP_POSSESSIVE;
    }
    return STEP_STOP;
}

/* The character C at I, past any run take_ascii() took. */
static enum step step(const uint8_t *s, size_t len, size_t i,
                      const struct ch *c, struct word *w, size_t *end)
{
    struct ch n;
    switch (c->cls) {
    case CL_LETTER:
        take_letter(w, c->cp, c->upper);
        return STEP_TAKE;
    case CL_DIGIT:
        w->last = CL_DIGIT;
        return STEP_TAKE;
    case CL_MARK:
        return STEP_TAKE;
    case CL_JOINER:
        get_char(s, len, i + c->len, &n);
        return is_wordish(n.cls) ? STEP_TAKE : STEP_STOP;
    case CL_APOS:
        return at_apostrophe(s, len, i, c, w, end);
    case CL_DOT:
    case CL_COMMA:
        get_char(s, len, i + 1, &n);
        /* "800,000", "2.5" */
        return w->last == CL_DIGIT && n.cls == CL_DIGIT ? STEP_TAKE : STEP_STOP;
    default:
        return STEP_STOP;
    }
}

/* Scans one word starting at I, which holds a letter or a digit: letters,
 * marks and digits, apostrophes between letters, '.' and ',' between
 * digits, and a possessive at the end. */
static void scan_word(const uint8_t *s, size_t len, size_t i, struct unit *u)
{
    struct word w = {.last = CL_END, .ascii = true, .first = true};
    uint32_t flags = 0;
    u->start = i;
    for (;;) {
        i = take_ascii(s, len, i, &w);
        struct ch c;
        size_t end = i;
        get_char(s, len, i, &c);
        enum step st = step(s, len, i, &c, &w, &end);
        if (st == STEP_POSSESSIVE)
            flags |= PS_TOK_POSSESSIVE;
        if (st != STEP_TAKE) {
            u->term_end = i;
            u->end = end;
            break;
        }
        if (c.len > 1)
            w.ascii = false;
        w.first = false;
        i += c.len;
    }
    u->nletters = w.nletters;
    u->nupper = w.nupper;
    u->ascii = w.ascii;
    if (w.nletters == 0)
        flags |= PS_TOK_NUMBER;
    if (w.cap)
        flags |= PS_TOK_CAP;
    if (w.nletters >= 2 && w.nupper == w.nletters)
        flags |= PS_TOK_UPPER;
    u->flags = flags;
}

/* Titles whose dot ends no sentence: "Mr. Zelensky" has no sentence
 * starting at "Zelensky". */
static bool is_title(const uint8_t *s, size_t n)
{
    static const char *const titles[] = {
        "Mr",   "Mrs", "Ms",  "Mx",  "Dr",  "Prof", "St",   "Mt",
        "Ft",   "Sen", "Rep", "Gov", "Gen", "Lt",   "Col",  "Sgt",
        "Capt", "Maj", "Adm", "Rev", "Hon", "Pres", "Cmdr", "vs",
    };
    if (n > 4)
        return false;
    for (size_t i = 0; i < PS_COUNT(titles); i++)
        if (strlen(titles[i]) == n && memcmp(titles[i], s, n) == 0)
            return true;
    return false;
}

/* The words that open a sentence after an acronym's dot: pronouns,
 * articles and conjunctions, never a word of an organisation's or
 * place's name ("U.S. Senate", "D.C. Circuit", "U.N. Security
 * Council"). */
static bool is_opener(const uint8_t *s, size_t n)
{
    static const char *const openers[] = {
        "The",   "A",     "An",        "But",     "And",   "He",       "She",
        "It",    "They",  "We",        "I",       "This",  "That",     "These",
        "Those", "There", "His",       "Her",     "Its",   "Their",    "Our",
        "My",    "If",    "When",      "While",   "After", "Although", "Since",
        "Yet",   "So",    "Meanwhile", "However", "Then",  "What",     "Why",
        "How",   "Who",
    };
    for (size_t i = 0; i < PS_COUNT(openers); i++)
        if (strlen(openers[i]) == n && memcmp(openers[i], s, n) == 0)
            return true;
    return false;
}

bool ps__text_acronym_ends_sentence(const ps_analyzer_t *a, const uint8_t *s,
                                    size_t len, size_t nunits, size_t end)
{
    const struct unit *u = &a->units[nunits - 1];
    if (!(u->flags & PS_TOK_ACRONYM) || s[end - 1] != '.' || end >= len ||
        s[end] != ' ')
        return false;
    size_t w = end;
    while (w < len && s[w] == ' ')
        w++;
    size_t e = w;
    while (e < len &&
           ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z')))
        e++;
    /* The whole word, then a space or a comma: not "A-10", "It's". */
    return e > w && e < len && (s[e] == ' ' || s[e] == ',') &&
           is_opener(s + w, e - w);
}

ps_status_t ps__text_scan_group(ps_analyzer_t *a, const uint8_t *s, size_t len,
                                size_t i, size_t *nunits, size_t *end)
{
    size_t n = 0;
    struct ch c, d;
    for (;;) {
        if (ps__grow(&a->units, &a->units_cap, n + 1, sizeof(*a->units)))
            return PS_ENOMEM;
        struct unit *u = &a->units[n++];
        if (!scan_acronym(s, len, i, u))
            scan_word(s, len, i, u);
        i = u->end;
        if (u->flags & PS_TOK_POSSESSIVE)
            break;
        get_char(s, len, i, &c);
        if (c.cls != CL_HYPHEN)
            break;
        get_char(s, len, i + c.len, &d);
        if (d.cls != CL_LETTER && d.cls != CL_DIGIT)
            break;
        i += c.len;
    }
    *nunits = n;
    *end = i;
    return PS_OK;
}

bool ps__text_keeps_dot(const ps_analyzer_t *a, const uint8_t *s, size_t len,
                        size_t nunits, size_t end)
{
    /* "I." is far more often the pronoun at the end of a sentence. */
    const struct unit *u = &a->units[0];
    size_t ulen = u->end - u->start;
    return nunits == 1 && !(u->flags & (PS_TOK_ACRONYM | PS_TOK_POSSESSIVE)) &&
           end < len && s[end] == '.' && u->ascii &&
           ((ulen == 1 && u->nupper == 1 && s[u->start] != 'I') ||
            is_title(s + u->start, ulen));
}
