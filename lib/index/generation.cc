/* Generations and locks: an index is a stub file naming the folders of
 * its live generation ("auto db.N", or one "auto db.N/shard.K" per shard).
 * An update writes the live generation in place inside one transaction; a
 * rebuild writes a new generation aside and switches the stub to it
 * atomically, then removes the old one and whatever a killed run left.
 * Writers of the whole index hold the writers' lock; writers of one shard
 * each (ps_index_open_part()) hold it shared and their shard's own. */
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <xapian.h>

#include "index/index_private.h"
#include "store/compact.h"
#include "store/layout.h"
#include "store/shim.h"

using namespace ps__index;

namespace fs = std::filesystem;

/* Inside an incremental run's transaction Xapian cannot commit, but it
 * writes its buffers out every this many documents; its default of 10000
 * documents would hold over a gigabyte of postings. */
static const char FLUSH_THRESHOLD[] = "2000";

/* The same for a generation built aside, which starts empty: merging
 * smaller batches into its tables costs less than larger ones (whose
 * maps of postings outgrow the caches). On the bench slice (1 kB an
 * article) psearch-index's CPU time fell with the threshold down to 500
 * documents: 6.9 s at 500, against 7.3 s at 250, 7.1 s at 1000, 7.6 s
 * at 2000, 8.5 s at 5000 and 10.1 s at 20000 (interleaved runs). */
static const char REBUILD_FLUSH_THRESHOLD[] = "500";

/* Xapian reads its flush threshold from the environment when a database
 * is opened; a value the user set before the first call is kept. */
static void set_flush_threshold(const char *docs)
{
    static const bool user_set = std::getenv("XAPIAN_FLUSH_THRESHOLD");
    if (!user_set)
        setenv("XAPIAN_FLUSH_THRESHOLD", docs, 1);
}

std::string ps__index::gen_name(unsigned gen)
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

/* A segment's documents at most, in a generation built aside (shardw.h).
 * Xapian flushes its buffers into the open segment every
 * REBUILD_FLUSH_THRESHOLD documents, so a segment is written in a few
 * flushes into tables that stay small. On the whole bench corpus (115,158
 * documents, 121 MB), interleaved with the build into one database: 54.5
 * and 50.6 s against 70.7 and 65.8 s, 10 s of system time against 21;
 * segments of 1,000, 8,000 and 16,000 documents took 51.7, 54.1 and
 * 54.7 s (runs of their own, the machine noisier). The environment's
 * PSEARCH_SEGMENT_DOCS overrides it: the tests build with segments of a
 * few documents, to cover the merges. */
static const unsigned SEGMENT_DOCS = 4000;

static unsigned segment_docs()
{
    const char *env = std::getenv("PSEARCH_SEGMENT_DOCS");
    unsigned long v = env ? std::strtoul(env, nullptr, 10) : 0;
    return v > 0 && v <= 1000000 ? (unsigned)v : SEGMENT_DOCS;
}

/* Documents queued per shard writer thread, and their text's bytes at
 * most: enough for the workers to go on through one of Xapian's flushes
 * (FLUSH_THRESHOLD documents a shard) without holding much memory. */
static const size_t WRITER_QUEUE = 4096;
static const size_t WRITER_QUEUE_BYTES = 4u << 20;

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
ps_status_t ps__index::take_lock(ps_index_t *ix)
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
               : (unsigned)std::strtoul(path.c_str() + at + 1 +
                                            std::strlen(PS__SHARD_PREFIX),
                                        nullptr, 10);
}

/* A new generation of N shards, built aside where readers cannot see it. */
static void create_generation(ps_index_t *ix, unsigned n)
{
    ix->gen = std::max(ix->live_gen, highest_gen(ix->dir)) + 1;
    ix->aside = true;
    set_flush_threshold(REBUILD_FLUSH_THRESHOLD);
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
    /* Each writer writes its documents to segments in its shard's folder
     * (shardw.h), compacted into the shard at the end. */
    for (unsigned k = 0; k < n; k++)
        ix->writers.emplace_back(new ps__shard_writer(
            ix->dbs[k], WRITER_QUEUE, WRITER_QUEUE_BYTES / n,
            ix->dir + "/" + shard_name(ix->gen, k, n), segment_docs()));
    set_metadata_all(ix, PS__META_FORMAT, PS__FORMAT);
    set_metadata_all(ix, PS__META_SHARDS, std::to_string(n));
}

/* Opens every shard of the live generation, of LIVE_SHARDS shards, for an
 * update: each of this psearch's format and all of them there. */
