# The NER model (include/psearch/ner.h): `make ner-model` trains it on
# CoNLL-2003 eng.train and writes corpus/ner.model, the file that is
# committed and installed; the same data always gives the same bytes.
# NER_DEV names a development file to score the new model on (eng.testa
# by default; empty for none). The data is not part of the project: see
# ../shared/data/README.md.

# The lexicon of common words is the Debian dictionary (wamerican); the
# list of the world's places comes from iso-codes and tzdata
# (train/tools/places.c).

DEB_PKGS  += wamerican iso-codes tzdata

NER_DATA  ?= ../shared/data/conll2003
# wamerican's own file, not /usr/share/dict/words: that link follows the
# machine's default dictionary, which installing another word list (web2,
# wamerican-huge) may change, and with it the model's bytes.
NER_LEXICON ?= /usr/share/dict/american-english
NER_TRAIN ?= $(NER_DATA)/eng.train
NER_DEV   ?= $(wildcard $(NER_DATA)/eng.testa)
NER_ISO   ?= /usr/share/iso-codes/json
NER_ZONES ?= /usr/share/zoneinfo/zone1970.tab

$(B)/gen/places.txt: $(B)/train/places
	@mkdir -p $(@D)
	$(B)/train/places $(NER_ISO)/iso_3166-1.json $(NER_ISO)/iso_3166-2.json \
	    $(NER_ZONES) > $@.tmp && mv $@.tmp $@

.PHONY: ner-model
NER_TRAIN_ARGS = --train $(NER_TRAIN) --lexicon $(NER_LEXICON) \
    --places $(B)/gen/places.txt
ner-model: $(B)/train/ner_train $(B)/gen/places.txt
	$(B)/train/ner_train $(NER_TRAIN_ARGS) --out corpus/ner.model \
	    $(if $(NER_DEV),--dev $(NER_DEV))

# Whether corpus/ner.model is what `make ner-model` makes now: a change to
# the tagger's features, the lexicon or the trainer that is not followed
# by a retrain leaves a committed model no one can rebuild (.ci/run runs
# it beside the data; about 35 s).
.PHONY: ner-model-check
ner-model-check: $(B)/train/ner_train $(B)/gen/places.txt
	@mkdir -p $(B)/check
	$(B)/train/ner_train $(NER_TRAIN_ARGS) --out $(B)/check/ner.model >/dev/null
	@cmp -s corpus/ner.model $(B)/check/ner.model || { echo \
	    "corpus/ner.model is not what make ner-model makes now: retrain it" >&2; \
	    exit 1; }
	@echo "corpus/ner.model: rebuilt byte for byte"
