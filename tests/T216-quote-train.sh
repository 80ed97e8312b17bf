#!/usr/bin/env bash
# The quote trainer's unlabelled text for word classes (quote_train
# --cluster-text, doc/quotes.md): its three formats are read, a missing or
# unknown file is a clear error and no model, the same inputs give the
# same bytes, and the text changes the classes (so the model). Trained on a
# few made-up articles with small tables: no PolNeAR data needed.
. "$(dirname "$0")/lib.sh"

QT=$ROOT/build/train/quote_train
cd "$TMP"
# Twelve short articles, each attribution's source, cue and content as
# byte spans, as in PolNeAR.
python3 - <<'EOF'
import json
names = ["Clinton", "Trump", "Sanders", "Cruz"]
with open("train.jsonl", "w") as f:
    for i in range(12):
        n = names[i % 4]
        text = "A story %d\n\n%s said that the plan would fail. " % (i, n)
        s = text.index(n)
        c = text.index("said")
        a = {"source": [[s, s + len(n)]], "cue": [[c, c + 4]],
             "content": [[c + 5, text.index(" fail") + 5]]}
        text += "The vote was held on Tuesday in the city.\n"
        f.write(json.dumps({"id": "a%d" % i, "text": text,
                            "attributions": [a]}) + "\n")
with open("more.jsonl", "w") as f:
    for i in range(3):
        f.write(json.dumps({"id": "m%d" % i, "text":
            "Warren denounced the plan. Biden denounced the vote."}) + "\n")
EOF
printf '%s\n' '-DOCSTART- -X- -X- O' '' 'Warren NNP I-NP I-PER' \
    'denounced VBD I-VP O' 'the DT I-NP O' 'plan NN I-NP O' '. . O O' '' \
    'Biden NNP I-NP I-PER' 'denounced VBD I-VP O' 'it PRP I-NP O' \
    '. . O O' >conll.txt
printf '%s\n' '*TEXT 001 01/04/63 PAGE 020' '' \
    'WARREN DENOUNCED THE PLAN . BIDEN DENOUNCED THE VOTE .' '' \
    '*TEXT 002 01/11/63 PAGE 021' '' 'CRUZ DENOUNCED THE CITY .' >smart.txt
echo 'just some words' >plain.txt
qt() {
    "$QT" --train train.jsonl --gazetteer "$ROOT/corpus/entities.tsv" \
        --ner "$ROOT/corpus/ner.model" --epochs 2 --folds 2 --row-bits 10 \
        --seed 1 "$@"
}

test_expect_success 'a missing --cluster-text file: exit 1, named, no model' '
    assert_exit 1 qt --cluster-text "$TMP/none.txt" --out m0 2>err
    grep -qF "$TMP/none.txt" err
    test ! -e m0
'
test_expect_success 'a file of no known format: exit 1, named, no model' '
    assert_exit 1 qt --cluster-text plain.txt --out m0 2>err
    grep -q "^plain.txt:1: not a text for --cluster-text" err
    test ! -e m0
'
test_expect_success 'without word classes there is nothing to cluster for' '
    assert_exit 2 qt --clusters 0 --cluster-text conll.txt --out m0 2>err
    test ! -e m0
'
test_expect_success 'three formats read: 1 + 2 + 3 articles' '
    qt --cluster-text conll.txt --cluster-text smart.txt \
        --cluster-text more.jsonl --out m1 2>err
    grep -q "6 articles of text for the word classes" err
'
test_expect_success 'the same inputs give the same bytes' '
    qt --cluster-text conll.txt --cluster-text smart.txt \
        --cluster-text more.jsonl --out m2 --quiet
    cmp m1 m2
'
test_expect_success 'the text changes the classes, so the model' '
    qt --out m3 --quiet
    if cmp -s m1 m3; then echo "the same model without the text" >&2; false; fi
'
test_expect_success 'the model loads and runs' '
    printf "Title\n\nTrump said that it would fail.\n" >a.txt
    "$BIN/psearch-index" --quotes --quote-model m1 a.txt >/dev/null
'
test_done
