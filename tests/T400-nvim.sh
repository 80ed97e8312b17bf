#!/usr/bin/env bash
# T400: the Neovim plugin in contrib/nvim, run in Debian's `nvim --headless`
# against a real psearchd on a temporary socket: :Psearch fills the quickfix
# list with the same hits as `psearch --vimgrep`, :PsearchWord,
# :PsearchEntities, :PsearchOpen, the messages for a missing daemon, a
# malformed query and a daemon that never answers, and that the editor
# keeps running while it waits. The Neovim side of each case is in
# tests/nvim/t400.lua; each case is its own nvim, bounded by timeout(1).
. "$(dirname "$0")/lib.sh"

NVIM=${NVIM:-nvim}
if ! command -v "$NVIM" >/dev/null 2>&1; then
    echo "SKIP: nvim not installed"
    test_done
    exit 0
fi

GET=$TOOLS/json_get
PLUGIN=$ROOT/contrib/nvim
# Seconds one nvim case may run.
NVIM_TIMEOUT=${NVIM_TIMEOUT:-20}

# run_nvim CASE [VAR=VALUE...]: runs one case of tests/nvim/t400.lua in a
# fresh headless nvim with the plugin on its runtimepath and
# g:psearch_socket set to $T400_SOCK; the records land in $TMP/CASE.out.
# Fails if nvim fails or has to be killed.
run_nvim() {
    local c=$1 rc=0; shift
    env T400_CASE="$c" T400_OUT="$TMP/$c.out" T400_DIR="$TMP" \
        T400_SOCK="$SOCK" T400_PLUGIN="$PLUGIN" \
        T400_LUA="$ROOT/tests/nvim/t400.lua" "$@" \
        timeout -k 2 "$NVIM_TIMEOUT" "$NVIM" --headless --clean -n \
        --cmd 'set rtp^=$T400_PLUGIN' \
        --cmd 'let g:psearch_socket = $T400_SOCK' \
        -c 'execute "luafile" fnameescape($T400_LUA)' \
        </dev/null >"$TMP/$c.log" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
        echo "nvim exited $rc (124: killed by timeout)" >&2
        cat "$TMP/$c.log" "$TMP/$c.out" >&2 2>/dev/null
        return 1
    fi
    if grep -q '^error' "$TMP/$c.out"; then
        cat "$TMP/$c.out" >&2
        return 1
    fi
}

# field FILE TAG [N]: field N (default 2) of the first record TAG in FILE.
field() {
    awk -F '\t' -v t="$2" -v n="${3:-2}" '$1 == t { print $n; exit }' "$1"
}

# count FILE TAG: how many records TAG there are in FILE.
count() {
    awk -F '\t' -v t="$2" '$1 == t { n++ } END { print n + 0 }' "$1"
}

# qf_as_vimgrep FILE: the quickfix entries as psearch --vimgrep's
# path:line:column, for comparison.
qf_as_vimgrep() {
    awk -F '\t' '$1 == "entry" { print $2 ":" $3 ":" $4 }' "$1"
}

# vimgrep QUERY: what the command line finds, as path:line:column. It
# runs in the corpus folder, and the paths it shortens are made whole again,
# so that the answer does not depend on where the test runs from.
vimgrep() {
    (cd "$C" && "$BIN/psearch" --socket "$SOCK" --vimgrep --limit 100 "$1") |
        sed "s|^\([^/]\)|$C/\1|" | cut -d: -f1-3
}

# check_texts FILE WORD: every entry's text is its file's line, and the
# line cut at the entry's byte column starts with WORD.
check_texts() {
    local tag path lnum col text
    while IFS=$'\t' read -r tag path lnum col text; do
        [ "$tag" = entry ] || continue
        assert_eq "$text" "$(sed -n "${lnum}p" "$path")"
        case $(printf '%s' "$text" | cut -b "$col-") in
        "$2"*) ;;
        *) echo "column $col of $path:$lnum is not at $2" >&2; return 1;;
        esac
    done <"$1"
}

