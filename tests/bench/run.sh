#!/bin/bash
# run.sh: the whole benchmark of `make bench`, in one run. Indexes the slice
# (or, with BENCH=large, the whole corpus) with psearch-index, omindex and
# SQLite FTS5 (psearch-index both with its default of one shard and with
# --shards 2, which writes each shard on its own thread), times a nightly
# incremental run after 1% of the documents changed, times the fixed query
# set (tests/bench/queries.txt) through psearchd, psearch, raw in-process
# Xapian, quest, in-process FTS5 and rg, measures psearchd's throughput
# with 1, 8 and 64 clients and the socket floor, indexes the corpus split
# over 2 and 4 "nodes" and times psearchd over them as remotes
# (xapian-tcpsrv on loopback), sets beside psearchd Xapian doing the same
# work (tests/bench/xapref.py: in process on omindex's database, and its
# own remote search over the two nodes), times SciFact's claims as
# questions (tests/bench/questions.sh), then writes BENCHMARKS.md and
# BENCHMARKS-latency.png (report.py).
#
# psearchd runs twice on the same index: with --cache-size 0 (uncached:
# every request is a search, the cost of a search) and with its defaults
# (cached: the answer cache, so a request repeated against the same index
# revision is a cache hit). The latency loops repeat one request, and the
# throughput loops cycle over the 21 queries, so on the default daemon
# they measure hits; both daemons are measured and reported.
#
# Everything runs on this machine: psearchd listens on a Unix socket in the
# work folder only, and every loop is bounded in count and in time.
#
#   BENCH=small|large BENCH_DIR=var/bench tests/bench/run.sh
#
# Needs `make all bench-tools build/tests/jsonl_client` and the corpus
# (`make bench-corpus`); `make bench` sees to both.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BENCH=${BENCH:-small}
BD=$(cd "${BENCH_DIR:-var/bench}" && pwd)
case $BENCH in
small) CORPUS=$BD/slice ;;
large) CORPUS=$BD/corpus ;;
*) echo "bench: BENCH must be small or large" >&2 && exit 2 ;;
esac
# The corpus's real path: find and SQLite's fsdir do not enter a corpus
# directory that is a symbolic link (one shared between clones).
CORPUS=$(cd "$CORPUS" && pwd -P)
REPEATS=${REPEATS:-3}   # indexing runs per system; the median is reported
QN=${QN:-200}           # timed round trips per query, in process and daemon
PN=${PN:-20}            # timed runs per query of one-process-per-query tools
RGN=${RGN:-5}           # timed rg runs per query (rg reads the whole corpus)
LOAD_SEC=${LOAD_SEC:-5} # seconds of each throughput run
LOAD_MAX=1000000        # and at most this many answers
# SciFact (BEIR's layout), for the questions of section 7.
SCIFACT=${SCIFACT:-$ROOT/../shared/data/relevance/scifact-train}
TB=build/bench
JC=build/tests/jsonl_client
R=$BD/results/$BENCH
W=$BD/work-$BENCH
SOCK=$W/ps.sock   # psearchd --cache-size 0: every request is a search
CSOCK=$W/psc.sock # psearchd with its defaults: the answer cache on

log() { echo "bench: $*" >&2; }
die() {
    echo "bench: $*" >&2
    exit 1
}

[ -f "$BD/corpus.sha256" ] || die "no corpus in $BD: run make bench-corpus"
for f in bin/psearch-index bin/psearchd bin/psearch $JC $TB/rawq $TB/fts5q \
    $TB/echo $TB/spawnt $TB/loadgen; do
    [ -x $f ] || die "$f is missing: run make bench"
done
for t in omindex quest sqlite3 rg gnuplot /usr/bin/time; do
    command -v $t >/dev/null || die "$t is missing: run make bench-deps"
done
/usr/bin/python3 -c 'import xapian' 2>/dev/null ||
    die "python3-xapian is missing: run make bench-deps"

