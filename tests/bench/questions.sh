#!/bin/bash
# questions.sh: section 7 of `make bench` (run.sh): questions. SciFact's
# training claims (the 809 with judgments), typed as a user types them
# (tests/relevance/relevance.py typed()), against its 5,183 abstracts (one
# text file each: title, a blank line, the text). psearch-index indexes
# them; psearchd --cache-size 0 answers every claim (10 whole results, the
# default form: long claims go relaxed, with feedback) on one connection,
# twice round the set (build/bench/loadgen, one client: the median and p99
# over every answer); python3-xapian runs each claim's words as a BM25 OR
# query on the same index files, top 10 with every value (xapref.py or,
# the median of 3 runs a claim). Writes to OUT:
#   questions.tsv     "ps MEDIAN_US P99_US N" and "xapian MEDIAN_US P99_US N"
#   questions_xapian.tsv  xapref.py's line per claim
#
#   tests/bench/questions.sh SCIFACT_DIR WORK OUT
set -euo pipefail
SF=$1 W=$2 OUT=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TB=$ROOT/build/bench
rm -rf "$W"
mkdir -p "$W/docs"
ROOT=$ROOT /usr/bin/python3 - "$SF" "$W" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tests", "relevance"))
from relevance import load_scifact, typed, write_docs
sf, w = sys.argv[1], sys.argv[2]
docs, queries, qrels = load_scifact(sf)
write_docs(docs, os.path.join(w, "docs"))
judged = {q for q, _, g in qrels if g > 0}
claims = [typed(t) for q, t in queries if q in judged]
with open(os.path.join(w, "claims.txt"), "w") as f, \
        open(os.path.join(w, "claims.json"), "w") as js:
    for c in claims:
        f.write(c + "\n")
        js.write(json.dumps({"op": "search", "q": c, "limit": 10}) + "\n")
PY
n=$(wc -l <"$W/claims.txt")
"$ROOT/bin/psearch-index" --index "$W/idx" --no-progress -q "$W/docs"
"$ROOT/bin/psearchd" --index "$W/idx" --socket "$W/s" --cache-size 0 \
    2>"$W/d.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    echo '{"op":"ping"}' | "$ROOT/build/tests/jsonl_client" "$W/s" \
        --timeout 1 >/dev/null 2>&1 && break
    sleep 0.1
done
line=$("$TB/loadgen" "$W/s" "$W/claims.json" 1 600 $((2 * n)) 1)
med=${line#*median_us=} && med=${med%% *}
p99=${line#*p99_us=} && p99=${p99%% *}
errs=${line#*errors=} && errs=${errs%% *}
[ "$errs" = 0 ] || { echo "questions: $line" >&2; exit 1; }
echo "ps	$med	$p99	$n" >"$OUT/questions.tsv"
/usr/bin/python3 "$ROOT/tests/bench/xapref.py" or "$W/idx" "$W/claims.txt" 3 \
    >"$OUT/questions_xapian.tsv"
cut -f2 "$OUT/questions_xapian.tsv" | sort -n | awk -v n="$n" '
    {a[NR] = $1} END {printf "xapian\t%d\t%d\t%d\n", a[int((NR + 1) / 2)],
                      a[(int(NR * 0.99) > 0) ? int(NR * 0.99) : 1], n}' \
    >>"$OUT/questions.tsv"
cat "$OUT/questions.tsv" >&2
