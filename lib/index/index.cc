/* The writing half of the Xapian shim: builds Xapian documents from
 * analysed articles and stores them, under a writer lock, either in place
 * inside one transaction or in a new generation built aside and switched
 * in atomically through the index's stub file. */
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <xapian.h>
#include <xxhash.h>

#include "index/quote_terms.h"
#include "store/codec.h"
#include "store/layout.h"
#include "psearch/analyzer.h"
#include "psearch/index.h"
#include "index/shardw.h"
#include "store/shim.h"
#include "store/vocab.h"

namespace fs = std::filesystem;

/* Text written between two commits of a generation built aside. Xapian
 * holds a batch's postings in memory, about 23 bytes for each byte of
 * text, so 8 MiB keeps a build near 200 MiB whatever the corpus size. */
static const size_t REBUILD_BATCH_BYTES = 8u << 20;

/* Inside an incremental run's transaction Xapian cannot commit, but it
 * writes its buffers out every this many documents; its default of 10000
 * documents would hold over a gigabyte of postings. */
static const char FLUSH_THRESHOLD[] = "2000";

struct ps_index {
    std::string dir;
    std::string errmsg;
    int lockfd = -1;
    /* One database per shard; a document lives in the shard its path
     * hashes to. */
    std::vector<Xapian::WritableDatabase> dbs;
    unsigned gen = 0;      /* generation being written */
    unsigned live_gen = 0; /* generation the stub names, 0 for none */
    bool aside = false;    /* building a generation readers cannot see */
    bool in_txn = false;
    size_t pending = 0; /* bytes of text since the last commit */
    /* Entity names this handle has stored, by entity term. */
    std::unordered_map<std::string, std::string> named;
    /* A rebuild of several shards writes each on its own thread; empty
     * otherwise. While they run, only they touch dbs. */
    std::vector<std::unique_ptr<ps__shard_writer>> writers;
    /* What the index remembers of each file, read in one pass on the first
     * ps_index_stat() (see load_known()) and kept up to date by this
     * handle's own changes. */
    std::unordered_map<std::string, ps_filestat_t> known;
    bool known_loaded = false;
    /* Building one shard of a shared index (ps_index_open_part()): its
     * number PART of NPARTS, the folder it is written to and the folder
     * the stub named for it before ("" for none); NPARTS is 0 otherwise. */
    unsigned part = 0, nparts = 0;
    std::string part_path, old_part_path;
    int partlockfd = -1;
    /* "K\nword": words this handle has recorded in shard K's list of
     * its stem's words (see record_forms()). */
    std::unordered_set<std::string> forms;
};

static std::string gen_name(unsigned gen)
{
    return PS__GEN_PREFIX + std::to_string(gen);
}

/* A shard's folder, relative to the index directory. One shard is the
 * generation's folder itself, so unsharded indexes keep the plain layout
 * Xapian's tools open directly. */
static std::string shard_name(unsigned gen, unsigned shard, unsigned n)
{
    return n == 1
               ? gen_name(gen)
               : gen_name(gen) + "/" PS__SHARD_PREFIX + std::to_string(shard);
}

/* The shard a path belongs to: a stable hash, so a file stays in its
 * shard from run to run. */
static size_t shard_index(const ps_index_t *ix, const char *path)
{
    size_t n = ix->nparts ? 1 : ix->dbs.size();
    return n == 1 ? 0 : XXH64(path, std::strlen(path), 0) % n;
}

static Xapian::WritableDatabase &shard_of(ps_index_t *ix, const char *path)
{
    return ix->dbs[shard_index(ix, path)];
}

/* Documents queued per shard writer thread. */
const size_t WRITER_QUEUE = 32;

/* Waits for the shard writers to finish what they were given, so that the
 * calling thread may use the databases; throws a writer's failure. */
static void drain_writers(ps_index_t *ix)
{
    for (auto &w : ix->writers)
        w->drain();
}

static void set_metadata_all(ps_index_t *ix, const std::string &key,
                             const std::string &value)
{
    /* A sharded index is read through a stub that puts the shards side by
     * side, and Xapian answers metadata from the first one; every shard
     * carries it so any order works. */
    for (size_t k = 0; k < ix->dbs.size(); k++) {
        if (ix->writers.empty())
            ix->dbs[k].set_metadata(key, value);
        else
            ix->writers[k]->set_metadata(key, value);
    }
}

/* Commits every shard of a generation built aside; the writer threads
 * commit theirs side by side. */
static void commit_all(ps_index_t *ix)
{
    if (ix->writers.empty()) {
        for (auto &db : ix->dbs)
            ps__checkpoint(db);
        return;
    }
    for (auto &w : ix->writers)
        w->commit();
    drain_writers(ix);
}

/* The folders the stub names ("auto db.N", or one "auto db.N/shard.K"
 * line per shard, whose generations may differ when shards were built by
 * separate runs), in the stub's order; none without a stub. */
