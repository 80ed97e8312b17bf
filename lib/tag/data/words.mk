# Word lists the tagger and the identity rules keep are data files
# (lib/tag/data/*.txt, lib/ident/data/*.txt, each with a note on its
# origin), turned at build time into C arrays of sorted strings in
# build/gen/, which the library compiles in: no file to find at run time,
# and a list out of order is refused when it is built.

define PS_GEN_RECIPE
	@mkdir -p $(@D)
	@grep -v '^#' $< | grep -v '^$$' | LC_ALL=C sort -c 2>/dev/null || \
	    { echo "$<: not sorted bytewise (LC_ALL=C sort)"; exit 1; }
	grep -v '^#' $< | grep -v '^$$' | sed 's/.*/    "&",/' > $@.tmp && mv $@.tmp $@
endef
$(B)/gen/%.inc: lib/tag/data/%.txt
	$(PS_GEN_RECIPE)
$(B)/gen/%.inc: lib/ident/data/%.txt
	$(PS_GEN_RECIPE)

# The fuzzing build (tests/fuzz/fuzz.mk) compiles the same file with its
# own flags.
PS_GEN_INC := $(B)/gen/treaty-cues.inc $(B)/gen/honorifics.inc \
	$(B)/gen/seats.inc $(B)/gen/holidays.inc $(B)/gen/place-heads.inc \
	$(B)/gen/titles.inc $(B)/gen/sports.inc $(B)/gen/team-before.inc \
	$(B)/gen/team-after.inc $(B)/gen/justice-after.inc \
	$(B)/gen/female-names.inc $(B)/gen/male-names.inc
PS_GEN_USERS := tagger_words tagger_span tagger_team tagger_gender
$(foreach u,$(PS_GEN_USERS),$(B)/lib/tag/$(u).o $(B)/fuzz/lib/tag/$(u).o): $(PS_GEN_INC)
$(foreach u,$(PS_GEN_USERS),$(B)/lib/tag/$(u).o): CPPFLAGS += -I$(B)/gen
$(foreach u,$(PS_GEN_USERS),$(B)/fuzz/lib/tag/$(u).o): FUZZ_CPPFLAGS += -I$(B)/gen
$(B)/lib/ident/ident_spelling.o $(B)/fuzz/lib/ident/ident_spelling.o: $(B)/gen/nicknames.inc
$(B)/lib/ident/ident_spelling.o: CPPFLAGS += -I$(B)/gen
$(B)/fuzz/lib/ident/ident_spelling.o: FUZZ_CPPFLAGS += -I$(B)/gen
$(B)/lib/ident/ident_variant.o $(B)/fuzz/lib/ident/ident_variant.o: $(B)/gen/place-variants.inc
$(B)/lib/ident/ident_variant.o: CPPFLAGS += -I$(B)/gen
$(B)/fuzz/lib/ident/ident_variant.o: FUZZ_CPPFLAGS += -I$(B)/gen
