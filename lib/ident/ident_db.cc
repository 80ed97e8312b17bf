/* Entity identity read from an open index (ident_db.h): the statistics
 * psearch/ident.h's rules need, from Xapian's term frequencies and term
 * lists, which sum over every shard, local or remote; and the reverse
 * question the query side asks: which entity terms stand for one entity.
 * Exceptions never cross the C rules: the callbacks catch them and the
 * caller throws them again. */
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <set>

#include <xxhash.h>

#include "ident/ident_private.h"
#include "ident/ident_db.h"

namespace
{

/* The longest term Xapian holds: a longer one is in no document, and is
 * left to freq(), which says so without a query. */
const size_t MAX_TERM = 245;

/* What the C callbacks need, and the first exception they caught. */
struct ctx {
    ps__ident_db *ident;
    std::exception_ptr err;
};

uint64_t docs(void *p, const char *term, size_t len)
{
    ctx *c = static_cast<ctx *>(p);
    if (c->err)
        return 0;
    try {
        return c->ident->freq(std::string(term, len));
    } catch (...) {
        c->err = std::current_exception();
        return 0;
    }
}

int each(void *p, const char *prefix, size_t len,
         void (*fn)(void *, const char *, size_t, uint64_t), void *arg)
{
    ctx *c = static_cast<ctx *>(p);
    if (c->err)
        return -1;
    try {
        /* A copy: FN may not ask for more, but nothing here should rely
         * on that. */
        auto list = c->ident->listing(std::string(prefix, len));
        for (const auto &t : list)
            fn(arg, t.first.data(), t.first.size(), t.second);
        return 0;
    } catch (...) {
        c->err = std::current_exception();
        return -1;
    }
}

std::string term_of(ps_entity_type_t type, const std::string &id)
{
    return std::string(ps_entity_type_prefix(type)) + id;
}

std::vector<std::string> words_of(const std::string &id)
{
    std::vector<std::string> w;
    size_t at = 0;
    for (;;) {
        size_t d = id.find('-', at);
        w.push_back(id.substr(at, d == std::string::npos ? d : d - at));
        if (d == std::string::npos)
            return w;
        at = d + 1;
    }
}

} // namespace

/* The first entry of LIST (in byte order) at or after TERM. */
static std::vector<std::pair<std::string, Xapian::doccount>>::const_iterator
first_from(const std::vector<std::pair<std::string, Xapian::doccount>> &list,
           const std::string &term)
{
    return std::lower_bound(
        list.begin(), list.end(), term,
        [](const auto &e, const std::string &t) { return e.first < t; });
}

/* The most terms one search of prefetch() asks for. Xapian 1.4 builds
 * an OR of N terms in time that grows as N squared, even for no results:
 * over two remote shards of the bench slice, 256 terms took 5.6 ms,
 * 1,024 took 24 ms and 4,096 took 257 ms; so a long list is asked in
 * searches of 256, each a round trip. */
static const size_t PREFETCH_CHUNK = 256;

void ps__ident_db::prefetch(const std::vector<std::string> &terms)
{
    if (!remote_)
        return;
    std::vector<std::string> ask;
    for (const std::string &t : terms)
        if (!t.empty() && t.size() <= MAX_TERM && !freq_.count(t) &&
            !family(t, false))
            ask.push_back(t);
    std::sort(ask.begin(), ask.end());
    ask.erase(std::unique(ask.begin(), ask.end()), ask.end());
    if (ask.size() < 2)
        return;
    if (freq_.size() + ask.size() > MAX_ENTRIES)
        freq_.clear();
    Xapian::Enquire enq(db_);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    for (size_t at = 0; at < ask.size(); at += PREFETCH_CHUNK) {
        auto from = ask.begin() + (ptrdiff_t)at;
        auto to = ask.size() - at > PREFETCH_CHUNK
                      ? from + (ptrdiff_t)PREFETCH_CHUNK
                      : ask.end();
        enq.set_query(Xapian::Query(Xapian::Query::OP_OR, from, to));
        Xapian::MSet ms = enq.get_mset(0, 0);
        for (auto t = from; t != to; ++t)
            freq_[*t] = ms.get_termfreq(*t);
    }
}