static std::vector<std::string> stub_paths(const std::string &dir)
{
    std::vector<std::string> v;
    FILE *f = std::fopen((dir + "/" PS__STUB).c_str(), "r");
    if (!f)
        return v;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        std::string l(line);
        l.erase(l.find_last_not_of(" \t\r\n") + 1);
        if (l.compare(0, 5 + std::strlen(PS__GEN_PREFIX),
                      "auto " PS__GEN_PREFIX) == 0)
            v.push_back(l.substr(5));
    }
    std::fclose(f);
    return v;
}

/* The generation number of a folder the stub names ("db.N/shard.K"). */
static unsigned gen_of(const std::string &path)
{
    unsigned n = 0;
    std::sscanf(path.c_str(), PS__GEN_PREFIX "%u", &n);
    return n;
}

/* Reads the stub and returns the newest generation it names, or 0 without
 * one; *SHARDS is its line count. */
static unsigned read_stub(const std::string &dir, unsigned *shards)
{
    std::vector<std::string> paths = stub_paths(dir);
    *shards = (unsigned)paths.size();
    unsigned gen = 0;
    for (const std::string &p : paths)
        gen = std::max(gen, gen_of(p));
    return gen;
}

/* Replaces the stub with BODY: write a temporary file, flush it to disk,
 * rename it over the old stub and flush the directory, so a crash leaves
 * either the old stub or the new one, never a torn one. */
