/* Entity identity across articles, the rules for people
 * (include/psearch/ident.h): a surname, first name or initial alone is the
 * person named in full with it that dominates; middle initials are dropped
 * unless they tell two people apart. Functions of document counts alone,
 * like every identity rule. */
#include <stdlib.h>
#include <string.h>

#include "ident/ident_private.h"
#include "psearch/ident.h"

/* The full names a surname, first name or initial may stand for, and how
 * many documents name each; at most MAX_CANDS, the most named. */
#define MAX_CANDS 16
struct cands {
    struct cand {
        char id[PS_IDENT_MAX + 1];
        uint64_t docs;
    } c[MAX_CANDS];
    size_t n;
    char initial; /* 0, or the letter the first name must start with */
    /* After settle(): the person that dominates, and the counts. */
    char best[PS_IDENT_MAX + 1];
    uint64_t best_docs, second_docs;
};

static void take(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct cands *c = arg;
    const char *colon = memchr(term, ':', len);
    if (!colon)
        return;
    const char *id = colon + 1;
    size_t idl = len - (size_t)(id - term);
    if (idl > PS_IDENT_MAX || (c->initial && id[0] != c->initial))
        return;
    size_t at = c->n, least = 0;
    for (size_t i = 0; i < c->n; i++) {
        /* Both a surname and a first name of one id ("james-james"). */
        if (strlen(c->c[i].id) == idl && memcmp(c->c[i].id, id, idl) == 0)
            return;
        if (c->c[i].docs < c->c[least].docs)
            least = i;
    }
    if (at == MAX_CANDS) {
        if (docs <= c->c[least].docs)
            return;
        at = least;
    } else {
        c->n++;
    }
    memcpy(c->c[at].id, id, idl);
    c->c[at].id[idl] = '\0';
    c->c[at].docs = docs;
}

static int scan(const ps_ident_stats_t *s, const char *prefix, const char *w,
                size_t wl, void (*fn)(void *, const char *, size_t, uint64_t),
                void *arg)
{
    char buf[PS_IDENT_MAX + 1];
    size_t n = ps__ident_term3(buf, prefix, w, wl, ":", "", 0);
    return n ? s->each(s->ctx, buf, n, fn, arg) : 0;
}

/* Another way of writing a person's middle initials. */
struct variants {
    const char *id, *base;
    int other;
};

/* The person id after the colon of a surname statistics TERM of LEN
 * bytes, in ID, and that person without middle initials, in BASE. Returns
 * 0 for a term that holds no id. */
static int term_person(const char *term, size_t len, char id[PS_IDENT_MAX + 1],
                       char base[PS_IDENT_MAX + 1])
{
    const char *colon = memchr(term, ':', len);
    size_t idl = colon ? len - (size_t)(colon + 1 - term) : 0;
    if (!idl || idl > PS_IDENT_MAX)
        return 0;
    memcpy(id, colon + 1, idl);
    id[idl] = '\0';
    ps_ident_person_id(id, base);
    return 1;
}

static void take_variant(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct variants *v = arg;
    char id[PS_IDENT_MAX + 1], base[PS_IDENT_MAX + 1];
    (void)docs;
    if (!term_person(term, len, id, base))
        return;
    if (strcmp(base, v->base) == 0 && strcmp(id, base) != 0 &&
        strcmp(id, v->id) != 0)
        v->other = 1;
}

/* A person written with middle initials (OUT, "donald-j-trump") is the
 * person without them ("donald-trump") unless the index holds the same
 * first name and surname with other middle initials: George W. Bush and
 * George H. W. Bush stay two. Returns PS_EIO when S failed. */
ps_status_t ps__ident_middles(const ps_ident_stats_t *s, ps_ident_t *out)
{
    char base[PS_IDENT_MAX + 1];
    ps_ident_person_id(out->id, base);
    if (strcmp(base, out->id) == 0)
        return PS_OK;
    const char *last = strrchr(base, '-');
    struct variants v = {out->id, base, 0};
    if (last && scan(s, PS_IDENT_P_SURNAME, last + 1, strlen(last + 1),
                     take_variant, &v))
        return PS_EIO;
    if (!v.other)
        strcpy(out->id, base);
    return PS_OK;
}

/* Groups the candidates by the person each resolves to (its middle
 * initials, middles(), and the spelling of its name), and picks the one
 * named in most documents. */
