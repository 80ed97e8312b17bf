/* The analyzer: splits UTF-8 text into positioned tokens, normalises each
 * one (NFKC, case folding, ASCII apostrophes) and stems it with Snowball, so
 * that the indexer and the query parser always agree on the terms. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "psearch/analyzer.h"
#include "base/util.h"

/* Xapian refuses terms longer than 245 bytes, prefix included. Terms are
 * capped well below that so that the indexer may add any prefix it likes;
 * a longer token (a base64 blob, a run of digits) is dropped but keeps its
 * position, so that no phrase matches across it. */
#define MAX_TERM 200

/* A token whose surface is longer than this cannot normalise to MAX_TERM
 * bytes or less in any text worth indexing, and normalising it would only
 * cost memory, so it is dropped unseen. */
#define MAX_SURFACE (MAX_TERM * 16)

/* Unicode's NFKC_Casefold: compatibility composition, case folding, and
 * removal of default-ignorable characters (soft hyphens, joiners, variation
 * selectors), which are invisible and must not make two words differ. */
#define NORM_OPTIONS                                                           \
    ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPAT |                   \
                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |                \
                         UTF8PROC_IGNORE))

/* Snowball leaves words of fewer than three characters alone, so those
 * never reach the stemmer. Most other words repeat (Zipf), so stems are
 * remembered in a small direct-mapped cache of short words. */
#define STEM_MIN 3
#define CACHE_SLOTS 8192
#define CACHE_WORD 22

/* What a character does to the tokenizer. */
enum cls {
    CL_SEP,    /* separates words and has no other role */
    CL_END,    /* past the end of the text */
    CL_LETTER, /* L*: starts or continues a word */
    CL_DIGIT,  /* N*: starts or continues a word */
    CL_MARK,   /* M*: continues a word, never starts one */
    CL_JOINER, /* an invisible format character that may sit in a word */
    CL_APOS,   /* an apostrophe: joins letters, marks possessives */
    CL_HYPHEN, /* joins words into compounds */
    CL_DOT,    /* joins digits and acronyms, or ends a sentence */
    CL_COMMA,  /* joins digits, or goes on with the sentence */
    CL_STOP,   /* '!', '?', ':' and their like: the sentence ends */
    CL_CLAUSE, /* ';' and its like: the sentence goes on */
    CL_BREAK,  /* a line break: both the line and the sentence end */
};

/* One decoded character. */
struct ch {
    int32_t cp;
    uint8_t len;
    uint8_t cls;
    bool upper;
};

/* One word of a group: a plain word, a number or a dotted acronym. A
 * group of more than one unit is a hyphenated compound. */
struct unit {
    size_t start; /* surface, as offsets into the text */
    size_t end;
    size_t term_end; /* end of the part that makes the term: a stripped
                        possessive lies between term_end and end */
    size_t toff;     /* the normalised term in the pool, once built */
    uint32_t tlen;
    uint32_t nletters;
    uint32_t nupper;
    uint32_t flags;
    bool ascii;
    bool valid; /* a term was built; else the unit is dropped */
    bool gap;   /* the unit is dropped but keeps its position */
};

/* Where a token's strings lie in the pool until the pool stops moving. */
struct token_offs {
    size_t term;
    size_t stem;
};

struct cache_slot {
    uint8_t tlen; /* 0 for an empty slot */
    uint8_t slen;
    char term[CACHE_WORD];
    char stem[CACHE_WORD];
};

struct ps_analyzer {
    struct sb_stemmer *stemmer;

    ps_token_t *toks;
    struct token_offs *offs;
    size_t ntoks;
    size_t toks_cap;

    /* Every term and stem of the last call, NUL-terminated, back to back.
     * Tokens hold offsets while the pool may still be reallocated. */
    char *pool;
    size_t pool_len;
    size_t pool_cap;

    struct unit *units;
    size_t units_cap;

    /* Scratch space for utf8proc: code points, re-encoded in place. */
    utf8proc_int32_t *ubuf;
    size_t ubuf_cap;

    /* The answer of ps_analyzer_stem(). */
    char *sbuf;
    size_t sbuf_cap;

    struct cache_slot *cache;

    uint32_t pos;
    size_t err_off;
};

