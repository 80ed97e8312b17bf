#!/usr/bin/env bash
# T530: security. The socket and the folders psearchd creates for it are
# private to the user whatever the umask; TCP listens on loopback only
# unless --allow-remote; the doc op returns only indexed documents, exactly
# by their path (no "..", symlink, absolute path outside, NUL byte or
# overlong path reads anything else); request size, query length, result
# counts and nesting depth (JSON and query parentheses) are bounded, and
# a breach costs the daemon no memory; the programs are built hardened
# (PIE, full RELRO, BIND_NOW, stack protector, FORTIFY_SOURCE, no
# executable stack), as readelf shows.
. "$(dirname "$0")/lib.sh"

GET=$TOOLS/json_get

# The corpus, with a document at a path longer than a Xapian term (its id
# is a hash), and a secret outside the corpus.
copy_corpus
C=$(cd "$TMP/corpus" && pwd -P)
LONGDIR=$C/$(printf 'd%.0s' $(seq 60))/$(printf 'e%.0s' $(seq 60))/$(printf 'f%.0s' $(seq 60))/$(printf 'g%.0s' $(seq 60))
mkdir -p "$LONGDIR"
cp "$C"/003_*.txt "$LONGDIR/long-path.txt"
mkdir -p "$TMP/outside"
printf 'Secret\nTOPSECRET-%s\n' "$RANDOM" >"$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$C/zz-link-to-secret.txt"
INDEX=$TMP/index
"$BIN/psearch-index" -q --index "$INDEX" "$C" >"$TMP/index.out" 2>&1 || true
DOC=$(echo "$C"/000_*.txt)
LONG=$LONGDIR/long-path.txt

# ---- The socket ----------------------------------------------------------

test_expect_success 'with umask 000 the socket is 0600 and each new folder 0700' '
    sock=$TMP/run/a/b/c/d.sock
    # stdout away from the case'"'"'s output pipe: were the case to fail
    # before stop_daemon, a daemon holding it would hang the test.
    (umask 000; exec "$BIN/psearchd" --index "$INDEX" --socket "$sock") \
        </dev/null >/dev/null 2>"$TMP/umask.log" & pid=$!
    echo $pid >"$TMP/pids/umask"
    wait_ready "$sock"
    assert_eq "$(stat -c %a "$sock")" 600
    for d in a a/b a/b/c; do assert_eq "$(stat -c %a "$TMP/run/$d")" 700; done
    assert_eq "$(stat -c %U "$sock")" "$(id -un)"
    stop_daemon umask
'

test_expect_success 'an existing folder is used as it is, never loosened' '
    mkdir -p "$TMP/run/mine" && chmod 711 "$TMP/run/mine"
    start_daemon mine --index "$INDEX" --socket "$TMP/run/mine/s.sock"
    wait_ready "$TMP/run/mine/s.sock"
    assert_eq "$(stat -c %a "$TMP/run/mine")" 711
    assert_eq "$(stat -c %a "$TMP/run/mine/s.sock")" 600
    stop_daemon mine
'

test_expect_success '--socket-mode 0660 shares the socket with its group' '
    start_daemon shared --index "$INDEX" --socket "$TMP/run/shared.sock" \
        --socket-mode 0660
    wait_ready "$TMP/run/shared.sock"
    assert_eq "$(stat -c %a "$TMP/run/shared.sock")" 660
    assert_eq "$(stat -c %g "$TMP/run/shared.sock")" "$(id -g)"
    stop_daemon shared
'

# Root may hand the socket to any group; anyone else only to one of theirs.
test_expect_success '--socket-group gives the socket to that group, or exits 2' '
    getent group nogroup >/dev/null || exit 0
    if [ "$(id -u)" = 0 ]; then
        start_daemon grp --index "$INDEX" --socket "$TMP/run/grp.sock" \
            --socket-mode 660 --socket-group nogroup
        wait_ready "$TMP/run/grp.sock"
        assert_eq "$(stat -c %G:%a "$TMP/run/grp.sock")" nogroup:660
        stop_daemon grp
    elif ! id -Gn | tr " " "\n" | grep -qx nogroup; then
        assert_exit 2 timeout 10 "$BIN/psearchd" --index "$INDEX" \
            --socket "$TMP/run/grp.sock" --socket-group nogroup 2>"$TMP/grp.err"
        grep -q "must be a member" "$TMP/grp.err"
        [ ! -e "$TMP/run/grp.sock" ]
    fi
'

