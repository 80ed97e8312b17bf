/* The stored text of a document (see codec.h): its line table and its
 * bytes in blocks compressed with LZ4 one by one, so that a result
 * decompresses only the blocks it shows. */
#include <algorithm>
#include <cstring>
#include <new>

#include <lz4.h>

#include "store/codec.h"

namespace
{

enum : char { RAW = 0, BLOCKS = 2, APART = 3 };

/* Shorter texts are stored as they are: a frame's header and the
 * decompressor's set-up cost more than they save. */
const size_t MIN_COMPRESS = 128;

/* Bytes per line start in the line table: the fewest that hold LEN. */
unsigned start_width(size_t len)
{
    return len <= 0xFFFF ? 2 : len <= 0xFFFFFF ? 3 : 4;
}

} // namespace

std::string ps__encode_text(const char *text, size_t len,
                            std::vector<std::string> *apart)
{
    std::string v;
    if (len < MIN_COMPRESS) {
        v.reserve(len + 1);
        v.push_back(RAW);
        v.append(text, len);
        return v;
    }
    size_t nblocks = (len + PS__TEXT_BLOCK - 1) / PS__TEXT_BLOCK;
    if (nblocks <= PS__TEXT_INLINE)
        apart = nullptr;
    v.push_back(apart ? APART : BLOCKS);
    ps__put_varint(v, len);
    std::vector<uint32_t> starts;
    for (const char *p = text;
         (p = (const char *)std::memchr(p, '\n', len - (size_t)(p - text)));)
        starts.push_back((uint32_t)(++p - text));
    ps__put_varint(v, starts.size());
    unsigned w = start_width(len);
    for (uint32_t s : starts)
        for (unsigned b = 0; b < w; b++)
            v.push_back((char)(s >> (8 * b)));
    std::string frames;
    std::vector<size_t> sizes;
    std::string buf((size_t)LZ4_compressBound((int)PS__TEXT_BLOCK), '\0');
    for (size_t b = 0; b < nblocks; b++) {
        size_t at = b * PS__TEXT_BLOCK;
        size_t n = std::min(len - at, PS__TEXT_BLOCK);
        int c = LZ4_compress_default(text + at, &buf[0], (int)n,
                                     (int)buf.size());
        /* A block that does not shrink is kept as it is: size 0 says so. */
        bool keep = c <= 0 || (size_t)c >= n;
        sizes.push_back(keep ? 0 : (size_t)c);
        std::string &to = apart ? apart->emplace_back() : frames;
        if (keep)
            to.append(text + at, n);
        else
            to.append(buf, 0, (size_t)c);
    }
    for (size_t s : sizes)
        ps__put_varint(v, s);
    v += frames;
    return v;
}

ps__text::ps__text(std::string_view value, size_t at, fetcher fetch)
    : v_(value), base_(std::min(at, v_.size())),
      fetch_(std::move(fetch))
{
    if (v_.size() == base_)
        return;
    if (v_[base_] == RAW) {
        len_ = v_.size() - base_ - 1;
        raw_ = v_.data() + base_ + 1;
        for (size_t i = 0; i < len_; i++)
            if (raw_[i] == '\n')
                small_.push_back((uint32_t)(i + 1));
        return;
    }
    uint64_t len, nstarts;
    size_t i = base_ + 1;
    bool apart = v_[base_] == APART;
    if ((v_[base_] != BLOCKS && !apart) || !ps__get_varint(v_, i, len) ||
        !ps__get_varint(v_, i, nstarts) || len > (1ull << 32))
        return;
    width_ = start_width((size_t)len);
    if (nstarts > (v_.size() - i) / width_)
        return;
    starts_ = i;
    nstarts_ = (size_t)nstarts;
    i += nstarts_ * width_;
    size_t nblocks = ((size_t)len + PS__TEXT_BLOCK - 1) / PS__TEXT_BLOCK;
    std::vector<size_t> offs;
    for (size_t b = 0; b < nblocks; b++) {
        uint64_t c;
        if (!ps__get_varint(v_, i, c))
            return;
        offs.push_back((size_t)c);
    }
    if (apart) {
        if (i != v_.size())
            return;
        sizes_ = std::move(offs);
        frames_.assign(nblocks, 0);
        have_.assign(nblocks, 0);
        buf_.reset(new char[(size_t)len ? (size_t)len : 1]);
        len_ = (size_t)len;
        return;
    }
    /* From sizes to where each frame starts, and a check that they fit. */
    size_t pos = i;
    for (size_t b = 0; b < nblocks; b++) {
        size_t raw = std::min((size_t)len - b * PS__TEXT_BLOCK, PS__TEXT_BLOCK);
        size_t c = offs[b] ? offs[b] : raw;
        offs[b] = pos;
        pos += c;
        if (pos > v_.size())
            return;
    }
    if (pos != v_.size())
        return;
    frames_ = std::move(offs);
    have_.assign(nblocks, 0);
    buf_.reset(new char[(size_t)len ? (size_t)len : 1]);
    len_ = (size_t)len;
}

