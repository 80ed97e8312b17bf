/* Internal to lib/gazetteer/: the gazetteer's layout, which entities.c
 * (lookups) and gaz_load.c (the TSV loader) share, and the key building
 * both use. The tagger sees only entities_private.h. */
#ifndef PSEARCH_GAZETTEER_PRIVATE_H
#define PSEARCH_GAZETTEER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "psearch/entities.h"

/* An alias may have at most this many words, so that its case constraints
 * fit in one 64-bit mask per kind. */
#define MAX_ALIAS_WORDS 64

/* One alias, reduced to its key: the terms of its words joined by single
 * spaces ("mar a lago"). Word W of the alias only matches a token with
 * PS_TOK_UPPER when bit W of need_upper is set, and only a capitalised
 * token when bit W of need_cap is set. */
struct gz_alias {
    char *key;
    size_t key_len;
    uint32_t ent;
    uint32_t nwords;
    uint64_t need_upper;
    uint64_t need_cap;
    /* Where the alias came from, for the duplicate-alias message. */
    size_t line;
    char *text;
};

struct ps_gazetteer {
    ps_entity_def_t *defs;
    size_t ndefs, defs_cap;
    size_t *def_lines;
    struct gz_alias *aliases;
    size_t naliases, aliases_cap;
    uint32_t max_words;
};

/* A growable string buffer for building keys. */
struct strbuf {
    char *p;
    size_t len, cap;
};

/* Appends N bytes of S and a NUL to SB. Returns 0, or -1 without memory. */
int ps__gaz_sb_add(struct strbuf *sb, const char *s, size_t n);

/* Analyses NAME and joins the terms of its words with SEP into SB. Compound
 * wholes are skipped: their parts carry the words, so "Mar-a-Lago" and
 * "Mar a Lago" give the same key. When UPPER and CAP are given, they get
 * each word's case constraint. *NWORDS gets the word count, which may
 * exceed MAX_ALIAS_WORDS (the masks then only cover the first ones). */
ps_status_t ps__gaz_build_key(ps_analyzer_t *a, const char *name, size_t len,
                              char sep, struct strbuf *sb, uint32_t *nwords,
                              uint64_t *upper, uint64_t *cap);

/* Orders keys bytewise, the way the tagger builds them (memcmp, then the
 * shorter first). */
int ps__gaz_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Whether C is ASCII white space, which names and ids are trimmed of. */
int ps__gaz_is_blank(char c);

/* Orders aliases by key bytewise, then by line (qsort's comparator). */
int ps__gaz_alias_cmp(const void *pa, const void *pb);

#endif
