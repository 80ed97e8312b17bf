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
#include <stdlib.h>
#include <string.h>

#include "ner_train_private.h"
#include "psearch/analyzer.h"
#include "ner_train.h"
#include "base/util.h"

#define L PS__NER_NLABELS

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

/* First pass over a document: analyze, find the sequence tokens and their
 * lines, label them. */
static ps_status_t prepare(trainer_t *tr, size_t i, const ps_token_t **toks,
                           size_t *ntok)
{
    const ps_ner_doc_t *d = &tr->docs[i];
    tdoc_t *t = &tr->td[i];
    ps_status_t st = ps_analyze(tr->an, d->text, d->len, 0, toks, ntok);
    if (st != PS_OK)
        return ps__model_fail(tr->errmsg, st == PS_EBADUTF8 ? PS_EINVAL : st,
                              NULL, "document %zu: %s", i + 1,
                              ps_status_str(st));
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

/* Reads every document: analyses and labels it (prepare), clusters the
 * words of them all, then featurizes each with the lists of its fold.
 * *MAXN receives the most sequence tokens of a document. */
static ps_status_t read_docs(trainer_t *tr, const ps_ner_train_opts_t *o,
                             size_t *maxn)
{
    ps__ner_feats_t f = {0};
    table_t lists = {0};
    uint8_t *hints = NULL;
    size_t cap_hints = 0;
    ps_status_t st = PS_OK;
    for (size_t i = 0; i < tr->ndocs && st == PS_OK; i++) {
        const ps_token_t *tok;
        size_t ntok;
        st = prepare(tr, i, &tok, &ntok);
        if (tr->td[i].n > *maxn)
            *maxn = tr->td[i].n;
    }
    if (st == PS_OK && o->clusters > 2)
        st = ps__ner_cluster_words(tr, o);
    for (unsigned fold = 0; fold < o->folds && st == PS_OK; fold++) {
        if (ps__ner_build_lists(tr, fold, o->folds, &lists) != 0) {
            st = PS_ENOMEM;
            break;
        }
        for (size_t i = fold; i < tr->ndocs && st == PS_OK; i += o->folds)
            st = featurize(tr, i, &lists, o->row_bits, &f, &hints, &cap_hints);
        ps__ner_table_free(&lists);
    }
    ps__ner_table_free(&lists); /* What a failed build left. */
    ps__ner_feats_free(&f);
    free(hints);
    return st;
}

/* What learning needs, sized once for every run: the perceptron, the
 * decoder's scratch, the order of the documents, and the model's weights
 * (both stages, interleaved as the model file has them) and transitions
 * as they are quantized. */
typedef struct learn {
    size_t nrows, nw;
    ps__ner_perc_t p;
    ps__ner_bufs_t b;
    size_t *order;
    int16_t *qw;
    int32_t qt[2][(L + 1) * L];
} learn_t;

static ps_status_t learn_alloc(learn_t *l, const trainer_t *tr,
                               const ps_ner_train_opts_t *o, size_t maxn)
{
    size_t nrows = (size_t)1 << o->row_bits, nw = nrows * L;
    l->nrows = nrows;
    l->nw = nw;
    l->p.w = malloc(nw * sizeof *l->p.w);
    l->p.u = malloc(nw * sizeof *l->p.u);
    l->p.aw = o->runs > 1 ? malloc(nw * sizeof *l->p.aw) : NULL;
    l->b.scores = malloc(maxn * L * sizeof *l->b.scores);
    l->b.back = malloc(maxn * L);
    l->b.pred = malloc(maxn);
    l->order = malloc((tr->ndocs + 1) * sizeof *l->order);
    l->qw = malloc(nrows * 2 * PS__NER_ROW * sizeof *l->qw);
    if (!l->p.w || !l->p.u || (o->runs > 1 && !l->p.aw) || !l->b.scores ||
        !l->b.back || !l->b.pred || !l->order || !l->qw)
        return PS_ENOMEM;
    return PS_OK;
}

static void learn_free(learn_t *l)
{
    free(l->p.w);
    free(l->p.u);
    free(l->p.aw);
    free(l->b.scores);
    free(l->b.back);
    free(l->b.pred);
    free(l->order);
    free(l->qw);
}

/* Trains the first stage. The first stage's labels of each document come
 * from a model that did not see it, so the second stage learns how far
 * they can be trusted on new text. */
static void learn_first(trainer_t *tr, const ps_ner_train_opts_t *o, learn_t *l)
{
    unsigned sf = o->stack_folds;
    for (unsigned fold = 0; sf >= 2 && fold < sf; fold++) {
        ps__ner_perc_run(tr->td, tr->ndocs, o, 0, fold, sf, &l->p, l->nw,
                         l->order, &l->b);
        for (size_t i = fold; i < tr->ndocs; i += sf) {
            ps__ner_perc_decode(&l->p, &tr->td[i], 0, &l->b);
            memcpy(tr->td[i].s1, l->b.pred, tr->td[i].n);
        }
    }
    ps__ner_perc_run(tr->td, tr->ndocs, o, 0, 0, 0, &l->p, l->nw, l->order,
                     &l->b);
    ps__ner_perc_quantize(&l->p, l->nrows, l->qw, l->qt[0]);
}

/* The second stage's own features of each document, from the first
 * stage's labels (made by the final first stage when not stacked). */
static ps_status_t second_features(trainer_t *tr, const ps_ner_train_opts_t *o,
                                   learn_t *l)
{
    ps__ner_nl_t nl = {0};
    ps_status_t st = PS_OK;
    for (size_t i = 0; i < tr->ndocs && st == PS_OK; i++) {
        tdoc_t *t = &tr->td[i];
        if (o->stack_folds < 2) {
            ps__ner_perc_decode(&l->p, t, 0, &l->b);
            memcpy(t->s1, l->b.pred, t->n);
        }
        st = ps__ner_nonlocal(&nl, t->n, t->term, t->ctx, t->line, t->s1,
                              o->row_bits, NULL, NULL);
        if (st != PS_OK)
            break;
        size_t nr = nl.start[t->n];
        t->start[1] = malloc((t->n + 1) * sizeof *t->start[1]);
        t->rows[1] = malloc((nr + 1) * sizeof *t->rows[1]);
        if (!t->start[1] || !t->rows[1]) {
            st = PS_ENOMEM;
            break;
        }
        memcpy(t->start[1], nl.start, (t->n + 1) * sizeof *t->start[1]);
        memcpy(t->rows[1], nl.rows, nr * sizeof *t->rows[1]);
    }
    ps__ner_nl_free(&nl);
    return st;
}

/* Writes the model: both stages' weights, and the lists of every
 * document. */
static ps_status_t write_model(trainer_t *tr, const ps_ner_train_opts_t *o,
                               learn_t *l, const char *path)
{
    table_t lists = {0};
    if (ps__ner_build_lists(tr, 0, 0, &lists) != 0) {
        ps__ner_table_free(&lists);
        return PS_ENOMEM;
    }
    tr->stats.list_slots = lists.nslots;
    char *werr = NULL;
    int32_t *tp[2] = {l->qt[0], l->qt[1]};
    ps_status_t st =
        ps__ner_model_write(path, o->row_bits, l->qw, tp, lists.nslots,
                            lists.keys, lists.vals, &werr);
    if (st != PS_OK && tr->errmsg && !*tr->errmsg)
        *tr->errmsg = werr;
    else
        free(werr);
    ps__ner_table_free(&lists);
    return st;
}

static ps_status_t train(trainer_t *tr, const ps_ner_train_opts_t *o,
                         const char *path)
{
    size_t maxn = 1;
    ps_status_t st = read_docs(tr, o, &maxn);
    if (st != PS_OK)
        return st;
    learn_t l = {0};
    st = learn_alloc(&l, tr, o, maxn);
    if (st == PS_OK) {
        learn_first(tr, o, &l);
        st = second_features(tr, o, &l);
    }
    if (st == PS_OK) {
        ps__ner_perc_run(tr->td, tr->ndocs, o, 1, 0, 0, &l.p, l.nw, l.order,
                         &l.b);
        ps__ner_perc_quantize(&l.p, l.nrows, l.qw + PS__NER_ROW, l.qt[1]);
        st = write_model(tr, o, &l, path);
    }
    learn_free(&l);
    return st;
}

/* Fills in O's defaults; PS_EINVAL for options out of range. */
static ps_status_t default_opts(ps_ner_train_opts_t *o)
{
    if (!o->epochs)
        o->epochs = 12;
    if (!o->row_bits)
        o->row_bits = 18;
    if (!o->folds)
        o->folds = 10;
    if (!o->seed)
        o->seed = 1;
    if (!o->stack_folds)
        o->stack_folds = 5;
    if (!o->runs)
        o->runs = 3;
    if (!o->clusters)
        o->clusters = 128;
    if (o->row_bits < 2 || o->row_bits > 26 || o->epochs > 1000 ||
        o->runs > 100 || o->clusters > 256)
        return PS_EINVAL;
    return PS_OK;
}

static void trainer_free(trainer_t *tr)
{
    for (size_t i = 0; i < tr->ndocs; i++) {
        free(tr->td[i].term);
        free(tr->td[i].gold);
        free(tr->td[i].line);
        free(tr->td[i].ctx);
        free(tr->td[i].s1);
        for (int s = 0; s < 2; s++) {
            free(tr->td[i].start[s]);
            free(tr->td[i].rows[s]);
        }
    }
    free(tr->td);
    free(tr->lexicon);
    free(tr->lexicon_sorted);
    free(tr->proper);
    free(tr->place);
    free(tr->place_len);
    free(tr->cwords);
    free(tr->cclass);
    ps_analyzer_free(tr->an);
}

ps_status_t ps_ner_train(const ps_ner_doc_t *docs, size_t ndocs,
                         const ps_ner_train_opts_t *opts, const char *path,
                         ps_ner_train_stats_t *stats, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    ps_ner_train_opts_t o = opts ? *opts : (ps_ner_train_opts_t){0};
    if (default_opts(&o) != PS_OK)
        return ps__model_fail(errmsg, PS_EINVAL, NULL, "bad training options");
    trainer_t tr = {.docs = docs, .ndocs = ndocs, .errmsg = errmsg};
    tr.stats.docs = ndocs;
    tr.td = calloc(ndocs + 1, sizeof *tr.td);
    if (!tr.td || ps_analyzer_new(&tr.an) != PS_OK) {
        free(tr.td);
        return ps__model_fail(errmsg, PS_ENOMEM, NULL, "out of memory");
    }
    ps_status_t st = o.lexicon ? ps__ner_read_lexicon(&tr, o.lexicon) : PS_OK;
    if (st == PS_OK && o.places)
        st = ps__ner_read_places(&tr, o.places);
    if (st == PS_OK)
        st = train(&tr, &o, path);
    if (st == PS_ENOMEM)
        ps__model_fail(errmsg, st, NULL, "out of memory");
    trainer_free(&tr);
    if (stats)
        *stats = tr.stats;
    return st;
}
