/* Compacting a generation built aside (see compact.h). */
#include <filesystem>

#include <xapian.h>

#include "store/compact.h"

namespace fs = std::filesystem;

void ps__compact_in_place(const std::string &path)
{
    std::string tmp = path + ".compact", old = path + ".old";
    fs::remove_all(tmp);
    fs::remove_all(old);
    {
        Xapian::Database src(path);
        /* FULL packs every block; FULLER would also split items across
         * blocks, for a little less space and slower incremental runs. */
        src.compact(tmp, Xapian::Compactor::FULL);
    }
    fs::rename(path, old);
    fs::rename(tmp, path);
    fs::remove_all(old);
}
