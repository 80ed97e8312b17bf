/* The surname spellings the resolver looks up, read once a prefix. A
 * person's other spellings are found among the identity terms under the
 * first letters of the surname (ident_spelling.c), and reading that whole
 * range for every person cost, for an article of thousands of names that
 * share their first letters ("Johns1", "Johns2" ...), the range's length
 * once per name: seconds for a result that shows such an article,
 * minutes for a 4 MB one. The memo reads a range once and sorts it by
 * the folded surname, so that each person costs a binary search. It is
 * the statistics' provider's (ps_ident_stats_t's memo): the provider
 * knows when the statistics change and empties it then. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/util.h"
#include "ident/ident_private.h"

/* Past this many terms held, the memo starts afresh, as the index's own
 * memories do (ident_db.h's MAX_ENTRIES). */
#define MEMO_MAX_TERMS (1u << 20)

/* One term of a range: its text and its surname's folded form, both in
 * the range's arena (offsets while it fills, then pointers), and how many
 * documents hold it. */
struct entry {
    union {
        size_t at;
        const char *s;
    } term, fold;
    size_t len;
    uint64_t docs;
    size_t order; /* its place in the range (byte order) */
};

struct range {
    char *prefix; /* NUL-terminated; NULL: an empty slot */
    size_t plen;
    char *arena;
    size_t arena_len, arena_cap;
    struct entry *e; /* sorted by folded surname, then order */
    size_t n, cap;
};

struct ps_ident_memo {
    struct range *slots;
    size_t cap, used; /* a power of two; slots in use */
    size_t terms;     /* terms held by every range */
};

ps_ident_memo_t *ps_ident_memo_new(void)
{
    return calloc(1, sizeof(ps_ident_memo_t));
}

static void range_free(struct range *r)
{
    free(r->prefix);
    free(r->arena);
    free(r->e);
    memset(r, 0, sizeof *r);
}

void ps_ident_memo_clear(ps_ident_memo_t *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        range_free(&m->slots[i]);
    free(m->slots);
    m->slots = NULL;
    m->cap = m->used = m->terms = 0;
}

void ps_ident_memo_free(ps_ident_memo_t *m)
{
    ps_ident_memo_clear(m);
    free(m);
}

/* The slot of PREFIX among SLOTS (CAP of them, a power of two): its
 * range, or the empty slot it would take. */
static struct range *slot(struct range *slots, size_t cap, const char *prefix,
                          size_t len)
{
    for (size_t i = (size_t)XXH3_64bits(prefix, len) & (cap - 1);;
         i = (i + 1) & (cap - 1))
        if (!slots[i].prefix ||
            (slots[i].plen == len && memcmp(slots[i].prefix, prefix, len) == 0))
            return &slots[i];
}

/* Makes room for one more range, the table at most half full. */
static int room(ps_ident_memo_t *m)
{
    if (2 * (m->used + 1) <= m->cap)
        return 0;
    size_t cap = m->cap ? 2 * m->cap : 64;
    struct range *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].prefix) {
            struct range *r = &m->slots[i];
            *slot(slots, cap, r->prefix, r->plen) = *r;
        }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

/* The folded surname of identity term TERM ("ES" + surname + ":" + id) in
 * OUT (PS_IDENT_MAX + 1 bytes); 0 when TERM is not such a term. */
static size_t term_fold(const char *term, size_t len, char *out)
{
    size_t pl = strlen(PS_IDENT_P_SURNAME);
    const char *colon = memchr(term, ':', len);
    char sur[PS_IDENT_MAX + 1];
    if (!colon || (size_t)(colon - term) < pl ||
        (size_t)(colon - term) - pl > PS_IDENT_MAX)
        return 0;
    size_t sl = (size_t)(colon - term) - pl;
    memcpy(sur, term + pl, sl);
    sur[sl] = '\0';
    return ps__ident_fold(sur, out);
}

/* ps_ident_stats_t's EACH step that keeps a range's terms. */
struct filling {
    struct range *r;
    int nomem;
};

static int append(struct range *r, const char *s, size_t len, size_t *at)
{
    if (ps__grow(&r->arena, &r->arena_cap, r->arena_len + len + 1, 1))
        return -1;
    memcpy(r->arena + r->arena_len, s, len);
    r->arena[r->arena_len + len] = '\0';
    *at = r->arena_len;
    r->arena_len += len + 1;
    return 0;
}