static void replace_stub(const std::string &dir, const std::string &body)
{
    std::string tmp = dir + "/" PS__STUB ".tmp";
    int fd =
        ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Xapian::DatabaseError("cannot create " + tmp, errno);
    ssize_t n = ::write(fd, body.data(), body.size());
    int err = errno;
    if (n != (ssize_t)body.size() || ::fsync(fd) != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Xapian::DatabaseError("cannot write " + tmp, n < 0 ? err : EIO);
    }
    ::close(fd);
    if (::rename(tmp.c_str(), (dir + "/" PS__STUB).c_str()) != 0)
        throw Xapian::DatabaseError("cannot rename " + tmp, errno);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

/* Points the stub at generation GEN. */
static void write_stub(const std::string &dir, unsigned gen, unsigned shards)
{
    std::string body;
    for (unsigned k = 0; k < shards; k++)
        body += "auto " + shard_name(gen, k, shards) + "\n";
    replace_stub(dir, body);
}

/* Removes generations the stub does not name: what a killed --full left
 * behind, or what a switch could not delete. Only a lock holder calls it. */
static void remove_stale_gens(const std::string &dir)
{
    std::vector<std::string> keep;
    for (const std::string &p : stub_paths(dir))
        keep.push_back(gen_name(gen_of(p)));
    std::error_code ec;
    for (const auto &ent : fs::directory_iterator(dir, ec)) {
        std::string name = ent.path().filename().string();
        if (name.rfind(PS__GEN_PREFIX, 0) != 0)
            continue;
        if (std::find(keep.begin(), keep.end(), name) != keep.end())
            continue;
        fs::remove_all(ent.path(), ec);
    }
}

static unsigned highest_gen(const std::string &dir)
{
    unsigned hi = 0;
    std::error_code ec;
    for (const auto &ent : fs::directory_iterator(dir, ec)) {
        unsigned n;
        std::string name = ent.path().filename().string();
        if (std::sscanf(name.c_str(), PS__GEN_PREFIX "%u", &n) == 1 && n > hi)
            hi = n;
    }
    return hi;
}

/* Takes the writers' lock without waiting. flock() locks die with the
 * process, so a writer killed with SIGKILL never leaves the index locked. */
static ps_status_t take_lock(ps_index_t *ix)
{
    std::string path = ix->dir + "/" PS__LOCK;
    ix->lockfd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (ix->lockfd < 0) {
        ix->errmsg = "cannot open " + path + ": " + std::strerror(errno);
        return PS_EIO;
    }
    if (::flock(ix->lockfd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        char buf[32] = "";
        ssize_t n = ::pread(ix->lockfd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        buf[std::strcspn(buf, "\n")] = '\0';
        if (err == EWOULDBLOCK) {
            ix->errmsg = "another writer holds " + path +
                         (buf[0] ? std::string(" (pid ") + buf + ")" : "");
            return PS_ELOCKED;
        }
        ix->errmsg = "cannot lock " + path + ": " + std::strerror(err);
        return PS_EIO;
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(ix->lockfd, 0) == 0 &&
        ::pwrite(ix->lockfd, pid.data(), pid.size(), 0) < 0) {
        /* The pid is only a courtesy for the other writer's message. */
    }
    return PS_OK;
}

/* The shard number of a folder the stub names: K of "db.N/shard.K", 0
 * for an unsharded "db.N". */
static unsigned shard_number(const std::string &path)
{
    size_t at = path.find("/" PS__SHARD_PREFIX);
    return at == std::string::npos
               ? 0
               : (unsigned)std::strtoul(
                     path.c_str() + at + 1 + std::strlen(PS__SHARD_PREFIX),
                     nullptr, 10);
}

static void open_generation(ps_index_t *ix, bool rebuild, unsigned shards)
{
    /* Xapian reads its flush threshold from the environment when a
     * database is opened; a value the user set is kept. */
    setenv("XAPIAN_FLUSH_THRESHOLD", FLUSH_THRESHOLD, 0);
    unsigned live_shards;
    ix->live_gen = read_stub(ix->dir, &live_shards);
    remove_stale_gens(ix->dir);
    if (!rebuild && ix->live_gen && shards && shards != live_shards)
        throw Xapian::InvalidArgumentError(
            "the index has " + std::to_string(live_shards) +
            " shard(s); changing that to " + std::to_string(shards) +
            " needs a rebuild with --full");
    if (rebuild || ix->live_gen == 0) {
        unsigned n = shards ? shards : live_shards ? live_shards : 1;
        ix->gen = std::max(ix->live_gen, highest_gen(ix->dir)) + 1;
        ix->aside = true;
        if (n > 1)
            fs::create_directories(ix->dir + "/" + gen_name(ix->gen));
        for (unsigned k = 0; k < n; k++)
            ix->dbs.emplace_back(ix->dir + "/" + shard_name(ix->gen, k, n),
                                 Xapian::DB_CREATE_OR_OVERWRITE |
                                     Xapian::DB_BACKEND_GLASS);
        /* Each batch is a transaction, committed by ps__checkpoint(): a
         * build given up is then cancelled rather than written out, which
         * Xapian 1.4 may fail to do without aborting when the disk is full
         * or the file too large. */
        for (auto &db : ix->dbs)
            db.begin_transaction(false);
        ix->in_txn = true;
        if (n > 1)
            for (auto &db : ix->dbs)
                ix->writers.emplace_back(
                    new ps__shard_writer(db, WRITER_QUEUE));
        set_metadata_all(ix, PS__META_FORMAT, PS__FORMAT);
        set_metadata_all(ix, PS__META_SHARDS, std::to_string(n));
        return;
    }
    ix->gen = ix->live_gen;
    for (const std::string &path : stub_paths(ix->dir)) {
        ix->dbs.emplace_back(ix->dir + "/" + path, Xapian::DB_OPEN);
        std::string fmt = ix->dbs.back().get_metadata(PS__META_FORMAT);
        if (fmt != PS__FORMAT)
            throw Xapian::DatabaseVersionError(
                "index format '" + fmt +
                "', this psearch reads '" PS__FORMAT
                "'; rebuild it with --full");
        /* Shards built by --shard runs are listed as they are done: a
         * path's shard is its hash modulo the count, so every shard must
         * be there, in order, before the whole index can be written. */
        std::string want = ix->dbs.back().get_metadata(PS__META_SHARDS);
        if (live_shards > 1 &&
            (shard_number(path) != ix->dbs.size() - 1 ||
             want != std::to_string(live_shards)))
            throw Xapian::InvalidArgumentError(
                "the index's stub lists " + std::to_string(live_shards) +
                " of its " + want + " shards (some --shard K run has not "
                "finished yet); finish them, or rebuild with --full");
    }
    /* Unflushed transactions: Xapian may spill postings to disk when its
     * buffers fill, but readers see nothing until the commit. */
    for (auto &db : ix->dbs)
        db.begin_transaction(false);
    ix->in_txn = true;
}

/* Takes an flock() on PATH without waiting, keeping the descriptor in
 * *FD; EXCLUSIVE or shared. */
static ps_status_t lock_file(ps_index_t *ix, const std::string &path, int *fd,
                             bool exclusive)
{
    *fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0) {
        ix->errmsg = "cannot open " + path + ": " + std::strerror(errno);
        return PS_EIO;
    }
    if (::flock(*fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        return PS_OK;
    int err = errno;
    if (err == EWOULDBLOCK) {
        ix->errmsg = "another writer holds " + path;
        return PS_ELOCKED;
    }
    ix->errmsg = "cannot lock " + path + ": " + std::strerror(err);
    return PS_EIO;
}

/* Opens shard PART of an index of NPARTS shards for a writer of that shard
 * alone. Writers of different shards run at once (on several machines
 * sharing the index's storage): each holds the writers' lock shared, which
 * keeps out a writer of the whole index, and a lock of its own shard. */
static void open_part(ps_index_t *ix, bool rebuild, unsigned nparts,
                      unsigned part)
{
    setenv("XAPIAN_FLUSH_THRESHOLD", FLUSH_THRESHOLD, 0);
    ix->nparts = nparts;
    ix->part = part;
    std::string mine;
    unsigned newest = 0;
    for (const std::string &p : stub_paths(ix->dir)) {
        if (p.find("/" PS__SHARD_PREFIX) == std::string::npos ||
            shard_number(p) >= nparts)
            throw Xapian::InvalidArgumentError(
                "the index is not one of " + std::to_string(nparts) +
                " shards (its stub names " + p +
                "); rebuild it with --shards " + std::to_string(nparts) +
                " --full");
        if (shard_number(p) == part)
            mine = p;
        newest = std::max(newest, gen_of(p));
    }
    if (!rebuild && !mine.empty()) {
        ix->part_path = mine;
        ix->gen = ix->live_gen = gen_of(mine);
        ix->dbs.emplace_back(ix->dir + "/" + mine, Xapian::DB_OPEN);
        Xapian::WritableDatabase &db = ix->dbs.back();
        if (db.get_metadata(PS__META_FORMAT) != PS__FORMAT)
            throw Xapian::DatabaseVersionError(
                "index format '" + db.get_metadata(PS__META_FORMAT) +
                "', this psearch writes '" PS__FORMAT "'; rebuild it with "
                "--full");
        if (db.get_metadata(PS__META_SHARDS) != std::to_string(nparts))
            throw Xapian::InvalidArgumentError(
                "the index has " + db.get_metadata(PS__META_SHARDS) +
                " shard(s); changing that needs a rebuild with --full");
        db.begin_transaction(false);
        ix->in_txn = true;
        return;
    }
    /* A new folder in a generation of its own: writers of other shards may
     * be building theirs beside it, and two that pick the same number use
     * different folders in it. */
    ix->old_part_path = mine;
    ix->gen = std::max(newest, highest_gen(ix->dir)) + 1;
    fs::create_directories(ix->dir + "/" + gen_name(ix->gen));
    ix->part_path =
        gen_name(ix->gen) + "/" PS__SHARD_PREFIX + std::to_string(part);
    ix->dbs.emplace_back(ix->dir + "/" + ix->part_path,
                         Xapian::DB_CREATE_OR_OVERWRITE |
                             Xapian::DB_BACKEND_GLASS);
    ix->aside = true;
    ix->dbs.back().begin_transaction(false);
    ix->in_txn = true;
    set_metadata_all(ix, PS__META_FORMAT, PS__FORMAT);
    set_metadata_all(ix, PS__META_SHARDS, std::to_string(nparts));
}

/* Names the shard built aside in the stub in place of the folder it had,
 * under a lock of the stub's own, since writers of other shards may switch
 * theirs at the same moment; then removes the old folder. The stub lists
 * the shards in order, and only those built so far. */
static void switch_part(ps_index_t *ix)
{
    std::string lock = ix->dir + "/" PS__STUB ".lock";
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
        int err = errno;
        if (fd >= 0)
            ::close(fd);
        throw Xapian::DatabaseError("cannot lock " + lock, err);
    }
    try {
        std::map<unsigned, std::string> lines;
        for (const std::string &p : stub_paths(ix->dir))
            lines[shard_number(p)] = p;
        lines[ix->part] = ix->part_path;
        std::string body;
        for (const auto &l : lines)
            body += "auto " + l.second + "\n";
        replace_stub(ix->dir, body);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    if (!ix->old_part_path.empty()) {
        std::error_code ec;
        fs::remove_all(ix->dir + "/" + ix->old_part_path, ec);
        /* Removes the old generation's folder once no shard is left in it. */
        fs::remove(ix->dir + "/" + gen_name(gen_of(ix->old_part_path)), ec);
    }
}

extern "C" ps_status_t ps_index_open_part(const char *dir, unsigned flags,
                                          unsigned shards, unsigned shard,
                                          ps_index_t **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (shards < 2 || shard >= shards) {
        if (errmsg)
            *errmsg = ps__strdup("--shard K needs --shards N with N >= 2 and "
                                 "K < N");
        return PS_EINVAL;
    }
    ps_index_t *ix = new (std::nothrow) ps_index_t;
    if (!ix)
        return PS_ENOMEM;
    ps_status_t st = PS_OK;
    try {
        ix->dir = dir;
        std::error_code ec;
        fs::create_directories(ix->dir, ec);
        if (ec) {
            ix->errmsg = "cannot create " + ix->dir + ": " + ec.message();
            st = PS_EIO;
        } else {
            st = lock_file(ix, ix->dir + "/" PS__LOCK, &ix->lockfd, false);
            if (st == PS_OK)
                st = lock_file(ix,
                               ix->dir + "/" PS__LOCK "." +
                                   std::to_string(shard),
                               &ix->partlockfd, true);
        }
        if (st == PS_OK)
            open_part(ix, flags & PS_INDEX_REBUILD, shards, shard);
    } catch (...) {
        st = ps__fail(ix->errmsg, dir);
    }
    if (st != PS_OK) {
        if (errmsg)
            *errmsg = ps__strdup(ix->errmsg);
        ps_index_close(ix);
        return st;
    }
    *out = ix;
    return PS_OK;
}

extern "C" int ps_index_owns(const ps_index_t *ix, const char *path)
{
    return !ix->nparts ||
           XXH64(path, std::strlen(path), 0) % ix->nparts == ix->part;
}

extern "C" ps_status_t ps_index_open(const char *dir, unsigned flags,
                                     unsigned shards, ps_index_t **out,
                                     char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    ps_index_t *ix = new (std::nothrow) ps_index_t;
    if (!ix)
        return PS_ENOMEM;
    ps_status_t st = PS_OK;
    try {
        ix->dir = dir;
        std::error_code ec;
        fs::create_directories(ix->dir, ec);
        if (ec) {
            ix->errmsg = "cannot create " + ix->dir + ": " + ec.message();
            st = PS_EIO;
        } else {
            st = take_lock(ix);
        }
        if (st == PS_OK)
            open_generation(ix, flags & PS_INDEX_REBUILD, shards);
    } catch (...) {
        st = ps__fail(ix->errmsg, dir);
    }
    if (st != PS_OK) {
        if (errmsg)
            *errmsg = ps__strdup(ix->errmsg);
        ps_index_close(ix);
        return st;
    }
    *out = ix;
    return PS_OK;
}

extern "C" const char *ps_index_errmsg(const ps_index_t *ix)
{
    return ix->errmsg.c_str();
}

extern "C" int ps_index_rebuilding(const ps_index_t *ix)
{
    return ix->aside;
}

static Xapian::docid find_doc(Xapian::WritableDatabase &db,
                              const std::string &idterm)
{
    Xapian::PostingIterator it = db.postlist_begin(idterm);
    return it == db.postlist_end(idterm) ? 0 : *it;
}

static std::string mtime_value(const ps_filestat_t *st)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%09lld", (long long)st->mtime_sec,
                  (long long)st->mtime_nsec);
    return buf;
}

static void set_stat_values(Xapian::Document &doc, const ps_filestat_t *st)
{
    char buf[32];
    doc.add_value(PS__V_MTIME, mtime_value(st));
    std::snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->size);
    doc.add_value(PS__V_SIZE, buf);
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)st->hash);
    doc.add_value(PS__V_HASH, buf);
}