size_t ps__text::start(size_t line) const
{
    if (line == 0)
        return 0;
    if (raw_)
        return small_[line - 1];
    const unsigned char *p =
        (const unsigned char *)v_.data() + starts_ + (line - 1) * width_;
    size_t s = 0;
    for (unsigned b = 0; b < width_; b++)
        s |= (size_t)p[b] << (8 * b);
    return s;
}

size_t ps__text::line_of(size_t off, size_t from) const
{
    /* The last line that starts at or before OFF: galloping from FROM,
     * then halving. */
    size_t n = lines(), lo = from < n ? from : 0, step = 1;
    while (lo + step < n && start(lo + step) <= off) {
        lo += step;
        step *= 2;
    }
    size_t hi = std::min(n, lo + step);
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (start(mid) <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

bool ps__text::decode(size_t b, size_t upto)
{
    size_t at = b * PS__TEXT_BLOCK;
    size_t raw = std::min(len_ - at, PS__TEXT_BLOCK);
    std::string block;
    const char *f;
    size_t c;
    if (!sizes_.empty()) {
        /* Stored apart: its own value, which must be as long as the
         * record says, read once and so decoded whole. */
        upto = raw;
        block = fetch_ ? fetch_(b) : std::string();
        f = block.data();
        c = block.size();
        if (c != (sizes_[b] ? sizes_[b] : raw))
            c = 0;
    } else {
        size_t end = b + 1 < frames_.size() ? frames_[b + 1] : v_.size();
        f = v_.data() + frames_[b];
        c = end - frames_[b];
    }
    if (c == raw) {
        std::memcpy(buf_.get() + at, f, raw);
        have_[b] = (uint32_t)raw;
        return !bad_;
    }
    /* LZ4 decodes from the block's start: up to the byte needed and no
     * further (a snippet stands at its middle on average); a block asked
     * for again is decoded whole, so that none is decoded thrice. */
    if (have_[b])
        upto = raw;
    int n = c ? LZ4_decompress_safe_partial(f, buf_.get() + at, (int)c,
                                            (int)upto, (int)raw)
              : -1;
    if (n < 0 || (size_t)n < upto || (size_t)n > raw ||
        (upto == raw && (size_t)n != raw)) {
        bad_ = true;
        std::memset(buf_.get() + at, ' ', raw);
        n = (int)raw;
    }
    have_[b] = (uint32_t)n;
    return !bad_;
}

const char *ps__text::at(size_t off, size_t n)
{
    if (raw_)
        return raw_ + off;
    if (n == 0 || off >= len_)
        return buf_ ? buf_.get() + std::min(off, len_) : "";
    size_t last = std::min(off + n, len_) - 1;
    for (size_t b = off / PS__TEXT_BLOCK; b <= last / PS__TEXT_BLOCK; b++) {
        size_t at = b * PS__TEXT_BLOCK;
        size_t upto = std::min(last + 1 - at, PS__TEXT_BLOCK);
        if (have_[b] < upto)
            decode(b, upto);
    }
    return buf_.get() + off;
}

bool ps__decode_text(std::string_view v, std::string &out)
{
    ps__text t(v);
    out.clear();
    if (!v.empty() && !t.valid())
        return false;
    const char *p = t.at(0, t.size());
    if (t.damaged())
        return false;
    out.assign(p, t.size());
    return true;
}
