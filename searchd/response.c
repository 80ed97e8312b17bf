/* Building psearchd's response lines with jansson: the envelope around a
 * result, and error objects with a code from request.h. */
#include "response.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"

/* Serialises OBJ compactly and adds the newline that ends a line. */
static char *finish(json_t *obj, size_t *len)
{
    char *s = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(obj);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *line = realloc(s, n + 2);
    if (!line) {
        free(s);
        return NULL;
    }
    line[n] = '\n';
    line[n + 1] = 0;
    *len = n + 1;
    return line;
}

static json_t *envelope(json_t *id, int ok)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (json_object_set(o, "id", id ? id : json_null()) ||
        json_object_set_new(o, "ok", json_boolean(ok))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *sd_response_ok(json_t *id, json_t *result, size_t *len)
{
    json_t *o = envelope(id, 1);
    if (!o)
        return NULL;
    if (result) {
        /* The envelope's own keys win over a result field of the same
         * name; the engine has none, but a future field must not be able
         * to overwrite the echoed id. */
        const char *key;
        json_t *v;
        json_object_foreach (result, key, v) {
            if (strcmp(key, "id") && strcmp(key, "ok") &&
                json_object_set(o, key, v)) {
                json_decref(o);
                return NULL;
            }
        }
    }
    return finish(o, len);
}

/* Every line starts with the id: envelope() sets it first and jansson
 * keeps the order of keys. */
#define ID_LEAD "{\"id\":"
#define ID_LEAD_LEN (sizeof ID_LEAD - 1)

/* ID as it is written inside a line: the encoder and flags of finish(),
 * which writes a member exactly as it would write it alone. */
static char *encode_id(json_t *id, size_t *len)
{
    char *s = json_dumps(id ? id : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    if (s)
        *len = strlen(s);
    return s;
}

long sd_response_rest(json_t *id, const char *line, size_t len)
{
    size_t n;
    char *enc = encode_id(id, &n);
    if (!enc)
        return -1;
    long at = -1;
    if (len >= ID_LEAD_LEN + n && !memcmp(line, ID_LEAD, ID_LEAD_LEN) &&
        !memcmp(line + ID_LEAD_LEN, enc, n))
        at = (long)(ID_LEAD_LEN + n);
    free(enc);
    return at;
}

char *sd_response_splice(json_t *id, const char *rest, size_t rlen, size_t *len)
{
    size_t n;
    char *enc = encode_id(id, &n);
    if (!enc)
        return NULL;
    char *line = malloc(ID_LEAD_LEN + n + rlen + 1);
    if (line) {
        memcpy(line, ID_LEAD, ID_LEAD_LEN);
        memcpy(line + ID_LEAD_LEN, enc, n);
        memcpy(line + ID_LEAD_LEN + n, rest, rlen);
        *len = ID_LEAD_LEN + n + rlen;
        line[*len] = 0;
    }
    free(enc);
    return line;
}

char *sd_response_ok_text(json_t *id, const char *result, size_t rlen,
                          size_t *len)
{
    static const char ok[] = ",\"ok\":true";
    if (rlen < 2 || result[0] != '{')
        return NULL;
    size_t n;
    char *enc = encode_id(id, &n);
    if (!enc)
        return NULL;
    /* "{"id":ID,"ok":true" then the result's fields after its '{' (with
     * their comma unless there are none), and the newline. */
    int empty = rlen == 2;
    size_t total = ID_LEAD_LEN + n + sizeof ok - 1 + !empty + rlen - 1 + 1;
    char *line = malloc(total + 1);
    if (line) {
        char *p = line;
        memcpy(p, ID_LEAD, ID_LEAD_LEN);
        p += ID_LEAD_LEN;
        memcpy(p, enc, n);
        p += n;
        memcpy(p, ok, sizeof ok - 1);
        p += sizeof ok - 1;
        if (!empty)
            *p++ = ',';
        memcpy(p, result + 1, rlen - 1);
        p += rlen - 1;
        *p++ = '\n';
        *p = 0;
        *len = total;
    }
    free(enc);
    return line;
}

/* Length of the valid UTF-8 sequence at S (1-4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    unsigned cp = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A copy of MSG with every byte that is not part of valid UTF-8 replaced
 * by '?': jansson's messages quote the bytes near a parse error, and
 * those may be exactly the bad ones. */
static json_t *safe_string(const char *msg)
{
    size_t n = strlen(msg);
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    const unsigned char *p = (const unsigned char *)msg;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i);
        if (k == 0) {
            s[i++] = '?';
            continue;
        }
        memcpy(s + i, p + i, k);
        i += k;
    }
    s[n] = 0;
    json_t *j = json_string(s);
    free(s);
    return j;
}

char *sd_response_error(json_t *id, int code, const char *message,
                        long position, size_t *len)
{
    json_t *e = json_object();
    if (!e || json_object_set_new(e, "code", json_string(sd_code_name(code))) ||
        json_object_set_new(e, "message", safe_string(message)) ||
        (position >= 0 &&
         json_object_set_new(e, "position", json_integer(position)))) {
        json_decref(e);
        return NULL;
    }
    json_t *o = envelope(id, 0);
    if (!o) {
        json_decref(e);
        return NULL;
    }
    if (json_object_set_new(o, "error", e)) {
        json_decref(o);
        return NULL;
    }
    return finish(o, len);
}