/* The value of document DID from IT, an iterator over one value slot that
 * only moves forward, as documents are visited in order; "" if DID has
 * none. */
static std::string value_at(Xapian::ValueIterator &it,
                            const Xapian::ValueIterator &end,
                            Xapian::docid did)
{
    if (it != end && it.get_docid() < did)
        it.skip_to(did);
    return it != end && it.get_docid() == did ? *it : std::string();
}

/* Reads what every shard remembers of its files. A nightly run looks up
 * every file of the corpus; one lookup each (a posting list, then three
 * values) took most of a run with 1% changed, while the value streams read
 * in document order take a fraction of that. */
static void load_known(ps_index_t *ix)
{
    ix->known.clear();
    for (auto &db : ix->dbs) {
        Xapian::ValueIterator p = db.valuestream_begin(PS__V_PATH),
                              pend = db.valuestream_end(PS__V_PATH),
                              m = db.valuestream_begin(PS__V_MTIME),
                              mend = db.valuestream_end(PS__V_MTIME),
                              z = db.valuestream_begin(PS__V_SIZE),
                              zend = db.valuestream_end(PS__V_SIZE),
                              h = db.valuestream_begin(PS__V_HASH),
                              hend = db.valuestream_end(PS__V_HASH);
        for (; p != pend; ++p) {
            Xapian::docid did = p.get_docid();
            long long sec = 0, nsec = 0;
            unsigned long long size = 0, hash = 0;
            std::sscanf(value_at(m, mend, did).c_str(), "%lld.%lld", &sec,
                        &nsec);
            std::sscanf(value_at(z, zend, did).c_str(), "%llu", &size);
            std::sscanf(value_at(h, hend, did).c_str(), "%llx", &hash);
            ps_filestat_t st{};
            st.mtime_sec = sec;
            st.mtime_nsec = nsec;
            st.size = size;
            st.hash = hash;
            ix->known[*p] = st;
        }
    }
    ix->known_loaded = true;
}

