#!/usr/bin/env bash
# psearch, the command line: options, exit codes, the four output forms,
# paging, facets, colour, error messages, and how it deals with a daemon
# that is missing, stuck, rude or serving another index (fake daemons made
# with socat, so these run without psearchd).
. "$(dirname "$0")/lib.sh"

IX=$TMP/index
copy_corpus
C=$TMP/corpus
F4=corpus/004_885119e9e1c7bf41.txt
# Paths under the current directory are shown relative to it.
cd "$TMP"

# Values out of JSON Lines, without jq (see tests/tools/json_get.c).
jget() { "$TOOLS/json_get" "$@"; }

# psearch on the test index, never asking a daemon.
psd() { "$BIN/psearch" --direct --index "$IX" "$@"; }

# Bytes COL..COL+LEN-1 of line LINE of FILE.
cut_at() { sed -n "$2p" "$1" | cut -b "$3-$(($3 + $4 - 1))"; }

# Starts a one-connection fake daemon on socket $2 (default: a path of its
# own under $TMP) that runs the shell command $1 with the connection as its
# stdin and stdout, and waits until the socket listens. It is stopped when
# the calling test's subshell exits.
#
# socat runs in a process group of its own, and the stop waits for the
# whole group to be gone: socat forks for SYSTEM:, and a child still
# exiting would remove the socket file that the next fake daemon on the
# same path has just made (T210 failed so under load). Readiness is the
# socket listening (/proc/net/unix), not merely existing: between socat's
# bind() and listen() a client is refused and psearch falls back to the
# index.
fake_daemon() {
    # One fake daemon at a time: the previous one may still hold its socket.
    [ -n "${FAKE:-}" ] && stop_fake_daemon
    FAKE_SOCK=${2:-$(mktemp -u "$TMP/fake.XXXXXX")}
    rm -f "$FAKE_SOCK"
    setsid socat UNIX-LISTEN:"$FAKE_SOCK" SYSTEM:"$1" >/dev/null 2>&1 &
    FAKE=$!
    trap stop_fake_daemon EXIT
    for i in $(seq 500); do
        unix_listening "$FAKE_SOCK" && return 0
        sleep 0.01
    done
    echo "the fake daemon did not start" >&2
    return 1
}

# Stops the fake daemon's process group and waits (bounded) until no
# process of it is left.
stop_fake_daemon() {
    kill -TERM -- -$FAKE 2>/dev/null || :
    wait $FAKE 2>/dev/null || :
    for i in $(seq 500); do
        kill -0 -- -$FAKE 2>/dev/null || return 0
        sleep 0.01
    done
    kill -KILL -- -$FAKE 2>/dev/null || :
}

# What a fake daemon does after its answer: read until the client closes
# the connection. socat may otherwise end the connection as soon as its
# command exits, before the answer has left (seen once in a few runs on a
# loaded machine), and a client would then see no answer at all.
HOLD='cat >/dev/null'

# Canned answers for the fake daemons.
printf '%s\n' '{"id":1,"ok":true,"total":7,"results":[]}' > "$TMP/seven1"
printf '%s\n' '{"id":2,"ok":true,"total":7,"results":[]}' > "$TMP/seven2"
printf '%s\n' '{"id":1,"ok":false,"error":{"code":"EBADQUERY",'\
'"message":"boom","position":3}}' > "$TMP/badquery"
printf '%s\n' '{"id":1,"ok":true,"index":{"path":"/elsewhere"}}' \
    > "$TMP/elsewhere"
printf '{"id":1,"ok":true,"index":{"path":"%s"}}\n' "$IX" > "$TMP/here"
printf '%s\n' '{"id":null,"ok":false,"error":{"code":"ETOOMANY",'\
'"message":"too many clients"}}' > "$TMP/toomany"

test_expect_success 'index a copy of the corpus' '
    "$BIN/psearch-index" --index "$IX" "$C"
'

# --- options and exit codes ---
test_expect_success '--help names every option and exits 0' '
    out=$("$BIN/psearch" --help)
    for o in --json --vimgrep --count --facets --limit --offset --index \
             --socket --direct --color --timeout --help --version; do
        case $out in *"$o"*) ;; *) echo "missing $o"; exit 1;; esac
    done
