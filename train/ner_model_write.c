/* Writes the NER model file whose format lib/ner/ner_model.c describes and
 * checks: the trainer's half of that file, kept out of the runtime library
 * so that what ships only ever reads models. */
#include <stdlib.h>
#include <string.h>

#include "model_write.h"
#include "ner/ner_private.h"

ps_status_t ps__ner_model_write(const char *path, uint32_t row_bits,
                                const int16_t *weights, int32_t *const trans[2],
                                uint32_t nlist, const uint64_t *list_keys,
                                const uint32_t *list_values, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (row_bits < PS__NER_MIN_ROW_BITS || row_bits > PS__NER_MAX_ROW_BITS ||
        nlist > PS__NER_MAX_LIST || (nlist & (nlist - 1)) != 0)
        return ps__model_fail(errmsg, PS_EINVAL, path,
                              "bad NER model table sizes");
    uint64_t size = ps__ner_model_size(row_bits, nlist);
    unsigned char *mem = calloc(1, (size_t)size);
    if (!mem)
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    memcpy(mem, PS__NER_MAGIC, 8);
    ps__put32(mem + PS__MODEL_VERSION_AT, PS__NER_FORMAT_VERSION);
    ps__put32(mem + 12, PS__NER_MODEL_TYPE);
    ps__put32(mem + 16, PS__NER_NLABELS);
    ps__put32(mem + 20, row_bits);
    ps__put32(mem + 24, nlist);
    ps__put64(mem + PS__MODEL_SIZE_AT, size);
    memcpy(mem + 48, PS__NER_LABEL_SET, 16);
    size_t off = PS__MODEL_HEADER_SIZE, n;
    n = (size_t)(PS__NER_NLABELS + 1) * PS__NER_NLABELS * 4;
    for (int s = 0; s < 2; s++, off += n)
        memcpy(mem + off, trans[s], n);
    n = ((size_t)1 << row_bits) * 2 * PS__NER_ROW * 2;
    memcpy(mem + off, weights, n);
    off += n;
    if (nlist) {
        memcpy(mem + off, list_keys, (size_t)nlist * 8);
        off += (size_t)nlist * 8;
        memcpy(mem + off, list_values, (size_t)nlist * 4);
    }
    ps_status_t st =
        ps__model_write(path, "NER model", mem, (size_t)size, errmsg);
    free(mem);
    return st;
}
