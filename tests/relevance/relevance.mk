# tests/relevance/relevance.mk: `make relevance`, included by the main
# Makefile. It measures ranking quality on the test collections with
# relevance judgments in ../shared/data/relevance (TIME, SciFact's training
# claims) for psearch and its peers, and writes RELEVANCE.md. Nothing here
# is part of `make test` (which checks only the evaluator), and nothing is
# downloaded: the peers are Debian packages, which `make relevance-deps`
# installs (without their recommends: xapian-omega would bring apache2).
#
#   make relevance                      every collection, every system
#   make relevance REL_SETS=time        one collection
#
# Knobs: REL_DATA (default ../shared/data/relevance), REL_DIR (the work
# directory, default build/relevance: the converted documents and the
# indexes, never committed), REL_OUT (default RELEVANCE.md).

REL_PKGS  := xapian-omega python3-xapian sqlite3

REL_DATA  ?= $(abspath ../shared/data/relevance)
REL_DIR   ?= $(B)/relevance
REL_OUT   ?= RELEVANCE.md
REL_SETS  ?= time scifact-train

.PHONY: relevance relevance-deps

relevance-deps:
	@missing=$$(for p in $(REL_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "relevance-deps: installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "relevance-deps: run as root: apt-get install $$missing"; \
	    exit 1; fi

relevance: relevance-deps all $(B)/tests/releval $(B)/relevance-tools/relrun
	/usr/bin/python3 tests/relevance/relevance.py $(REL_DATA) $(REL_DIR) \
	    $(REL_OUT) $(REL_SETS)

$(B)/relevance-tools/relrun: tests/relevance/relrun.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++