copy_corpus
INDEX=$TMP/index
# The corpus without symbolic links in its path, as the index names it.
C=$(cd "$TMP/corpus" && pwd -P)
SOCK=$TMP/run/nvim.sock

test_expect_success 'index a copy of the corpus and start psearchd' '
    "$BIN/psearch-index" --index "$INDEX" "$C"
    start_daemon psearchd --index "$INDEX" --socket "$SOCK"
    wait_ready "$SOCK"
'

test_expect_success ':Psearch Article 5 fills and opens the quickfix list' '
    run_nvim search
    assert_eq "$(field "$TMP/search.out" came)" true
    assert_eq "$(field "$TMP/search.out" qf_window)" quickfix
    assert_eq "$(field "$TMP/search.out" title)" \
        "psearch: Article 5 (3 matches)"
    # The three articles that say it: grep -n "Article 5" corpus/*.txt.
    assert_eq "$(awk -F "\t" "\$1 == \"entry\" { print \$2 \":\" \$3 }" \
        "$TMP/search.out" | sort | tr "\n" " ")" \
        "$(printf "$C/%s " 000_e38818ae5e4e4397.txt:7 \
            001_c0e3d50bc6607f1e.txt:6 004_885119e9e1c7bf41.txt:26)"
'

test_expect_success ':Psearch entries are the hits of psearch --vimgrep' '
    assert_eq "$(qf_as_vimgrep "$TMP/search.out")" "$(vimgrep "Article 5")"
'

test_expect_success ':Psearch columns point at the match, texts are the lines' '
    check_texts "$TMP/search.out" "Article 5"
'

test_expect_success 'a quote entry reads as psearch prints it' '
    run_nvim quote_text
    awk -F "\t" "\$1 == \"q\" { print \$2 }" "$TMP/quote_text.out" >"$TMP/qt.got"
    {
        echo "James Comey’s most surprising suggestion was that it was hacked"
        printf "James Comey\047s attacks on: Wall Street\n"
        echo "James Comey predicting a win"
        echo "James Comey: I Still Believe"
        echo "According to James Comey, the talks"
        echo "he (unresolved) said no"
        echo "James Comey said: \"No magic\""
    } >"$TMP/qt.want"
    cmp "$TMP/qt.got" "$TMP/qt.want"
'

test_expect_success ':Psearch said:Lough jumps to each of his quotes' '
    run_nvim said
    assert_eq "$(field "$TMP/said.out" came)" true
    # The entries are the quotes psearch --vimgrep points at, with the
    # speaker, the verb and the content as their text.
    assert_eq "$(qf_as_vimgrep "$TMP/said.out" | uniq)" \
        "$(vimgrep said:Lough | uniq)"
    awk -F "\t" "\$1 == \"entry\" { print \$5 }" "$TMP/said.out" >"$TMP/said.texts"
    grep -q "^John Lough said: “So this is likely to go a few more rounds,”$" "$TMP/said.texts"
'

test_expect_success ':Psearch returns before the answer has come' '
    assert_eq "$(field "$TMP/search.out" size_after_command)" 0
'

test_expect_success ':PsearchWord searches the word under the cursor' '
    run_nvim word T400_FILE="$C/001_c0e3d50bc6607f1e.txt"
    assert_eq "$(field "$TMP/word.out" came)" true
    n=$("$BIN/psearch" --socket "$SOCK" --count "\"Kushner\"")
    assert_eq "$(field "$TMP/word.out" title)" \
        "psearch: \"Kushner\" ($n matches)"
    assert_eq "$(qf_as_vimgrep "$TMP/word.out")" "$(vimgrep "\"Kushner\"")"
    qf_as_vimgrep "$TMP/word.out" |
        grep -qx "$C/001_c0e3d50bc6607f1e.txt:6:[0-9]*"
    check_texts "$TMP/word.out" Kushner
'

