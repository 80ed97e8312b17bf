/* A debugging aid: runs the analyzer over a file, stdin or a string given
 * on the command line and prints one token per line, so that anyone can
 * see exactly which terms a text produces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psearch/analyzer.h"

static void usage(FILE *f)
{
    fputs("usage: analyze [-s] [FILE | -e TEXT]\n"
          "Prints one token per line, tab-separated:\n"
          "  pos offset length flags term stem [surface with -s]\n"
          "Flags: W compound whole, P part, N number, C capitalised,\n"
          "  U uppercase, S sentence start, L line start, O possessive,\n"
          "  A acronym; '.' where a flag is not set.\n",
          f);
}

static void flag_letters(uint32_t flags, char out[10])
{
    static const struct {
        uint32_t bit;
        char letter;
    } map[] = {
        {PS_TOK_COMPOUND, 'W'},   {PS_TOK_PART, 'P'},
        {PS_TOK_NUMBER, 'N'},     {PS_TOK_CAP, 'C'},
        {PS_TOK_UPPER, 'U'},      {PS_TOK_SENT_START, 'S'},
        {PS_TOK_LINE_START, 'L'}, {PS_TOK_POSSESSIVE, 'O'},
        {PS_TOK_ACRONYM, 'A'},
    };
    for (size_t i = 0; i < 9; i++)
        out[i] = (flags & map[i].bit) ? map[i].letter : '.';
    out[9] = '\0';
}

int main(int argc, char **argv)
{
    int surface = 0, argi = 1;
    const char *expr = NULL, *path = NULL;
    for (; argi < argc; argi++) {
        if (strcmp(argv[argi], "-s") == 0) {
            surface = 1;
        } else if (strcmp(argv[argi], "-e") == 0 && argi + 1 < argc) {
            expr = argv[++argi];
        } else if (strcmp(argv[argi], "-h") == 0 ||
                   strcmp(argv[argi], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[argi][0] == '-' && argv[argi][1] != '\0') {
            usage(stderr);
            return 2;
        } else if (!path) {
            path = argv[argi];
        } else {
            usage(stderr);
            return 2;
        }
    }

    char *text = NULL;
    size_t len = 0;
    if (expr) {
        len = strlen(expr);
        text = malloc(len + 1);
        if (text)
            memcpy(text, expr, len + 1);
    } else {
        FILE *f = (!path || strcmp(path, "-") == 0) ? stdin : fopen(path, "rb");
        if (!f) {
            perror(path);
            return 1;
        }
        if (ps_read_stream(f, &text, &len) != PS_OK)
            text = NULL;
        if (f != stdin)
            fclose(f);
    }
    if (!text) {
        fprintf(stderr, "analyze: cannot read the input\n");
        return 1;
    }

    ps_analyzer_t *a;
    ps_status_t st = ps_analyzer_new(&a);
    if (st != PS_OK) {
        fprintf(stderr, "analyze: %s\n", ps_status_str(st));
        free(text);
        return 1;
    }
    const ps_token_t *toks;
    size_t n;
    st = ps_analyze(a, text, len, 0, &toks, &n);
    if (st != PS_OK) {
        if (st == PS_EBADUTF8)
            fprintf(stderr, "analyze: invalid UTF-8 at byte %zu\n",
                    ps_analyzer_error_offset(a));
        else
            fprintf(stderr, "analyze: %s\n", ps_status_str(st));
        ps_analyzer_free(a);
        free(text);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const ps_token_t *t = &toks[i];
        char fl[10];
        flag_letters(t->flags, fl);
        printf("%u\t%zu\t%u\t%s\t%s\t%s", t->pos, t->offset, t->length, fl,
               t->term, t->stem);
        if (surface)
            printf("\t%.*s", (int)t->length, text + t->offset);
        putchar('\n');
    }
    ps_analyzer_free(a);
    free(text);
    return ferror(stdout) ? 1 : 0;
}
