#!/usr/bin/env bash
# T510: psearchd under load, on its Unix socket only, bounded in count and
# time. 64 connections at once send a seeded mix of valid and invalid
# requests (build/tests/loadgen checks every answer: ok and the id echoed,
# or the right error code) while psearch-index rewrites the index
# (incremental runs with changes, then --full); the daemon's memory after
# a second equal round is about what it was after the first. Slow clients
# (half a line then silence; never reading their answers) are cut at
# idle-timeout and max-output without delaying a normal client, whose
# latency is measured meanwhile, and so is a client trickling a line byte
# by byte; a connection over max-clients gets ETOOMANY. Figures are
# printed as "figures: ..." lines before the summary.
. "$(dirname "$0")/lib.sh"
# Under AddressSanitizer, freed memory waits in a quarantine of 256 MiB
# before reuse, which the memory check below would take for growth: keep
# it small (no effect on an ordinary build).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"

GET=$TOOLS/json_get
LOADGEN=$TOOLS/loadgen

# Figures are collected in a file and printed before the summary line.
figure() { echo "figures: $*" >>"$TMP/figures"; }

# The index: 300 articles, rewritten while the load runs.
make_big_corpus 300
INDEX=$TMP/index
"$BIN/psearch-index" --index "$INDEX" "$TMP/big" >"$TMP/index.out" 2>&1 ||
    echo "warning: psearch-index failed: $(cat "$TMP/index.out")"
DOC=$TMP/big/00000.txt

# rewrite_index N: N edits, an incremental run, a new file, a removed
# file, another incremental run, then --full: every run must succeed.
rewrite_index() {
    local i f rc=0
    for i in $(seq 1 20); do
        f=$TMP/big/$(printf '%05d' $(( (RANDOM % 290) + 10 ))).txt
        printf '\nEdit %s of round %s.\n' "$i" "$1" >>"$f"
    done
    "$BIN/psearch-index" -q --index "$INDEX" "$TMP/big" || rc=$?
    cp "$TMP/big/00001.txt" "$TMP/big/new-$1.txt"
    rm -f "$TMP/big/new-$(( $1 - 1 )).txt"
    "$BIN/psearch-index" -q --index "$INDEX" "$TMP/big" || rc=$?
    "$BIN/psearch-index" -q --full --index "$INDEX" "$TMP/big" || rc=$?
    return $rc
}

SOCK=$TMP/run/load.sock
start_daemon L --index "$INDEX" --socket "$SOCK" --max-clients 64

# load_round N: 64 connections x 100 requests while the index is
# rewritten; both must succeed.
load_round() {
    rewrite_index "$1" >"$TMP/rewrite.$1" 2>&1 & local w=$!
    local rc=0 wrc=0
    "$LOADGEN" --socket "$SOCK" --conns 64 --requests 100 --seed "$1" \
        --doc "$DOC" --timeout 120 >"$TMP/load.$1" 2>"$TMP/load.$1.err" || rc=$?
    wait $w || wrc=$?
    figure "round $1: $(cat "$TMP/load.$1")"
    cat "$TMP/load.$1.err" >&2
    [ $rc = 0 ] || { echo "loadgen exit $rc" >&2; return 1; }
    [ $wrc = 0 ] || { echo "index rewrite failed:" >&2; cat "$TMP/rewrite.$1" >&2; return 1; }
    grep -q "wrong=0 lost=0" "$TMP/load.$1"
}

test_expect_success '64 connections, valid and invalid requests, index rewritten: every answer right' '
    wait_ready "$SOCK"
    load_round 1
    rss_kb "$(cat "$TMP/pids/L")" >"$TMP/rss.1"
'

test_expect_success 'a second equal round: answers right, memory does not grow' '
    load_round 2
    r1=$(cat "$TMP/rss.1"); r2=$(rss_kb "$(cat "$TMP/pids/L")")
    figure "VmRSS after round 1: $r1 kB, after round 2: $r2 kB"
    # Slack for allocator fragmentation and Xapian caches: 25% + 8 MiB.
    [ "$r2" -le $(( r1 + r1 / 4 + 8192 )) ]
'

test_expect_success 'the index the rounds left is whole, and served' '
    assert_eq "$(doccount "$INDEX")" 301
    xapian-check "$(live_gen "$INDEX")" >/dev/null
    out=$(echo "{\"id\":1,\"op\":\"search\",\"q\":\"Edit\",\"limit\":1}" |
        "$CLIENT" "$SOCK")
    [ "$(echo "$out" | "$GET" .total)" -gt 0 ]
'

test_expect_success 'over max-clients 64, connections get ETOOMANY with a clear message' '
    "$LOADGEN" --socket "$SOCK" --conns 70 --requests 20 --seed 7 \
        --doc "$DOC" --expect-refused 6 --timeout 60 >"$TMP/refused"
    figure "max-clients: $(cat "$TMP/refused")"
    grep -q "refused, 64 clients already (max-clients)" "$TMP/L.log"