static ps_status_t settle(const ps_ident_stats_t *s, struct cands *c)
{
    uint64_t docs[MAX_CANDS] = {0};
    for (size_t i = 0; i < c->n; i++) {
        ps_ident_t p = {PS_ENT_PERSON, ""};
        strcpy(p.id, c->c[i].id);
        if (ps__ident_middles(s, &p) != PS_OK ||
            ps__ident_spelling(s, &p) != PS_OK)
            return PS_EIO;
        strcpy(c->c[i].id, p.id);
    }
    for (size_t i = 0; i < c->n; i++) {
        size_t j = 0;
        while (strcmp(c->c[j].id, c->c[i].id) != 0)
            j++;
        docs[j] += c->c[i].docs;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (!docs[i])
            continue;
        if (docs[i] > c->best_docs ||
            (docs[i] == c->best_docs && strcmp(c->c[i].id, c->best) < 0)) {
            c->second_docs = c->best_docs;
            c->best_docs = docs[i];
            strcpy(c->best, c->c[i].id);
        } else if (docs[i] > c->second_docs) {
            c->second_docs = docs[i];
        }
    }
    return PS_OK;
}

/* The full names a person's partial name ID may stand for (one word, or
 * an initial and a surname), in C. */
static ps_status_t candidates(const ps_ident_stats_t *s, const char *id,
                              struct cands *c)
{
    const char *w[PS__IDENT_MAX_WORDS];
    size_t wl[PS__IDENT_MAX_WORDS];
    size_t nw = ps__ident_split(id, w, wl);
    memset(c, 0, sizeof *c);
    if (nw == 1) {
        if (scan(s, PS_IDENT_P_SURNAME, w[0], wl[0], take, c) ||
            scan(s, PS_IDENT_P_FIRST, w[0], wl[0], take, c))
            return PS_EIO;
        /* No one named in full with this surname: one spelt otherwise
         * ("Zelenskiy" for "Zelenskyy"), when it is long enough to be. */
        char buf[PS_IDENT_MAX + 1];
        size_t n;
        ps_status_t st;
        if (c->n == 0 && (n = ps__ident_spelling_prefix(w[0], wl[0], buf)) &&
            buf[n - 1] != ':' &&
            (st = ps__ident_spelling_each(s, w[0], wl[0], take, c)) != PS_OK)
            return st;
    } else if (nw == 2 && wl[0] == 1 && wl[1] > 1) {
        c->initial = w[0][0];
        if (scan(s, PS_IDENT_P_SURNAME, w[1], wl[1], take, c))
            return PS_EIO;
    }
    return settle(s, c);
}

/* A word the index types a person alone in more than ALONE_MAX times as
 * many documents as the full name that dominates names someone of its own:
 * "God" is not the "Thank God" of two headlines. The rule head_word()
 * keeps for organisations. */
#define ALONE_MAX 8

/* Resolves a person's partial name in OUT to the full name that
 * dominates, if one does. */
ps_status_t ps__ident_full_name(const ps_ident_stats_t *s, ps_ident_t *out)
{
    struct cands c;
    if (candidates(s, out->id, &c) != PS_OK)
        return PS_EIO;
    if (c.best_docs == 0 || c.best_docs < PS_IDENT_DOMINANCE * c.second_docs)
        return PS_OK;
    if (!strchr(out->id, '-')) {
        char buf[PS_IDENT_MAX + 1];
        const char *prefix = ps_entity_type_prefix(PS_ENT_PERSON);
        size_t n = ps__ident_term3(buf, "", prefix, strlen(prefix), "",
                                   out->id, strlen(out->id));
        if (n && s->docs(s->ctx, buf, n) > ALONE_MAX * c.best_docs)
            return PS_OK;
    }
    strcpy(out->id, c.best);
    return PS_OK;
}

/* The documents that name person BASE in full with middle initials. */
struct written {
    const char *base;
    uint64_t docs;
};

static void take_written(void *arg, const char *term, size_t len, uint64_t docs)
{
    struct written *w = arg;
    char id[PS_IDENT_MAX + 1], base[PS_IDENT_MAX + 1];
    if (term_person(term, len, id, base) && strcmp(base, w->base) == 0 &&
        docs > w->docs)
        w->docs = docs;
}

ps_status_t ps__ident_named_docs(const ps_ident_stats_t *s, const char *pid,
                                 uint64_t *docs)
{
    *docs = 0;
    if (!strchr(pid, '-')) {
        struct cands c;
        if (candidates(s, pid, &c) != PS_OK)
            return PS_EIO;
        *docs = c.best_docs;
        return PS_OK;
    }
    /* Every article wrote the person with a middle initial. */
    struct written w = {pid, 0};
    const char *last = strrchr(pid, '-') + 1;
    if (scan(s, PS_IDENT_P_SURNAME, last, strlen(last), take_written, &w))
        return PS_EIO;
    *docs = w.docs;
    return PS_OK;
}
