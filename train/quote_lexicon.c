/* The quote model's lexicon, mined from the training articles: each
 * stem's cue class (how often it is part of a gold cue) and its word
 * class (the exchange algorithm's, learnt without labels), in the open
 * addressing table the model file holds (quote_model.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ner/ner_private.h"
#include "quote_train.h"

typedef struct stemcue {
    uint64_t stem;
    uint32_t cue; /* the count of cue uses, then the lexicon record */
} stemcue_t;

static int cmp_sc(const void *a, const void *b)
{
    const stemcue_t *x = a, *y = b;
    if (x->stem != y->stem)
        return x->stem < y->stem ? -1 : 1;
    return (x->cue > y->cue) - (x->cue < y->cue);
}

static void lex_put(uint64_t *tab, uint32_t slots, uint64_t stem,
                    uint32_t rec)
{
    uint64_t key = ps__q_lex_key(stem);
    uint32_t mask = slots - 1;
    uint32_t i = (uint32_t)(key >> 11) & mask;
    while (tab[i] != 0)
        i = (i + 1) & mask;
    tab[i] = key | rec;
}

/* Word classes of the stems of the training text, learnt without its
 * labels by the NER trainer's exchange algorithm (train/ner_clusters.c),
 * so a cue word seen once or never as a cue ("hammers", "blasts") shares
 * a class with ones that were ("slams"). O's unlabelled text
 * (--cluster-text: its stems, a 0 before each sentence) is clustered
 * after the training text's, labels used from neither. Appends (stem,
 * class << 2) to *VP (grown as needed) from *K on; -1 when memory runs
 * out. */
static int add_clusters(qdoc_t *docs, size_t ndocs, const qtrain_opts_t *o,
                        stemcue_t **vp, size_t *k)
{
    clock_t c0 = clock();
    size_t total = o->nctext;
    for (size_t d = 0; d < ndocs; d++)
        total += 2 * docs[d].n;
    uint64_t *stream = malloc((total + 1) * sizeof *stream);
    if (!stream)
        return -1;
    size_t m = 0;
    for (size_t d = 0; d < ndocs; d++) {
        for (size_t i = 0; i < docs[d].n; i++) {
            const ps__qtok_t *t = &docs[d].seq[i];
            if (i == 0 || t->sent != docs[d].seq[i - 1].sent)
                stream[m++] = 0;
            if (t->shape != PS__Q_SHAPE_MARK) /* words only, not marks */
                stream[m++] = t->stem;
        }
    }
    if (o->nctext > 0)
        memcpy(stream + m, o->ctext, o->nctext * sizeof *stream);
    m += o->nctext;
    uint64_t *keys;
    uint16_t *cls;
    size_t nw;
    int rc = ps__ner_cluster(stream, m, o->clusters, 3, 10, &keys, &cls, &nw);
    free(stream);
    if (rc != 0)
        return -1;
    /* The unlabelled text may bring more stems than V has room for. */
    stemcue_t *v = realloc(*vp, (*k + nw + 1) * sizeof *v);
    if (v) {
        *vp = v;
        for (size_t i = 0; i < nw; i++)
            if (cls[i] >= 2)
                v[(*k)++] = (stemcue_t){keys[i], (uint32_t)cls[i] << 2};
    }
    free(keys);
    free(cls);
    if (v && o->verbose)
        fprintf(stderr, "quote_train: %zu stems in %u word classes, %.1f s CPU\n",
                nw, o->clusters, (double)(clock() - c0) / CLOCKS_PER_SEC);
    return v ? 0 : -1;
}

uint64_t *qlexicon_mine(qdoc_t *docs, size_t ndocs,
                              const qtrain_opts_t *o, uint32_t *nslots)
{
    size_t total = 0;
    for (size_t d = 0; d < ndocs; d++)
        total += docs[d].n;
    stemcue_t *v = malloc((2 * total + 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t d = 0; d < ndocs; d++)
        for (size_t i = 0; i < docs[d].n; i++)
            v[k++] = (stemcue_t){docs[d].seq[i].stem,
                                 PS__Q_ROLE(docs[d].gold[i]) == 2};
    qsort(v, k, sizeof *v, cmp_sc);
    size_t nk = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i, cue = 0;
        while (j < k && v[j].stem == v[i].stem)
            cue += v[j++].cue;
        double r = (double)cue / (double)(j - i);
        int cls = cue < 2     ? 0
                  : r >= 0.5  ? 3
                  : r >= 0.15 ? 2
                  : r >= 0.03 ? 1
                              : 0;
        if (cls)
            v[nk++] = (stemcue_t){v[i].stem, (uint32_t)cls};
        i = j;
    }
    if (o->clusters > 2 && add_clusters(docs, ndocs, o, &v, &nk) != 0) {
        free(v);
        return NULL;
    }
    /* A stem with both a cue class and a word class has one slot. */
    qsort(v, nk, sizeof *v, cmp_sc);
    size_t nu = 0;
    for (size_t i = 0; i < nk; i++) {
        if (nu > 0 && v[nu - 1].stem == v[i].stem)
            v[nu - 1].cue |= v[i].cue;
        else
            v[nu++] = v[i];
    }
    uint32_t slots = 16;
    while (slots < nu * 2)
        slots *= 2;
    uint64_t *tab = calloc(slots, sizeof *tab);
    for (size_t i = 0; tab && i < nu; i++)
        lex_put(tab, slots, v[i].stem, v[i].cue);
    free(v);
    *nslots = slots;
    return tab;
}
