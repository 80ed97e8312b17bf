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
test_expect_success 'too few attributions to calibrate: said, the model kept' '
    qt --out m4 2>err
    grep -q "confidence left uncalibrated: 12 attributions found, 12 right" err
    "$BIN/psearch-index" --quotes --quote-model m4 train.jsonl >/dev/null
'
# Calibration: 400 articles of two attributions each, whose annotators
# disagree on every other article about the source (the speaker, or the
# thing spoken of), so that about half of what the model finds is right
# and its margins alone cannot say which. The fitted logistic then makes
# the mean confidence on the training articles the share found right
# (a logistic regression with a constant matches the two sums).
python3 - <<'EOF2'
import json
names = ["Clinton", "Trump", "Sanders", "Cruz", "Kasich"]
with open("calib.jsonl", "w") as f:
    for i in range(400):
        n = names[i % 5]
        text = "A story %d\n\n" % i
        atts = []
        for obj in ("plan", "vote"):
            s0 = len(text)
            text += "%s said that the %s would fail. " % (n, obj)
            c = text.index("said", s0)
            o = text.index(obj, s0)
            src = [s0, s0 + len(n)] if i % 2 == 0 else [o, o + len(obj)]
            atts.append({"source": [src], "cue": [[c, c + 4]],
                         "content": [[c + 5, text.index(" fail", s0) + 5]]})
        f.write(json.dumps({"id": "c%d" % i, "text": text,
                            "attributions": atts}) + "\n")
EOF2
test_expect_success 'the confidence is calibrated on the training articles' '
    "$QT" --train calib.jsonl --gazetteer "$ROOT/corpus/entities.tsv" \
        --ner "$ROOT/corpus/ner.model" --epochs 2 --folds 2 --row-bits 10 \
        --seed 1 --out m5 2>err
    grep "confidence calibrated" err >line
    n=$(sed -n "s/.*calibrated on \([0-9]*\) attributions.*/\1/p" line)
    r=$(sed -n "s/.*(\([0-9]*\) right).*/\1/p" line)
    "$QT" --dev calib.jsonl --pred pred.jsonl --out m5 \
        --gazetteer "$ROOT/corpus/entities.tsv" --ner "$ROOT/corpus/ner.model"
    python3 -c "
import json, sys
c = [a[\"confidence\"] for l in open(\"pred.jsonl\")
     for a in json.loads(l)[\"attributions\"]]
n, r = $n, $r
print(len(c), n, sum(c) / len(c), r / n)
assert len(c) == n and 0.15 < r / n < 0.85
assert abs(sum(c) / len(c) - r / n) < 0.02
"
'
test_expect_success 'the model loads and runs' '
    printf "Title\n\nTrump said that it would fail.\n" >a.txt
    "$BIN/psearch-index" --quotes --quote-model m1 a.txt >/dev/null
'
test_done
