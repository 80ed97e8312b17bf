# Shared helpers for the numbered shell tests (tests/T*.sh), in the manner
# of notmuch's test/test-lib.sh: each script sources this file, runs its
# cases with test_expect_success and ends with test_done, which prints the
# "NAME: N passed, M failed" line tests/run.sh adds up.
set -u

ROOT=${PSEARCH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BIN=${PSEARCH_BIN:-$ROOT/bin}
TOOLS=${PSEARCH_TESTS_BUILD:-$ROOT/build/tests}
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/psearch-$TEST_NAME.XXXXXX")
unset PSEARCH_INDEX PSEARCH_SOCKET
export XDG_DATA_HOME=$TMP/xdg XDG_RUNTIME_DIR=$TMP/run
mkdir -p "$TMP/run" && chmod 700 "$TMP/run"
_pass=0 _fail=0
_cleanup_hooks=()

# Registers a command to run when the script exits, however it exits.
at_exit() { _cleanup_hooks+=("$1"); }
_run_cleanup() {
    local h
    for h in "${_cleanup_hooks[@]+"${_cleanup_hooks[@]}"}"; do eval "$h"; done
    rm -rf "$TMP"
}
trap _run_cleanup EXIT

# test_expect_success DESCRIPTION COMMANDS: runs COMMANDS in a subshell
# with -e; the case passes when they all succeed. The subshell must not
# run as an `if` condition: bash ignores -e there, and only the last
# command could fail the case.
test_expect_success() {
    local desc=$1 body=$2 out rc
    out=$( (set -e; eval "$body") 2>&1 ); rc=$?
    if [ $rc -eq 0 ]; then
        _pass=$((_pass + 1)); echo "ok $desc"
    else
        _fail=$((_fail + 1)); echo "FAIL $desc"
        printf '%s\n' "$out" | sed 's/^/    /' | tail -30
    fi
}

# Reads stdin and fails if a line matches the grep pattern $1: with set -e,
# "! grep" would never fail a case ("!" exempts a command from set -e).
lacks() {
    if grep -q -- "$1"; then
        echo "unexpected match: $1" >&2
        return 1
    fi
}

# Fails with a message unless the two arguments are equal.
assert_eq() {
    if [ "$1" != "$2" ]; then
        printf 'expected: %s\n     got: %s\n' "$2" "$1" >&2
        return 1
    fi
}

# Runs a command and fails unless it exits with the given code.
assert_exit() {
    local want=$1 rc=0; shift
    "$@" || rc=$?
    if [ "$rc" != "$want" ]; then
        echo "exit $rc, expected $want: $*" >&2
        return 1
    fi
}

# A private copy of the shipped corpus in $TMP/corpus.
copy_corpus() {
    rm -rf "$TMP/corpus"
    cp -r "$ROOT/corpus" "$TMP/corpus"
}

test_done() {
    echo "$TEST_NAME: $_pass passed, $_fail failed"
    [ $_fail -eq 0 ]
}

# A corpus of N articles in $TMP/big: the shipped ones, each copy with a
# line of its own so no two files are alike.
make_big_corpus() {
    local n=$1 i=0 f src=("$ROOT"/corpus/*.txt)
    rm -rf "$TMP/big"; mkdir -p "$TMP/big"
    while [ $i -lt "$n" ]; do
        f=${src[$((i % ${#src[@]}))]}
        { cat "$f"; printf '\nCopy number %d of %s.\n' "$i" "$(basename "$f")"; } \
            > "$TMP/big/$(printf '%05d' $i).txt"
        i=$((i + 1))
    done
    cp "$ROOT/corpus/entities.tsv" "$TMP/big/"
}

# Number of documents in the index at $1, read with Xapian's own tool.
doccount() {
    xapian-delve "$1" | sed -n 's/^number of documents = //p'
}

# The live generation's folder of the index at $1.
live_gen() {
    echo "$1/$(sed -n 's/^auto //p' "$1/XAPIANDB")"
}

# ---- Daemons -----------------------------------------------------------
# start_daemon NAME ARGS...: runs psearchd ARGS in the background (under
# $PSEARCHD_WRAPPER when set, e.g. valgrind), its log in $TMP/NAME.log and
# its pid in $TMP/pids/NAME. Call it at the top level of a test script, not
# inside a case, so that stop_daemon can `wait` for it.
CLIENT=$TOOLS/jsonl_client
WAIT=${PSEARCHD_WAIT:-20}
mkdir -p "$TMP/pids"

start_daemon() {
    local name=$1; shift
    ${PSEARCHD_WRAPPER:-} "$BIN/psearchd" "$@" </dev/null >/dev/null \
        2>"$TMP/$name.log" &
    echo $! >"$TMP/pids/$name"
}

# wait_ready SOCKET: waits (bounded) until a ping on SOCKET is answered.
wait_ready() {
    local i=0
    while [ $i -lt $((WAIT * 10)) ]; do
        if [ -S "$1" ] && echo '{"op":"ping"}' |
            "$CLIENT" --timeout 2 "$1" 2>/dev/null | grep -q pong; then
            return 0
        fi
        sleep 0.1; i=$((i + 1))
    done
    echo "psearchd did not come up on $1" >&2
    return 1
}

# unix_listening PATH: whether a Unix socket listens at PATH, read off
# /proc/net/unix (flag __SO_ACCEPTCON), without connecting to it: a socket
# file exists from bind(), but connections are refused until listen().
unix_listening() {
    awk -v p="$1" '$4 == "00010000" && $NF == p { f = 1 } END { exit !f }' \
        /proc/net/unix
}

# stop_daemon NAME: SIGTERM, then the exit status in $TMP/NAME.rc.
stop_daemon() {
    local pid rc=0
    pid=$(cat "$TMP/pids/$1") || return 1
    # A daemon that is gone already (it could not start, or it died) is
    # said so, never a silent failure of the case.
    if ! kill -TERM "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || rc=$?
        echo $rc >"$TMP/$1.rc"
        rm -f "$TMP/pids/$1"
        echo "psearchd $1 had already exited ($rc):" >&2
        tail -5 "$TMP/$1.log" >&2
        return 1
    fi
    wait "$pid" || rc=$?
    echo $rc >"$TMP/$1.rc"
    rm -f "$TMP/pids/$1"
}

# Whatever happens, no daemon outlives the test: SIGTERM, then SIGKILL.
kill_daemons() {
    local f pid i
    for f in "$TMP"/pids/*; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null || continue
        for i in $(seq 1 $((WAIT * 10))); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
    done
    return 0
}
at_exit kill_daemons

# rss_kb PID: the resident memory of a process, in kB.
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# ask SOCKET LINE...: sends the lines on one connection, prints answers.
ask() {
    local sock=$1; shift
    printf '%s\n' "$@" | "$CLIENT" --timeout 10 "$sock"
}

# ---- Remote shards -----------------------------------------------------
# start_tcpsrv NAME DB [ARGS...]: serves the Xapian database DB (an index
# directory or a shard) with xapian-tcpsrv (given ARGS too) on a free
# loopback port, which it prints;
# its pid goes to $TMP/pids/NAME, so kill_daemons stops it whatever
# happens. In a session of its own: on SIGTERM xapian-tcpsrv signals its
# whole process group, which would otherwise include the test script.
start_tcpsrv() {
    local name=$1 db=$2 port pid tries=0
    shift 2
    while [ $tries -lt 20 ]; do
        port=$((20000 + RANDOM % 30000))
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$@" "$db" \
            >"$TMP/$name.log" 2>&1 </dev/null &
        pid=$!
        echo $pid >"$TMP/pids/$name"
        for _ in $(seq 50); do
            if grep -q "Listening" "$TMP/$name.log" 2>/dev/null; then
                echo "$port"
                return 0
            fi
            kill -0 $pid 2>/dev/null || break
            sleep 0.1
        done
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
        tries=$((tries + 1))
    done
    echo "xapian-tcpsrv did not start for $db" >&2
    return 1
}
