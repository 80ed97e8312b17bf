/* ner_eval: scores the entity tagger on a CoNLL-2003 file through
 * psearch-index --tag, as conlleval counts: exact entity spans, typed and
 * untyped micro-averaged P/R/F1 and P/R/F1 per type.
 *
 *   ner_eval split CONLL DIR   writes each document of CONLL as
 *                              DIR/doc-NNNNN.txt and the gold spans as
 *                              DIR/gold.tsv (file, type, offset, length)
 *   ner_eval score GOLD TAGS   reads the gold spans and the --tag output
 *                              (JSON Lines) and prints the table
 *
 * The text convention is the one the model is trained with: each document
 * (between -DOCSTART- lines) one file, each sentence one line, its tokens
 * joined by single spaces, lines ending in "\n". Gold entities are IOB1 in
 * the last column: I-X continues an entity of type X, B-X starts one right
 * after another of the same type. Tagger types map to CoNLL's: person to
 * PER, place to LOC, org to ORG, treaty and misc to MISC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

enum { PER, LOC, ORG, MISC, NTYPES };
static const char *const conll_names[NTYPES] = {"PER", "LOC", "ORG", "MISC"};

static int conll_type(const char *s)
{
    for (int t = 0; t < NTYPES; t++)
        if (strcmp(s, conll_names[t]) == 0)
            return t;
    return -1;
}

static int tagger_type(const char *s)
{
    static const char *const names[] = {"person", "place", "org", "treaty",
                                        "misc"};
    static const int types[] = {PER, LOC, ORG, MISC, MISC};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (s && strcmp(s, names[i]) == 0)
            return types[i];
    return -1;
}

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "ner_eval: %s%s%s\n", what, arg ? ": " : "",
            arg ? arg : "");
    exit(2);
}

/* --- split --- */

struct doc {
    FILE *text, *gold;
    const char *dir;
    unsigned n;     /* documents written */
    size_t off;     /* bytes written to the current text */
    int line_open;  /* a sentence has tokens on the current line */
    int ent;        /* type of the open entity, or -1 */
    size_t ent_off; /* where it starts */
    size_t ent_end; /* where its last token ends */
};

static void close_entity(struct doc *d)
{
    if (d->ent >= 0)
        fprintf(d->gold, "doc-%05u.txt\t%s\t%zu\t%zu\n", d->n,
                conll_names[d->ent], d->ent_off, d->ent_end - d->ent_off);
    d->ent = -1;
}

static void end_sentence(struct doc *d)
{
    close_entity(d);
    if (d->text && d->line_open) {
        fputc('\n', d->text);
        d->off++;
    }
    d->line_open = 0;
}

static void end_doc(struct doc *d)
{
    end_sentence(d);
    if (d->text && fclose(d->text) != 0)
        die("cannot write a document", NULL);
    d->text = NULL;
}

static void new_doc(struct doc *d)
{
    end_doc(d);
    char path[4096];
    snprintf(path, sizeof path, "%s/doc-%05u.txt", d->dir, ++d->n);
    if (!(d->text = fopen(path, "w")))
        die(strerror(errno), path);
    d->off = 0;
}

static void token(struct doc *d, const char *word, const char *tag)
{
    if (!d->text)
        new_doc(d); /* a file without -DOCSTART- is one document */
    if (d->line_open) {
        fputc(' ', d->text);
        d->off++;
    }
    size_t start = d->off;
    fputs(word, d->text);
    d->off += strlen(word);
    d->line_open = 1;
    int type = -1, begin = 0;
    if ((tag[0] == 'I' || tag[0] == 'B') && tag[1] == '-') {
        type = conll_type(tag + 2);
        begin = tag[0] == 'B';
    }
    if (type < 0 || begin || type != d->ent)
        close_entity(d);
    if (type >= 0 && d->ent < 0) {
        d->ent = type;
        d->ent_off = start;
    }
    d->ent_end = d->off;
}

static int split(const char *conll, const char *dir)
{
    FILE *in = fopen(conll, "r");
    if (!in)
        die(strerror(errno), conll);
    char gold_path[4096];
    snprintf(gold_path, sizeof gold_path, "%s/gold.tsv", dir);
    struct doc d = {.dir = dir, .ent = -1};
    if (!(d.gold = fopen(gold_path, "w")))
        die(strerror(errno), gold_path);
    char line[4096];
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *f[8];
        int nf = 0;
        for (char *s = strtok(line, " \t"); s && nf < 8;
             s = strtok(NULL, " \t"))
            f[nf++] = s;
        if (nf == 0) {
            end_sentence(&d);
        } else if (strcmp(f[0], "-DOCSTART-") == 0) {
            end_doc(&d);
            new_doc(&d);
        } else {
            token(&d, f[0], nf > 1 ? f[nf - 1] : "O");
        }
    }
    end_doc(&d);
    /* A -DOCSTART- at the very end leaves an empty file behind, which
     * indexing would reject; CoNLL files have none. */
    fclose(in);
    if (fclose(d.gold) != 0)
        die("cannot write", gold_path);
    printf("%u documents\n", d.n);
    return 0;
}

