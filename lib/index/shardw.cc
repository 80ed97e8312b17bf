/* A writer thread per shard: see shardw.h. */
#include "index/shardw.h"

#include <utility>

#include <pthread.h>

void ps__checkpoint(Xapian::WritableDatabase &db)
{
    db.commit_transaction();
    db.commit();
    db.begin_transaction(false);
}

ps__shard_writer::ps__shard_writer(Xapian::WritableDatabase &db,
                                   size_t max_queued, size_t max_bytes)
    : db_(db), max_queued_(max_queued ? max_queued : 1), max_bytes_(max_bytes)
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
                db_.add_document(j.doc);
                break;
            case METADATA:
                db_.set_metadata(j.key, j.value);
                break;
            case COMMIT:
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