Xapian::doccount ps__ident_db::freq(const std::string &term)
{
    auto it = freq_.find(term);
    if (it != freq_.end())
        return it->second;
    /* A family read whole (family()) knows every term of its prefix. */
    if (const term_list *whole = family(term, false)) {
        auto e = first_from(*whole, term);
        return e != whole->end() && e->first == term ? e->second : 0;
    }
    Xapian::doccount n = db_.get_termfreq(term);
    if (freq_.size() >= MAX_ENTRIES)
        freq_.clear();
    freq_.emplace(term, n);
    return n;
}

/* How many lists under one prefix of identity or entity terms ("ES",
 * "XORG:") a handle reads one by one before it reads every term of that
 * prefix at once. Over remote shards a list is a round trip, and the
 * whole of ES, EF or EI over two remote shards of the bench slice (5,000
 * terms each) costs about as much as 200 of them; locally a list is a
 * seek in the term table. A facet over a thousand articles asks for
 * thousands (7,634 over the 653 PolNeAR articles matching Clinton), where
 * a page of results asks for a few dozen. */
static const unsigned FAMILY_AFTER = 256;

/* The prefix whose terms TERM's family are: an identity prefix ("ES") or
 * an entity type's ("XORG:"); "" for any other term. */
static std::string family_key(const std::string &term)
{
    static const char *const identity[] = {PS_IDENT_P_NAME, PS_IDENT_P_SURNAME,
                                           PS_IDENT_P_FIRST,
                                           PS_IDENT_P_INITIALS};
    for (const char *id : identity)
        if (term.compare(0, std::strlen(id), id) == 0)
            return id;
    for (int t = 0; t < PS_ENT__COUNT; t++) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)t);
        if (term.compare(0, std::strlen(pre), pre) == 0)
            return pre;
    }
    return std::string();
}

const ps__ident_db::term_list *ps__ident_db::family(const std::string &prefix,
                                                     bool read)
{
    std::string key = family_key(prefix);
    if (key.empty() || key.size() == prefix.size())
        return nullptr;
    auto f = families_.find(key);
    if (f != families_.end())
        return &f->second;
    if (!read || ++family_reads_[key] <= FAMILY_AFTER)
        return nullptr;
    return &read_family(key);
}

const ps__ident_db::term_list &ps__ident_db::read_family(const std::string &key)
{
    auto f = families_.find(key);
    if (f != families_.end())
        return f->second;
    term_list all;
    for (auto t = db_.allterms_begin(key); t != db_.allterms_end(key); ++t)
        all.emplace_back(*t, t.get_termfreq());
    return families_[key] = std::move(all);
}

void ps__ident_db::read_families()
{
    /* Not the names (EN): resolving reads none, and they are the most. */
    for (const char *id :
         {PS_IDENT_P_SURNAME, PS_IDENT_P_FIRST, PS_IDENT_P_INITIALS})
        read_family(id);
    for (int t = 0; t < PS_ENT__COUNT; t++)
        read_family(ps_entity_type_prefix((ps_entity_type_t)t));
}

const std::vector<std::pair<std::string, Xapian::doccount>> &
ps__ident_db::listing(const std::string &prefix)
{
    auto it = lists_.find(prefix);
    if (it != lists_.end())
        return it->second;
    /* Read whole before anything is stored, so an exception leaves the
     * memory as it was. */
    std::vector<std::pair<std::string, Xapian::doccount>> v;
    const term_list *whole = family(prefix, true);
    if (whole) {
        for (auto t = first_from(*whole, prefix); t != whole->end() &&
                            t->first.compare(0, prefix.size(), prefix) == 0;
             ++t)
            v.push_back(*t);
    } else {
        for (auto t = db_.allterms_begin(prefix);
             t != db_.allterms_end(prefix); ++t)
            v.emplace_back(*t, t.get_termfreq());
    }
    if (lists_.size() >= MAX_ENTRIES)
        lists_.clear();
    return lists_[prefix] = std::move(v);
}

bool ps__entity_term_split(const std::string &term, ps_entity_type_t *type,
                           std::string *id)
{
    for (int t = 0; t < PS_ENT__COUNT; t++) {
        const char *pre = ps_entity_type_prefix((ps_entity_type_t)t);
        size_t n = std::strlen(pre);
        if (term.size() > n && term.compare(0, n, pre) == 0) {
            *type = (ps_entity_type_t)t;
            *id = term.substr(n);
            return true;
        }
    }
    return false;
}

/* ps__demonym_places()'s callback: collects every place a nationality
 * may name, going on to the end. */
