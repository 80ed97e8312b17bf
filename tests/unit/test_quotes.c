/* Unit tests of quote attribution (quotes.h) with the shipped models:
 * the model loader refuses damaged files with a message naming them;
 * direct, indirect and discontinuous quotes are found with their source,
 * cue, content, kind and speaker; and bad input (unbalanced and nested
 * quotation marks, a quote that never closes in 16 MB, a line of 100,000
 * quotation marks, 50,000 lines credited by a quotation dash) gives
 * well-formed answers and the rest of the text still attributed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "psearch/analyzer.h"
#include "psearch/entities.h"
#include "psearch/ner.h"
#include "psearch/quotes.h"
#include "quote/quote_private.h"

struct fixture {
    ps_analyzer_t *a;
    ps_gazetteer_t *g;
    ps_ner_model_t *m;
    ps_tagger_t *t;
    ps_quote_model_t *qm;
    ps_quoter_t *q;
    const ps_entity_t *ents;
    size_t nents;
};

static char root_path[4096];

static const char *corpus_file(const char *name)
{
    const char *root = getenv("PSEARCH_ROOT");
    snprintf(root_path, sizeof root_path, "%s/corpus/%s",
             root && *root ? root : ".", name);
    return root_path;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char *err = NULL;
    if (!f || ps_analyzer_new(&f->a) != PS_OK ||
        ps_gazetteer_load(corpus_file("entities.tsv"), f->a, &f->g, &err) !=
            PS_OK ||
        ps_ner_model_load(corpus_file("ner.model"), &f->m, &err) != PS_OK ||
        ps_tagger_new(f->g, f->m, &f->t) != PS_OK ||
        ps_quote_model_load(corpus_file("quote.model"), &f->qm, &err) !=
            PS_OK ||
        ps_quoter_new(f->qm, &f->q) != PS_OK) {
        print_error("setup: %s\n", err ? err : "failed");
        free(err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ps_quoter_free(f->q);
    ps_quote_model_free(f->qm);
    ps_tagger_free(f->t);
    ps_ner_model_free(f->m);
    ps_gazetteer_free(f->g);
    ps_analyzer_free(f->a);
    free(f);
    return 0;
}

/* Checks what every answer must be: spans inside the text, not empty,
 * pieces sorted, fields in range, quotes in text order. */
static void check_well_formed(const ps_quote_t *qs, size_t nq, size_t len,
                              size_t nents)
{
    size_t last = 0;
    for (size_t i = 0; i < nq; i++) {
        const ps_quote_t *q = &qs[i];
        const ps_byte_span_t *sp[3] = {q->source, q->cue, q->content};
        size_t ns[3] = {q->nsource, q->ncue, q->ncontent};
        for (int k = 0; k < 3; k++)
            for (size_t j = 0; j < ns[k]; j++) {
                assert_true(sp[k][j].start < sp[k][j].end);
                assert_true(sp[k][j].end <= len);
                assert_true(j == 0 || sp[k][j].start >= sp[k][j - 1].end);
            }
        assert_true(q->ncue >= 1 && q->ncontent >= 1);
        assert_non_null(ps_quote_kind_name(q->kind));
        assert_non_null(ps_speaker_kind_name(q->speaker_kind));
        assert_true(q->confidence >= 0 && q->confidence <= 1);
        assert_int_equal(q->speaker_kind == PS_SPEAKER_ENTITY,
                         q->speaker >= 0 && (size_t)q->speaker < nents);
        size_t first = q->content[0].start;
        if (q->cue[0].start < first)
            first = q->cue[0].start;
        if (q->nsource && q->source[0].start < first)
            first = q->source[0].start;
        assert_true(first >= last);
        last = first;
    }
}

/* Analyses, tags (unless NO_TAGS) and attributes TEXT. */
static const ps_quote_t *run_text(struct fixture *f, const char *text,
                                  size_t len, int no_tags, size_t *nq)
{
    const ps_token_t *toks;
    size_t n;
    assert_int_equal(ps_analyze(f->a, text, len, 0, &toks, &n), PS_OK);
    f->ents = NULL;
    f->nents = 0;
    if (!no_tags)
        assert_int_equal(
            ps_tagger_run(f->t, text, len, 0, toks, n, &f->ents, &f->nents),
            PS_OK);
    const ps_quote_t *qs;
    assert_int_equal(ps_quoter_run(f->q, text, len, 0, toks, n, f->ents,
                                   f->nents, &qs, nq),
                     PS_OK);
    check_well_formed(qs, *nq, len, f->nents);
    return qs;
}

static const ps_quote_t *run(struct fixture *f, const char *text, size_t *nq)
{
    return run_text(f, text, strlen(text), 0, nq);
}

static int span_is(const char *text, ps_byte_span_t s, const char *want)
{
    return s.end - s.start == strlen(want) &&
           memcmp(text + s.start, want, s.end - s.start) == 0;
}

/* The quote whose cue is the word CUE, or NULL. */
static const ps_quote_t *by_cue(const char *text, const ps_quote_t *qs,
                                size_t nq, const char *cue)
{
    for (size_t i = 0; i < nq; i++)
        if (span_is(text, qs[i].cue[0], cue))
            return &qs[i];
    return NULL;
}

/* The quote whose cue begins with WORDS, or NULL: where the model's
 * cue may or may not take in the verb after it ("is said to favor"). */
static const ps_quote_t *by_cue_start(const char *text, const ps_quote_t *qs,
                                      size_t nq, const char *words)
{
    size_t n = strlen(words);
    for (size_t i = 0; i < nq; i++)
        if (qs[i].cue[0].end - qs[i].cue[0].start >= n &&
            memcmp(text + qs[i].cue[0].start, words, n) == 0)
            return &qs[i];
    return NULL;
}

/* The first quote whose cue is CUE at or after FROM (a place in TEXT),
 * or NULL. */
static const ps_quote_t *by_cue_from(const char *text, const ps_quote_t *qs,
                                     size_t nq, const char *cue,
                                     const char *from)
{
    for (size_t i = 0; i < nq; i++)
        if (qs[i].cue[0].start >= (size_t)(from - text) &&
            span_is(text, qs[i].cue[0], cue))
            return &qs[i];
    return NULL;
}

