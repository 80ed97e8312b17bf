#!/usr/bin/env bash
# The trained entity model: where psearch-index finds it, and how it
# refuses a missing, truncated, corrupt or wrong-version model file: one
# message naming the file, exit 2, and no index built without entities.
. "$(dirname "$0")/lib.sh"
copy_corpus
C=$TMP/corpus
MODEL=$ROOT/corpus/ner.model
F=$C/000_e38818ae5e4e4397.txt

# refuses FILE WHAT: indexing and --tag with --model FILE both exit 2 with
# one line naming FILE and saying WHAT, and no index appears.
refuses() {
    local file=$1 what=$2 ix=$TMP/ix-$RANDOM
    assert_exit 2 "$BIN/psearch-index" --index "$ix" --model "$file" "$C" \
        2>"$TMP/err"
    assert_eq "$(wc -l <"$TMP/err")" 1
    grep -qF "$file" "$TMP/err"
    grep -q "$what" "$TMP/err"
    test ! -e "$ix"
    assert_exit 2 "$BIN/psearch-index" --tag --model "$file" "$F" \
        >"$TMP/out" 2>"$TMP/err"
    grep -qF "$file" "$TMP/err"
    test ! -s "$TMP/out"
}

test_expect_success 'the in-tree build finds corpus/ner.model by itself' '
    "$BIN/psearch-index" --index "$TMP/ix" "$C"
    "$BIN/psearch-index" --tag "$F" | grep -q "\"known\":false"
'
test_expect_success '--model FILE is the model used' '
    "$BIN/psearch-index" --tag --model "$MODEL" "$F" >"$TMP/a"
    "$BIN/psearch-index" --tag "$F" >"$TMP/b"
    cmp "$TMP/a" "$TMP/b"
'
test_expect_success 'the model beside a copied program: ../corpus/ner.model' '
    mkdir -p "$TMP/tree/bin" "$TMP/tree/corpus"
    cp "$BIN/psearch-index" "$TMP/tree/bin/"
    cp "$MODEL" "$TMP/tree/corpus/"
    "$TMP/tree/bin/psearch-index" --tag "$F" >"$TMP/c"
    cmp "$TMP/a" "$TMP/c"
'
test_expect_success 'a missing model' '
    refuses "$TMP/none.model" "not found\|No such file"
'
test_expect_success 'a truncated model' '
    head -c 100000 "$MODEL" >"$TMP/trunc.model"
    refuses "$TMP/trunc.model" truncated
    head -c 10 "$MODEL" >"$TMP/tiny.model"
    refuses "$TMP/tiny.model" truncated
'
test_expect_success 'a corrupt model (one byte changed)' '
    cp "$MODEL" "$TMP/bad.model"
    printf "\\377" | dd of="$TMP/bad.model" bs=1 seek=100000 conv=notrunc \
        status=none
    refuses "$TMP/bad.model" corrupt
    printf "not a model at all, but long enough to have a header.........." \
        >"$TMP/text.model"
    refuses "$TMP/text.model" "not a NER model"
'
test_expect_success 'a model of another format version' '
    cp "$MODEL" "$TMP/v9.model"
    printf "\\011" | dd of="$TMP/v9.model" bs=1 seek=8 conv=notrunc status=none
    refuses "$TMP/v9.model" "version 9"
'
test_expect_success 'a directory or an unreadable file' '
    refuses "$TMP" "$TMP"
    if [ "$(id -u)" != 0 ]; then
        cp "$MODEL" "$TMP/locked.model" && chmod 000 "$TMP/locked.model"
        refuses "$TMP/locked.model" "denied\|cannot"
    fi
'
test_done
