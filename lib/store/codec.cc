/* Encoding and decoding of the per-document binary values: term spans,
 * entities and quotes, as varint streams. */
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <xxhash.h>

#include "store/codec.h"
#include "store/layout.h"

void ps__put_varint(std::string &s, uint64_t v)
{
    while (v >= 0x80) {
        s.push_back((char)(v | 0x80));
        v >>= 7;
    }
    s.push_back((char)v);
}

bool ps__get_varint(std::string_view v, size_t &i, uint64_t &x)
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

namespace
{

void put(std::string &s, uint64_t v)
{
    ps__put_varint(s, v);
}

void put_str(std::string &s, const char *p)
{
    std::string::size_type n = std::char_traits<char>::length(p);
    put(s, n);
    s.append(p, n);
}

/* A reader over a value that refuses to run past its end. */
struct reader {
    std::string_view v;
    size_t i = 0;

    bool more() const
    {
        return i < v.size();
    }

    bool get(uint64_t &x)
    {
        return ps__get_varint(v, i, x);
    }

    bool byte(int &b)
    {
        if (i >= v.size())
            return false;
        b = (unsigned char)v[i++];
        return true;
    }

    bool str(std::string_view &out)
    {
        uint64_t n;
        if (!get(n) || n > v.size() - i)
            return false;
        out = v.substr(i, (size_t)n);
        i += n;
        return true;
    }
};

} // namespace

/* Appends X to S as 4 bytes, little-endian. */
static void put32(std::string &s, uint32_t x)
{
    for (int k = 0; k < 4; k++)
        s.push_back((char)((x >> (8 * k)) & 0xff));
}

/* The 4-byte little-endian number at P. */
static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

namespace
{

/* The codes of ps__encode_spans() as they are written, with a checkpoint
 * before every PS__SPAN_STEP-th position after the first. */
struct span_writer {
    std::string codes, table;
    size_t written = 0, end = 0; /* END: where the last span ends */

    void add(size_t offset, size_t length)
    {
        if (written && written % PS__SPAN_STEP == 0) {
            put32(table, (uint32_t)codes.size());
            put32(table, (uint32_t)end);
        }
        size_t gap = offset - end;
        if (offset >= end && gap <= PS__SPAN_GAP_MAX &&
            length <= PS__SPAN_LEN_MAX) {
            codes.push_back((char)(gap << 5 | length));
        } else {
            /* Zigzag: a span may start before the last one ends. */
            int64_t d = (int64_t)offset - (int64_t)end;
            codes.push_back((char)PS__SPAN_ESCAPE);
            put(codes, d < 0 ? ((uint64_t)(-(d + 1)) << 1) | 1
                             : (uint64_t)d << 1);
            put(codes, length);
        }
        end = offset + length;
        written++;
    }
};

} // namespace

std::string ps__encode_spans(const ps_token_t *t, size_t n)
{
    span_writer w;
    w.codes.reserve(n + n / 8);
    uint32_t next_pos = 1;
    for (size_t i = 0; i < n; i++) {
        if (t[i].flags & PS_TOK_COMPOUND)
            continue;
        /* Positions are dense, but guard against a gap all the same: a
         * gap's span is empty and starts where the last span ends. */
        for (; next_pos < t[i].pos; next_pos++)
            w.add(w.end, 0);
        if (t[i].pos < next_pos)
            continue;
        w.add(t[i].offset, t[i].length);
        next_pos = t[i].pos + 1;
    }
    std::string out;
    put(out, w.table.size() / 8);
    return out + w.table + w.codes;
}

ps__span_reader::ps__span_reader(std::string_view v) : v_(v)
{
    reader r{v};
    if (!r.get(nchecks_) || nchecks_ > (v.size() - r.i) / 8)
        return;
    table_ = (const unsigned char *)v.data() + r.i;
    base_ = i_ = r.i + 8 * nchecks_;
    ok_ = true;
}