/* The quote whose source is SOURCE, or NULL. */
static const ps_quote_t *by_source(const char *text, const ps_quote_t *qs,
                                   size_t nq, const char *source)
{
    for (size_t i = 0; i < nq; i++)
        if (qs[i].nsource && span_is(text, qs[i].source[0], source))
            return &qs[i];
    return NULL;
}

static const char *speaker_id(struct fixture *f, const ps_quote_t *q)
{
    return q->speaker_kind == PS_SPEAKER_ENTITY ? f->ents[q->speaker].id
                                                : NULL;
}

static void test_direct(void **state)
{
    struct fixture *f = *state;
    const char *text = "“We will not give up,” Zelensky said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    assert_int_equal(nq, 1);
    assert_int_equal(qs[0].kind, PS_QUOTE_DIRECT);
    assert_int_equal(qs[0].ncontent, 1);
    assert_true(span_is(text, qs[0].content[0], "“We will not give up,”"));
    assert_true(span_is(text, qs[0].cue[0], "said"));
    assert_int_equal(qs[0].nsource, 1);
    assert_true(span_is(text, qs[0].source[0], "Zelensky"));
    assert_string_equal(speaker_id(f, &qs[0]), "zelensky");
}

static void test_indirect(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Donald Trump said on Monday that the plan would fail.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    if (!q)
        q = by_cue(text, qs, nq, "said on Monday");
    assert_non_null(q);
    assert_int_equal(q->kind, PS_QUOTE_INDIRECT);
    assert_true(
        span_is(text, q->content[q->ncontent - 1], "that the plan would fail") ||
        span_is(text, q->content[q->ncontent - 1], "the plan would fail"));
    assert_string_equal(speaker_id(f, q), "trump");
}

static void test_discontinuous(void **state)
{
    struct fixture *f = *state;
    const char *text = "“We will not give up,” Zelensky said, “the war "
                       "continues.”\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    assert_int_equal(nq, 1);
    assert_int_equal(qs[0].ncontent, 2);
    assert_true(span_is(text, qs[0].content[0], "“We will not give up,”"));
    assert_true(span_is(text, qs[0].content[1], "“the war continues.”"));
    assert_int_equal(qs[0].kind, PS_QUOTE_DIRECT);
    assert_string_equal(speaker_id(f, &qs[0]), "zelensky");
}

static void test_speakers(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Sergei Ryabkov met reporters in Moscow on Friday. He said that "
        "the talks were over.\n\nThey said that nothing had changed.\n\n"
        "Officials said that the border would stay closed.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    assert_true(nq >= 2);
    /* "He" is the person just named. */
    assert_string_equal(speaker_id(f, &qs[0]), "ryabkov");
    const ps_quote_t *last = &qs[nq - 1];
    assert_true(span_is(text, last->source[0], "Officials"));
    assert_int_equal(last->speaker_kind, PS_SPEAKER_UNNAMED);
    for (size_t i = 0; i < nq; i++)
        if (span_is(text, qs[i].source[0], "They"))
            assert_int_equal(qs[i].speaker_kind, PS_SPEAKER_PRONOUN);
}

static void test_relative(void **state)
{
    struct fixture *f = *state;
    const char *text = "On Friday, Sergei Ryabkov, who said that the talks "
                       "were over, left Geneva.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "who"));
    assert_string_equal(speaker_id(f, q), "ryabkov");
}

/* A relative pronoun across an appositive is the name before it; not
 * across a clause ("compared with ... who say"). */
static void test_relative_appositive(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The plan drew criticism from Harold Doley, a banker and former "
        "administration official who said that the deal was a mistake.\n\n"
        "Voters like Clinton, compared with 64 percent who say that "
        "Sanders is honest.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "who"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "harold-doley");
    q = by_cue(text, qs, nq, "say");
    if (q)
        assert_int_not_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
}

/* A name before a title qualifies it: "Clinton spokesman Josh Schwerin
 * said" is Schwerin's, and so is the "he" after it, and "Sanders's
 * campaign manager, Jeff Weaver" is Weaver's; two names joined by "and"
 * are not a name and a title. */
static void test_title_qualifier(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Hillary Clinton spoke in Iowa on Monday.\n\n"
        "Clinton campaign manager Robby Mook said that the campaign would "
        "go on. He added that the polls were close.\n\n"
        "Bernie Sanders and Elizabeth Warren said that the bill was "
        "unfair.\n\nSanders's campaign manager, Jeff Weaver, told reporters "
        "that the campaign would go on.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "robby-mook");
    q = by_cue(text, qs, nq, "added");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "robby-mook");
    q = by_cue_from(text, qs, nq, "said", strstr(text, "Bernie"));
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "bernie-sanders");
    q = by_cue(text, qs, nq, "told");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "jeff-weaver");
}

/* "One Clinton ally" and "Clinton allies" are people the article does
 * not name, not Clinton; "another Clinton ally, Tom Vilsack" is
 * Vilsack; "a spokesman for Clinton" still speaks for her. */
static void test_one_of_theirs(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Hillary Clinton spoke in Iowa on Monday.\n\n"
        "One Clinton ally said that the race was close.\n\n"
        "Clinton allies argued that the debate went well.\n\n"
        "Another Clinton ally, Agriculture Secretary Tom Vilsack, told "
        "reporters that the campaign was ready.\n\n"
        "A spokesman for Clinton noted that she would return.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_cue(text, qs, nq, "argued");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_cue(text, qs, nq, "told");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "tom-vilsack");
    q = by_cue(text, qs, nq, "noted");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
}

/* "Climate change, Mr. Obama said, is ...": the words before a source
 * and cue set off by commas are the content's first piece; not a
 * fronted scene ("In his years in office, ..."). */
