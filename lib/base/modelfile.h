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

/* A model file's bytes in memory: LEN bytes at MEM, in MAPPED bytes of
 * anonymous memory aligned to a huge page. */
typedef struct ps__model_buf {
    unsigned char *mem;
    size_t len;
    size_t mapped;
} ps__model_buf_t;

/* Reads all of PATH, a file of at most MAX_SIZE bytes, into *BUF (to be
 * released with ps__model_free). WHAT names the model in messages ("NER
 * model"). Returns PS_OK, or PS_ENOTFOUND, PS_EIO, PS_ECORRUPT (too
 * large) or PS_ENOMEM with *ERRMSG. */
ps_status_t ps__model_read(const char *path, const char *what,
                           uint64_t max_size, ps__model_buf_t *buf,
                           char **errmsg);

/* Makes BUF's memory read-only: once checked, a model is shared by every
 * thread and nobody may write it. */
void ps__model_seal(const ps__model_buf_t *buf);

/* Releases BUF's memory (nothing when it has none). */
void ps__model_free(ps__model_buf_t *buf);

/* Checks the frame's start in BUF: the length, the MAGIC (8 bytes) and
 * the format VERSION. */
ps_status_t ps__model_check_head(const ps__model_buf_t *buf, const char *path,
                                 const char *what, const char *magic,
                                 uint32_t version, char **errmsg);

/* Checks the rest of the frame in BUF, whose own header gives a file of
 * WANT bytes: the size field, the length and the checksum. */
ps_status_t ps__model_check_size(const ps__model_buf_t *buf, const char *path,
                                 const char *what, uint64_t want,
                                 char **errmsg);

#endif