static void keep(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct filling *f = arg;
    struct range *r = f->r;
    char fold[PS_IDENT_MAX + 1];
    size_t fl = term_fold(term, len, fold);
    if (f->nomem || !fl)
        return;
    struct entry e = {.len = len, .docs = docs, .order = r->n};
    if (ps__grow(&r->e, &r->cap, r->n + 1, sizeof *r->e) ||
        append(r, term, len, &e.term.at) || append(r, fold, fl, &e.fold.at)) {
        f->nomem = 1;
        return;
    }
    r->e[r->n++] = e;
}

static int by_fold(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->fold.s, y->fold.s);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* The range of PREFIX in M, read through S when M does not hold it yet;
 * NULL on failure, *ST saying which. */
static const struct range *range_of(ps_ident_memo_t *m,
                                    const ps_ident_stats_t *s,
                                    const char *prefix, size_t len,
                                    ps_status_t *st)
{
    struct range *r;
    if (m->cap && (r = slot(m->slots, m->cap, prefix, len))->prefix)
        return r;
    struct range fresh = {0};
    struct filling f = {&fresh, 0};
    *st = PS_ENOMEM;
    if (!(fresh.prefix = malloc(len + 1)))
        return NULL;
    memcpy(fresh.prefix, prefix, len);
    fresh.prefix[len] = '\0';
    fresh.plen = len;
    if (s->each(s->ctx, prefix, len, keep, &f) || f.nomem) {
        *st = f.nomem ? PS_ENOMEM : PS_EIO;
        range_free(&fresh);
        return NULL;
    }
    /* The arena is whole: its offsets become pointers. Then byte order
     * within one folded surname, as the statistics give it. */
    for (size_t i = 0; i < fresh.n; i++) {
        fresh.e[i].term.s = fresh.arena + fresh.e[i].term.at;
        fresh.e[i].fold.s = fresh.arena + fresh.e[i].fold.at;
    }
    if (fresh.n > 1)
        qsort(fresh.e, fresh.n, sizeof *fresh.e, by_fold);
    if (m->terms + fresh.n > MEMO_MAX_TERMS)
        ps_ident_memo_clear(m);
    if (room(m)) {
        range_free(&fresh);
        return NULL;
    }
    r = slot(m->slots, m->cap, prefix, len);
    *r = fresh;
    m->used++;
    m->terms += fresh.n;
    return r;
}

/* ps_ident_stats_t's EACH step that passes on the terms whose surname
 * folds to the one asked for, when there is no memo. */
struct folded {
    const char *fold;
    void (*fn)(void *arg, const char *term, size_t len, uint64_t docs);
    void *arg;
};

static void pass_folded(void *arg, const char *term, size_t len, uint64_t docs)
{
    const struct folded *f = arg;
    char fold[PS_IDENT_MAX + 1];
    if (term_fold(term, len, fold) && strcmp(fold, f->fold) == 0)
        f->fn(f->arg, term, len, docs);
}

ps_status_t ps__ident_spelling_each(const ps_ident_stats_t *s, const char *sur,
                                    size_t len,
                                    void (*fn)(void *arg, const char *term,
                                               size_t len, uint64_t docs),
                                    void *arg)
{
    char prefix[PS_IDENT_MAX + 1], word[PS_IDENT_MAX + 1],
        fold[PS_IDENT_MAX + 1];
    size_t pl = ps__ident_spelling_prefix(sur, len, prefix);
    if (!pl || len > PS_IDENT_MAX)
        return PS_OK;
    memcpy(word, sur, len);
    word[len] = '\0';
    ps__ident_fold(word, fold);
    if (!s->memo) {
        struct folded f = {fold, fn, arg};
        return s->each(s->ctx, prefix, pl, pass_folded, &f) ? PS_EIO : PS_OK;
    }
    ps_status_t st = PS_OK;
    const struct range *r = range_of(s->memo, s, prefix, pl, &st);
    if (!r)
        return st;
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->e[mid].fold.s, fold) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < r->n && strcmp(r->e[i].fold.s, fold) == 0; i++)
        fn(arg, r->e[i].term.s, r->e[i].len, r->e[i].docs);
    return PS_OK;
}
