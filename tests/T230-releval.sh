#!/usr/bin/env bash
# The evaluator of `make relevance` (tests/tools/releval.c) against an
# example computed by hand, so the figures in RELEVANCE.md can be trusted.
. "$(dirname "$0")/lib.sh"

# Three judged queries (q3 has no relevant document, so it is not one):
#   q1: relevant d1, d3, d9; the run ranks d1 d2 d3 d1.
#       AP = (1/1 + 2/3) / 3 = 0.5556; DCG@10 = 1 + 1/log2(4) = 1.5,
#       ideal 1 + 1/log2(3) + 1/log2(4) = 2.1309, nDCG@10 = 0.7039;
#       P@10 = 2/10; R@100 = 2/3 (d1 listed again counts once).
#   q2: a has grade 2, b grade 1; the run ranks b a.
#       AP = (1/1 + 2/2) / 2 = 1; DCG@10 = 1 + 2/log2(3) = 2.2619,
#       ideal 2 + 1/log2(3) = 2.6309, nDCG@10 = 0.8597; P@10 = 0.2;
#       R@100 = 1.
#   q4: relevant z, never answered: 0 on every measure.
# Means over 3 queries: MAP 0.5185, nDCG@10 0.5212, P@10 0.1333,
# R@100 0.5556.
cat >"$TMP/qrels" <<'Q'
q1 0 d1 1
q1 0 d3 1
q1 0 d9 1
q1 0 d2 0
q2 0 a 2
q2 0 b 1
q3 0 x 0
q4 0 z 1
Q
cat >"$TMP/run.1" <<'R'
q2 Q0 b 1 9.0 t
q1 Q0 d1 1 3.0 t
q1 Q0 d2 2 2.0 t
q1 Q0 d3 3 1.0 t
q1 Q0 d1 4 0.5 t
q2 Q0 a 2 8.0 t
q5 Q0 z 1 1.0 t
R

test_expect_success 'the means match the hand-computed example' '
    out=$("$TOOLS/releval" "$TMP/qrels" "$TMP/run.1")
    assert_eq "$out" "0.5185 0.5212 0.1333 0.5556 3"
'

test_expect_success 'per query, each matches its own computation' '
    "$TOOLS/releval" "$TMP/qrels" "$TMP/run.1" -q >"$TMP/per"
    assert_eq "$(sed -n 1p "$TMP/per")" "q1 0.5556 0.7039 0.2000 0.6667"
    assert_eq "$(sed -n 2p "$TMP/per")" "q2 1.0000 0.8597 0.2000 1.0000"
    assert_eq "$(sed -n 3p "$TMP/per")" "q4 0.0000 0.0000 0.0000 0.0000"
'

test_expect_success 'the order of the run lines is the rank order' '
    printf "q1 Q0 d3 9 0 t\nq1 Q0 d1 1 0 t\n" >"$TMP/run.2"
    out=$("$TOOLS/releval" "$TMP/qrels" "$TMP/run.2" -q | head -1)
    # d3 at rank 1, d1 at rank 2: AP = (1 + 1) / 3, DCG = 1 + 1/log2(3).
    assert_eq "$out" "q1 0.6667 0.7654 0.2000 0.6667"
'

test_expect_success 'a missing file is an error' '
    assert_exit 2 "$TOOLS/releval" "$TMP/nothing" "$TMP/run.1"
'

test_done
