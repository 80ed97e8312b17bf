#!/usr/bin/env bash
# Indexes built apart, served as one: three "nodes" each index their part
# of the corpus (with the gazetteer) by a psearch-index run of their own,
# each is served by its own xapian-tcpsrv, and a query machine lists them
# as remotes in one stub. In every order of the remotes the query table
# must answer exactly as one index of the whole corpus does; so must one
# index whose three shards were built by three psearch-index --shard K
# processes at once. Likewise the articles of tests/entity/, which name
# the same people differently: every order of three nodes built apart
# identifies the entities as one index does (facets, queries, the doc
# op). A node that is down, or a stub naming something that
# is not xapian-tcpsrv: a clear error naming it, or with --partial an
# answer marked partial, within --remote-timeout.
. "$(dirname "$0")/lib.sh"
copy_corpus
C=$TMP/corpus
TABLE=$ROOT/tests/queries.tsv
Q=$TMP/query
mkdir -p "$Q"
# The three parts: the same paths as in the whole index, so the answers
# can be compared byte for byte.
PARTS=('00[01]_*' '00[23]_*' '004_*')

# The table's queries as psearchd requests, with facets and hit lines, so
# one connection asks them all (a process per query would take longer
# than the rest of the test).
n=0
grep -v '^#' "$TABLE" | cut -f1 | grep -v '^$' | while IFS= read -r q; do
    n=$((n + 1))
    q=${q//\\/\\\\}
    q=${q//\"/\\\"}
    printf '{"id":%d,"op":"search","q":"%s","facets":5,"lines":true}\n' "$n" "$q"
done > "$TMP/requests"
NQ=$(wc -l < "$TMP/requests")

# answers SOCKET: every query of the table through the daemon on SOCKET,
# normalised.
answers() {
    "$TOOLS/jsonl_client" --timeout 30 --expect "$NQ" "$1" < "$TMP/requests" |
        "$TOOLS/json_norm" --responses | sort
}

# serve_answers NAME INDEX OUT ARGS...: psearchd on INDEX, the table's
# answers into OUT, then the daemon is stopped.
serve_answers() {
    local name=$1 ix=$2 out=$3 sock=$TMP/run/$1.sock
    shift 3
    start_daemon "$name" --index "$ix" --socket "$sock" --remote-timeout 2 "$@"
    wait_ready "$sock"
    answers "$sock" >"$out"
    stop_daemon "$name"
}

test_expect_success 'each node indexes its own part; one index has them all' '
    "$BIN/psearch-index" --index "$TMP/whole" "$C"
    for k in 0 1 2; do
        "$BIN/psearch-index" --index "$TMP/node$k" --include "${PARTS[$k]}" "$C"
    done
    assert_eq "$(doccount "$TMP/whole")" 5
    assert_eq $(( $(doccount "$TMP/node0") + $(doccount "$TMP/node1") +
        $(doccount "$TMP/node2") )) 5
    [ "$(doccount "$TMP/node2")" = 1 ]
'

for k in 0 1 2; do
    PORT[$k]=$(start_tcpsrv "tcpsrv$k" "$TMP/node$k") || PORT[$k]=0
done

test_expect_success 'the whole index answers the table' '
    serve_answers whole "$TMP/whole" "$TMP/whole.txt"
    [ "$NQ" -gt 50 ]
    [ "$(cut -f1 "$TMP/whole.txt" | sort -u | wc -l)" = "$NQ" ]
    # Facets, hit lines and a suggestion are among the answers.
    grep -q "\"facets\":{" "$TMP/whole.txt"
    grep -q "\"lines\":{" "$TMP/whole.txt"
    grep -q "\"suggestion\":\"zelensky\"" "$TMP/whole.txt"
'

# Every order of the three remotes in the query machine's stub.
for order in "0 1 2" "0 2 1" "1 0 2" "1 2 0" "2 0 1" "2 1 0"; do
    test_expect_success "three remote nodes in the order $order answer alike" '
        [ "${PORT[0]}" != 0 ] && [ "${PORT[1]}" != 0 ] && [ "${PORT[2]}" != 0 ]
        : > "$Q/XAPIANDB"
        for k in $order; do
            echo "remote 127.0.0.1:${PORT[$k]}" >> "$Q/XAPIANDB"
        done
        serve_answers nodes "$Q" "$TMP/nodes.txt"
        diff "$TMP/whole.txt" "$TMP/nodes.txt"
    '
done

# xapian-tcpsrv drops a connection idle for --idle-timeout (a minute by
# default): psearchd connects again at the next request, keeping what it
# learnt of the nodes when they are as they were, and answers as before.
test_expect_success 'nodes that dropped idle connections: connected again, the same answers' '
    for k in 0 1 2; do
        IPORT[$k]=$(start_tcpsrv "idle$k" "$TMP/node$k" --idle-timeout 1000)
    done
    mkdir -p "$TMP/idle"
    printf "remote 127.0.0.1:%s\n" "${IPORT[@]}" > "$TMP/idle/XAPIANDB"
    start_daemon idle --index "$TMP/idle" --socket "$TMP/run/idle.sock" \
        --remote-timeout 2 --threads 1
    wait_ready "$TMP/run/idle.sock"
    answers "$TMP/run/idle.sock" > "$TMP/idle1.txt"
    sleep 2
    answers "$TMP/run/idle.sock" > "$TMP/idle2.txt"
    # Xapian tells no remote revision: stats and reload say null for each.
    printf "%s\n" "{\"op\":\"stats\"}" "{\"op\":\"reload\"}" |
        "$TOOLS/jsonl_client" --expect 2 "$TMP/run/idle.sock" |
        "$TOOLS/json_get" .ok .index.revision .revision > "$TMP/idle.stats"
    printf "%s\n" "true [null,null,null] <missing>" \
        "true <missing> [null,null,null]" | diff - "$TMP/idle.stats"
    stop_daemon idle
    grep -q "Connection timed out" "$TMP/idle0.log"
    diff "$TMP/whole.txt" "$TMP/idle1.txt"
    diff "$TMP/whole.txt" "$TMP/idle2.txt"
'

test_expect_success 'three processes build one shard each, at the same time' '
    pids=
    for k in 0 1 2; do
        "$BIN/psearch-index" --index "$TMP/shared" --shards 3 --shard $k "$C" &
        pids="$pids $!"
    done
    rc=0
    for p in $pids; do wait $p || rc=1; done
    assert_eq $rc 0
    assert_eq "$(grep -c "^auto " "$TMP/shared/XAPIANDB")" 3
    assert_eq "$(doccount "$TMP/shared")" 5
    serve_answers shared "$TMP/shared" "$TMP/shared.txt"
    diff "$TMP/whole.txt" "$TMP/shared.txt"
'

# The articles naming the same people differently, in three parts built
# apart with no gazetteer; their entities as a reader shows them.
E=$TMP/entity
mkdir -p "$E"
cp "$ROOT"/tests/entity/*.txt "$E"/
EPARTS=('a[123].txt' 'a[4567].txt' 'a[89].txt')
"$BIN/psearch-index" --index "$TMP/ewhole" --entities /dev/null "$E"
# a11 (which writes "German") and a12 (which names Germany) on two nodes;
# so are the three spellings of Zelenskyy (a14 to a16), and Joe (a17)
# and Joseph R. Biden (a18).
EMORE=("a11.txt --include a14.txt --include a17.txt"
    "a12.txt --include a15.txt --include a18.txt"
    "a10.txt --include a13.txt --include a16.txt --include a19.txt")
for k in 0 1 2; do
    more="--include ${EMORE[$k]}"
    "$BIN/psearch-index" --index "$TMP/enode$k" --entities /dev/null \
        --include "${EPARTS[$k]}" $more "$E"
    EPORT[$k]=$(start_tcpsrv "etcpsrv$k" "$TMP/enode$k") || EPORT[$k]=0
done
entity_answers() {
    local q f
    for q in "person:Clinton" "person:Hillary" "person:\"Hillary Clinton\"" \
             "org:FBI" "person:Trump NEAR/5 wall" "place:Germany" \
             "Clinton OR Trump OR Obama OR Comey OR Sanders" \
             "person:Zelenskiy" "person:\"Joseph Biden\"" \
             "person:\"Peña Nieto\""; do
        "$BIN/psearch" --direct --index "$1" --timeout 5 --json --facets=20 "$q"
    done | sed "s/\"elapsed_us\":[0-9]*//"
    for f in "$E"/*.txt; do
        "$BIN/psearch" --direct --index "$1" --timeout 5 --json --entities "$f"
    done
}

test_expect_success 'entities: three nodes in every order identify them as one index' '
    [ "${EPORT[0]}" != 0 ] && [ "${EPORT[1]}" != 0 ] && [ "${EPORT[2]}" != 0 ]
    entity_answers "$TMP/ewhole" >"$TMP/ewhole.txt"
    grep -q "\"id\":\"hillary-clinton\",\"name\":\"Hillary Clinton\"" "$TMP/ewhole.txt"
    for order in "0 1 2" "0 2 1" "1 0 2" "1 2 0" "2 0 1" "2 1 0"; do
        : > "$Q/XAPIANDB"
        for k in $order; do
            echo "remote 127.0.0.1:${EPORT[$k]}" >> "$Q/XAPIANDB"
        done
        entity_answers "$Q" >"$TMP/enodes.txt"
        diff "$TMP/ewhole.txt" "$TMP/enodes.txt"
    done
'

# Many people, each named in full and then by surname: a facet over them
# all resolves more than a thousand entity terms, which over remote nodes
# reads every identity and entity term at once rather than ask for each
# (ident_db.cc: BULK_RESOLVE, FAMILY_AFTER). 65 articles of 20 people of
# 36 first names and 36 surnames, each pair once.
G=$TMP/gen
mkdir -p "$G"
FIRST=(Orla Basil Ines Tobin Marta Leif Nadia Oskar Petra Rufus Selma Ugo
    Vera Wendel Yara Zoltan Alma Bruno Celia Dario Elsa Felix Greta Hugo Ida
    Jonas Klara Lukas Mira Nils Olga Pavel Rosa Stefan Tilda Viktor)
LAST=(Quennell Tarrant Abernethy Blackwood Carrow Dunmore Eckersley Fairbairn
    Gilchrist Hallam Ingleby Jessop Kilbride Lomax Marlowe Nettleton Ormerod
    Pennock Quarles Rowntree Sefton Thursby Umfreville Varley Wragg Yeadon
    Ashdown Birtwistle Catterall Dewhurst Entwistle Fothergill Greenhalgh
    Hargreaves Illingworth Jowett)
TITLES=(Senator Governor Mayor Minister Judge)
k=0
for a in $(seq -w 0 64); do
    {
        printf "Report %s\n\n" "$a"
        for j in $(seq 0 19); do
            f=$((k % 36)) l=$(((k / 36 % 36 + k % 36 * 5) % 36))
            t=${TITLES[$(((10#$a + j) % 5))]}
            printf "%s %s %s met reporters on Monday. %s said the plan would work.\n" \
                "$t" "${FIRST[$f]}" "${LAST[$l]}" "${LAST[$l]}"
            k=$((k + 1))
        done
    } >"$G/g$a.txt"
done
# Ten more people, each named in five articles, and their surnames alone
# in articles of their own, which only the index tells whose they are.
FAV=(Featherby Goldthorpe Heptonstall Ickringill Jagger Kershaw Lumb Mitchell
    Nuttall Oddie)
for i in $(seq 0 9); do
    for r in 1 2 3 4 5; do
        printf "Again %s %s\n\nMayor %s %s spoke at length.\n" "$i" "$r" \
            "${FIRST[$i]}" "${FAV[$i]}" >"$G/s$i$r.txt"
    done
    printf "Alone %s\n\nThen %s said the plan would fail.\n" "$i" \
        "${FAV[$i]}" >"$G/u$i.txt"
done
"$BIN/psearch-index" --index "$TMP/gwhole" --entities /dev/null "$G"
GPARTS=('[gs][0-1]*' '[gsu][2-4]*' '[gsu][5-9]*')
EXTRA=('u[01]*' 'x' 'x')
for k in 0 1 2; do
    "$BIN/psearch-index" --index "$TMP/gnode$k" --entities /dev/null \
        --include "${GPARTS[$k]}" --include "${EXTRA[$k]}" "$G"
    GPORT[$k]=$(start_tcpsrv "gtcpsrv$k" "$TMP/gnode$k") || GPORT[$k]=0
done
# The facets alone: the articles are alike, so results of equal score
# come in the order of their document ids, which differ between layouts.
gen_answers() {
    local q
    for q in "path:/" "path:g0" "path:g4" "Quennell OR Tarrant"; do
        "$BIN/psearch" --direct --index "$1" --timeout 5 --json --count \
            --facets=100 "$q"
    done | sed "s/\"elapsed_us\":[0-9]*//"
}

test_expect_success 'a thousand people: three nodes identify them as one index' '
    [ "${GPORT[0]}" != 0 ] && [ "${GPORT[1]}" != 0 ] && [ "${GPORT[2]}" != 0 ]
    gen_answers "$TMP/gwhole" >"$TMP/gwhole.txt"
    # More than a thousand people, each one entity of one name.
    for f in "$G"/*.txt; do
        "$BIN/psearch" --direct --index "$TMP/gwhole" --json --entities "$f" |
            "$TOOLS/json_get" .id
    done | sort -u >"$TMP/gpeople"
    [ "$(wc -l <"$TMP/gpeople")" -ge 1200 ]
    grep -qx "orla-quennell" "$TMP/gpeople"
    # Each surname alone is its person, in six articles, in the facet of
    # every article (resolved from whole prefix lists) as in the facet of
    # the ten articles that name them so (resolved one by one).
    for i in $(seq 0 9); do
        id=$(echo "${FIRST[$i]}-${FAV[$i]}" | tr A-Z a-z)
        row="\"id\":\"$id\",\"name\":\"${FIRST[$i]} ${FAV[$i]}\",\"docs\":6"
        grep -q "$row" "$TMP/gwhole.txt"
        "$BIN/psearch" --direct --index "$TMP/gwhole" --json --count \
            --facets=20 "path:/u$i" | grep -q "\"id\":\"$id\""
        lacks "\"id\":\"$(echo "${FAV[$i]}" | tr A-Z a-z)\"" <"$TMP/gwhole.txt"
    done
    for order in "0 1 2" "2 1 0"; do
        : > "$Q/XAPIANDB"
        for k in $order; do
            echo "remote 127.0.0.1:${GPORT[$k]}" >> "$Q/XAPIANDB"
        done
        gen_answers "$Q" >"$TMP/gnodes.txt"
        diff "$TMP/gwhole.txt" "$TMP/gnodes.txt"
    done
'

test_expect_success 'two nodes holding the same paths: answers name them' '
    "$BIN/psearch-index" --index "$TMP/node3" --include "${PARTS[0]}" "$C"
    printf "remote 127.0.0.1:%s\nauto %s\n" "${PORT[0]}" "$TMP/node3" \
        > "$Q/XAPIANDB"
    "$BIN/psearch" --direct --index "$Q" --json Macron > "$TMP/out" 2> "$TMP/err" ||
        { cat "$TMP/err" >&2; false; }
    grep -q "warning: paths indexed by more than one shard: $C/000_" "$TMP/err"
    tail -1 "$TMP/out" | grep -q "\"duplicate_paths\":\[\"$C/000_"
    # The paths named are those of the results, checked page by page: a page
    # of one result names that one.
    "$BIN/psearch" --direct --index "$Q" --json -n 1 Macron 2>/dev/null |
        tail -1 | "$TOOLS/json_get" .results#  .results[0].path \
        .duplicate_paths# .duplicate_paths[0] > "$TMP/one"
    read -r n path ndup dup < "$TMP/one"
    test "$n" = 1 && test "$ndup" = 1 && test "$dup" = "$path"
    # One index of its own, or its own shards, never warns.
    "$BIN/psearch" --direct --index "$TMP/shared" Macron 2>&1 >/dev/null |
        lacks "more than one"
'
test_expect_success 'a node that is down: an error naming it, within the timeout' '
    # Gone, not merely signalled, before the node is asked.
    pid=$(cat "$TMP/pids/tcpsrv1"); kill "$pid"; rm -f "$TMP/pids/tcpsrv1"
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    printf "remote 127.0.0.1:%s\n" "${PORT[0]}" "${PORT[1]}" "${PORT[2]}" \
        > "$Q/XAPIANDB"
    start=$(date +%s)
    assert_exit 2 "$BIN/psearch" --direct --index "$Q" --timeout 2 \
        Rubio 2> "$TMP/err"
    # Bounded loosely: a loaded machine may take seconds to start things.
    took=$(( $(date +%s) - start ))
    [ $took -le 10 ] || { echo "the error took $took s" >&2; false; }
    grep -q "shard 127.0.0.1:${PORT[1]}" "$TMP/err" || { cat "$TMP/err" >&2; false; }
'
test_expect_success '--partial: the other nodes answer, marked partial' '
    "$BIN/psearch" --direct --index "$Q" --partial --timeout 2 --json \
        Kallas > "$TMP/out" 2> "$TMP/err" ||
        { echo "psearch --partial failed" >&2; cat "$TMP/err" >&2; false; }
    grep -q "partial results; no answer from 127.0.0.1:${PORT[1]}" "$TMP/err" ||
        { cat "$TMP/err" >&2; false; }
    tail -1 "$TMP/out" | grep -q "\"partial\":true" ||
        { tail -1 "$TMP/out" >&2; false; }
'

test_expect_success 'a stub naming something that is not xapian-tcpsrv' '
    # psearchd on TCP never speaks first, as xapian-tcpsrv must.
    for _ in $(seq 20); do
        p=$((20000 + RANDOM % 30000))
        start_daemon other --index "$TMP/whole" --tcp "127.0.0.1:$p" \
            --socket "$TMP/run/other.sock"
        wait_ready "$TMP/run/other.sock" 2>/dev/null && break
        # The port may have been taken: that psearchd is gone.
        stop_daemon other 2>/dev/null || true
    done
    printf "remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n" "${PORT[0]}" "$p" \
        > "$Q/XAPIANDB"
    # --timeout 3 must end the wait: a hang is killed by timeout(1) at 20 s
    # and fails the exit code check. The time is only bounded loosely (a
    # loaded machine may take a few seconds to start the processes), so
    # the case says which part failed rather than failing on timing luck.
    start=$(date +%s)
    assert_exit 2 timeout 20 "$BIN/psearch" --direct --index "$Q" \
        --timeout 3 Rubio 2> "$TMP/err"
    took=$(( $(date +%s) - start ))
    [ $took -le 15 ] || { echo "the error took $took s" >&2; false; }
    grep -q "shard 127.0.0.1:$p" "$TMP/err" || { cat "$TMP/err" >&2; false; }
    # The real node must answer within the timeout even on a loaded
    # machine: 3 s, not 1.
    timeout 20 "$BIN/psearch" --direct --index "$Q" --partial \
        --timeout 3 --json Macron > "$TMP/out" 2> "$TMP/err" ||
        { echo "psearch --partial failed" >&2; cat "$TMP/err" >&2; false; }
    tail -1 "$TMP/out" | grep -q "\"partial\":true" ||
        { cat "$TMP/out" "$TMP/err" >&2; false; }
    stop_daemon other
'
test_done
