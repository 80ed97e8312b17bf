/* Where things live by default: the index directory and the socket,
 * resolved the same way by every program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psearch/paths.h"

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

char *ps_index_default_dir(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && xdg[0] == '/')
        return join(xdg, "/psearch/index");
    const char *home = getenv("HOME");
    if (home && home[0])
        return join(home, "/.local/share/psearch/index");
    return NULL;
}

char *ps_index_resolve_dir(const char *opt)
{
    if (opt && opt[0])
        return strdup(opt);
    const char *env = getenv("PSEARCH_INDEX");
    if (env && env[0])
        return strdup(env);
    return ps_index_default_dir();
}

char *ps_socket_resolve_path(const char *opt)
{
    if (opt && opt[0])
        return strdup(opt);
    const char *env = getenv("PSEARCH_SOCKET");
    if (env && env[0])
        return strdup(env);
    const char *run = getenv("XDG_RUNTIME_DIR");
    if (run && run[0] == '/')
        return join(run, "/psearch.sock");
    char buf[64];
    snprintf(buf, sizeof buf, "/tmp/psearch-%lu.sock", (unsigned long)getuid());
    return strdup(buf);
}
