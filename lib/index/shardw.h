/* Internal to the C++ shim: a thread that writes one shard of a generation
 * built aside (inside a transaction, committed by ps__checkpoint()), so that
 * the shards of a sharded index are written at the same time, one core
 * each. Xapian's writes are most of indexing's work and a WritableDatabase
 * may only be used by one thread at a time; giving each shard its own
 * thread is how Xapian itself suggests using several cores. An index of
 * one shard has one too: its queue holds the documents the workers go on
 * preparing while Xapian flushes its buffers, which takes the writer a
 * second at a time on the bench slice, and would otherwise stall them.
 *
 * The owner hands it jobs in order (add a document, set a metadata key,
 * commit). A job that fails stops the thread's work: the exception is kept
 * and thrown again to the owner by the next push() or drain().
 *
 * A writer given a folder for segments writes the documents there rather
 * than into its database (which keeps the metadata): into segments, small
 * databases of a few thousand documents at most, each written once and never
 * merged into, which the owner compacts into the shard at the end
 * (store/compact.h) as it compacted the shard before. Xapian merges each
 * flush of its buffers into its tables by rewriting every block the flush
 * touches, and a flush of a few hundred documents touches most of them:
 * built into one growing database, the bench slice's positions and
 * postings (14 and 18 MB compacted) were written 190 and 210 MB over, and
 * on the whole bench corpus the build spent a fifth of its CPU time in
 * the kernel, copying blocks. MERGE_WIDTH segments of one size are
 * compacted into one of the next as soon as they are there, so that a
 * build of any size leaves a few dozen segments, written a few times
 * each. */
#ifndef PSEARCH_SHARDW_H
#define PSEARCH_SHARDW_H

#ifndef __cplusplus
#error "shardw.h is for the C++ shim only"
#endif

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

/* Commits the changes of DB's open (unflushed) transaction and opens the
 * next one. */
void ps__checkpoint(Xapian::WritableDatabase &db);

class ps__shard_writer
{
  public:
    /* Starts a thread writing to DB, which must outlive this object and
     * must not be used by anyone else until drain() returns. At most
     * MAX_QUEUED jobs, and documents of at most MAX_BYTES bytes of text
     * (but always one), wait; push() blocks beyond that, which bounds the
     * memory documents in flight take. With SEGMENTS (an existing folder
     * of nothing else), the documents go into segments there, of at most
     * SEGMENT_DOCS documents each. */
    ps__shard_writer(Xapian::WritableDatabase &db, size_t max_queued,
                     size_t max_bytes, const std::string &segments = "",
                     unsigned segment_docs = 0);

    /* Stops the thread, dropping jobs not yet run. */
    ~ps__shard_writer();

    ps__shard_writer(const ps__shard_writer &) = delete;
    ps__shard_writer &operator=(const ps__shard_writer &) = delete;

    /* Queue DOC, built from BYTES bytes of text, to be added (the writer
     * takes the only handle on it: Xapian's reference counts are not
     * atomic), a metadata KEY set to VALUE, or a checkpoint. Each throws
     * the failure of an earlier job. */
    void add(Xapian::Document &&doc, size_t bytes);
    void set_metadata(const std::string &key, const std::string &value);
    void commit();

    /* Waits until every queued job has run; throws the first failure. */
    void drain();

    /* The segments committed so far, in the order of their documents: all
     * of them once a commit() job has run. Only to be read once drain()
     * has returned. */
    std::vector<std::string> segments() const;

  private:
    enum kind { ADD, METADATA, COMMIT };
    struct job {
        kind k;
        Xapian::Document doc;
        std::string key, value;
        size_t bytes;
    };

    void push(job &&j);
    void run();
    void add_to_segment(const Xapian::Document &doc);
    void end_segment();
    void merge_segments();

    Xapian::WritableDatabase &db_;
    size_t max_queued_, max_bytes_;
    size_t queued_bytes_ = 0;
    std::mutex mu_;
    std::condition_variable work_, space_, idle_;
    std::deque<job> queue_;
    bool busy_ = false, stop_ = false;
    std::exception_ptr failure_;
    /* Segments: the folder, the open one and its documents, and the
     * committed ones with their level (a level-L segment is MERGE_WIDTH^L
     * segments of level 0 compacted into one). */
    std::string seg_dir_;
    std::unique_ptr<Xapian::WritableDatabase> seg_;
    std::string seg_path_;
    unsigned seg_max_, seg_docs_ = 0, seg_next_ = 0;
    struct segment {
        std::string path;
        unsigned level;
    };
    std::vector<segment> segs_;
    std::thread thread_;
};

#endif
