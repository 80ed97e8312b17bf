/* Turning a search result into output: the people's grep-like listing,
 * JSON Lines, Vim's grep format and the bare count. The input is always
 * the JSON object ps_search() returns, whether it came from the library or
 * from the daemon, so both paths print the very same thing. */
#ifndef PSEARCH_CLI_RENDER_H
#define PSEARCH_CLI_RENDER_H

#include <stdio.h>

#include <jansson.h>

typedef enum {
    RENDER_HUMAN,   /* header, hit lines, footer on stderr */
    RENDER_JSON,    /* one object per result, then the summary */
    RENDER_VIMGREP, /* path:line:column:text per hit */
    RENDER_COUNT,   /* the total alone */
} render_mode_t;

/* Returns lines FROM to TO of the indexed document PATH as an object like
 * ps_db_document()'s ({"first_line", "text", ...}), which the caller
 * releases; NULL when the text cannot be had. */
typedef json_t *(*render_fetch_fn)(void *ctx, const char *path, unsigned from,
                                   unsigned to);

typedef struct render_opts {
    render_mode_t mode;
    int color;       /* ANSI colours in the people's listing */
    int width;       /* columns for the people's listing; 0: no limit */
    int facets;      /* also print the result's "facets" */
    int count;       /* --count: with RENDER_JSON, the summary line only */
    const char *cwd; /* paths under it are shown relative to it */
    render_fetch_fn fetch;
    void *fetch_ctx;
} render_opts_t;

/* Writes RESULT (the object of ps_search()) to OUT as O says. The footer
 * of the people's listing and "Did you mean" go to ERR. Returns 0, or -1
 * when writing failed (errno set). */
int render_result(const json_t *result, const render_opts_t *o, FILE *out,
                  FILE *err);

/* Writes a malformed query's message to ERR, then the query with a caret
 * under byte offset POS (no caret when POS is negative). */
void render_query_error(FILE *err, const char *query, const char *msg, long pos,
                        int color);

/* One quote of a result or of an article (the engine's quote object) as
 * one line for people: "Volodymyr Zelensky cautioned that “the war
 * continues” …" ("According to Sergei Ryabkov, …" for that cue), an
 * unresolved speaker marked so ("he (unresolved) said: …"); without
 * SHOW_CUE the speaker alone before a colon ("Volodymyr Zelensky: …"),
 * for a line too narrow for both; with SHOW_DOUBT, a confidence under 0.5
 * shown (a caller that prints every confidence passes 0). *CONTENT_AT
 * (unless NULL) is where the content starts in it. The caller frees it;
 * NULL when out of memory. */
char *render_quote_text(const json_t *q, int show_doubt, int show_cue,
                        size_t *content_at);

#endif
