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
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <jansson.h>

class ps__jout
{
  public:
    ps__jout() = default;
    ~ps__jout()
    {
        std::free(b_);
    }
    ps__jout(const ps__jout &) = delete;
    ps__jout &operator=(const ps__jout &) = delete;

    /* The text so far (not NUL-terminated), and its length. */
    const char *data() const
    {
        return b_;
    }
    size_t size() const
    {
        return n_;
    }
    void clear()
    {
        n_ = 0;
    }
    /* Drops what was written after the first N bytes (a size() taken
     * before): a value begun and then given up. */
    void rewind(size_t n)
    {
        if (n < n_)
            n_ = n;
    }
    /* The text as a NUL-terminated malloc'ed string, which the caller
     * frees; the writer is left empty. Throws std::bad_alloc. */
    char *take();

    void obj()
    {
        sep();
        put('{');
    }
    void end_obj()
    {
        put('}');
    }
    void arr()
    {
        sep();
        put('[');
    }
    void end_arr()
    {
        put(']');
    }

    /* K must be plain ASCII with nothing to escape (the engine's own
     * field names); the value follows with the next call. */
    ps__jout &key(const char *k)
    {
        sep();
        size_t n = std::strlen(k);
        room(n + 3);
        b_[n_++] = '"';
        std::memcpy(b_ + n_, k, n);
        n_ += n;
        b_[n_++] = '"';
        b_[n_++] = ':';
        return *this;
    }

    /* A string of N bytes: escaped as jansson escapes, a byte that is not
     * part of valid UTF-8 written as U+FFFD (jansson would refuse to
     * write the whole answer). */
    void str(const char *p, size_t n);
    void str(std::string_view v)
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
        put(v ? "true" : "false", v ? 4 : 5);
    }
    void null()
    {
        sep();
        put("null", 4);
    }
    /* A jansson value, written as json_dumps() writes it; throws
     * std::bad_alloc when it cannot be. */
    void json(const json_t *j);

  private:
    char *b_ = nullptr;
    size_t n_ = 0, cap_ = 0;

    /* Room for N more bytes; throws std::bad_alloc. */
    void room(size_t n)
    {
        if (n_ + n > cap_)
            grow(n);
    }
    void grow(size_t n);
    void put(char c)
    {
        room(1);
        b_[n_++] = c;
    }
    void put(const char *p, size_t n)
    {
        room(n);
        std::memcpy(b_ + n_, p, n);
        n_ += n;
    }
    /* The comma before a value or key: none after an opening bracket or
     * a key's colon, which no complete value ends with. */
    void sep()
    {
        if (n_) {
            char c = b_[n_ - 1];
            if (c != '{' && c != '[' && c != ':')
                put(',');
        }
    }
};

#endif