rm -rf "$W" "$R.new"
mkdir -p "$W" "$R.new"
DPID="" CPID=""
cleanup() {
    local p
    for p in ${TPIDS:-}; do kill "$p" 2>/dev/null || true; done
    for p in $DPID $CPID; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT
T_START=$(date +%s)

# The machine and the versions, for the report.
{
    echo "bench=$BENCH"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    if [ "$BENCH" = large ]; then
        echo "command=make bench BENCH=large"
    else echo "command=make bench"; fi
    echo "nproc=$(nproc)"
    echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "ram_gib=$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
    echo "kernel=$(uname -r)"
    echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "commit=${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
    echo "xapian=$(xapian-config --version | awk '{print $NF}')"
    echo "omindex=$(omindex --version | awk '{print $NF}')"
    echo "sqlite=$(sqlite3 --version | cut -d' ' -f1)"
    echo "rg=$(rg --version | head -1 | cut -d' ' -f2)"
    echo "corpus=$(cat "$BD/$(basename "$CORPUS").sha256")"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "repeats=$REPEATS"
    echo "qn=$QN"
    echo "pn=$PN"
    echo "rgn=$RGN"
    echo "load_sec=$LOAD_SEC"
    # The two psearchd's of the query sections (report.py reads this to
    # tell results of this run.sh from those of an older one).
    echo "psearchd_modes=uncached:--cache-size 0,cached:default"
} >"$R.new/meta.txt"
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
DOCS=$(find "$CORPUS" -type f | wc -l)
echo "bytes=$BYTES" >>"$R.new/meta.txt"
echo "docs=$DOCS" >>"$R.new/meta.txt"

# timed LABEL CMD...: runs CMD with its output in the work folder, under
# /usr/bin/time -v for the peak RSS and the CPU time, and appends "LABEL
# WALL_S RSS_KB CPU_S" to $W/timed.tsv (CPU_S is user + system, all
# threads). Exit statuses 0 and 1 (psearch-index: some files skipped) are
# accepted.
timed() {
    local label=$1 rc=0 t0 t1
    shift
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$W/time.txt" "$@" >"$W/$label.out" 2>"$W/$label.err" ||
        rc=$?
    t1=$(date +%s%N)
    [ $rc -le 1 ] || die "$label failed ($rc): $(tail -3 "$W/$label.err")"
    local rss cpu
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.txt")
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ {
        s += $2 } END { printf "%.2f", s }' "$W/time.txt")
    printf '%s\t%s\t%s\t%s\n' "$label" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" \
        "$rss" "$cpu" >>"$W/timed.tsv"
}

# 1. Indexing: each system REPEATS times from scratch, interleaved, so a
# slow moment of the machine does not fall on one system only.
# psearch-index-2 is psearch-index --shards 2: one writer thread per shard.
# psearch-index-nq is psearch-index --no-quotes (no attribution step), run
# beside the default in every round, first in odd rounds and second in
# even ones, so that the pair sees the same moment of a shared machine:
# what the step costs is their ratio (issue 21: at most 1.15x).
cat >"$W/load.sql" <<EOF
CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body,
                                     tokenize='porter');
BEGIN;
INSERT INTO docs(path, title, body)
  SELECT name, substr(t, 1, instr(t, char(10)) - 1),
         substr(t, instr(t, char(10)) + 1)
  FROM (SELECT name, CAST(data AS TEXT) AS t FROM fsdir('$CORPUS')
        WHERE name GLOB '*.txt');
COMMIT;
EOF
: >"$W/timed.tsv"
for r in $(seq "$REPEATS"); do
    log "indexing, round $r of $REPEATS"
    rm -rf "$W/ps.idx" "$W/psnq.idx" "$W/ps2.idx" "$W/om.db" "$W/fts.db"
    for v in $([ $((r % 2)) = 1 ] && echo "q nq" || echo "nq q"); do
        if [ $v = q ]; then
            timed psearch-index bin/psearch-index --index "$W/ps.idx" \
                --stats --no-progress -q "$CORPUS"
        else
            timed psearch-index-nq bin/psearch-index --index "$W/psnq.idx" \
                --no-quotes --stats --no-progress -q "$CORPUS"
        fi
    done
    timed psearch-index-2 bin/psearch-index --index "$W/ps2.idx" \
        --shards 2 --stats --no-progress -q "$CORPUS"
    timed omindex omindex --db "$W/om.db" --url / \
        --mime-type=txt:text/plain "$CORPUS"
    timed fts5 sqlite3 -bail "$W/fts.db" ".read $W/load.sql"
