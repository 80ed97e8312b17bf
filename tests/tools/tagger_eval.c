/* Measures the entity tagger against hand-made gold annotations: tags every
 * article the gold list names and prints precision, recall and F1 over
 * distinct entities and over mentions, per file and overall. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"

static void usage(FILE *f)
{
    fputs("usage: tagger_eval [-v] [--no-gazetteer] [--model FILE] GAZETTEER "
          "GOLD CORPUS_DIR\n"
          "Tags each article named in GOLD (lines file<TAB>type<TAB>id"
          "<TAB>count)\n"
          "and compares (file, type, id) and mention counts with it.\n"
          "  -v              list every false positive and false negative\n"
          "  --model FILE    the trained model (default corpus/ner.model)\n"
          "  --no-gazetteer  tag with an empty gazetteer; unknown names "
          "match a\n"
          "                  gold entity by id, by the slug of its canonical "
          "name or\n"
          "                  of an alias, or by the last word of its "
          "canonical name\n"
          "                  (GAZETTEER only names the gold ids)\n",
          f);
}

/* One (type, id) with a mention count, found or expected. */
struct item {
    int type;
    char *id;
    long count;
    int matched;
};

struct list {
    struct item *v;
    size_t n, cap;
};

/* Totals of true and false positives and negatives. */
struct score {
    long tp, fp, fn;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("tagger_eval: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fputs("tagger_eval: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

/* Adds COUNT to (TYPE, ID), so that two names tagged apart but scored as
 * one gold entity are counted together. */
static void list_add(struct list *l, int type, const char *id, long count)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].type == type && strcmp(l->v[i].id, id) == 0) {
            l->v[i].count += count;
            return;
        }
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (struct item){type, xstrdup(id), count, 0};
}

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].id);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* The gold annotations of one file. */
struct gold_file {
    char *name;
    struct list items;
};

/* Reads the next line of F that is neither blank nor a '#' comment into
 * *LINE (of capacity *CAP) and splits it at TABs into at most 4 FIELDS.
 * Returns how many fields it has, or -1 at the end of the file. LINENO
 * counts the lines read. */
static int next_fields(FILE *f, char **line, size_t *cap, size_t *lineno,
                       char *fields[4])
{
    ssize_t r;
    while ((r = getline(line, cap, f)) >= 0) {
        (*lineno)++;
        char *l = *line;
        while (r > 0 && (l[r - 1] == '\n' || l[r - 1] == '\r'))
            l[--r] = '\0';
        if (r == 0 || l[0] == '#')
            continue;
        char *save = NULL, *p = l;
        int nf = 0;
        for (char *tok; nf < 4 && (tok = strtok_r(p, "\t", &save)); p = NULL)
            fields[nf++] = tok;
        return nf;
    }
    return -1;
}

/* Reads the gold list into FILES, in the order the files first appear. */
static int read_gold(const char *path, struct gold_file **files, size_t *nfiles)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tagger_eval: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL, *fields[4];
    size_t cap = 0, lineno = 0, fcap = 0;
    int rc = 0, nf;
    while ((nf = next_fields(f, &line, &cap, &lineno, fields)) >= 0) {
        int type = nf == 4 ? ps_entity_type_parse(fields[1]) : -1;
        char *end = NULL;
        long count = nf == 4 ? strtol(fields[3], &end, 10) : 0;
        if (nf != 4 || type < 0 || !end || *end || count < 1) {
            fprintf(stderr,
                    "tagger_eval: %s:%zu: expected "
                    "file<TAB>type<TAB>id<TAB>count\n",
                    path, lineno);
            rc = -1;
            break;
        }
        size_t k = 0;
        while (k < *nfiles && strcmp((*files)[k].name, fields[0]) != 0)
            k++;
        if (k == *nfiles) {
            if (*nfiles == fcap) {
                fcap = fcap ? fcap * 2 : 8;
                *files = xrealloc(*files, fcap * sizeof **files);
            }
            (*files)[k] = (struct gold_file){xstrdup(fields[0]), {0}};
            (*nfiles)++;
        }
        list_add(&(*files)[k].items, type, fields[2], count);
    }
    free(line);
    fclose(f);
    return rc;
}

/* The last '-'-separated word of a slug. */
static const char *last_word(const char *slug)
{
    const char *p = strrchr(slug, '-');
    return p ? p + 1 : slug;
}

static const ps_entity_def_t *find_def(const ps_gazetteer_t *g, const char *id)
{
    for (size_t i = 0; i < ps_gazetteer_count(g); i++)
        if (strcmp(ps_gazetteer_get(g, i)->id, id) == 0)
            return ps_gazetteer_get(g, i);
    return NULL;
}

/* The slugs of every alias the gazetteer file lists, each with the id it
 * stands for. The library's gazetteer does not hand its aliases out, so
 * they are read from the file again. */
struct alias {
    char *id, *slug;
};

static struct alias *aliases;
static size_t naliases;

