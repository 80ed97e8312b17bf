/* The NER trainer: an averaged perceptron over BIO labels (Collins 2002),
 * trained on documents with gold names (ner_train.h) and written as a
 * model file (ner_model.c).
 *
 * Each document goes through the analyzer, as the indexer's text does; a
 * name is labelled on the tokens the model sees (compound wholes, not their
 * parts). The word and name lists derived from the data are built
 * jackknifed: a document's list features come from the other folds, so the
 * model learns how far a list seen at tagging time can be trusted. The
 * gazetteer hints of training are the document's own names, for one half
 * of the distinct names (chosen by hash) in one document out of four,
 * standing in for a gazetteer that knows some names. The second stage
 * learns from first-stage labels made by models that did not see the
 * document (stack_folds). Everything runs in a fixed order from a fixed seed,
 * so the same data gives the same bytes. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner_train_private.h"
#include "psearch/analyzer.h"
#include "ner_train.h"
#include "base/util.h"

#define L PS__NER_NLABELS

typedef struct table {
    uint64_t *keys;
    uint32_t *vals;
    uint32_t nslots, used;
} table_t;

typedef struct trainer {
    const ps_ner_doc_t *docs;
    size_t ndocs;
    tdoc_t *td;
    ps_analyzer_t *an;
    ps_ner_train_stats_t stats;
    char **errmsg;
    uint64_t *lexicon;        /* Word keys of the lexicon's words, */
    uint64_t *lexicon_sorted; /* and the same sorted. */
    size_t nlexicon, cap_lexicon;
    uint64_t *proper; /* Word keys of its capitalised words. */
    size_t nproper, cap_proper;
    uint64_t *place;    /* Term hashes of the place names, one after another, */
    uint8_t *place_len; /* and how many terms each has. */
    size_t nplace_terms, nplaces, cap_place, cap_place_len;
    uint64_t *cwords; /* Term hashes of the clustered words, */
    uint16_t *cclass; /* and their clusters. */
    size_t ncwords;
} trainer_t;

/* Calls EACH with every line of file PATH, its line end cut off, until
 * one call returns other than PS_OK. */
static ps_status_t read_lines(trainer_t *tr, const char *path,
                              ps_status_t (*each)(trainer_t *, const char *,
                                                  size_t))
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ps__ner_fail(tr->errmsg, PS_EIO, path, "%s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    ps_status_t st = PS_OK;
    while (st == PS_OK && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        st = each(tr, line, (size_t)n);
    }
    if (st == PS_OK && ferror(f))
        st = ps__ner_fail(tr->errmsg, PS_EIO, path, "read error");
    free(line);
    fclose(f);
    return st;
}

/* A line of the lexicon: one word of two or more ASCII letters. Those
 * all lowercase are common words; those of a capital, then lowercase
 * letters, are proper names (a dictionary's capitalised entries are
 * names), kept apart; the rest ("'s" forms, "KS") are not terms. */
static ps_status_t add_word(trainer_t *tr, const char *line, size_t n)
{
    char low[64];
    size_t i = n > 0 && line[0] >= 'A' && line[0] <= 'Z' ? 1 : 0;
    int proper = i == 1;
    while (i < n && line[i] >= 'a' && line[i] <= 'z')
        i++;
    if (n < 2 || i != n || n > sizeof low)
        return PS_OK;
    for (i = 0; i < n; i++)
        low[i] = (char)(line[i] | 0x20);
    uint64_t key = ps__ner_word_key(ps__ner_hash(low, n));
    uint64_t **list = proper ? &tr->proper : &tr->lexicon;
    size_t *count = proper ? &tr->nproper : &tr->nlexicon;
    size_t *cap = proper ? &tr->cap_proper : &tr->cap_lexicon;
    if (ps__grow(list, cap, *count + 1, sizeof **list) != 0)
        return PS_ENOMEM;
    (*list)[(*count)++] = key;
    return PS_OK;
}

static void table_free(table_t *t)
{
    free(t->keys);
    free(t->vals);
    memset(t, 0, sizeof *t);
}

static int table_put(table_t *t, uint64_t key, uint32_t bits);

