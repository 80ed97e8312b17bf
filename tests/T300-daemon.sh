#!/usr/bin/env bash
# T300: psearchd over its Unix socket (and TCP): the protocol, pipelining,
# concurrent clients, every protocol error and limit, the socket file's
# life (mode, stale socket, a second daemon, removal at SIGTERM), and the
# counters in stats. Set PSEARCHD_WRAPPER to run the daemons under a tool,
# e.g. PSEARCHD_WRAPPER="valgrind --leak-check=full --error-exitcode=99".
. "$(dirname "$0")/lib.sh"

GET=$TOOLS/json_get

copy_corpus
INDEX=$TMP/index
"$BIN/psearch-index" --index "$INDEX" "$TMP/corpus" >"$TMP/index.out" 2>&1 ||
    echo "warning: psearch-index failed: $(cat "$TMP/index.out")"
DOC=$(cd "$TMP/corpus" && echo "$PWD"/000_*.txt)

# Daemon A: the defaults, verbose, on the default socket in
# $XDG_RUNTIME_DIR (a subdirectory that does not exist yet).
SOCK=$TMP/run/sub/psearchd.sock
start_daemon A --index "$INDEX" --socket "$SOCK" -v

test_expect_success 'the daemon starts and answers ping' '
    wait_ready "$SOCK"
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"ping\"}")
    assert_eq "$out" "{\"id\":1,\"ok\":true,\"pong\":true}"
'

test_expect_success 'the socket is mode 0600 in a new 0700 directory' '
    assert_eq "$(stat -c %a "$SOCK")" 600
    assert_eq "$(stat -c %a "$TMP/run/sub")" 700
'

test_expect_success 'search "Article 5" returns 3 results, ranked' '
    ask "$SOCK" "{\"id\":\"s\",\"op\":\"search\",\"q\":\"Article 5\"}" \
        >"$TMP/a5"
    assert_eq "$("$GET" .id .ok .results# .results[0].rank \
        .results[1].rank .results[2].rank <"$TMP/a5")" "s true 3 1 2 3"
    s0=$("$GET" .results[0].score <"$TMP/a5")
    s2=$("$GET" .results[2].score <"$TMP/a5")
    awk -v a="$s0" -v b="$s2" "BEGIN { exit !(a >= b) }"
'

