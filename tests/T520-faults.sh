#!/usr/bin/env bash
# T520: fault injection. psearch-index is killed with SIGKILL at 24 random
# moments of incremental and --full runs: after each kill the live
# generation passes xapian-check, the index opens and answers (psearch
# --direct), and a rerun completes the work. A write failure mid-commit
# (a full disk: RLIMIT_FSIZE with `ulimit -f`, and a small tmpfs when one
# can be mounted in a private mount namespace) ends the run with exit 74
# and a clear message, the previous index intact. psearchd killed with
# SIGKILL in the middle of a load is restarted on the same socket, which
# it reclaims, and serves.
. "$(dirname "$0")/lib.sh"

GET=$TOOLS/json_get
KILLS=${T520_KILLS:-24}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
figure() { echo "figures: $*" >>"$TMP/figures"; }

# What the index at $1 answers, directly: the count of "Copy" (in every
# article of the big corpus).
direct_count() {
    "$BIN/psearch" --direct --index "$1" --count Copy
}

N=300
make_big_corpus $N
IX=$TMP/ix

test_expect_success 'a first build, timed: the runs to be killed take a while' '
    s=$(now_ms)
    "$BIN/psearch-index" --index "$IX" --full "$TMP/big"
    full=$(( $(now_ms) - s ))
    for f in "$TMP"/big/000[0-4]?.txt; do echo "Warm $RANDOM" >>"$f"; done
    s=$(now_ms)
    "$BIN/psearch-index" --index "$IX" "$TMP/big"
    inc=$(( $(now_ms) - s ))
    echo "$full $inc" >"$TMP/durations"
    figure "$N articles: --full run ${full} ms, incremental run (50 changed) ${inc} ms"
    assert_eq "$(doccount "$IX")" $N
'
read -r T_FULL T_INC <"$TMP/durations" 2>/dev/null || { T_FULL=1000 T_INC=300; }

