#!/usr/bin/env bash
# T410: a night. The nightly job (contrib/cron/psearch-reindex, with a
# configuration file pointing into $TMP) reindexes the corpus after
# articles are added, changed and deleted, while psearchd answers a stream
# of queries: no query fails, the new content is found and the deleted gone
# without a restart, and the job says nothing but the summary line. Then
# the job's other outcomes: bad files (a warning, success), the index held
# by another writer (75, logged), a bad corpus path (failure with the
# reason), and each way of logging (stderr, the journal, syslog, a file).
. "$(dirname "$0")/lib.sh"

CLIENT=$TOOLS/jsonl_client
GET=$TOOLS/json_get
JOB=$ROOT/contrib/cron/psearch-reindex
SOCK=$TMP/run/psearchd.sock
INDEX=$TMP/index
CONF=$TMP/psearch.conf
SUMMARY='psearch-index: added [0-9]*, updated [0-9]*, removed [0-9]*, skipped [0-9]*, errors [0-9]*, [0-9.]* seconds'

unset JOURNAL_STREAM PSEARCH_CONF PSEARCH_CORPUS PSEARCH_INDEX_OPTS PSEARCH_LOG \
    PSEARCH_INDEXER PSEARCH_LOG_FILE
copy_corpus
"$BIN/psearch-index" --index "$INDEX" "$TMP/corpus" >/dev/null 2>&1

cat >"$CONF" <<EOF
# The test's configuration, as an administrator would write it.
PSEARCH_INDEX=$INDEX
PSEARCH_CORPUS=$TMP/corpus
PSEARCH_INDEXER=$BIN/psearch-index
EOF

# job [ARGS]: the nightly job as cron or systemd runs it (with /bin/sh,
# which is dash on Debian: the script must be POSIX), stdout and stderr
# kept apart in $TMP/out and $TMP/err; its exit status in $TMP/rc.
job() {
    local rc=0
    sh "$JOB" --config "$CONF" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    echo $rc >"$TMP/rc"
}

"$BIN/psearchd" --index "$INDEX" --socket "$SOCK" </dev/null >/dev/null \
    2>"$TMP/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null; wait $DPID 2>/dev/null"

ask() { printf '%s\n' "$1" | "$CLIENT" --timeout 10 "$SOCK"; }
total() { ask "{\"op\":\"search\",\"q\":\"$1\"}" | "$GET" .total; }

# until_total QUERY N: waits (bounded) until the daemon reports N matches.
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

for i in $(seq 1 200); do
    ask '{"op":"ping"}' 2>/dev/null | grep -q pong && break
    sleep 0.1
done

# The stream of queries, on fresh connections, for as long as the night
# lasts: until $TMP/dawn appears (at most 3000 queries). Each answer kept.
(
    i=0
    while [ ! -e "$TMP/dawn" ] && [ $i -lt 3000 ]; do
        i=$((i + 1))
        printf '{"id":%d,"op":"search","q":"Article 5"}\n' "$i" |
            "$CLIENT" --timeout 10 "$SOCK" || echo "{\"id\":$i,\"client\":$?}"
        sleep 0.01
    done >"$TMP/stream"
) &
STREAM=$!
at_exit "touch $TMP/dawn; wait $STREAM 2>/dev/null"

test_expect_success 'the first night adds two articles; the job prints only the summary' '
    printf "Zyxwvut report\n\nThe zyxwvut committee met in Geneva.\n" \
        >"$TMP/corpus/night1.txt"
    printf "Mnbvcxz report\n\nThe mnbvcxz committee met in Vienna.\n" \
        >"$TMP/corpus/night2.txt"
    job
    assert_eq "$(cat "$TMP/rc")" 0
    assert_eq "$(wc -l <"$TMP/out")" 1
    grep -qx "psearch-index: added 2, updated 0, removed 0, skipped 5, errors 0, [0-9.]* seconds" "$TMP/out"
    assert_eq "$(cat "$TMP/err")" ""
'

test_expect_success 'the daemon finds them without a restart' '
    until_total zyxwvut 1
    until_total mnbvcxz 1
'

test_expect_success 'the next night: one article added, one changed, one deleted' '
    printf "Qwertyuiop report\n\nThe qwertyuiop committee met in Oslo.\n" \
        >"$TMP/corpus/night1.txt"
    rm "$TMP/corpus/night2.txt"
    printf "Plokijuh report\n\nThe plokijuh committee met in Rome.\n" \
        >"$TMP/corpus/night3.txt"
    job
    assert_eq "$(cat "$TMP/rc")" 0
    grep -qx "psearch-index: added 1, updated 1, removed 1, skipped 5, errors 0, [0-9.]* seconds" "$TMP/out"
    assert_eq "$(wc -l <"$TMP/out")" 1
    assert_eq "$(cat "$TMP/err")" ""