/* Doubles the table, reinserting in slot order (deterministic). */
static int table_grow(table_t *t)
{
    table_t g = {0};
    g.nslots = t->nslots ? t->nslots * 2 : 1024;
    g.keys = calloc(g.nslots, sizeof *g.keys);
    g.vals = calloc(g.nslots, sizeof *g.vals);
    if (!g.keys || !g.vals) {
        table_free(&g);
        return -1;
    }
    for (uint32_t i = 0; i < t->nslots; i++)
        if (t->keys[i])
            table_put(&g, t->keys[i], t->vals[i]);
    table_free(t);
    *t = g;
    return 0;
}

static int table_put(table_t *t, uint64_t key, uint32_t bits)
{
    if ((t->used + 1) * 2 > t->nslots && table_grow(t) != 0)
        return -1;
    uint32_t mask = t->nslots - 1, i = (uint32_t)key & mask;
    while (t->keys[i] && t->keys[i] != key)
        i = (i + 1) & mask;
    if (!t->keys[i]) {
        t->keys[i] = key;
        t->used++;
    }
    t->vals[i] |= bits;
    return 0;
}

/* Labels the sequence tokens of D from its gold names; a name whose ends
 * are not token boundaries labels the tokens inside it and is counted. */
static void align(trainer_t *tr, const ps_ner_doc_t *d, const ps_token_t *tok,
                  const uint32_t *seq, tdoc_t *t)
{
    memset(t->gold, PS__NER_O, t->n);
    size_t k = 0;
    for (size_t g = 0; g < d->ngolds; g++) {
        size_t gs = d->golds[g].offset, ge = gs + d->golds[g].length;
        while (k < t->n && tok[seq[k]].offset < gs)
            k++;
        size_t e = k;
        while (e < t->n && tok[seq[e]].offset + tok[seq[e]].length <= ge)
            e++;
        if (e == k) {
            tr->stats.unaligned++;
            continue;
        }
        const ps_token_t *a = &tok[seq[k]], *z = &tok[seq[e - 1]];
        if (a->offset != gs || z->offset + z->length != ge)
            tr->stats.unaligned++;
        int ty = (int)d->golds[g].type;
        t->gold[k] = (uint8_t)PS__NER_B(ty);
        for (size_t j = k + 1; j < e; j++)
            t->gold[j] = (uint8_t)PS__NER_I(ty);
        k = e;
    }
}

static int key_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A line of the places list: a place name, whose sequence terms are
 * kept, unless it is a single common word of the lexicon: "Centre" or
 * "Eastern", which name regions too, say nothing of a place. Lines
 * starting with '#' are comments. */
static ps_status_t add_place(trainer_t *tr, const char *name, size_t n)
{
    const ps_token_t *tok;
    size_t ntok, k = 0;
    uint64_t h[PS__NER_MAX_PHRASE];
    if (n == 0 || name[0] == '#' ||
        ps_analyze(tr->an, name, n, 0, &tok, &ntok) != PS_OK)
        return PS_OK;
    for (size_t j = 0; j < ntok; j++) {
        if (tok[j].flags & PS_TOK_PART)
            continue;
        if (k == PS__NER_MAX_PHRASE)
            return PS_OK;
        h[k++] = ps__ner_hash(tok[j].term, tok[j].term_len);
    }
    if (k == 0)
        return PS_OK;
    uint64_t wk = ps__ner_word_key(h[0]);
    if (k == 1 &&
        bsearch(&wk, tr->lexicon_sorted, tr->nlexicon, sizeof wk, key_cmp))
        return PS_OK;
    if (ps__grow(&tr->place, &tr->cap_place, tr->nplace_terms + k,
                 sizeof *tr->place) != 0 ||
        ps__grow(&tr->place_len, &tr->cap_place_len, tr->nplaces + 1, 1) != 0)
        return PS_ENOMEM;
    memcpy(tr->place + tr->nplace_terms, h, k * sizeof *h);
    tr->nplace_terms += k;
    tr->place_len[tr->nplaces++] = (uint8_t)k;
    return PS_OK;
}