test_expect_success '"lines": true carries the text of every hit line' '
    ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\",\"lines\":true}" \
        "{\"id\":2,\"op\":\"search\",\"q\":\"Article 5\"}" \
        "{\"id\":3,\"op\":\"search\",\"q\":\"x\",\"lines\":1}" >"$TMP/lines"
    sed -n 1p "$TMP/lines" >"$TMP/with"
    n=$("$GET" .results# <"$TMP/with")
    [ "$n" = 3 ]
    for r in 0 1 2; do
        path=$("$GET" .results[$r].path <"$TMP/with")
        h=$("$GET" .results[$r].hits# <"$TMP/with")
        [ "$h" -gt 0 ]
        for i in $(seq 0 $((h - 1))); do
            line=$("$GET" .results[$r].hits[$i].line <"$TMP/with")
            assert_eq "$("$GET" ".results[$r].lines.$line" <"$TMP/with")" \
                "$(sed -n "${line}p" "$path")"
        done
    done
    # Without it, no lines; a value other than true or false is refused.
    sed -n 2p "$TMP/lines" | "$GET" .results[0].lines | grep -qx "<missing>"
    sed -n 3p "$TMP/lines" | "$GET" .error.code | grep -qx EBADREQ
'

test_expect_success 'pipelined requests are answered in order' '
    printf "%s\n" "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\"}" \
        "{\"id\":\"two\",\"op\":\"ping\"}" \
        "{\"id\":[3],\"op\":\"stats\"}" >"$TMP/pipe.in"
    # One write: the three requests arrive together.
    "$CLIENT" "$SOCK" <"$TMP/pipe.in" >"$TMP/pipe.out"
    assert_eq "$("$GET" .id .ok <"$TMP/pipe.out" | tr "\n" " ")" \
        "1 true two true [3] true "
'

test_expect_success '50 clients at once are all answered' '
    pids=""
    for i in $(seq 1 50); do
        printf "%s\n" "{\"id\":$i,\"op\":\"search\",\"q\":\"Article 5\"}" \
            "{\"id\":$i,\"op\":\"ping\"}" |
            "$CLIENT" --timeout 30 "$SOCK" >"$TMP/many.$i" &
        pids="$pids $!"
    done
    for p in $pids; do wait $p; done
    for i in $(seq 1 50); do
        assert_eq "$("$GET" .id .ok .results# <"$TMP/many.$i" | tr "\n" " ")" \
            "$i true 3 $i true <missing> "
    done
'

test_expect_success 'malformed JSON gets EPARSE and the connection goes on' '
    ask "$SOCK" "{\"id\":1,\"op\":" "{\"id\":2,\"op\":\"ping\"} x" \
        "{\"id\":3,\"op\":\"ping\"}" >"$TMP/parse"
    assert_eq "$("$GET" .id .error.code .pong <"$TMP/parse" | tr "\n" " ")" \
        "null EPARSE <missing> null EPARSE <missing> 3 <missing> true "
'

test_expect_success 'an oversized request gets ETOOLARGE, then ping works' '
    { printf "{\"id\":1,\"op\":\"search\",\"q\":\""
      head -c 70000 /dev/zero | tr "\\0" x
      printf "\"}\n{\"id\":2,\"op\":\"ping\"}\n"; } >"$TMP/big.in"
    "$CLIENT" "$SOCK" <"$TMP/big.in" >"$TMP/big.out"
    assert_eq "$("$GET" .id .error.code .pong <"$TMP/big.out" | tr "\n" " ")" \
        "null ETOOLARGE <missing> 2 <missing> true "
'

test_expect_success 'invalid UTF-8 gets EBADUTF8, then ping works' '
    printf "{\"id\":1,\"op\":\"search\",\"q\":\"\\377\\376\"}\n{\"id\":2,\"op\":\"ping\"}\n" |
        "$CLIENT" "$SOCK" >"$TMP/utf8"
    assert_eq "$("$GET" .error.code .pong <"$TMP/utf8" | tr "\n" " ")" \
        "EBADUTF8 <missing> <missing> true "
'

test_expect_success 'an unknown op gets EUNKNOWNOP with the id echoed' '
    out=$(ask "$SOCK" "{\"id\":{\"n\":7},\"op\":\"frobnicate\"}")
    assert_eq "$(echo "$out" | "$GET" .id .ok .error.code)" \
        "{\"n\":7} false EUNKNOWNOP"
'

test_expect_success 'bad fields get EBADREQ, limits over max get ELIMIT' '
    ask "$SOCK" "{\"id\":1,\"op\":\"search\"}" \
        "{\"id\":2,\"op\":\"search\",\"q\":\"x\",\"limit\":\"9\"}" \
        "{\"id\":3,\"op\":\"search\",\"q\":\"x\",\"limt\":9}" \
        "[1,2]" \
        "{\"id\":5,\"op\":\"search\",\"q\":\"x\",\"limit\":1001}" \
        "{\"id\":6,\"op\":\"search\",\"q\":\"x\",\"offset\":100001}" \
        >"$TMP/badreq"
    assert_eq "$("$GET" .id .error.code <"$TMP/badreq" | tr "\n" " ")" \
        "1 EBADREQ 2 EBADREQ 3 EBADREQ null EBADREQ 5 ELIMIT 6 ELIMIT "
'

test_expect_success 'a client that disconnects mid-request does no harm' '
    printf "{\"id\":1,\"op\":\"sear" | "$CLIENT" --expect 0 "$SOCK"
    printf "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\"}\n" |
        "$CLIENT" --expect 0 "$SOCK"
    printf "{\"id\":1,\"op\":\"search\",\"q\":\"peace\"}\n%.0s" $(seq 20) |
        "$CLIENT" --expect 1 "$SOCK" >/dev/null
    kill -0 "$(cat "$TMP/pids/A")"
    out=$(ask "$SOCK" "{\"id\":4,\"op\":\"ping\"}")
    assert_eq "$out" "{\"id\":4,\"ok\":true,\"pong\":true}"
'

test_expect_success 'doc returns an indexed file and refuses /etc/passwd' '
    ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\",\"from\":1,\"to\":2}" \
        "{\"id\":2,\"op\":\"doc\",\"path\":\"/etc/passwd\"}" >"$TMP/doc"
    assert_eq "$(sed -n 1p "$TMP/doc" | "$GET" .ok .path .first_line .last_line)" \
        "true $DOC 1 2"
    assert_eq "$(sed -n 2p "$TMP/doc" | "$GET" .ok .error.code)" \
        "false ENOTFOUND"
    lacks root: < "$TMP/doc"
'

test_expect_success 'doc with entities: every entity, every mention' '
    ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\",\"entities\":true}" \
        >"$TMP/docents"
    "$GET" .ok .entities# <"$TMP/docents" | grep -q "^true [1-9]"
    "$BIN/psearch" --index "$INDEX" --direct --json --entities "$DOC" |
        "$GET" . >"$TMP/direct-ents"
    test -s "$TMP/direct-ents"
    "$BIN/psearch" --socket "$SOCK" --json --entities "$DOC" |
        "$GET" . >"$TMP/daemon-ents"
    diff "$TMP/direct-ents" "$TMP/daemon-ents"
    "$BIN/psearch" --socket "$SOCK" --entities "$DOC" | grep -q "^org  *NATO  (nato, known, 6 mentions)"
'

test_expect_success 'facets answers totals and facets, no results' '
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"facets\",\"q\":\"Article 5\",\"limit\":3}")
    assert_eq "$(echo "$out" | "$GET" .ok .total)" "true 3"
    echo "$out" | grep -q "\"facets\":{"
'

test_expect_success 'reload answers the revision' '
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"reload\"}")
    assert_eq "$(echo "$out" | "$GET" .ok .epoch)" "true 1"
    [ "$(echo "$out" | "$GET" .revision)" != "<missing>" ]