static void read_aliases(const char *path, ps_analyzer_t *a)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL, *fields[4];
    size_t cap = 0, acap = 0, lineno = 0;
    int nf;
    while ((nf = next_fields(f, &line, &cap, &lineno, fields)) >= 0) {
        if (nf < 4)
            continue;
        char *asave = NULL, *q = fields[3];
        for (char *name; (name = strtok_r(q, "|", &asave)); q = NULL) {
            char *slug = NULL;
            if (ps_entity_slug(a, name, strlen(name), &slug) != PS_OK)
                continue;
            if (naliases == acap) {
                acap = acap ? acap * 2 : 64;
                aliases = xrealloc(aliases, acap * sizeof *aliases);
            }
            aliases[naliases++] = (struct alias){xstrdup(fields[0]), slug};
        }
    }
    free(line);
    fclose(f);
}

static void free_aliases(void)
{
    for (size_t i = 0; i < naliases; i++) {
        free(aliases[i].id);
        free(aliases[i].slug);
    }
    free(aliases);
}

/* Whether SLUG is the slug of one of the aliases of gazetteer entity ID. */
static int is_alias(const char *id, const char *slug)
{
    for (size_t i = 0; i < naliases; i++)
        if (strcmp(aliases[i].id, id) == 0 &&
            strcmp(aliases[i].slug, slug) == 0)
            return 1;
    return 0;
}

/* Names the gold entity that unknown name ID stands for, for scoring
 * without the gazetteer: its id, the slug of its canonical name or the
 * slug of one of its aliases equals ID (the tagger found "Zelenskiy"
 * though the gazetteer writes "Zelensky": without the gazetteer it cannot
 * know which spelling is canonical), or failing that their last words
 * agree (a gold entity of the same type preferred). Returns ID itself when
 * nothing matches. */
static const char *map_unknown(const char *id, int type,
                               const struct list *gold, const ps_gazetteer_t *g,
                               ps_analyzer_t *a)
{
    const char *by_last = NULL;
    int by_last_type = -1;
    for (size_t i = 0; i < gold->n; i++) {
        const struct item *it = &gold->v[i];
        if (strcmp(it->id, id) == 0 || is_alias(it->id, id))
            return it->id;
        const ps_entity_def_t *d = find_def(g, it->id);
        char *slug = NULL;
        if (!d || ps_entity_slug(a, d->name, strlen(d->name), &slug) != PS_OK)
            continue;
        int exact = strcmp(slug, id) == 0;
        int last = strcmp(last_word(slug), last_word(id)) == 0;
        free(slug);
        if (exact)
            return it->id;
        if (last && (!by_last || (by_last_type != type && it->type == type))) {
            by_last = it->id;
            by_last_type = it->type;
        }
    }
    return by_last ? by_last : id;
}

static void print_prf(const char *what, struct score s)
{
    double p = s.tp + s.fp ? (double)s.tp / (double)(s.tp + s.fp) : 1.0;
    double r = s.tp + s.fn ? (double)s.tp / (double)(s.tp + s.fn) : 1.0;
    double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    printf("%s: P=%.2f R=%.2f F1=%.2f (tp=%ld fp=%ld fn=%ld)", what, p, r, f1,
           s.tp, s.fp, s.fn);
}

/* Compares FOUND with GOLD for one file, adding to the scores. */
static void compare(const char *file, struct list *found, struct list *gold,
                    int verbose, struct score *ent, struct score *men)
{
    for (size_t i = 0; i < found->n; i++) {
        struct item *f = &found->v[i];
        struct item *g = NULL;
        for (size_t k = 0; k < gold->n && !g; k++)
            if (gold->v[k].type == f->type && strcmp(gold->v[k].id, f->id) == 0)
                g = &gold->v[k];
        if (!g) {
            ent->fp++;
            men->fp += f->count;
            if (verbose)
                printf("  FP %s %s %s (found %ld)\n", file,
                       ps_entity_type_name(f->type), f->id, f->count);
            continue;
        }
        g->matched = f->matched = 1;
        long tp = f->count < g->count ? f->count : g->count;
        ent->tp++;
        men->tp += tp;
        men->fp += f->count - tp;
        men->fn += g->count - tp;
        if (verbose && f->count != g->count)
            printf("  ~  %s %s %s (found %ld, gold %ld)\n", file,
                   ps_entity_type_name(f->type), f->id, f->count, g->count);
    }
    for (size_t k = 0; k < gold->n; k++) {
        struct item *g = &gold->v[k];
        if (g->matched)
            continue;
        ent->fn++;
        men->fn += g->count;
        if (verbose)
            printf("  FN %s %s %s (gold %ld)\n", file,
                   ps_entity_type_name(g->type), g->id, g->count);
    }
}