static void test_front_piece(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Barack Obama spoke in Paris on Monday.\n\n"
        "Climate change, Mr. Obama said, is the greatest threat we face.\n\n"
        "In his years in office, Mr. Obama said, the economy grew.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_int_equal(q->ncontent, 2);
    assert_true(span_is(text, q->content[0], "Climate change"));
    assert_true(span_is(text, q->content[1], "is the greatest threat we face"));
    q = by_cue_from(text, qs, nq, "said", strstr(text, "In his"));
    assert_non_null(q);
    assert_int_equal(q->ncontent, 1);
    assert_true(span_is(text, q->content[0], "the economy grew"));
}

/* "According to X, A. According to Y, B": the first content ends with
 * its sentence, as the next one has a speaker of its own, who keeps the
 * attribution (the shipped article 000 lost it to the first content). */
static void test_next_speaker(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "According to U.S. and Ukrainian officials, their discussions "
        "\u201caren\u2019t just symbolic\u201d and are centered on a tangible "
        "deal. According to media sources, a security proposal and a "
        "peace framework are \u201calmost ready,\u201d with most issues "
        "resolved. President Trump stated that a peace deal was "
        "\u201ccloser than ever\u201d.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q =
        by_source(text, qs, nq, "U.S. and Ukrainian officials");
    assert_non_null(q);
    assert_int_equal(q->ncontent, 1);
    assert_true(span_is(text, q->content[0],
                        "their discussions \u201caren\u2019t just "
                        "symbolic\u201d and are centered on a tangible "
                        "deal"));
    q = by_source(text, qs, nq, "media sources");
    assert_non_null(q);
    assert_true(span_is(text, q->cue[0], "According to"));
    q = by_cue(text, qs, nq, "stated");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "trump");
}

/* A person whose gender the article does not say, given both "he" and
 * "she" sources, is of the gender most of them say, and the other
 * pronoun goes to someone else: "She said" was Comey's, the one named
 * last, as the two "he said" after it. */
static void test_settled_gender(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Hillary Clinton testified before the committee in October. FBI "
        "Director James Comey said on Thursday that those statements were "
        "wrong. She said she never sent classified emails. He said his "
        "agents found them. He said the evidence was clear.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "She");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
    const char *he = strstr(text, "He said");
    for (int k = 0; k < 2; k++, he = strstr(he + 1, "He said")) {
        q = by_cue_from(text, qs, nq, "said", he);
        assert_non_null(q);
        assert_string_equal(speaker_id(f, q), "james-comey");
    }
}

/* "President Obama backed her up": "her" is the object of Obama's verb,
 * someone else, so it says nothing of Obama's gender, and the "he" after
 * it is Obama, not the man named before (Comey, "Mr."). */
static void test_object_pronoun(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Mr. Comey spoke about the server on Tuesday. Mrs. Clinton herself "
        "has always maintained that the server was secure. President Obama "
        "backed her up in an interview last October. “I don't think it "
        "posed a national security problem,” he said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "he");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "obama");
}

/* "After he gave her an answer, she said ...": "she" is not the speaker
 * the "he" before it was, and of Christie (no gender known) and "a
 * woman" after him, the woman is whom it refers to: unresolved. */
static void test_other_gender(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Chris Christie began the morning by dropping to one knee, all but "
        "begging a woman who claimed to be undecided to cast her ballot for "
        "him. After he gave her a lengthy answer about Social Security "
        "reform, she said he had her vote.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "he");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "chris-christie");
    q = by_source(text, qs, nq, "she");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* A first name says a person's gender when nothing else in the article
 * does: "she" is not Bill Smith, named first in the sentence before, but
 * Anna Jones; the first name is the name's first word before a space, so
 * that a hyphenated surname ("Mark-Viverito", whose id is
 * "mark-viverito") is no man named Mark. */
static void test_first_name_gender(void **state)
{
    struct fixture *f = *state;
    const char *text = "Bill Smith met Anna Jones in Ohio on Monday. "
                       "\"It went well,\" she said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "she");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "anna-jones");
    text = "Melissa Mark-Viverito spoke. Later Mark-Viverito said the plan "
           "works.\n\n\"Any other question?\" she said.\n";
    qs = run(f, text, &nq);
    q = by_source(text, qs, nq, "she");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "mark-viverito");
}

/* "Asked about the explosion, Clinton said ...": the "Asked" attribution
 * has no source (Clinton was asked, by someone unnamed); the "said" one
 * is hers. */
static void test_asked(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Hillary Clinton spoke in Ohio on Monday. Asked about the explosion "
        "in New York, Clinton said that it was a bomb.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "Asked about");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_NONE);
    q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
}

/* "The hackers have reportedly stolen ...", "his supporters seemed
 * convinced ...": the writer's evidence, not words of the subject, so no
 * source. */
static void test_evidential(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Donald Trump spoke in Ohio on Monday. The hackers have reportedly "
        "stolen thousands of emails from the committee. His supporters "
        "seemed convinced that the election was rigged.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "have reportedly");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
    q = by_cue(text, qs, nq, "seemed convinced");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_NONE);
}

/* "appeared to blame" is what Stumpf said, only hedged: he keeps his
 * attribution, where "seemed convinced" has no source. */
static void test_evidential_verb(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "John Stumpf spoke to the committee on Tuesday. In an interview, "
        "Stumpf appeared to blame low-level workers for the fraud.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "appeared to blame");
    assert_non_null(q);
    assert_int_equal(q->nsource, 1);
    assert_true(span_is(text, q->source[0], "Stumpf"));
    assert_string_equal(speaker_id(f, q), "john-stumpf");
}

/* "is even trying" is no passive ("even" only ends as "taken" does), so
 * "He" keeps his attribution; "is not expected" is one ("not" stands
 * between the auxiliary and the participle), so it has no source. */
static void test_passive_words(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Bruce LeVell spoke in Atlanta on Monday. He dismisses accusations "
        "that Trump has exploited racial tensions. He is even trying to "
        "persuade other people of color to support the campaign.\n\n"
        "Mrs. Clinton is not expected to attend the dinner, her aides "
        "said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "is even trying to persuade");
    assert_non_null(q);
    assert_int_equal(q->nsource, 1);
    assert_string_equal(speaker_id(f, q), "bruce-levell");
    q = by_cue(text, qs, nq, "is not expected");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
}

/* "while simultaneously asserting": a source of one adverb is the
 * taggers' slip; the subject speaks. */
