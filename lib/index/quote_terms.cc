/* The index side of "who said what": a document's attributions as terms
 * and a value. The design, for exactness at a small cost in size:
 * - XSAID:person:zelensky, one wdf per quote, no positions: said:X alone,
 *   ranked by how often X is quoted, as an entity term is by mentions;
 * - XQ:word at the position of each word of any quote's content: quote:
 *   words and phrases, exact since positions are the body's;
 * - XQS:person:zelensky:word likewise for the quotes of one speaker:
 *   "said:Zelenskiy war" is "war" inside Zelenskiy's quotes, and a phrase
 *   or NEAR of such terms is inside his quotes too, not anywhere in the
 *   article nor in another speaker's quote.
 * Both word terms carry positions only (wdf 0): the words already count
 * once as body words, which is what ranks; these only say where they are.
 * Unresolved and unnamed speakers get the XQ: terms alone. */
#include <algorithm>

#include "index/quote_terms.h"
#include "store/codec.h"
#include "store/layout.h"

namespace
{

/* The first token at or after byte OFF. */
size_t first_token(const ps_token_t *t, size_t n, size_t off)
{
    const ps_token_t *p = std::lower_bound(
        t, t + n, off,
        [](const ps_token_t &a, size_t o) { return a.offset < o; });
    return (size_t)(p - t);
}

void add_content(Xapian::Document &doc, const ps_docrec_t *r,
                 const ps_byte_span_t &sp, const std::string &key)
{
    std::string term;
    for (size_t i = first_token(r->tokens, r->ntokens, sp.start);
         i < r->ntokens && r->tokens[i].offset < sp.end; i++) {
        const ps_token_t &t = r->tokens[i];
        if (t.term_len == 0)
            continue;
        term.assign(PS__P_QUOTE).append(t.term, t.term_len);
        if (term.size() <= PS__MAX_TERM)
            doc.add_posting(term, t.pos, 0);
        if (key.empty())
            continue;
        term.assign(PS__P_QSAID).append(key).append(":").append(t.term,
                                                                t.term_len);
        if (term.size() <= PS__MAX_TERM)
            doc.add_posting(term, t.pos, 0);
    }
}

} // namespace

void ps__add_quote_terms(Xapian::Document &doc, const ps_docrec_t *r)
{
    if (!r->nquotes)
        return;
    for (size_t i = 0; i < r->nquotes; i++) {
        const ps_quote_t &q = r->quotes[i];
        std::string key;
        if (q.speaker_kind == PS_SPEAKER_ENTITY && q.speaker >= 0 &&
            (size_t)q.speaker < r->nentities) {
            const ps_entity_t &e = r->entities[q.speaker];
            key = ps__speaker_key(e.type, e.id);
            std::string said = PS__P_SAID + key;
            if (said.size() <= PS__MAX_TERM)
                doc.add_term(said);
            else
                key.clear();
        }
        for (size_t k = 0; k < q.ncontent; k++)
            add_content(doc, r, q.content[k], key);
    }
    doc.add_value(PS__V_QUOTES, ps__encode_quotes(r->quotes, r->nquotes));
}
