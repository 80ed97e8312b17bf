/* Internal to the programs: one table per program's options, after
 * ripgrep's flags/defs.rs. A program lists each option once, as a row
 * (name, letter, argument, completion, help, what it sets), and every
 * other form of the option is made from that row: getopt_long's option
 * array and short-option string (ps__opts_next), the option lines of
 * --help (ps__opts_help), and the lines of the hidden --dump-options
 * (ps__opts_dump), from which make builds the bash completion and against
 * which tests/T425-man-options.sh checks each man page. Adding an option
 * is adding a row; only an option that does more than set a flag or keep
 * its argument also needs a case in the program's switch. */
#ifndef PSEARCH_CMDLINE_H
#define PSEARCH_CMDLINE_H

#include <stddef.h>
#include <stdio.h>

/* What an option's argument is, for the completion. */
typedef enum {
    PS_OPT_NOARG = 0, /* no argument: a switch */
    PS_OPT_TEXT,      /* anything (a number, a glob): nothing to complete */
    PS_OPT_DIR,       /* a folder */
    PS_OPT_FILE,      /* a file */
    PS_OPT_GROUP,     /* a user group's name */
    PS_OPT_WORDS,     /* one of the row's .words */
} ps__opt_kind_t;

/* What the generic part of parsing does with an option (ps__opts_store):
 * nothing (the program's switch handles it), set an int to 1 or to 0, or
 * keep the argument as a const char *. */
typedef enum {
    PS_OPT_CUSTOM = 0,
    PS_OPT_SET_TRUE,
    PS_OPT_SET_FALSE,
    PS_OPT_SET_STRING,
} ps__opt_act_t;

/* Row flags. */
enum {
    /* The argument is optional, and only given as --name=VALUE. */
    PS_OPT_OPTIONAL = 1,
    /* Parsed, but in no --help, man page or completion: an alias (the
     * British --colour) or the machinery's own --dump-options. */
    PS_OPT_HIDDEN = 2,
};

typedef struct ps__opt {
    const char *name;    /* the long name, without "--" */
    char letter;         /* the short option, or 0 */
    ps__opt_kind_t kind; /* PS_OPT_NOARG for a switch */
    unsigned flags;      /* PS_OPT_OPTIONAL, PS_OPT_HIDDEN */
    const char *arg;     /* the argument's name in --help ("DIR") */
    const char *words;   /* PS_OPT_WORDS: the values, space-separated */
    const char *section; /* a heading --help prints before this row */
    const char *help;    /* the --help text; '\n' between lines */
    ps__opt_act_t act;   /* with .off: what ps__opts_store does */
    size_t off;          /* offset of the field set in the options struct */
} ps__opt_t;

/* In a row: the option sets FIELD of the options struct TYPE to 1 (a
 * switch), or keeps its argument there (a const char *). */
#define PS_OPT_SETS(type, field)                                               \
    .act = PS_OPT_SET_TRUE, .off = offsetof(type, field)
#define PS_OPT_CLEARS(type, field)                                             \
    .act = PS_OPT_SET_FALSE, .off = offsetof(type, field)
#define PS_OPT_KEEPS(type, field)                                              \
    .act = PS_OPT_SET_STRING, .off = offsetof(type, field)

/* The rows every program has, at the end of its OPTIONS(X) list: --help,
 * --version and the hidden --dump-options the completion is built from. */
#define PS_OPT_COMMON(X)                                                       \
    X(HELP, .name = "help", .letter = 'h', .help = "show this help")           \
    X(VERSION, .name = "version", .letter = 'V', .help = "show the version")   \
    X(DUMP, .name = "dump-options", .flags = PS_OPT_HIDDEN)

/* For an OPTIONS(X) list: PS_OPT_ID gives each row its enum constant
 * OPT_ID, PS_OPT_ROW its ps__opt_t, in the same order. */
#define PS_OPT_ID(id, ...) OPT_##id,
#define PS_OPT_ROW(id, ...) {__VA_ARGS__},

/* A program's table: the rows, and how getopt and --help treat them. */
typedef struct ps__opts {
    const char *prog;   /* the program's name, for messages */
    const ps__opt_t *v; /* the rows, in --help's order */
    int n;              /* how many */
    const char *mode;   /* getopt's leading mode ("+": stop at the first
                           non-option), or "" */
    int column;         /* the column where --help's text starts */
    /* Called after a row's help lines, to print more (psearchd's default
     * and range of each setting); NULL for none. */
    void (*more_help)(FILE *f, int row, int column);
} ps__opts_t;

/* The most rows a table may have. */
#define PS_OPTS_MAX 64

/* What ps__opts_next returns besides a row's index. */
enum {
    PS_OPTS_END = -1, /* no more options (getopt_long's -1) */
    PS_OPTS_BAD = -2, /* an unknown option or a missing argument; getopt
                         has said which on stderr */
};

/* getopt_long over T's rows: the index of the row of the next option in
 * ARGV (its argument in optarg), PS_OPTS_END or PS_OPTS_BAD. The option
 * arrays are built on the first call for T and kept in static storage:
 * for a program's main thread, one table at a time. */
int ps__opts_next(const ps__opts_t *t, int argc, char *const *argv);

/* Applies row ROW's action (PS_OPT_SETS and the like) to the options
 * struct OPTS, with ARG its argument. Returns 1 when the row has one,
 * 0 when the program must handle the option itself. */
int ps__opts_store(const ps__opts_t *t, int row, void *opts, const char *arg);

/* Writes the option lines of --help: each visible row as
 * "  -i, --index DIR" with its help text at T->column (on the next line
 * when the head is too long), after its section heading if it has one. */
void ps__opts_help(const ps__opts_t *t, FILE *f);

/* Writes one line per visible row, five fields separated by tabs, none
 * empty ("-" stands for nothing, as a shell's read would merge empty
 * fields): "--name"; "-x" or "-"; "none", "required" or "optional"; the
 * completion ("-", "text", "dir", "file", "group" or "words"); the words,
 * space-separated, or "-". The bash completion is built from this
 * (contrib/completion/build.sh). */
void ps__opts_dump(const ps__opts_t *t, FILE *f);

#endif