done
{
    echo "size	psearch-index	$(du -sb "$W/ps.idx" | cut -f1)"
    echo "size	psearch-index-2	$(du -sb "$W/ps2.idx" | cut -f1)"
    echo "size	psearch-index-nq	$(du -sb "$W/psnq.idx" | cut -f1)"
    echo "size	omindex	$(du -sb "$W/om.db" | cut -f1)"
    echo "size	fts5	$(du -sb "$W/fts.db" | cut -f1)"
    echo "stats	psearch-index	$(cat "$W/psearch-index.out" "$W/psearch-index.err" |
        grep '^psearch-index:' | tail -1)"
    echo "stats	psearch-index-2	$(cat "$W/psearch-index-2.out" \
        "$W/psearch-index-2.err" | grep '^psearch-index:' | tail -1)"
} >"$R.new/index_sizes.tsv"
n_fts=$(sqlite3 "$W/fts.db" 'SELECT count(*) FROM docs')
n_om=$(xapian-delve "$W/om.db" | sed -n 's/^number of documents = //p')
n_ps=$(xapian-delve "$W/ps.idx" | sed -n 's/^number of documents = //p')
n_ps2=$(xapian-delve "$W/ps2.idx" | sed -n 's/^number of documents = //p')
# psearch, omindex, FTS5, then psearch --shards 2 (last, so that the first
# three stay where an older report.py reads them).
echo "docs	$n_ps	$n_om	$n_fts	$n_ps2" >>"$R.new/index_sizes.tsv"
rm -rf "$W/ps2.idx" "$W/psnq.idx"

# 2. The nightly run: a copy indexed once, then REPEATS times a different
# 1% of its files edited (one line appended) and psearch-index run again.
log "incremental runs"
cp -a "$CORPUS" "$W/copy"
bin/psearch-index --index "$W/inc.idx" --no-progress -q "$W/copy" || [ $? = 1 ]
(cd "$W/copy" && find . -type f -name '*.txt' | LC_ALL=C sort) >"$W/files.txt"
for r in $(seq "$REPEATS"); do
    awk -v r="$r" 'NR % 100 == r' "$W/files.txt" | while read -r f; do
        printf '\nEdited by the benchmark, round %d.\n' "$r" >>"$W/copy/$f"
    done
    timed incremental bin/psearch-index --index "$W/inc.idx" --stats \
        --no-progress -q "$W/copy"
    echo "incremental	$r	$(cat "$W/incremental.out" "$W/incremental.err" |
        grep '^psearch-index:' | tail -1)" >>"$R.new/index_sizes.tsv"
done
mv "$W/timed.tsv" "$R.new/index.tsv"
rm -rf "$W/copy" "$W/inc.idx"

# 3. Queries. queries.txt gives each system its own spelling of a query.
/usr/bin/python3 - "$ROOT/tests/bench/queries.txt" "$W" <<'EOF'
import json, sys
qs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")
      if l.strip() and not l.startswith("#")]
w = sys.argv[2]
with open(w + "/q.ps", "w") as ps, open(w + "/q.fts", "w") as fts, \
        open(w + "/q.json", "w") as js, open(w + "/q.quest", "w") as qu:
    for i, (kind, p, f, q, r) in enumerate(qs, 1):
        ps.write(p + "\n")
        qu.write(q + "\n")
        fts.write(f + "\n")
        js.write(json.dumps({"op": "search", "q": p, "limit": 10}) + "\n")
        open(f"{w}/quest.{i}", "w").write(q)
        open(f"{w}/rg.{i}", "w").write(r)
        open(f"{w}/kind.{i}", "w").write(kind)
EOF
NQ=$(wc -l <"$W/q.ps")

log "starting psearchd twice: --cache-size 0, and the default (cached)"
bin/psearchd --index "$W/ps.idx" --socket "$SOCK" --cache-size 0 \
    2>"$W/psearchd.log" &
DPID=$!
bin/psearchd --index "$W/ps.idx" --socket "$CSOCK" 2>"$W/psearchd-cached.log" &
CPID=$!
# wait_up SOCKET LOG: waits (10 s at most) until psearchd answers a ping.
wait_up() {
    local i
    for i in $(seq 100); do
        echo '{"op":"ping"}' | $JC "$1" --timeout 1 >/dev/null 2>&1 && return
        sleep 0.1
    done
    die "psearchd on $1 did not answer: $(tail -3 "$2")"
}
wait_up "$SOCK" "$W/psearchd.log"
wait_up "$CSOCK" "$W/psearchd-cached.log"

log "in-process floors: raw Xapian, whole results, FTS5"
$TB/rawq "$W/ps.idx" "$W/q.ps" "$QN" 20 >"$W/raw.tsv"
$TB/rawq --full "$W/ps.idx" "$W/q.ps" "$QN" 20 >"$W/full.tsv"
$TB/fts5q "$W/fts.db" "$W/q.fts" "$QN" 20 >"$W/fts.tsv"
log "socket floor"
$TB/echo "$W/echo.sock" 20000 1000 100 >"$R.new/echo.tsv"

