#!/usr/bin/env bash
# latency.sh: psearchd's uncached latency on the query table's queries and
# on the first judged claims of SciFact (long: relaxed), for comparing two
# builds when `make bench` cannot run. Indexes DOCS with BIN's
# psearch-index, serves it with BIN's psearchd --cache-size 0 on a private
# socket, and sends each query ROUNDS times through jsonl_client --latency.
# Prints per query "kind median_us p99_us", then the median of the medians
# and the largest p99 per kind.
#
#   tests/relevance/latency.sh BIN DOCS [ROUNDS]
#
# DOCS: a directory of articles, e.g. build/relevance/scifact-train/docs
# after `make relevance`.
set -eu
BIN=$(cd "$1" && pwd)
DOCS=$2
ROUNDS=${3:-200}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JC=$ROOT/build/tests/jsonl_client
W=$(mktemp -d "${TMPDIR:-/tmp}/psearch-latency.XXXXXX")
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$W"' EXIT
"$BIN/psearch-index" --index "$W/idx" --no-progress -q "$DOCS"
"$BIN/psearchd" --index "$W/idx" --socket "$W/s" --cache-size 0 \
    >"$W/d.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$W/s" ] && break; sleep 0.1; done
# The query table's queries that are not errors, then 30 claims.
{
    grep -v '^#' "$ROOT/tests/queries.tsv" | awk -F '\t' 'NF >= 3 && $2 != 2 {print "table\t" $1}'
    if [ -f "$DOCS/../queries.tsv" ]; then
        head -30 "$DOCS/../queries.tsv" | cut -f2 | sed 's/^/claim\t/'
    fi
} >"$W/queries"
while IFS=$'\t' read -r kind q; do
    req=$(printf '%s' "$q" | /usr/bin/python3 -c \
        'import json,sys; print(json.dumps({"op":"search","q":sys.stdin.read()}))')
    r=$(printf '%s\n' "$req" | "$JC" "$W/s" --latency "$ROUNDS" --warmup 10)
    med=${r#*median_us=}; med=${med%% *}
    p99=${r#*p99_us=}; p99=${p99%% *}
    printf '%s\t%s\t%s\n' "$kind" "$med" "$p99"
done <"$W/queries" >"$W/out"
cat "$W/out"
for kind in table claim; do
    cut -f2 <(grep "^$kind" "$W/out") | sort -n >"$W/med"
    n=$(wc -l <"$W/med")
    [ "$n" -gt 0 ] || continue
    echo "$kind: $n queries, median of medians $(sed -n "$(((n + 1) / 2))p" "$W/med") us," \
        "largest p99 $(grep "^$kind" "$W/out" | cut -f3 | sort -n | tail -1) us"
done
