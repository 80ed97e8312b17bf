/* The on-disk layout of a psearch index, shared by the writer (lib/index/)
 * and the readers (lib/search/). Changing anything here changes the
 * format: bump PS__FORMAT and say so in doc/index-format.md. Internal to
 * the library. */
#ifndef PSEARCH_LAYOUT_H
#define PSEARCH_LAYOUT_H

/* Stored as the Xapian metadata key "psearch.format". */
#define PS__FORMAT "12"
#define PS__META_FORMAT "psearch.format"
/* How many shards the index has, in every shard. */
#define PS__META_SHARDS "psearch.shards"
/* The gazetteer the documents were tagged with, as TSV text. */
#define PS__META_GAZETTEER "psearch.gazetteer"
/* PS__QUOTES_NONE when the documents were indexed without the quote step
 * (psearch-index --no-quotes): said: and quote: have nothing to find.
 * Absent (an index with quotes, or one from before the option) else. */
#define PS__META_QUOTES "psearch.quotes"
#define PS__QUOTES_NONE "none"
/* Followed by a stem ("run"): the words of the shard with that stem. */
#define PS__META_FORMS "psearch.forms."
/* Followed by an entity prefix and the end of an id after one of its
 * hyphens ("XPERSON:morton"): the entity terms of the shard whose id ends
 * so ("XPERSON:andrew-morton"), sorted, one per line. A surname typed in
 * a query finds the ids it may stand for with one look-up a shard, not a
 * read of every entity term of the type. */
#define PS__META_SURNAME "psearch.surname."
/* Followed by a first character and a length ("psearch.spell.h.10"): the
 * shard's plain words of that start and length, each with its document
 * count, for spelling suggestions (store/spell.h). */
#define PS__META_SPELL "psearch.spell."

/* The index directory holds a Xapian stub file naming the live generation,
 * the generations themselves, and the writers' lock file. */
#define PS__STUB "XAPIANDB"
#define PS__GEN_PREFIX "db."
#define PS__LOCK "write.lock"
/* In a generation of several shards, each is a folder "shard.K". */
#define PS__SHARD_PREFIX "shard."
/* While a generation is built aside, its documents are written to
 * segments, folders "seg.K" in the shard's folder (index/shardw.h),
 * compacted into the shard before the stub names it: no reader sees
 * them. */
#define PS__SEG_PREFIX "seg."

/* Term prefixes, after Xapian's conventions (omega's termprefixes). Plain
 * words carry no prefix. */
#define PS__P_STEM "Z"  /* stemmed word, without positions */
#define PS__P_TITLE "S" /* title word, with positions */
#define PS__P_TITLE_STEM "ZS" /* with positions */
#define PS__P_ID "Q"    /* unique id: the file's path */
/* Entity terms use ps_entity_type_prefix(): "XPERSON:zelensky". */
/* Quotes (quotes.h). A speaker is keyed by its entity's type name and id,
 * "person:zelensky" (ps__speaker_key()), since ids are unique per type. */
#define PS__P_SAID "XSAID:" /* + key: one per quote of that speaker, no
                               positions; wdf = the speaker's quotes */
/* Where the quotes' words stand, as two markers shifted off the words:
 * at P+1 and at P-1 for each body position P inside a quote's content,
 * wdf 0, so that the exact phrase (B, w1 ... wk, A) says that the words
 * w1 ... wk stand together inside a quote (quote_terms.cc). Alone for
 * any quote; + ":" + key for the quotes of one speaker. */
#define PS__P_QAFTER "XQA"
#define PS__P_QBEFORE "XQB"

/* Every shard lists under PS__META_FORMS + stem ("psearch.forms.run") the
 * body words it holds with that stem ("run\nrunning\nruns"): a body stem
 * is searched as those words, and phrases, NEAR and hits use their
 * positions, since stems have none. Readers merge the lists of all shards
 * (metadata is what xapian-tcpsrv serves; synonym and spelling tables are
 * not), so no shard is special. */

/* Value slots. A result reads one value, the record (6), which holds all
 * it shows: each value is a B-tree look-up of its own (and a block read
 * from the file), so that reading path, title, spans, entities, head and
 * text one by one cost a result five look-ups more (format 11). Slots 1,
 * 7 and 8 held the title, the entities and the text until format 10. */
enum {
    PS__V_PATH = 0,   /* absolute path */
    PS__V_DATE = 2,   /* YYYYMMDD, sortable; absent without a date */
    PS__V_MTIME = 3,  /* "SEC.NSEC" */
    PS__V_SIZE = 4,   /* decimal bytes */
    PS__V_HASH = 5,   /* 16 hex digits of XXH64 */
    PS__V_RECORD = 6, /* path, title, head, spans, entities, text (codec.h) */
    PS__V_QUOTES = 9, /* the attributions (codec.h) */
    /* Block K of a text of more than PS__TEXT_INLINE blocks, which the
     * record does not hold (codec.h): 16 + K. */
    PS__V_BLOCK = 16,
};

/* How many times a title word counts in its plain word's within-document
 * frequency (build_doc()): the title's weight as a field, BM25F-like. */
#define PS__TITLE_WDF 3

/* Xapian limits a term to 245 bytes; longer ones are not indexed. */
#define PS__MAX_TERM 240
/* It limits metadata keys likewise; longer stems' words go unrecorded. */
#define PS__MAX_META_KEY 240

/* The record's head (codec.h) is a compact JSON object with the keys
 * date, source, url and body (offset where the body starts); the
 * document data is empty. */

#endif
