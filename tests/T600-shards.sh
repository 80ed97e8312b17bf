#!/usr/bin/env bash
# Sharded indexes: psearch-index --shards N, read through the stub as one
# index, with one shard local and one served by Xapian's xapian-tcpsrv;
# the query table must answer exactly as on a single index. Also a remote
# shard that stops mid-run, partial results, and reloads across shards.
. "$(dirname "$0")/lib.sh"
copy_corpus
C=$TMP/corpus
ONE=$TMP/one
TWO=$TMP/two
SERVE=$TMP/serve
TABLE=$ROOT/tests/queries.tsv
# A document's shard is a hash of its path, which holds this run's temporary
# folder: five documents all land in one of two shards once in sixteen
# runs. Move the corpus until both shards hold some, so that every case
# below has two real shards to work with.
for k in $(seq 20); do
    "$BIN/psearch-index" --index "$TWO" --shards 2 "$C"
    [ "$(doccount "$TWO/db.1/shard.0")" -gt 0 ] &&
        [ "$(doccount "$TWO/db.1/shard.1")" -gt 0 ] && break
    rm -rf "$TWO"
    mv "$C" "$TMP/corpus$k"
    C=$TMP/corpus$k
done
"$BIN/psearch-index" --index "$ONE" "$C"

# Every query of the table, normalised answers, one file per index.
answers() {
    local ix=$1 q
    grep -v '^#' "$TABLE" | cut -f1 | grep -v '^$' | while IFS= read -r q; do
        printf '== %s\n' "$q"
        "$BIN/psearch" --direct --index "$ix" --json --timeout 3 -- "$q" 2>&1 |
            "$TOOLS/json_norm" | sort
    done
}