/* Character classes of ASCII, so that plain English text never needs a
 * table lookup in utf8proc. Everything not listed is CL_SEP (zero). */
static const uint8_t ascii_cls[128] = {
    ['\n'] = CL_BREAK,
    ['\r'] = CL_BREAK,
    ['\v'] = CL_BREAK,
    ['\f'] = CL_BREAK,
    ['\''] = CL_APOS,
    ['-'] = CL_HYPHEN,
    ['.'] = CL_DOT,
    [','] = CL_COMMA,
    ['!'] = CL_STOP,
    ['?'] = CL_STOP,
    [':'] = CL_STOP,
    [';'] = CL_CLAUSE,
    ['0'] = CL_DIGIT,
    ['1'] = CL_DIGIT,
    ['2'] = CL_DIGIT,
    ['3'] = CL_DIGIT,
    ['4'] = CL_DIGIT,
    ['5'] = CL_DIGIT,
    ['6'] = CL_DIGIT,
    ['7'] = CL_DIGIT,
    ['8'] = CL_DIGIT,
    ['9'] = CL_DIGIT,
#define L(c) [c] = CL_LETTER
    L('A'),
    L('B'),
    L('C'),
    L('D'),
    L('E'),
    L('F'),
    L('G'),
    L('H'),
    L('I'),
    L('J'),
    L('K'),
    L('L'),
    L('M'),
    L('N'),
    L('O'),
    L('P'),
    L('Q'),
    L('R'),
    L('S'),
    L('T'),
    L('U'),
    L('V'),
    L('W'),
    L('X'),
    L('Y'),
    L('Z'),
    L('a'),
    L('b'),
    L('c'),
    L('d'),
    L('e'),
    L('f'),
    L('g'),
    L('h'),
    L('i'),
    L('j'),
    L('k'),
    L('l'),
    L('m'),
    L('n'),
    L('o'),
    L('p'),
    L('q'),
    L('r'),
    L('s'),
    L('t'),
    L('u'),
    L('v'),
    L('w'),
    L('x'),
    L('y'),
    L('z'),
#undef L
};

static enum cls classify(int32_t cp, bool *upper)
{
    *upper = false;
    switch (cp) {
    case 0x2018: /* the apostrophes the header names */
    case 0x2019:
    case 0x02BC: /* a letter (Lm) to Unicode, an apostrophe to readers */
        return CL_APOS;
    case 0x2010:
    case 0x2011:
        return CL_HYPHEN;
    case 0x0085:
    case 0x2028:
    case 0x2029:
        return CL_BREAK;
    case 0x00AD: /* soft hyphen, ZWNJ, ZWJ, word joiner */
    case 0x200C:
    case 0x200D:
    case 0x2060:
        return CL_JOINER;
    case 0x061F: /* Arabic question mark */
    case 0x0964: /* danda */
    case 0x0965:
    case 0x203C: /* double punctuation marks */
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x3002: /* ideographic full stop */
    case 0xFF01: /* fullwidth ! . : ? */
    case 0xFF0E:
    case 0xFF1A:
    case 0xFF1F:
        return CL_STOP;
    case 0x060C: /* Arabic comma and semicolon */
    case 0x061B:
    case 0x3001: /* ideographic comma */
    case 0xFF0C: /* fullwidth , ; */
    case 0xFF1B:
        return CL_CLAUSE;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        *upper = true;
        return CL_LETTER;
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CL_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CL_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CL_DIGIT;
    default:
        return CL_SEP;
    }
}

/* Decodes the character at I. The text was validated before scanning, so
 * decoding cannot fail; past the end gives CL_END with length 0. */
