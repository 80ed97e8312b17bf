/* The quote model file: its format, the loader that checks every part of
 * it before trusting a byte, and the writer the trainer uses.
 *
 * Format version 1, little-endian, every array aligned to its element:
 *   0   char[8]  magic "PSQUOTMD"
 *   8   u32      format version (1; also names the feature templates of
 *                quote_features.c and the sequence of quote_seq.c)
 *   12  u32      number of labels (7: O, B/I of source, cue, content)
 *   16  u32      number of weight tables (3: the tagger's two stages,
 *                the role tagger)
 *   20  u32      log2 of the weight table's rows (per stage)
 *   24  u32      slots of the cue lexicon (0 or a power of two)
 *   28  f32      confidence scale: the median score margin of the cues
 *                the model finds in training (quote_run.c)
 *   32  u64      file size in bytes
 *   40  u64      XXH64 of the whole file with these 8 bytes zeroed
 *   48  char[16] the roles in label order, "SRC,CUE,CONTENT"
 *   64  i32      transitions [tables][(labels + 1) * labels]
 *       i16      weights [tables][rows][labels]
 *       u64      lexicon [slots]: stem keys, low 2 bits the class
 * Weights and transitions are fixed point: scores are compared, and the
 * confidence scale is in the same unit. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "quote_private.h"

#define MAGIC "PSQUOTMD"
#define FORMAT_VERSION 1u
#define HEADER_SIZE 64u
#define ROLE_SET "SRC,CUE,CONTENT"
#define MIN_ROW_BITS 4u
#define MAX_ROW_BITS 24u
#define MAX_LEX (1u << 20)

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

static ps_status_t fail(char **errmsg, ps_status_t st, const char *path,
                        const char *fmt, ...)
{
    if (errmsg && !*errmsg) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        size_t n = strlen(path) + strlen(msg) + 3;
        *errmsg = malloc(n);
        if (*errmsg)
            snprintf(*errmsg, n, "%s: %s", path, msg);
    }
    return st;
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t expected_size(uint32_t row_bits, uint32_t nlex)
{
    uint64_t n = HEADER_SIZE;
    n += (uint64_t)PS__Q_TABLES * (PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    n += (uint64_t)PS__Q_TABLES * ((uint64_t)1 << row_bits) * PS__Q_NLABELS * 2;
    n += (uint64_t)nlex * 8;
    return n;
}

static uint64_t checksum(const unsigned char *mem, size_t size)
{
    unsigned char head[HEADER_SIZE];
    memcpy(head, mem, HEADER_SIZE);
    memset(head + 40, 0, 8);
    XXH64_state_t *st = XXH64_createState();
    if (!st)
        return 0;
    XXH64_reset(st, 0);
    XXH64_update(st, head, HEADER_SIZE);
    XXH64_update(st, mem + HEADER_SIZE, size - HEADER_SIZE);
    uint64_t h = XXH64_digest(st);
    XXH64_freeState(st);
    return h;
}

static ps_status_t slurp(const char *path, unsigned char **out, size_t *len,
                         char **errmsg)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(errmsg, errno == ENOENT ? PS_ENOTFOUND : PS_EIO, path,
                    "cannot open the quote model: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return fail(errmsg, PS_EIO, path, "the quote model is not a file");
    }
    if ((uint64_t)sb.st_size > expected_size(MAX_ROW_BITS, MAX_LEX)) {
        fclose(f);
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model is too large (%lld bytes)",
                    (long long)sb.st_size);
    }
    size_t n = (size_t)sb.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) {
        fclose(f);
        return fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    size_t got = fread(buf, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return fail(errmsg, PS_EIO, path, "cannot read the quote model");
    }
    *out = buf;
    *len = got;
    return PS_OK;
}

/* Checks the header, the size and the checksum. */
static ps_status_t check(const unsigned char *mem, size_t len, const char *path,
                         char **errmsg)
{
    if (len < HEADER_SIZE) {
        if (len >= 8 && memcmp(mem, MAGIC, 8) != 0)
            return fail(errmsg, PS_ECORRUPT, path, "not a quote model file");
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model is truncated (%zu bytes)", len);
    }
    if (memcmp(mem, MAGIC, 8) != 0)
        return fail(errmsg, PS_ECORRUPT, path, "not a quote model file");
    uint32_t version = get32(mem + 8);
    if (version != FORMAT_VERSION)
        return fail(errmsg, PS_EVERSION, path,
                    "quote model format version %u, this build reads %u",
                    version, FORMAT_VERSION);
    if (get32(mem + 12) != PS__Q_NLABELS || get32(mem + 16) != PS__Q_TABLES ||
        memcmp(mem + 48, ROLE_SET, 16) != 0)
        return fail(errmsg, PS_EVERSION, path,
                    "unsupported quote model labels or tables");
    uint32_t row_bits = get32(mem + 20), nlex = get32(mem + 24);
    float scale;
    memcpy(&scale, mem + 28, 4);
    if (row_bits < MIN_ROW_BITS || row_bits > MAX_ROW_BITS || nlex > MAX_LEX ||
        (nlex & (nlex - 1)) != 0 || !(scale > 0) || !isfinite(scale))
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model's header is damaged");
    uint64_t want = expected_size(row_bits, nlex);
    if (get64(mem + 32) != want)
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model's header is damaged");
    if (len != want)
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model is %s (%zu bytes, expected %llu)",
                    len < want ? "truncated" : "too long", len,
                    (unsigned long long)want);
    if (checksum(mem, len) != get64(mem + 40))
        return fail(errmsg, PS_ECORRUPT, path,
                    "the quote model is corrupt (checksum mismatch)");
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
    return PS_OK;
}

