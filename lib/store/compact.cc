/* Compacting a generation built aside (see compact.h). */
#include <filesystem>

#include <xapian.h>

#include "store/compact.h"

namespace fs = std::filesystem;

void ps__compact_into(const std::vector<std::string> &from,
                      const std::string &to)
{
    Xapian::Database src;
    for (const std::string &p : from)
        src.add_database(Xapian::Database(p));
    /* FULL packs every block; FULLER would also split items across
     * blocks, for a little less space and slower incremental runs. Ids
     * are renumbered (Xapian's default): each source's follow the last
     * of the source before. */
    src.compact(to, Xapian::Compactor::FULL);
}

void ps__compact_in_place(const std::string &path,
                          const std::vector<std::string> &segments)
{
    std::string tmp = path + ".compact", old = path + ".old";
    fs::remove_all(tmp);
    fs::remove_all(old);
    std::vector<std::string> from{path};
    from.insert(from.end(), segments.begin(), segments.end());
    ps__compact_into(from, tmp);
    fs::rename(path, old);
    fs::rename(tmp, path);
    fs::remove_all(old);
}