static inline void get_char(const uint8_t *s, size_t len, size_t i,
                            struct ch *c)
{
    if (i >= len) {
        c->cp = -1;
        c->len = 0;
        c->cls = CL_END;
        c->upper = false;
        return;
    }
    if (s[i] < 0x80) {
        c->cp = s[i];
        c->len = 1;
        c->cls = ascii_cls[s[i]];
        c->upper = (unsigned)(s[i] - 'A') < 26u;
        return;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n =
        utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    c->cp = cp;
    c->len = (uint8_t)(n > 0 ? n : 1);
    c->cls = (uint8_t)classify(cp, &c->upper);
}

static inline bool is_wordish(int cls)
{
    return cls == CL_LETTER || cls == CL_DIGIT || cls == CL_MARK;
}

static bool pool_reserve(ps_analyzer_t *a, size_t extra)
{
    if (extra > SIZE_MAX - a->pool_len)
        return false;
    return ps__grow(&a->pool, &a->pool_cap, a->pool_len + extra, 1) == 0;
}

/* Maps typographic apostrophes and quotes to ASCII before normalisation,
 * so that "aren’t" and "aren't" are the same term. */
static utf8proc_int32_t map_typographic(utf8proc_int32_t cp, void *data)
{
    (void)data;
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x02BC:
    case 0x2039:
    case 0x203A:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
        return '"';
    default:
        return cp;
    }
}

/* Normalises LEN bytes of valid UTF-8 into a->ubuf, as UTF-8, and sets
 * *OUT_LEN. DROP_DOTS removes the dots of an acronym between decomposition
 * and composition, so that its letters compose as if written together. */
static ps_status_t normalize_into(ps_analyzer_t *a, const uint8_t *s,
                                  size_t len, bool drop_dots, size_t *out_len)
{
    for (;;) {
        /* utf8proc_reencode() writes a NUL after the text, so one code
         * point of room is kept back. */
        utf8proc_ssize_t room =
            a->ubuf_cap ? (utf8proc_ssize_t)a->ubuf_cap - 1 : 0;
        utf8proc_ssize_t n =
            utf8proc_decompose_custom(s, (utf8proc_ssize_t)len, a->ubuf, room,
                                      NORM_OPTIONS, map_typographic, NULL);
        if (n < 0)
            return n == UTF8PROC_ERROR_NOMEM || n == UTF8PROC_ERROR_OVERFLOW
                       ? PS_ENOMEM
                       : PS_EINTERNAL;
        if (n <= room) {
            if (drop_dots) {
                utf8proc_ssize_t w = 0;
                for (utf8proc_ssize_t r = 0; r < n; r++)
                    if (a->ubuf[r] != '.')
                        a->ubuf[w++] = a->ubuf[r];
                n = w;
            }
            n = utf8proc_reencode(a->ubuf, n, NORM_OPTIONS);
            if (n < 0)
                return PS_EINTERNAL;
            *out_len = (size_t)n;
            return PS_OK;
        }
        if (ps__grow(&a->ubuf, &a->ubuf_cap, (size_t)n + 1, sizeof(*a->ubuf)))
            return PS_ENOMEM;
    }
}

static inline uint32_t hash_word(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)w[i]) * 16777619u;
    return h;
}

/* Stems W. *OUT may point into W itself (a short word), into the cache or
 * into the stemmer; it stays valid until the next stemming on A. */
static ps_status_t stem_word(ps_analyzer_t *a, const char *w, size_t n,
                             const char **out, size_t *out_len)
{
    if (n < STEM_MIN) {
        *out = w;
        *out_len = n;
        return PS_OK;
    }
    struct cache_slot *slot = NULL;
    if (n <= CACHE_WORD) {
        slot = &a->cache[hash_word(w, n) & (CACHE_SLOTS - 1)];
        if (slot->tlen == n && memcmp(slot->term, w, n) == 0) {
            *out = slot->stem;
            *out_len = slot->slen;
            return PS_OK;
        }
    }
    if (n > INT_MAX)
        return PS_EINVAL;
    const sb_symbol *r =
        sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, (int)n);
    if (!r)
        return PS_ENOMEM;
    int rn = sb_stemmer_length(a->stemmer);
    if (slot && rn <= CACHE_WORD) {
        slot->tlen = (uint8_t)n;
        slot->slen = (uint8_t)rn;
        memcpy(slot->term, w, n);
        memcpy(slot->stem, r, (size_t)rn);
    }
    *out = (const char *)r;
    *out_len = (size_t)rn;
    return PS_OK;
}