# -s none: the index has no stem terms for quest's stemming to look up (a
# stem is searched through its words, which quest does not know), so quest
# searches the words as typed.
QUEST=(quest -d "$W/ps.idx" -m 10 -o and -s none
    -f "phrase,boolean,lovehate,wildcard"
    -b person:XPERSON: -b place:XPLACE: -b org:XORG: -b treaty:XTREATY:
    -p title:S)
: >"$R.new/queries.tsv"
for i in $(seq "$NQ"); do
    q=$(sed -n "${i}p" "$W/q.ps")
    js=$(sed -n "${i}p" "$W/q.json")
    log "query $i of $NQ: $q"
    answer=$(printf '%s\n' "$js" | $JC "$SOCK" --timeout 10)
    case $answer in *'"ok":true'*) ;; *) die "psearchd: $q: ${answer:0:300}" ;; esac
    total=$(echo "$answer" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2)
    case $answer in *'"total_exact":false'*) total="~$total" ;; esac
    bytes=${#answer}
    # The cached daemon's first answer (a miss) must be the same search.
    canswer=$(printf '%s\n' "$js" | $JC "$CSOCK" --timeout 10)
    case $canswer in *'"ok":true'*) ;; *) die "cached psearchd: $q: ${canswer:0:300}" ;; esac
    ctotal=$(echo "$canswer" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2)
    [ "$ctotal" = "${total#\~}" ] ||
        die "$q: $ctotal matches from the cached psearchd, $total without cache"
    psd=$(printf '%s\n' "$js" | $JC "$SOCK" --latency "$QN" --warmup 20 |
        sed 's/.*median_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1\t\2/')
    psdc=$(printf '%s\n' "$js" | $JC "$CSOCK" --latency "$QN" --warmup 20 |
        sed 's/.*median_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1\t\2/')
    direct=$($TB/spawnt "$PN" 2 60 bin/psearch --index "$W/ps.idx" --direct \
        --color=never -- "$q")
    viad=$($TB/spawnt "$PN" 2 60 bin/psearch --index "$W/ps.idx" \
        --socket "$SOCK" --color=never -- "$q")
    viadc=$($TB/spawnt "$PN" 2 60 bin/psearch --index "$W/ps.idx" \
        --socket "$CSOCK" --color=never -- "$q")
    qq=$(cat "$W/quest.$i")
    quest=$($TB/spawnt "$PN" 2 60 "${QUEST[@]}" -- "$qq")
    quest_total=$("${QUEST[@]}" -- "$qq" 2>/dev/null |
        sed -n -e 's/^Exactly \([0-9]*\).*/\1/p' \
            -e 's/.*best estimate is \([0-9]*\).*/~\1/p' | head -1)
    rgc="cd '$CORPUS' && $(cat "$W/rg.$i")"
    rg=$($TB/spawnt "$RGN" 1 120 sh -c "$rgc")
    rg_files=$( (sh -c "$rgc" || true) | wc -l)
    raw=$(sed -n "${i}p" "$W/raw.tsv" | cut -f2,3)
    full=$(sed -n "${i}p" "$W/full.tsv" | cut -f2,3)
    fts=$(sed -n "${i}p" "$W/fts.tsv" | cut -f2,3)
    fts_rows=$(sed -n "${i}p" "$W/fts.tsv" | cut -f4)
    # One line per query; times in microseconds, "median p99" pairs. psd
    # and viad are the uncached daemon's; the cached daemon's (psdc, viadc)
    # come last, after the counts, as an older report.py expects the rest.
    printf '%s\n' "$i	$(cat "$W/kind.$i")	$q	$total	$bytes	$psd	$raw	$full	$(echo "$direct" | cut -f1,2)	$(echo "$viad" | cut -f1,2)	$(echo "$quest" | cut -f1,2)	$fts	$(echo "$rg" | cut -f1,2)	${quest_total:-?}	$fts_rows	$rg_files	$psdc	$(echo "$viadc" | cut -f1,2)" \
        >>"$R.new/queries.tsv"
done

# 3b. Xapian's own cost of the query set in process (python3-xapian on
# omindex's database: parse, top 10, each document's data), the local
# reference of issue 22: one line a query, "INDEX MEDIAN_US P99_US MATCHES".
log "Xapian in process (python3-xapian, omindex's database)"
/usr/bin/python3 tests/bench/xapref.py local "$W/om.db" "$W/q.quest" "$QN" \
    >"$R.new/xapref_local.tsv"

