/* The lists the NER model consults, as the trainer builds them: the
 * lexicon's common words and proper names, the world's places, the word
 * clusters learnt from the text, and the words and names of the training
 * documents, by fold (ner_train.c says why folds). The records are the
 * PS__NER_W_* bits of ner_private.h, in an open addressing table that
 * becomes the model's list table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ner_train_private.h"
#include "psearch/analyzer.h"
#include "base/util.h"

/* Calls EACH with every line of file PATH, its line end cut off, until
 * one call returns other than PS_OK. */
static ps_status_t read_lines(trainer_t *tr, const char *path,
                              ps_status_t (*each)(trainer_t *, const char *,
                                                  size_t))
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ps__model_fail(tr->errmsg, PS_EIO, path, "%s", strerror(errno));
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
        st = ps__model_fail(tr->errmsg, PS_EIO, path, "read error");
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

void ps__ner_table_free(table_t *t)
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
        ps__ner_table_free(&g);
        return -1;
    }
    for (uint32_t i = 0; i < t->nslots; i++)
        if (t->keys[i])
            table_put(&g, t->keys[i], t->vals[i]);
    ps__ner_table_free(t);
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

ps_status_t ps__ner_read_places(trainer_t *tr, const char *path)
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

int ps__ner_build_lists(const trainer_t *tr, unsigned fold, unsigned folds,
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

ps_status_t ps__ner_cluster_words(trainer_t *tr, const ps_ner_train_opts_t *o)
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

ps_status_t ps__ner_read_lexicon(trainer_t *tr, const char *path)
{
    return read_lines(tr, path, add_word);
}