void ps__span_reader::skip_towards(uint32_t goal)
{
    if (!ok_ || goal < pos_)
        return;
    uint64_t c = std::min<uint64_t>((goal - 1) / PS__SPAN_STEP, nchecks_);
    if (c && c * PS__SPAN_STEP + 1 > pos_) {
        const unsigned char *e = table_ + 8 * (c - 1);
        i_ = base_ + get32(e);
        end_ = get32(e + 4);
        pos_ = (uint32_t)(c * PS__SPAN_STEP + 1);
    }
}

bool ps__span_reader::next(ps__span &s)
{
    const unsigned char *p = (const unsigned char *)v_.data();
    size_t n = v_.size();
    if (!ok_ || i_ >= n)
        return false;
    if (p[i_] != PS__SPAN_ESCAPE) {
        /* Nearly every word: one byte. */
        s.off = end_ + (p[i_] >> 5);
        s.len = p[i_] & PS__SPAN_LEN_MAX;
        i_++;
    } else {
        reader r{v_};
        r.i = i_ + 1;
        uint64_t z, l;
        if (!r.get(z) || !r.get(l) || l > SIZE_MAX / 2) {
            ok_ = false;
            return false;
        }
        i_ = r.i;
        int64_t d = (z & 1) ? -(int64_t)(z >> 1) - 1 : (int64_t)(z >> 1);
        if (d < 0 && (uint64_t)(-d) > end_) {
            ok_ = false;
            return false;
        }
        s.off = (size_t)((int64_t)end_ + d);
        s.len = (size_t)l;
    }
    end_ = s.off + s.len;
    pos_++;
    return true;
}

bool ps__span_reader::seek(uint32_t goal, ps__span &s)
{
    skip_towards(goal);
    if (!ok_ || goal < pos_)
        return false;
    const unsigned char *p = (const unsigned char *)v_.data();
    size_t n = v_.size();
    for (;;) {
        /* A one-byte code only moves where the last span ends: a tight
         * loop over them, up to the goal or an escape. */
        size_t i = i_, end = end_;
        uint32_t pos = pos_;
        /* Eight codes at a time while none is an escape: the sums of
         * their lengths (at most 8 * 31) and of their gaps (8 * 3) each
         * fit the top byte of a multiplication by 0x0101...01. */
        const uint64_t ones = 0x0101010101010101ull;
        while (goal - pos >= 8 && n - i >= 8) {
            uint64_t x;
            std::memcpy(&x, p + i, 8);
            if (x & (ones * 0x80))
                break;
            end += (((x & (ones * PS__SPAN_LEN_MAX)) * ones) >> 56) +
                   ((((x >> 5) & (ones * PS__SPAN_GAP_MAX)) * ones) >> 56);
            i += 8;
            pos += 8;
        }
        while (pos < goal && i < n && p[i] != PS__SPAN_ESCAPE) {
            end += (p[i] >> 5) + (p[i] & PS__SPAN_LEN_MAX);
            i++;
            pos++;
        }
        i_ = i;
        end_ = end;
        pos_ = pos;
        if (!next(s))
            return false;
        if (pos_ > goal)
            return true;
    }
}

std::vector<ps__span> ps__decode_spans_at(std::string_view v,
                                          const std::vector<uint32_t> &want)
{
    std::vector<ps__span> out(want.size(), ps__span{0, 0});
    ps__span_reader r(v);
    for (size_t k = 0; k < want.size() && r.ok(); k++) {
        uint32_t goal = want[k];
        if (goal < r.pos())
            continue;
        if (!r.seek(goal, out[k]))
            out[k] = ps__span{0, 0};
    }
    return out;
}

