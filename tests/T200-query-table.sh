#!/usr/bin/env bash
# The query table, tests/queries.tsv, written once and run on every path to
# the engine, as Xapian runs a test on every backend: first with psearch
# --direct on an index of the corpus, then through psearchd on a private
# socket, with the same expectations. The two paths must also print the
# very same JSON, elapsed_us aside, and the same error messages.
. "$(dirname "$0")/lib.sh"

IX=$TMP/index
SOCK=$TMP/run/T200.sock
TABLE=$ROOT/tests/queries.tsv
copy_corpus

test_expect_success 'index a copy of the corpus' '
    "$BIN/psearch-index" --index "$IX" "$TMP/corpus"
'

# Words, one per line; sorted when $1 is "sort".
words() {
    if [ "$1" = sort ]; then
        printf '%s\n' $2 | sort
    else
        printf '%s\n' $2
    fi
}

# Runs the current row ($q, $want_exit, $want_res, $want_lines) with the
# psearch options in "$@", keeping stdout and stderr in $TMP/$tag.*, and
# checks it against the row.
check_row() {
    local tag=$1 rc=0 got total lines want
    shift
    "$BIN/psearch" "$@" --json -- "$q" >"$TMP/$tag.out" 2>"$TMP/$tag.err" ||
        rc=$?
    if [ "$rc" != "$want_exit" ]; then
        echo "exit $rc, expected $want_exit"
        cat "$TMP/$tag.err"
        return 1
    fi
    if [ "$rc" = 2 ]; then
        grep -q "^psearch: " "$TMP/$tag.err" ||
            { echo "no message on stderr"; return 1; }
        [ ! -s "$TMP/$tag.out" ] ||
            { echo "output despite the error"; return 1; }
        return 0
    fi
    # Each line's rank, path, total and hits: a result has no total, the
    # summary no rank. Paths become their file names' first three digits.
    local rank path tot hits n=0
    got= total= lines=
    while read -r rank path tot hits; do
        if [ "$rank" = "<missing>" ]; then
            total=$tot
            continue
        fi
        path=${path##*/}
        got="$got ${path%%_*}"
        n=$((n + 1))
        if [ "$rank" = 1 ]; then
            lines=$(printf '%s' "$hits" | grep -o '"line":[0-9]*' |
                cut -d: -f2 | sort -n -u)
        fi
    done < <("$TOOLS/json_get" .rank .path .total .hits < "$TMP/$tag.out")
    assert_eq "$total" "$n"
    case $want_res in
    -) want= ;;
    "{"*) want=$(words sort "$(printf '%s' "$want_res" | tr -d '{}')")
          got=$(words sort "$got") ;;
    *) want=$(words plain "$want_res") ;;
    esac
    assert_eq "$(echo $got)" "$(echo $want)"
    [ "$want_lines" = - ] || assert_eq "$(echo $lines)" "$want_lines"
}

# Calls "$1 TAG" once per row of the table, with the row in $q etc.
for_each_row() {
    local n=0 why
    while IFS=$'\t' read -r q want_exit want_res want_lines why; do
        case $q in "#"* | "") continue ;; esac
        n=$((n + 1))
        "$1" "row$n"
    done < "$TABLE"
}

direct_row() {
    test_expect_success "direct: $q" \
        "check_row $1.direct --direct --index \"\$IX\""
}
for_each_row direct_row

if [ ! -x "$BIN/psearchd" ]; then
    echo "SKIP the daemon half: bin/psearchd is not built"
    test_done
    exit
fi

"$BIN/psearchd" --index "$IX" --socket "$SOCK" >"$TMP/psearchd.log" 2>&1 &
DAEMON=$!
at_exit 'kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null'

test_expect_success 'psearchd starts and answers on its socket' '
    for i in $(seq 100); do
        [ -S "$SOCK" ] && "$BIN/psearch" --socket "$SOCK" --count Rubio \
            >/dev/null 2>&1 && exit 0
        kill -0 $DAEMON 2>/dev/null || break
        sleep 0.05
    done
    cat "$TMP/psearchd.log"
    exit 1
'

daemon_row() {
    test_expect_success "daemon: $q" \
        "check_row $1.daemon --socket \"\$SOCK\""
}
for_each_row daemon_row

test_expect_success 'with --index, the daemon is used if it serves that index' '
    assert_eq "$("$BIN/psearch" --socket "$SOCK" --index "$IX" \
        --count Witkoff)" 3
'
test_expect_success '... and skipped if it serves another' '
    mkdir -p "$TMP/other"
    cp "$TMP/corpus/003_"*.txt "$TMP/corpus/entities.tsv" "$TMP/other/"
    "$BIN/psearch-index" --index "$TMP/other-index" "$TMP/other"
    assert_eq "$(PSEARCH_SOCKET=$SOCK "$BIN/psearch" \
        --index "$TMP/other-index" --count Witkoff)" 1
    assert_exit 2 "$BIN/psearch" --socket "$SOCK" --index "$TMP/other-index" \
        --count Witkoff
'

# elapsed_us is the one field allowed to differ between the two paths.
same_row() {
    test_expect_success "same answer both ways: $q" "
        sed 's/\"elapsed_us\":[0-9]*/\"elapsed_us\":0/' $TMP/$1.direct.out \
            > $TMP/$1.a
        sed 's/\"elapsed_us\":[0-9]*/\"elapsed_us\":0/' $TMP/$1.daemon.out \
            > $TMP/$1.b
        cmp $TMP/$1.a $TMP/$1.b
        cmp $TMP/$1.direct.err $TMP/$1.daemon.err
    "
}
for_each_row same_row

test_done
