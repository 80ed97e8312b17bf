# tests/relevance/relevance.mk: `make relevance`, included by the main
# Makefile. It measures ranking quality on the test collections with
# relevance judgments in ../shared/data/relevance (TIME, SciFact's training
# claims) for psearch and its peers, and writes RELEVANCE.md. Nothing here
# is part of `make test` (which checks only the evaluator), and nothing is
# downloaded: the peers are Debian packages, installed by `make deps`.
#
#   make relevance                      every collection, every system
#   make relevance REL_SETS=time        one collection
#
# Knobs: REL_DATA (default ../shared/data/relevance), REL_DIR (the work
# directory, default build/relevance: the converted documents and the
# indexes, never committed), REL_OUT (default RELEVANCE.md).

DEB_PKGS  += xapian-omega python3-xapian sqlite3

REL_DATA  ?= $(abspath ../shared/data/relevance)
REL_DIR   ?= $(B)/relevance
REL_OUT   ?= RELEVANCE.md
REL_SETS  ?= time scifact-train

.PHONY: relevance

relevance: all $(B)/tests/releval $(B)/relevance-tools/relrun
	@missing=$$(for p in xapian-omega python3-xapian sqlite3; do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	[ -z "$$missing" ] || { echo "relevance: run make deps first"; exit 1; }
	/usr/bin/python3 tests/relevance/relevance.py $(REL_DATA) $(REL_DIR) \
	    $(REL_OUT) $(REL_SETS)

$(B)/relevance-tools/relrun: tests/relevance/relrun.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LIBS) -lstdc++
