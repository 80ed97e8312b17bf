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
                st = lock_file(
                    ix, ix->dir + "/" PS__LOCK "." + std::to_string(shard),
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
