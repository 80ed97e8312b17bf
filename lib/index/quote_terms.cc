/* The index side of "who said what": a document's attributions as terms
 * and a value. The design, for exactness at a small cost in size:
 * - XSAID:person:zelensky, one wdf per quote, no positions: said:X alone,
 *   ranked by how often X is quoted, as an entity term is by mentions;
 * - for each body position P of a word inside a quote's content, the
 *   marker XQA at P+1 and XQB at P-1, and XQA:KEY and XQB:KEY likewise
 *   for a quote of the speaker KEY. Then the exact phrase
 *   (XQB, w1 ... wk, XQA) holds exactly where w1 ... wk stand together
 *   inside one quote's content (the contents are runs of positions):
 *   quote:"the war continues" is that phrase of its words, and
 *   "said:Zelenskiy war" the phrase (XQB:person:zelensky, war,
 *   XQA:person:zelensky).
 * Words of quotes as terms of their own (XQ:war, and XQS:KEY:war for
 * each speaker) gave the same answers but made a new posting list and
 * position list for every word of every quote: on PolNeAR's news, whose
 * attributions cover half the text, the index doubled (+7% now; see
 * doc/index-format.md). The markers
 * are a few terms a document, their positions runs that compress to
 * little. They carry positions only (wdf 0): the words already count
 * once as body words, which is what ranks. Unresolved and unnamed
 * speakers get the markers without a key. */
#include <algorithm>
#include <set>
#include <string>

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

/* The body positions of the words of SP. */
void positions_in(const ps_docrec_t *r, const ps_byte_span_t &sp,
                  std::set<Xapian::termpos> &out)
{
    for (size_t i = first_token(r->tokens, r->ntokens, sp.start);
         i < r->ntokens && r->tokens[i].offset < sp.end; i++)
        if (r->tokens[i].term_len)
            out.insert(r->tokens[i].pos);
}

/* The markers SUFFIX ("" or ":" + key) around each of POS. */
void add_markers(Xapian::Document &doc, const std::set<Xapian::termpos> &pos,
                 const std::string &suffix)
{
    std::string after = PS__P_QAFTER + suffix, before = PS__P_QBEFORE + suffix;
    if (after.size() > PS__MAX_TERM)
        return;
    for (Xapian::termpos p : pos) {
        doc.add_posting(after, p + 1, 0);
        doc.add_posting(before, p - 1, 0);
    }
}

} // namespace

void ps__add_quote_terms(Xapian::Document &doc, const ps_docrec_t *r)
{
    if (!r->nquotes)
        return;
    std::set<Xapian::termpos> any;
    for (size_t i = 0; i < r->nquotes; i++) {
        const ps_quote_t &q = r->quotes[i];
        std::set<Xapian::termpos> pos;
        for (size_t k = 0; k < q.ncontent; k++)
            positions_in(r, q.content[k], pos);
        any.insert(pos.begin(), pos.end());
        if (q.speaker_kind != PS_SPEAKER_ENTITY || q.speaker < 0 ||
            (size_t)q.speaker >= r->nentities)
            continue;
        const ps_entity_t &e = r->entities[q.speaker];
        std::string key = ps__speaker_key(e.type, e.id);
        std::string said = PS__P_SAID + key;
        if (said.size() > PS__MAX_TERM)
            continue;
        doc.add_term(said);
        add_markers(doc, pos, ":" + key);
    }
    add_markers(doc, any, "");
    doc.add_value(PS__V_QUOTES, ps__encode_quotes(r->quotes, r->nquotes));
}