'
test_expect_success '--version exits 0' '
    "$BIN/psearch" --version | grep -q "^psearch "
'
test_expect_success 'exit 0 when something matches' '
    assert_exit 0 psd Rubio
'
test_expect_success 'exit 1 when nothing matches' '
    assert_exit 1 psd Rubio AND Kallas
    assert_exit 1 psd Zelenskey
'
test_expect_success 'the relaxed form answers when no article has every word' '
    psd --json Rubio Kallas >"$TMP/relaxed.json" 2>"$TMP/relaxed.err"
    assert_eq "$(tail -1 "$TMP/relaxed.json" | "$TOOLS/json_get" .relaxed)" \
        true
    assert_eq "$(grep -c "^psearch: relaxed: " "$TMP/relaxed.err")" 1
    psd --json Rubio >"$TMP/strict.json" 2>"$TMP/strict.err"
    assert_eq "$(tail -1 "$TMP/strict.json" | "$TOOLS/json_get" .relaxed)" \
        "<missing>"
    lacks relaxed <"$TMP/strict.err"
'
test_expect_success 'a question mark asks for the relaxed form' '
    psd --json "Rubio Geneva?" >"$TMP/q.json" 2>"$TMP/q.err"
    assert_eq "$(tail -1 "$TMP/q.json" | "$TOOLS/json_get" .relaxed)" true
'
test_expect_success 'exit 2 for a malformed query' '
    assert_exit 2 psd "\"closer"
'
test_expect_success 'an unknown option is an error (2)' '
    rc=0; "$BIN/psearch" --frobnicate Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "psearch --help" "$TMP/err"
'
test_expect_success 'no query, or an empty one, is an error (2)' '
    assert_exit 2 psd
    rc=0; psd "" 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "empty query" "$TMP/err"
'
test_expect_success 'bad numbers and clashing options are errors (2)' '
    assert_exit 2 psd --limit 0 Rubio
    assert_exit 2 psd --limit x Rubio
    assert_exit 2 psd --offset -1 Rubio
    assert_exit 2 psd --color=sometimes Rubio
    assert_exit 2 psd --json --vimgrep Rubio
    assert_exit 2 "$BIN/psearch" --direct --socket "$TMP/s" Rubio
'
test_expect_success 'a missing index is an error (2) that names it' '
    rc=0; "$BIN/psearch" --index "$TMP/none" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "no index in $TMP/none" "$TMP/err"
    grep -q "psearch-index --index $TMP/none" "$TMP/err"
'
test_expect_success '$PSEARCH_INDEX names the index' '
    assert_eq "$(PSEARCH_INDEX=$IX "$BIN/psearch" --count Rubio)" 1
'
test_expect_success 'a malformed query is shown with a caret under the fault' '
    rc=0; psd "peace \"closer than" 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "^psearch: malformed query: .*quote" "$TMP/err"
    assert_eq "$(sed -n 2p "$TMP/err")" "  peace \"closer than"
    assert_eq "$(sed -n 3p "$TMP/err")" "        ^"
'
test_expect_success 'the caret counts characters, not bytes' '
    rc=0; psd "Zelenskyy’s (peace" 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    assert_eq "$(sed -n 3p "$TMP/err")" "              ^"
'
test_expect_success 'the arguments are joined into one query' '
    assert_eq "$(psd --count Witkoff Kushner)" 2
    assert_eq "$(psd --count "Witkoff Kushner")" 2
'
test_expect_success 'a -word after the query is negation, not an option' '
    assert_eq "$(psd --count peace -Witkoff)" 2
    assert_eq "$(psd --count -- -Witkoff peace)" 2
'
test_expect_success 'long options may follow the query' '
    assert_eq "$(psd Rubio --count)" 1
    assert_eq "$(psd Witkoff --limit 1 --json | grep -c "\"rank\"")" 1
'

# --- --count ---
test_expect_success '--count prints the number of matching articles' '
    assert_eq "$(psd --count peace)" 5
    assert_eq "$(psd --count Rubio)" 1
    out=$(psd --count Zelenskey 2>/dev/null) && exit 1
    assert_eq "$out" 0
'
test_expect_success '--count --json prints the summary line alone' '
    out=$(psd --count --json peace)
    assert_eq "$(printf "%s\n" "$out" | wc -l)" 1
    assert_eq "$(printf "%s\n" "$out" | jget .total .results)" "5 <missing>"