PS_EXPORT ps_status_t ps_analyzer_new(ps_analyzer_t **out)
{
    if (!out)
        return PS_EINVAL;
    *out = NULL;
    ps_analyzer_t *a = calloc(1, sizeof(*a));
    if (!a)
        return PS_ENOMEM;
    a->cache = calloc(CACHE_SLOTS, sizeof(*a->cache));
    /* sb_stemmer_new() returns NULL for an unknown language or out of
     * memory; "english" is always built in, so NULL means memory. */
    a->stemmer = sb_stemmer_new("english", "UTF_8");
    if (!a->cache || !a->stemmer) {
        ps_analyzer_free(a);
        return PS_ENOMEM;
    }
    *out = a;
    return PS_OK;
}

PS_EXPORT void ps_analyzer_free(ps_analyzer_t *a)
{
    if (!a)
        return;
    if (a->stemmer)
        sb_stemmer_delete(a->stemmer);
    free(a->toks);
    free(a->offs);
    free(a->pool);
    free(a->units);
    free(a->ubuf);
    free(a->sbuf);
    free(a->cache);
    free(a);
}

PS_EXPORT size_t ps_analyzer_error_offset(const ps_analyzer_t *a)
{
    return a ? a->err_off : 0;
}

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

/* Scans one word starting at I, which holds a letter or a digit: letters,
 * marks and digits, apostrophes between letters, '.' and ',' between
 * digits, and a possessive at the end. */
