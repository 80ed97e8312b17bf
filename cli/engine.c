/* Loading the search engine on demand: see engine.h. */
#include "engine.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ENGINE_SO "libpsearch-engine.so"

#ifndef PS_ENGINE_DIR
#define PS_ENGINE_DIR "/usr/local/lib/psearch"
#endif

static engine_t engine;
static int loaded;

/* Opens the engine at DIR/ENGINE_SO, or returns NULL keeping dlerror()'s
 * message in ERR. */
static void *try_open(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/" ENGINE_SO, dir) >= (int)sizeof path)
        return NULL;
    if (access(path, R_OK) != 0)
        return NULL;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        snprintf(err, errlen, "%s", dlerror());
    return h;
}

static void *open_engine(char *err, size_t errlen)
{
    /* Next to the program first, so a build tree or a staged install uses
     * its own engine rather than an installed one of another version. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"/../build", "/../lib/psearch"};
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char dir[PATH_MAX];
                if (snprintf(dir, sizeof dir, "%s%s", exe, rel[i]) >=
                    (int)sizeof dir)
                    continue;
                void *h = try_open(dir, err, errlen);
                if (h || err[0])
                    return h;
            }
        }
    }
    void *h = try_open(PS_ENGINE_DIR, err, errlen);
    if (!h && !err[0])
        snprintf(err, errlen, "%s not found next to the program nor in %s",
                 ENGINE_SO, PS_ENGINE_DIR);
    return h;
}

const engine_t *engine_load(void)
{
    if (loaded)
        return &engine;
    char err[512] = "";
    void *h = open_engine(err, sizeof err);
    if (!h) {
        fprintf(stderr, "psearch: cannot load the search engine: %s\n", err);
        return NULL;
    }
    /* Casting dlsym()'s object pointer to a function pointer is what
     * POSIX requires to work. */
#define LOAD(field, sym)                                                       \
    *(void **)&engine.field = dlsym(h, #sym);                                  \
    if (!engine.field) {                                                       \
        fprintf(stderr, "psearch: the search engine lacks %s\n", #sym);       \
        return NULL;                                                           \
    }
    LOAD(db_open_opts, ps_db_open_opts)
    LOAD(db_close, ps_db_close)
    LOAD(db_errmsg, ps_db_errmsg)
    LOAD(search, ps_search)
    LOAD(db_document, ps_db_document)
    LOAD(db_entities, ps_db_entities)
    LOAD(db_quotes, ps_db_quotes)
#undef LOAD
    loaded = 1;
    return &engine;
}
