# Fuzzing psearch (included by the top-level Makefile).
#
#   make fuzz                  build the libFuzzer targets with clang into
#                              build/fuzz/ and run each for FUZZ_SECONDS
#   make fuzz FUZZ_SMOKE=1     the smoke run CI does: the same inputs
#                              every time (see FUZZ_SMOKE below)
#   make fuzz FUZZ_TARGETS=query   one target only
#   make fuzz-build            only build them
#
# Targets (tests/fuzz/fuzz_TARGET.c): request (psearchd's request parser
# and response builder), query (ps_query_check), analyze (ps_analyze and
# ps_tagger_run), article (ps_article_parse), quotes (ps_quoter_run after
# the analyzer and the tagger). Each starts from its seeds in
# tests/fuzz/seeds/TARGET/ and its regression cases in
# tests/fuzz/regress/TARGET/; the corpus it grows is kept in
# build/fuzz/corpus/TARGET/ and a crashing input is written to
# build/fuzz/crash/TARGET/: fix the bug, then copy the input into
# tests/fuzz/regress/TARGET/, where `make test` replays it for ever.
#
# The replay drivers build/tests/fuzz_replay_TARGET are the same targets
# linked with tests/fuzz/replay.c by the project's compiler and flags (so
# `make SANITIZE=1 test` replays under ASan and UBSan); tests/T500-fuzz-
# replay.sh runs them over the seeds and the regression cases.
#
# `make valgrind-daemon` runs tests/T300-daemon.sh with every psearchd
# under valgrind (memcheck, leaks, suppressions in tests/valgrind.supp).

DEB_PKGS      += clang libclang-rt-14-dev valgrind

FUZZ_CC       ?= clang
FUZZ_CXX      ?= clang++
FUZZ_SECONDS  ?= 60
FUZZ_TARGETS  ?= request query analyze article quotes
# Extra libFuzzer options for every run, e.g. FUZZ_OPTS=-jobs=2.
FUZZ_OPTS     ?=
# FUZZ_SMOKE=1: a fixed seed and a fixed number of inputs a target (about
# 10 s each on a 2-core machine), from the seeds and regression cases
# alone: what CI runs does not depend on the machine's speed or on an
# earlier run's corpus, and starts from the same mutations every time
# (coverage that hangs on addresses can still steer it apart later).
# FUZZ_SECONDS then only bounds it. Exploring is what a run without it is
# for: long, with a random seed; what it finds goes to regress/.
FUZZ_SMOKE    ?=
fuzz_runs      = case $$t in request) echo 400000;; query) echo 120000;; \
                 analyze) echo 3000;; article) echo 1200000;; \
                 quotes) echo 30000;; *) echo 20000;; esac

FB            := $(B)/fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer
FUZZ_CPPFLAGS := -Iinclude -Ilib -Isearchd -DPS_DATADIR=\"$(PREFIX)/share/psearch\"
FUZZ_CFLAGS   := -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                 -Wall -Wextra $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_CXXFLAGS := -g -O1 -std=c++17 -Wall -Wextra $(FUZZ_SAN) \
                 -fsanitize=fuzzer-no-link \
                 $(shell xapian-config --cxxflags 2>/dev/null)

# The library and the pure half of the daemon's protocol, instrumented.
FUZZ_C_OBJ    := $(LIB_C:%.c=$(FB)/%.o) $(FB)/searchd/request.o \
                 $(FB)/searchd/response.o
FUZZ_CC_OBJ   := $(LIB_CC:%.cc=$(FB)/%.o)
FUZZ_BIN      := $(FUZZ_TARGETS:%=$(FB)/fuzz_%)
FUZZ_REPLAY   := $(patsubst %,$(B)/tests/fuzz_replay_%,\
                   request query analyze article quotes)
FUZZ_PROTO    := searchd/request.c searchd/response.c

.PHONY: fuzz fuzz-build valgrind-daemon
.SECONDARY: $(FUZZ_TARGETS:%=$(FB)/tests/fuzz/fuzz_%.o)

$(FUZZ_C_OBJ): $(FB)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_CC_OBJ): $(FB)/%.o: %.cc
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CPPFLAGS) $(FUZZ_CXXFLAGS) -MMD -MP -c $< -o $@

$(FB)/tests/fuzz/%.o: tests/fuzz/%.c tests/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

# Linked by clang++, so that libstdc++ comes in for the Xapian shim.
$(FB)/fuzz_%: $(FB)/tests/fuzz/fuzz_%.o $(FUZZ_C_OBJ) $(FUZZ_CC_OBJ)
	$(FUZZ_CXX) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BIN)

# Each target runs for FUZZ_SECONDS on a copy of its seeds and regression
# cases; the run fails on the first crash, naming the saved input.
# intercept_tls_get_addr=0: see tests/run.sh (a LeakSanitizer tracer crash
# of GCC's and LLVM's runtimes that reports no leak).
fuzz: $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    corpus=$(FB)/corpus/$$t crash=$(FB)/crash/$$t; \
	    [ -z "$(FUZZ_SMOKE)" ] || rm -rf $$corpus; \
	    mkdir -p $$corpus $$crash; \
	    for d in tests/fuzz/seeds/$$t tests/fuzz/regress/$$t; do \
	        [ -d $$d ] && cp -p $$d/* $$corpus/ 2>/dev/null || true; done; \
	    dict=; [ -f tests/fuzz/dict/$$t.dict ] && \
	        dict=-dict=tests/fuzz/dict/$$t.dict; \
	    smoke=; [ -z "$(FUZZ_SMOKE)" ] || \
	        smoke="-seed=1 -runs=$$($(fuzz_runs))"; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s $$smoke"; \
	    if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:intercept_tls_get_addr=0 \
	        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	        $(FB)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $$smoke \
	        -artifact_prefix=$$crash/ $$dict $(FUZZ_OPTS) $$corpus \
	        >$(FB)/$$t.log 2>&1; then \
	        grep -E 'ERROR|SUMMARY|invariant|^artifact_prefix|Test unit written' \
	            $(FB)/$$t.log | head -20; \
	        echo "fuzz: $$t FAILED; log in $(FB)/$$t.log, input in $$crash/"; \
	        exit 1; \
	    fi; \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:' \
	        $(FB)/$$t.log | tail -3 | sed "s/^/fuzz: $$t: /"; \
	done

# The replay drivers: built with the project's compiler and flags by
# `make test` (the request target needs the protocol half of searchd/).
$(B)/tests/fuzz_replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
        tests/fuzz/fuzz.h $(FUZZ_PROTO) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isearchd $(CFLAGS) -o $@ tests/fuzz/replay.c $< \
	    $(FUZZ_PROTO) $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++

test check: $(FUZZ_REPLAY)

valgrind-daemon: all $(TOOL_BIN)
	PSEARCH_ROOT=$(CURDIR) PSEARCH_BIN=$(CURDIR)/bin \
	PSEARCH_TESTS_BUILD=$(CURDIR)/$(B)/tests PSEARCHD_WAIT=60 \
	PSEARCHD_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full \
	    --show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible \
	    --suppressions=$(CURDIR)/tests/valgrind.supp" \
	    bash tests/T300-daemon.sh