static void test_adverb_source(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Vladimir Putin spoke in Moscow on Friday.\n\nAs the talks approach "
        "a critical moment, Putin has maintained that Russia is positioned "
        "to dictate terms, expressing a readiness for serious discussions "
        "while simultaneously asserting that fighting will cease only when "
        "Ukrainian forces retreat from the territories they have "
        "reclaimed.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "asserting");
    assert_non_null(q);
    assert_int_equal(q->nsource, 1);
    assert_true(span_is(text, q->source[0], "Putin"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
}

/* "Trump's campaign backtracked. ... it said": the unnamed campaign,
 * not the last organisation named. */
static void test_campaign_it(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The Supreme Court heard the case in March.\n\nDonald Trump said "
        "women should be punished. Trump\xe2\x80\x99s campaign immediately "
        "backtracked, putting out a statement. In cases of abortion, it "
        "said, \xe2\x80\x9cthe woman is a victim.\xe2\x80\x9d\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "it");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* "The report also provided details. It said ...": the report, not the
 * organisation named before it. */
static void test_thing_it(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The FDIC hired Pittman in March.\n\nThe report also provided "
        "details of data breaches at the regulator. It said current "
        "officials have concealed information.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "It");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* An "it" two sentences of narrative after the last organisation named
 * is not that organisation. */
static void test_far_it(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "In 1988, Congress voted to compensate the victims.\n\nFor almost "
        "60 years, the census denied any improper role in the internment. "
        "But in 2000, researchers disclosed a cache of documents that "
        "compelled the bureau to admit some culpability. Even so, it "
        "proudly declared that it had never provided the names.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "it");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* "one voter brought up immigration. She asked Sanders ...": the voter,
 * whom the article does not name, not Sanders. */
static void test_anonymous_person(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Bernie Sanders spoke at a forum in Palo Alto on Monday.\n\nBut "
        "that changed when one voter brought up immigration. She asked "
        "Sanders about the people deported under the Obama administration. "
        "He started his answer with a story about his parents.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "She");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* "is said", "was told": passives too, though "said" and "told" do not
 * end as participles do, so their subjects are not who speaks. */
static void test_irregular_passive(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "John Stumpf spoke to the committee on Tuesday.\n\nThe president "
        "is said to favor a new tax on imports. Mr. Trump was told that the "
        "plan would fail.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue_start(text, qs, nq, "is said");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_NONE);
    q = by_cue_start(text, qs, nq, "was told");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
}

/* "her husband, Milton Berg": the word before the comma says he is a man,
 * so "She" is Rachel Berg. */
static void test_kin_apposition_gender(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Rachel Berg, a philanthropist from Monsey, spoke on Monday. Along "
        "with her husband, Milton Berg, a money manager, she has given to "
        "many candidates. She said that she would back Rubio.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "rachel-berg");
}

/* "The president" is the person the article calls President, not the
 * sentence's first name. */
static void test_the_president(void **state)
{
    struct fixture *f = *state;
    const char *text = "Hillary Clinton met President Barack Obama in Ohio on "
                       "Monday. The president said that the economy was "
                       "strong.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "obama");
}

/* "It is clear that", "it's worth noting that": "it" is no one, not the
 * company named before; "Apple said" is Apple. */
static void test_expletive_it(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Apple released new phones on Monday. But it is clear that the "
        "company will raise prices, and it's worth noting that sales fell. "
        "Apple said that sales were strong.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    size_t its = 0;
    for (size_t i = 0; i < nq; i++) {
        if (qs[i].nsource && span_is(text, qs[i].source[0], "Apple")) {
            assert_int_equal(qs[i].speaker_kind, PS_SPEAKER_ENTITY);
            continue;
        }
        /* Whatever the model reads as the source of the two, it is not
         * Apple. */
        assert_int_not_equal(qs[i].speaker_kind, PS_SPEAKER_ENTITY);
        its++;
    }
    assert_true(its >= 1);
}

/* "The campaign said" is no organisation named before it (the FBI): a
 * candidate's campaign, left unresolved. */
static void test_the_campaign(void **state)
{
    struct fixture *f = *state;
    const char *text = "The FBI opened an inquiry on Monday. The campaign "
                       "said that it would cooperate with investigators.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "The campaign");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* "Christie's been making the case": a contraction, not a possessive, so
 * Christie is the sentence's subject and the "he" after it. */
static void test_contraction(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Chris Christie spoke in Iowa on Monday.\n\nChristie's been making "
        "the case for weeks that Marco Rubio isn't ready. \"You have not "
        "been involved in a consequential decision,\" he said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "chris-christie");
}

/* A sentence that opens with "He" names others only as objects: the
 * "he" after it is the person further back, not Trump; "his mother" and
 * "his chief aide" are someone the article does not name, not him. */
static void test_pronoun_led(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Bruce LeVell spoke in Atlanta on Monday. He is even trying to win "
        "voters for Donald Trump. He said that the campaign would win.\n\n"
        "His mother said that she was proud.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "He"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "bruce-levell");
    q = by_source(text, qs, nq, "His mother");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    /* Nor is "his chief aide" him: a person's aides speak for
     * themselves, as "Clinton aides" do. */
    text = "Bernie Sanders spoke in Ohio on Monday. His chief aide said that "
           "the campaign would win.\n";
    qs = run(f, text, &nq);
    q = by_source(text, qs, nq, "His chief aide");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
}

/* The pronoun need not open the sentence: "When he took the stage after
 * Bob Vander Plaats's introduction, he said" is Cruz's; but a name right
 * after the clause the pronoun stands in is whom it announces ("When she
 * was a prosecutor, Loretta Lynch ..."). */
static void test_pronoun_first(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Ted Cruz spoke in Iowa on Monday. When he took the stage after Bob "
        "Vander Plaats's introduction, he said that the party must unite."
        "\n\nWhen she was a prosecutor, Loretta Lynch never charged the "
        "bank. She said that the case was weak.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "he");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "ted-cruz");
    q = by_source(text, qs, nq, "She");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "loretta-lynch");
}

/* One person of an organisation that "a" introduces is no one the
 * article names ("an NBC reporter"), but its spokesman speaks for it. */
static void test_one_of_an_organisation(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "An NBC reporter said that the crowd was large.\n\n"
        "An NBC spokesman noted that the network would air the debate.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_cue(text, qs, nq, "noted");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "nbc");
}

/* People a plural word names beside an organisation are no one the
 * article names ("the PBS debate moderators", "State Department
 * lawyers"), but its spokesmen speak for it. */
static void test_people_beside_an_organisation(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The PBS debate moderators said that the election was close.\n\n"
        "NBC spokesmen said that the network would air the debate.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue_from(text, qs, nq, "said", text);
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_cue_from(text, qs, nq, "said", strstr(text, "NBC"));
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "nbc");
}

/* "The judge" is one the article writes "Judge" or "Justice" before,
 * when it writes it before anyone, not whoever spoke last. */
static void test_the_judge(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Manhattan Supreme Court Justice Frank Nervo rejected the request "
        "on Thursday.\n\nLawyers for Ivana Trump opposed it. Her "
        "submission to the court noted reports about the divorce.\n\n"
        "The judge said that the records should stay sealed.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "The judge");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "frank-nervo");
}

/* "He told Rubio": the one spoken to is not whom "he" refers to, though
 * he was the last person named; the one who spoke to him before is. */
static void test_spoken_to(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Rubio supporter Scott Szlachta told the senator that he drove "
        "from Chicago to ask about visas. Marco Rubio co-sponsored a bill "
        "this year.\n\n\"Workers like me have been abused,\" he told "
        "Rubio.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q =
        by_cue_from(text, qs, nq, "told", strstr(text, "abused"));
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "scott-szlachta");
}

/* A pronoun after a name that a preposition governs is no evidence of
 * the name's gender: "his" is the general's, and Clinton stays someone
 * "she" can refer to. */
static void test_gender_after_preposition(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The general stumped for Hillary Clinton in Iowa, and the campaign "
        "has touted his endorsement.\n\nOn Wednesday, Clinton criticized "
        "the plan in Ohio. She told reporters that it was wrong.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "told");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "She"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
}

/* A man inside what a man says is not the one who says it: "Seeing his
 * brother suffer led him to quit, he said" is the man the article was
 * talking about, where "When my brother heard of it, he said" is not. */
static void test_pronoun_past_content(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "In an interview last week, Donald Trump said that he had learned "
        "much from his family. Seeing his brother suffer led him to avoid "
        "alcohol, he said.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue_from(text, qs, nq, "said", strstr(text, "alcohol"));
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "he"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "trump");
}

/* "He" is the one the article was talking about, not the last name read:
 * the previous sentence's speaker or subject, not a possessive or a name
 * inside its quotation; "she" skips a man the article calls "he". */
static void test_pronoun_antecedent(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "\u201CThe deal is dead,\u201D Donald Trump wrote on Monday, quoting "
        "James Comey's statement. He added that the talks would go on.\n\n"
        "Hillary Clinton spoke in Ohio, where she met Bernie Sanders. "
        "Sanders said he would campaign for her. She told reporters that "
        "the race was close.\n\nJames Meehan taught in Boston. When my "
        "mother heard of it, she replied that it was too far.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "added");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "He"));
    assert_string_equal(speaker_id(f, q), "trump");
    q = by_cue(text, qs, nq, "told");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "She"));
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
    /* "she" after "my mother" is no one the article names. */
    q = by_cue(text, qs, nq, "replied");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "she"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
}

/* "“A,” said X, acknowledging B": the verb after the quotation is its
 * cue, whatever source the next clause's cue was given ("said Secretary
 * of State Marco Rubio"); X speaks both. */
static void test_inverted_cue(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "The discussions have been characterized as productive, although "
        "officials refrain from sharing specifics about the contentious "
        "issues that still separate the two parties. \u201CSo much work "
        "remains,\u201D said Secretary of State Marco Rubio, acknowledging "
        "the challenges ahead while describing the session as a step "
        "forward.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->content[0],
                        "\u201CSo much work remains,\u201D"));
    assert_true(span_is(text, q->source[0], "Secretary of State Marco Rubio"));
    assert_string_equal(speaker_id(f, q), "rubio");
    q = by_cue(text, qs, nq, "acknowledging");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "Secretary of State Marco Rubio"));
}

