/* Shared by the fuzz targets in tests/fuzz/: the libFuzzer entry point's
 * declaration, a small built-in gazetteer, and the check that turns a
 * broken invariant into a crash the fuzzer (or the replay driver) reports.
 * The targets are built twice: with clang and libFuzzer into build/fuzz/
 * (make fuzz), and with the project's compiler and the replay driver into
 * build/tests/ (make test replays the seeds and the regression cases). */
#ifndef PSEARCH_FUZZ_H
#define PSEARCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: say which, then abort so that libFuzzer
 * saves the input and the replay driver fails. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,        \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A few entries of corpus/entities.tsv, chosen to exercise what the
 * tagger and the query parser do with a gazetteer: multi-word aliases,
 * all-caps aliases that only match capitals, aliases with dots, and a
 * treaty whose name holds a number. */
static const char fuzz_gazetteer_tsv[] =
    "# fuzz gazetteer\n"
    "zelensky\tperson\tVolodymyr Zelensky\tZelensky|Zelenskyy|Zelenskiy|"
    "Volodymyr Zelenskyy\n"
    "trump\tperson\tDonald Trump\tTrump|Donald J. Trump\n"
    "putin\tperson\tVladimir Putin\tPutin|Vladimir V. Putin\n"
    "kyiv\tplace\tKyiv\tKiev|Kyyiv\n"
    "us\tplace\tUnited States\tUS|U.S.|USA|United States of America\n"
    "ukraine\tplace\tUkraine\tUkrainian Republic\n"
    "mar-a-lago\tplace\tMar-a-Lago\tMar a Lago\n"
    "nato\torg\tNATO\tNato|North Atlantic Treaty Organization\n"
    "eu\torg\tEuropean Union\tEU\n"
    "article-5\ttreaty\tArticle 5\tArticle Five|Art. 5\n"
    "budapest-memorandum\ttreaty\tBudapest Memorandum\t"
    "Budapest Memorandum on Security Assurances\n";

#endif
