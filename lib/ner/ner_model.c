/* The NER model file: its format, the loader that checks every part of it
 * before trusting a byte (the trainer's writer is train/ner_model_write.c).
 *
 * Format version 2, little-endian, every array aligned to its element:
 *   0   char[8]  magic "PSNERMDL"
 *   8   u32      format version (2; also names the feature templates
 *                and what the list values hold: version 2 added the
 *                dictionary's proper names, PS__NER_W_PROPER)
 *   12  u32      model type (1: two-stage averaged perceptron, BIO labels,
 *                hashed features)
 *   16  u32      number of labels (9: O, then B-T and I-T per type)
 *   20  u32      log2 of the weight table's rows
 *   24  u32      slots of the list table (0 or a power of two)
 *   28  u32      0
 *   32  u64      file size in bytes
 *   40  u64      XXH64 of the whole file with these 8 bytes zeroed
 *                (the frame of bytes 0-11 and 32-47 is every model
 *                file's: base/modelfile.h)
 *   48  char[16] the types in label order, "PER,LOC,ORG,MISC"
 *   64  i32      transitions [2][(labels + 1) * labels]: of each stage
 *       i16      weights [rows][2][labels - 1]: of each stage, label O's
 *                are 0 (ner_private.h)
 *       u64      list keys [slots]
 *       u32      list values [slots]
 * Weights and transitions are fixed point: scores are compared, never
 * scaled, so their common unit does not matter. */
#include <stdlib.h>
#include <string.h>

#include "ner/ner_private.h"

const char *ps_ner_type_name(ps_ner_type_t t)
{
    static const char *const names[PS_NER__COUNT] = {"PER", "LOC", "ORG",
                                                     "MISC"};
    return (unsigned)t < PS_NER__COUNT ? names[t] : NULL;
}

uint64_t ps__ner_model_size(uint32_t row_bits, uint32_t nlist)
{
    uint64_t n = PS__MODEL_HEADER_SIZE;
    n += (uint64_t)2 * (PS__NER_NLABELS + 1) * PS__NER_NLABELS * 4;
    n += (uint64_t)2 * ((uint64_t)1 << row_bits) * PS__NER_ROW * 2;
    n += (uint64_t)nlist * (8 + 4);
    return n;
}

/* Checks the header's own fields (ps__model_kind_t's check). */
static ps_status_t check(const unsigned char *mem, const char *path,
                         uint64_t *size, char **errmsg)
{
    if (ps__get32(mem + 12) != PS__NER_MODEL_TYPE ||
        ps__get32(mem + 16) != PS__NER_NLABELS ||
        memcmp(mem + 48, PS__NER_LABEL_SET, 16) != 0)
        return ps__model_fail(errmsg, PS_EVERSION, path,
                              "unsupported NER model type or label set");
    uint32_t row_bits = ps__get32(mem + 20), nlist = ps__get32(mem + 24);
    if (row_bits < PS__NER_MIN_ROW_BITS || row_bits > PS__NER_MAX_ROW_BITS ||
        nlist > PS__NER_MAX_LIST || (nlist & (nlist - 1)) != 0 ||
        ps__get32(mem + 28) != 0)
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the NER model's header is damaged");
    *size = ps__ner_model_size(row_bits, nlist);
    return PS_OK;
}

ps_status_t ps_ner_model_load(const char *path, ps_ner_model_t **out,
                              char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    const ps__model_kind_t kind = {
        "NER model", PS__NER_MAGIC, PS__NER_FORMAT_VERSION,
        ps__ner_model_size(PS__NER_MAX_ROW_BITS, PS__NER_MAX_LIST), check};
    ps__model_buf_t buf;
    ps_status_t st = ps__model_open(path, &kind, &buf, errmsg);
    if (st != PS_OK)
        return st;
    ps_ner_model_t *m = calloc(1, sizeof *m);
    if (!m) {
        ps__model_free(&buf);
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    const unsigned char *mem = buf.mem;
    size_t off = PS__MODEL_HEADER_SIZE;
    m->file = buf;
    m->row_bits = ps__get32(mem + 20);
    m->nrows = 1u << m->row_bits;
    for (int s = 0; s < 2; s++) {
        m->trans[s] = (const int32_t *)(mem + off);
        off += (size_t)(PS__NER_NLABELS + 1) * PS__NER_NLABELS * 4;
    }
    m->weights = (const int16_t *)(mem + off);
    off += (size_t)m->nrows * 2 * PS__NER_ROW * 2;
    m->nlist = ps__get32(mem + 24);
    m->list_keys = (const uint64_t *)(mem + off);
    off += (size_t)m->nlist * 8;
    m->list_values = (const uint32_t *)(mem + off);
    *out = m;
    return PS_OK;
}

void ps_ner_model_free(ps_ner_model_t *m)
{
    if (!m)
        return;
    ps__model_free(&m->file);
    free(m);
}

uint32_t ps__ner_list_get(const uint64_t *keys, const uint32_t *values,
                          uint32_t nslots, uint64_t key)
{
    if (nslots == 0)
        return 0;
    uint32_t mask = nslots - 1;
    for (uint32_t i = (uint32_t)key & mask, probes = 0; probes < nslots;
         i = (i + 1) & mask, probes++) {
        if (keys[i] == key)
            return values[i];
        if (keys[i] == 0)
            return 0;
    }
    return 0;
}
