/* psearch: the command line. Reads the options (options.c), joins the
 * remaining arguments into one query, asks the daemon when one answers
 * (else opens the index itself; route.c, ask.c), and hands the result to
 * render.c. Exit codes are grep's: 0 something matched, 1 nothing did,
 * 2 an error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ask.h"
#include "entities.h"
#include "options.h"
#include "psearch/paths.h"
#include "render.h"
#include "route.h"

static int term_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    if (cols) {
        char *end;
        long v = strtol(cols, &end, 10);
        if (end != cols && !*end && v > 0 && v <= 100000)
            return (int)v;
    }
    /* Into a pipe or a file, whole lines, as grep writes them. */
    return 0;
}

/* Runs --entities: exit 0 when the article has entities, 1 when it has
 * none, 2 when it is not indexed or on an error. */
static int entities_main(run_t *r, int route)
{
    /* The index holds absolute paths with symbolic links resolved. */
    char *path = realpath(r->o->entities, NULL);
    int missing = 0;
    json_t *quotes = NULL;
    json_t *ents =
        ask_entities(r, route, path ? path : r->o->entities, &missing, &quotes);
    int rc = EXIT_ERROR;
    if (missing)
        fprintf(stderr, "psearch: %s: not in the index\n", r->o->entities);
    if (ents) {
        int json = r->o->mode == RENDER_JSON;
        if (render_entities(ents, json, stdout) != 0 ||
            render_article_quotes(quotes, json, stdout) != 0)
            fprintf(stderr, "psearch: writing the entities: %s\n",
                    strerror(errno));
        else
            rc = json_array_size(ents) || json_array_size(quotes)
                     ? EXIT_MATCH
                     : EXIT_NOMATCH;
    }
    json_decref(ents);
    json_decref(quotes);
    free(path);
    return rc;
}

/* Runs the search on the side ROUTE names and prints its result. */
static int search_main(run_t *r, int route)
{
    const options_t *o = r->o;
    request_t q = ask_request(o);
    json_t *res = ask_search(r, route, &q);
    if (!res)
        return EXIT_ERROR;
    char *cwd = getcwd(NULL, 0);
    render_opts_t ro = {
        .mode = o->mode,
        .color =
            o->mode == RENDER_HUMAN && cli_use_color(o->color, STDOUT_FILENO),
        .width = o->width >= 0 ? o->width : term_width(),
        .facets = o->facets > 0,
        .count = o->count,
        .cwd = cwd,
        .fetch = ask_lines,
        .fetch_ctx = r,
    };
    int exit_code;
    if (render_result(res, &ro, stdout, stderr) != 0) {
        fprintf(stderr, "psearch: writing the results: %s\n", strerror(errno));
        exit_code = EXIT_ERROR;
    } else {
        json_int_t total = json_integer_value(json_object_get(res, "total"));
        exit_code = total > 0 ? EXIT_MATCH : EXIT_NOMATCH;
    }
    json_decref(res);
    free(cwd);
    return exit_code;
}

int main(int argc, char **argv)
{
    options_t o;
    int rc = cli_parse_args(argc, argv, &o);
    if (rc) {
        free(o.query);
        return rc < 0 ? EXIT_ERROR : EXIT_MATCH;
    }
    run_t r = {.o = &o};
    r.index_dir = ps_index_resolve_dir(o.index);
    r.socket_path = ps_socket_resolve_path(o.socket);
    int exit_code = EXIT_ERROR;
    if (!r.socket_path) {
        fprintf(stderr, "psearch: out of memory\n");
    } else {
        int route = route_choose(&r);
        if (route != ROUTE_ERROR)
            exit_code =
                o.entities ? entities_main(&r, route) : search_main(&r, route);
    }
    route_close(&r);
    free(o.query);
    return exit_code;
}
