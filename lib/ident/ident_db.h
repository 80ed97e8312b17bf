/* Internal to the C++ shim: entity identity (psearch/ident.h) read from
 * an open index, local, sharded or remote: the statistics are Xapian's
 * term frequencies and term lists, which it sums over every shard. One
 * object per database handle and thread; it caches what it resolved, and
 * every term frequency and term list it read, until the handle moves to a
 * new revision (clear()): over remote shards each of those is a round
 * trip per shard, and a query or a result asks the same ones again; a
 * handle that asks for many reads the whole list of their prefix at once
 * (family()), local or remote. What it resolved, and the display names,
 * it also shares with the other handles of the process that read the
 * same revision of the same local shards (a daemon's worker threads):
 * each of those costs tens of block reads the first time, and every
 * thread would pay them again. */
#ifndef PSEARCH_IDENT_DB_H
#define PSEARCH_IDENT_DB_H

#ifndef __cplusplus
#error "ident_db.h is for the C++ shim only"
#endif

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "psearch/ident.h"

/* What an article's entity term shows as across the index. */
struct ps__ident_shared; /* below */

struct ps__ident_view {
    const std::string *term; /* the resolved term: its text is equal for
                              * one entity (not the pointer) */
    uint64_t term_hash;      /* XXH3 of *term, for the rows of a result */
    ps_entity_type_t type;
    std::string id;
    /* Its display name is display_name(*term), asked only of the
     * entities shown: an article may name thousands, and a result shows
     * ten (entity_rows.cc). */
};

class ps__ident_db
{
  public:
    /* KNOWN (may be NULL) maps the gazetteer's entity terms to their
     * names: those are never resolved to anything else. SHARDS (may be
     * NULL) are what DB is made of: when each is local, what is resolved
     * is shared with the process's other handles on their revision. */
    ps__ident_db(const Xapian::Database &db,
                 const std::map<std::string, std::string> *known,
                 const std::vector<Xapian::Database> *shards = nullptr)
        : db_(db), known_(known), shards_(shards)
    {
    }

    /* The entity term ("XPERSON:hillary-clinton") that entity term TERM
     * of an article ("XPERSON:clinton") stands for in the index. */
    const std::string &resolve(const std::string &term);

    /* The display name of resolved entity term TERM: the form most
     * articles give it, never capitals when another exists; "" when no
     * article named it (ident.h). */
    const std::string &display_name(const std::string &term);

    /* Every entity term of the index that resolves to the entity of
     * resolved term TERM, TERM first: the other types of its name, its
     * surname, first name and initial forms, the forms with a middle
     * name, the long forms of an acronym, a plural. */
    std::vector<std::string> members(const std::string &term);

    /* The person ids of the index with WORD as their first name or
     * surname ("hillary" -> "hillary-clinton"). */
    std::vector<std::string> people_named(const std::string &word);

    /* The person ids of the index whose id or written name ends with the
     * words of SLUG, a name of two words or more ("le-pen" ->
     * "marine-le-pen"; "pena-nieto" -> "enrique-nieto", written "Enrique
     * Peña Nieto"): a surname of several words typed alone. */
    std::vector<std::string> people_surnamed(const std::string &slug);

    /* The entity an article's entity of TYPE and ID shows as: resolved;
     * cached, so a result's hundred entities cost a hundred lookups. */
    const ps__ident_view &view(ps_entity_type_t type, std::string_view id);

    /* Asks the shards at once for the document frequencies of TERMS not
     * known yet, when they are remote (set_remote()): one search for no
     * results, whose statistics carry every term's frequency, costs one
     * round trip a shard, the shards side by side, where asking term by
     * term costs a round trip per term and shard, one after the other. */
    void prefetch(const std::vector<std::string> &terms);

    /* Asks at once (prefetch()) what resolving each of the entity terms
     * TERMS most likely reads, for those not resolved yet: a page of
     * results names hundreds of entities, each resolved once a revision.
     * With a thousand or more to resolve (a facet), local or remote, it
     * reads instead every identity and entity term of the index at once,
     * whose lists and counts answer the rest (family()). */
    void prefetch_resolve(const std::vector<std::string> &terms);

    /* How many documents hold TERM, remembered. */
    Xapian::doccount freq(const std::string &term);

    /* The terms starting with PREFIX and their document frequencies, in
     * byte order, remembered. */
    const std::vector<std::pair<std::string, Xapian::doccount>> &
    listing(const std::string &prefix);

    /* Whether a shard is remote: then prefetch() asks in one search. */
    void set_remote(bool remote)
    {
        remote_ = remote;
    }

    /* Forgets what was resolved: the index changed. */
    void clear()
    {
        resolved_.clear();
        names_.clear();
        for (auto &v : views_)
            v.clear();
        freq_.clear();
        lists_.clear();
        families_.clear();
        family_reads_.clear();
        members_.clear();
        ps_ident_memo_clear(memo_.get());
        shared_.reset();
        attached_ = false;
    }