# 4. Throughput: 1, 8 and 64 clients, each a closed loop over the query
# set, against the uncached and the cached daemon in turn.
: >"$R.new/load.tsv"
for c in 1 8 64; do
    for mode in uncached cached; do
        s=$SOCK
        [ $mode = uncached ] || s=$CSOCK
        log "throughput, $mode, $c clients, $LOAD_SEC s"
        line=$($TB/loadgen "$s" "$W/q.json" "$c" "$LOAD_SEC" "$LOAD_MAX" 1)
        echo "$mode $line" >>"$R.new/load.tsv"
        log "  $line"
    done
done
# The harness's own ceiling: the same clients asking only "ping", which
# psearchd answers on its loop thread without searching.
for i in $(seq 100); do echo '{"op":"ping"}'; done >"$W/ping.json"
line=$($TB/loadgen "$SOCK" "$W/ping.json" 8 "$LOAD_SEC" "$LOAD_MAX" 1)
echo "ping $line" >>"$R.new/load.tsv"
log "  ping: $line"
# The answer caches' counters, as evidence of what each daemon measured.
{
    printf 'uncached\t%s\n' "$(echo '{"op":"stats"}' |
        $JC "$SOCK" --timeout 10 | grep -o '"cache":{[^}]*}' || true)"
    printf 'cached\t%s\n' "$(echo '{"op":"stats"}' |
        $JC "$CSOCK" --timeout 10 | grep -o '"cache":{[^}]*}' || true)"
} >"$R.new/cache.tsv"
cleanup
DPID="" CPID=""

# 5. Shards: the corpus indexed into 1, 2 and 4 shards, and the query set
# answered in process (whole results) from each, read through the stub.
: >"$R.new/shards.tsv"
for n in 1 2 4; do
    log "shards: $n"
    rm -rf "$W/sh.idx"
    : >"$W/timed.tsv"
    timed shards bin/psearch-index --index "$W/sh.idx" --shards "$n" \
        --no-progress -q "$CORPUS"
    $TB/rawq --full "$W/sh.idx" "$W/q.ps" "$QN" 20 >"$W/sh.tsv"
    # Per query "i median p99": the median of the medians and the worst p99.
    med=$(cut -f2 "$W/sh.tsv" | sort -n | awk '{a[NR] = $1}
        END {print a[int((NR + 1) / 2)]}')
    worst=$(cut -f3 "$W/sh.tsv" | sort -n | tail -1)
    printf '%s\t%s\t%s\t%s\n' "$n" "$(cut -f2,3 "$W/timed.tsv")" "$med" \
        "$worst" >>"$R.new/shards.tsv"
done
rm -rf "$W/sh.idx"

# 6. Distributed: the corpus split over 2 and 4 "nodes", each part a folder
# of hard links indexed by a psearch-index run of its own (one after the
# other here; on N machines they would run at once), each served by its own
# xapian-tcpsrv on loopback, read by psearchd through one stub of remotes;
# and psearchd on the local whole index ($W/ps.idx), measured in the same
# window, so the cost of the hop shows. Lines of distributed.tsv:
#   part N K BYTES DOCS WALL_S RSS_KB   (node K of N: its build)
#   lat N MEDIAN_US WORST_P99_US        (N = 0: the local whole index)
#   corpus_bytes B                      (the whole corpus, for projections)
: >"$R.new/distributed.tsv"
echo "corpus_bytes $(find "$BD/corpus/" -type f -printf '%s\n' |
    awk '{s += $1} END {print s + 0}')" >>"$R.new/distributed.tsv"
GAZ=()
[ ! -f "$CORPUS/entities.tsv" ] || GAZ=(--entities "$CORPUS/entities.tsv")
TPIDS=""
# dlatency SOCKET N: the query set's latency through psearchd on SOCKET.
dlatency() {
    local js med worst
    : >"$W/dl.tsv"
    while IFS= read -r js; do
        printf '%s\n' "$js" | $JC "$1" --latency "$QN" --warmup 20 |
            sed 's/.*median_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1\t\2/' \
                >>"$W/dl.tsv"
    done <"$W/q.json"
    med=$(cut -f1 "$W/dl.tsv" | sort -n | awk '{a[NR] = $1}
        END {print a[int((NR + 1) / 2)]}')
    worst=$(cut -f2 "$W/dl.tsv" | sort -n | tail -1)
    echo "lat $2 $med $worst" >>"$R.new/distributed.tsv"
}
for n in 2 4; do
    log "distributed: $n nodes"
    rm -rf "$W/parts" "$W/node."* "$W/nodes"
    /usr/bin/python3 - "$CORPUS" "$W/parts" "$n" <<'EOF2'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs
               if f != "entities.tsv")