extern "C" ps_status_t ps_index_stat(ps_index_t *ix, const char *path,
                                     ps_filestat_t *st)
{
    try {
        drain_writers(ix);
        if (!ix->known_loaded)
            load_known(ix);
        auto it = ix->known.find(path);
        if (it == ix->known.end())
            return PS_ENOTFOUND;
        *st = it->second;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, path);
    }
}

extern "C" ps_status_t ps_index_touch(ps_index_t *ix, const char *path,
                                      const ps_filestat_t *st)
{
    try {
        drain_writers(ix);
        Xapian::WritableDatabase &db = shard_of(ix, path);
        Xapian::docid id = find_doc(db, ps__id_term(path));
        if (!id)
            return PS_ENOTFOUND;
        Xapian::Document doc = db.get_document(id);
        set_stat_values(doc, st);
        db.replace_document(id, doc);
        if (ix->known_loaded)
            ix->known[path] = *st;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, path);
    }
}

/* Adds the words T[0, N) with positions, and, under STEM_PREFIX (if not
 * NULL), their stems with positions too. Body words go without stems:
 * the words of a stem are listed in each shard's metadata
 * (record_forms()), which halves what Xapian has to write. */
static void add_terms(Xapian::Document &doc, const ps_token_t *t, size_t n,
                      const char *raw_prefix, const char *stem_prefix)
{
    std::string term;
    for (size_t i = 0; i < n; i++) {
        if (t[i].term_len == 0 || t[i].term_len > PS__MAX_TERM)
            continue;
        term.assign(raw_prefix).append(t[i].term, t[i].term_len);
        doc.add_posting(term, t[i].pos);
        if (stem_prefix) {
            term.assign(stem_prefix).append(t[i].stem, t[i].stem_len);
            doc.add_posting(term, t[i].pos);
        }
    }
}