test_expect_success 'a bad --socket-mode or --socket-group is a usage error' '
    for m in 0777 0700 0400 0460 abc 9; do
        assert_exit 2 "$BIN/psearchd" --index "$INDEX" \
            --socket "$TMP/run/bad.sock" --socket-mode "$m" 2>"$TMP/bad.err"
        grep -q "socket-mode" "$TMP/bad.err"
    done
    assert_exit 2 "$BIN/psearchd" --index "$INDEX" --socket "$TMP/run/bad.sock" \
        --socket-group no-such-group-psearch 2>"$TMP/bad.err"
    grep -q "no such group" "$TMP/bad.err"
    [ ! -e "$TMP/run/bad.sock" ]
'

# ---- TCP -------------------------------------------------------------------

test_expect_success 'non-loopback --tcp is refused without --allow-remote' '
    for a in 0.0.0.0:0 192.0.2.1:7070 10.1.2.3:0 "[::]:0" "[2001:db8::1]:0" \
             "[::ffff:192.0.2.1]:0"; do
        rc=0
        timeout 10 "$BIN/psearchd" --index "$INDEX" \
            --socket "$TMP/run/tcp.sock" --tcp "$a" 2>"$TMP/tcp.err" || rc=$?
        assert_eq "$rc" 2
        grep -q "allow-remote" "$TMP/tcp.err"
        [ ! -e "$TMP/run/tcp.sock" ]
    done
'

test_expect_success 'names and malformed addresses are refused (exit 2)' '
    for a in localhost:0 127.0.0.1 127.0.0.1: 127.0.0.1:65536 127.0.0.1:-1 \
             127.1:0 "[::1]" ":0" "[127.0.0.1]x:0"; do
        # timeout: an address taken by mistake would start a daemon.
        assert_exit 2 timeout 10 "$BIN/psearchd" --index "$INDEX" \
            --socket "$TMP/run/tcp.sock" --tcp "$a" 2>/dev/null
    done
'

test_expect_success 'a loopback --tcp listens on 127.0.0.1 only' '
    start_daemon T --index "$INDEX" --socket "$TMP/run/t.sock" \
        --tcp 127.0.0.1:0
    wait_ready "$TMP/run/t.sock"
    port=$(sed -n "s/.*listening on tcp 127.0.0.1:\([0-9]*\).*/\1/p" "$TMP/T.log")
    [ -n "$port" ]
    hex=$(printf "%04X" "$port")
    # /proc/net/tcp: local address 0100007F:PORT, state 0A (LISTEN).
    grep -q " 0100007F:$hex 00000000:0000 0A " /proc/net/tcp
    lacks " 00000000:$hex " </proc/net/tcp
    out=$(echo "{\"id\":1,\"op\":\"ping\"}" | "$CLIENT" --tcp "127.0.0.1:$port")
    assert_eq "$out" "{\"id\":1,\"ok\":true,\"pong\":true}"
    stop_daemon T
'

# ---- The doc op -------------------------------------------------------------

SOCK=$TMP/run/sec.sock
start_daemon S --index "$INDEX" --socket "$SOCK" --max-request-bytes 64K

# doc_code PATH-AS-JSON-STRING-BODY: the error code (or "ok") of a doc
# request for that path.
doc_code() {
    local out
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$1\"}")
    echo "$out" >>"$TMP/doc.answers"
    if [ "$(echo "$out" | "$GET" .ok)" = true ]; then echo ok
    else echo "$out" | "$GET" .error.code; fi
}

test_expect_success 'doc returns an indexed document by its exact path' '
    wait_ready "$SOCK"
    assert_eq "$(doc_code "$DOC")" ok
'

# A path over 239 bytes is indexed under a hashed id term ("Q#...").
test_expect_success 'doc of a document whose path is longer than a term (hashed id)' '
    # The search finds it (the words of 003 are in it)...
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"Zaporizhzhia\",\"limit\":10}")
    echo "$out" | grep -q "\"path\":\"$LONG\""
    # ...so doc must return it, by that very path, and no other.
    assert_eq "$(doc_code "$LONG")" ok
    assert_eq "$(doc_code "${LONG%.txt}.tx")" ENOTFOUND
'

test_expect_success 'path: finds a document whose path is longer than a term' '
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"path:long-path\"}")
    assert_eq "$(echo "$out" | "$GET" .total .results[0].path)" "1 $LONG"
'

