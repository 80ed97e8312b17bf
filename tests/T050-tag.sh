#!/usr/bin/env bash
# psearch-index --tag: every mention as JSON Lines, pointing at the text of
# the file (offset, length, line, column), tagged as indexing tags it.
. "$(dirname "$0")/lib.sh"
copy_corpus
C=$TMP/corpus
TAG="$BIN/psearch-index --tag"

# Checks each mention line read from stdin against FILE: the bytes at
# offset/length, the line and column the offset gives, and (for a known
# entity) that the text is one of its aliases or its canonical name.
check_mentions() {
    local file=$1 n=0 path type id known off len line col text
    while read -r path type id known off len line col; do
        text=$(tail -c +$((off + 1)) "$file" | head -c "$len")
        [ -n "$text" ] || { echo "empty text at $off" >&2; return 1; }
        assert_eq "$line" "$(( $(head -c "$off" "$file" | wc -l) + 1 ))"
        local start; start=$(head -n $((line - 1)) "$file" | wc -c)
        assert_eq "$col" "$((off - start + 1))"
        if [ "$known" = true ]; then
            awk -F'\t' -v id="$id" '$1 == id { print $3; n = split($4, a, "|");
                for (i = 1; i <= n; i++) print a[i] }' "$C/entities.tsv" |
                sed "s/’/'/g" |
                grep -qixF -- "$(printf "%s" "$text" | sed "s/’/'/g; s/'s\$//")" ||
                { echo "$id: '$text' is no alias" >&2; return 1; }
        fi
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}

fields() {
    "$TOOLS/json_get" .path .type .id .known .offset .length .line .column
}

test_expect_success 'mentions of a shipped article point at their text' '
    f=$C/000_e38818ae5e4e4397.txt
    $TAG "$f" > "$TMP/out"
    fields < "$TMP/out" | check_mentions "$f"
    grep -q "\"id\":\"zelensky\"" "$TMP/out"
'
test_expect_success 'every shipped article, and without the gazetteer' '
    for f in "$C"/0*.txt; do
        $TAG "$f" | fields | check_mentions "$f"
        $TAG --entities /dev/null "$f" > "$TMP/out"
        lacks "\"known\":true" < "$TMP/out"
        fields < "$TMP/out" | check_mentions "$f"
    done
'
test_expect_success 'front matter: offsets count from the start of the file' '
    printf -- "---\ntitle: Talks\ndate: 2025-01-02\n---\n" > "$TMP/a.md"
    printf "Emmanuel Macron met Volodymyr Zelensky in Kyiv.\n" >> "$TMP/a.md"
    $TAG --entities "$C/entities.tsv" "$TMP/a.md" > "$TMP/out"
    fields < "$TMP/out" | check_mentions "$TMP/a.md"
    grep -q "\"id\":\"zelensky\".*\"line\":5,\"column\":21" "$TMP/out"
'
test_expect_success 'the same entities as the index holds' '
    "$BIN/psearch-index" --index "$TMP/ix" "$C"
    f=$C/001_c0e3d50bc6607f1e.txt
    $TAG "$f" | "$TOOLS/json_get" .type .id | sort -u > "$TMP/tagged"
    "$BIN/psearch" --index "$TMP/ix" --direct --entities "$f" --json |
        "$TOOLS/json_get" .type .id | sort -u > "$TMP/indexed"
    diff "$TMP/tagged" "$TMP/indexed"
'
test_expect_success 'bad files: the indexing warning, exit 1, others tagged' '
    printf "ok \xff bad\n" > "$TMP/bad.txt"
    : > "$TMP/empty.txt"
    rc=0
    $TAG "$C/002_5595f683dd3850cc.txt" "$TMP/bad.txt" "$TMP/empty.txt" \
        "$TMP/none.txt" > "$TMP/out" 2> "$TMP/err" || rc=$?
    assert_eq "$rc" 1
    grep -q "warning: $TMP/bad.txt: invalid UTF-8 at byte 3" "$TMP/err"
    grep -q "warning: $TMP/empty.txt: empty file" "$TMP/err"
    grep -q "warning: $TMP/none.txt: cannot open" "$TMP/err"
    grep -q 002_5595f683dd3850cc "$TMP/out"
'
test_expect_success 'no file, or an unreadable gazetteer: usage error' '
    assert_exit 2 $TAG
    assert_exit 2 $TAG --entities "$TMP/nope.tsv" "$C/000_e38818ae5e4e4397.txt"
'
test_expect_success 'the index is not touched' '
    export PSEARCH_INDEX=$TMP/untouched
    $TAG "$C/000_e38818ae5e4e4397.txt" > /dev/null
    test ! -e "$TMP/untouched"
'
test_done