test_expect_success ':PsearchEntities lists the facets in a scratch buffer' '
    run_nvim entities
    out=$TMP/entities.out
    assert_eq "$(field "$out" came)" true
    assert_eq "$(field "$out" buftype 2) $(field "$out" buftype 3)" \
        "nofile false"
    assert_eq "$(field "$out" line)" \
        "psearch entities: Article 5 (3 matching articles)"
    echo "{\"id\":1,\"op\":\"facets\",\"q\":\"Article 5\"}" |
        "$CLIENT" --timeout 10 "$SOCK" >"$TMP/facets.json"
    # The first entity of each type, as the daemon gives it, is a line.
    for t in person place org treaty; do
        want="$t $("$GET" ".facets.$t[0].name" ".facets.$t[0].docs" \
            ".facets.$t[0].mentions" <"$TMP/facets.json")"
        awk -F "\t" "\$1 == \"line\" { print \$2 }" "$out" |
            tr -s " " | grep -qxF "$want"
    done
    awk -F "\t" "\$1 == \"line\" { print \$2 }" "$out" |
        grep -q "^type  *name  *docs  *mentions$"
'

test_expect_success '<CR> on an entity searches for it' '
    out=$TMP/entities.out
    q="person:\"Jared Kushner\""
    n=$("$BIN/psearch" --socket "$SOCK" --count "$q")
    m=matches; [ "$n" != 1 ] || m=match
    assert_eq "$(field "$out" title)" "psearch: $q ($n $m)"
    assert_eq "$(qf_as_vimgrep "$out")" "$(vimgrep "$q")"
'

test_expect_success ':PsearchOpen N jumps to the N-th result' '
    run_nvim open
    out=$TMP/open.out
    assert_eq "$(field "$out" came)" true
    e3=$(awk -F "\t" "\$1 == \"entry\" { if (++n == 3) print \$2, \$3, \$4 }" \
        "$out")
    assert_eq "$(awk -F "\t" "\$1 == \"open3\" { print \$2, \$3, \$4, \$5 }" \
        "$out")" "$e3 "
    assert_eq "$(awk -F "\t" "\$1 == \"qf_idx\" { print \$2 }" "$out" |
        head -1)" 3
'

test_expect_success ':PsearchOpen in the quickfix window opens its entry' '
    out=$TMP/open.out
    e2=$(awk -F "\t" "\$1 == \"entry\" { if (++n == 2) print \$2, \$3, \$4 }" \
        "$out")
    # The result opens in an ordinary window, not the quickfix one.
    assert_eq "$(awk -F "\t" \
        "\$1 == \"open_from_qf\" { print \$2, \$3, \$4, \$5 }" "$out")" \
        "$e2 "
    assert_eq "$(awk -F "\t" "\$1 == \"qf_idx\" { print \$2 }" "$out" |
        tail -1)" 2
    field "$out" message | grep -q "no result 9"
'

test_expect_success ':PsearchOpen in a location-list window opens its entry' '
    out=$TMP/open.out
    e1=$(awk -F "\t" "\$1 == \"entry\" { print \$2, \$3, \$4; exit }" \
        "$out")
    assert_eq "$(awk -F "\t" \
        "\$1 == \"open_from_loclist\" { print \$2, \$3, \$4, \$5 }" \
        "$out")" "$e1 "
    assert_eq "$(field "$out" loclist_idx)" 1
'

test_expect_success 'no daemon: one line naming the socket and psearchd' '
    SOCK=$TMP/run/missing.sock run_nvim nodaemon
    out=$TMP/nodaemon.out
    assert_eq "$(field "$out" came)" true
    assert_eq "$(count "$out" message)" 1
    msg=$(field "$out" message 3)
    echo "$msg"
    case $msg in
    *"no daemon on $TMP/run/missing.sock"*psearchd\ --index*) ;;
    *) echo "unexpected message"; exit 1;;
    esac
    # Level WARN (3) or ERROR (4), and no time spent waiting for nobody.
    case $(field "$out" message 2) in 3|4) ;; *) exit 1;; esac
    [ "$(field "$out" elapsed_ms)" -lt 2000 ]
    assert_eq "$(field "$out" qf_size)" 0
