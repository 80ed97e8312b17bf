/* The pure request parser of psearchd: one line of bytes in, a checked
 * request or an error code and message out. Every bound is checked here,
 * before the engine allocates anything for the request. No I/O. */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const op_names[SD_OP__COUNT] = {
#define SD_OP_NAME(id, name) name,
    SD_OPS(SD_OP_NAME)
#undef SD_OP_NAME
};

static const char *const proto_names[] = {
#define SD_CODE_NAME(id, msg) #id,
    SD_PROTO_ERRORS(SD_CODE_NAME)
#undef SD_CODE_NAME
};

const char *sd_op_name(sd_op_t op)
{
    return (unsigned)op < SD_OP__COUNT ? op_names[op] : "?";
}

const char *sd_code_name(int code)
{
    if (code >= 0 && code < PS_STATUS__COUNT)
        return ps_status_name((ps_status_t)code);
    if (code > SD__PS_LAST && code < SD_CODE__COUNT)
        return proto_names[code - SD__PS_LAST - 1];
    return "EUNKNOWN";
}

static int fail(sd_request_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(sd_request_error_t *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
    return -1;
}

/* The fields each operation accepts besides "id" and "op". Unknown fields
 * are refused, so that a misspelt "limt" is noticed, not ignored. */
static const char *const op_fields[SD_OP__COUNT][7] = {
    [SD_OP_SEARCH] = {"q", "limit", "offset", "max_hits", "facets", "lines",
                      NULL},
    [SD_OP_FACETS] = {"q", "limit", NULL},
    [SD_OP_DOC] = {"path", "from", "to", "entities", NULL},
};

static int known_field(sd_op_t op, const char *key)
{
    if (!strcmp(key, "id") || !strcmp(key, "op"))
        return 1;
    for (const char *const *f = op_fields[op]; *f; f++)
        if (!strcmp(*f, key))
            return 1;
    return 0;
}

/* Reads an optional non-negative integer field. Over MAX (with a setting
 * NAME) is ELIMIT; no NAME means the field's own range, EBADREQ. */
static int get_uint(json_t *o, const char *key, json_int_t max,
                    const char *setting, unsigned *out, sd_request_error_t *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return fail(err, SD_EBADREQ, "\"%s\" must be an integer", key);
    json_int_t n = json_integer_value(v);
    if (n < 0)
        return fail(err, SD_EBADREQ, "\"%s\" must not be negative", key);
    if (n > max) {
        err->limit = setting;
        if (setting)
            return fail(err, SD_ELIMIT,
                        "\"%s\" is %lld, over the maximum of %lld (%s)", key,
                        (long long)n, (long long)max, setting);
        return fail(err, SD_EBADREQ, "\"%s\" is out of range", key);
    }
    *out = (unsigned)n;
    return 0;
}

/* Reads an optional boolean field. */
static int get_bool(json_t *o, const char *key, int *out,
                    sd_request_error_t *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return fail(err, SD_EBADREQ, "\"%s\" must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static int get_string(json_t *o, const char *key, const char **out,
                      sd_request_error_t *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return fail(err, SD_EBADREQ, "missing \"%s\"", key);
    if (!json_is_string(v))
        return fail(err, SD_EBADREQ, "\"%s\" must be a string", key);
    /* jansson refuses "\u0000" without JSON_ALLOW_NUL, so the value is a
     * proper C string. */
    *out = json_string_value(v);
    return 0;
}

static int parse_args(json_t *o, const sd_request_limits_t *lim,
                      sd_request_t *r, sd_request_error_t *err)
{
    switch (r->op) {
    case SD_OP_SEARCH:
        if (get_string(o, "q", &r->q, err) ||
            get_uint(o, "limit", lim->max_limit, "max-limit", &r->limit, err) ||
            get_uint(o, "offset", lim->max_offset, "max-offset", &r->offset,
                     err) ||
            get_uint(o, "max_hits", lim->max_hits, "max-hits", &r->max_hits,
                     err) ||
            get_uint(o, "facets", lim->max_facets, "max-facets", &r->facets,
                     err) ||
            get_bool(o, "lines", &r->lines, err))
            return -1;
        return 0;
    case SD_OP_FACETS:
        if (get_string(o, "q", &r->q, err) ||
            get_uint(o, "limit", lim->max_facets, "max-facets", &r->facets,
                     err))
            return -1;
        if (!r->facets)
            r->facets = SD_FACETS_DEFAULT < lim->max_facets ? SD_FACETS_DEFAULT
                                                            : lim->max_facets;
        return 0;
    case SD_OP_DOC:
        if (get_string(o, "path", &r->path, err) ||
            get_uint(o, "from", 0xffffffffLL, NULL, &r->from, err) ||
            get_uint(o, "to", 0xffffffffLL, NULL, &r->to, err) ||
            get_bool(o, "entities", &r->entities, err))
            return -1;
        if (r->to && r->from > r->to)
            return fail(err, SD_EBADREQ, "\"from\" is after \"to\"");
        return 0;
    default:
        return 0;
    }
}

int sd_request_parse(const char *line, size_t len,
                     const sd_request_limits_t *lim, sd_request_t *req,
                     sd_request_error_t *err)
{
    memset(req, 0, sizeof *req);
    err->code = 0;
    err->position = -1;
    err->limit = NULL;
    err->message[0] = 0;

    /* Without JSON_DISABLE_EOF_CHECK, jansson refuses anything but
     * whitespace after the value: one line is exactly one value. */
    json_error_t je;
    req->root =
        json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!req->root) {
        int code = json_error_code(&je) == json_error_invalid_utf8 ? PS_EBADUTF8
                                                                   : SD_EPARSE;
        err->position = je.position;
        return fail(err, code, "%s", je.text);
    }
    json_t *o = req->root;
    if (!json_is_object(o))
        return fail(err, SD_EBADREQ, "a request must be a JSON object");
    req->id = json_object_get(o, "id");

    json_t *op = json_object_get(o, "op");
    if (!op)
        return fail(err, SD_EBADREQ, "missing \"op\"");
    if (!json_is_string(op))
        return fail(err, SD_EBADREQ, "\"op\" must be a string");
    const char *name = json_string_value(op);
    int found = -1;
    for (int i = 0; i < SD_OP__COUNT; i++)
        if (!strcmp(name, op_names[i]))
            found = i;
    if (found < 0)
        return fail(err, SD_EUNKNOWNOP, "unknown op \"%.60s\"", name);
    req->op = (sd_op_t)found;

    const char *key;
    json_t *v;
    json_object_foreach (o, key, v) {
        if (!known_field(req->op, key))
            return fail(err, SD_EBADREQ, "unknown field \"%.60s\" for op %s",
                        key, op_names[req->op]);
    }
    return parse_args(o, lim, req, err);
}

void sd_request_free(sd_request_t *req)
{
    json_decref(req->root);
    memset(req, 0, sizeof *req);
}