'

test_expect_success 'the new content is found, the old and the deleted are gone' '
    until_total qwertyuiop 1
    until_total plokijuh 1
    until_total zyxwvut 0
    until_total mnbvcxz 0
'

test_expect_success 'a night with nothing new: the summary line alone' '
    job
    assert_eq "$(cat "$TMP/rc")" 0
    grep -qx "psearch-index: added 0, updated 0, removed 0, skipped 7, errors 0, [0-9.]* seconds" "$TMP/out"
    assert_eq "$(cat "$TMP/err")" ""
'

test_expect_success 'bad files: each named in a warning, then the summary, and success' '
    printf "Broken\0file\n" >"$TMP/corpus/broken.txt"
    printf "Asdfghjk report\n\nThe asdfghjk committee met in Bern.\n" \
        >"$TMP/corpus/night4.txt"
    job
    assert_eq "$(cat "$TMP/rc")" 0
    grep -q "warning: $TMP/corpus/broken.txt: binary file" "$TMP/err"
    grep -q "^psearch-reindex: warning: 1 bad file(s) skipped" "$TMP/err"
    grep -qx "psearch-index: added 1, updated 0, removed 0, skipped 7, errors 1, [0-9.]* seconds" "$TMP/out"
    until_total asdfghjk 1
    rm "$TMP/corpus/broken.txt"
'

test_expect_success 'another writer holds the index: 75, logged, nothing done, at once' '
    printf "Lkjhgfds report\n\nThe lkjhgfds committee met in Riga.\n" \
        >"$TMP/corpus/night5.txt"
    exec 8>"$INDEX/write.lock"
    flock -n 8
    start=$(date +%s)
    job
    exec 8>&-
    assert_eq "$(cat "$TMP/rc")" 75
    [ $(($(date +%s) - start)) -le 2 ]
    grep -q "^psearch-reindex: another writer holds $INDEX; nothing done, left for the next run" "$TMP/err"
    grep -q "locked by another writer" "$TMP/err"
    assert_eq "$(cat "$TMP/out")" ""
    assert_eq "$(total lkjhgfds)" 0
'

test_expect_success 'systemd counts 75 as success; the next run does the work' '
    grep -qx "SuccessExitStatus=75" "$ROOT/contrib/systemd/psearch-reindex.service"
    grep -qx "SuccessExitStatus=75" "$ROOT/contrib/systemd/user/psearch-reindex.service"
    job
    assert_eq "$(cat "$TMP/rc")" 0
    grep -q "^psearch-index: added 1," "$TMP/out"
    until_total lkjhgfds 1
'

test_expect_success 'a bad corpus path fails the job, with the reason' '
    sed "s|^PSEARCH_CORPUS=.*|PSEARCH_CORPUS=$TMP/corpus:$TMP/no-such-folder|" \
        "$CONF" >"$TMP/bad.conf"
    sh "$JOB" --config "$TMP/bad.conf" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
    assert_eq $rc 2
    grep -q "$TMP/no-such-folder: No such file or directory" "$TMP/err"
    grep -q "^psearch-reindex: error: psearch-index failed with exit status 2" "$TMP/err"
    assert_eq "$(cat "$TMP/out")" ""
'

test_expect_success 'configuration errors: no corpus, a missing file, a bad option' '
    grep -v "^PSEARCH_CORPUS=" "$CONF" >"$TMP/nocorpus.conf"
    sh "$JOB" --config "$TMP/nocorpus.conf" 2>"$TMP/err" && rc=0 || rc=$?
    assert_eq $rc 2
    grep -q "error: no corpus: set PSEARCH_CORPUS" "$TMP/err"
    sh "$JOB" --config "$TMP/absent.conf" 2>"$TMP/err" && rc=0 || rc=$?
    assert_eq $rc 2
    grep -q "$TMP/absent.conf: cannot read the configuration file" "$TMP/err"
    sh "$JOB" --bogus 2>"$TMP/err" && rc=0 || rc=$?
    assert_eq $rc 2
    grep -q "unknown argument: --bogus" "$TMP/err"
    sh "$JOB" --help | grep -q "^Usage: psearch-reindex"
'