/* Reads the place names, after the lexicon. */
static ps_status_t read_places(trainer_t *tr, const char *path)
{
    tr->lexicon_sorted = malloc((tr->nlexicon + 1) * sizeof *tr->lexicon);
    if (!tr->lexicon_sorted)
        return PS_ENOMEM;
    if (tr->nlexicon > 0) { /* no lexicon: tr->lexicon is NULL */
        memcpy(tr->lexicon_sorted, tr->lexicon,
               tr->nlexicon * sizeof *tr->lexicon);
        qsort(tr->lexicon_sorted, tr->nlexicon, sizeof *tr->lexicon, key_cmp);
    }
    return read_lines(tr, path, add_place);
}

/* First pass over a document: analyze, find the sequence tokens and their
 * lines, label them. */
static ps_status_t prepare(trainer_t *tr, size_t i, const ps_token_t **toks,
                           size_t *ntok)
{
    const ps_ner_doc_t *d = &tr->docs[i];
    tdoc_t *t = &tr->td[i];
    ps_status_t st = ps_analyze(tr->an, d->text, d->len, 0, toks, ntok);
    if (st != PS_OK)
        return ps__ner_fail(tr->errmsg, st == PS_EBADUTF8 ? PS_EINVAL : st,
                            NULL, "document %zu: %s", i + 1, ps_status_str(st));
    const ps_token_t *tok = *toks;
    size_t n = 0;
    for (size_t j = 0; j < *ntok; j++)
        n += !(tok[j].flags & PS_TOK_PART);
    t->n = n;
    uint32_t *seq = malloc((n + 1) * sizeof *seq);
    t->term = malloc((n + 1) * sizeof *t->term);
    t->gold = malloc(n + 1);
    t->line = malloc(n + 1);
    if (!seq || !t->term || !t->gold || !t->line) {
        free(seq);
        return PS_ENOMEM;
    }
    size_t prev_end = 0;
    for (size_t j = 0, k = 0; j < *ntok; j++) {
        if (tok[j].flags & PS_TOK_PART)
            continue;
        seq[k] = (uint32_t)j;
        t->term[k] = ps__ner_hash(tok[j].term, tok[j].term_len);
        t->line[k] = k == 0 ||
                     memchr(d->text + prev_end, '\n',
                            tok[j].offset - prev_end) != NULL ||
                     (tok[j].flags & PS_TOK_SENT_START);
        prev_end = tok[j].offset + tok[j].length;
        k++;
    }
    align(tr, d, tok, seq, t);
    free(seq);
    tr->stats.tokens += n;
    tr->stats.names += d->ngolds;
    return PS_OK;
}

/* The records a document adds to the lists: every word, and every name
 * of at most PS__NER_MAX_PHRASE tokens. */
static int add_records(table_t *tb, const tdoc_t *t)
{
    for (size_t k = 0; k < t->n; k++) {
        int lab = t->gold[k];
        uint32_t bits = PS__NER_W_SEEN;
        if (lab == PS__NER_O)
            bits |= PS__NER_W_OUTSIDE;
        else
            bits |= 1u << (lab - 1);
        if (table_put(tb, ps__ner_word_key(t->term[k]), bits) != 0)
            return -1;
        if (lab == PS__NER_O || PS__NER_IS_I(lab))
            continue;
        size_t e = k + 1;
        while (e < t->n && t->gold[e] == PS__NER_I(PS__NER_TYPE(lab)))
            e++;
        if (e - k > PS__NER_MAX_PHRASE)
            continue;
        if (table_put(tb, ps__ner_phrase_key(t->term + k, e - k),
                      1u << PS__NER_TYPE(lab)) != 0 ||
            table_put(tb, ps__ner_word_key(t->term[k]),
                      PS__NER_W_STARTS(e - k)) != 0)
            return -1;
    }
    return 0;
}

/* Builds the lists from every document not in fold FOLD of FOLDS (FOLDS
 * 0: every document). */
