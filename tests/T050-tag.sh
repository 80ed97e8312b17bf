#!/usr/bin/env bash
# psearch-index --tag: every mention as JSON Lines, pointing at the text of
# the file (offset, length, line, column), tagged as indexing tags it.
. "$(dirname "$0")/lib.sh"
copy_corpus
C=$TMP/corpus
TAG="$BIN/psearch-index --tag"

# Checks each mention line read from stdin against FILE: the bytes at
# offset/length, the line and column the offset gives, and (for a known
# entity) that the text is one of its aliases or its canonical name. One
# awk pass over bytes (LC_ALL=C), so that it stays fast on many mentions.
check_mentions() {
    LC_ALL=C awk -v file="$1" -v gaz="$C/entities.tsv" '
    function norm(s) { gsub(/\342\200\231/, "\047", s); sub(/\047s$/, "", s)
                       return tolower(s) }
    BEGIN {
        RS = "\001"; getline text < file; close(file); RS = "\n"
        FS = "\t"
        while ((getline l < gaz) > 0) {
            split(l, f, "\t"); alias[f[1] SUBSEP norm(f[3])] = 1
            n = split(f[4], a, "|")
            for (i = 1; i <= n; i++) alias[f[1] SUBSEP norm(a[i])] = 1
        }
        FS = " "
    }
    {
        id = $3; known = $4; off = $5; len = $6; line = $7; col = $8
        t = substr(text, off + 1, len)
        if (length(t) != len) { print "past the end: " $0; bad = 1; next }
        pre = substr(text, 1, off)
        want = gsub(/\n/, "\n", pre) + 1
        if (line != want) { print "line " line ", want " want ": " $0; bad = 1 }
        nl = match(pre, /\n[^\n]*$/) ? RSTART : 0
        if (col != off - nl + 1) { print "column " col ": " $0; bad = 1 }
        if (known == "true" && !((id SUBSEP norm(t)) in alias)) {
            print id ": \"" t "\" is no alias"; bad = 1
        }
        n++
    }
    END { if (!n) print "no mentions"; exit bad || !n }' >&2
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
    # The entities, not the attributions that follow them.
    "$BIN/psearch" --index "$TMP/ix" --direct --entities "$f" --json |
        grep "\"mentions\"" | "$TOOLS/json_get" .type .id |
        sort -u > "$TMP/indexed"
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