test_expect_success 'no traversal: .., ., //, relative and outside paths are not found' '
    base=$(basename "$DOC")
    for p in "$C/../$(basename "$C")/$base" "$C/./$base" "$C//$base" \
             "/$C/$base" "$C/$base/" "$C/$base/." "corpus/$base" "$base" \
             "../../../../../../etc/passwd" "/etc/passwd" "/etc/shadow" \
             "/proc/self/environ" "$TMP/outside/secret.txt" "$C" "/" "" \
             "$C/00*" "$C/zz-link-to-secret.txt/../../outside/secret.txt"; do
        code=$(doc_code "$p")
        [ "$code" = ENOTFOUND ] || { echo "$p: $code" >&2; false; }
    done
    lacks "root:" <"$TMP/doc.answers"
    lacks "TOPSECRET" <"$TMP/doc.answers"
'

test_expect_success 'a NUL byte in the path is refused before any lookup' '
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\\u0000/../../etc/passwd\"}")
    assert_eq "$(echo "$out" | "$GET" .ok .error.code)" "false EPARSE"
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\\u0000\"}")
    assert_eq "$(echo "$out" | "$GET" .error.code)" EPARSE
'

test_expect_success 'overlong and invalid UTF-8 paths: not found or refused, never a crash' '
    for n in 239 240 241 4096 30000; do
        p=$(printf "/x%.0s" $(seq $((n / 2))))
        assert_eq "$(doc_code "$p")" ENOTFOUND
    done
    out=$(printf "{\"id\":1,\"op\":\"doc\",\"path\":\"%s\\377\"}\n" "$DOC" |
        "$CLIENT" "$SOCK")
    assert_eq "$(echo "$out" | "$GET" .error.code)" EBADUTF8
    ask "$SOCK" "{\"op\":\"ping\"}" | grep -q pong
'

test_expect_success 'a file replaced by a symlink after indexing: doc serves the indexed text only' '
    # doc never opens files: it answers from the index. Replace an indexed
    # file by a link to the secret; the answer is the text that was indexed.
    victim=$(echo "$C"/002_*.txt)
    mv "$victim" "$TMP/victim.bak"
    ln -s "$TMP/outside/secret.txt" "$victim"
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$victim\"}")
    rm -f "$victim"; mv "$TMP/victim.bak" "$victim"
    assert_eq "$(echo "$out" | "$GET" .ok)" true
    echo "$out" | lacks TOPSECRET
'

test_expect_success 'from and to far beyond the document are harmless' '
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\",\"from\":4294967295}")
    assert_eq "$(echo "$out" | "$GET" .ok .text)" "true "
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\",\"from\":2,\"to\":4294967295}")
    assert_eq "$(echo "$out" | "$GET" .ok .first_line)" "true 2"
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"doc\",\"path\":\"$DOC\",\"to\":4294967296}")
    assert_eq "$(echo "$out" | "$GET" .error.code)" EBADREQ
'

# ---- Bounds -----------------------------------------------------------------

test_expect_success 'a 32 MB line without a newline costs no memory: ETOOLARGE, then served' '
    pid=$(cat "$TMP/pids/S")
    before=$(rss_kb "$pid")
    { printf "{\"id\":1,\"op\":\"search\",\"q\":\""
      head -c 33554432 /dev/zero | tr "\\0" a
      printf "\"}\n{\"id\":2,\"op\":\"ping\"}\n"; } >"$TMP/huge"
    "$CLIENT" --timeout 60 "$SOCK" <"$TMP/huge" >"$TMP/huge.out"
    rm -f "$TMP/huge"
    after=$(rss_kb "$pid")
    assert_eq "$("$GET" .id .error.code .pong <"$TMP/huge.out" | tr "\n" " ")" \
        "null ETOOLARGE <missing> 2 <missing> true "
    echo "VmRSS $before kB before, $after kB after" >&2
    [ "$after" -le $((before + 4096)) ]
'

test_expect_success 'JSON nesting: deeper than the parser allows is EPARSE, at once' '
    deep() { local i=0 o="" c=""; while [ $i -lt $1 ]; do o="$o["; c="$c]"; i=$((i + 1)); done; echo "$o$c"; }
    ok=$(deep 1000); bad=$(deep 3000)
    out=$(ask "$SOCK" "{\"id\":$ok,\"op\":\"ping\"}")
    assert_eq "$(echo "$out" | "$GET" .ok .pong)" "true true"
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"ping\",\"x\":$bad}")
    assert_eq "$(echo "$out" | "$GET" .id .error.code)" "null EPARSE"
    echo "$out" | grep -q "depth"
    # 60000 open brackets: within max-request-bytes, refused by depth.
    out=$({ head -c 60000 /dev/zero | tr "\\0" "["; echo; } | "$CLIENT" "$SOCK")
    assert_eq "$(echo "$out" | "$GET" .error.code)" EPARSE
