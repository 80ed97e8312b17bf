#!/usr/bin/env bash
# The tagger on the five shipped articles against the hand-made gold list
# (tests/gold/entities.tsv), through build/tests/tagger_eval: floors that
# catch a broken tagger or model, well under the figures in doc/tagger.md.
. "$(dirname "$0")/lib.sh"
EVAL="$TOOLS/tagger_eval --model $ROOT/corpus/ner.model"
GAZ=$ROOT/corpus/entities.tsv
GOLD=$ROOT/tests/gold/entities.tsv

# f1 OUTPUT: the overall entity F1 of tagger_eval's output.
f1() { sed -n 's/^entities: .* F1=\([0-9.]*\) .*/\1/p' "$1"; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' ||
    { echo "$1 < $2" >&2; return 1; }; }

test_expect_success 'with the gazetteer: every gold entity, few others' '
    $EVAL "$GAZ" "$GOLD" "$ROOT/corpus" >"$TMP/gaz"
    grep -q "^entities: P=0\.9[0-9] R=1\.00 " "$TMP/gaz" ||
        grep -q "^entities: P=1\.00 R=1\.00 " "$TMP/gaz"
'
test_expect_success 'without the gazetteer: the model alone finds most' '
    $EVAL --no-gazetteer "$GAZ" "$GOLD" "$ROOT/corpus" >"$TMP/none"
    at_least "$(f1 "$TMP/none")" 0.85
'
test_done
