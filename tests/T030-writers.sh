#!/usr/bin/env bash
# Safety of the index against other writers and crashes: a second writer
# exits 75 without waiting; kill -9 at any moment leaves the last committed
# index readable and consistent, and a rerun completes it.
. "$(dirname "$0")/lib.sh"
IX=$TMP/index
copy_corpus
C=$TMP/corpus
"$BIN/psearch-index" --index "$IX" "$C"

test_expect_success 'a second writer exits 75 at once while the lock is held' '
    # The lock is held from the moment $TMP/locked appears until the
    # holder (exec: sleep itself, holding the descriptor) is killed: no
    # sleep stands in for synchronisation.
    ( exec 9>>"$IX/write.lock"; flock 9; : >"$TMP/locked"; exec sleep 60 ) &
    holder=$!
    for _ in $(seq 500); do [ -e "$TMP/locked" ] && break; sleep 0.01; done
    start=$(date +%s)
    rc=0; "$BIN/psearch-index" --index "$IX" "$C" 2> "$TMP/err" || rc=$?
    kill $holder; wait $holder || :
    assert_eq $rc 75
    [ $(( $(date +%s) - start )) -lt 2 ]
    grep -q "another writer" "$TMP/err"
'
test_expect_success 'two writers started together: one wins, one exits 75' '
    make_big_corpus 1500
    "$BIN/psearch-index" --index "$TMP/race" --full "$TMP/big" & a=$!
    sleep 0.2
    rc=0; "$BIN/psearch-index" --index "$TMP/race" "$TMP/big" 2>/dev/null || rc=$?
    wait $a
    [ "$rc" = 75 ] || [ "$rc" = 0 ]
    assert_eq "$(doccount "$TMP/race")" 1500
'
test_expect_success 'kill -9 during runs never breaks the index' '
    make_big_corpus 1500
    "$BIN/psearch-index" --index "$TMP/k" "$TMP/big"
    for i in 1 2 3 4 5 6; do
        # Alternate full rebuilds and incremental runs with changes.
        for f in "$TMP"/big/0000$i.txt "$TMP"/big/0010$i.txt; do
            printf "\nEdit %s %s\n" "$i" "$RANDOM" >> "$f"
        done
        if [ $((i % 2)) = 0 ]; then mode=--full; else mode=; fi
        "$BIN/psearch-index" --index "$TMP/k" $mode "$TMP/big" & pid=$!
        sleep "0.$((RANDOM % 8))"
        kill -9 $pid 2>/dev/null || true
        wait $pid 2>/dev/null || true
        assert_eq "$(doccount "$TMP/k")" 1500
        xapian-check "$(live_gen "$TMP/k")" > /dev/null
    done
    "$BIN/psearch-index" --index "$TMP/k" "$TMP/big"
    assert_eq "$(doccount "$TMP/k")" 1500
    xapian-delve -1 -a "$TMP/k" | grep -qx "edit"
    [ "$(ls -d "$TMP"/k/db.* | wc -l)" = 1 ]
'
test_done
