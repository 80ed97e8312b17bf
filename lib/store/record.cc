/* A document's record (codec.h, value 6 of layout.h): the sections a
 * result reads, in one value, so that a result costs one look-up in
 * Xapian's tables rather than one a section. */
#include "store/codec.h"

std::string ps__encode_record(const std::string &path, const std::string &title,
                              const std::string &head, const std::string &spans,
                              const std::string &ents, const std::string &text)
{
    std::string v;
    v.reserve(path.size() + title.size() + head.size() + spans.size() +
              ents.size() + text.size() + 20);
    for (const std::string *s : {&path, &title, &head, &spans, &ents}) {
        ps__put_varint(v, s->size());
        v += *s;
    }
    v += text;
    return v;
}

bool ps__decode_record(std::string_view v, ps__record &out)
{
    size_t i = 0;
    out.text_at = v.size();
    for (std::string_view *s : {&out.path, &out.title, &out.head, &out.spans,
                                &out.ents}) {
        uint64_t n;
        if (!ps__get_varint(v, i, n) || n > v.size() - i)
            return false;
        *s = v.substr(i, (size_t)n);
        i += (size_t)n;
    }
    out.text_at = i;
    return true;
}