std::string ps__encode_entities(const ps_entity_t *e, size_t n,
                                const char *text, size_t len)
{
    std::string out;
    std::vector<std::string> forms;
    std::vector<size_t> form_of;
    for (size_t i = 0; i < n; i++) {
        out.push_back((char)e[i].type);
        put_str(out, e[i].id);
        put_str(out, e[i].name);
        out.push_back((char)(e[i].known ? 1 : 0));
        /* Each way the text writes the entity once; a mention names its
         * way by number. */
        forms.clear();
        form_of.clear();
        for (size_t k = 0; k < e[i].nmentions; k++) {
            const ps_mention_t &m = e[i].mentions[k];
            std::string f;
            if (m.offset <= len && m.length <= len - m.offset)
                f.assign(text + m.offset, m.length);
            size_t at = (size_t)(std::find(forms.begin(), forms.end(), f) -
                                 forms.begin());
            if (at == forms.size())
                forms.push_back(f);
            form_of.push_back(at);
        }
        /* The body, its length first: a result skips the bodies of the
         * entities it does not show without reading them. */
        std::string body;
        put(body, e[i].nmentions);
        put(body, forms.size());
        for (const std::string &f : forms) {
            put(body, f.size());
            body += f;
        }
        size_t prev = 0;
        for (size_t k = 0; k < e[i].nmentions; k++) {
            const ps_mention_t &m = e[i].mentions[k];
            /* Mentions are in text order, so deltas stay small. */
            put(body, m.offset - prev);
            put(body, m.length);
            put(body, m.pos);
            put(body, form_of[k]);
            prev = m.offset;
        }
        put(out, body.size());
        out += body;
    }
    return out;
}

/* Reads from R an entity's head: type, id, name, known byte and the
 * length of its body, into END where the body ends. */
static bool entity_head(reader &r, ps__entity &e, size_t &end)
{
    int known;
    uint64_t len;
    if (!r.byte(e.type) || !r.str(e.id) || !r.str(e.name) || !r.byte(known) ||
        !r.get(len) || len > r.v.size() - r.i)
        return false;
    e.known = known != 0;
    end = r.i + (size_t)len;
    return true;
}

/* Reads from R an entity's body, its mentions with their forms, into E:
 * all of them, or the first MAX; END is where the body ends. */
static bool entity_body(reader &r, ps__entity &e, size_t end,
                        size_t max = SIZE_MAX)
{
    /* Where each form of the entity stands: few, so on the stack. */
    uint32_t few[16];
    std::vector<uint32_t> more;
    uint32_t *forms = few;
    uint64_t n, nforms;
    if (!r.get(n) || n > end || !r.get(nforms) || nforms > end)
        return false;
    if (nforms > 16) {
        more.resize((size_t)nforms);
        forms = more.data();
    }
    for (uint64_t f = 0; f < nforms; f++) {
        forms[f] = (uint32_t)r.i;
        uint64_t len;
        if (!r.get(len) || len > end - std::min(end, r.i))
            return false;
        r.i += len;
    }
    size_t want = (size_t)std::min<uint64_t>(n, max);
    e.mentions.reserve(want);
    e.form_of.reserve(want);
    size_t prev = 0;
    for (size_t k = 0; k < want; k++) {
        uint64_t d, len, pos, form;
        if (!r.get(d) || !r.get(len) || !r.get(pos) || !r.get(form) ||
            form >= nforms || r.i > end)
            return false;
        prev += d;
        e.mentions.push_back({prev, (uint32_t)len, (uint32_t)pos});
        e.form_of.push_back(forms[form]);
    }
    e.count = n;
    r.i = end;
    return true;
}

bool ps__decode_entities(std::string_view v, std::vector<ps__entity> &out)
{
    reader r{v};
    while (r.more()) {
        ps__entity e;
        size_t end;
        if (!entity_head(r, e, end) || !entity_body(r, e, end))
            return false;
        out.push_back(std::move(e));
    }
    return true;
}

/* About the fewest bytes an entity takes in the value: type, id and name
 * of a few bytes, known byte and body. */
static const size_t ENTITY_MIN_BYTES = 24;
static const size_t ENTITY_RESERVE_MAX = 512;

bool ps__decode_entity_heads(std::string_view v, std::vector<ps__entity> &out)
{
    reader r{v};
    /* Room at once, growing moves every entity read so far; within
     * reason, since a long page may name thousands. */
    out.reserve(out.size() +
                std::min(v.size() / ENTITY_MIN_BYTES, ENTITY_RESERVE_MAX));
    while (r.more()) {
        out.emplace_back();
        ps__entity &e = out.back();
        size_t end;
        if (!entity_head(r, e, end)) {
            out.pop_back();
            return false;
        }
        /* The mention count opens the body; the rest is read when the
         * mentions are (a damaged body shows then). */
        e.unread_at = r.i;
        uint64_t n;
        if (!r.get(n) || n > end) {
            out.pop_back();
            return false;
        }
        e.count = n;
        r.i = end;
    }
    return true;
}