static int build_lists(const trainer_t *tr, unsigned fold, unsigned folds,
                       table_t *tb)
{
    memset(tb, 0, sizeof *tb);
    for (size_t i = 0; i < tr->nlexicon; i++)
        if (table_put(tb, tr->lexicon[i], PS__NER_W_LEXICON) != 0)
            return -1;
    for (size_t i = 0; i < tr->nproper; i++)
        if (table_put(tb, tr->proper[i], PS__NER_W_PROPER) != 0)
            return -1;
    /* The place names are names of every fold: what the model learns of
     * them is how far such a list can be trusted. */
    for (size_t i = 0, at = 0; i < tr->nplaces; at += tr->place_len[i++])
        if (table_put(tb, ps__ner_phrase_key(tr->place + at, tr->place_len[i]),
                      1u << PS_NER_LOC) != 0 ||
            table_put(tb, ps__ner_word_key(tr->place[at]),
                      PS__NER_W_STARTS(tr->place_len[i])) != 0)
            return -1;
    for (size_t i = 0; i < tr->ncwords; i++)
        if (table_put(tb, ps__ner_word_key(tr->cwords[i]),
                      (uint32_t)tr->cclass[i] << PS__NER_W_CLUSTER_SHIFT) != 0)
            return -1;
    for (size_t i = 0; i < tr->ndocs; i++)
        if ((folds == 0 || i % folds != fold) &&
            add_records(tb, &tr->td[i]) != 0)
            return -1;
    if (tb->nslots == 0 && table_grow(tb) != 0)
        return -1;
    return 0;
}

/* Clusters the words of the whole training text (without its labels:
 * they need no folds). */
static ps_status_t cluster(trainer_t *tr, const ps_ner_train_opts_t *o)
{
    size_t n = 0;
    for (size_t i = 0; i < tr->ndocs; i++)
        n += 2 * tr->td[i].n;
    uint64_t *stream = malloc((n + 1) * sizeof *stream);
    if (!stream)
        return PS_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < tr->ndocs; i++) {
        const tdoc_t *t = &tr->td[i];
        for (size_t k = 0; k < t->n; k++) {
            if (t->line[k])
                stream[m++] = 0;
            stream[m++] = t->term[k];
        }
    }
    int rc = ps__ner_cluster(stream, m, o->clusters, 3, 10, &tr->cwords,
                             &tr->cclass, &tr->ncwords);
    free(stream);
    return rc == 0 ? PS_OK : PS_ENOMEM;
}

/* Whether a name (by its phrase key) is one the simulated gazetteer
 * knows. */
static int known_name(uint64_t key)
{
    return ((key >> 17) & 1) == 0;
}

/* Whether document I has gazetteer hints at all. Only a quarter do: with
 * hints on every document the model leans on them and does worse without
 * a gazetteer (eng.testa typed F1 90.0 against 91.1). */
static int hinted_doc(size_t i)
{
    return i % 4 == 0;
}

/* Second pass: the features of document I, with the lists of its fold
 * and the hints of the names the simulated gazetteer knows. */
static ps_status_t featurize(trainer_t *tr, size_t i, const table_t *lists,
                             uint32_t row_bits, ps__ner_feats_t *f,
                             uint8_t **hints, size_t *cap_hints)
{
    const ps_ner_doc_t *d = &tr->docs[i];
    tdoc_t *t = &tr->td[i];
    const ps_token_t *tok;
    size_t ntok;
    ps_status_t st = ps_analyze(tr->an, d->text, d->len, 0, &tok, &ntok);
    if (st != PS_OK)
        return PS_EINVAL;
    if (ps__grow(hints, cap_hints, ntok + 1, 1) != 0)
        return PS_ENOMEM;
    memset(*hints, 0, ntok + 1);
    /* The analyzer token of each sequence token, then hints on every
     * token (parts too) of the names the gazetteer knows. */
    uint32_t *seq = malloc((t->n + 1) * sizeof *seq);
    if (!seq)
        return PS_ENOMEM;
    for (size_t j = 0, k = 0; j < ntok; j++)
        if (!(tok[j].flags & PS_TOK_PART))
            seq[k++] = (uint32_t)j;
    for (size_t k = 0; k < t->n; k++) {
        int lab = t->gold[k];
        if (lab == PS__NER_O || PS__NER_IS_I(lab))
            continue;
        size_t e = k + 1;
        while (e < t->n && t->gold[e] == PS__NER_I(PS__NER_TYPE(lab)))
            e++;
        if (!hinted_doc(i) ||
            !known_name(ps__ner_phrase_key(t->term + k, e - k)))
            continue;
        size_t end = e < t->n ? seq[e] : ntok;
        for (size_t x = seq[k]; x < end; x++)
            (*hints)[x] = PS_NER_HINT(PS__NER_TYPE(lab), x == seq[k]);
    }
    free(seq);
    ps__ner_lists_t l = {lists->keys, lists->vals, lists->nslots, NULL};
    st = ps__ner_extract(f, d->text, d->len, 0, tok, ntok, *hints, &l, row_bits,
                         NULL);
    if (st != PS_OK)
        return st;
    size_t nr = f->start[f->n];
    t->start[0] = malloc((f->n + 1) * sizeof *t->start[0]);
    t->rows[0] = malloc((nr + 1) * sizeof *t->rows[0]);
    t->ctx = malloc(f->n + 1);
    t->s1 = calloc(f->n + 1, 1);
    if (!t->start[0] || !t->rows[0] || !t->ctx || !t->s1)
        return PS_ENOMEM;
    memcpy(t->start[0], f->start, (f->n + 1) * sizeof *t->start[0]);
    memcpy(t->rows[0], f->rows, nr * sizeof *t->rows[0]);
    memcpy(t->ctx, f->ctx, f->n);
    return PS_OK;
}

