#!/usr/bin/env bash
# T320: psearchd's answer cache. A repeated search is answered from the
# cache with the asker's own id and otherwise the very bytes of the first
# answer; stats count hits and misses; a reindexed article is seen within
# reopen-interval exactly as without a cache; errors are never kept; a
# reload empties the cache; --cache-size 0 turns it off.
. "$(dirname "$0")/lib.sh"

GET=$TOOLS/json_get

copy_corpus
INDEX=$TMP/index
"$BIN/psearch-index" --index "$INDEX" "$TMP/corpus" >"$TMP/index.out" 2>&1 ||
    echo "warning: psearch-index failed: $(cat "$TMP/index.out")"

# Daemon A caches (the default size); daemon B does not. A short
# reopen-interval so that a reindex is seen quickly.
SOCK=$TMP/run/a.sock
SOCKB=$TMP/run/b.sock
start_daemon A --index "$INDEX" --socket "$SOCK" --reopen-interval 100ms -v
start_daemon B --index "$INDEX" --socket "$SOCKB" --reopen-interval 100ms \
    --cache-size 0

# cache SOCKET: the cache counters "hits misses insertions entries".
cache() {
    ask "$1" '{"op":"stats"}' |
        "$GET" .daemon.cache.hits .daemon.cache.misses \
            .daemon.cache.insertions .daemon.cache.entries
}

# rest: an answer line from its "ok" on, as the cache keeps it (the ids
# of these tests do not contain ,"ok":).
rest() { awk '{ print substr($0, index($0, ",\"ok\":")) }'; }

Q='"op":"search","q":"Article 5","limit":2'
Q10='"op":"search","q":"Article 5","limit":10'

test_expect_success 'the daemons start' '
    wait_ready "$SOCK"
    wait_ready "$SOCKB"
'

test_expect_success 'a repeated search is one miss, then one hit' '
    assert_eq "$(cache "$SOCK")" "0 0 0 0"
    ask "$SOCK" "{\"id\":1,$Q}" >"$TMP/first"
    assert_eq "$(cache "$SOCK")" "0 1 1 1"
    ask "$SOCK" "{\"id\":2,$Q}" >"$TMP/second"
    assert_eq "$(cache "$SOCK")" "1 1 1 1"
    grep -q "search \"Article 5\" hits=3 [0-9]*us (cached)" "$TMP/A.log"
'

test_expect_success 'the hit is the same answer, byte for byte, but its id' '
    assert_eq "$("$GET" .id .ok .total .results# <"$TMP/first")" "1 true 3 2"
    assert_eq "$("$GET" .id <"$TMP/second")" 2
    assert_eq "$(rest <"$TMP/second")" "$(rest <"$TMP/first")"
    [ "$(wc -c <"$TMP/second")" = "$(wc -c <"$TMP/first")" ]
'

test_expect_success 'every kind of id gets itself back on a hit' '
    for id in "\"text \\\"quoted\\\" é\"" "{\"a\":[1,2.5,null]}" "[3]" \
        null true -7 1.5e300; do
        ask "$SOCK" "{\"id\":$id,$Q}" >"$TMP/id.out"
        want=$(printf "%s\n" "{\"id\":$id}" | "$GET" .id)
        assert_eq "$("$GET" .id <"$TMP/id.out")" "$want"
        assert_eq "$(rest <"$TMP/id.out")" "$(rest <"$TMP/first")"
    done
    # The same question without an id at all.
    ask "$SOCK" "{$Q}" >"$TMP/noid"
    assert_eq "$(head -c 10 "$TMP/noid")" "{\"id\":null"
    assert_eq "$(rest <"$TMP/noid")" "$(rest <"$TMP/first")"
    assert_eq "$(cache "$SOCK")" "9 1 1 1"
'

test_expect_success 'requests that differ in any field are answered apart' '
    set -- "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\",\"limit\":1}" \
        "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\",\"limit\":2,\"offset\":1}" \
        "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\",\"limit\":2,\"max_hits\":1}" \
        "{\"id\":1,\"op\":\"search\",\"q\":\"Article 5\",\"limit\":2,\"facets\":3}" \
        "{\"id\":1,\"op\":\"facets\",\"q\":\"Article 5\",\"limit\":2}" \
        "{\"id\":1,\"op\":\"search\",\"q\":\"article 5\",\"limit\":2}"
    ask "$SOCK" "$@" >"$TMP/apart"
    assert_eq "$("$GET" .results# .results[0].rank .facets.person# \
        <"$TMP/apart" | tr "\n" " ")" \
        "1 1 <missing> 2 2 <missing> 2 1 <missing> 2 1 3 0 <missing> 2 2 1 <missing> "
    # Six misses, then the same six again as hits, in the same bytes.
    assert_eq "$(cache "$SOCK")" "9 7 7 7"
    ask "$SOCK" "$@" >"$TMP/apart2"
    cmp "$TMP/apart" "$TMP/apart2"
    assert_eq "$(cache "$SOCK")" "15 7 7 7"
