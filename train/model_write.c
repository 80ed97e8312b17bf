/* Writes a model file (train/model_write.h): the trainers' half of the
 * frame that lib/base/modelfile.c reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_write.h"

ps_status_t ps__model_write(const char *path, const char *what,
                            unsigned char *mem, size_t size, char **errmsg)
{
    ps__put64(mem + PS__MODEL_SUM_AT, ps__model_checksum(mem, size));
    size_t tn = strlen(path) + 32;
    char *tmp = malloc(tn);
    if (!tmp)
        return ps__model_fail(errmsg, PS_ENOMEM, path, "out of memory");
    snprintf(tmp, tn, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(mem, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return ps__model_fail(errmsg, PS_EIO, path, "cannot write the %s: %s",
                              what, strerror(e));
    }
    free(tmp);
    return PS_OK;
}
