# psearch build. `make deps` installs the Debian packages, `make` builds
# bin/, `make test` runs every test. Sources are found by wildcard, so a new
# file in a folder of lib/, in train/, indexer/, searchd/ or tests/unit/
# needs no edit here.

CC       ?= cc
CXX      ?= c++
PREFIX   ?= /usr/local

PKGS      := xapian-core libuv jansson libutf8proc cmocka
DEB_PKGS  := build-essential pkg-config libxapian-dev libstemmer-dev \
             libuv1-dev libjansson-dev libutf8proc-dev libxxhash-dev \
             liblz4-dev libjemalloc-dev libcmocka-dev xapian-tools \
             snowball-data socat neovim

HARDEN    := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
WARN      := -Wall -Wextra $(if $(WERROR),-Werror)
CPPFLAGS  += -Iinclude -Ilib -DPS_DATADIR=\"$(PREFIX)/share/psearch\"
CFLAGS    ?= -O2 -g
CXXFLAGS  ?= -O2 -g
CFLAGS    += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             $(WARN) $(HARDEN) -fvisibility=hidden
CXXFLAGS  += -std=c++17 $(WARN) $(HARDEN) -fvisibility=hidden \
             $(shell xapian-config --cxxflags 2>/dev/null)
LDFLAGS   += -pie -Wl,-z,relro,-z,now
LIBS      := $(shell xapian-config --libs 2>/dev/null) -lstemmer -lutf8proc \
             -ljansson -lxxhash -llz4 -luv -lpthread -lm

ifdef SANITIZE
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer
CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
HARDEN   := -fstack-protector-strong -fPIE
endif

B := build

# The library, one folder per subsystem along the data's path (doc/hacking.md).
# Its objects share one static archive, so no two may share a file name.
LIB_C    := $(wildcard lib/*/*.c)
LIB_CC   := $(wildcard lib/*/*.cc)
LIB_OBJ  := $(LIB_C:%.c=$(B)/%.o) $(LIB_CC:%.cc=$(B)/%.o)
LIBA     := $(B)/libpsearch.a
# The same objects as a shared object, which psearch loads only when it
# searches by itself (cli/engine.h): asking the daemon needs no Xapian.
ENGINE   := $(B)/libpsearch-engine.so
# What psearch links of the library: the parts in plain C without Xapian.
CLI_LIB  := $(B)/lib/base/status.o $(B)/lib/base/paths.o \
            $(B)/lib/base/cmdline.o

