/* The quote model file: its format, the loader that checks every part of
 * it before trusting a byte (the trainer's writer is
 * train/quote_model_write.c).
 *
 * Format version 4, little-endian, every array aligned to its element:
 *   0   char[8]  magic "PSQUOTMD"
 *   8   u32      format version (4; also names the feature templates of
 *                quote_features.c and quote_role.c and the sequence of
 *                quote_seq.c; version 3 had no calibration, version 2 no
 *                word classes, version 1 fewer role templates)
 *   12  u32      number of labels (7: O, B/I of source, cue, content)
 *   16  u32      number of weight tables (3: the tagger's two stages,
 *                the role tagger)
 *   20  u32      log2 of the weight table's rows (per stage)
 *   24  u32      slots of the lexicon (0 or a power of two)
 *   28  f32      confidence scale: the median score margin of the cues
 *                the model finds in training (quote_run.c)
 *   32  u64      file size in bytes
 *   40  u64      XXH64 of the whole file with these 8 bytes zeroed
 *                (the frame of bytes 0-11 and 32-47 is every model
 *                file's: base/modelfile.h)
 *   48  char[16] the roles in label order, "SRC,CUE,CONTENT"
 *   64  i32      transitions [tables][(labels + 1) * labels]
 *       i16      weights [tables][rows][labels]
 *       u64      lexicon [slots]: stem keys (ps__q_lex_key), the low 10
 *                bits the stem's cue class (bits 0-1) and word class
 *                (bits 2-9), 0 an empty slot
 *       f32      calibration [7]: the weights of the confidence's
 *                logistic (PS__QC_*: the cue's margin over the scale, 1,
 *                direct, mixed, a speaker entity, a pronoun, no source),
 *                fitted on the training articles (train/quote_calib.c)
 *       u32      0, which keeps the file a multiple of 8 bytes
 * Weights and transitions are fixed point: scores are compared, and the
 * confidence scale is in the same unit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quote_private.h"

const char *ps_quote_kind_name(ps_quote_kind_t k)
{
    static const char *const n[] = {"direct", "mixed", "indirect"};
    return (unsigned)k < 3 ? n[k] : NULL;
}

const char *ps_speaker_kind_name(ps_speaker_kind_t k)
{
    static const char *const n[] = {"entity", "pronoun", "unnamed", "none"};
    return (unsigned)k < 4 ? n[k] : NULL;
}

uint64_t ps__q_model_size(uint32_t row_bits, uint32_t nlex)
{
    uint64_t n = PS__MODEL_HEADER_SIZE;
    n += (uint64_t)PS__Q_TABLES * (PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    n += (uint64_t)PS__Q_TABLES * ((uint64_t)1 << row_bits) * PS__Q_NLABELS * 2;
    n += (uint64_t)nlex * 8;
    n += PS__Q_CALIB_BYTES;
    return n;
}

/* Checks the header's own fields (ps__model_kind_t's check). */
static ps_status_t check(const unsigned char *mem, const char *path,
                         uint64_t *size, char **errmsg)
{
    if (ps__get32(mem + 12) != PS__Q_NLABELS ||
        ps__get32(mem + 16) != PS__Q_TABLES ||
        memcmp(mem + 48, PS__Q_ROLE_SET, 16) != 0)
        return ps__model_fail(errmsg, PS_EVERSION, path,
                              "unsupported quote model labels or tables");
    uint32_t row_bits = ps__get32(mem + 20), nlex = ps__get32(mem + 24);
    float scale;
    memcpy(&scale, mem + 28, 4);
    if (row_bits < PS__Q_MIN_ROW_BITS || row_bits > PS__Q_MAX_ROW_BITS ||
        nlex > PS__Q_MAX_LEX || (nlex & (nlex - 1)) != 0 || !(scale > 0) ||
        !isfinite(scale))
        return ps__model_fail(errmsg, PS_ECORRUPT, path,
                              "the quote model's header is damaged");
    *size = ps__q_model_size(row_bits, nlex);
    return PS_OK;
}

