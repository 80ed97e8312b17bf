/* Fuzz target: the query parser (ps_query_check) with an analyzer and a
 * small gazetteer, on arbitrary bytes taken as a query. Checks: the only
 * outcomes are success or a malformed query (never an internal error),
 * and a malformed query comes with a message and a byte offset inside the
 * query (or just past its end). */
#include <string.h>

#include "fuzz.h"
#include "psearch/entities.h"
#include "psearch/search.h"

static ps_analyzer_t *an;
static ps_gazetteer_t *gaz;

static void setup(void)
{
    char *err = NULL;
    if (ps_analyzer_new(&an) != PS_OK ||
        ps_gazetteer_parse(fuzz_gazetteer_tsv, sizeof fuzz_gazetteer_tsv - 1,
                           "fuzz", an, &gaz, &err) != PS_OK) {
        fprintf(stderr, "fuzz_query: setup failed: %s\n", err ? err : "");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!an)
        setup();
    /* The daemon hands the parser a C string (jansson refuses NUL); a NUL
     * in the input ends the query there, as it would. */
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = 0;
    size_t len = strlen(q);
    char *msg = NULL;
    size_t pos = (size_t)-1;
    ps_status_t st = ps_query_check(an, gaz, q, &msg, &pos);
    if (st == PS_EBADQUERY) {
        FUZZ_CHECK(msg && msg[0]);
        FUZZ_CHECK(pos <= len);
    } else {
        FUZZ_CHECK(st == PS_OK || st == PS_ENOMEM);
        if (st == PS_OK)
            FUZZ_CHECK(msg == NULL);
    }
    free(msg);
    free(q);
    return 0;
}
