/* Writes the quote model file whose format lib/quote/quote_model.c
 * describes and checks: the trainer's half of that file, kept out of the
 * runtime library so that what ships only ever reads models. */
#include <stdlib.h>
#include <string.h>

#include "model_write.h"
#include "quote/quote_private.h"

ps_status_t ps__q_model_write(const char *path, const ps__qmodel_view_t *v,
                              char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (v->row_bits < PS__Q_MIN_ROW_BITS || v->row_bits > PS__Q_MAX_ROW_BITS ||
        v->nlex > PS__Q_MAX_LEX || (v->nlex & (v->nlex - 1)) != 0)
        return ps__model_fail(errmsg, PS_EINVAL, path,
                              "bad quote model table sizes");
    uint64_t size = ps__q_model_size(v->row_bits, v->nlex);
    unsigned char *mem = calloc(1, (size_t)size);
    if (!mem)
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    memcpy(mem, PS__Q_MAGIC, 8);
    ps__put32(mem + PS__MODEL_VERSION_AT, PS__Q_FORMAT_VERSION);
    ps__put32(mem + 12, PS__Q_NLABELS);
    ps__put32(mem + 16, PS__Q_TABLES);
    ps__put32(mem + 20, v->row_bits);
    ps__put32(mem + 24, v->nlex);
    memcpy(mem + 28, &v->conf_scale, 4);
    ps__put64(mem + PS__MODEL_SIZE_AT, size);
    memcpy(mem + 48, PS__Q_ROLE_SET, sizeof PS__Q_ROLE_SET);
    size_t off = PS__MODEL_HEADER_SIZE;
    size_t n = (size_t)(PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    for (int s = 0; s < PS__Q_TABLES; s++, off += n)
        memcpy(mem + off, v->trans[s], n);
    n = ((size_t)1 << v->row_bits) * PS__Q_NLABELS * 2;
    for (int s = 0; s < PS__Q_TABLES; s++, off += n)
        memcpy(mem + off, v->weights[s], n);
    if (v->nlex)
        memcpy(mem + off, v->lex, (size_t)v->nlex * 8);
    off += (size_t)v->nlex * 8;
    memcpy(mem + off, v->calib, sizeof v->calib);
    ps_status_t st =
        ps__model_write(path, "quote model", mem, (size_t)size, errmsg);
    free(mem);
    return st;
}
