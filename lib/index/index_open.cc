/* The writer's handle: opening an index for writing, whole (under the
 * writers' lock) or one shard of it (ps_index_open_part()), and closing
 * it, which gives up whatever was not committed. */
#include <cstring>
#include <filesystem>
#include <new>
#include <string>

#include <unistd.h>

#include <xapian.h>

#include "index/index_private.h"
#include "store/layout.h"
#include "store/shim.h"

using namespace ps__index;

namespace fs = std::filesystem;

/* A new handle on DIR into *OUT: creates DIR, takes the locks with LOCK
 * (which returns a status, the message in the handle) and opens the
 * shards with OPEN_SHARDS (which throws). On failure no handle is left, and
 * *ERRMSG (if asked for) says why. */
template <typename Lock, typename OpenShards>
static ps_status_t open_handle(const char *dir, ps_index_t **out, char **errmsg,
                               Lock lock, OpenShards open_shards)
{
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
            st = lock(ix);
        }
        if (st == PS_OK)
            open_shards(ix);
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
    /* The writers' lock shared, and the shard's own lock. */
    auto lock = [shard](ps_index_t *ix) {
        ps_status_t st =
            lock_file(ix, ix->dir + "/" PS__LOCK, &ix->lockfd, false);
        if (st == PS_OK)
            st = lock_file(ix,
                           ix->dir + "/" PS__LOCK "." + std::to_string(shard),
                           &ix->partlockfd, true);
        return st;
    };
    return open_handle(dir, out, errmsg, lock, [=](ps_index_t *ix) {
        open_part(ix, flags & PS_INDEX_REBUILD, shards, shard);
    });
}

extern "C" ps_status_t ps_index_open(const char *dir, unsigned flags,
                                     unsigned shards, ps_index_t **out,
                                     char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    return open_handle(dir, out, errmsg, take_lock, [=](ps_index_t *ix) {
        open_generation(ix, flags & PS_INDEX_REBUILD, shards);
    });
}

extern "C" const char *ps_index_errmsg(const ps_index_t *ix)
{
    return ix->errmsg.c_str();
}

extern "C" int ps_index_rebuilding(const ps_index_t *ix)
{
    return ix->aside;
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
            fs::remove_all(ix->dir + "/" +
                               (ix->nparts ? ix->part_path : gen_name(ix->gen)),
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