test_expect_success 'the settings may come from the environment alone' '
    PSEARCH_CONF= PSEARCH_INDEX="$INDEX" PSEARCH_CORPUS="$TMP/corpus" \
        PSEARCH_INDEXER="$BIN/psearch-index" PSEARCH_INDEX_OPTS="--exclude night3.txt" \
        sh "$JOB" >"$TMP/out" 2>"$TMP/err"
    grep -qx "psearch-index: added 0, updated 0, removed 1, skipped 8, errors 0, [0-9.]* seconds" "$TMP/out"
    until_total plokijuh 0
    rm "$TMP/corpus/night3.txt"
'

test_expect_success 'under systemd, warnings reach the journal with their priority' '
    printf "Bad\0again\n" >"$TMP/corpus/broken2.txt"
    exec 9>"$TMP/journal"
    JOURNAL_STREAM=$(stat -L -c "%d:%i" "$TMP/journal") \
        sh "$JOB" --config "$CONF" >"$TMP/out" 2>&9
    exec 9>&-
    grep -q "^<4>psearch-index: warning: $TMP/corpus/broken2.txt" "$TMP/journal"
    grep -q "^<4>psearch-reindex: warning: 1 bad file(s) skipped" "$TMP/journal"
    grep -q "^psearch-index: added 0," "$TMP/out"
'

test_expect_success 'under cron, --log syslog goes through logger with tag and priority' '
    mkdir -p "$TMP/fakebin"
    printf "#!/bin/sh\n{ echo \"logger \$*\"; cat; } >>\"%s\"\n" "$TMP/syslog" \
        >"$TMP/fakebin/logger"
    chmod +x "$TMP/fakebin/logger"
    PATH="$TMP/fakebin:$PATH" sh "$JOB" --config "$CONF" --log syslog \
        >"$TMP/out" 2>"$TMP/err"
    assert_eq "$(cat "$TMP/out" "$TMP/err")" ""
    grep -qx "logger -t psearch-reindex -p user.warning" "$TMP/syslog"
    grep -q "^psearch-index: warning: $TMP/corpus/broken2.txt" "$TMP/syslog"
    grep -qx "logger -t psearch-reindex -p user.info" "$TMP/syslog"
    grep -q "^psearch-index: added 0, updated 0, removed 0, skipped 8, errors 1" "$TMP/syslog"
'

test_expect_success 'without logger, syslog falls back to a log file' '
    mkdir -p "$TMP/minbin"
    for c in sed grep date dirname mkdir stat cat; do
        ln -sf "$(command -v $c)" "$TMP/minbin/$c"
    done
    PATH="$TMP/minbin" PSEARCH_LOG_FILE="$TMP/state/reindex.log" \
        "$(command -v sh)" "$JOB" --config "$CONF" --log syslog >"$TMP/out" 2>"$TMP/err"
    assert_eq "$(cat "$TMP/out" "$TMP/err")" ""
    grep -q "^[0-9T:+-]* psearch-reindex\[[0-9]*\] warning: psearch-index: warning: $TMP/corpus/broken2.txt" "$TMP/state/reindex.log"
    grep -q "^[0-9T:+-]* psearch-reindex\[[0-9]*\] info: $SUMMARY" "$TMP/state/reindex.log"
'

test_expect_success 'PSEARCH_LOG=FILE in the configuration: lines appended, stamped' '
    rm "$TMP/corpus/broken2.txt"
    { cat "$CONF"; echo "PSEARCH_LOG=$TMP/reindex.log"; } >"$TMP/log.conf"
    sh "$JOB" --config "$TMP/log.conf" >"$TMP/out" 2>"$TMP/err"
    sh "$JOB" --config "$TMP/log.conf" >>"$TMP/out" 2>>"$TMP/err"
    assert_eq "$(cat "$TMP/out" "$TMP/err")" ""
    assert_eq "$(grep -c "info: $SUMMARY" "$TMP/reindex.log")" 2
'

# At least 20 queries, even on a slow machine, before the dawn.
for i in $(seq 1 100); do
    [ "$(wc -l <"$TMP/stream")" -ge 20 ] && break
    sleep 0.1
done
touch "$TMP/dawn"
# `wait` works only here, at the top level, for this child.
wait $STREAM

test_expect_success 'no query of the stream failed, all night long' '
    n=$(wc -l <"$TMP/stream")
    [ "$n" -ge 20 ]
    assert_eq "$("$GET" .ok .results# <"$TMP/stream" | sort | uniq -c |
        sed "s/^ *//")" "$n true 3"
'

test_expect_success 'the daemon followed the revisions by itself, never reloaded' '
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
