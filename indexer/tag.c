/* psearch-index --tag: tags files exactly as indexing would (the same
 * reading, article parsing, analysis and tagger) and prints every mention
 * as one JSON object per line, touching no index. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "prepare.h"
#include "tag.h"

/* One mention with the entity it belongs to, for ordering by offset. */
struct row {
    const ps_entity_t *e;
    const ps_mention_t *m;
};

static int row_cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    if (a->m->offset != b->m->offset)
        return a->m->offset < b->m->offset ? -1 : 1;
    return a->m->length < b->m->length ? -1 : a->m->length > b->m->length;
}

/* Prints the mentions of the file prepared in P in text order. Lines and
 * columns are found by one forward walk, since the rows are sorted. */
static int print_mentions(const char *path, const prep_t *p)
{
    const ps_docrec_t *r = &p->rec;
    size_t n = 0;
    for (size_t i = 0; i < r->nentities; i++)
        n += r->entities[i].nmentions;
    struct row *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < r->nentities; i++)
        for (size_t j = 0; j < r->entities[i].nmentions; j++)
            rows[k++] =
                (struct row){&r->entities[i], &r->entities[i].mentions[j]};
    qsort(rows, n, sizeof *rows, row_cmp);
    size_t at = 0, line = 1, line_start = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ps_entity_t *e = rows[i].e;
        const ps_mention_t *m = rows[i].m;
        for (; at < m->offset && at < r->len; at++)
            if (r->text[at] == '\n') {
                line++;
                line_start = at + 1;
            }
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "path", path,
            "type", ps_entity_type_name(e->type), "id", e->id, "name", e->name,
            "known", e->known, "offset", (json_int_t)m->offset, "length",
            (json_int_t)m->length, "line", (json_int_t)line, "column",
            (json_int_t)(m->offset - line_start + 1));
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (!s || puts(s) == EOF)
            rc = -1;
        free(s);
        json_decref(o);
    }
    free(rows);
    return rc;
}

int tag_each(char *const *paths, size_t n, const tag_setup_t *s,
             tag_print_fn print)
{
    prep_t p;
    if (prep_init(&p, s->g, s->m, s->qm)) {
        fprintf(stderr, "psearch-index: out of memory\n");
        return TAG_FAILED;
    }
    int bad = 0, rc = TAG_OK;
    for (size_t i = 0; i < n && rc == TAG_OK; i++) {
        prep_result_t res = prep_read(&p, paths[i], s->max_size);
        if (res == PREP_OK)
            res = prep_analyse(&p);
        if (res == PREP_REJECTED) {
            /* The warning indexing gives for the same file. */
            if (!s->quiet)
                fprintf(stderr, "psearch-index: warning: %s: %s\n", paths[i],
                        p.why);
            bad = 1;
            continue;
        }
        if (res == PREP_NOMEM || print(paths[i], &p)) {
            fprintf(stderr, "psearch-index: %s: out of memory\n", paths[i]);
            rc = TAG_FAILED;
        }
    }
    prep_free(&p);
    if (rc == TAG_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "psearch-index: cannot write the output\n");
        rc = TAG_FAILED;
    }
    return rc == TAG_OK && bad ? TAG_SKIPPED : rc;
}

int tag_files(char *const *paths, size_t n, const tag_setup_t *s)
{
    return tag_each(paths, n, s, print_mentions);
}