/* The subject of a passive cue is what the attribution is about, not
 * who speaks: the attribution stays, with no source. */
static void test_passive_cue(void **state)
{
    struct fixture *f = *state;
    const char *text = "Peacekeeping missions\n\nThe peacekeepers have been "
                       "accused of sexual abuse in the camps.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "have been accused of");
    assert_non_null(q);
    assert_int_equal(q->nsource, 0);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_NONE);
}

/* A title next to a name says the person's gender: "she" is not the
 * Kremlin spokesman, nor, after "whose husband", anyone but Clinton. */
static void test_title_gender(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Kremlin spokesman Dmitry Peskov said Moscow would study the plan. "
        "She said the document was incomplete.\n\nHillary Clinton, whose "
        "husband was president, spoke in Iowa. She told reporters that the "
        "race was close.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "She");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_PRONOUN);
    q = by_cue(text, qs, nq, "told");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
}

/* A party or nationality in a source describes the speaker ("the
 * Republican said"), it is not the speaker: the description refers to
 * the person the article is about. */
static void test_described_speaker(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Todd Wilcox founded two defense companies after serving in the "
        "Army.\n\nThe Republican said that the states should decide how "
        "to spend the money.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "The Republican"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "todd-wilcox");
}

/* A place before a word for a person describes the speaker too ("the
 * Florida senator" is the senator the article is about), unless someone
 * speaks for it; a description with "a" is someone not named. */
static void test_place_described_speaker(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Marco Rubio campaigned in Orlando on Monday.\n\nThe Florida "
        "senator said that he would not endorse anyone.\n\nA New York "
        "judge said that the case would go on.\n\nA spokesman for Russia "
        "said that the talks had failed.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "The Florida senator");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "rubio");
    q = by_source(text, qs, nq, "A New York judge");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_source(text, qs, nq, "A spokesman for Russia");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "russia");
}