'

# --- --vimgrep ---
test_expect_success '--vimgrep prints path:line:column:text per hit' '
    psd --vimgrep Witkoff > "$TMP/vim"
    assert_eq "$(wc -l < "$TMP/vim")" 5
    assert_eq "$(grep -Evc "^corpus/[0-9]{3}_[0-9a-f]{16}\.txt:[0-9]+:[0-9]+:" \
        "$TMP/vim")" 0
'
test_expect_success '--vimgrep columns point at the match, in bytes' '
    # 001:6 has a typographic apostrophe (3 bytes) before Witkoff.
    grep -q "^corpus/001_c0e3d50bc6607f1e.txt:6:" "$TMP/vim"
    while IFS=: read -r f line col text; do
        assert_eq "$(cut_at "$f" "$line" "$col" 7)" Witkoff
        assert_eq "$text" "$(sed -n "${line}p" "$f")"
    done < "$TMP/vim"
'

# --- --json ---
test_expect_success '--json: one object per result, then a summary' '
    psd --json Kallas > "$TMP/json"
    assert_eq "$(wc -l < "$TMP/json")" 2
    head -n 1 "$TMP/json" > "$TMP/first"
    assert_eq "$(jget .rank .path .title < "$TMP/first")" \
        "1 $C/004_885119e9e1c7bf41.txt Key details about latest Ukraine peace deal – and the main hurdles Russia keeps putting in the way"
    jget .score < "$TMP/first" | grep -Eq "^[0-9.eE+-]+$"
    jget .snippet < "$TMP/first" | grep -q Kallas
    [ "$(jget .hits# < "$TMP/first")" -gt 0 ]
    [ "$(jget .entities# < "$TMP/first")" -gt 0 ]
    jget .hits[0].line .hits[0].column .hits[0].length \
        .entities[0].type .entities[0].name .entities[0].mentions[0].text \
        .entities[0].mentions[0].line .entities[0].mentions[0].column \
        < "$TMP/first" | lacks "<missing>"
    assert_eq "$(tail -n 1 "$TMP/json" | jget .total .results .rank)" \
        "1 <missing> <missing>"
    tail -n 1 "$TMP/json" | jget .elapsed_us | grep -Eq "^[0-9]+$"
