/* psearch's options: what the command line asked for, read by
 * cli_parse_args from the one option table in options.c. */
#ifndef PSEARCH_CLI_OPTIONS_H
#define PSEARCH_CLI_OPTIONS_H

#include "render.h"

/* Exit codes, grep's, documented in --help and the man page. */
enum {
    EXIT_MATCH = 0,
    EXIT_NOMATCH = 1,
    EXIT_ERROR = 2,
};

enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct options {
    const char *index;
    const char *socket;
    int direct;
    render_mode_t mode;
    int json, vimgrep; /* as given; mode says what they come to */
    int count;
    unsigned facets;
    unsigned limit, offset, max_hits;
    int color;
    int width; /* -1: the terminal's */
    int timeout_ms;
    int partial;
    char *query;          /* the query words joined with spaces; freed by
                             the caller, also after an error */
    const char *entities; /* --entities PATH: that article's entities */
} options_t;

/* Reads ARGV into O. Returns 0 to go on, 1 to exit 0 (--help, --version
 * and the like were answered), or -1 to exit with EXIT_ERROR after a
 * message on stderr. */
int cli_parse_args(int argc, char **argv, options_t *o);

/* Whether output to FD is coloured under --color=MODE (COLOR_AUTO: on a
 * terminal, unless $NO_COLOR or TERM=dumb says no). */
int cli_use_color(int mode, int fd);

#endif