/* The most words record_forms() remembers before starting afresh: enough
 * to see most repeats, bounded so a huge vocabulary cannot grow memory. */
const size_t MAX_FORMS_REMEMBERED = 262144;

/* Adds WORD to the sorted list of words of its stem that DB keeps under
 * KEY (ps__forms_key()), unless it is there already. */
static void add_form(Xapian::WritableDatabase &db, const std::string &key,
                     const std::string &word)
{
    std::string v = db.get_metadata(key);
    size_t i = 0;
    while (i < v.size()) {
        size_t nl = v.find('\n', i);
        if (nl == std::string::npos)
            nl = v.size();
        int c = v.compare(i, nl - i, word);
        if (c == 0)
            return;
        if (c > 0)
            break;
        i = nl + 1;
    }
    if (i >= v.size())
        v += (v.empty() ? "" : "\n") + word;
    else
        v.insert(i, word + "\n");
    db.set_metadata(key, v);
}

/* Records, for each body word new to this handle, that shard K holds a
 * word of its stem: each shard lists under ps__forms_key(stem) its words
 * with that stem ("run", "runs", "running"), which the query parser merges
 * across shards and searches together wherever the stem is asked for.
 * Words of documents since removed stay: they only match nothing. */
static void record_forms(ps_index_t *ix, size_t k, const ps_token_t *t,
                         size_t n)
{
    std::string word, seen, stem;
    std::string shard = std::to_string(k) + "\n";
    for (size_t i = 0; i < n; i++) {
        /* A compound whole is searched through its parts, never as a stem
         * (learn_vocabulary() leaves it out too). */
        if (t[i].term_len == 0 || t[i].term_len > PS__MAX_TERM ||
            (t[i].flags & PS_TOK_COMPOUND))
            continue;
        word.assign(t[i].term, t[i].term_len);
        seen.assign(shard).append(word);
        if (ix->forms.count(seen))
            continue;
        if (ix->forms.size() >= MAX_FORMS_REMEMBERED)
            ix->forms.clear();
        std::string key = ps__forms_key(std::string(t[i].stem, t[i].stem_len));
        if (key.size() <= PS__MAX_META_KEY)
            add_form(ix->dbs[k], key, word);
        ix->forms.insert(seen);
    }
}

static void json_put_span(json_t *o, const char *key, const ps_span_t *s)
{
    if (s->len)
        json_object_set_new(o, key, json_stringn(s->ptr, s->len));
}

/* The JSON head of the document data: the article's metadata. */
static std::string data_head(const ps_docrec_t *r)
{
    json_t *o = json_object();
    if (!o)
        throw std::bad_alloc();
    json_object_set_new(o, "path", json_string(r->path));
    json_put_span(o, "title", &r->article->title);
    json_put_span(o, "date", &r->article->date);
    json_put_span(o, "source", &r->article->source);
    json_put_span(o, "url", &r->article->url);
    json_object_set_new(o, "body",
                        json_integer((json_int_t)r->article->body_offset));
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!s)
        throw std::bad_alloc();
    std::string head(s);
    std::free(s);
    return head;
}

/* Folds the title into the body's words as a field of its own, BM25F's
 * way: each title word counts PS__TITLE_WDF times in its body term's
 * within-document frequency (and so in the document's length), so a
 * title hit weighs more than a body hit without a separate score per
 * query word. A title on the body's first line is already counted once
 * there. Positions stay those of the text, for phrases and hits. */
static void add_title_weight(Xapian::Document &doc, const ps_docrec_t *r)
{
    const ps_article_t *a = r->article;
    bool in_body = a->title.len && a->title.offset >= a->body_offset;
    Xapian::termcount extra = PS__TITLE_WDF - (in_body ? 1 : 0);
    if (!extra)
        return;
    std::string term;
    for (size_t i = 0; i < r->ntitle_tokens; i++) {
        const ps_token_t *t = &r->title_tokens[i];
        if (t->term_len == 0 || t->term_len > PS__MAX_TERM)
            continue;
        term.assign(t->term, t->term_len);
        doc.add_term(term, extra);
    }
}

