/* Internal to lib/search/: an answer written as JSON text as it is built,
 * byte for byte what jansson's json_dumps(JSON_COMPACT) writes for the
 * same values in the same order. A search answer of ten results holds a
 * few thousand values; made as a jansson tree, then serialised and freed,
 * the tree cost more than finding the results (psearchd under callgrind:
 * a third of a search). */
#ifndef PSEARCH_JSON_OUT_H
#define PSEARCH_JSON_OUT_H

#ifndef __cplusplus
#error "json_out.h is for the C++ shim only"
#endif

#include <cstddef>
#include <string>

#include <jansson.h>

class ps__jout
{
  public:
    std::string s; /* the text so far */

    void obj()
    {
        sep();
        s += '{';
    }
    void end_obj()
    {
        s += '}';
    }
    void arr()
    {
        sep();
        s += '[';
    }
    void end_arr()
    {
        s += ']';
    }

    /* K must be plain ASCII with nothing to escape (the engine's own
     * field names); the value follows with the next call. */
    ps__jout &key(const char *k)
    {
        sep();
        s += '"';
        s += k;
        s += "\":";
        return *this;
    }

    /* A string of N bytes: escaped as jansson escapes, a byte that is not
     * part of valid UTF-8 written as U+FFFD (jansson would refuse to
     * write the whole answer). */
    void str(const char *p, size_t n);
    void str(const std::string &v)
    {
        str(v.data(), v.size());
    }
    void num(long long v);
    /* As jansson writes a real: 17 significant digits, never without a
     * '.' or an exponent. */
    void real(double v);
    void boolean(bool v)
    {
        sep();
        s += v ? "true" : "false";
    }
    void null()
    {
        sep();
        s += "null";
    }
    /* A jansson value, written as json_dumps() writes it; throws
     * std::bad_alloc when it cannot be. */
    void json(const json_t *j);

  private:
    /* The comma before a value or key: none after an opening bracket or
     * a key's colon, which no complete value ends with. */
    void sep()
    {
        if (!s.empty()) {
            char c = s.back();
            if (c != '{' && c != '[' && c != ':')
                s += ',';
        }
    }
};

#endif