'

test_expect_success 'stats counts requests, errors and limit breaches' '
    ask "$SOCK" "{\"id\":1,\"op\":\"stats\"}" >"$TMP/stats"
    set -- $("$GET" .ok .daemon.errors.EPARSE .daemon.errors.ETOOLARGE \
        .daemon.errors.EBADUTF8 .daemon.errors.EUNKNOWNOP \
        .daemon.errors.ELIMIT .daemon.errors.ENOTFOUND \
        .daemon.limits.max-request-bytes.breaches \
        .daemon.limits.max-limit.breaches .daemon.limits.max-offset.breaches \
        .daemon.requests.ping .daemon.clients.peak .index.documents \
        <"$TMP/stats")
    # EPARSE: two malformed lines, and the half line of the client that
    # disconnected mid-request (a last line without its newline is still
    # read as a request).
    assert_eq "$1 $2 $3 $4 $5 $6 $7 $8 $9 ${10}" "true 3 1 1 1 2 1 1 1 1"
    [ "${11}" -ge 50 ] && [ "${12}" -ge 1 ]
    assert_eq "${13}" 5
'

# Asks stats until the daemon counts N clients connected (the asking
# one included), for at most ten seconds; fails otherwise. Clients that
# just closed, or one still starting, would move a request between the
# loop thread and the pool.
wait_clients() {
    for i in $(seq 200); do
        n=$(ask "$SOCK" "{\"op\":\"stats\"}" | "$GET" .daemon.clients.current)
        [ "$n" = "$1" ] && return 0
        sleep 0.05
    done
    echo "the daemon counts $n clients, not $1" >&2
    return 1
}

test_expect_success 'a lone client has its requests run on the loop thread' '
    on_loop() {
        ask "$SOCK" "{\"op\":\"stats\"}" | "$GET" .daemon.requests_on_loop
    }
    wait_clients 1
    a=$(on_loop)
    ask "$SOCK" "{\"op\":\"search\",\"q\":\"Article 5\"}" >"$TMP/lone"
    assert_eq "$("$GET" .ok .results# <"$TMP/lone")" "true 3"
    # The first stats request, and the search; this one is counted after
    # its answer is made.
    assert_eq "$(on_loop)" "$((a + 2))"
'