/* A group is no one the article names: a plural word for people
 * ("Republicans said") is not the last Republican named, and a person
 * who only qualifies the group ("Clinton aides", "aides to Clinton",
 * "Sanders fans") does
 * not speak; a person named right after the group's word ("the
 * candidates Clinton and Trump") or at the source's head does. Some of
 * a group ("several Democratic operatives") is unnamed too. */
static void test_group_speaker(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Senator Todd Wilcox spoke in Orlando on Monday.\n\nRepublicans "
        "said that the bill would fail.\n\nClinton aides said that the "
        "campaign would go on.\n\nAides to Hillary Clinton said that the "
        "debate had gone well.\n\nDemocratic candidate Hillary Clinton "
        "said that she would win.\n\nSeveral Democratic operatives said "
        "that the race was close.\n\nThe U.S. media said that the race "
        "was over.\n\nA USA TODAY investigation found that the program "
        "was never audited.\n\nBernie Sanders spoke in Ohio on Monday."
        "\n\nSanders fans said that the senator would win.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_source(text, qs, nq, "Republicans");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_source(text, qs, nq, "Clinton aides");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_source(text, qs, nq, "Aides to Hillary Clinton");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_source(text, qs, nq, "Democratic candidate Hillary Clinton");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_string_equal(speaker_id(f, q), "hillary-clinton");
    q = by_source(text, qs, nq, "Several Democratic operatives");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    q = by_source(text, qs, nq, "The U.S. media");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    /* A place whose name goes on in a capital the tagger cut off is a
     * newspaper's name, not the place speaking. */
    q = by_cue(text, qs, nq, "found");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
    /* Fans, friends, admirers and followers are a group as aides are. */
    q = by_source(text, qs, nq, "Sanders fans");
    assert_non_null(q);
    assert_int_equal(q->speaker_kind, PS_SPEAKER_UNNAMED);
}

/* A name the entity tagger takes for a person but the article uses as a
 * place ("in Chelsea", "a Chelsea neighborhood") is no one a pronoun or
 * "the mayor" refers to. */
static void test_place_named_person(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Twenty people were hurt in a Chelsea neighborhood by a blast that "
        "Mayor Bill de Blasio called an act of terror.\n\nAt a press "
        "conference in Chelsea, the mayor said that it was too early to "
        "tell who did it.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "said");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "the mayor"));
    assert_int_equal(q->speaker_kind, PS_SPEAKER_ENTITY);
    assert_non_null(strstr(f->ents[q->speaker].name, "Blasio"));
}

static void test_unbalanced(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "“Open “nested “quotes” and never close ”” ” “ \" ''\n"
        "\"ascii \"toggle\" odd, he said\n"
        "Donald Trump said that the plan would fail.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    /* The article after the bad lines is still attributed. */
    assert_true(nq >= 1);
    const ps_quote_t *q = &qs[nq - 1];
    assert_true(span_is(text, q->cue[0], "said"));
    assert_true(span_is(text, q->content[q->ncontent - 1],
                        "that the plan would fail"));
    assert_string_equal(speaker_id(f, q), "trump");
}

/* Appends S to BUF at *AT. */
static void put(char *buf, size_t *at, const char *s)
{
    size_t n = strlen(s);
    memcpy(buf + *at, s, n);
    *at += n;
}

static void test_never_closes(void **state)
{
    struct fixture *f = *state;
    const char *tail = "\nDonald Trump said that the plan would fail.\n";
    size_t cap = (16u << 20) + 256, at = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    put(text, &at, "“");
    while (at + 64 + strlen(tail) < (16u << 20))
        put(text, &at, "the war continues and the talks go on and on ");
    put(text, &at, tail);
    size_t nq;
    /* Without the tagger, which is not what this test is about. */
    const ps_quote_t *qs = run_text(f, text, at, 1, &nq);
    assert_true(nq >= 1);
    const ps_quote_t *q = &qs[nq - 1];
    assert_true(span_is(text, q->cue[0], "said"));
    assert_true(span_is(text, q->content[q->ncontent - 1],
                        "that the plan would fail"));
    free(text);
}

static void test_many_marks(void **state)
{
    struct fixture *f = *state;
    const char *tail = "\nDonald Trump said that the plan would fail.\n";
    size_t n = 100000, at = 0;
    char *text = malloc(n * 3 + 64);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        put(text, &at, i % 2 ? "”" : "“");
    put(text, &at, tail);
    size_t nq;
    const ps_quote_t *qs = run_text(f, text, at, 0, &nq);
    assert_int_equal(nq, 1);
    assert_true(span_is(text, qs[0].cue[0], "said"));
    assert_string_equal(speaker_id(f, &qs[0]), "trump");
    free(text);
}

/* A quotation credited by a quotation dash on its own line ("“...” ―
 * Name"), as web news prints reader and pull quotes: the dash is the cue,
 * the name the source. */
static void test_quotation_dash(void **state)
{
    struct fixture *f = *state;
    const char *text = "Readers wrote to us after the debate.\n"
                       "“He can’t even answer a question.” ― Esther Tapia\n"
                       "“The most unqualified child to ever run.” ― "
                       "Francisco Herrero\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, "―");
    assert_non_null(q);
    assert_true(span_is(text, q->content[0],
                        "“He can’t even answer a question.”"));
    assert_true(span_is(text, q->source[0], "Esther Tapia"));
    assert_int_equal(q->kind, PS_QUOTE_DIRECT);
    size_t dashes = 0;
    for (size_t i = 0; i < nq; i++)
        dashes += span_is(text, qs[i].cue[0], "―");
    assert_int_equal(dashes, 2);
}

/* Some writers open a quotation with ” too; at the start of a paragraph
 * it can only open one, so such a line credited by a quotation dash is
 * one attribution like any other (a dev article of PolNeAR prints its
 * readers' quotes so). */
