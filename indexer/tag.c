/* psearch-index --tag: tags files exactly as indexing would (the same
 * reading, article parsing, analysis and tagger) and prints every mention
 * as one JSON object per line, touching no index. Each mention shows the
 * entity it resolves to across the files given (ident.h), as a reader of
 * an index of exactly those files would resolve it: so the files are all
 * tagged first, their term statistics counted as the index would count
 * them, and only then printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "prepare.h"
#include "psearch/ident.h"
#include "tag.h"

/* One mention, kept until every file is tagged. */
struct row {
    size_t file;
    size_t offset, line, column;
    uint32_t length;
    ps_entity_type_t type;
    int known, team;
    char *id, *name; /* the article's entity */
};

/* The documents each term is in: sorted, unique terms after count(). */
struct term {
    char *s;
    size_t len;
    uint64_t docs;
};

struct tagrun {
    struct row *rows;
    size_t nrows, rows_cap;
    struct term *terms;
    size_t nterms, terms_cap, doc_start; /* this file's terms from here */
};

static int grow(void *pp, size_t *cap, size_t need, size_t size)
{
    void **p = pp;
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int add_term(void *arg, const char *s, size_t len)
{
    struct tagrun *r = arg;
    if (grow(&r->terms, &r->terms_cap, r->nterms + 1, sizeof *r->terms))
        return -1;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    r->terms[r->nterms++] = (struct term){copy, len, 1};
    return 0;
}

static int term_cmp(const void *pa, const void *pb)
{
    const struct term *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Sorts terms [FROM, nterms) and merges equal ones, adding their counts;
 * with ONCE, each counts once (the terms of one document). */
static void merge_terms(struct tagrun *r, size_t from, int once)
{
    struct term *t = r->terms + from;
    size_t n = r->nterms - from, k = 0;
    if (n == 0)
        return;
    qsort(t, n, sizeof *t, term_cmp);
    for (size_t i = 1; i < n; i++) {
        if (term_cmp(&t[k], &t[i]) == 0) {
            if (!once)
                t[k].docs += t[i].docs;
            free(t[i].s);
        } else {
            t[++k] = t[i];
        }
    }
    r->nterms = from + k + 1;
}

/* Records the terms the index would hold for the entities of one file:
 * each entity's term and its identity terms, once per document. */
static int count_file(struct tagrun *r, const ps_docrec_t *rec)
{
    size_t from = r->nterms;
    for (size_t i = 0; i < rec->nentities; i++) {
        const ps_entity_t *e = &rec->entities[i];
        const char *prefix = ps_entity_type_prefix(e->type);
        size_t pl = strlen(prefix), il = strlen(e->id);
        char *t = malloc(pl + il + 1);
        if (!t)
            return -1;
        memcpy(t, prefix, pl);
        memcpy(t + pl, e->id, il + 1);
        int rc = add_term(r, t, pl + il);
        free(t);
        if (rc || ps_ident_terms(e, add_term, r))
            return -1;
    }
    merge_terms(r, from, 1);
    return 0;
}

static const struct term *lower_bound(const struct tagrun *r, const char *s,
                                      size_t len)
{
    struct term key = {(char *)s, len, 0};
    size_t lo = 0, hi = r->nterms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (term_cmp(&r->terms[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return r->terms + lo;
}

static uint64_t stat_docs(void *ctx, const char *term, size_t len)
{
    const struct tagrun *r = ctx;
    const struct term *t = lower_bound(r, term, len);
    return t < r->terms + r->nterms && t->len == len &&
                   memcmp(t->s, term, len) == 0
               ? t->docs
               : 0;
}

static int stat_each(void *ctx, const char *prefix, size_t len,
                     void (*fn)(void *, const char *, size_t, uint64_t),
                     void *arg)
{
    const struct tagrun *r = ctx;
    for (const struct term *t = lower_bound(r, prefix, len);
         t < r->terms + r->nterms && t->len >= len &&
         memcmp(t->s, prefix, len) == 0;
         t++)
        fn(arg, t->s, t->len, t->docs);
    return 0;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* Keeps the mentions of the file prepared in P. */
static int keep_mentions(struct tagrun *r, size_t file, const prep_t *p)
{
    const ps_docrec_t *rec = &p->rec;
    for (size_t i = 0; i < rec->nentities; i++) {
        const ps_entity_t *e = &rec->entities[i];
        for (size_t j = 0; j < e->nmentions; j++) {
            if (grow(&r->rows, &r->rows_cap, r->nrows + 1, sizeof *r->rows))
                return -1;
            struct row *w = &r->rows[r->nrows];
            *w = (struct row){file,
                              e->mentions[j].offset,
                              0,
                              0,
                              e->mentions[j].length,
                              e->type,
                              e->known,
                              e->team,
                              dup(e->id),
                              dup(e->name)};
            if (!w->id || !w->name) {
                free(w->id);
                free(w->name);
                return -1;
            }
            r->nrows++;
        }
    }
    return 0;
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a->length < b->length ? -1 : a->length > b->length;
}

/* Sorts the rows of one file, from FROM on, and fills in their lines and
 * columns by one forward walk over its text. */
static void place_rows(struct tagrun *r, size_t from, const prep_t *p)
{
    const ps_docrec_t *rec = &p->rec;
    qsort(r->rows + from, r->nrows - from, sizeof *r->rows, row_cmp);
    size_t at = 0, line = 1, line_start = 0;
    for (size_t i = from; i < r->nrows; i++) {
        struct row *w = &r->rows[i];
        for (; at < w->offset && at < rec->len; at++)
            if (rec->text[at] == '\n') {
                line++;
                line_start = at + 1;
            }
        w->line = line;
        w->column = w->offset - line_start + 1;
    }
}

static int print_row(const char *path, const struct row *w,
                     const ps_ident_stats_t *st)
{
    ps_ident_t id;
    char *shown = NULL;
    if (ps_ident_resolve(st, w->type, w->id, &id) != PS_OK ||
        (!w->known &&
         ps_ident_display_name(st, id.type, id.id, &shown) != PS_OK))
        return -1;
    char term[PS_IDENT_MAX + 16];
    snprintf(term, sizeof term, "%s%s", ps_entity_type_prefix(w->type), w->id);
    ps_entity_type_t type = w->known ? w->type : id.type;
    /* The kind of name the mention is, as written: the tagger's type,
     * a person where the index types the name a person; a nationality
     * stays misc though its entity is its country, a team named as its
     * country a place (what ner-eval scores, as CoNLL annotates names). */
    ps_entity_type_t written = type == PS_ENT_PERSON ? type
                               : w->team             ? PS_ENT_PLACE
                                                     : w->type;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:s, s:s}", "path", path,
        "type", ps_entity_type_name(type), "id", w->known ? w->id : id.id,
        "name", shown ? shown : w->name, "known", w->known, "offset",
        (json_int_t)w->offset, "length", (json_int_t)w->length, "line",
        (json_int_t)w->line, "column", (json_int_t)w->column, "term", term,
        "mention_type", ps_entity_type_name(written));
    free(shown);
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    int rc = !s || puts(s) == EOF ? -1 : 0;
    free(s);
    json_decref(o);
    return rc;
}

static void tagrun_free(struct tagrun *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].id);
        free(r->rows[i].name);
    }
    for (size_t i = 0; i < r->nterms; i++)
        free(r->terms[i].s);
    free(r->rows);
    free(r->terms);
}

int tag_each(char *const *paths, size_t n, const tag_setup_t *s, tag_file_fn fn,
             void *ctx)
{
    prep_t p;
    ps_quoter_t *q = NULL;
    if (prep_init(&p, s->g, s->m)) {
        fprintf(stderr, "psearch-index: out of memory\n");
        return TAG_FAILED;
    }
    if (s->qm && ps_quoter_new(s->qm, &q) != PS_OK) {
        prep_free(&p);
        fprintf(stderr, "psearch-index: out of memory\n");
        return TAG_FAILED;
    }
    int bad = 0, rc = TAG_OK;
    for (size_t i = 0; i < n && rc == TAG_OK; i++) {
        prep_result_t res = prep_read(&p, paths[i], s->max_size);
        if (res == PREP_OK)
            res = prep_analyse(&p, q);
        if (res == PREP_REJECTED) {
            /* The warning indexing gives for the same file. */
            if (!s->quiet)
                fprintf(stderr, "psearch-index: warning: %s: %s\n", paths[i],
                        p.why);
            bad = 1;
            continue;
        }
        if (res == PREP_NOMEM || fn(ctx, i, paths[i], &p)) {
            fprintf(stderr, "psearch-index: %s: out of memory\n", paths[i]);
            rc = TAG_FAILED;
        }
    }
    prep_free(&p);
    ps_quoter_free(q);
    return rc == TAG_OK && bad ? TAG_SKIPPED : rc;
}

int tag_flush(int rc)
{
    if (rc != TAG_FAILED && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "psearch-index: cannot write the output\n");
        rc = TAG_FAILED;
    }
    return rc;
}

