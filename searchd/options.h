/* psearchd's options: what the command line asked for, read by
 * sd_parse_args from the one option table in options.c. */
#ifndef PSEARCHD_OPTIONS_H
#define PSEARCHD_OPTIONS_H

#include <sys/types.h>

#include "config.h"

/* Exit codes, documented in the man page and in --help. */
enum {
    EXIT_OK = 0,     /* stopped by SIGTERM or SIGINT */
    EXIT_FAILED = 1, /* a runtime or system failure */
    EXIT_USAGE = 2,  /* bad arguments or configuration, socket in use */
};

typedef struct options {
    const char *index, *socket, *tcp;
    int allow_remote;
    int partial; /* answer from the shards that answer */
    int verbose; /* log every request */
    mode_t socket_mode;
    gid_t socket_group; /* (gid_t)-1: the daemon's own */
    sd_config_t cfg;
} options_t;

/* Reads ARGV into O. Returns 0 to go on, 1 to exit 0 (--help, --version
 * were answered), or -1 to exit with EXIT_USAGE after a message. */
int sd_parse_args(int argc, char **argv, options_t *o);

#endif