ps_status_t ps_quote_model_load(const char *path, ps_quote_model_t **out,
                                char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    unsigned char *mem = NULL;
    size_t len = 0;
    ps_status_t st = slurp(path, &mem, &len, errmsg);
    if (st != PS_OK)
        return st;
    st = check(mem, len, path, errmsg);
    ps_quote_model_t *m = st == PS_OK ? calloc(1, sizeof *m) : NULL;
    if (st == PS_OK && !m)
        st = fail(errmsg, PS_ENOMEM, path, "out of memory");
    if (st != PS_OK) {
        free(mem);
        return st;
    }
    m->mem = mem;
    m->size = len;
    m->v.row_bits = get32(mem + 20);
    m->v.nlex = get32(mem + 24);
    memcpy(&m->v.conf_scale, mem + 28, 4);
    size_t off = HEADER_SIZE;
    for (int s = 0; s < PS__Q_TABLES; s++) {
        m->v.trans[s] = (const int32_t *)(mem + off);
        off += (size_t)(PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    }
    for (int s = 0; s < PS__Q_TABLES; s++) {
        m->v.weights[s] = (const int16_t *)(mem + off);
        off += ((size_t)1 << m->v.row_bits) * PS__Q_NLABELS * 2;
    }
    m->v.lex = (const uint64_t *)(mem + off);
    if (widen(m) != PS_OK) {
        ps_quote_model_free(m);
        return fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    *out = m;
    return PS_OK;
}

void ps_quote_model_free(ps_quote_model_t *m)
{
    if (!m)
        return;
    free(m->wide);
    free(m->mem);
    free(m);
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

ps_status_t ps__q_model_write(const char *path, const ps__qmodel_view_t *v,
                              char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (v->row_bits < MIN_ROW_BITS || v->row_bits > MAX_ROW_BITS ||
        v->nlex > MAX_LEX || (v->nlex & (v->nlex - 1)) != 0)
        return fail(errmsg, PS_EINVAL, path, "bad quote model table sizes");
    uint64_t size = expected_size(v->row_bits, v->nlex);
    unsigned char *mem = calloc(1, (size_t)size);
    if (!mem)
        return fail(errmsg, PS_ENOMEM, path, "out of memory");
    memcpy(mem, MAGIC, 8);
    put32(mem + 8, FORMAT_VERSION);
    put32(mem + 12, PS__Q_NLABELS);
    put32(mem + 16, PS__Q_TABLES);
    put32(mem + 20, v->row_bits);
    put32(mem + 24, v->nlex);
    memcpy(mem + 28, &v->conf_scale, 4);
    put64(mem + 32, size);
    memcpy(mem + 48, ROLE_SET, sizeof ROLE_SET);
    size_t off = HEADER_SIZE, n = (size_t)(PS__Q_NLABELS + 1) * PS__Q_NLABELS * 4;
    for (int s = 0; s < PS__Q_TABLES; s++, off += n)
        memcpy(mem + off, v->trans[s], n);
    n = ((size_t)1 << v->row_bits) * PS__Q_NLABELS * 2;
    for (int s = 0; s < PS__Q_TABLES; s++, off += n)
        memcpy(mem + off, v->weights[s], n);
    if (v->nlex)
        memcpy(mem + off, v->lex, (size_t)v->nlex * 8);
    put64(mem + 40, checksum(mem, (size_t)size));

    /* A temporary file renamed into place: no reader sees half a model. */
    size_t tn = strlen(path) + 32;
    char *tmp = malloc(tn);
    if (!tmp) {
        free(mem);
        return fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    snprintf(tmp, tn, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(mem, 1, (size_t)size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    free(mem);
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return fail(errmsg, PS_EIO, path, "cannot write the quote model: %s",
                    strerror(e));
    }
    free(tmp);
    return PS_OK;
}
