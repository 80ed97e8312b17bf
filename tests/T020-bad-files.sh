#!/usr/bin/env bash
# Each kind of bad file gets one warning naming it, is counted, and costs
# nothing already indexed.
. "$(dirname "$0")/lib.sh"
IX=$TMP/index
copy_corpus
C=$TMP/corpus
"$BIN/psearch-index" --index "$IX" "$C"

run_index() { "$BIN/psearch-index" --index "$IX" --stats "$@" "$C" 2> "$TMP/err"; }

test_expect_success 'invalid UTF-8: warning with the byte offset, exit 1' '
    printf "Good start\nthen \xff\xfe bad\n" > "$C/bad-utf8.txt"
    assert_exit 1 run_index
    grep -q "bad-utf8.txt: invalid UTF-8 at byte 16" "$TMP/err"
    assert_eq "$(grep -c warning "$TMP/err")" 1
    rm "$C/bad-utf8.txt"
'
test_expect_success 'a binary file: warning, exit 1' '
    printf "ELF\0\1\2\3binary" > "$C/binary.txt"
    assert_exit 1 run_index
    grep -q "binary.txt: binary file (NUL byte at byte 3)" "$TMP/err"
    rm "$C/binary.txt"
'
test_expect_success 'an empty file: warning, exit 1' '
    : > "$C/empty.txt"
    assert_exit 1 run_index
    grep -q "empty.txt: empty file" "$TMP/err"
    rm "$C/empty.txt"
'
test_expect_success 'a file over --max-size: warning, exit 1' '
    head -c 5000 /dev/zero | tr "\0" "a" > "$C/big.txt"
    assert_exit 1 run_index --max-size 4K
    grep -q "big.txt: 5000 bytes, over the --max-size limit of 4096" "$TMP/err"
    rm "$C/big.txt"
'
test_expect_success 'an unreadable file: warning, exit 1' '
    ln -s "$TMP/does-not-exist" "$C/dangling.txt"
    assert_exit 1 run_index
    grep -q "dangling.txt" "$TMP/err"
    rm "$C/dangling.txt"
'
if [ "$(id -u)" != 0 ]; then
test_expect_success 'a file without read permission: warning, exit 1' '
    printf "Secret\n" > "$C/secret.txt"; chmod 000 "$C/secret.txt"
    assert_exit 1 run_index
    grep -q "secret.txt: cannot open" "$TMP/err"
    rm -f "$C/secret.txt"
'
fi
test_expect_success 'a file that turns bad keeps its last good version' '
    f=$C/004_885119e9e1c7bf41.txt
    printf "\xff broken now" > "$f"
    assert_exit 1 run_index
    assert_eq "$(doccount "$IX")" 5
    xapian-delve -1 -a "$IX" | grep -qx kallas
'
test_expect_success 'the run goes on past bad files' '
    printf "\xff" > "$C/a-bad.txt"
    printf "Fresh news from Vilnius\n" > "$C/b-good.txt"
    assert_exit 1 run_index
    xapian-delve -1 -a "$IX" | grep -qx vilnius
'
test_expect_success 'a bad gazetteer is a configuration error (2)' '
    printf "x\tnot-a-type\tX\n" > "$TMP/bad.tsv"
    assert_exit 2 "$BIN/psearch-index" --index "$IX" --entities "$TMP/bad.tsv" "$C"
'
test_done