static ps_status_t train(trainer_t *tr, const ps_ner_train_opts_t *o,
                         const char *path)
{
    ps__ner_feats_t f = {0};
    ps__ner_nl_t nl = {0};
    table_t lists = {0};
    uint8_t *hints = NULL;
    size_t cap_hints = 0, maxn = 1;
    ps__ner_perc_t p = {0};
    ps__ner_bufs_t b = {0};
    size_t *order = NULL;
    int16_t *qw = NULL;
    int32_t qt[2][(L + 1) * L];
    ps_status_t st = PS_OK;

    for (size_t i = 0; i < tr->ndocs && st == PS_OK; i++) {
        const ps_token_t *tok;
        size_t ntok;
        st = prepare(tr, i, &tok, &ntok);
        if (tr->td[i].n > maxn)
            maxn = tr->td[i].n;
    }
    if (st == PS_OK && o->clusters > 2)
        st = cluster(tr, o);
    for (unsigned fold = 0; fold < o->folds && st == PS_OK; fold++) {
        if (build_lists(tr, fold, o->folds, &lists) != 0) {
            st = PS_ENOMEM;
            break;
        }
        for (size_t i = fold; i < tr->ndocs && st == PS_OK; i += o->folds)
            st = featurize(tr, i, &lists, o->row_bits, &f, &hints, &cap_hints);
        table_free(&lists);
    }
    if (st != PS_OK)
        goto out;

    size_t nrows = (size_t)1 << o->row_bits, nw = nrows * L;
    p.w = malloc(nw * sizeof *p.w);
    p.u = malloc(nw * sizeof *p.u);
    p.aw = o->runs > 1 ? malloc(nw * sizeof *p.aw) : NULL;
    b.scores = malloc(maxn * L * sizeof *b.scores);
    b.back = malloc(maxn * L);
    b.pred = malloc(maxn);
    order = malloc((tr->ndocs + 1) * sizeof *order);
    qw = malloc(nrows * 2 * PS__NER_ROW * sizeof *qw);
    if (!p.w || !p.u || (o->runs > 1 && !p.aw) || !b.scores || !b.back ||
        !b.pred || !order || !qw) {
        st = PS_ENOMEM;
        goto out;
    }

    /* The first stage's labels of each document come from a model that
     * did not see it, so the second stage learns how far they can be
     * trusted on new text. */
    unsigned sf = o->stack_folds;
    for (unsigned fold = 0; sf >= 2 && fold < sf; fold++) {
        ps__ner_perc_run(tr->td, tr->ndocs, o, 0, fold, sf, &p, nw, order, &b);
        for (size_t i = fold; i < tr->ndocs; i += sf) {
            ps__ner_perc_decode(&p, &tr->td[i], 0, &b);
            memcpy(tr->td[i].s1, b.pred, tr->td[i].n);
        }
    }
    ps__ner_perc_run(tr->td, tr->ndocs, o, 0, 0, 0, &p, nw, order, &b);
    ps__ner_perc_quantize(&p, nrows, qw, qt[0]);

    for (size_t i = 0; i < tr->ndocs; i++) {
        tdoc_t *t = &tr->td[i];
        if (sf < 2) {
            ps__ner_perc_decode(&p, t, 0, &b);
            memcpy(t->s1, b.pred, t->n);
        }
        st = ps__ner_nonlocal(&nl, t->n, t->term, t->ctx, t->line, t->s1,
                              o->row_bits, NULL, NULL);
        if (st != PS_OK)
            goto out;
        size_t nr = nl.start[t->n];
        t->start[1] = malloc((t->n + 1) * sizeof *t->start[1]);
        t->rows[1] = malloc((nr + 1) * sizeof *t->rows[1]);
        if (!t->start[1] || !t->rows[1]) {
            st = PS_ENOMEM;
            goto out;
        }
        memcpy(t->start[1], nl.start, (t->n + 1) * sizeof *t->start[1]);
        memcpy(t->rows[1], nl.rows, nr * sizeof *t->rows[1]);
    }
    ps__ner_perc_run(tr->td, tr->ndocs, o, 1, 0, 0, &p, nw, order, &b);
    ps__ner_perc_quantize(&p, nrows, qw + PS__NER_ROW, qt[1]);

    if (build_lists(tr, 0, 0, &lists) != 0) {
        st = PS_ENOMEM;
        goto out;
    }
    tr->stats.list_slots = lists.nslots;
    char *werr = NULL;
    int32_t *tp[2] = {qt[0], qt[1]};
    st = ps__ner_model_write(path, o->row_bits, qw, tp, lists.nslots,
                             lists.keys, lists.vals, &werr);
    if (st != PS_OK && tr->errmsg && !*tr->errmsg)
        *tr->errmsg = werr;
    else
        free(werr);
out:
    table_free(&lists);
    ps__ner_feats_free(&f);
    ps__ner_nl_free(&nl);
    free(hints);
    free(p.w);
    free(p.u);
    free(p.aw);
    free(b.scores);
    free(b.back);
    free(b.pred);
    free(order);
    free(qw);
    return st;
}

