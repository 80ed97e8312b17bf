# tests/bench/bench.mk: the benchmark harness's rules, included by the main
# Makefile. Nothing here is part of `make test`, and nothing here adds to
# DEB_PKGS: the benchmark's own packages are installed by `bench-deps`.
#
#   make bench-corpus          download, unpack and convert the corpus
#   make bench                 measure on the ~10 MB slice, write BENCHMARKS.md
#   make bench BENCH=large     the same on the whole ~120 MB corpus
#
# Knobs (environment or make variables): BENCH_DIR (default var/bench,
# git-ignored), REPEATS (indexing runs per system, default 3), QN (timed
# round trips per query in process and through psearchd, default 200), PN
# (process-per-query runs, default 20), RGN (rg runs per query, default 5),
# LOAD_SEC (seconds per throughput run, default 5), SCIFACT (SciFact's
# folder for the questions section, default
# ../shared/data/relevance/scifact-train; the section is skipped without it).

BENCH        ?= small
BENCH_DIR    ?= var/bench
BENCH_PKGS   := xapian-omega xapian-tools sqlite3 libsqlite3-dev ripgrep \
                gnuplot-nox time man-db bsdextrautils python3 findutils \
                python3-xapian
BENCH_TOOLS  := rawq fts5q echo spawnt loadgen
BENCH_BIN    := $(BENCH_TOOLS:%=$(B)/bench/%)

.PHONY: bench bench-corpus bench-deps bench-tools

bench-deps:
	@missing=$$(for p in $(BENCH_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "bench-deps: installing $$missing"; \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "bench-deps: missing packages; run as root:"; \
	    echo "  apt-get install $$missing"; exit 1; fi

# The corpus is rebuilt only when its recipe changes; delete
# $(BENCH_DIR)/corpus.sha256 to force it.
bench-corpus: $(BENCH_DIR)/corpus.sha256
	@cat $(BENCH_DIR)/corpus.sha256 $(BENCH_DIR)/slice.sha256

$(BENCH_DIR)/corpus.sha256: tests/bench/mkcorpus.sh tests/bench/convert.py \
                            | bench-deps
	tests/bench/mkcorpus.sh $(BENCH_DIR)

bench-tools: $(BENCH_BIN)

$(B)/bench/rawq: tests/bench/rawq.c tests/bench/benchutil.h $(LIBA) | bench-deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++

$(B)/bench/fts5q: tests/bench/fts5q.c tests/bench/benchutil.h | bench-deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsqlite3

$(B)/bench/%: tests/bench/%.c tests/bench/benchutil.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

bench: all $(B)/tests/jsonl_client $(BENCH_BIN) bench-corpus
	BENCH=$(BENCH) BENCH_DIR=$(BENCH_DIR) tests/bench/run.sh