static void open_live(ps_index_t *ix, unsigned live_shards)
{
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
        if (live_shards > 1 && (shard_number(path) != ix->dbs.size() - 1 ||
                                want != std::to_string(live_shards)))
            throw Xapian::InvalidArgumentError(
                "the index's stub lists " + std::to_string(live_shards) +
                " of its " + want +
                " shards (some --shard K run has not "
                "finished yet); finish them, or rebuild with --full");
    }
    /* Unflushed transactions: Xapian may spill postings to disk when its
     * buffers fill, but readers see nothing until the commit. */
    for (auto &db : ix->dbs)
        db.begin_transaction(false);
    ix->in_txn = true;
}

/* Opens the live generation for an update, or a new one aside for a
 * rebuild or a first run; SHARDS is the count asked for (0: as it is). */
void ps__index::open_generation(ps_index_t *ix, bool rebuild, unsigned shards)
{
    set_flush_threshold(FLUSH_THRESHOLD);
    unsigned live_shards;
    ix->live_gen = read_stub(ix->dir, &live_shards);
    remove_stale_gens(ix->dir);
    if (!rebuild && ix->live_gen && shards && shards != live_shards)
        throw Xapian::InvalidArgumentError(
            "the index has " + std::to_string(live_shards) +
            " shard(s); changing that to " + std::to_string(shards) +
            " needs a rebuild with --full");
    if (rebuild || ix->live_gen == 0) {
        create_generation(ix, shards ? shards : live_shards ? live_shards : 1);
        return;
    }
    open_live(ix, live_shards);
}

/* Takes an flock() on PATH without waiting, keeping the descriptor in
 * *FD; EXCLUSIVE or shared. */
ps_status_t ps__index::lock_file(ps_index_t *ix, const std::string &path,
                                 int *fd, bool exclusive)
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

/* Opens MINE, the folder the stub names for IX's shard, for an update. */
static void reopen_part(ps_index_t *ix, const std::string &mine,
                        unsigned nparts)
{
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
}

/* A new folder for IX's shard in a generation of its own, above NEWEST:
 * writers of other shards may be building theirs beside it, and two that
 * pick the same number use different folders in it. */
static void create_part(ps_index_t *ix, const std::string &mine,
                        unsigned newest)
{
    ix->old_part_path = mine;
    ix->gen = std::max(newest, highest_gen(ix->dir)) + 1;
    fs::create_directories(ix->dir + "/" + gen_name(ix->gen));
    set_flush_threshold(REBUILD_FLUSH_THRESHOLD);
    ix->part_path =
        gen_name(ix->gen) + "/" PS__SHARD_PREFIX + std::to_string(ix->part);
    ix->dbs.emplace_back(ix->dir + "/" + ix->part_path,
                         Xapian::DB_CREATE_OR_OVERWRITE |
                             Xapian::DB_BACKEND_GLASS);
    ix->aside = true;
    ix->dbs.back().begin_transaction(false);
    ix->in_txn = true;
    set_metadata_all(ix, PS__META_FORMAT, PS__FORMAT);
    set_metadata_all(ix, PS__META_SHARDS, std::to_string(ix->nparts));
}

/* Opens shard PART of an index of NPARTS shards for a writer of that shard
 * alone. Writers of different shards run at once (on several machines
 * sharing the index's storage): each holds the writers' lock shared, which
 * keeps out a writer of the whole index, and a lock of its own shard. */
void ps__index::open_part(ps_index_t *ix, bool rebuild, unsigned nparts,
                          unsigned part)
{
    set_flush_threshold(FLUSH_THRESHOLD);
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
    if (!rebuild && !mine.empty())
        reopen_part(ix, mine, nparts);
    else
        create_part(ix, mine, newest);
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

std::string ps__index::shard_path(const ps_index_t *ix, size_t k)
{
    unsigned n = (unsigned)ix->dbs.size();
    return ix->dir + "/" +
           (ix->nparts ? ix->part_path : shard_name(ix->gen, (unsigned)k, n));
}

void ps__index::compact_shard(ps_index_t *ix, size_t k)
{
    std::string path = shard_path(ix, k);
    ix->dbs[k].close();
    ps__compact_in_place(path, k < ix->segments.size()
                                   ? ix->segments[k]
                                   : std::vector<std::string>());
    ix->dbs[k] = Xapian::WritableDatabase(path, Xapian::DB_OPEN);
}

/* Points the stub at the generation IX built aside, complete on disk,
 * then drops the old one. Readers holding the old one open keep reading
 * their copy until they reopen. */
void ps__index::switch_generation(ps_index_t *ix)
{
    if (ix->nparts) {
        switch_part(ix);
    } else {
        write_stub(ix->dir, ix->gen, (unsigned)ix->dbs.size());
        remove_stale_gens(ix->dir);
    }
}
