/* The memory the handles of one process share about one revision of an
 * index's local shards (ident_db.h): what they resolved and the display
 * names, by the shards' uuids and revisions. */
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ident/ident_db.h"

bool ps__ident_shared::find(std::unordered_map<std::string, std::string> &map,
                            const std::string &key, std::string &out)
{
    std::lock_guard<std::mutex> g(m);
    auto it = map.find(key);
    if (it == map.end())
        return false;
    out = it->second;
    return true;
}

void ps__ident_shared::add(std::unordered_map<std::string, std::string> &map,
                           const std::string &key, const std::string &value)
{
    std::lock_guard<std::mutex> g(m);
    if (map.size() >= ps__ident_db::MAX_ENTRIES)
        map.clear();
    map.emplace(key, value);
}

namespace
{
/* The shared memories alive, by revision (shards' uuids and revisions):
 * one lives while a handle on its revision does. */
std::mutex registry_m;
std::map<std::string, std::weak_ptr<ps__ident_shared>> registry;

std::shared_ptr<ps__ident_shared> attach(const std::string &key)
{
    std::lock_guard<std::mutex> g(registry_m);
    for (auto it = registry.begin(); it != registry.end();)
        it = it->second.expired() ? registry.erase(it) : std::next(it);
    std::weak_ptr<ps__ident_shared> &w = registry[key];
    std::shared_ptr<ps__ident_shared> s = w.lock();
    if (!s) {
        s = std::make_shared<ps__ident_shared>();
        w = s;
    }
    return s;
}
} // namespace

ps__ident_shared *ps__ident_db::shared()
{
    if (attached_)
        return shared_.get();
    attached_ = true;
    if (remote_ || !shards_ || shards_->empty())
        return nullptr;
    /* A local shard's uuid and revision name what it holds; a shard
     * that tells neither (none of psearch's) shares nothing. */
    std::string key;
    for (const Xapian::Database &s : *shards_) {
        std::string uuid = s.get_uuid();
        Xapian::rev rev;
        try {
            rev = s.get_revision();
        } catch (const Xapian::Error &) {
            return nullptr;
        }
        if (uuid.empty())
            return nullptr;
        key += uuid + "@" + std::to_string(rev) + ";";
    }
    shared_ = attach(key);
    return shared_.get();
}