'

test_expect_success 'errors are answered afresh and never kept' '
    ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"peace \\\"closer\"}" \
        "{\"id\":2,\"op\":\"search\",\"q\":\"peace \\\"closer\"}" >"$TMP/bad"
    assert_eq "$("$GET" .id .error.code <"$TMP/bad" | tr "\n" " ")" \
        "1 EBADQUERY 2 EBADQUERY "
    assert_eq "$(cache "$SOCK")" "15 9 7 7"
'

test_expect_success 'psearch through the cache prints what it prints directly' '
    for i in 1 2; do
        "$BIN/psearch" --socket "$SOCK" --json --facets=3 "Article 5" \
            >"$TMP/cli.$i"
    done
    "$BIN/psearch" --index "$INDEX" --direct --json --facets=3 "Article 5" \
        >"$TMP/cli.direct"
    for f in cli.1 cli.2 cli.direct; do
        sed "s/\"elapsed_us\":[0-9]*/\"elapsed_us\":0/" "$TMP/$f" \
            >"$TMP/$f.norm"
    done
    cmp "$TMP/cli.1.norm" "$TMP/cli.direct.norm"
    cmp "$TMP/cli.2.norm" "$TMP/cli.direct.norm"
    grep -q "search \"Article 5\" hits=3 [0-9]*us (cached)" "$TMP/A.log"
'

test_expect_success 'a reindexed article is found within reopen-interval' '
    ask "$SOCK" "{\"id\":1,$Q10}" >"$TMP/before"
    assert_eq "$("$GET" .total <"$TMP/before")" 3
    f=$(echo "$TMP"/corpus/002_*.txt)
    printf "\nEnvoys said Article 5 zqxjv guarantees were discussed.\n" >>"$f"
    "$BIN/psearch-index" --index "$INDEX" "$TMP/corpus"
    # Every worker looks for a new revision before its next job once
    # 100ms have passed since it last looked, cache or not.
    sleep 0.3
    ask "$SOCK" "{\"id\":1,$Q10}" >"$TMP/after"
    assert_eq "$("$GET" .total .results# <"$TMP/after")" "4 4"
    grep -q zqxjv "$TMP/after"
    # The very same request, now answered from the cache under the new
    # revision, is still the new answer.
    ask "$SOCK" "{\"id\":1,$Q10}" >"$TMP/after2"
    cmp "$TMP/after" "$TMP/after2"
'

test_expect_success 'reload empties the cache' '
    set -- $(cache "$SOCK")
    [ "$4" -ge 1 ]
    assert_eq "$(ask "$SOCK" "{\"op\":\"reload\"}" | "$GET" .ok)" true
    set -- $(cache "$SOCK")
    assert_eq "$4" 0
    assert_eq "$(ask "$SOCK" "{\"op\":\"stats\"}" | "$GET" .daemon.cache.bytes)" 0
'

test_expect_success 'with --cache-size 0 nothing is cached' '
    for i in 1 2 3; do ask "$SOCKB" "{\"id\":$i,$Q}"; done >"$TMP/nocache"
    assert_eq "$("$GET" .ok .total <"$TMP/nocache" | sort | uniq -c |
        sed "s/^ *//")" "3 true 4"
    assert_eq "$(cache "$SOCKB")" "0 0 0 0"
    assert_eq "$(ask "$SOCKB" "{\"op\":\"stats\"}" |
        "$GET" .daemon.limits.cache-size.value)" 0
'

test_expect_success 'cache-size is a setting with bounds' '
    "$BIN/psearchd" --help | grep -q -- "--cache-size SIZE"
    assert_exit 2 "$BIN/psearchd" --index "$INDEX" --socket "$TMP/run/c.sock" \
        --cache-size 17G
    assert_eq "$(ask "$SOCK" "{\"op\":\"stats\"}" |
        "$GET" .daemon.limits.cache-size.value)" $((64 << 20))
'

stop_daemon A
stop_daemon B
test_expect_success 'the daemons stop cleanly' '
    assert_eq "$(cat "$TMP/A.rc") $(cat "$TMP/B.rc")" "0 0"
'

test_done