for i, f in enumerate(files):
    t = os.path.join(dst, str(i % n), os.path.relpath(f, src))
    os.makedirs(os.path.dirname(t), exist_ok=True)
    os.link(f, t)
EOF2
    mkdir -p "$W/nodes"
    for k in $(seq 0 $((n - 1))); do
        part=$W/parts/$k
        : >"$W/timed.tsv"
        timed node bin/psearch-index --index "$W/node.$k" "${GAZ[@]}" \
            --no-progress -q "$part"
        printf 'part %s %s %s %s %s\n' "$n" "$k" \
            "$(find "$part" -type f -printf '%s\n' | awk '{s += $1} END {print s}')" \
            "$(find "$part" -type f | wc -l)" \
            "$(cut -f2,3 "$W/timed.tsv" | tr '\t' ' ')" >>"$R.new/distributed.tsv"
        port=""
        for try in $(seq 20); do
            p=$((20000 + RANDOM % 30000))
            setsid xapian-tcpsrv --interface 127.0.0.1 --port "$p" \
                "$W/node.$k" >"$W/tcpsrv.$k.log" 2>&1 </dev/null &
            tp=$!
            for i in $(seq 50); do
                grep -q Listening "$W/tcpsrv.$k.log" && port=$p && break
                kill -0 $tp 2>/dev/null || break
                sleep 0.1
            done
            [ -z "$port" ] || break
            kill $tp 2>/dev/null || true
        done
        [ -n "$port" ] || die "xapian-tcpsrv did not start for node $k"
        TPIDS="$TPIDS $tp"
        echo "remote 127.0.0.1:$port" >>"$W/nodes/XAPIANDB"
    done
    bin/psearchd --index "$W/nodes" --socket "$SOCK" --cache-size 0 \
        2>"$W/psearchd-nodes.log" &
    DPID=$!
    wait_up "$SOCK" "$W/psearchd-nodes.log"
    bin/psearchd --index "$W/ps.idx" --socket "$CSOCK" --cache-size 0 \
        2>"$W/psearchd-local.log" &
    CPID=$!
    wait_up "$CSOCK" "$W/psearchd-local.log"
    dlatency "$SOCK" "$n"
    # Per query over the two remotes, and Xapian's own remote search of
    # the same queries over the same xapian-tcpsrv's (python3-xapian:
    # parse, top 10, each document's data and every value).
    if [ "$n" = 2 ]; then
        cp "$W/dl.tsv" "$R.new/remote_ps.tsv"
        log "Xapian's own remote search over the $n nodes"
        /usr/bin/python3 tests/bench/xapref.py remote \
            "$(sed -n 's/^remote //p' "$W/nodes/XAPIANDB" | paste -sd,)" \
            "$W/q.quest" "$QN" >"$R.new/remote_xapian.tsv"
    fi
    dlatency "$CSOCK" 0
    cleanup
    DPID="" CPID=""
    for p in $TPIDS; do kill "$p" 2>/dev/null || true; done
    TPIDS=""
done
rm -rf "$W/parts" "$W/node."* "$W/nodes"

# 7. Questions: SciFact's training claims as typed, against its abstracts
# (tests/bench/questions.sh), through psearchd --cache-size 0 and as
# python3-xapian's BM25 OR query of the same words on the same index.
if [ -d "$SCIFACT" ]; then
    log "questions: SciFact claims"
    tests/bench/questions.sh "$SCIFACT" "$W/sf" "$R.new" ||
        die "questions failed"
else
    log "questions: no $SCIFACT, section skipped"
fi

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$R.new/meta.txt"
echo "seconds=$(($(date +%s) - T_START))" >>"$R.new/meta.txt"
rm -rf "$R"
mv "$R.new" "$R"
rm -rf "$W"
/usr/bin/python3 tests/bench/report.py "$BD/results" BENCHMARKS.md \
    BENCHMARKS-latency.png
log "done in $(($(date +%s) - T_START)) s: BENCHMARKS.md, BENCHMARKS-latency.png"
