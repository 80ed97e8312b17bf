# make ner-eval: the entity tagger scored on a CoNLL-2003 file through
# psearch-index --tag (exact spans, as conlleval counts), without and with
# the shipped gazetteer. Not part of make test: the data is not shipped.
# make ner-eval CONLL=FILE scores another file.

CONLL ?= ../shared/data/conll2003/eng.testa

.PHONY: ner-eval
ner-eval: bin/psearch-index $(B)/tests/ner_eval
	@test -r "$(CONLL)" || { echo "ner-eval: cannot read $(CONLL)"; exit 2; }
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/psearch-ner-eval.XXXXXX") && \
	trap 'rm -rf "$$d"' EXIT && \
	mkdir "$$d/docs" && \
	echo "ner-eval: $(CONLL): $$($(B)/tests/ner_eval split "$(CONLL)" "$$d/docs")" && \
	bytes=$$(cat "$$d"/docs/doc-*.txt | wc -c) && \
	for gaz in none corpus/entities.tsv; do \
	    if [ $$gaz = none ]; then e=/dev/null; else e=$$gaz; fi; \
	    s=$$(date +%s%N); \
	    bin/psearch-index --tag --entities $$e "$$d"/docs/doc-*.txt \
	        > "$$d/tags.jsonl" || exit 1; \
	    ms=$$(( ($$(date +%s%N) - s) / 1000000 )); \
	    echo; echo "gazetteer: $$gaz ($$bytes bytes tagged in $$ms ms)"; \
	    $(B)/tests/ner_eval score "$$d/docs/gold.tsv" "$$d/tags.jsonl" || exit 1; \
	done
