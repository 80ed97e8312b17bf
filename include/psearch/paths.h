/* Where things live by default, resolved the same way by every program:
 * the index directory and the daemon's socket. */
#ifndef PSEARCH_PATHS_H
#define PSEARCH_PATHS_H

#include "psearch/common.h"

PS_BEGIN_DECLS

/* The index directory used when neither --index nor $PSEARCH_INDEX is
 * given: $XDG_DATA_HOME/psearch/index, else ~/.local/share/psearch/index.
 * The caller frees the result; NULL when out of memory or no home. */
PS_EXPORT char *ps_index_default_dir(void);

/* Resolves the index directory: OPT if not NULL, else $PSEARCH_INDEX if set
 * and non-empty, else ps_index_default_dir(). The caller frees it. */
PS_EXPORT char *ps_index_resolve_dir(const char *opt);

/* Resolves the daemon's Unix socket: OPT if not NULL, else
 * $PSEARCH_SOCKET, else $XDG_RUNTIME_DIR/psearch.sock, else
 * /tmp/psearch-$UID.sock. The caller frees it. */
PS_EXPORT char *ps_socket_resolve_path(const char *opt);

PS_END_DECLS

#endif