static int add_place(void *arg, const char *place)
{
    auto *v = static_cast<std::vector<std::string> *>(arg);
    try {
        v->push_back(term_of(PS_ENT_PLACE, place));
    } catch (const std::bad_alloc &) {
        return 1; /* only fewer asked at once */
    }
    return 0;
}

/* The document counts the rules (ident.c) most likely ask to resolve the
 * entity of TYPE and ID, and so are worth asking at once: the id under
 * every type and as a person's id (towards_person()), the places a nationality
 * may name, the singular of a plural as a misc name (singular(),
 * group_named()), and the acronym of its initials. */
static std::vector<std::string> likely_asked(ps_entity_type_t type,
                                             const std::string &id)
{
    std::vector<std::string> ask;
    for (int t = 0; t < PS_ENT__COUNT; t++)
        ask.push_back(term_of((ps_entity_type_t)t, id));
    if (id.size() >= 4 && id.back() == 's')
        ask.push_back(term_of(PS_ENT_MISC, id.substr(0, id.size() - 1)));
    if (type == PS_ENT_PERSON)
        return ask;
    char pid[PS_IDENT_MAX + 1];
    ps_ident_person_id(id.c_str(), pid);
    if (id != pid)
        ask.push_back(term_of(PS_ENT_PERSON, pid));
    if (type == PS_ENT_MISC)
        ps__demonym_places(id.c_str(), add_place, &ask);
    char acr[64];
    if (ps__ident_initials(id.c_str(), acr))
        for (int t = 0; t < PS_ENT__COUNT; t++)
            ask.push_back(term_of((ps_entity_type_t)t, acr));
    return ask;
}

/* The most terms one prefetch() search asks for. */
static const size_t PREFETCH_MAX = 4096;

/* How many entity terms still to resolve make prefetch_resolve() read
 * every identity and entity term of the index at once (their families,
 * family()), whose lists and counts then answer what resolving reads: a
 * facet over a thousand articles resolves thousands of terms, each
 * reading some ten counts and lists (over remote shards a round trip
 * each; locally the facets of the 653 PolNeAR articles matching Clinton
 * took 85 ms with them read one by one, 56 ms so), where a page of
 * results resolves a few hundred. */
static const size_t BULK_RESOLVE = 1024;

void ps__ident_db::prefetch_resolve(const std::vector<std::string> &terms)
{
    ps__ident_shared *sh = remote_ ? nullptr : shared();
    std::vector<std::pair<ps_entity_type_t, std::string>> todo;
    std::string known;
    for (const std::string &term : terms) {
        ps_entity_type_t type;
        std::string id;
        if (resolved_.count(term) || (known_ && known_->count(term)) ||
            (sh && sh->find(sh->resolved, term, known)) ||
            !ps__entity_term_split(term, &type, &id) ||
            id.size() > PS_IDENT_MAX)
            continue;
        todo.emplace_back(type, std::move(id));
    }
    if (todo.size() >= BULK_RESOLVE) {
        read_families();
        return;
    }
    /* Locally a count costs no round trip. */
    if (!remote_)
        return;
    std::vector<std::string> ask;
    for (const auto &ti : todo) {
        for (std::string &t : likely_asked(ti.first, ti.second))
            ask.push_back(std::move(t));
        if (ask.size() >= PREFETCH_MAX) {
            prefetch(ask);
            ask.clear();
        }
    }
    prefetch(ask);
}

const std::string &
ps__ident_db::remembered(memo ps__ident_db::*mine,
                         memo ps__ident_shared::*theirs,
                         std::string (ps__ident_db::*find)(const std::string &),
                         const std::string &term)
{
    auto hit = (this->*mine).find(term);
    if (hit != (this->*mine).end())
        return hit->second;
    ps__ident_shared *sh = shared();
    std::string out;
    if (!sh || !sh->find(sh->*theirs, term, out)) {
        out = (this->*find)(term);
        if (sh)
            sh->add(sh->*theirs, term, out);
    }
    return (this->*mine).emplace(term, std::move(out)).first->second;
}

const std::string &ps__ident_db::resolve(const std::string &term)
{
    return remembered(&ps__ident_db::resolved_, &ps__ident_shared::resolved,
                      &ps__ident_db::find_resolved, term);
}