test_expect_success 'with a second client connected, requests go to the pool' '
    # A client that stays connected, sending nothing, until it is stopped.
    "$CLIENT" --expect 0 --hold 60 "$SOCK" </dev/null >/dev/null 2>&1 &
    idle=$!
    wait_clients 2
    a=$(ask "$SOCK" "{\"op\":\"stats\"}" | "$GET" .daemon.requests_on_loop)
    ask "$SOCK" "{\"op\":\"search\",\"q\":\"Article 5\"}" >"$TMP/two"
    b=$(ask "$SOCK" "{\"op\":\"stats\"}" | "$GET" .daemon.requests_on_loop)
    kill $idle 2>/dev/null
    wait $idle 2>/dev/null || true
    assert_eq "$("$GET" .ok .results# <"$TMP/two")" "true 3"
    # With the idle client there, none of them ran on the loop thread.
    assert_eq "$b" "$a"
'

test_expect_success 'verbose log names the client, op, query, hits, time' '
    grep -Eq "client #[0-9]+ \(pid [0-9]+, uid [0-9]+\): search \"Article 5\" hits=3 [0-9]+us" \
        "$TMP/A.log"
    grep -q "ETOOLARGE" "$TMP/A.log"
'

test_expect_success 'a second daemon on a live socket refuses with exit 2' '
    assert_exit 2 "$BIN/psearchd" --index "$INDEX" --socket "$SOCK" \
        2>"$TMP/second.err"
    grep -q "already listening" "$TMP/second.err"
    ask "$SOCK" "{\"op\":\"ping\"}" | grep -q pong
'

test_expect_success 'usage errors exit 2; --help exits 0' '
    assert_exit 2 "$BIN/psearchd" --no-such-option 2>/dev/null
    assert_exit 2 "$BIN/psearchd" --max-clients 0 2>/dev/null
    assert_exit 2 "$BIN/psearchd" --idle-timeout soon 2>/dev/null
    assert_exit 0 "$BIN/psearchd" --help >"$TMP/help"
    grep -q -- "--max-request-bytes SIZE" "$TMP/help"
'

test_expect_success 'a non-loopback --tcp is refused without --allow-remote' '
    assert_exit 2 "$BIN/psearchd" --index "$INDEX" \
        --socket "$TMP/run/tcp.sock" --tcp 192.0.2.1:7070 2>"$TMP/tcp.err"
    grep -q "allow-remote" "$TMP/tcp.err"
    [ ! -e "$TMP/run/tcp.sock" ]
'

# Daemon B: an index that does not exist yet, a short idle timeout, two
# clients at most, a small output limit, and a TCP port.
SOCKB=$TMP/run/b.sock
INDEXB=$TMP/later-index
start_daemon B --index "$INDEXB" --socket "$SOCKB" --idle-timeout 2 \
    --max-clients 2 --max-output 64K --tcp 127.0.0.1:0

test_expect_success 'without an index, searches get ENOINDEX, stats works' '
    wait_ready "$SOCKB"
    ask "$SOCKB" "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\"}" \
        "{\"id\":2,\"op\":\"stats\"}" >"$TMP/noindex"
    assert_eq "$("$GET" .error.code .index .index_error.code <"$TMP/noindex" |
        tr "\n" " ")" "ENOINDEX <missing> <missing> <missing> null ENOINDEX "
'

test_expect_success 'the index is served as soon as it appears' '
    "$BIN/psearch-index" --index "$INDEXB" "$TMP/corpus"
    out=$(ask "$SOCKB" "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\"}")
    assert_eq "$(echo "$out" | "$GET" .ok .results#)" "true 3"
'

test_expect_success 'TCP on loopback answers like the socket' '
    port=$(sed -n "s/.*listening on tcp 127.0.0.1:\([0-9]*\).*/\1/p" "$TMP/B.log")
    [ -n "$port" ]
    out=$(echo "{\"id\":1,\"op\":\"ping\"}" | "$CLIENT" --tcp "127.0.0.1:$port")
    assert_eq "$out" "{\"id\":1,\"ok\":true,\"pong\":true}"
    grep -q "client #[0-9]* 127.0.0.1:[0-9]*" "$TMP/B.log" ||
        grep -q "127.0.0.1" "$TMP/B.log"