test_expect_success "SIGKILL at $KILLS random moments: the index stays whole and answers" '
    died=0 finished=0
    for i in $(seq 1 '"$KILLS"'); do
        # 50 changed files, and one renamed (removed and added), so that
        # an incremental run has updates, a removal and an addition.
        for k in $(seq 0 49); do
            f=$TMP/big/$(printf "%05d" $(( (i * 50 + k) % 250 + 50 ))).txt
            [ -f "$f" ] && printf "\nKill %s edit %s.\n" "$i" "$k" >>"$f"
        done
        old=$(ls "$TMP"/big/*.txt | sed -n "$(( i % 40 + 2 ))p")
        mv "$old" "${old%.txt}-r$i.txt"
        if [ $((i % 2)) = 0 ]; then mode=--full; t=$T_FULL; else mode=; t=$T_INC; fi
        # A moment anywhere in the run, start to end.
        delay=$(( RANDOM % (t + t / 10 + 1) ))
        "$BIN/psearch-index" -q --index "$IX" $mode "$TMP/big" & pid=$!
        sleep "$(printf "%d.%03d" $((delay / 1000)) $((delay % 1000)))"
        kill -KILL $pid 2>/dev/null || true
        rc=0; wait $pid 2>/dev/null || rc=$?
        # 137: killed (128 + SIGKILL); 0: it had finished already.
        case $rc in
        137) died=$((died + 1)) ;;
        0) finished=$((finished + 1)) ;;
        *) echo "psearch-index exited $rc" >&2; false ;;
        esac
        # What a reader sees: one whole index, the last committed.
        assert_eq "$(doccount "$IX")" $N
        xapian-check "$(live_gen "$IX")" >/dev/null
        assert_eq "$(direct_count "$IX")" $N
    done
    figure "SIGKILL: $died runs killed mid-run, $finished had finished first"
    [ $died -ge $(( '"$KILLS"' / 2 )) ]
'

test_expect_success 'a rerun after the kills completes the work, one generation left' '
    "$BIN/psearch-index" --index "$IX" --stats "$TMP/big" >"$TMP/rerun"
    assert_eq "$(doccount "$IX")" $N
    xapian-check "$(live_gen "$IX")" >/dev/null
    assert_eq "$(ls -d "$IX"/db.* | wc -l)" 1
    # The last edits and renames are all in.
    last=$(realpath "$TMP"/big/*-r'"$KILLS"'.txt)
    out=$("$BIN/psearch" --direct --index "$IX" --json --limit 1 \
        "\"Kill '"$KILLS"' edit\"")
    [ "$(echo "$out" | tail -1 | "$GET" .total)" -ge 40 ]
    "$BIN/psearch" --direct --index "$IX" --json "path:-r'"$KILLS"'.txt" |
        head -1 | "$GET" .path | grep -qx "$last"
    # A second rerun has nothing left to do.
    "$BIN/psearch-index" --index "$IX" --stats "$TMP/big" | grep -q "added 0, updated 0, removed 0"
'

# A disk that fills up. The small index of the shipped corpus is copied,
# so that its tables are a little over 100 KiB.
copy_corpus
"$BIN/psearch-index" --index "$TMP/small" "$TMP/corpus"
for i in $(seq 1 60); do
    { cat "$TMP"/corpus/001_*.txt; echo "Extra article $i."; } >"$TMP/corpus/extra-$i.txt"
done

# intact DIR: the 5-article index at DIR is whole and answers.
intact() {
    assert_eq "$(doccount "$1")" 5
    xapian-check "$(live_gen "$1")" >/dev/null
    assert_eq "$(ls -d "$1"/db.* | wc -l)" 1
    "$BIN/psearch" --direct --index "$1" --count "Article 5" | grep -qx 3
}

# With RLIMIT_FSIZE, a write past the limit fails. The kernel also sends
# SIGXFSZ, which kills a process that does not ignore it: psearch-index
# must ignore it, so that write() fails with EFBIG and it can report it.
for mode in --full "" "--full --shards 2"; do
    test_expect_success "a file size limit hit mid-commit (${mode:-incremental}): exit 74, message, index intact" '
        cp -a "$TMP/small" "$TMP/fsz"
        rc=0
        ( ulimit -f 100; exec "$BIN/psearch-index" --index "$TMP/fsz" '"$mode"' \
            "$TMP/corpus" ) 2>"$TMP/fsz.err" || rc=$?
        # A sharded rebuild fails on a writer thread; it is given up too.
        cat "$TMP/fsz.err"
        assert_eq "$rc" 74
        grep -q "^psearch-index: .*File too large" "$TMP/fsz.err"
        intact "$TMP/fsz"
        "$BIN/psearch-index" --index "$TMP/fsz" "$TMP/corpus"
        assert_eq "$(doccount "$TMP/fsz")" 65
        assert_eq "$(ls -d "$TMP"/fsz/db.* | wc -l)" 1
        rm -rf "$TMP/fsz"
    '
done

# A real ENOSPC: a 600 KiB tmpfs in a private mount namespace (root, or a
# user namespace, is needed; the case is skipped where neither works).
if unshare -m true 2>/dev/null; then NS="unshare -m"
elif unshare -rm true 2>/dev/null; then NS="unshare -rm"
else NS=; fi
if [ -n "$NS" ] && $NS sh -c "mkdir -p '$TMP/mnt' && mount -t tmpfs -o size=600k tmpfs '$TMP/mnt'" 2>/dev/null; then
    for mode in --full "" "--full --shards 2"; do
        test_expect_success "a full disk (tmpfs) mid-commit (${mode:-incremental}): exit 74, message, index intact" '
            rm -rf "$TMP/enospc"; mkdir -p "$TMP/enospc"
            $NS sh -c "mount -t tmpfs -o size=600k tmpfs \"$TMP/mnt\" &&
                cp -a \"$TMP/small\" \"$TMP/mnt/ix\" &&
                { \"$BIN/psearch-index\" --index \"$TMP/mnt/ix\" '"$mode"' \
                    \"$TMP/corpus\" 2>\"$TMP/enospc/err\"; echo \$? >\"$TMP/enospc/rc\"; } ;
                cp -a \"$TMP/mnt/ix\" \"$TMP/enospc/ix\""
            cat "$TMP/enospc/err"
            assert_eq "$(cat "$TMP/enospc/rc")" 74
            grep -q "^psearch-index: .*No space left on device" "$TMP/enospc/err"
            intact "$TMP/enospc/ix"
        '
    done
else
    echo "skip: no tmpfs can be mounted here; the ENOSPC cases are not run"
fi

SOCK=$TMP/run/faults.sock

# The daemon is started inside the case, whose shell reaps it quietly.
test_expect_success 'psearchd killed mid-load: clients see the loss, no hang' '
    start_daemon K1 --index "$IX" --socket "$SOCK"
    wait_ready "$SOCK"
    "$TOOLS/loadgen" --socket "$SOCK" --conns 32 --requests 400 --valid-only \
        --timeout 30 >"$TMP/load.out" 2>"$TMP/load.err" & lg=$!
    # Many queries in flight, among them slow ones: wildcards with facets.
    for i in $(seq 1 8); do
        printf "{\"id\":%d,\"op\":\"search\",\"q\":\"C* OR A* OR e*\",\"facets\":100,\"limit\":100}\n" $(seq 1 20) |
            "$CLIENT" --timeout 30 "$SOCK" >/dev/null 2>&1 &
    done
    sleep 0.5
    kill -KILL "$(cat "$TMP/pids/K1")"
    rc=0; wait $lg || rc=$?
    wait
    rm -f "$TMP/pids/K1"
    cat "$TMP/load.out"
    # The load was cut short: loadgen reports connections lost (exit 2).
    assert_eq "$rc" 2
    [ -S "$SOCK" ]
'

start_daemon K2 --index "$IX" --socket "$SOCK"

test_expect_success 'the next psearchd reclaims the socket and serves' '
    wait_ready "$SOCK"
    grep -q "stale socket" "$TMP/K2.log"
    out=$(echo "{\"id\":1,\"op\":\"search\",\"q\":\"Copy\",\"limit\":1}" |
        "$CLIENT" "$SOCK")
    assert_eq "$(echo "$out" | "$GET" .ok .total)" "true $N"
    "$TOOLS/loadgen" --socket "$SOCK" --conns 16 --requests 50 --timeout 30
'

pid=$(cat "$TMP/pids/K2"); kill -TERM "$pid"; rc=0; wait "$pid" || rc=$?
rm -f "$TMP/pids/K2"
test_expect_success 'and stops cleanly' '
    assert_eq "'"$rc"'" 0
    [ ! -e "$SOCK" ]
'

cat "$TMP/figures" 2>/dev/null
test_done