/* --- score --- */

struct span {
    char file[32];
    int type;
    size_t off, len;
};

struct spans {
    struct span *v;
    size_t n, cap;
};

static void push(struct spans *s, const char *file, int type, size_t off,
                 size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        if (!(s->v = realloc(s->v, s->cap * sizeof *s->v)))
            die("out of memory", NULL);
    }
    struct span *p = &s->v[s->n++];
    snprintf(p->file, sizeof p->file, "%s", file);
    p->type = type;
    p->off = off;
    p->len = len;
}

static int span_cmp(const void *pa, const void *pb)
{
    const struct span *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->type - b->type;
}

static void read_gold(const char *path, struct spans *s)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die(strerror(errno), path);
    char file[64], type[16];
    size_t off, len;
    while (fscanf(f, "%63s %15s %zu %zu", file, type, &off, &len) == 4)
        push(s, file, conll_type(type), off, len);
    fclose(f);
}

static void read_tags(const char *path, struct spans *s)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die(strerror(errno), path);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *p = json_string_value(json_object_get(o, "path"));
        /* The type of the name as written, not of the entity it resolves
         * to ("German" is a misc name of the place Germany). */
        json_t *t = json_object_get(o, "mention_type");
        int type =
            tagger_type(json_string_value(t ? t : json_object_get(o, "type")));
        if (!p || type < 0)
            die("not a --tag line", line);
        const char *base = strrchr(p, '/');
        push(s, base ? base + 1 : p, type,
             (size_t)json_integer_value(json_object_get(o, "offset")),
             (size_t)json_integer_value(json_object_get(o, "length")));
        json_decref(o);
    }
    free(line);
    fclose(f);
}

struct prf {
    long tp, fp, fn;
};

static void row(const char *name, struct prf c)
{
    double p = c.tp + c.fp ? 100.0 * c.tp / (double)(c.tp + c.fp) : 0;
    double r = c.tp + c.fn ? 100.0 * c.tp / (double)(c.tp + c.fn) : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%-8s %6.2f %6.2f %6.2f %7ld %7ld %7ld\n", name, p, r, f, c.tp, c.fp,
           c.fn);
}

/* Counts matches between two sorted span lists; TYPED also compares
 * types. Per-type counts go to BY_TYPE when it is not NULL. */
static struct prf count(const struct spans *gold, const struct spans *found,
                        int typed, struct prf *by_type)
{
    struct prf c = {0, 0, 0};
    char *used = calloc(found->n + 1, 1);
    if (!used)
        die("out of memory", NULL);
    size_t j0 = 0;
    for (size_t i = 0; i < gold->n; i++) {
        const struct span *g = &gold->v[i];
        /* Skip what lies before G's file and offset. */
        while (j0 < found->n) {
            int c = strcmp(found->v[j0].file, g->file);
            if (c > 0 || (c == 0 && found->v[j0].off >= g->off))
                break;
            j0++;
        }
        int hit = 0;
        for (size_t j = j0; j < found->n && !hit; j++) {
            const struct span *p = &found->v[j];
            if (strcmp(p->file, g->file) != 0 || p->off != g->off)
                break;
            if (!used[j] && p->len == g->len && (!typed || p->type == g->type))
                hit = 1, used[j] = 1;
        }
        if (hit) {
            c.tp++;
            if (by_type)
                by_type[g->type].tp++;
        } else {
            c.fn++;
            if (by_type)
                by_type[g->type].fn++;
        }
    }
    for (size_t j = 0; j < found->n; j++)
        if (!used[j]) {
            c.fp++;
            if (by_type)
                by_type[found->v[j].type].fp++;
        }
    free(used);
    return c;
}

static int score(const char *gold_path, const char *tags_path)
{
    struct spans gold = {0}, found = {0};
    read_gold(gold_path, &gold);
    read_tags(tags_path, &found);
    qsort(gold.v, gold.n, sizeof *gold.v, span_cmp);
    qsort(found.v, found.n, sizeof *found.v, span_cmp);
    struct prf by_type[NTYPES] = {{0}};
    struct prf typed = count(&gold, &found, 1, by_type);
    struct prf untyped = count(&gold, &found, 0, NULL);
    printf("%-8s %6s %6s %6s %7s %7s %7s\n", "", "P", "R", "F1", "tp", "fp",
           "fn");
    row("typed", typed);
    row("untyped", untyped);
    for (int t = 0; t < NTYPES; t++)
        row(conll_names[t], by_type[t]);
    free(gold.v);
    free(found.v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "split") == 0)
        return split(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "score") == 0)
        return score(argv[2], argv[3]);
    fprintf(stderr, "Usage: ner_eval split CONLL DIR\n"
                    "       ner_eval score GOLD.tsv TAGS.jsonl\n");
    return 2;
}