'

test_expect_success 'an idle connection is closed with ETIMEOUT' '
    start=$(date +%s)
    out=$("$CLIENT" --expect 0 --hold 8 "$SOCKB" </dev/null)
    took=$(( $(date +%s) - start ))
    assert_eq "$(echo "$out" | "$GET" .error.code)" ETIMEOUT
    [ $took -lt 7 ]
'

test_expect_success 'a third client over max-clients 2 gets ETOOMANY' '
    # The two hold their connections until killed (or closed as idle
    # after --idle-timeout), not for a while that a loaded machine could
    # outlast before the third one comes.
    holders=
    for i in 1 2; do
        echo "{\"op\":\"ping\"}" |
            "$CLIENT" --hold 30 "$SOCKB" >"$TMP/hold.$i" &
        holders="$holders $!"
    done
    for i in $(seq 1 200); do
        [ -s "$TMP/hold.1" ] && [ -s "$TMP/hold.2" ] && break
        sleep 0.05
    done
    out=$(ask "$SOCKB" "{\"id\":1,\"op\":\"ping\"}" || true)
    kill $holders 2>/dev/null || :
    wait
    assert_eq "$(echo "$out" | "$GET" .error.code)" ETOOMANY
'

test_expect_success 'a client that never reads is cut at max-output' '
    for i in $(seq 1 3000); do echo "{\"op\":\"stats\"}"; done >"$TMP/flood"
    "$CLIENT" --no-read --hold 1.5 "$SOCKB" <"$TMP/flood" &
    sleep 0.5
    # Meanwhile, another client is served.
    out=$(ask "$SOCKB" "{\"id\":1,\"op\":\"ping\"}")
    wait
    assert_eq "$out" "{\"id\":1,\"ok\":true,\"pong\":true}"
    grep -q "not reading its answers" "$TMP/B.log"
'

test_expect_success 'stats of B count the refusal, the idle close, the cut' '
    sleep 0.3
    ask "$SOCKB" "{\"op\":\"stats\"}" >"$TMP/statsb"
    assert_eq "$("$GET" .daemon.errors.ETOOMANY .daemon.errors.ENOINDEX \
        .daemon.limits.max-clients.breaches \
        .daemon.limits.max-output.breaches <"$TMP/statsb")" "1 1 1 1"
    [ "$("$GET" .daemon.limits.idle-timeout.breaches <"$TMP/statsb")" -ge 1 ]
'

# SIGTERM from the top level, where `wait` can collect the exit status.
stop_daemon B
wait_ready "$SOCK" && stop_daemon A

test_expect_success 'SIGTERM stops the daemon: exit 0, socket removed' '
    assert_eq "$(cat "$TMP/A.rc")" 0
    [ ! -e "$SOCK" ]
    grep -q stopped "$TMP/A.log"
    assert_eq "$(cat "$TMP/B.rc")" 0
    [ ! -e "$SOCKB" ]
'

# A daemon killed with SIGKILL leaves its socket behind.
start_daemon C --index "$INDEX" --socket "$SOCK"
wait_ready "$SOCK" 2>/dev/null
{
    kill -KILL "$(cat "$TMP/pids/C")"
    wait "$(cat "$TMP/pids/C")"
    rm -f "$TMP/pids/C"
} 2>/dev/null
start_daemon D --index "$INDEX" --socket "$SOCK"

test_expect_success 'a stale socket left by a killed daemon is reclaimed' '
    wait_ready "$SOCK"
    grep -q "stale socket" "$TMP/D.log"
    ask "$SOCK" "{\"op\":\"ping\"}" | grep -q pong
'

test_expect_success 'a file that is not a socket is never removed' '
    echo keep >"$TMP/run/plain"
    assert_exit 2 "$BIN/psearchd" --index "$INDEX" --socket "$TMP/run/plain" \
        2>/dev/null
    assert_eq "$(cat "$TMP/run/plain")" keep
'

stop_daemon D
test_expect_success 'the reclaiming daemon stops cleanly too' '
    assert_eq "$(cat "$TMP/D.rc")" 0
    [ ! -e "$SOCK" ]
'

test_done