std::string ps__ident_db::find_resolved(const std::string &term)
{
    ps_entity_type_t type;
    std::string id;
    std::string out = term;
    if ((!known_ || !known_->count(term)) &&
        ps__entity_term_split(term, &type, &id) && id.size() <= PS_IDENT_MAX) {
        /* Locally a count costs no round trip: listing what the rules
         * may ask, only for prefetch() to drop it, was a fifth of
         * resolving (SciFact claims, callgrind). */
        if (remote_)
            prefetch(likely_asked(type, id));
        ctx c{this, nullptr};
        ps_ident_stats_t s = {&c, docs, each, memo_.get()};
        ps_ident_t r;
        ps_status_t st = ps_ident_resolve(&s, type, id.c_str(), &r);
        if (c.err)
            std::rethrow_exception(c.err);
        if (st == PS_OK)
            out = term_of(r.type, r.id);
    }
    return out;
}

/* Whether NAME is written in capitals as a headline writes a name, as
 * ident.c tells it: not an acronym. */
static bool in_capitals(const std::string &name)
{
    bool upper = false, space = false;
    size_t letters = 0;
    for (char c : name) {
        if (c >= 'a' && c <= 'z')
            return false;
        upper |= c >= 'A' && c <= 'Z';
        letters += c >= 'A' && c <= 'Z';
        space |= c == ' ';
    }
    return upper && (space || letters > 5);
}

const std::string &ps__ident_db::display_name(const std::string &term)
{
    return remembered(&ps__ident_db::names_, &ps__ident_shared::names,
                      &ps__ident_db::find_name, term);
}

std::string ps__ident_db::find_name(const std::string &term)
{
    std::string out = own_name(term);
    /* Only capitals under this term ("OLYMPIC"), or no name (a person
     * every article wrote with a middle initial): the name of a term that
     * resolves to it ("Olympics", "Donald J. Trump") may be written as
     * people write. */
    if (out.empty() || in_capitals(out))
        for (const std::string &m : members(term)) {
            std::string other = m == term ? std::string() : own_name(m);
            if (!other.empty() && !in_capitals(other)) {
                out = other;
                break;
            }
        }
    return out;
}

std::string ps__ident_db::own_name(const std::string &term)
{
    ps_entity_type_t type;
    std::string id, out;
    if (ps__entity_term_split(term, &type, &id) && id.size() <= PS_IDENT_MAX) {
        ctx c{this, nullptr};
        ps_ident_stats_t s = {&c, docs, each, memo_.get()};
        char *name = nullptr;
        ps_status_t st = ps_ident_display_name(&s, type, id.c_str(), &name);
        if (c.err) {
            std::free(name);
            std::rethrow_exception(c.err);
        }
        if (st == PS_ENOMEM)
            throw std::bad_alloc();
        if (name)
            out = name;
        std::free(name);
    }
    return out;
}

ps__ident_view *ps__ident_db::view_table::find(std::string_view id, uint64_t h)
{
    if (slots_.empty())
        return nullptr;
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask; slots_[i]; i = (i + 1) & mask) {
        item &it = items_[slots_[i] - 1];
        if (it.hash == h && it.id == id)
            return &it.view;
    }
    return nullptr;
}

ps__ident_view &ps__ident_db::view_table::add(std::string_view id, uint64_t h,
                                              ps__ident_view &&v)
{
    /* At most half full, so a miss ends soon. */
    if (2 * (items_.size() + 1) > slots_.size()) {
        slots_.assign(slots_.empty() ? 64 : 2 * slots_.size(), 0);
        size_t mask = slots_.size() - 1;
        for (size_t k = 0; k < items_.size(); k++) {
            size_t i = items_[k].hash & mask;
            while (slots_[i])
                i = (i + 1) & mask;
            slots_[i] = (uint32_t)(k + 1);
        }
    }
    items_.push_back(item{h, std::string(id), std::move(v)});
    size_t mask = slots_.size() - 1, i = h & mask;
    while (slots_[i])
        i = (i + 1) & mask;
    slots_[i] = (uint32_t)items_.size();
    return items_.back().view;
}

const ps__ident_view &ps__ident_db::view(ps_entity_type_t type,
                                         std::string_view id)
{
    view_table &cache =
        views_[(int)type < 0 || type >= PS_ENT__COUNT ? 0 : type];
    uint64_t h = XXH3_64bits(id.data(), id.size());
    if (ps__ident_view *hit = cache.find(id, h))
        return *hit;
    std::string sid(id);
    ps__ident_view v;
    v.term = &resolve(term_of(type, sid));
    v.term_hash = XXH3_64bits(v.term->data(), v.term->size());
    if (!ps__entity_term_split(*v.term, &v.type, &v.id)) {
        v.type = type;
        v.id = sid;
    }
    return cache.add(id, h, std::move(v));
}

