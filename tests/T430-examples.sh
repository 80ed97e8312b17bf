#!/usr/bin/env bash
# T430: every psearch example of the README, of every page of doc/, of the
# man pages and of the Neovim plugin's help works on the shipped corpus as written: each one runs
# against an index of corpus/ (where `make demo` puts it, ./index, which is
# also the default index here), once with psearch opening the index itself
# and once through psearchd on the default socket, and exits as documented
# (0, something found, unless the example's comment says "exit N"); both
# ways print the same. A :Psearch example runs its query with psearch.
# tests/examples.awk finds the examples; each failure names the example's
# file and line.
. "$(dirname "$0")/lib.sh"

# Every Markdown page of doc/ is read, so a new page needs no edit here.
DOCS="README.md $(cd "$ROOT" && echo doc/*.md) contrib/man/psearch.1
contrib/man/psearch-index.1 contrib/man/psearchd.8 contrib/man/psearch-reindex.8
contrib/nvim/doc/psearch.txt"

# The demo's layout: ./index of corpus/, which is also the default index
# ($XDG_DATA_HOME/psearch/index), and bin/psearch.
WORK=$TMP/work
mkdir -p "$WORK/bin" "$XDG_DATA_HOME/psearch"
ln -s "$BIN/psearch" "$WORK/bin/psearch"
"$BIN/psearch-index" --index "$WORK/index" "$ROOT/corpus" >/dev/null 2>&1
ln -s "$WORK/index" "$XDG_DATA_HOME/psearch/index"
PATH=$BIN:$PATH
export COLUMNS=100

(cd "$ROOT" && awk -f tests/examples.awk $DOCS) >"$TMP/examples"

test_expect_success 'examples are found in the README, doc/ and the man pages' '
    grep -q "^README.md:" "$TMP/examples"
    grep -q "^doc/guide.md:" "$TMP/examples"
    grep -q "^contrib/man/psearch.1:" "$TMP/examples"
    [ "$(wc -l <"$TMP/examples")" -ge 10 ]
'

# run_examples MODE: runs every example, its output in $TMP/MODE/N; prints
# one line per example that did not exit as documented.
run_examples() {
    local mode=$1 n=0 where want kind text rc
    mkdir -p "$TMP/$mode"
    while IFS="$(printf '\t')" read -r where want kind text; do
        n=$((n + 1))
        rc=0
        if [ "$kind" = query ]; then
            (cd "$WORK" && timeout 30 psearch "$text") \
                >"$TMP/$mode/$n" 2>&1 </dev/null || rc=$?
        else
            # As written, split by the shell; bin/psearch is ./bin/psearch.
            (cd "$WORK" && eval "timeout 30 $text") \
                >"$TMP/$mode/$n" 2>&1 </dev/null || rc=$?
        fi
        if [ "$rc" != "$want" ]; then
            printf '%s: exit %s, documented %s: %s\n' "$where" "$rc" \
                "$want" "$text"
            sed -n "1,5s/^/    /p" "$TMP/$mode/$n"
        fi
    done <"$TMP/examples"
}

test_expect_success 'each example, psearch opening the index itself' '
    run_examples direct >"$TMP/direct.fail"
    assert_eq "$(cat "$TMP/direct.fail")" ""
'

start_daemon d -v --index "$WORK/index" --socket "$XDG_RUNTIME_DIR/psearch.sock"
test_expect_success 'the daemon is up on the default socket' '
    wait_ready "$XDG_RUNTIME_DIR/psearch.sock"
'

test_expect_success 'each example, through psearchd' '
    run_examples daemon >"$TMP/daemon.fail"
    assert_eq "$(cat "$TMP/daemon.fail")" ""
    # Every search was the daemon'"'"'s.
    [ "$(grep -cE "\): (search|facets) " "$TMP/d.log")" -ge \
        "$(wc -l <"$TMP/examples")" ]
'

# Timings differ from run to run; all else must not.
normalise() {
    sed -E 's/\([0-9.]+ (ms|us|µs|s)\)/(T)/g; s/"elapsed_us":[0-9]+/"elapsed_us":0/g' "$1"
}

test_expect_success 'each example prints the same both ways' '
    n=0
    while IFS="$(printf "\t")" read -r where want kind text; do
        n=$((n + 1))
        if [ "$(normalise "$TMP/direct/$n")" != "$(normalise "$TMP/daemon/$n")" ]; then
            echo "$where: direct and daemon differ: $text"
            diff <(normalise "$TMP/direct/$n") <(normalise "$TMP/daemon/$n") | head -10
            false
        fi
    done <"$TMP/examples"
'

stop_daemon d
test_done
