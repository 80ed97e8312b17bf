/* Internal to the C++ shim: the terms and value that make a document's
 * attributions searchable (said:, quote:), written by build_doc(). */
#ifndef PSEARCH_QUOTE_TERMS_H
#define PSEARCH_QUOTE_TERMS_H

#ifndef __cplusplus
#error "quote_terms.h is for the C++ shim only"
#endif

#include <xapian.h>

#include "psearch/index.h"

/* Adds R's quotes to DOC: value PS__V_QUOTES, a PS__P_SAID term per quote
 * of a resolved speaker, and the markers PS__P_QAFTER and PS__P_QBEFORE
 * (alone, and + ":" + the speaker's key for a resolved speaker) around
 * every word of each quote's content (layout.h). The markers add nothing
 * to the document's length (wdf 0), so quotes leave every other query's
 * ranking as it was. */
void ps__add_quote_terms(Xapian::Document &doc, const ps_docrec_t *r);

#endif
