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
 *   48  char[16] the types in label order, "PER,LOC,ORG,MISC"
 *   64  i32      transitions [2][(labels + 1) * labels]: of each stage
 *       i16      weights [rows][2][labels - 1]: of each stage, label O's
 *                are 0 (ner_private.h)
 *       u64      list keys [slots]
 *       u32      list values [slots]
 * Weights and transitions are fixed point: scores are compared, never
 * scaled, so their common unit does not matter. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t on the stack */
#include <xxhash.h>

#include "ner/ner_private.h"

const char *ps_ner_type_name(ps_ner_type_t t)
{
    static const char *const names[PS_NER__COUNT] = {"PER", "LOC", "ORG",
                                                     "MISC"};
    return (unsigned)t < PS_NER__COUNT ? names[t] : NULL;
}

ps_status_t ps__ner_fail(char **errmsg, ps_status_t st, const char *path,
                         const char *fmt, ...)
{
    if (errmsg && !*errmsg) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        size_t n = (path ? strlen(path) + 2 : 0) + strlen(msg) + 1;
        *errmsg = malloc(n);
        if (*errmsg)
            snprintf(*errmsg, n, "%s%s%s", path ? path : "", path ? ": " : "",
                     msg);
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

uint64_t ps__ner_model_size(uint32_t row_bits, uint32_t nlist)
{
    uint64_t n = PS__NER_HEADER_SIZE;
    n += (uint64_t)2 * (PS__NER_NLABELS + 1) * PS__NER_NLABELS * 4;
    n += (uint64_t)2 * ((uint64_t)1 << row_bits) * PS__NER_ROW * 2;
    n += (uint64_t)nlist * (8 + 4);
    return n;
}

uint64_t ps__ner_model_checksum(const unsigned char *mem, size_t size)
{
    unsigned char head[PS__NER_HEADER_SIZE];
    memcpy(head, mem, PS__NER_HEADER_SIZE);
    memset(head + 40, 0, 8);
    XXH64_state_t st;
    XXH64_reset(&st, 0);
    XXH64_update(&st, head, PS__NER_HEADER_SIZE);
    XXH64_update(&st, mem + PS__NER_HEADER_SIZE, size - PS__NER_HEADER_SIZE);
    return XXH64_digest(&st);
}

/* The size of a huge page, where the system has them. */
#define HUGE_PAGE ((size_t)2 << 20)

/* Memory for the model's bytes, released with buffer_free(). Each token
 * reads some 60 rows scattered over a weight table of megabytes: with
 * ordinary pages nearly every read misses the TLB as well as the cache,
 * and tagging spends most of its time there. So the buffer is anonymous
 * memory aligned to a huge page and advised to use huge pages (the
 * system may refuse: the model works the same, only slower). */
static unsigned char *buffer_new(size_t n, size_t *mapped)
{
    size_t size = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (size == 0)
        size = HUGE_PAGE;
    /* One huge page more than needed, to align the start. */
    unsigned char *p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    size_t skip = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (skip > 0)
        munmap(p, skip);
    if (HUGE_PAGE - skip > 0)
        munmap(p + skip + size, HUGE_PAGE - skip);
    p += skip;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE);
#endif
    *mapped = size;
    return p;
}

static void buffer_free(unsigned char *p, size_t mapped)
{
    if (p)
        munmap(p, mapped);
}

/* Reads all of PATH into a new buffer of *MAPPED bytes (buffer_new). */
static ps_status_t slurp(const char *path, unsigned char **out, size_t *len,
                         size_t *mapped, char **errmsg)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ps__ner_fail(errmsg, errno == ENOENT ? PS_ENOTFOUND : PS_EIO,
                            path, "cannot open the NER model: %s",
                            strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return ps__ner_fail(errmsg, PS_EIO, path,
                            "the NER model is not a file");
    }
    if ((uint64_t)sb.st_size >
        ps__ner_model_size(PS__NER_MAX_ROW_BITS, PS__NER_MAX_LIST)) {
        fclose(f);
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model is too large (%lld bytes)",
                            (long long)sb.st_size);
    }
    size_t n = (size_t)sb.st_size;
    unsigned char *buf = buffer_new(n, mapped);
    if (!buf) {
        fclose(f);
        return ps__ner_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    size_t got = fread(buf, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err) {
        buffer_free(buf, *mapped);
        return ps__ner_fail(errmsg, PS_EIO, path, "cannot read the NER model");
    }
    *out = buf;
    *len = got;
    return PS_OK;
}