/* The weights again, rows padded to eight labels and aligned for vector
 * loads, the two stages' rows side by side (ps__qmodel_view_t): 3.1 MB
 * beside the file's 2.8 for 2^16 rows, and the labeller's sums become a
 * load and two adds per row. */
static ps_status_t widen(ps_quote_model_t *m)
{
    size_t nrows = (size_t)1 << m->v.row_bits;
    size_t stages = nrows * 16, all = stages + nrows * 8;
    int16_t *w = aligned_alloc(64, (all * sizeof *w + 63) / 64 * 64);
    if (!w)
        return PS_ENOMEM;
    memset(w, 0, all * sizeof *w);
    for (size_t r = 0; r < nrows; r++) {
        for (int t = 0; t < PS__Q_STAGES; t++)
            memcpy(w + r * 16 + t * 8, m->v.weights[t] + r * PS__Q_NLABELS,
                   PS__Q_NLABELS * sizeof *w);
        memcpy(w + stages + r * 8,
               m->v.weights[PS__Q_ROLE_TABLE] + r * PS__Q_NLABELS,
               PS__Q_NLABELS * sizeof *w);
    }
    m->wide = w;
    m->v.wide_stages = w;
    m->v.wide_role = w + stages;
    if (!(m->quiet = malloc(sizeof *m->quiet)))
        return PS_ENOMEM;
    ps__q_quiet_init(&m->v, m->quiet);
    m->v.quiet = m->quiet;
    if (!(m->tab = malloc(sizeof *m->tab)))
        return PS_ENOMEM;
    ps__q_tab_init(m->v.row_bits, m->tab);
    m->v.tab = m->tab;
    if (!(m->rtab = malloc(sizeof *m->rtab)))
        return PS_ENOMEM;
    ps__q_rtab_init(m->v.row_bits, m->rtab);
    m->v.rtab = m->rtab;
    return PS_OK;
}

ps_status_t ps_quote_model_load(const char *path, ps_quote_model_t **out,
                                char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    const ps__model_kind_t kind = {
        "quote model", PS__Q_MAGIC, PS__Q_FORMAT_VERSION,
        ps__q_model_size(PS__Q_MAX_ROW_BITS, PS__Q_MAX_LEX), check};
    ps__model_buf_t buf;
    ps_status_t st = ps__model_open(path, &kind, &buf, errmsg);
    if (st != PS_OK)
        return st;
    ps_quote_model_t *m = calloc(1, sizeof *m);
    if (!m) {
        ps__model_free(&buf);
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    const unsigned char *mem = buf.mem;
    m->file = buf;
    m->v.row_bits = ps__get32(mem + 20);
    m->v.nlex = ps__get32(mem + 24);
    memcpy(&m->v.conf_scale, mem + 28, 4);
    size_t off = PS__MODEL_HEADER_SIZE;
    for (int s = 0; s < PS__Q_TABLES; s++) {
        m->v.trans[s] = (const int32_t *)(mem + off);
        off += (size_t)(PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    }
    for (int s = 0; s < PS__Q_TABLES; s++) {
        m->v.weights[s] = (const int16_t *)(mem + off);
        off += ((size_t)1 << m->v.row_bits) * PS__Q_NLABELS * 2;
    }
    m->v.lex = (const uint64_t *)(mem + off);
    memcpy(m->v.calib, mem + off + (size_t)m->v.nlex * 8, sizeof m->v.calib);
    for (int k = 0; k < PS__Q_NCALIB; k++)
        if (!isfinite(m->v.calib[k])) {
            ps_quote_model_free(m);
            return ps__model_fail(errmsg, PS_ECORRUPT, path,
                                  "the quote model's calibration is damaged");
        }
    if (widen(m) != PS_OK) {
        ps_quote_model_free(m);
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    *out = m;
    return PS_OK;
}

void ps_quote_model_free(ps_quote_model_t *m)
{
    if (!m)
        return;
    free(m->wide);
    free(m->quiet);
    free(m->tab);
    free(m->rtab);
    ps__model_free(&m->file);
    free(m);
}