ps_status_t ps_ner_train(const ps_ner_doc_t *docs, size_t ndocs,
                         const ps_ner_train_opts_t *opts, const char *path,
                         ps_ner_train_stats_t *stats, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    ps_ner_train_opts_t o = opts ? *opts : (ps_ner_train_opts_t){0};
    if (!o.epochs)
        o.epochs = 12;
    if (!o.row_bits)
        o.row_bits = 18;
    if (!o.folds)
        o.folds = 10;
    if (!o.seed)
        o.seed = 1;
    if (!o.stack_folds)
        o.stack_folds = 5;
    if (!o.runs)
        o.runs = 3;
    if (!o.clusters)
        o.clusters = 128;
    if (o.row_bits < 2 || o.row_bits > 26 || o.epochs > 1000 || o.runs > 100 ||
        o.clusters > 256)
        return ps__ner_fail(errmsg, PS_EINVAL, NULL, "bad training options");
    trainer_t tr = {.docs = docs, .ndocs = ndocs, .errmsg = errmsg};
    tr.stats.docs = ndocs;
    tr.td = calloc(ndocs + 1, sizeof *tr.td);
    if (!tr.td || ps_analyzer_new(&tr.an) != PS_OK) {
        free(tr.td);
        return ps__ner_fail(errmsg, PS_ENOMEM, NULL, "out of memory");
    }
    ps_status_t st = o.lexicon ? read_lines(&tr, o.lexicon, add_word) : PS_OK;
    if (st == PS_OK && o.places)
        st = read_places(&tr, o.places);
    if (st == PS_OK)
        st = train(&tr, &o, path);
    if (st == PS_ENOMEM)
        ps__ner_fail(errmsg, st, NULL, "out of memory");
    for (size_t i = 0; i < ndocs; i++) {
        free(tr.td[i].term);
        free(tr.td[i].gold);
        free(tr.td[i].line);
        free(tr.td[i].ctx);
        free(tr.td[i].s1);
        for (int s = 0; s < 2; s++) {
            free(tr.td[i].start[s]);
            free(tr.td[i].rows[s]);
        }
    }
    free(tr.td);
    free(tr.lexicon);
    free(tr.lexicon_sorted);
    free(tr.proper);
    free(tr.place);
    free(tr.place_len);
    free(tr.cwords);
    free(tr.cclass);
    ps_analyzer_free(tr.an);
    if (stats)
        *stats = tr.stats;
    return st;
}