static Xapian::Document build_doc(const ps_docrec_t *r,
                                  const std::string &idterm)
{
    Xapian::Document doc;
    add_terms(doc, r->tokens, r->ntokens, "", nullptr);
    add_terms(doc, r->title_tokens, r->ntitle_tokens, PS__P_TITLE,
              PS__P_TITLE_STEM);
    add_title_weight(doc, r);
    ps__add_quote_terms(doc, r);
    std::string term;
    for (size_t i = 0; i < r->nentities; i++) {
        const ps_entity_t *e = &r->entities[i];
        term.assign(ps_entity_type_prefix(e->type)).append(e->id);
        if (term.size() > PS__MAX_TERM)
            continue;
        for (size_t k = 0; k < e->nmentions; k++)
            doc.add_posting(term, e->mentions[k].pos);
    }
    doc.add_boolean_term(idterm);

    const char *date = r->article->date_key;
    if (date[0]) {
        doc.add_boolean_term(std::string(PS__P_YEAR) + std::string(date, 4));
        doc.add_boolean_term(std::string(PS__P_MONTH) + std::string(date, 6));
        doc.add_boolean_term(std::string(PS__P_DAY) + date);
        doc.add_value(PS__V_DATE, date);
    }
    doc.add_value(PS__V_PATH, r->path);
    const ps_span_t *title = &r->article->title;
    doc.add_value(PS__V_TITLE,
                  std::string(title->ptr ? title->ptr : "", title->len));
    set_stat_values(doc, &r->stat);
    doc.add_value(PS__V_SPANS, ps__encode_spans(r->tokens, r->ntokens));
    doc.add_value(PS__V_ENTITIES,
                  ps__encode_entities(r->entities, r->nentities));

    std::string data = data_head(r);
    doc.set_data(data);
    /* The text goes in a value: Xapian compresses document data with zlib,
     * which cost a tenth of indexing and a quarter of every search. */
    doc.add_value(PS__V_TEXT, std::string(r->text, r->len));
    return doc;
}

/* Remembers the display name of every entity term, so facets can name
 * entities the gazetteer does not know without reading documents. Of the
 * names an entity is met with, the least in byte order is kept: a choice
 * that does not depend on the order of the documents, so indexes built
 * apart from parts of a corpus name it as one index of it would (readers
 * take the least of the shards' names too). */
static void store_names(ps_index_t *ix, const ps_docrec_t *r)
{
    std::string term;
    for (size_t i = 0; i < r->nentities; i++) {
        const ps_entity_t *e = &r->entities[i];
        term.assign(ps_entity_type_prefix(e->type)).append(e->id);
        std::string key = PS__META_NAME + term;
        if (key.size() > PS__MAX_META_KEY)
            continue;
        auto it = ix->named.find(term);
        if (it == ix->named.end()) {
            /* The name stored before this handle, if any, counts too. In a
             * generation built aside there is none, and writer threads may
             * own the shards. */
            std::string old =
                ix->aside ? std::string() : ix->dbs[0].get_metadata(key);
            it = ix->named.emplace(term, old).first;
        }
        if (it->second.empty() || it->second.compare(e->name) > 0) {
            it->second = e->name;
            set_metadata_all(ix, key, e->name);
        }
    }
}

/* Stems recorded by learn_vocabulary() between two commits of a shard,
 * which bounds the memory Xapian's pending metadata changes take on a
 * large vocabulary. */
const size_t VOCABULARY_BATCH = 100000;

/* Fills the lists of each stem's words (record_forms()) of a generation
 * built aside from each shard's vocabulary, in one pass once every
 * document is in. Doing it per document cost a third of the indexing
 * time: a hash lookup per word read and a metadata rewrite per new word. */
static void learn_vocabulary(ps_index_t *ix)
{
    ps_analyzer_t *an = nullptr;
    if (ps_analyzer_new(&an) != PS_OK)
        throw std::bad_alloc();
    std::unique_ptr<ps_analyzer_t, void (*)(ps_analyzer_t *)> guard(
        an, ps_analyzer_free);
    for (auto &db : ix->dbs) {
        /* Words come in byte order, so each stem's list comes out sorted. */
        std::map<std::string, std::string> lists;
        for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
            std::string word = *t;
            /* Prefixed terms start with an upper-case letter: skip them
             * all, to the plain words after 'Z' (lower case, non-ASCII). */
            if (word[0] >= 'A' && word[0] <= 'Z') {
                t.skip_to("[");
                if (t == db.allterms_end())
                    break;
                word = *t;
            }
            std::string stem = ps__stem_of(an, word);
            if (stem.empty())
                continue;
            std::string &v = lists[stem];
            v += (v.empty() ? "" : "\n") + word;
        }
        size_t batch = 0;
        for (const auto &l : lists) {
            std::string key = ps__forms_key(l.first);
            if (key.size() > PS__MAX_META_KEY)
                continue;
            db.set_metadata(key, l.second);
            if (++batch == VOCABULARY_BATCH) {
                ps__checkpoint(db);
                batch = 0;
            }
        }
    }
}

extern "C" ps_status_t ps_index_set_gazetteer(ps_index_t *ix, const char *text,
                                              size_t len)
{
    try {
        set_metadata_all(ix, PS__META_GAZETTEER, std::string(text, len));
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "storing the gazetteer");
    }
}

