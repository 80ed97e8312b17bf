# make entity-eval: entity identity across articles, on data the project
# does not ship (see README "Measuring entity identity"):
#  - AIDA CoNLL-YAGO testa: score_xdoc.py --compare, psearch's ids against
#    the two trivial baselines (recall-weighted B-cubed / pairwise /
#    cross-article pairwise F1; all, no-MISC = people+places+orgs, PER);
#  - the PolNeAR articles (train + dev texts), indexed as files with no
#    gazetteer: tests/tools/entity_check.py counts display names in
#    capitals, junk names, rows per person, and person:Hillary's articles.
# Not part of make test; tests/T053-entity-identity.sh runs the same check
# on generated articles.

AIDA ?= ../shared/data/aida
AIDA_SPLIT ?= testa
AIDA_CONLL ?= ../shared/data/conll2003/eng.$(AIDA_SPLIT)
POLNEAR ?= ../shared/data/polnear
POLNEAR_SPLITS ?= train dev
ENTITY_PEOPLE = "Hillary Clinton|Rodham" "Donald Trump|J John" \
    "Barack Obama|Hussein" "Bernie Sanders|Bernard" "James Comey|B Jim" \
    "Joe Biden|Joseph R"

.PHONY: entity-eval
entity-eval: bin/psearch-index bin/psearch $(if $(CLI_OBJ),$(ENGINE))
	@test -r "$(AIDA)/$(AIDA_SPLIT).tsv" -a -r "$(AIDA_CONLL)" || \
	    { echo "entity-eval: cannot read $(AIDA)/$(AIDA_SPLIT).tsv or $(AIDA_CONLL)"; exit 2; }
	python3 "$(AIDA)/score_xdoc.py" "$(CURDIR)" "$(AIDA)/$(AIDA_SPLIT).tsv" \
	    "$(AIDA_CONLL)" --compare
	@echo
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/psearch-entity-eval.XXXXXX") && \
	trap 'rm -rf "$$d" "$$d.idx"' EXIT && \
	python3 -c 'import json, os, sys; \
	    [open(os.path.join(sys.argv[1], json.loads(l)["id"] + ".txt"), "w", \
	          encoding="utf-8").write(json.loads(l)["text"]) \
	     for f in sys.argv[2:] for l in open(f, encoding="utf-8")]' \
	    "$$d" $(foreach s,$(POLNEAR_SPLITS),"$(POLNEAR)/$(s).jsonl") && \
	echo "PolNeAR $(POLNEAR_SPLITS), no gazetteer:" && \
	bin/psearch-index --index "$$d.idx" --entities /dev/null --no-progress "$$d" && \
	python3 tests/tools/entity_check.py bin "$$d.idx" "$$d" $(ENTITY_PEOPLE) \
	    || test $$? -eq 1