static void scan_word(const uint8_t *s, size_t len, size_t i, struct unit *u)
{
    struct ch c, n, nn;
    int last = CL_END;
    int32_t last_letter = 0;
    uint32_t nletters = 0, nupper = 0;
    bool ascii = true, first = true, cap = false;
    uint32_t flags = 0;

    u->start = i;
    for (;;) {
        /* The common case, ASCII letters and digits, without decoding. */
        while (i < len && s[i] < 0x80 &&
               (ascii_cls[s[i]] == CL_LETTER || ascii_cls[s[i]] == CL_DIGIT)) {
            if (ascii_cls[s[i]] == CL_LETTER) {
                bool up = (unsigned)(s[i] - 'A') < 26u;
                if (first)
                    cap = up;
                nletters++;
                nupper += up;
                last = CL_LETTER;
                last_letter = s[i];
            } else {
                last = CL_DIGIT;
            }
            first = false;
            i++;
        }
        get_char(s, len, i, &c);
        switch (c.cls) {
        case CL_LETTER:
            if (first)
                cap = c.upper;
            nletters++;
            nupper += c.upper;
            last = CL_LETTER;
            last_letter = c.cp;
            break;
        case CL_DIGIT:
            last = CL_DIGIT;
            break;
        case CL_MARK:
            break;
        case CL_JOINER:
            get_char(s, len, i + c.len, &n);
            if (!is_wordish(n.cls))
                goto done;
            break;
        case CL_APOS:
            get_char(s, len, i + c.len, &n);
            if (n.cp == 's' || n.cp == 'S') {
                get_char(s, len, i + c.len + 1, &nn);
                if (!is_wordish(nn.cls) && nn.cls != CL_JOINER) {
                    /* "Russia's", "1990's": the possessive is part of
                     * the surface but not of the term. */
                    u->term_end = i;
                    u->end = i + c.len + 1;
                    flags |= PS_TOK_POSSESSIVE;
                    goto out;
                }
            }
            if (n.cls == CL_LETTER && last == CL_LETTER)
                break; /* "aren't", "O'Brien" */
            if (!is_wordish(n.cls) && last == CL_LETTER &&
                (last_letter == 's' || last_letter == 'S')) {
                /* "leaders’": a bare trailing apostrophe is taken as a
                 * plural possessive only after an s, since elsewhere it
                 * is far more often a closing quote (‘The A Word’). */
                u->term_end = i;
                u->end = i + c.len;
                flags |= PS_TOK_POSSESSIVE;
                goto out;
            }
            goto done;
        case CL_DOT:
        case CL_COMMA:
            get_char(s, len, i + 1, &n);
            if (last == CL_DIGIT && n.cls == CL_DIGIT)
                break; /* "800,000", "2.5" */
            goto done;
        default:
            goto done;
        }
        if (c.len > 1)
            ascii = false;
        first = false;
        i += c.len;
    }
done:
    u->term_end = u->end = i;
out:
    u->nletters = nletters;
    u->nupper = nupper;
    u->ascii = ascii;
    if (nletters == 0)
        flags |= PS_TOK_NUMBER;
    if (cap)
        flags |= PS_TOK_CAP;
    if (nletters >= 2 && nupper == nletters)
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

/* Builds the normalised term of U at the end of the pool. A unit whose
 * term would be too long becomes a gap; one whose term vanishes (nothing
 * but ignorable characters) is dropped. */
static ps_status_t build_term(ps_analyzer_t *a, const uint8_t *s,
                              struct unit *u)
{
    bool skip_dots = (u->flags & PS_TOK_ACRONYM) != 0;
    size_t n = u->term_end - u->start;
    u->valid = false;
    u->gap = false;
    u->toff = 0;
    u->tlen = 0;
    if (u->ascii) {
        size_t tlen = skip_dots ? u->nletters : n;
        if (tlen > MAX_TERM) {
            u->gap = true;
            return PS_OK;
        }
        if (!pool_reserve(a, tlen + 1))
            return PS_ENOMEM;
        char *w = a->pool + a->pool_len;
        for (size_t k = u->start; k < u->term_end; k++) {
            uint8_t b = s[k];
            if (skip_dots && b == '.')
                continue;
            *w++ = (char)((unsigned)(b - 'A') < 26u ? b + 32 : b);
        }
        *w = '\0';
        u->toff = a->pool_len;
        u->tlen = (uint32_t)tlen;
        a->pool_len += tlen + 1;
        u->valid = tlen > 0;
        return PS_OK;
    }
    if (n > MAX_SURFACE) {
        u->gap = true;
        return PS_OK;
    }
    size_t tlen;
    ps_status_t st = normalize_into(a, s + u->start, n, skip_dots, &tlen);
    if (st != PS_OK)
        return st;
    if (tlen > MAX_TERM) {
        u->gap = true;
        return PS_OK;
    }
    if (!pool_reserve(a, tlen + 1))
        return PS_ENOMEM;
    memcpy(a->pool + a->pool_len, a->ubuf, tlen + 1);
    u->toff = a->pool_len;
    u->tlen = (uint32_t)tlen;
    a->pool_len += tlen + 1;
    u->valid = tlen > 0;
    return PS_OK;
}

/* Appends a token whose term is already in the pool at TOFF, stemming it
 * unless STEM is false. */
static ps_status_t push_token(ps_analyzer_t *a, size_t toff, uint32_t tlen,
                              bool stem, size_t offset, size_t length,
                              uint32_t pos, uint32_t flags)
{
    if (a->ntoks == a->toks_cap) {
        size_t cap = a->toks_cap;
        if (ps__grow(&a->toks, &cap, a->ntoks + 1, sizeof(*a->toks)))
            return PS_ENOMEM;
        size_t ocap = a->toks_cap;
        if (ps__grow(&a->offs, &ocap, a->ntoks + 1, sizeof(*a->offs)))
            return PS_ENOMEM;
        /* Both arrays grow by the same rule, so their capacities agree;
         * the smaller one is what may be relied upon. */
        a->toks_cap = cap < ocap ? cap : ocap;
    }
    size_t soff = toff;
    uint32_t slen = tlen;
    if (stem) {
        const char *r;
        size_t rn;
        ps_status_t st = stem_word(a, a->pool + toff, tlen, &r, &rn);
        if (st != PS_OK)
            return st;
        if (rn != tlen || memcmp(r, a->pool + toff, rn) != 0) {
            /* R points into the stemmer or the cache, never into the
             * pool, so it survives the pool moving. */
            if (!pool_reserve(a, rn + 1))
                return PS_ENOMEM;
            soff = a->pool_len;
            memcpy(a->pool + soff, r, rn);
            a->pool[soff + rn] = '\0';
            a->pool_len += rn + 1;
            slen = (uint32_t)rn;
        }
    }
    ps_token_t *t = &a->toks[a->ntoks];
    t->term = NULL;
    t->stem = NULL;
    t->term_len = tlen;
    t->stem_len = slen;
    t->offset = offset;
    t->length = (uint32_t)length;
    t->pos = pos;
    t->flags = flags;
    a->offs[a->ntoks].term = toff;
    a->offs[a->ntoks].stem = soff;
    a->ntoks++;
    return PS_OK;
}

/* Scans the group of units (one word, or a hyphenated compound) that
 * starts at I and emits its tokens. *END receives the end of the group. */
static ps_status_t do_group(ps_analyzer_t *a, const uint8_t *s, size_t len,
                            size_t i, size_t base, uint32_t ctx_flags,
                            size_t *end)
{
    size_t nunits = 0;
    struct ch c, n;
    for (;;) {
        if (ps__grow(&a->units, &a->units_cap, nunits + 1, sizeof(*a->units)))
            return PS_ENOMEM;
        struct unit *u = &a->units[nunits++];
        if (!scan_acronym(s, len, i, u))
            scan_word(s, len, i, u);
        i = u->end;
        if (u->flags & PS_TOK_POSSESSIVE)
            break;
        get_char(s, len, i, &c);
        if (c.cls != CL_HYPHEN)
            break;
        get_char(s, len, i + c.len, &n);
        if (n.cls != CL_LETTER && n.cls != CL_DIGIT)
            break;
        i += c.len;
    }
    *end = i;

    bool all_valid = true;
    uint32_t nletters = 0, nupper = 0;
    size_t whole_len = nunits - 1;
    for (size_t k = 0; k < nunits; k++) {
        struct unit *u = &a->units[k];
        ps_status_t st = build_term(a, s, u);
        if (st != PS_OK)
            return st;
        all_valid = all_valid && u->valid;
        nletters += u->nletters;
        nupper += u->nupper;
        whole_len += u->tlen;
    }

    uint32_t pos = a->pos + 1;
    if (nunits > 1 && all_valid && whole_len <= MAX_TERM) {
        /* The whole compound: its parts' terms joined by ASCII hyphens,
         * whatever hyphen the text used. */
        if (!pool_reserve(a, whole_len + 1))
            return PS_ENOMEM;
        size_t woff = a->pool_len;
        char *w = a->pool + woff;
        for (size_t k = 0; k < nunits; k++) {
            const struct unit *u = &a->units[k];
            if (k > 0)
                *w++ = '-';
            memcpy(w, a->pool + u->toff, u->tlen);
            w += u->tlen;
        }
        *w = '\0';
        a->pool_len += whole_len + 1;
        const struct unit *first = &a->units[0];
        const struct unit *last = &a->units[nunits - 1];
        uint32_t flags = PS_TOK_COMPOUND | ctx_flags;
        flags |= first->flags & PS_TOK_CAP;
        flags |= last->flags & PS_TOK_POSSESSIVE;
        if (nletters >= 2 && nupper == nletters)
            flags |= PS_TOK_UPPER;
        ps_status_t st =
            push_token(a, woff, (uint32_t)whole_len, false, base + first->start,
                       last->end - first->start, pos, flags);
        if (st != PS_OK)
            return st;
    }
    for (size_t k = 0; k < nunits; k++) {
        const struct unit *u = &a->units[k];
        if (!u->valid && !u->gap)
            continue;
        a->pos++;
        if (!u->valid)
            continue;
        uint32_t flags = u->flags;
        if (nunits > 1)
            flags |= PS_TOK_PART;
        if (k == 0)
            flags |= ctx_flags;
        ps_status_t st =
            push_token(a, u->toff, u->tlen, !(u->flags & PS_TOK_NUMBER),
                       base + u->start, u->end - u->start, a->pos, flags);
        if (st != PS_OK)
            return st;
    }

    /* "Mr." and an initial ("Donald J. Trump") keep their dot from
     * ending the sentence: it is consumed here, unseen by the caller. "I."
     * is far more often the pronoun at the end of a sentence. */
    const struct unit *u = &a->units[0];
    size_t ulen = u->end - u->start;
    if (nunits == 1 && !(u->flags & (PS_TOK_ACRONYM | PS_TOK_POSSESSIVE)) &&
        *end < len && s[*end] == '.' && u->ascii &&
        ((ulen == 1 && u->nupper == 1 && s[u->start] != 'I') ||
         is_title(s + u->start, ulen)))
        (*end)++;
    return PS_OK;
}

PS_EXPORT ps_status_t ps_analyze(ps_analyzer_t *a, const char *text, size_t len,
                                 size_t base, const ps_token_t **tokens,
                                 size_t *ntokens)
{
    if (tokens)
        *tokens = NULL;
    if (ntokens)
        *ntokens = 0;
    if (!a || !tokens || !ntokens || (!text && len > 0))
        return PS_EINVAL;
    /* Lengths and positions are 32-bit in a token. */
    if (len > UINT32_MAX)
        return PS_ETOOBIG;
    a->ntoks = 0;
    a->pool_len = 0;
    a->pos = 0;
    a->err_off = 0;

    const uint8_t *s = (const uint8_t *)text;
    size_t bad;
    if (!ps__utf8_valid((const char *)s, len, &bad)) {
        a->err_off = base + bad;
        return PS_EBADUTF8;
    }

    bool sent = true, line = true;
    size_t i = 0;
    struct ch c, n;
    while (i < len) {
        get_char(s, len, i, &c);
        switch (c.cls) {
        case CL_LETTER:
        case CL_DIGIT: {
            uint32_t ctx =
                (sent ? PS_TOK_SENT_START : 0) | (line ? PS_TOK_LINE_START : 0);
            size_t end;
            ps_status_t st = do_group(a, s, len, i, base, ctx, &end);
            if (st != PS_OK) {
                a->ntoks = 0;
                return st;
            }
            sent = line = false;
            i = end;
            continue;
        }
        case CL_BREAK:
            sent = line = true;
            break;
        case CL_DOT:
        case CL_STOP:
            /* "example.com" and "10:30" end no sentence. */
            get_char(s, len, i + c.len, &n);
            if (!is_wordish(n.cls))
                sent = true;
            break;
        case CL_COMMA:
        case CL_CLAUSE:
            sent = false;
            break;
        default:
            break;
        }
        i += c.len;
    }

    /* The pool no longer moves: offsets become pointers. */
    for (size_t k = 0; k < a->ntoks; k++) {
        a->toks[k].term = a->pool + a->offs[k].term;
        a->toks[k].stem = a->pool + a->offs[k].stem;
    }
    *tokens = a->toks;
    *ntokens = a->ntoks;
    return PS_OK;
}

PS_EXPORT ps_status_t ps_analyzer_stem(ps_analyzer_t *a, const char *word,
                                       size_t len, const char **out,
                                       size_t *out_len)
{
    if (!a || !out || !out_len || (!word && len > 0))
        return PS_EINVAL;
    const char *r;
    size_t rn;
    ps_status_t st = stem_word(a, word ? word : "", len, &r, &rn);
    if (st != PS_OK)
        return st;
    if (ps__grow(&a->sbuf, &a->sbuf_cap, rn + 1, 1))
        return PS_ENOMEM;
    memmove(a->sbuf, r, rn);
    a->sbuf[rn] = '\0';
    *out = a->sbuf;
    *out_len = rn;
    return PS_OK;
}

PS_EXPORT ps_status_t ps_normalize(const char *text, size_t len, char **out,
                                   size_t *out_len)
{
    if (!out || (!text && len > 0))
        return PS_EINVAL;
    *out = NULL;
    if (out_len)
        *out_len = 0;
    /* utf8proc counts in signed sizes and may expand the text. */
    if (len > (size_t)PTRDIFF_MAX / 8)
        return PS_ETOOBIG;
    utf8proc_uint8_t *r = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom(
        (const utf8proc_uint8_t *)(text ? text : ""), (utf8proc_ssize_t)len, &r,
        NORM_OPTIONS, map_typographic, NULL);
    if (n < 0) {
        switch (n) {
        case UTF8PROC_ERROR_INVALIDUTF8:
            return PS_EBADUTF8;
        case UTF8PROC_ERROR_NOMEM:
            return PS_ENOMEM;
        case UTF8PROC_ERROR_OVERFLOW:
            return PS_ETOOBIG;
        default:
            return PS_EINTERNAL;
        }
    }
    *out = (char *)r;
    if (out_len)
        *out_len = (size_t)n;
    return PS_OK;
}