    /* The most term frequencies, term lists or member lists remembered;
     * past it, that memory starts afresh. */
    static constexpr size_t MAX_ENTRIES = 65536;

  private:
    typedef std::vector<std::pair<std::string, Xapian::doccount>> term_list;
    /* Where listing(PREFIX) and freq() find PREFIX's terms without asking
     * the shards: the whole list of its identity or entity prefix, once
     * the handle has asked for enough of its lists (READ: this asks for
     * one more, and may read the list) or prefetch_resolve() read them;
     * NULL else. */
    const term_list *family(const std::string &prefix, bool read);
    /* The family of KEY (an identity or entity prefix), read whole now if
     * it is not yet. */
    const term_list &read_family(const std::string &key);
    /* Reads every family resolving asks for (prefetch_resolve()). */
    void read_families();

    /* Adds to IDS the other spellings of person ID's name, and their
     * surnames alone. */
    void spellings(const std::string &id, std::set<std::string> &ids);
    /* The display name of TERM from its own name terms alone. */
    std::string own_name(const std::string &term);

    /* members(TERM), asked of the index. */
    std::vector<std::string> find_members(const std::string &term);
    /* resolve(TERM) and display_name(TERM), asked of the index. */
    std::string find_resolved(const std::string &term);
    std::string find_name(const std::string &term);

    /* TERM's answer remembered in this handle's map MINE, else in the
     * revision's shared map THEIRS, else asked of the index with FIND and
     * remembered in both. */
    typedef std::unordered_map<std::string, std::string> memo;
    const std::string &
    remembered(memo ps__ident_db::*mine, memo ps__ident_shared::*theirs,
               std::string (ps__ident_db::*find)(const std::string &),
               const std::string &term);

    /* What the process's handles on this revision share; NULL when the
     * revision cannot be told for sure (a remote shard). */
    ps__ident_shared *shared();

    const Xapian::Database &db_;
    const std::map<std::string, std::string> *known_;
    std::unordered_map<std::string, std::string> resolved_, names_;
    /* view()'s memory of one entity type: open addressing over a deque,
     * whose elements never move, so the views handed out stay where they
     * are until clear(). A result asks it for each of its document's
     * entities, so one lookup is a slot and an element, not a bucket, a
     * chain and a node as std::unordered_map's. */
    class view_table
    {
      public:
        /* ID's view, hashed to H; NULL when not remembered. */
        ps__ident_view *find(std::string_view id, uint64_t h);
        /* Remembers V as ID's view, hashed to H; returns where it stays. */
        ps__ident_view &add(std::string_view id, uint64_t h,
                            ps__ident_view &&v);
        void clear()
        {
            items_.clear();
            slots_.clear();
        }

      private:
        struct item {
            uint64_t hash;
            std::string id;
            ps__ident_view view;
        };
        std::deque<item> items_;
        std::vector<uint32_t> slots_; /* an index into items_ + 1; 0 free */
    };
    view_table views_[PS_ENT__COUNT];
    std::unordered_map<std::string, Xapian::doccount> freq_;
    std::unordered_map<std::string,
                       std::vector<std::pair<std::string, Xapian::doccount>>>
        lists_;
    /* Every term of an identity or entity prefix ("ES", "XORG:"), read at
     * once when many of its lists are asked for (family()), and how many
     * were read one by one before that. */
    std::unordered_map<std::string, term_list> families_;
    std::unordered_map<std::string, unsigned> family_reads_;
    std::unordered_map<std::string, std::vector<std::string>> members_;
    /* What the resolver derived from this handle's statistics (ident.h);
     * NULL when there was no memory for it, which costs only time. */
    struct memo_free {
        void operator()(ps_ident_memo_t *m) const
        {
            ps_ident_memo_free(m);
        }
    };
    std::unique_ptr<ps_ident_memo_t, memo_free> memo_{ps_ident_memo_new()};
    bool remote_ = false;
    const std::vector<Xapian::Database> *shards_;
    std::shared_ptr<ps__ident_shared> shared_;
    bool attached_ = false; /* shared() was asked since clear() */
};

/* What the handles of one process share about one revision of an index
 * (ident_shared.cc): each handle keeps its own memory of what it
 * resolved, which answers without a lock; on a miss it asks this one
 * (under a lock), and only then the index. */
struct ps__ident_shared {
    std::mutex m;
    std::unordered_map<std::string, std::string> resolved, names;

    /* Copies KEY's value in MAP to OUT; false when it is not there. */
    bool find(std::unordered_map<std::string, std::string> &map,
              const std::string &key, std::string &out);
    /* Remembers VALUE for KEY in MAP; past ps__ident_db::MAX_ENTRIES, MAP
     * starts afresh (every handle holds copies, never references). */
    void add(std::unordered_map<std::string, std::string> &map,
             const std::string &key, const std::string &value);
};

/* Splits entity term TERM into its type and id; false when TERM is not
 * an entity term. */
bool ps__entity_term_split(const std::string &term, ps_entity_type_t *type,
                           std::string *id);

#endif