'
test_expect_success '--json hits point at the matched text' '
    n=$(jget .hits# < "$TMP/first")
    for i in $(seq 0 $((n - 1))); do
        read -r line col len < <(jget .hits[$i].line .hits[$i].column \
            .hits[$i].length < "$TMP/first")
        assert_eq "$(cut_at "$F4" "$line" "$col" "$len")" Kallas
    done
'
test_expect_success '--json entity mentions point at their text' '
    # Byte lengths: cut counts bytes.
    export LC_ALL=C
    checked=0
    for e in $(seq 0 $(($(jget .entities# < "$TMP/first") - 1))); do
        m=$(jget .entities[$e].mentions# < "$TMP/first")
        for i in $(seq 0 $((m - 1))); do
            p=.entities[$e].mentions[$i]
            read -r line col text < <(jget $p.line $p.column $p.text \
                < "$TMP/first")
            assert_eq "$(cut_at "$F4" "$line" "$col" "${#text}")" "$text"
            checked=$((checked + 1))
        done
    done
    [ $checked -gt 10 ]
'

# --- paging ---
test_expect_success '--limit and --offset page through the ranking' '
    paths() { jget .rank .path | grep -v "^<missing>"; }
    psd --json peace | paths > "$TMP/all"
    assert_eq "$(wc -l < "$TMP/all")" 5
    { psd --json --limit 2 peace | paths
      psd --json --limit 2 --offset 2 peace | paths
      psd --json --limit 2 --offset 4 peace | paths; } > "$TMP/pages"
    cmp "$TMP/all" "$TMP/pages"
    ranks=$(psd --json --limit 2 --offset 2 peace | paths | cut -d" " -f1)
    assert_eq "$(echo $ranks)" "3 4"
'
test_expect_success 'a page past the end is empty but still exits 0' '
    out=$(psd --json --offset 5 peace)
    assert_eq "$(printf "%s\n" "$out" | wc -l)" 1
    psd --offset 5 peace 2>&1 >/dev/null | grep -q "none of 5 matches"
'

# --- facets ---
test_expect_success '--facets counts who is talked about' '
    # Trump is named in every article but 003; so is Zelensky.
    psd --json --facets peace | tail -n 1 > "$TMP/sum"
    n=$(jget .facets.person# < "$TMP/sum")
    for i in $(seq 0 $((n - 1))); do
        jget .facets.person[$i].id .facets.person[$i].docs < "$TMP/sum"
    done > "$TMP/people"
    grep -qx "trump 4" "$TMP/people"
    grep -qx "zelensky 4" "$TMP/people"
'
test_expect_success '--facets lists the entities by type after the results' '
    psd --facets peace > "$TMP/facets"
    grep -q "^person$" "$TMP/facets"
    grep -q "^place$" "$TMP/facets"
    grep -Eq "^  Donald Trump +4 articles +[0-9]+ mentions$" "$TMP/facets"
'
test_expect_success '--facets=N limits each type to N' '
    psd --json --facets=2 peace | tail -n 1 |
        jget .facets.person# .facets.place# .facets.org# .facets.treaty# \
        > "$TMP/sizes"
    for n in $(cat "$TMP/sizes"); do [ "$n" -le 2 ]; done
'
test_expect_success '--count --facets prints the total, then the facets' '
    psd --count --facets Rubio > "$TMP/cf"
    assert_eq "$(head -n 1 "$TMP/cf")" 1
    grep -Eq "^  Marco Rubio +1 article +1 mention$" "$TMP/cf"
'

# --- the people's listing ---
test_expect_success 'a header per result, grep-like hit lines, a footer' '
    psd --width 0 Kallas > "$TMP/out" 2> "$TMP/err"
    assert_eq "$(sed -n 1p "$TMP/out")" \
        "1. Key details about latest Ukraine peace deal – and the main hurdles Russia keeps putting in the way  $F4"
    assert_eq "$(sed -n 2p "$TMP/out")" "$F4:44: $(sed -n 44p "$F4")"
    assert_eq "$(wc -l < "$TMP/out")" 2
    grep -Eq "^1 of 1 match \([0-9.]+ ms\)$" "$TMP/err"
'
test_expect_success 'lines are cut to the width around the match' '
    psd --width 70 peace > "$TMP/out"
    w=$(LC_ALL=C.UTF-8 wc -L < "$TMP/out")
    [ "$w" -le 70 ]
    [ "$w" -gt 60 ]
    psd --width 60 Witkoff > "$TMP/out"
    [ "$(LC_ALL=C.UTF-8 wc -L < "$TMP/out")" -le 60 ]
    grep ":[0-9]*: " "$TMP/out" > "$TMP/hits"
    assert_eq "$(wc -l < "$TMP/hits")" 4
    assert_eq "$(grep -vc Witkoff "$TMP/hits")" 0
'
test_expect_success '$COLUMNS sets the width when not on a terminal' '
    COLUMNS=72 psd peace > "$TMP/out"
    [ "$(LC_ALL=C.UTF-8 wc -L < "$TMP/out")" -le 72 ]
'
test_expect_success 'a title: match shows the snippet instead of hit lines' '
    psd --width 0 title:Status > "$TMP/out"
    sed -n 1p "$TMP/out" |
        grep -q "^1\. 🧠 Current Status of the Peace Talks  corpus/003_"
    sed -n 2p "$TMP/out" | grep -q "^    ."
'

# --- colour ---
ESC=$(printf "\033")
test_expect_success 'no colour when not on a terminal' '
    psd Kallas | lacks "$ESC"
'
test_expect_success '--color=always highlights the match' '
    psd --color=always Kallas | grep -q "${ESC}\[1;31mKallas${ESC}\[0m"
'
test_expect_success '--color=never and NO_COLOR turn colour off' '
    psd --color=never Kallas | lacks "$ESC"
    NO_COLOR=1 psd --color=auto Kallas | lacks "$ESC"
    NO_COLOR=1 psd --color=always Kallas | grep -q "$ESC"
'
test_expect_success 'machine formats are never coloured' '
    psd --color=always --json Kallas | lacks "$ESC"
    psd --color=always --vimgrep Kallas | lacks "$ESC"
'

# --- did you mean ---
test_expect_success 'a misspelling gets "Did you mean" and exit 1' '
    rc=0; psd Zelenskey > "$TMP/out" 2> "$TMP/err" || rc=$?
    assert_eq $rc 1
    grep -q "^Did you mean: zelensky?$" "$TMP/err"
'

# --- the daemon: missing, stuck, rude, or serving another index ---
test_expect_success 'no daemon: psearch opens the index itself' '
    assert_eq "$("$BIN/psearch" --index "$IX" --count Rubio)" 1
'
test_expect_success '--socket with no daemon there is an error (2)' '
    rc=0
    "$BIN/psearch" --socket "$TMP/nobody.sock" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "cannot connect to $TMP/nobody.sock" "$TMP/err"
'
test_expect_success 'a daemon that never answers times out (2)' '
    fake_daemon "sleep 5"
    start=$(date +%s%N)
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" --timeout 0.3 Rubio 2>"$TMP/err" ||
        rc=$?
    assert_eq $rc 2
    grep -q "did not answer within 300 ms" "$TMP/err"
    [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ]
'
test_expect_success 'once a request is sent there is no fall-back (2)' '
    fake_daemon "sleep 5"
    rc=0
    PSEARCH_SOCKET=$FAKE_SOCK "$BIN/psearch" --index "$IX" --timeout 0.2 \
        Rubio 2>/dev/null || rc=$?
    assert_eq $rc 2
'
test_expect_success 'a daemon that hangs up is an error (2)' '
    fake_daemon "true"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "closed the connection" "$TMP/err"
'
test_expect_success 'a daemon that answers garbage is an error (2)' '
    fake_daemon "read l; echo not json; $HOLD"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "not a JSON object" "$TMP/err"
'
test_expect_success 'an endless answer is cut off at the size bound (2)' '
    head -c 17000000 /dev/zero | tr "\\0" x > "$TMP/huge"
    fake_daemon "read l; cat $TMP/huge"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "response longer than" "$TMP/err"
'
test_expect_success 'the daemon is asked by default when it answers' '
    fake_daemon "read l; cat $TMP/seven1; $HOLD" "$TMP/run/psearch.sock"
    assert_eq "$("$BIN/psearch" --count Rubio)" 7
'
test_expect_success 'a daemon with too many clients: the index instead' '
    # No --index, so no stats question first: the default index is $IX.
    mkdir -p "$XDG_DATA_HOME/psearch"
    ln -sfn "$IX" "$XDG_DATA_HOME/psearch/index"
    fake_daemon "cat $TMP/toomany; $HOLD" "$TMP/run/psearch.sock"
    assert_eq "$("$BIN/psearch" --count Rubio)" 1
    rm "$XDG_DATA_HOME/psearch/index"
'
test_expect_success '... unless --socket insists on the daemon (2)' '
    fake_daemon "cat $TMP/toomany; $HOLD"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" Rubio 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    grep -q "ETOOMANY" "$TMP/err"
'
test_expect_success 'the daemon'"'"'s query errors get the caret too' '
    fake_daemon "read l; cat $TMP/badquery; $HOLD"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" "abc(def" 2>"$TMP/err" || rc=$?
    assert_eq $rc 2
    assert_eq "$(sed -n 1p "$TMP/err")" "psearch: malformed query: boom"
    assert_eq "$(sed -n 3p "$TMP/err")" "     ^"
'
test_expect_success 'with --index, a daemon serving another index is skipped' '
    fake_daemon "read l; cat $TMP/elsewhere; $HOLD"
    assert_eq "$(PSEARCH_SOCKET=$FAKE_SOCK "$BIN/psearch" --index "$IX" \
        --count Rubio)" 1
'
test_expect_success 'with --index, a daemon serving that index is used' '
    fake_daemon "read l; cat $TMP/here; read l; cat $TMP/seven2; $HOLD"
    assert_eq "$(PSEARCH_SOCKET=$FAKE_SOCK "$BIN/psearch" --index "$IX" \
        --count Rubio)" 7
'
test_expect_success '--socket and --index: another index is an error' '
    fake_daemon "read l; cat $TMP/elsewhere; $HOLD"
    rc=0
    "$BIN/psearch" --socket "$FAKE_SOCK" --index "$IX" Rubio 2>"$TMP/err" ||
        rc=$?
    assert_eq $rc 2
    grep -q "serves /elsewhere" "$TMP/err"
'

test_expect_success 'a word of several forms is counted exactly' '
    # "guarantee" is searched as guarantee OR guarantees, whose document
    # count Xapian can only estimate; a rare word is counted in full.
    "$BIN/psearch" --direct --index "$IX" --json --count guarantee >"$TMP/n"
    assert_eq "$("$TOOLS/json_get" .total .total_exact <"$TMP/n" | tr "\n" " ")" \
        "$(grep -liE "\bguarantee(s|d|ing)?\b" "$C"/*.txt | wc -l) true "
'

test_expect_success 'path: over a folder of many files finds each one, counted exactly' '
    # A filter of more than 256 paths searches its longest runs of paths
    # in byte order as ranges of the path value (query_fields.cc). Here
    # x.txt matches r001x.txt to r300x.txt but not r020.txt, which sorts
    # among them, nor a path too long for a term (a hashed id term, which
    # sorts elsewhere) that sorts between r200x.txt and r201x.txt: each
    # must end a run. Another long path, matching, sorts inside one.
    P=$TMP/paths
    mkdir -p "$P/corpus/many"
    long=$(printf "y%.0s" $(seq 230))
    for i in $(seq -w 1 300); do
        echo "Report $i on the harbour works." >"$P/corpus/many/r${i}x.txt"
    done
    echo "Not this harbour." >"$P/corpus/many/r020.txt"
    echo "Nor this harbour." >"$P/corpus/many/r200$long.txt"
    echo "A long harbour report." >"$P/corpus/many/r225${long}x.txt"
    "$BIN/psearch-index" --index "$P/ix" --no-progress --quiet "$P/corpus"
    pp() { "$BIN/psearch" --direct --index "$P/ix" "$@"; }
    pp --json --count path:x.txt >"$P/n"
    assert_eq "$(jget .total .total_exact <"$P/n" | tr "\n" " ")" "301 true "
    # Every line but the summary is a result.
    pp --json --limit 1000 path:x.txt | sed "\$d" | jget .path |
        xargs -n 1 basename | sort >"$P/got"
    ls "$P/corpus/many" | grep "x\.txt$" | sort >"$P/want"
    assert_eq "$(cat "$P/got")" "$(cat "$P/want")"
    pp --json --count "harbour path:x.txt" | jget .total >"$P/n"
    assert_eq "$(cat "$P/n")" 301
    pp --json --count "harbour -path:x.txt" | jget .total .total_exact >"$P/n"
    assert_eq "$(cat "$P/n" | tr "\n" " ")" "2 true "
    # A pattern over the same paths, the long ones read from their values:
    # r2?? then anything then x.txt is r200x.txt to r299x.txt and the long
    # r225...x.txt (101); r0, one character, 0.txt is r020.txt.
    pp --json --count "path:r2??*x.txt" | jget .total .total_exact >"$P/n"
    assert_eq "$(cat "$P/n" | tr "\n" " ")" "101 true "
    pp --json --limit 1000 "path:many/r2??*x.txt" | sed "\$d" | jget .path |
        xargs -n 1 basename | sort >"$P/got"
    ls "$P/corpus/many" | grep "^r2..*x\.txt$" | sort >"$P/want"
    assert_eq "$(cat "$P/got")" "$(cat "$P/want")"
    assert_eq "$(pp --count "path:/r0?0.txt")" 1
'

test_expect_success 'psearch loads Xapian only to search by itself' '
    # Asking the daemon needs no engine: the program does not link it.
    ldd "$BIN/psearch" | lacks xapian
    # Without its engine, searching directly fails with a clear message.
    mkdir -p "$TMP/lonely/bin"
    cp "$BIN/psearch" "$TMP/lonely/bin/"
    rc=0
    PSEARCH_SOCKET=$TMP/none.sock "$TMP/lonely/bin/psearch" --direct \
        --index "$IX" peace 2>"$TMP/err" || rc=$?
    cat "$TMP/err"
    assert_eq $rc 2
    grep -q "^psearch: cannot load the search engine: libpsearch-engine.so not found" "$TMP/err"
'

test_done