extern "C" ps_status_t ps_index_put(ps_index_t *ix, const ps_docrec_t *rec)
{
    try {
        std::string idterm = ps__id_term(rec->path);
        size_t k = shard_index(ix, rec->path);
        Xapian::WritableDatabase &db = ix->dbs[k];
        Xapian::Document doc = build_doc(rec, idterm);
        /* A generation built aside learns its words once, at the end
         * (learn_vocabulary()); an update learns those of its documents. */
        if (!ix->aside) {
            record_forms(ix, k, rec->tokens, rec->ntokens);
            /* A front-matter title's words are not in the body. */
            record_forms(ix, k, rec->title_tokens, rec->ntitle_tokens);
        }
        store_names(ix, rec);
        /* A generation built aside starts empty and sees each path once,
         * so it can skip the lookup replace_document() does. */
        if (!ix->writers.empty())
            ix->writers[k]->add(std::move(doc));
        else if (ix->aside)
            db.add_document(doc);
        else
            db.replace_document(idterm, doc);
        if (ix->known_loaded)
            ix->known[rec->path] = rec->stat;
        ix->pending += rec->len;
        if (ix->aside && ix->pending >= REBUILD_BATCH_BYTES) {
            if (ix->writers.empty()) {
                commit_all(ix);
            } else {
                /* Queued, not awaited: the writers go on side by side. */
                for (auto &w : ix->writers)
                    w->commit();
            }
            ix->pending = 0;
        }
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, rec->path);
    }
}

extern "C" ps_status_t ps_index_remove(ps_index_t *ix, const char *path)
{
    try {
        drain_writers(ix);
        std::string idterm = ps__id_term(path);
        Xapian::WritableDatabase &db = shard_of(ix, path);
        Xapian::docid id = find_doc(db, idterm);
        if (!id)
            return PS_ENOTFOUND;
        db.delete_document(idterm);
        ix->known.erase(path);
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, path);
    }
}

extern "C" ps_status_t ps_index_foreach_path(ps_index_t *ix, const char *prefix,
                                             int (*fn)(const char *, void *),
                                             void *ctx)
{
    try {
        drain_writers(ix);
        std::string path;
        size_t plen = std::strlen(prefix);
        for (auto &db : ix->dbs) {
            for (auto t = db.allterms_begin(PS__P_ID);
                 t != db.allterms_end(PS__P_ID); ++t) {
                const std::string &term = *t;
                if (term.size() > 1 && term[1] == '#') {
                    /* A hashed id: the path is in the document's values. */
                    Xapian::PostingIterator p = db.postlist_begin(term);
                    if (p == db.postlist_end(term))
                        continue;
                    path = db.get_document(*p).get_value(PS__V_PATH);
                } else {
                    path.assign(term, 1, std::string::npos);
                }
                if (path.compare(0, plen, prefix) != 0)
                    continue;
                if (fn(path.c_str(), ctx))
                    return PS_OK;
            }
        }
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "listing paths");
    }
}

extern "C" ps_status_t ps_index_doccount(ps_index_t *ix, uint64_t *out)
{
    try {
        drain_writers(ix);
        uint64_t n = 0;
        for (auto &db : ix->dbs)
            n += db.get_doccount();
        *out = n;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "counting documents");
    }
}

extern "C" ps_status_t ps_index_commit(ps_index_t *ix)
{
    try {
        /* Ending an unflushed transaction only applies its changes;
         * commit() then makes them durable and visible. */
        /* Each shard commits atomically; a reader of a sharded index may
         * see one shard's new revision a moment before another's. */
        if (ix->aside) {
            commit_all(ix);
            ix->writers.clear();
            learn_vocabulary(ix);
        }
        for (auto &db : ix->dbs) {
            if (ix->in_txn)
                db.commit_transaction();
            db.commit();
        }
        ix->in_txn = false;
        if (ix->aside) {
            /* The new generation is complete on disk: point the stub at it,
             * then drop the old one. Readers holding the old one open keep
             * reading their copy until they reopen. */
            if (ix->nparts) {
                switch_part(ix);
            } else {
                write_stub(ix->dir, ix->gen, (unsigned)ix->dbs.size());
                remove_stale_gens(ix->dir);
            }
            ix->live_gen = ix->gen;
            ix->aside = false;
            ix->pending = 0;
        }
        for (auto &db : ix->dbs)
            db.begin_transaction(false);
        ix->in_txn = true;
        return PS_OK;
    } catch (...) {
        return ps__fail(ix->errmsg, "commit");
    }
}

extern "C" void ps_index_close(ps_index_t *ix)
{
    if (!ix)
        return;
    /* Stops the writer threads first: nothing more reaches the shards. */
    ix->writers.clear();
    for (auto &db : ix->dbs) {
        try {
            if (ix->in_txn)
                db.cancel_transaction();
        } catch (...) {
            /* Closing must not fail; uncommitted changes are lost anyway. */
        }
        try {
            db.close();
        } catch (...) {
        }
    }
    try {
        if (ix->aside && ix->gen) {
            std::error_code ec;
            fs::remove_all(ix->dir + "/" + (ix->nparts ? ix->part_path
                                                       : gen_name(ix->gen)),
                           ec);
        }
    } catch (...) {
        /* The next writer removes a generation left behind. */
    }
    if (ix->lockfd >= 0)
        ::close(ix->lockfd);
    if (ix->partlockfd >= 0)
        ::close(ix->partlockfd);
    delete ix;
}