bool ps__entity_mentions(std::string_view v, ps__entity &e, size_t max)
{
    if (!e.unread_at || e.mentions.size() >= std::min(max, e.count))
        return true;
    reader r{v};
    r.i = e.unread_at;
    e.mentions.clear();
    e.form_of.clear();
    /* The body ends where the value does at the latest; entity_body()
     * stops at the mentions' count, which the head read. */
    if (entity_body(r, e, v.size(), max)) {
        if (e.mentions.size() == e.count)
            e.unread_at = 0;
        return true;
    }
    e.unread_at = 0;
    e.mentions.clear();
    e.form_of.clear();
    e.count = 0;
    return false;
}

std::string_view ps__entity_form(std::string_view v, uint32_t at)
{
    reader r{v};
    r.i = at;
    std::string_view f;
    r.str(f);
    return f;
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

namespace
{

/* The first byte of any span of Q, or SIZE_MAX for a quote without one. */
size_t first_byte(const ps_quote_t &q)
{
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < q.nsource; i++)
        m = std::min(m, q.source[i].start);
    for (size_t i = 0; i < q.ncue; i++)
        m = std::min(m, q.cue[i].start);
    for (size_t i = 0; i < q.ncontent; i++)
        m = std::min(m, q.content[i].start);
    return m;
}

void put_field(std::string &s, const ps_byte_span_t *sp, size_t n, size_t first)
{
    put(s, n);
    for (size_t i = 0; i < n; i++) {
        put(s, sp[i].start - first);
        put(s, sp[i].end > sp[i].start ? sp[i].end - sp[i].start : 0);
    }
}

bool get_field(reader &r, size_t first, std::vector<ps__span> &out)
{
    uint64_t n;
    if (!r.get(n) || n > r.v.size())
        return false;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t off, len;
        if (!r.get(off) || !r.get(len))
            return false;
        out.push_back({first + (size_t)off, (size_t)len});
    }
    return true;
}

} // namespace

std::string ps__encode_quotes(const ps_quote_t *q, size_t n)
{
    std::string out;
    int64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = first_byte(q[i]);
        if (first == SIZE_MAX)
            continue; /* nothing to show or search */
        float c = q[i].confidence < 0   ? 0
                  : q[i].confidence > 1 ? 1
                                        : q[i].confidence;
        out.push_back((char)q[i].kind);
        out.push_back((char)q[i].speaker_kind);
        out.push_back((char)(unsigned char)(c * 255.0f + 0.5f));
        put(out, (uint64_t)(q[i].speaker + 1));
        int64_t d = (int64_t)first - prev;
        put(out, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63)); /* zigzag */
        prev = (int64_t)first;
        put_field(out, q[i].source, q[i].nsource, first);
        put_field(out, q[i].cue, q[i].ncue, first);
        put_field(out, q[i].content, q[i].ncontent, first);
    }
    return out;
}

bool ps__decode_quotes(std::string_view v, std::vector<ps__quote> &out)
{
    reader r{v};
    int64_t prev = 0;
    while (r.more()) {
        ps__quote q;
        int conf;
        uint64_t sp, zz;
        if (!r.byte(q.kind) || !r.byte(q.speaker_kind) || !r.byte(conf) ||
            !r.get(sp) || !r.get(zz) || sp > (uint64_t)INT32_MAX)
            return false;
        q.confidence = (float)conf / 255.0f;
        q.speaker = (int)sp - 1;
        int64_t d = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
        prev += d;
        if (prev < 0)
            return false;
        size_t first = (size_t)prev;
        if (!get_field(r, first, q.source) || !get_field(r, first, q.cue) ||
            !get_field(r, first, q.content))
            return false;
        out.push_back(std::move(q));
    }
    return true;
}

std::string ps__speaker_key(int type, std::string_view id)
{
    const char *t = ps_entity_type_name((ps_entity_type_t)type);
    std::string k(t ? t : "misc");
    k += ':';
    k += id;
    return k;
}
