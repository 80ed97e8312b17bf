#!/usr/bin/env bash
# T310: psearchd keeps answering while psearch-index adds, changes and
# deletes articles and rebuilds with --full; no query fails, and the new
# content is found without a restart or an explicit reload (the workers
# look for a new revision every reopen-interval).
. "$(dirname "$0")/lib.sh"

CLIENT=$TOOLS/jsonl_client
GET=$TOOLS/json_get
WAIT=${PSEARCHD_WAIT:-20}
SOCK=$TMP/run/psearchd.sock
INDEX=$TMP/index

copy_corpus
"$BIN/psearch-index" --index "$INDEX" "$TMP/corpus" >/dev/null 2>&1

"$BIN/psearchd" --index "$INDEX" --socket "$SOCK" </dev/null >/dev/null \
    2>"$TMP/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null; wait $DPID 2>/dev/null"

ask() { printf '%s\n' "$1" | "$CLIENT" --timeout 10 "$SOCK"; }

# total QUERY: the number of matches the daemon reports.
total() {
    ask "{\"op\":\"search\",\"q\":\"$1\"}" | "$GET" .total
}

# until_total QUERY N: waits (bounded) until QUERY has N matches.
until_total() {
    local i got
    for i in $(seq 1 50); do
        got=$(total "$1")
        [ "$got" = "$2" ] && return 0
        sleep 0.1
    done
    echo "\"$1\": $got matches, expected $2" >&2
    return 1
}

index() { "$BIN/psearch-index" --index "$INDEX" "$@" "$TMP/corpus"; }

for i in $(seq 1 $((WAIT * 10))); do
    ask '{"op":"ping"}' 2>/dev/null | grep -q pong && break
    sleep 0.1
done

# The stream of queries: 300 searches on fresh connections, running
# alongside every change below. Each answer is kept.
(
    for i in $(seq 1 300); do
        printf '{"id":%d,"op":"search","q":"Article 5"}\n' "$i" |
            "$CLIENT" --timeout 10 "$SOCK" || echo "{\"id\":$i,\"client\":$?}"
        sleep 0.01
    done >"$TMP/stream"
) &
STREAM=$!

test_expect_success 'a new article is found without a restart' '
    printf "Zyxwvut report\n\nThe zyxwvut committee met in Geneva.\n" \
        >"$TMP/corpus/new.txt"
    index
    until_total zyxwvut 1
'

test_expect_success 'a changed article is found by its new words only' '
    printf "Qwertyuiop report\n\nThe qwertyuiop committee met in Oslo.\n" \
        >"$TMP/corpus/new.txt"
    index
    until_total qwertyuiop 1
    until_total zyxwvut 0
'

test_expect_success 'a deleted article is no longer found' '
    rm "$TMP/corpus/new.txt"
    index
    until_total qwertyuiop 0
'

test_expect_success 'a --full rebuild is followed without a restart' '
    printf "Plokijuh report\n\nThe plokijuh committee met in Rome.\n" \
        >"$TMP/corpus/other.txt"
    index --full
    until_total plokijuh 1
    # Each worker moves to the new generation within --reopen-interval; the
    # stats may be answered by one that has not yet.
    for _ in $(seq 1 50); do
        n=$(ask "{\"op\":\"stats\"}" | "$GET" .index.documents)
        [ "$n" = 6 ] && break
        sleep 0.1
    done
    assert_eq "$n" 6
'

# `wait` works only here, at the top level, for these children.
wait $STREAM

test_expect_success 'no query of the stream failed' '
    assert_eq "$(wc -l <"$TMP/stream")" 300
    assert_eq "$("$GET" .ok .results# <"$TMP/stream" | sort | uniq -c |
        sed "s/^ *//")" "300 true 3"
'

test_expect_success 'the workers picked up revisions by themselves' '
    out=$(ask "{\"op\":\"stats\"}")
    [ "$(echo "$out" | "$GET" .daemon.db.reopen_changes)" -ge 1 ]
    assert_eq "$(echo "$out" | "$GET" .daemon.reload_epoch)" 0
'

kill -TERM $DPID
DRC=0
wait $DPID || DRC=$?
test_expect_success 'the daemon stops cleanly' '
    assert_eq $DRC 0
'

test_done
