/* psearchd's options: the one table they are defined in, its own options
 * followed by a row for each setting of SD_SETTINGS (config.h), from which
 * getopt, --help, --dump-options and so the bash completion come (the man
 * page is checked against it by tests/T425-man-options.sh), and reading
 * the command line into an options_t, with the values checked. */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/cmdline.h"
#include "endpoint.h"

#ifndef PS_VERSION
#define PS_VERSION "0.1"
#endif

/* psearchd's own options, in --help's order: X(ID, row fields). A new
 * option is one more X(...) here (the fields: lib/base/cmdline.h); one
 * that only sets a flag or keeps its argument (PS_OPT_SETS, PS_OPT_KEEPS)
 * needs nothing else, any other also a case in apply(). A new limit or
 * tunable is a row of SD_SETTINGS instead. Then document it in
 * contrib/man/psearchd.8, which T425 checks. */
#define OPTIONS(X)                                                             \
    X(INDEX, .name = "index", .letter = 'i', .kind = PS_OPT_DIR, .arg = "DIR", \
      .help = "the index (default: $PSEARCH_INDEX, else\n"                     \
              "$XDG_DATA_HOME/psearch/index, else\n"                           \
              "~/.local/share/psearch/index). If it does not\n"                \
              "exist yet, requests get ENOINDEX until it does.",               \
      PS_OPT_KEEPS(options_t, index))                                          \
    X(SOCKET, .name = "socket", .letter = 's', .kind = PS_OPT_FILE,            \
      .arg = "PATH",                                                           \
      .help = "the Unix socket, created with mode 0600 (default:\n"            \
              "$PSEARCH_SOCKET, else $XDG_RUNTIME_DIR/psearch.sock,\n"         \
              "else /tmp/psearch-$UID.sock)",                                  \
      PS_OPT_KEEPS(options_t, socket))                                         \
    X(SOCKET_MODE, .name = "socket-mode", .kind = PS_OPT_TEXT, .arg = "MODE",  \
      .help = "the socket's mode once bound, octal (0660\n"                    \
              "lets its group search; default 0600)")                          \
    X(SOCKET_GROUP, .name = "socket-group", .kind = PS_OPT_GROUP,              \
      .arg = "GROUP",                                                          \
      .help = "give the socket to GROUP, one the daemon\n"                     \
              "is a member of (default: its own group)")                       \
    X(TCP, .name = "tcp", .kind = PS_OPT_TEXT, .arg = "HOST:PORT",             \
      .help = "also listen on TCP; a numeric address, loopback\n"              \
              "only (127.0.0.1:7070, [::1]:7070)",                             \
      PS_OPT_KEEPS(options_t, tcp))                                            \
    X(ALLOW_REMOTE, .name = "allow-remote",                                    \
      .help = "allow a non-loopback --tcp address (there is no\n"              \
              "authentication: anyone who can connect can search)",            \
      PS_OPT_SETS(options_t, allow_remote))                                    \
    X(PARTIAL, .name = "partial",                                              \
      .help = "when a remote shard of the index does not answer,\n"            \
              "answer from the others, marked \"partial\"\n"                   \
              "(default: fail with EREMOTE)",                                  \
      PS_OPT_SETS(options_t, partial))                                         \
    X(VERBOSE, .name = "verbose", .letter = 'v',                               \
      .help = "log every request: client, op, query, hits, time",              \
      PS_OPT_SETS(options_t, verbose))                                         \
    PS_OPT_COMMON(X)

enum {
    OPTIONS(PS_OPT_ID)
        OPT_SETTING /* the first setting's row */
};

/* A setting's row: a value with its unit, under one heading. */
#define SETTING_ROW(id, opt, unit, def, min, max, lim, text)                   \
    {.name = opt,                                                              \
     .kind = PS_OPT_TEXT,                                                      \
     .arg = (unit) == SD_UNIT_BYTES ? "SIZE"                                   \
            : (unit) == SD_UNIT_MS  ? "TIME"                                   \
                                    : "N",                                      \
     .section = SD_##id == 0 ? "Limits and tunables (TIME in seconds, or "     \
                               "with ms; SIZE with K, M, G):"                  \
                             : NULL,                                           \
     .help = text},

static const ps__opt_t rows[] = {
    OPTIONS(PS_OPT_ROW)
        SD_SETTINGS(SETTING_ROW)};

/* Each setting's default and bounds, under its help line. */
static void setting_range(FILE *f, int row, int column)
{
    if (row < OPT_SETTING)
        return;
    char range[96];
    sd_config_range((sd_setting_t)(row - OPT_SETTING), range, sizeof range);
    fprintf(f, "%*s%s\n", column, "", range);
}

static const ps__opts_t table = {.prog = "psearchd",
                                 .v = rows,
                                 .n = sizeof rows / sizeof *rows,
                                 .mode = "",
                                 .column = 24,
                                 .more_help = setting_range};

static void usage(FILE *f)
{
    fputs(
        "Usage: psearchd [--index DIR] [--socket PATH] [--tcp HOST:PORT] [options]\n"
        "Answers searches of the psearch index over a Unix socket (and optionally\n"
        "TCP), one JSON request per line. Runs in the foreground and logs to\n"
        "stderr; SIGTERM or SIGINT stop it cleanly, SIGHUP makes every worker\n"
        "look for a new index revision at once.\n"
        "\n",
        f);
    ps__opts_help(&table, f);
    fputs(
        "\n"
        "Exit status: 0 stopped by SIGTERM or SIGINT; 1 runtime or system\n"
        "failure; 2 usage or configuration error, or another psearchd already\n"
        "listens on the socket.\n",
        f);
}

/* Handles the options that do more than set a flag or keep a string.
 * Returns 0, 1 to exit 0, -1 after a message. */
static int apply(int row, const char *arg, options_t *o)
{
    char err[256];
    int rc = 0;
    if (row >= OPT_SETTING)
        rc = sd_config_set(&o->cfg, (sd_setting_t)(row - OPT_SETTING), arg, err,
                           sizeof err);
    else if (row == OPT_SOCKET_MODE)
        rc = sd_endpoint_mode_parse(arg, &o->socket_mode, err, sizeof err);
    else if (row == OPT_SOCKET_GROUP)
        rc = sd_endpoint_group_parse(arg, &o->socket_group, err, sizeof err);
    else if (row == OPT_HELP)
        usage(stdout);
    else if (row == OPT_VERSION)
        printf("psearchd %s\n", PS_VERSION);
    else if (row == OPT_DUMP)
        ps__opts_dump(&table, stdout);
    if (rc) {
        fprintf(stderr, "psearchd: %s\n", err);
        return -1;
    }
    return row == OPT_HELP || row == OPT_VERSION || row == OPT_DUMP;
}

int sd_parse_args(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    sd_config_defaults(&o->cfg);
    o->socket_mode = 0600;
    o->socket_group = (gid_t)-1;
    int row;
    while ((row = ps__opts_next(&table, argc, argv)) != PS_OPTS_END) {
        if (row == PS_OPTS_BAD) {
            fprintf(stderr, "Try 'psearchd --help'.\n");
            return -1;
        }
        if (!ps__opts_store(&table, row, o, optarg)) {
            int rc = apply(row, optarg, o);
            if (rc)
                return rc;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "psearchd: unexpected argument '%s'\n"
                "Try 'psearchd --help'.\n",
                argv[optind]);
        return -1;
    }
    return 0;
}
