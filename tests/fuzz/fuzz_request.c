/* Fuzz target: psearchd's request parser (searchd/request.c) on one line
 * of arbitrary bytes, followed by what the daemon does with the outcome
 * without any I/O: the answer line is built (searchd/response.c) with the
 * echoed id and the parser's message. Checks: an error has a known code
 * and a position inside the line; a request honours the limits it was
 * given and has its required fields; every answer line is one valid JSON
 * object ending in a newline. */
#include <string.h>

#include "fuzz.h"
#include "request.h"
#include "response.h"

/* Small limits, so that the fuzzer reaches ELIMIT easily. */
static const sd_request_limits_t lim = {100, 1000, 50, 20};

static void check_line(char *line, size_t len)
{
    FUZZ_CHECK(line != NULL);
    FUZZ_CHECK(len > 0 && line[len - 1] == '\n' && strlen(line) == len);
    FUZZ_CHECK(memchr(line, '\n', len - 1) == NULL);
    json_error_t je;
    json_t *back = json_loadb(line, len, 0, &je);
    FUZZ_CHECK(json_is_object(back));
    json_decref(back);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The server strips the newline: a line never holds one. */
    const uint8_t *nl = memchr(data, '\n', size);
    if (nl)
        size = (size_t)(nl - data);
    char *line = calloc(1, size ? size : 1);
    if (!line)
        return 0;
    if (size)
        memcpy(line, data, size);
    sd_request_t req;
    sd_request_error_t err;
    size_t n = 0;
    if (sd_request_parse(line, size, &lim, &req, &err)) {
        FUZZ_CHECK(err.code > 0 && err.code < SD_CODE__COUNT);
        FUZZ_CHECK(strcmp(sd_code_name(err.code), "EUNKNOWN") != 0);
        FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        FUZZ_CHECK(err.position >= -1 && err.position <= (long)size);
        if (err.code == SD_ELIMIT)
            FUZZ_CHECK(err.limit != NULL);
        char *out = sd_response_error(req.id, err.code, err.message,
                                      err.position, &n);
        check_line(out, n);
    } else {
        FUZZ_CHECK((unsigned)req.op < SD_OP__COUNT);
        FUZZ_CHECK(req.limit <= lim.max_limit && req.offset <= lim.max_offset);
        FUZZ_CHECK(req.max_hits <= lim.max_hits &&
                   req.facets <= lim.max_facets);
        if (req.op == SD_OP_SEARCH || req.op == SD_OP_FACETS)
            FUZZ_CHECK(req.q != NULL);
        if (req.op == SD_OP_DOC) {
            FUZZ_CHECK(req.path != NULL);
            FUZZ_CHECK(!req.to || req.from <= req.to);
        }
        json_t *pong = json_pack("{s:b}", "pong", 1);
        char *out = sd_response_ok(req.id, pong, &n);
        check_line(out, n);
        json_decref(pong);
    }
    sd_request_free(&req);
    free(line);
    return 0;
}