int main(int argc, char **argv)
{
    int verbose = 0, no_gaz = 0, argi = 1;
    const char *model_path = "corpus/ner.model";
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "-v") == 0) {
            verbose = 1;
        } else if (strcmp(argv[argi], "--model") == 0 && argi + 1 < argc) {
            model_path = argv[++argi];
        } else if (strcmp(argv[argi], "--no-gazetteer") == 0) {
            no_gaz = 1;
        } else if (strcmp(argv[argi], "-h") == 0 ||
                   strcmp(argv[argi], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (argc - argi != 3) {
        usage(stderr);
        return 2;
    }
    const char *gaz_path = argv[argi], *gold_path = argv[argi + 1];
    const char *dir = argv[argi + 2];

    ps_analyzer_t *a = NULL;
    ps_gazetteer_t *g = NULL, *empty = NULL;
    ps_tagger_t *t = NULL;
    ps_ner_model_t *model = NULL;
    char *err = NULL;
    ps_status_t st = ps_ner_model_load(model_path, &model, &err);
    if (st == PS_OK)
        st = ps_analyzer_new(&a);
    if (st == PS_OK)
        st = ps_gazetteer_load(gaz_path, a, &g, &err);
    if (st == PS_OK && no_gaz)
        st = ps_gazetteer_load(NULL, a, &empty, NULL);
    if (st == PS_OK)
        st = ps_tagger_new(no_gaz ? empty : g, model, &t);
    if (st != PS_OK) {
        fprintf(stderr, "tagger_eval: %s\n", err ? err : ps_status_str(st));
        free(err);
        ps_gazetteer_free(g);
        ps_analyzer_free(a);
        ps_ner_model_free(model);
        return 1;
    }

    if (no_gaz)
        read_aliases(gaz_path, a);
    struct gold_file *files = NULL;
    size_t nfiles = 0;
    int rc = read_gold(gold_path, &files, &nfiles) == 0 ? 0 : 1;
    struct score ent = {0}, men = {0};
    /* The types the gold list annotates: it predates the misc type
     * (nationalities, events, titles), so names found of a type it never
     * uses are counted apart, not scored as false positives. */
    unsigned scored = 0;
    long unscored = 0;
    for (size_t fi = 0; fi < nfiles; fi++)
        for (size_t k = 0; k < files[fi].items.n; k++)
            scored |= 1u << files[fi].items.v[k].type;
    for (size_t fi = 0; rc == 0 && fi < nfiles; fi++) {
        struct gold_file *gf = &files[fi];
        size_t plen = strlen(dir) + strlen(gf->name) + 2, len = 0;
        char *path = xrealloc(NULL, plen);
        snprintf(path, plen, "%s/%s", dir, gf->name);
        char *text = NULL;
        if (ps_read_file(path, &text, &len) != PS_OK)
            text = NULL;
        const ps_token_t *toks;
        size_t ntoks, nents;
        const ps_entity_t *ents;
        if (!text) {
            fprintf(stderr, "tagger_eval: %s: %s\n", path, strerror(errno));
            rc = 1;
        } else if ((st = ps_analyze(a, text, len, 0, &toks, &ntoks)) != PS_OK ||
                   (st = ps_tagger_run(t, text, len, 0, toks, ntoks, &ents,
                                       &nents)) != PS_OK) {
            fprintf(stderr, "tagger_eval: %s: %s\n", path, ps_status_str(st));
            rc = 1;
        }
        if (rc == 0) {
            struct list found = {0};
            for (size_t i = 0; i < nents; i++) {
                const char *id = ents[i].id;
                if (!(scored & (1u << ents[i].type))) {
                    unscored++;
                    if (verbose)
                        printf("  -- %s %s %s (not scored)\n", gf->name,
                               ps_entity_type_name(ents[i].type), id);
                    continue;
                }
                if (!ents[i].known)
                    id = map_unknown(id, (int)ents[i].type, &gf->items, g, a);
                list_add(&found, (int)ents[i].type, id,
                         (long)ents[i].nmentions);
            }
            struct score fe = {0}, fm = {0};
            compare(gf->name, &found, &gf->items, verbose, &fe, &fm);
            printf("%s ", gf->name);
            print_prf("entities", fe);
            printf("  ");
            print_prf("mentions", fm);
            printf("\n");
            ent.tp += fe.tp, ent.fp += fe.fp, ent.fn += fe.fn;
            men.tp += fm.tp, men.fp += fm.fp, men.fn += fm.fn;
            list_free(&found);
        }
        free(text);
        free(path);
    }
    if (rc == 0) {
        print_prf("mentions", men);
        printf("\n");
        print_prf("entities", ent);
        printf("\n");
        if (unscored)
            printf("not scored: %ld entities of types the gold list does "
                   "not annotate\n",
                   unscored);
    }

    for (size_t i = 0; i < nfiles; i++) {
        free(files[i].name);
        list_free(&files[i].items);
    }
    free(files);
    free_aliases();
    ps_tagger_free(t);
    ps_gazetteer_free(g);
    ps_gazetteer_free(empty);
    ps_analyzer_free(a);
    ps_ner_model_free(model);
    return rc;
}