static void test_paragraph_opens(void **state)
{
    struct fixture *f = *state;
    const char *text = "Readers wrote to us after the debate.\n"
                       "”The debate was a mess from start to finish.” ― "
                       "Edwin G. Monroy\n"
                       "”What is most infuriating is the noise.” ― Nell "
                       "Carden Grey\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    size_t dashes = 0;
    for (size_t i = 0; i < nq; i++) {
        if (!span_is(text, qs[i].cue[0], "―"))
            continue;
        dashes++;
        assert_int_equal(qs[i].ncontent, 1);
        assert_int_equal(qs[i].kind, PS_QUOTE_DIRECT);
    }
    assert_int_equal(dashes, 2);
    const ps_quote_t *q = by_cue(text, qs, nq, "―");
    assert_true(span_is(text, q->content[0],
                        "”The debate was a mess from start to finish.”"));
    assert_true(span_is(text, q->source[0], "Edwin G. Monroy"));
}

/* 50,000 lines of dash-credited quotations: every one is walked once, and
 * the text after them is still attributed. */
static void test_many_dashes(void **state)
{
    struct fixture *f = *state;
    const char *line = "“No.” ― Ann Lee\n";
    const char *tail = "Donald Trump said that the plan would fail.\n";
    size_t n = 50000, at = 0;
    char *text = malloc(n * strlen(line) + strlen(tail) + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        put(text, &at, line);
    put(text, &at, tail);
    size_t nq;
    const ps_quote_t *qs = run_text(f, text, at, 1, &nq);
    assert_true(nq >= 1);
    const ps_quote_t *q = &qs[nq - 1];
    assert_true(span_is(text, q->cue[0], "said"));
    free(text);
}

/* A transcript: each line that opens with a name in capitals and a colon
 * is that speaker's turn, the colon its cue; a name in capitals is the
 * person the article names with it. */
static void test_transcript(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "Fox News Sunday asked Mike Pence about the debate.\n\n"
        "Partial transcript as follows:\n\n"
        "\"WALLACE: Will Gennifer Flowers be there tomorrow night?\n\n"
        "\"PENCE: Gennifer Flowers will not be attending the debate.\n\n"
        "\"WALLACE: Do you really see those two as equivalent?\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    size_t turns = 0;
    for (size_t i = 0; i < nq; i++)
        turns += span_is(text, qs[i].cue[0], ":") && qs[i].nsource == 1;
    assert_int_equal(turns, 3);
    const ps_quote_t *q = by_source(text, qs, nq, "WALLACE");
    assert_non_null(q);
    assert_true(span_is(text, q->content[0],
                        "Will Gennifer Flowers be there tomorrow night"));
    q = by_source(text, qs, nq, "PENCE");
    assert_non_null(q);
    assert_string_equal(speaker_id(f, q), "mike-pence");
}

/* A line's label in capitals is no speaker when no second name takes
 * turns with it ("HUFFPOLLSTER: ..."), nor when it is a word for a kind
 * of line ("UPDATE:", "VIDEO:"). */
static void test_line_labels(void **state)
{
    struct fixture *f = *state;
    const char *text = "HUFFPOLLSTER: A shift among voters in Iowa.\n\n"
                       "UPDATE: The poll was taken on Monday.\n\n"
                       "VIDEO: The rally in Des Moines.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    assert_null(by_source(text, qs, nq, "HUFFPOLLSTER"));
    assert_null(by_source(text, qs, nq, "UPDATE"));
    assert_null(by_source(text, qs, nq, "VIDEO"));
    /* A manual's labels take turns too, but name no one of the text. */
    text = "The lock is taken by the caller.\n\nLOCKING: The caller holds "
           "the lock.\n\nRETURNS: Zero on success, an error otherwise.\n";
    qs = run(f, text, &nq);
    assert_null(by_source(text, qs, nq, "LOCKING"));
    assert_null(by_source(text, qs, nq, "RETURNS"));
}

/* A headline gives the rest of its line to the name before its colon,
 * a name the tagger may read only in the article below; a headline
 * whose first words name no one ("The Latest: ...") gives nothing. */
static void test_headline(void **state)
{
    struct fixture *f = *state;
    const char *text = "Pence: Gennifer Flowers Won’t Be at Debate.\n\n"
                       "Gov. Mike Pence said on Sunday that the invitation "
                       "was a joke.\n";
    size_t nq;
    const ps_quote_t *qs = run(f, text, &nq);
    const ps_quote_t *q = by_cue(text, qs, nq, ":");
    assert_non_null(q);
    assert_true(span_is(text, q->source[0], "Pence"));
    assert_true(span_is(text, q->content[0],
                        "Gennifer Flowers Won’t Be at Debate"));
    assert_string_equal(speaker_id(f, q), "mike-pence");
    text = "The Latest: Trump Visits Ohio.\n\n"
           "Donald Trump said on Monday that he would win Ohio.\n";
    qs = run(f, text, &nq);
    assert_null(by_cue(text, qs, nq, ":"));
    /* A colon with no space after it is no headline's ("Trump::Tools",
     * a Perl module's name; "10:30"). */
    text = "Trump::Tools reads the campaign's files.\n\n"
           "Donald Trump said on Monday that he would win Ohio.\n";
    qs = run(f, text, &nq);
    assert_null(by_cue(text, qs, nq, ":"));
}

/* 50,000 turns of two speakers: each is read once, and the names are
 * looked for among the article's people once. */
static void test_many_turns(void **state)
{
    struct fixture *f = *state;
    const char *head = "John Lough spoke to Ann Lee on Monday.\n";
    const char *line = "LOUGH: No.\nLEE: Yes.\n";
    size_t n = 50000, at = 0;
    char *text = malloc(strlen(head) + n * strlen(line) + 1);
    assert_non_null(text);
    put(text, &at, head);
    for (size_t i = 0; i < n; i++)
        put(text, &at, line);
    size_t nq;
    const ps_quote_t *qs = run_text(f, text, at, 0, &nq);
    size_t turns = 0;
    for (size_t i = 0; i < nq; i++)
        turns += span_is(text, qs[i].cue[0], ":");
    assert_int_equal(turns, 2 * n);
    free(text);
}

/* Writes N bytes of MEM to a new temporary file named into PATH. */
static void write_file(char *path, size_t size, const unsigned char *mem,
                       size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/quote.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, mem, n), (ssize_t)n);
    close(fd);
}

