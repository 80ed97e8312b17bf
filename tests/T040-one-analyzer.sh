#!/usr/bin/env bash
# One analyzer: every token of the corpus, analysed as the indexer does,
# becomes the same term when typed as a query, and is found in the index.
. "$(dirname "$0")/lib.sh"
IX=$TMP/index
"$BIN/psearch-index" --index "$IX" "$ROOT/corpus"

test_expect_success 'query side and index side agree on every corpus token' '
    "$TOOLS/one_analyzer" "$IX" "$ROOT"/corpus/*.txt > "$TMP/out"
    cat "$TMP/out"
    grep -q "tokens checked, 0 disagreements" "$TMP/out"
'
test_done