'

test_expect_success 'query parentheses: 32 levels work, 33 and 30000 are refused' '
    par() { local i=0 o="" c=""; while [ $i -lt $1 ]; do o="$o("; c="$c)"; i=$((i + 1)); done; echo "${o}peace$c"; }
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"$(par 32)\"}")
    assert_eq "$(echo "$out" | "$GET" .ok)" true
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"$(par 33)\"}")
    assert_eq "$(echo "$out" | "$GET" .error.code .error.position)" "EBADQUERY 32"
    q=$(head -c 30000 /dev/zero | tr "\\0" "(")
    out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"$q\"}")
    assert_eq "$(echo "$out" | "$GET" .error.code)" EBADQUERY
'

test_expect_success 'result counts over their limits are ELIMIT' '
    ask "$SOCK" \
        "{\"id\":1,\"op\":\"search\",\"q\":\"x\",\"limit\":1001}" \
        "{\"id\":2,\"op\":\"search\",\"q\":\"x\",\"offset\":100001}" \
        "{\"id\":3,\"op\":\"search\",\"q\":\"x\",\"max_hits\":1001}" \
        "{\"id\":4,\"op\":\"search\",\"q\":\"x\",\"facets\":101}" \
        "{\"id\":5,\"op\":\"facets\",\"q\":\"x\",\"limit\":101}" \
        "{\"id\":6,\"op\":\"search\",\"q\":\"x\",\"limit\":4294967296}" \
        "{\"id\":7,\"op\":\"search\",\"q\":\"x\",\"limit\":18446744073709551617}" \
        >"$TMP/limits"
    # The last does not fit jansson'"'"'s integers: the line is refused whole.
    assert_eq "$("$GET" .id .error.code <"$TMP/limits" | tr "\n" " ")" \
        "1 ELIMIT 2 ELIMIT 3 ELIMIT 4 ELIMIT 5 ELIMIT 6 ELIMIT null EPARSE "
'

# A query is bounded by max-request-bytes (64K here, up to 64M by
# option), but its words must be bounded too, before the parser builds a
# query tree, phrase and proximity boosts, hit groups and spelling
# lookups for each of them: a long query is refused, at once and without
# growing the daemon.
for form in "10000 words" "300 words" "a phrase of 300 words"; do
    test_expect_success "a query of $form is refused (EBADQUERY) quickly, costing no memory" '
        pid=$(cat "$TMP/pids/S")
        before=$(rss_kb "$pid")
        case "'"$form"'" in
        10000*) q=$(printf "peace %.0s" $(seq 10000)) ;;
        300*) q=$(printf "w%d " $(seq 300)) ;;
        *) q="\\\"$(printf "w%d " $(seq 300))\\\"" ;;
        esac
        s=$(date +%s%N)
        out=$(ask "$SOCK" "{\"id\":1,\"op\":\"search\",\"q\":\"$q\",\"limit\":1}")
        ms=$(( ($(date +%s%N) - s) / 1000000 ))
        after=$(rss_kb "$pid")
        echo "'"$form"': $ms ms, VmRSS $before kB before, $after kB after" >&2
        assert_eq "$(echo "$out" | "$GET" .error.code)" EBADQUERY
        [ "$ms" -lt 1000 ] && [ "$after" -le $((before + 16384)) ]
    '
done

stop_daemon S
test_expect_success 'the daemon stops cleanly after all that (exit 0)' '
    assert_eq "$(cat "$TMP/S.rc")" 0
'

# ---- Build hardening ------------------------------------------------------

# Sanitizer builds leave out FORTIFY_SOURCE (ASan replaces those checks).
is_asan() { readelf -sW "$1" 2>/dev/null | grep -q "__asan_init"; }

for prog in psearch-index psearchd psearch; do
    test_expect_success "$prog is built hardened (readelf)" '
        b=$BIN/'$prog'
        readelf -hW "$b" | grep -Eq "Type:[[:space:]]+DYN"
        readelf -dW "$b" | grep -Eq "\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW"
        readelf -lW "$b" | grep -q "GNU_RELRO"
        # A non-executable stack: GNU_STACK is RW, not RWE.
        readelf -lW "$b" | grep "GNU_STACK" | grep -Eq " RW +0x"
        readelf -sW --dyn-syms "$b" | grep -q "__stack_chk_fail"
        if ! is_asan "$b"; then
            readelf -sW --dyn-syms "$b" | grep -Eq "__(snprintf|memcpy|printf|fprintf|vsnprintf)_chk"
        fi
    '
done

test_done