/* Loading a copy of the model damaged by DAMAGE fails with ST and a
 * message naming the file and holding WHAT. */
static void load_damaged(const unsigned char *mem, size_t n,
                         void (*damage)(unsigned char *, size_t *),
                         ps_status_t st, const char *what)
{
    unsigned char *copy = malloc(n);
    assert_non_null(copy);
    memcpy(copy, mem, n);
    size_t len = n;
    damage(copy, &len);
    char path[256];
    write_file(path, sizeof path, copy, len);
    ps_quote_model_t *m = NULL;
    char *err = NULL;
    assert_int_equal(ps_quote_model_load(path, &m, &err), st);
    assert_null(m);
    assert_non_null(err);
    assert_non_null(strstr(err, path));
    if (!strstr(err, what))
        print_error("message: %s\n", err);
    assert_non_null(strstr(err, what));
    free(err);
    unlink(path);
    free(copy);
}

static void truncate_it(unsigned char *m, size_t *n)
{
    (void)m;
    *n = *n / 2;
}

static void truncate_header(unsigned char *m, size_t *n)
{
    (void)m;
    *n = 20;
}

static void bad_magic(unsigned char *m, size_t *n)
{
    (void)n;
    m[0] = 'X';
}

static void flip_weight(unsigned char *m, size_t *n)
{
    m[*n - 1000] ^= 0x40;
}

static void new_version(unsigned char *m, size_t *n)
{
    (void)n;
    m[8] = 99;
}

/* A calibration weight that is no number, under a right checksum. */
static void nan_calibration(unsigned char *m, size_t *n)
{
    float nan = NAN;
    memcpy(m + *n - PS__Q_CALIB_BYTES + 4 * PS__QC_DIRECT, &nan, 4);
    ps__put64(m + PS__MODEL_SUM_AT, ps__model_checksum(m, *n));
}

static void test_model_errors(void **state)
{
    (void)state;
    FILE *fp = fopen(corpus_file("quote.model"), "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size_t n = (size_t)ftell(fp);
    rewind(fp);
    unsigned char *mem = malloc(n);
    assert_non_null(mem);
    assert_int_equal(fread(mem, 1, n, fp), n);
    fclose(fp);
    load_damaged(mem, n, truncate_it, PS_ECORRUPT, "truncated");
    load_damaged(mem, n, truncate_header, PS_ECORRUPT, "truncated");
    load_damaged(mem, n, bad_magic, PS_ECORRUPT, "not a quote model");
    load_damaged(mem, n, flip_weight, PS_ECORRUPT, "checksum");
    load_damaged(mem, n, new_version, PS_EVERSION, "version 99");
    load_damaged(mem, n, nan_calibration, PS_ECORRUPT, "calibration");
    free(mem);

    ps_quote_model_t *m = NULL;
    char *err = NULL;
    assert_int_equal(ps_quote_model_load("/nonexistent/quote.model", &m, &err),
                     PS_ENOTFOUND);
    assert_non_null(strstr(err, "/nonexistent/quote.model"));
    free(err);
}

/* The confidence is the logistic of the calibration's weighted inputs:
 * the margin in units of the scale, 1, the kind and the speaker kind. */
static void test_confidence(void **state)
{
    (void)state;
    ps__qmodel_view_t v = {.conf_scale = 4};
    v.calib[PS__QC_MARGIN] = 1;
    assert_true(fabs(ps__q_confidence(&v, 0, PS_QUOTE_INDIRECT,
                                      PS_SPEAKER_UNNAMED) - 0.5) < 1e-6);
    assert_true(fabs(ps__q_confidence(&v, 8, PS_QUOTE_INDIRECT,
                                      PS_SPEAKER_ENTITY) -
                     1 / (1 + exp(-2.0))) < 1e-6);
    v.calib[PS__QC_BIAS] = -1;
    v.calib[PS__QC_DIRECT] = 3;
    v.calib[PS__QC_NOSOURCE] = -2;
    assert_true(fabs(ps__q_confidence(&v, 4, PS_QUOTE_DIRECT,
                                      PS_SPEAKER_ENTITY) -
                     1 / (1 + exp(-3.0))) < 1e-6);
    assert_true(fabs(ps__q_confidence(&v, 4, PS_QUOTE_MIXED,
                                      PS_SPEAKER_NONE) -
                     1 / (1 + exp(2.0))) < 1e-6);
    /* Far beyond any margin: still a number in [0, 1]. */
    float c = ps__q_confidence(&v, 1e30, PS_QUOTE_DIRECT, PS_SPEAKER_ENTITY);
    assert_true(c >= 0 && c <= 1);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(ps_quote_kind_name(PS_QUOTE_DIRECT), "direct");
    assert_string_equal(ps_quote_kind_name(PS_QUOTE_MIXED), "mixed");
    assert_string_equal(ps_quote_kind_name(PS_QUOTE_INDIRECT), "indirect");
    assert_null(ps_quote_kind_name((ps_quote_kind_t)7));
    assert_string_equal(ps_speaker_kind_name(PS_SPEAKER_UNNAMED), "unnamed");
    assert_null(ps_speaker_kind_name((ps_speaker_kind_t)9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_confidence),
        cmocka_unit_test_setup_teardown(test_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discontinuous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_speakers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_appositive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_title_gender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inverted_cue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passive_cue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pronoun_antecedent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_title_qualifier, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pronoun_past_content, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pronoun_led, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pronoun_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_contraction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expletive_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_campaign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_president, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kin_apposition_gender, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_front_piece, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_speaker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settled_gender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_object_pronoun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_name_gender, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_other_gender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evidential, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evidential_verb, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_irregular_passive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adverb_source, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_campaign_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thing_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_far_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anonymous_person, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_passive_words, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_of_theirs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_one_of_an_organisation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_people_beside_an_organisation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_judge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spoken_to, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gender_after_preposition, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_described_speaker, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_group_speaker, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_place_described_speaker, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_place_named_person, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unbalanced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_marks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotation_dash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_dashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transcript, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_turns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paragraph_opens, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