/* tag_each()'s step for --tag: keeps the file's mentions, with their
 * lines, and counts its terms for the resolution at the end. */
static int keep_file(void *ctx, size_t i, const char *path, const prep_t *p)
{
    (void)path;
    struct tagrun *r = ctx;
    size_t from = r->nrows;
    if (keep_mentions(r, i, p) || count_file(r, &p->rec))
        return -1;
    place_rows(r, from, p);
    return 0;
}

int tag_files(char *const *paths, size_t n, const tag_setup_t *s)
{
    /* Every file is tagged before any line is printed: a mention's entity
     * is resolved by what all the files say, as the index resolves it by
     * what all its articles say. */
    struct tagrun r = {0};
    int rc = tag_each(paths, n, s, keep_file, &r);
    if (rc != TAG_FAILED) {
        merge_terms(&r, 0, 0);
        /* Without its memo (no memory for it) resolving only takes
         * longer. */
        ps_ident_stats_t st = {&r, stat_docs, stat_each, ps_ident_memo_new()};
        for (size_t i = 0; i < r.nrows; i++)
            if (print_row(paths[r.rows[i].file], &r.rows[i], &st)) {
                fprintf(stderr, "psearch-index: out of memory\n");
                rc = TAG_FAILED;
                break;
            }
        ps_ident_memo_free(st.memo);
    }
    tagrun_free(&r);
    return tag_flush(rc);
}