# The NER trainer (train/): its own library, linked only by the training
# and evaluation tools and their tests, never by the installed programs or
# the engine, which only read models.
TRAIN_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard train/*.c))
TRAINA    := $(B)/libpsearch-train.a
TRAIN_BIN := $(patsubst train/tools/%.c,$(B)/train/%,$(wildcard train/tools/*.c))

IDX_OBJ  := $(patsubst %.c,$(B)/%.o,$(wildcard indexer/*.c))
SD_OBJ   := $(patsubst %.c,$(B)/%.o,$(wildcard searchd/*.c))
CLI_OBJ  := $(patsubst %.c,$(B)/%.o,$(wildcard cli/*.c))

PROGS    := bin/psearch-index
ifneq ($(SD_OBJ),)
PROGS    += bin/psearchd
endif
ifneq ($(CLI_OBJ),)
PROGS    += bin/psearch
endif

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(B)/tests/%)

.PHONY: all deps test check clean demo
all: $(PROGS) $(if $(CLI_OBJ),$(ENGINE))

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing packages; run as root:"; \
	    echo "  apt-get install $$missing"; exit 1; fi

# The install paths compiled into the programs, recorded in a file that
# is rewritten only when they change (as git's Makefile records its build
# flags in GIT-CFLAGS): the objects that compile a path in depend on it,
# so `make` then `make install PREFIX=/usr` rebuilds them for /usr by
# itself. Those objects are the sources that name a path macro.
PS_PATH_FLAGS = PS_DATADIR=$(PREFIX)/share/psearch PS_ENGINE_DIR=$(LIBEXECDIR)
PS_PATH_OBJ  := $(patsubst %,$(B)/%.o,$(basename $(shell grep -l \
                    -e PS_DATADIR -e PS_ENGINE_DIR $(LIB_C) $(LIB_CC) \
                    $(wildcard indexer/*.c searchd/*.c cli/*.c) 2>/dev/null)))
$(PS_PATH_OBJ): $(B)/path-flags

.PHONY: FORCE
$(B)/path-flags: FORCE
	@mkdir -p $(@D)
	@if [ "$$(cat $@ 2>/dev/null)" != '$(PS_PATH_FLAGS)' ]; then \
	    echo '$(PS_PATH_FLAGS)' >$@; fi

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c $< -o $@

# Library objects are position-independent, for the engine.
$(LIB_OBJ): HARDEN := $(filter-out -fPIE,$(HARDEN)) -fPIC

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(ENGINE): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CXX) -shared $(filter-out -pie,$(LDFLAGS)) -o $@ $^ $(LIBS)

$(TRAINA): $(TRAIN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(TRAIN_OBJ) $(TRAIN_BIN): CPPFLAGS += -Itrain

$(B)/train/%: train/tools/%.c $(TRAINA) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(TRAINA) $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++

# The indexer allocates with jemalloc: its workers build documents of
# thousands of small blocks that the writer thread takes and frees, which
# glibc's allocator does slowly across threads (on the bench slice
# jemalloc saves a tenth of the CPU time). Not under the sanitizers,
# which bring their own allocator.
IDX_MALLOC := $(if $(SANITIZE),,-ljemalloc)

bin/psearch-index: $(IDX_OBJ) $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(IDX_MALLOC)

bin/psearchd: $(SD_OBJ) $(LIBA)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

# Where make install puts the engine (LIBEXECDIR, contrib/install.mk).
$(B)/cli/engine.o: CPPFLAGS += -DPS_ENGINE_DIR=\"$(LIBEXECDIR)\"

bin/psearch: $(CLI_OBJ) $(CLI_LIB) | $(ENGINE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ -lutf8proc -ljansson -ldl

$(B)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LIBS) -lcmocka -lstdc++

# The NER model's unit test trains small models, so it links the trainer.
$(B)/tests/test_ner: tests/unit/test_ner.c $(TRAINA) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itrain $(CFLAGS) -o $@ $< $(TRAINA) $(LIBA) $(LDFLAGS) $(LIBS) -lcmocka -lstdc++

# The answer cache's unit test is of a part of psearchd, not the library.
$(B)/tests/test_cache: tests/unit/test_cache.c $(B)/searchd/cache.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Isearchd $(CFLAGS) -o $@ $< $(B)/searchd/cache.o $(LIBA) $(LDFLAGS) $(LIBS) -lcmocka -lstdc++

$(B)/tests/%: tests/tools/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++

# The first README command: install what is missing, build, index the
# shipped corpus into ./index, show what was indexed and answer a query.
# Recursive makes, so that the build sees the packages deps installed.
demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	bin/psearch-index --index index --stats corpus
	@echo "index: $$(xapian-delve index | sed -n 's/^number of documents = //p') documents," \
	    "$$(xapian-delve -1 -a index | grep -c '^X[A-Z]*:') entities, in ./index"
	bin/psearch --index index --direct "Article 5"

test check: all $(UNIT_BIN) $(TOOL_BIN) $(TRAIN_BIN)
	@tests/run.sh

clean:
	rm -rf $(B) bin

# Each area keeps its own rules in a fragment, so work on one does not
# touch the others: installation, benchmarks, fuzzing. A fragment may add
# to DEB_PKGS.
-include contrib/install.mk contrib/deb.mk tests/bench/bench.mk \
         tests/fuzz/fuzz.mk train/ner.mk tests/ner-eval.mk lib/tag/data/words.mk \
         tests/relevance/relevance.mk train/quote.mk tests/entity-eval.mk

-include $(shell find $(B) -name '*.d' 2>/dev/null)