# Servers are started inside test cases, which run in subshells: their
# pids go to files, so the cleanup in this shell can always stop them, and
# their output goes to files, never to the case's captured output.
kill_pidfiles() {
    local f
    for f in "$TMP"/*.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    return 0
}
at_exit kill_pidfiles

# serve SOCKET ARGS...: a daemon started inside a case (so not with
# lib.sh's start_daemon); waits until it answers there (the socket file
# exists from bind(), before the daemon listens).
serve() {
    local sock=$1; shift
    "$BIN/psearchd" --socket "$sock" "$@" > "$TMP/d.log" 2>&1 &
    DAEMON=$!
    echo $DAEMON > "$TMP/daemon.pid"
    wait_ready "$sock" && return 0
    echo "psearchd did not start" >&2; cat "$TMP/d.log" >&2
    return 1
}

# Starts xapian-tcpsrv on a free loopback port for shard $1; sets PORT.
start_remote() {
    local tries=0
    while [ $tries -lt 20 ]; do
        PORT=$((20000 + RANDOM % 30000))
        # In a session of its own: on SIGTERM xapian-tcpsrv signals its
        # whole process group, which would otherwise include this script.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$PORT" "$1" \
            > "$TMP/tcpsrv.log" 2>&1 &
        REMOTE=$!
        echo $REMOTE > "$TMP/remote.pid"
        for _ in $(seq 50); do
            grep -q "Listening" "$TMP/tcpsrv.log" 2>/dev/null && return 0
            kill -0 $REMOTE 2>/dev/null || break
            sleep 0.1
        done
        kill $REMOTE 2>/dev/null; wait $REMOTE 2>/dev/null
        tries=$((tries + 1))
    done
    return 1
}

test_expect_success 'two shards: the stub lists both, Xapian sees every document' '
    assert_eq "$(grep -c "^auto db.1/shard." "$TWO/XAPIANDB")" 2
    assert_eq "$(doccount "$TWO")" 5
    a=$(doccount "$TWO/db.1/shard.0"); b=$(doccount "$TWO/db.1/shard.1")
    assert_eq $((a + b)) 5
    [ "$a" -gt 0 ] && [ "$b" -gt 0 ]
'
test_expect_success 'the query table answers alike on one index and on two shards' '
    answers "$ONE" > "$TMP/one.txt"
    answers "$TWO" > "$TMP/two.txt"
    [ $(grep -c "^== " "$TMP/one.txt") -gt 50 ]
    diff "$TMP/one.txt" "$TMP/two.txt"
'
test_expect_success 'and on four shards, some nearly empty' '
    "$BIN/psearch-index" --index "$TMP/four" --shards 4 "$C"
    answers "$TMP/four" > "$TMP/four.txt"
    diff "$TMP/one.txt" "$TMP/four.txt"
'
test_expect_success 'many shards build under a low soft limit of open files' '
    # 16 shards of 12 segments each hold more files open than a soft
    # limit of 64 allows; psearch-index raises it to the hard limit.
    make_big_corpus 200
    ( ulimit -S -n 64 &&
      PSEARCH_SEGMENT_DOCS=1 "$BIN/psearch-index" --index "$TMP/many" \
          --shards 16 "$TMP/big" )
    assert_eq "$("$BIN/psearch" --direct --index "$TMP/many" -c copy)" 200
'
test_expect_success 'a shard that cannot be opened is not said to be missing' '
    # Under a hard limit of 40 the 16 shards cannot all be opened: the
    # error says why, not "no index".
    rc=0
    ( ulimit -n 40 && "$BIN/psearch" --direct --index "$TMP/many" copy ) \
        > /dev/null 2> "$TMP/emfile.err" || rc=$?
    assert_eq $rc 2
    grep -q "Too many open files" "$TMP/emfile.err"
    lacks "no index" < "$TMP/emfile.err"
'
test_expect_success 'psearchd serves the 16 shards under a soft limit of 64' '
    # Every worker thread opens the 16 shards, some 60 files each.
    ( ulimit -S -n 64 && exec "$BIN/psearchd" --index "$TMP/many" \
          --socket "$TMP/run/many.sock" --cache-size 0 ) > "$TMP/many.log" 2>&1 &
    echo $! > "$TMP/many.pid"
    wait_ready "$TMP/run/many.sock"
    for q in copy Zelensky "peace plan" person:zelensky said:Zelenskiy; do
        printf "{\"op\":\"search\",\"q\":\"%s\"}\n" "$q"
    done | "$TOOLS/jsonl_client" --expect 5 "$TMP/run/many.sock" > "$TMP/many.out"
    kill "$(cat "$TMP/many.pid")"
    assert_eq "$(grep -c "\"ok\":true" "$TMP/many.out")" 5
'
test_expect_success 'changing the shard count needs --full' '
    assert_exit 2 "$BIN/psearch-index" --index "$TWO" --shards 3 "$C" 2> "$TMP/err"
    grep -q "needs a rebuild with --full" "$TMP/err"
    "$BIN/psearch-index" --index "$TMP/three" --shards 3 "$C"
    "$BIN/psearch-index" --index "$TMP/three" --shards 2 --full "$C"
    assert_eq "$(grep -c "^auto " "$TMP/three/XAPIANDB")" 2
    assert_eq "$(doccount "$TMP/three")" 5
'
test_expect_success 'a shard served by xapian-tcpsrv answers like a local one' '
    start_remote "$TWO/db.1/shard.1"
    echo $PORT > "$TMP/port"
    mkdir -p "$SERVE"
    printf "auto %s\nremote 127.0.0.1:%s\n" "$TWO/db.1/shard.0" "$PORT" \
        > "$SERVE/XAPIANDB"
    answers "$SERVE" > "$TMP/serve.txt"
    diff "$TMP/one.txt" "$TMP/serve.txt"
'
test_expect_success 'an incremental run reaches the remote shard; readers see it' '
    for i in 1 2 3 4 5 6; do
        printf "Talks in Tallinn %s\nEstonia hosted round %s.\n" $i $i > "$C/t$i.txt"
    done
    "$BIN/psearch-index" --index "$TWO" "$C"
    # Six files cannot all hash to the local shard (1 in 64).
    assert_eq "$("$BIN/psearch" --direct --index "$SERVE" --count Tallinn)" 6
'
test_expect_success 'psearchd serves the mixed index, and a reload across shards' '
    serve "$TMP/run/s.sock" --index "$SERVE" --remote-timeout 2
    n=$("$BIN/psearch" --socket "$TMP/run/s.sock" --count Tallinn)
    assert_eq "$n" 6
    printf "Talks in Tallinn 7\nEstonia hosted round 7.\n" > "$C/t7.txt"
    rm "$C/t1.txt"
    "$BIN/psearch-index" --index "$TWO" "$C"
    echo "{\"id\":1,\"op\":\"reload\"}" | "$TOOLS/jsonl_client" "$TMP/run/s.sock" > /dev/null
    n=$("$BIN/psearch" --socket "$TMP/run/s.sock" --count Tallinn)
    assert_eq "$n" 6
    "$BIN/psearch" --socket "$TMP/run/s.sock" --count "Tallinn 7" > /dev/null
'
test_expect_success 'a remote shard that stops: a clear error within the timeout' '
    PORT=$(cat "$TMP/port")
    # Gone, not merely signalled (it was started by an earlier case, so
    # once dead it is reaped by init and kill -0 fails).
    pid=$(cat "$TMP/remote.pid"); kill "$pid"
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    ! kill -0 "$pid" 2>/dev/null
    start=$(date +%s)
    assert_exit 2 "$BIN/psearch" --direct --index "$SERVE" --timeout 2 Tallinn 2> "$TMP/err"
    [ $(( $(date +%s) - start )) -le 3 ]
    grep -q "shard 127.0.0.1:$PORT" "$TMP/err"
    echo "{\"id\":2,\"op\":\"search\",\"q\":\"Tallinn\"}" |
        timeout 10 "$TOOLS/jsonl_client" "$TMP/run/s.sock" > "$TMP/resp"
    grep -q "\"code\":\"EREMOTE\"" "$TMP/resp"
    # Gone before the next case, so that nothing of it holds a connection.
    dpid=$(cat "$TMP/daemon.pid"); kill "$dpid"
    for _ in $(seq 200); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.05; done
'
test_expect_success '--partial answers from the shards left, marked partial' '
    PORT=$(cat "$TMP/port")
    # The shard left answers what it holds: which of the Tallinn files
    # hashed to it depends on their paths, and so on $TMP (none of them,
    # one run in 64), so the answer is compared with that shard alone,
    # and no match exits 1, as grep does.
    mkdir -p "$TMP/left"
    printf "auto %s\n" "$TWO/db.1/shard.0" > "$TMP/left/XAPIANDB"
    want=$("$BIN/psearch" --direct --index "$TMP/left" --count Tallinn) || true
    rc=0
    "$BIN/psearch" --direct --index "$SERVE" --partial --timeout 2 --json \
        Tallinn > "$TMP/out" 2> "$TMP/err" || rc=$?
    [ $rc -le 1 ] || { echo "exit $rc" >&2; cat "$TMP/err" >&2; false; }
    grep -q "partial results; no answer from 127.0.0.1:$PORT" "$TMP/err" ||
        { cat "$TMP/err"; false; }
    tail -1 "$TMP/out" | grep -q "\"partial\":true" ||
        { tail -1 "$TMP/out"; false; }
    tail -1 "$TMP/out" | grep -q "\"total\":$want," ||
        { echo "want $want matches" >&2; tail -1 "$TMP/out"; false; }
    serve "$TMP/run/p.sock" --index "$SERVE" --partial --remote-timeout 1
    echo "{\"id\":3,\"op\":\"search\",\"q\":\"Tallinn\"}" |
        timeout 10 "$TOOLS/jsonl_client" "$TMP/run/p.sock" > "$TMP/resp"
    grep -q "\"ok\":true" "$TMP/resp"
    grep -q "\"partial\":true" "$TMP/resp"
'
test_done