'

test_expect_success 'a stale socket is no daemon; a plain file is no socket' '
    run_nvim stale
    out=$TMP/stale.out
    assert_eq "$(count "$out" message)" 2
    awk -F "\t" "\$1 == \"message\" { print \$3 }" "$out" >"$TMP/stale.msg"
    head -1 "$TMP/stale.msg" |
        grep -qF "no daemon on $TMP/stale.sock — start it with: psearchd"
    tail -1 "$TMP/stale.msg" | grep -qF "$TMP/plain is not a socket"
'

test_expect_success 'a malformed query: the daemon message, one line' '
    run_nvim badquery
    out=$TMP/badquery.out
    assert_eq "$(count "$out" message)" 1
    assert_eq "$(field "$out" message 2)" 4
    field "$out" message 3 |
        grep -q "^psearch: malformed query: unbalanced quote.*column 7"
    assert_eq "$(field "$out" qf_size)" 0
'

test_expect_success 'a daemon that never answers: a timeout message' '
    run_nvim timeout
    out=$TMP/timeout.out
    assert_eq "$(field "$out" came)" true
    assert_eq "$(count "$out" message)" 1
    field "$out" message 3 | grep -q "^psearch: no answer from the daemon"
    ms=$(field "$out" elapsed_ms)
    [ "$ms" -ge 250 ] && [ "$ms" -lt 3000 ]
    # The 5 ms timer kept ticking while the request was in flight.
    [ "$(field "$out" ticks)" -ge 10 ]
'

test_expect_success 'a slow daemon: the editor runs on, then the results come' '
    run_nvim slow
    out=$TMP/slow.out
    assert_eq "$(field "$out" size_after_command)" 0
    awk -v ms="$(field "$out" return_ms)" "BEGIN { exit !(ms < 250) }"
    assert_eq "$(field "$out" came)" true
    [ "$(field "$out" ticks)" -ge 10 ]
    assert_eq "$(count "$out" message)" 0
    assert_eq "$(qf_as_vimgrep "$out")" "$(vimgrep "Article 5")"
'

test_expect_success 'the socket: g:psearch_socket, else as psearch finds it' '
    run_nvim socket
    out=$TMP/socket.out
    tmp=/tmp/psearch-$(id -u).sock
    assert_eq "$(awk -F "\t" "{ print \$2 }" "$out" | tr "\n" " ")" \
        "/x/env.sock /run/user/7/psearch.sock $tmp $tmp /x/g.sock $TMP/%s.sock "
'

test_expect_success 'the help file has its tags and opens with :help' '
    cp -r "$PLUGIN" "$TMP/plugin-copy"
    "$NVIM" --headless --clean -n \
        -c "helptags $TMP/plugin-copy/doc" -c "qa!" </dev/null \
        >"$TMP/helptags.log" 2>&1
    grep "E[0-9][0-9]*:" "$TMP/helptags.log" </dev/null | lacks .
    for t in psearch :Psearch :PsearchWord :PsearchEntities :PsearchOpen \
             g:psearch_socket g:psearch_timeout g:psearch_limit; do
        cut -f1 "$TMP/plugin-copy/doc/tags" | grep -qxF "$t" ||
            { echo "no tag $t"; exit 1; }
    done
    timeout -k 2 "$NVIM_TIMEOUT" "$NVIM" --headless --clean -n \
        --cmd "set rtp^=$TMP/plugin-copy" -c "help :PsearchOpen" \
        -c "call writefile([expand(\"%:t\"), getline(\".\")], \"$TMP/help\")" \
        -c "qa!" </dev/null >/dev/null 2>&1
    assert_eq "$(head -1 "$TMP/help")" psearch.txt
    grep -qF "*:PsearchOpen*" "$TMP/help"
'

test_done