std::vector<std::string> ps__ident_db::people_named(const std::string &word)
{
    std::vector<std::string> ids;
    for (const char *pre : {PS_IDENT_P_FIRST, PS_IDENT_P_SURNAME}) {
        std::string p = std::string(pre) + word + ":";
        for (const auto &t : listing(p))
            ids.push_back(t.first.substr(p.size()));
    }
    return ids;
}

/* Whether the words of SLUG end WORDS (both '-'-joined, lower case). */
static bool ends_with_words(const std::string &words, const std::string &slug)
{
    return words == slug ||
           (words.size() > slug.size() &&
            words.compare(words.size() - slug.size(), slug.size(), slug) == 0 &&
            words[words.size() - slug.size() - 1] == '-');
}

/* NAME as the tagger's ids write it, near enough to compare surnames:
 * ASCII letters in lower case, every run of spaces or punctuation but an
 * apostrophe one '-'; other bytes (accented letters) as they are. */
static std::string name_words(const std::string &name)
{
    std::string out;
    for (unsigned char c : name) {
        if (c >= 'A' && c <= 'Z')
            out += (char)(c | 0x20);
        else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out += (char)c;
        else if (c == '\'')
            continue;
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out;
}

std::vector<std::string> ps__ident_db::people_surnamed(const std::string &slug)
{
    std::vector<std::string> ids;
    size_t dash = slug.rfind('-');
    if (dash == std::string::npos || dash + 1 >= slug.size())
        return ids;
    std::string p =
        std::string(PS_IDENT_P_SURNAME) + slug.substr(dash + 1) + ":";
    for (const auto &t : listing(p)) {
        std::string id = t.first.substr(p.size());
        bool match = ends_with_words(id, slug);
        /* A middle word of the surname is not in the id ("enrique-nieto"):
         * the names the articles wrote are asked. */
        std::string np =
            std::string(PS_IDENT_P_NAME) + term_of(PS_ENT_PERSON, id) + "\t";
        if (!match)
            for (const auto &n : listing(np))
                if ((match = ends_with_words(
                         name_words(n.first.substr(np.size())), slug)))
                    break;
        if (match)
            ids.push_back(id);
    }
    return ids;
}

/* ps__place_demonyms()'s callback: collects the words. No exception
 * may unwind through the C caller, so running out of memory stops it and
 * is rethrown after. */
struct words_found {
    std::vector<std::string> words;
    bool nomem = false;
};

static int add_word(void *arg, const char *word)
{
    auto *f = static_cast<words_found *>(arg);
    try {
        f->words.push_back(word);
    } catch (const std::bad_alloc &) {
        f->nomem = true;
        return 1;
    }
    return 0;
}

/* Adds to IDS the other spellings of person ID's name the index holds
 * ("volodymyr-zelensky" for "volodymyr-zelenskyy", "joseph-biden" for
 * "joe-biden") and their surnames and first names alone, which may
 * resolve to it (ident_spelling.c). */
void ps__ident_db::spellings(const std::string &id, std::set<std::string> &ids)
{
    std::vector<std::string> w = words_of(id);
    char buf[PS_IDENT_MAX + 1], base[PS_IDENT_MAX + 1];
    size_t n =
        ps__ident_spelling_prefix(w.back().c_str(), w.back().size(), buf);
    if (!n)
        return;
    std::string p(buf, n);
    for (const auto &entry : listing(p)) {
        const std::string &t = entry.first;
        size_t colon = t.find(':');
        if (colon == std::string::npos || t.size() - colon - 1 > PS_IDENT_MAX)
            continue;
        ps_ident_person_id(t.c_str() + colon + 1, base);
        if (!ps__ident_same_spelling(base, id.c_str()))
            continue;
        ids.insert(base);
        ids.insert(t.substr(colon + 1)); /* as written: "joseph-r-biden" */
        size_t pl = std::strlen(PS_IDENT_P_SURNAME);
        ids.insert(t.substr(pl, colon - pl));
        ids.insert(std::string(base, std::strcspn(base, "-")));
    }
    /* A surname spelt otherwise that no article gives a first name
     * ("Zelenskiy"): an entity term of one word under the same letters. */
    if (p.back() == ':')
        return;
    char fw[PS_IDENT_MAX + 1], fo[PS_IDENT_MAX + 1];
    ps__ident_fold(w.back().c_str(), fw);
    std::string ep =
        term_of(PS_ENT_PERSON, p.substr(std::strlen(PS_IDENT_P_SURNAME)));
    size_t el = std::strlen(ps_entity_type_prefix(PS_ENT_PERSON));
    for (const auto &entry : listing(ep)) {
        std::string one = entry.first.substr(el);
        if (one.find('-') != std::string::npos || one.size() > PS_IDENT_MAX)
            continue;
        ps__ident_fold(one.c_str(), fo);
        if (std::strcmp(fo, fw) == 0)
            ids.insert(one);
    }
}

std::vector<std::string> ps__ident_db::members(const std::string &term)
{
    auto it = members_.find(term);
    if (it != members_.end())
        return it->second;
    std::vector<std::string> out = find_members(term);
    if (members_.size() >= MAX_ENTRIES)
        members_.clear();
    members_.emplace(term, out);
    return out;
}

std::vector<std::string> ps__ident_db::find_members(const std::string &term)
{
    std::vector<std::string> out{term};
    ps_entity_type_t type;
    std::string id;
    if (!ps__entity_term_split(term, &type, &id))
        return out;
    std::set<std::string> ids{id}, seen{term};
    std::vector<std::string> w = words_of(id);
    if (type == PS_ENT_PERSON && w.size() >= 2) {
        /* Its partial names; the indexer wrote no middle names, but
         * middle initials ("donald-j-trump"), found under the surname. */
        ids.insert(w.back());
        ids.insert(w[0]);
        ids.insert(w[0].substr(0, 1) + "-" + w.back());
        std::string p =
            std::string(PS_IDENT_P_SURNAME) + w.back() + ":" + w[0] + "-";
        for (const auto &t : listing(p))
            ids.insert(t.first.substr(p.size() - w[0].size() - 1));
        spellings(id, ids);
    } else if (w.size() == 1) {
        /* An acronym's long forms, listed under their initials. */
        std::string p = std::string(PS_IDENT_P_INITIALS) + id + ":";
        for (const auto &t : listing(p))
            ids.insert(t.first.substr(p.size()));
        if (type == PS_ENT_MISC)
            ids.insert(id + "s");
    }
    if (type == PS_ENT_PLACE) {
        /* Its nationality words ("germany" -> "german", "germans"), which
         * resolve to it when the index names it (ident_private.h). */
        words_found nat;
        ps__place_demonyms(id.c_str(), add_word, &nat);
        if (nat.nomem)
            throw std::bad_alloc();
        for (const std::string &n : nat.words) {
            ids.insert(n);
            ids.insert(n + "s");
            ids.insert(n + "-federation");
        }
        /* Its official names ("republic-of-ireland"). */
        for (const char *const *a = ps__ident_official; *a; a++) {
            ids.insert(std::string(*a) + "-of-" + id);
            ids.insert(std::string(*a) + "-republic-of-" + id);
        }
    }
    if (type != PS_ENT_PERSON) {
        /* Its written variants: with "The" before it, its abbreviations
         * and other names ("calif" for "california", "america" for
         * "us"). */
        words_found var;
        ps__ident_variants_of(type, id.c_str(), add_word, &var);
        if (var.nomem)
            throw std::bad_alloc();
        ids.insert(var.words.begin(), var.words.end());
    }
    if (type != PS_ENT_PERSON && w.size() >= 2) {
        /* The acronym its initials spell ("hk" for "hong-kong"), and
         * that acronym's other long forms. */
        char acr[64];
        if (ps__ident_initials(id.c_str(), acr)) {
            ids.insert(acr);
            std::string p = std::string(PS_IDENT_P_INITIALS) + acr + ":";
            for (const auto &t : listing(p))
                ids.insert(t.first.substr(p.size()));
        }
    }
    std::vector<std::string> cands;
    for (const std::string &i : ids)
        for (int t = 0; t < PS_ENT__COUNT; t++)
            cands.push_back(term_of((ps_entity_type_t)t, i));
    if (remote_)
        prefetch(cands);
    for (const std::string &cand : cands) {
        if (seen.count(cand) || freq(cand) == 0)
            continue;
        seen.insert(cand);
        if (resolve(cand) == term)
            out.push_back(cand);
    }
    return out;
}
