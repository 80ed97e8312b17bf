/* A writer thread per shard: see shardw.h. */
#include "index/shardw.h"

#include <filesystem>
#include <utility>

#include <pthread.h>

#include "store/compact.h"
#include "store/layout.h"

/* Segments of one level compacted into one of the next. The final
 * compaction reads them all at once, at most this many a level. */
static const size_t MERGE_WIDTH = 16;

void ps__checkpoint(Xapian::WritableDatabase &db)
{
    db.commit_transaction();
    db.commit();
    db.begin_transaction(false);
}

ps__shard_writer::ps__shard_writer(Xapian::WritableDatabase &db,
                                   size_t max_queued, size_t max_bytes,
                                   const std::string &segments,
                                   unsigned segment_docs)
    : db_(db), max_queued_(max_queued ? max_queued : 1), max_bytes_(max_bytes),
      seg_dir_(segments), seg_max_(segment_docs ? segment_docs : 1)
{
    /* Started last, once every member it reads is constructed. */
    thread_ = std::thread(&ps__shard_writer::run, this);
}

ps__shard_writer::~ps__shard_writer()
{
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
        queue_.clear();
    }
    work_.notify_all();
    thread_.join();
}

void ps__shard_writer::push(job &&j)
{
    std::unique_lock<std::mutex> lk(mu_);
    space_.wait(lk, [&] {
        return failure_ || queue_.empty() ||
               (queue_.size() < max_queued_ &&
                queued_bytes_ + j.bytes <= max_bytes_);
    });
    if (failure_)
        std::rethrow_exception(failure_);
    queued_bytes_ += j.bytes;
    queue_.push_back(std::move(j));
    lk.unlock();
    work_.notify_one();
}

void ps__shard_writer::add(Xapian::Document &&doc, size_t bytes)
{
    push(job{ADD, std::move(doc), {}, {}, bytes});
}

void ps__shard_writer::set_metadata(const std::string &key,
                                    const std::string &value)
{
    push(job{METADATA, Xapian::Document(), key, value, 0});
}

void ps__shard_writer::commit()
{
    push(job{COMMIT, Xapian::Document(), {}, {}, 0});
}

void ps__shard_writer::drain()
{
    std::unique_lock<std::mutex> lk(mu_);
    idle_.wait(lk, [&] { return (queue_.empty() && !busy_) || failure_; });
    if (failure_)
        std::rethrow_exception(failure_);
}

void ps__shard_writer::run()
{
    /* Named for top -H and perf. */
    pthread_setname_np(pthread_self(), "psearch-shard");
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
        work_.wait(lk, [&] { return stop_ || (!queue_.empty() && !failure_); });
        if (stop_)
            return;
        job j = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= j.bytes;
        busy_ = true;
        lk.unlock();
        space_.notify_one();
        std::exception_ptr failed;
        try {
            switch (j.k) {
            case ADD:
                if (seg_dir_.empty())
                    db_.add_document(j.doc);
                else
                    add_to_segment(j.doc);
                break;
            case METADATA:
                db_.set_metadata(j.key, j.value);
                break;
            case COMMIT:
                end_segment();
                ps__checkpoint(db_);
                break;
            }
        } catch (...) {
            failed = std::current_exception();
        }
        /* The document's last handle goes here, on the thread that used
         * it, before the owner can see the job as done. */
        j = job{COMMIT, Xapian::Document(), {}, {}, 0};
        lk.lock();
        busy_ = false;
        if (failed && !failure_)
            failure_ = failed;
        if (queue_.empty() || failure_) {
            idle_.notify_all();
            space_.notify_all();
        }
    }
}

std::vector<std::string> ps__shard_writer::segments() const
{
    std::vector<std::string> out;
    for (const segment &s : segs_)
        out.push_back(s.path);
    return out;
}

void ps__shard_writer::add_to_segment(const Xapian::Document &doc)
{
    if (seg_ && seg_docs_ >= seg_max_)
        end_segment();
    if (!seg_) {
        seg_path_ = seg_dir_ + "/" PS__SEG_PREFIX + std::to_string(seg_next_++);
        /* A segment lives until the build's compaction, which syncs
         * what it writes: a build given up is removed whole. */
        seg_.reset(new Xapian::WritableDatabase(
            seg_path_, Xapian::DB_CREATE_OR_OVERWRITE |
                           Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC));
        seg_docs_ = 0;
    }
    seg_->add_document(doc);
    seg_docs_++;
}

/* Commits and closes the open segment, if any, and merges. */
void ps__shard_writer::end_segment()
{
    if (!seg_)
        return;
    seg_->commit();
    seg_->close();
    seg_.reset();
    segs_.push_back({seg_path_, 0});
    merge_segments();
}

/* Compacts the last MERGE_WIDTH segments into one of the next level while
 * they are of one level: the levels fall from the first segment to the
 * last, so the documents stay in order. */
void ps__shard_writer::merge_segments()
{
    for (;;) {
        size_t n = segs_.size();
        if (n < MERGE_WIDTH)
            return;
        unsigned level = segs_[n - 1].level;
        for (size_t i = n - MERGE_WIDTH; i < n; i++)
            if (segs_[i].level != level)
                return;
        std::vector<std::string> from;
        for (size_t i = n - MERGE_WIDTH; i < n; i++)
            from.push_back(segs_[i].path);
        std::string to =
            seg_dir_ + "/" PS__SEG_PREFIX + std::to_string(seg_next_++);
        ps__compact_into(from, to);
        for (const std::string &p : from)
            std::filesystem::remove_all(p);
        segs_.resize(n - MERGE_WIDTH);
        segs_.push_back({to, level + 1});
    }
}
