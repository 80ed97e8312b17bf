/* Internal to the library: what every psearch model file (the NER model,
 * the quote model) shares, so that each loader only checks its own
 * tables. Every model file is little-endian and begins with the same
 * frame of 64 bytes:
 *   0   char[8]  magic, naming the kind of model
 *   8   u32      format version
 *   32  u64      file size in bytes
 *   40  u64      XXH64 of the whole file with these 8 bytes zeroed
 * The rest of the header is the model's own. The trainers' writer is
 * train/model_write.c. */
#ifndef PSEARCH_MODELFILE_H
#define PSEARCH_MODELFILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "psearch/common.h"

#define PS__MODEL_HEADER_SIZE 64u
#define PS__MODEL_VERSION_AT 8u
#define PS__MODEL_SIZE_AT 32u
#define PS__MODEL_SUM_AT 40u

/* Little-endian fields, read and written through memcpy: the machines
 * psearch builds on are little-endian, and no field need be aligned. */
static inline uint32_t ps__get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t ps__get64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void ps__put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline void ps__put64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Sets *ERRMSG (unless NULL or already set) to "PATH: MESSAGE", or to
 * MESSAGE when PATH is NULL, and returns ST. */
ps_status_t ps__model_fail(char **errmsg, ps_status_t st, const char *path,
                           const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The checksum of a whole model file of SIZE bytes (at least the header)
 * at MEM, computed as if its checksum field were zero. */
uint64_t ps__model_checksum(const unsigned char *mem, size_t size);

/* A model file's bytes in memory: LEN bytes at MEM, the file mapped
 * read-only (and page-aligned, so tables at aligned offsets are aligned);
 * every thread shares them. */
typedef struct ps__model_buf {
    const unsigned char *mem;
    size_t len;
} ps__model_buf_t;

/* Releases BUF's memory (nothing when it has none). */
void ps__model_free(ps__model_buf_t *buf);

/* A kind of model file: how messages name it ("NER model"), its MAGIC
 * (8 bytes) and format VERSION, the largest file it may be, and CHECK,
 * which checks the model's own header fields in a file whose frame is
 * known good up to the version and sets *SIZE to the size the file must
 * have (or returns the error, with the message). */
typedef struct ps__model_kind {
    const char *what;
    const char *magic;
    uint32_t version;
    uint64_t max_size;
    ps_status_t (*check)(const unsigned char *mem, const char *path,
                         uint64_t *size, char **errmsg);
} ps__model_kind_t;

/* Maps the model file PATH of KIND into *BUF and checks every part of
 * its frame and, with KIND's check, of its header, before any byte is
 * trusted. On success *BUF is read-only, to be shared by every thread
 * and released with ps__model_free(); else an error with *ERRMSG
 * ("PATH: what is wrong"): PS_ENOTFOUND, PS_EIO, PS_ENOMEM, PS_ECORRUPT
 * or PS_EVERSION. */
ps_status_t ps__model_open(const char *path, const ps__model_kind_t *kind,
                           ps__model_buf_t *buf, char **errmsg);

#endif
