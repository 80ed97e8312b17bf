/* Internal to the training library: writing a model file whose frame
 * base/modelfile.h describes, shared by the NER and the quote trainers. */
#ifndef PSEARCH_MODEL_WRITE_H
#define PSEARCH_MODEL_WRITE_H

#include <stddef.h>

#include "base/modelfile.h"

/* Puts the checksum into the model file of SIZE bytes at MEM (whose
 * header is otherwise complete) and writes it to PATH through a temporary
 * file renamed into place, so that no reader ever sees half a model. WHAT
 * names the model in messages ("NER model"). Returns PS_OK, or PS_ENOMEM
 * or PS_EIO with *ERRMSG. */
ps_status_t ps__model_write(const char *path, const char *what,
                            unsigned char *mem, size_t size, char **errmsg);

#endif