'

test_expect_success 'stats count the load: requests, errors, breaches' '
    echo "{\"op\":\"stats\"}" | "$CLIENT" "$SOCK" >"$TMP/stats"
    set -- $("$GET" .daemon.requests.search .daemon.errors.ETOOLARGE \
        .daemon.errors.ETOOMANY .daemon.limits.max-clients.breaches \
        .daemon.clients.peak <"$TMP/stats")
    [ "$1" -gt 3000 ] && [ "$2" -gt 50 ] && [ "$3" = 6 ] && [ "$4" = 6 ]
    assert_eq "$5" 64
'

stop_daemon L
test_expect_success 'the loaded daemon stops cleanly (exit 0)' '
    assert_eq "$(cat "$TMP/L.rc")" 0
'

# Slow clients, on a daemon with a 1 s idle timeout and a 64K output
# limit.
SOCKS=$TMP/run/slow.sock
start_daemon S --index "$INDEX" --socket "$SOCKS" --idle-timeout 1 \
    --max-output 64K

test_expect_success 'stalled and non-reading clients are cut; a normal client is not delayed' '
    wait_ready "$SOCKS"
    # Ten clients send half a line and stall; each waits for its one
    # answer, ETIMEOUT, and says when it came.
    for i in $(seq 1 10); do
        ( s=$(date +%s%N)
          printf "{\"id\":1,\"op\":\"sea" |
              "$CLIENT" --expect 1 --timeout 10 "$SOCKS" >"$TMP/stall.$i" || true
          echo $(( ($(date +%s%N) - s) / 1000000 )) >"$TMP/stall.$i.ms" ) &
    done
    # Four clients pipeline 3000 requests and never read.
    for i in $(seq 1 3000); do echo "{\"op\":\"stats\"}"; done >"$TMP/flood"
    for i in 1 2 3 4; do
        "$CLIENT" --no-read --hold 4 "$SOCKS" <"$TMP/flood" >/dev/null 2>&1 &
    done
    # Meanwhile a normal client searches, one request at a time.
    echo "{\"op\":\"search\",\"q\":\"Article 5\",\"limit\":3}" >"$TMP/one"
    "$CLIENT" --latency 300 --warmup 10 --timeout 5 "$SOCKS" <"$TMP/one" \
        >"$TMP/latency"
    wait
    figure "normal client beside slow ones: $(cat "$TMP/latency")"
    for i in $(seq 1 10); do
        assert_eq "$("$GET" .id .error.code <"$TMP/stall.$i")" "null ETIMEOUT"
        ms=$(cat "$TMP/stall.$i.ms")
        [ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ]
    done
    max=$(sed -n "s/.*max_us=\([0-9]*\).*/\1/p" "$TMP/latency")
    p99=$(sed -n "s/.*p99_us=\([0-9]*\).*/\1/p" "$TMP/latency")
    # Bounded: nobody waited on a slow client. A search takes about a
    # millisecond; sanitizers and a busy machine get a generous margin.
    [ "$p99" -lt 250000 ] && [ "$max" -lt 1000000 ]
'

test_expect_success 'the cuts are logged, counted, and the daemon still serves' '
    grep -q "idle for 1s (idle-timeout); disconnecting" "$TMP/S.log"
    grep -q "not reading its answers" "$TMP/S.log"
    echo "{\"op\":\"stats\"}" | "$CLIENT" "$SOCKS" >"$TMP/stats.s"
    set -- $("$GET" .daemon.limits.idle-timeout.breaches \
        .daemon.limits.max-output.breaches .daemon.clients.current <"$TMP/stats.s")
    [ "$1" -ge 10 ] && [ "$2" -ge 4 ]
    # Only this stats connection is left.
    assert_eq "$3" 1
'

# A slowloris: a line trickled one byte at a time is never idle by the
# byte, but it is not a request either. It must be cut at idle-timeout
# too, or max-clients such clients would shut everyone else out.
test_expect_success 'a client trickling one line byte by byte is cut at idle-timeout' '
    s=$(date +%s%N)
    { printf "{\"id\":1,\"op\":\"search\",\"q\":\""
      for i in $(seq 1 20); do printf a; sleep 0.3; done; } 2>/dev/null |
        socat -t 1 - "UNIX-CONNECT:$SOCKS" >"$TMP/trickle" 2>/dev/null || true
    ms=$(( ($(date +%s%N) - s) / 1000000 ))
    figure "trickling client: answered \"$(cat "$TMP/trickle")\" after $ms ms"
    assert_eq "$("$GET" .error.code <"$TMP/trickle")" ETIMEOUT
    # Cut, not left to trickle its six seconds.
    [ "$ms" -lt 5000 ]
'

stop_daemon S
test_expect_success 'the slow-client daemon stops cleanly (exit 0)' '
    assert_eq "$(cat "$TMP/S.rc")" 0
'

cat "$TMP/figures" 2>/dev/null
test_done
