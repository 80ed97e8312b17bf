/* Encoding and decoding of the per-document binary values: term spans and
 * entities, as varint streams. */
#include <cstdio>
#include <cstring>

#include <xxhash.h>

#include "store/codec.h"
#include "store/layout.h"

namespace
{

void put(std::string &s, uint64_t v)
{
    while (v >= 0x80) {
        s.push_back((char)(v | 0x80));
        v >>= 7;
    }
    s.push_back((char)v);
}

void put_str(std::string &s, const char *p)
{
    std::string::size_type n = std::char_traits<char>::length(p);
    put(s, n);
    s.append(p, n);
}

/* A reader over a value that refuses to run past its end. */
struct reader {
    const std::string &v;
    size_t i = 0;

    bool more() const
    {
        return i < v.size();
    }

    bool get(uint64_t &x)
    {
        x = 0;
        for (int shift = 0; i < v.size() && shift < 64; shift += 7) {
            unsigned char c = (unsigned char)v[i++];
            x |= (uint64_t)(c & 0x7f) << shift;
            if (!(c & 0x80))
                return true;
        }
        return false;
    }

    bool byte(int &b)
    {
        if (i >= v.size())
            return false;
        b = (unsigned char)v[i++];
        return true;
    }

    bool str(std::string &out)
    {
        uint64_t n;
        if (!get(n) || n > v.size() - i)
            return false;
        out.assign(v, i, n);
        i += n;
        return true;
    }
};

} // namespace

std::string ps__encode_spans(const ps_token_t *t, size_t n)
{
    std::string out;
    out.reserve(n * 3);
    uint32_t next_pos = 1;
    size_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].flags & PS_TOK_COMPOUND)
            continue;
        /* Positions are dense, but guard against a gap all the same. */
        for (; next_pos < t[i].pos; next_pos++) {
            put(out, 0);
            put(out, 0);
        }
        if (t[i].pos < next_pos)
            continue;
        put(out, t[i].offset - prev);
        put(out, t[i].length);
        prev = t[i].offset;
        next_pos = t[i].pos + 1;
    }
    return out;
}

std::vector<ps__span> ps__decode_spans(const std::string &v)
{
    std::vector<ps__span> out;
    reader r{v};
    size_t prev = 0;
    uint64_t delta, len;
    while (r.more() && r.get(delta) && r.get(len)) {
        prev += delta;
        out.push_back({prev, (size_t)len});
    }
    return out;
}

std::vector<ps__span> ps__decode_spans_at(const std::string &v,
                                          const std::vector<uint32_t> &want)
{
    std::vector<ps__span> out(want.size(), ps__span{0, 0});
    reader r{v};
    size_t prev = 0, k = 0;
    uint64_t delta, len;
    for (uint32_t pos = 1; k < want.size() && r.more(); pos++) {
        if (!r.get(delta) || !r.get(len))
            break;
        prev += delta;
        if (want[k] == pos)
            out[k++] = {prev, (size_t)len};
    }
    return out;
}

std::string ps__encode_entities(const ps_entity_t *e, size_t n)
{
    std::string out;
    for (size_t i = 0; i < n; i++) {
        out.push_back((char)e[i].type);
        put_str(out, e[i].id);
        put_str(out, e[i].name);
        out.push_back((char)(e[i].known ? 1 : 0));
        put(out, e[i].nmentions);
        size_t prev = 0;
        for (size_t k = 0; k < e[i].nmentions; k++) {
            const ps_mention_t &m = e[i].mentions[k];
            /* Mentions are in text order, so deltas stay small. */
            put(out, m.offset - prev);
            put(out, m.length);
            put(out, m.pos);
            prev = m.offset;
        }
    }
    return out;
}

bool ps__decode_entities(const std::string &v, std::vector<ps__entity> &out)
{
    reader r{v};
    while (r.more()) {
        ps__entity e;
        int known;
        uint64_t n;
        if (!r.byte(e.type) || !r.str(e.id) || !r.str(e.name) ||
            !r.byte(known) || !r.get(n) || n > v.size())
            return false;
        e.known = known != 0;
        e.mentions.reserve(n);
        size_t prev = 0;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t d, len, pos;
            if (!r.get(d) || !r.get(len) || !r.get(pos))
                return false;
            prev += d;
            e.mentions.push_back({prev, (uint32_t)len, (uint32_t)pos});
        }
        out.push_back(std::move(e));
    }
    return true;
}

std::string ps__id_term(const char *path)
{
    size_t n = std::strlen(path);
    if (n + 1 <= PS__MAX_TERM)
        return std::string(PS__P_ID) + path;
    char hex[20];
    std::snprintf(hex, sizeof hex, "#%016llx",
                  (unsigned long long)XXH64(path, n, 0));
    return std::string(PS__P_ID) + hex;
}