/* Checks the header and the size; on success sets the table sizes. */
static ps_status_t check(const unsigned char *mem, size_t len, const char *path,
                         uint32_t *row_bits, uint32_t *nlist, char **errmsg)
{
    if (len < PS__NER_HEADER_SIZE) {
        if (len >= 8 && memcmp(mem, PS__NER_MAGIC, 8) != 0)
            return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                                "not a NER model file");
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model is truncated (%zu bytes)", len);
    }
    if (memcmp(mem, PS__NER_MAGIC, 8) != 0)
        return ps__ner_fail(errmsg, PS_ECORRUPT, path, "not a NER model file");
    uint32_t version = get32(mem + 8);
    if (version != PS__NER_FORMAT_VERSION)
        return ps__ner_fail(errmsg, PS_EVERSION, path,
                            "NER model format version %u, this build reads %u",
                            version, PS__NER_FORMAT_VERSION);
    if (get32(mem + 12) != PS__NER_MODEL_TYPE ||
        get32(mem + 16) != PS__NER_NLABELS ||
        memcmp(mem + 48, PS__NER_LABEL_SET, 16) != 0)
        return ps__ner_fail(errmsg, PS_EVERSION, path,
                            "unsupported NER model type or label set");
    *row_bits = get32(mem + 20);
    *nlist = get32(mem + 24);
    if (*row_bits < PS__NER_MIN_ROW_BITS || *row_bits > PS__NER_MAX_ROW_BITS ||
        *nlist > PS__NER_MAX_LIST || (*nlist & (*nlist - 1)) != 0 ||
        get32(mem + 28) != 0)
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model's header is damaged");
    uint64_t want = ps__ner_model_size(*row_bits, *nlist);
    if (get64(mem + 32) != want)
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model's header is damaged");
    if (len != want)
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model is %s (%zu bytes, expected %llu)",
                            len < want ? "truncated" : "too long", len,
                            (unsigned long long)want);
    if (ps__ner_model_checksum(mem, len) != get64(mem + 40))
        return ps__ner_fail(errmsg, PS_ECORRUPT, path,
                            "the NER model is corrupt (checksum mismatch)");
    return PS_OK;
}

ps_status_t ps_ner_model_load(const char *path, ps_ner_model_t **out,
                              char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    *out = NULL;
    unsigned char *mem = NULL;
    size_t len = 0, mapped = 0;
    ps_status_t st = slurp(path, &mem, &len, &mapped, errmsg);
    if (st != PS_OK)
        return st;
    uint32_t row_bits = 0, nlist = 0;
    st = check(mem, len, path, &row_bits, &nlist, errmsg);
    if (st != PS_OK) {
        buffer_free(mem, mapped);
        return st;
    }
    ps_ner_model_t *m = calloc(1, sizeof *m);
    if (!m) {
        buffer_free(mem, mapped);
        return ps__ner_fail(errmsg, PS_ENOMEM, path, "out of memory");
    }
    /* Every thread shares the model: from here on nobody may write it. */
    mprotect(mem, mapped, PROT_READ);
    size_t off = PS__NER_HEADER_SIZE;
    m->mem = mem;
    m->mapped = mapped;
    m->row_bits = row_bits;
    m->nrows = 1u << row_bits;
    for (int s = 0; s < 2; s++) {
        m->trans[s] = (const int32_t *)(mem + off);
        off += (size_t)(PS__NER_NLABELS + 1) * PS__NER_NLABELS * 4;
    }
    m->weights = (const int16_t *)(mem + off);
    off += (size_t)m->nrows * 2 * PS__NER_ROW * 2;
    m->nlist = nlist;
    m->list_keys = (const uint64_t *)(mem + off);
    off += (size_t)nlist * 8;
    m->list_values = (const uint32_t *)(mem + off);
    *out = m;
    return PS_OK;
}

void ps_ner_model_free(ps_ner_model_t *m)
{
    if (!m)
        return;
    buffer_free(m->mem, m->mapped);
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
