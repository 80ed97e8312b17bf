/* Finding and loading the trained entity model for psearch-index.
 * Internal to the indexer. */
#ifndef PSEARCH_INDEXER_MODEL_H
#define PSEARCH_INDEXER_MODEL_H

#include "psearch/ner.h"
#include "psearch/quotes.h"

/* Loads the model: OPT (--model) when given, else ../corpus/ner.model
 * beside the directory of the running program (the build tree's bin/),
 * else DATADIR/ner.model (the installed one). Returns the model, shared
 * read-only by every thread, which the caller frees with
 * ps_ner_model_free(); NULL after printing one message that names the
 * file and what is wrong (missing, unreadable, truncated, corrupt, or of
 * another format version). */
ps_ner_model_t *model_load(const char *opt, const char *datadir);

/* Loads the quote model the same way: OPT (--quote-model), else
 * ../corpus/quote.model beside the program's folder, else
 * DATADIR/quote.model. NULL after one message naming the file. */
ps_quote_model_t *quote_model_load(const char *opt, const char *datadir);

#endif
