#!/usr/bin/env bash
# psearch-index on the shipped corpus: options, a first build, incremental
# runs that add, change and delete files, --full, and Xapian's own tools
# reading the result.
. "$(dirname "$0")/lib.sh"
IX=$TMP/index
copy_corpus
C=$TMP/corpus

test_expect_success '--help answers and names every option' '
    out=$("$BIN/psearch-index" --help)
    for o in --index --full --entities --include --exclude --max-size --stats --quiet; do
        case $out in *"$o"*) ;; *) echo "missing $o"; exit 1;; esac
    done
'
test_expect_success 'no corpus folder is a usage error (2)' '
    assert_exit 2 "$BIN/psearch-index" --index "$IX"
'
test_expect_success 'an unknown option is a usage error (2)' '
    assert_exit 2 "$BIN/psearch-index" --bogus "$C"
'
test_expect_success 'a missing corpus folder is a usage error (2)' '
    assert_exit 2 "$BIN/psearch-index" --index "$IX" "$TMP/nope"
'
test_expect_success 'a first run is silent and indexes the five articles' '
    out=$("$BIN/psearch-index" --index "$IX" "$C" 2>&1)
    assert_eq "$out" ""
    assert_eq "$(doccount "$IX")" 5
'
test_expect_success 'the gazetteer is not indexed as an article' '
    xapian-delve -1 -a "$IX" | lacks "^Q.*entities.tsv"
'
test_expect_success 'xapian-delve sees stemmed, positioned and entity terms' '
    xapian-delve -1 -a "$IX" > "$TMP/terms"
    grep -qx "guarantees" "$TMP/terms"
    grep -qx "ZSguarante" "$TMP/terms"
    # Body words have no stem terms: a stem is searched through its words.
    lacks "^Zguarante" < "$TMP/terms"
    grep -qx "XPERSON:zelensky" "$TMP/terms"
    grep -qx "XORG:nato" "$TMP/terms"
    grep -qx "XTREATY:article-5" "$TMP/terms"
    grep -qx "mar-a-lago" "$TMP/terms"
    grep -qx "800,000" "$TMP/terms"
    grep -qx "Q$C/000_e38818ae5e4e4397.txt" "$TMP/terms"
    xapian-delve "$IX" | grep -qx "has positional information = true"
    xapian-delve -r 1 -t guarantees "$IX" | grep -q "record #1: [0-9]"
    xapian-delve -r 1 -t XTREATY:article-5 "$IX" | grep -q "record #1: [0-9]"
'
test_expect_success 'every alias of Zelensky is one entity term' '
    n=$(xapian-delve -t XPERSON:zelensky "$IX" | sed -n "s/^Posting List for term .XPERSON:zelensky. (termfreq \([0-9]*\).*/\1/p")
    assert_eq "$n" 4
'
test_expect_success 'quest can run a phrase query on the index' '
    quest -d "$IX" "\"article 5\"" | grep -q "MSet:"
    n=$(quest -d "$IX" "\"article 5\"" | grep -c "^[0-9]*: \[")
    assert_eq "$n" 3
'
test_expect_success 'an unchanged corpus is skipped' '
    out=$("$BIN/psearch-index" --index "$IX" --stats "$C")
    case $out in *"added 0, updated 0, removed 0, skipped 5, errors 0"*) ;;
        *) echo "$out"; exit 1;; esac
'
test_expect_success 'new, changed and deleted files are applied at once' '
    printf "Peace in Tallinn\nEstonia hosted talks.\n" > "$C/100_new.txt"
    printf "\nA late addition about Tbilisi.\n" >> "$C/001_c0e3d50bc6607f1e.txt"
    rm "$C/003_a77ff0a092966a45.txt"
    out=$("$BIN/psearch-index" --index "$IX" --stats "$C")
    case $out in *"added 1, updated 1, removed 1, skipped 3, errors 0"*) ;;
        *) echo "$out"; exit 1;; esac
    assert_eq "$(doccount "$IX")" 5
    xapian-delve -1 -a "$IX" | grep -qx tbilisi
    xapian-delve -1 -a "$IX" | grep -qx tallinn
    xapian-delve -1 -a "$IX" | lacks "^Q$C/003_a77ff0a092966a45.txt$"
'
test_expect_success 'an update learns the word forms of its documents' '
    # "quokkas hopping" is new to the index: a stemmed phrase in other
    # forms must find it, and so must it after a rebuild.
    printf "Marsupials\nThe quokkas hopping about.\n" > "$C/101_forms.txt"
    "$BIN/psearch-index" --index "$IX" "$C"
    for run in update full; do
        out=$("$BIN/psearch" --direct --index "$IX" --vimgrep "~\"quokka hops\"")
        case $out in *101_forms.txt:2:5:*) ;; *) echo "$run: $out"; exit 1;; esac
        assert_exit 1 "$BIN/psearch" --direct --index "$IX" "\"quokka hops\""
        "$BIN/psearch-index" --index "$IX" --full "$C"
    done
    rm "$C/101_forms.txt"
    "$BIN/psearch-index" --index "$IX" "$C"
'
test_expect_success 'a touched but unchanged file is not reindexed' '
    touch "$C/002_5595f683dd3850cc.txt"
    out=$("$BIN/psearch-index" --index "$IX" --stats "$C")
    case $out in *"updated 0"*"skipped 5"*) ;; *) echo "$out"; exit 1;; esac
    out=$("$BIN/psearch-index" --index "$IX" --stats "$C")
    case $out in *"skipped 5"*) ;; *) echo "$out"; exit 1;; esac
'
test_expect_success '--full rebuilds into a new generation and drops the old' '
    old=$(live_gen "$IX")
    "$BIN/psearch-index" --index "$IX" --full "$C"
    new=$(live_gen "$IX")
    [ "$old" != "$new" ]
    [ ! -e "$old" ]
    assert_eq "$(doccount "$IX")" 5
    xapian-check "$new" > /dev/null
'
test_expect_success 'a rebuild is compacted in place: nothing is left beside it' '
    ls "$IX" > "$TMP/ls"
    lacks "compact\|old" < "$TMP/ls"
'
test_expect_success 'a build in segments of any size gives the same index' '
    # Segments of 3 documents: 120 articles make 40 segments, merged
    # sixteen at a time (lib/index/shardw.h), and the shards of --shards 2
    # 20 each. Every answer, term and document id is the same as in the
    # build of one segment.
    make_big_corpus 120
    for n in 1000 3; do
        PSEARCH_SEGMENT_DOCS=$n "$BIN/psearch-index" --index "$TMP/seg$n" \
            "$TMP/big"
        PSEARCH_SEGMENT_DOCS=$n "$BIN/psearch-index" --index "$TMP/shd$n" \
            --shards 2 "$TMP/big"
    done
    assert_eq "$(doccount "$TMP/seg3")" 120
    for q in Zelensky "peace plan" person:zelensky said:Zelenskiy \
        "copy number 77" "quote:\"the war\"" guarantees copy; do
        for p in seg shd; do
            for n in 1000 3; do
                "$BIN/psearch" --direct --index "$TMP/$p$n" --json --facets \
                    -n 50 -- "$q" | sed "s/\"elapsed_us\":[0-9]*//" \
                    > "$TMP/$p$n.json"
            done
            cmp "$TMP/${p}1000.json" "$TMP/${p}3.json"
        done
    done
    grep -q "\"total\":120," "$TMP/seg3.json" # copy
    xapian-delve -a -v "$(live_gen "$TMP/seg1000")" > "$TMP/seg1000.terms"
    xapian-delve -a -v "$(live_gen "$TMP/seg3")" > "$TMP/seg3.terms"
    cmp "$TMP/seg1000.terms" "$TMP/seg3.terms"
    xapian-check "$(live_gen "$TMP/seg3")" > /dev/null
    # The segments are gone once compacted into the shards.
    find "$TMP/seg3" "$TMP/shd3" -name "seg.*" > "$TMP/left"
    [ ! -s "$TMP/left" ]
'
test_expect_success 'each run keeps the word lists of suggestions up to date' '
    # psearch.spell.C.N: the words that start with C and are N bytes long,
    # with their document counts (doc/index-format.md).
    gen=$(live_gen "$IX")
    xapian-metadata get "$gen" psearch.spell.z.8 | grep -qx "zelensky	[0-9]*"
    printf "Wildlife\nA zyzzyvax and another zyzzyvax.\n" > "$C/102_spell.txt"
    "$BIN/psearch-index" --index "$IX" "$C"
    xapian-metadata get "$gen" psearch.spell.z.8 | grep -qx "zyzzyvax	1"
    out=$("$BIN/psearch" --direct --index "$IX" zyzzyvix 2>&1 || :)
    case $out in *"Did you mean: zyzzyvax"*) ;; *) echo "$out"; exit 1;; esac
    rm "$C/102_spell.txt"
    "$BIN/psearch-index" --index "$IX" "$C"
    xapian-metadata get "$gen" psearch.spell.z.8 | lacks "^zyzzyvax"
'
test_expect_success 'entity ids are listed by the ends of their ids' '
    xapian-metadata get "$(live_gen "$IX")" psearch.surname.XORG:london |
        grep -q "^XORG:.*-london$"
'
test_expect_success '$PSEARCH_INDEX names the index when --index is absent' '
    PSEARCH_INDEX=$TMP/env-index "$BIN/psearch-index" "$C"
    assert_eq "$(doccount "$TMP/env-index")" 5
'
test_expect_success 'the default index lives under $XDG_DATA_HOME' '
    "$BIN/psearch-index" "$C"
    assert_eq "$(doccount "$XDG_DATA_HOME/psearch/index")" 5
'
test_expect_success '--include and --exclude choose the articles' '
    "$BIN/psearch-index" --index "$TMP/ix2" --exclude "00[01]_*" "$C"
    assert_eq "$(doccount "$TMP/ix2")" 3
    printf "Notes on Kyiv\n" > "$C/notes.text"
    "$BIN/psearch-index" --index "$TMP/ix2" --include "*.text" "$C"
    assert_eq "$(doccount "$TMP/ix2")" 1
'
test_expect_success 'front matter supplies metadata and is not body text' '
    mkdir -p "$TMP/fm"
    printf -- "---\ntitle: Talks in Geneva\ndate: 2025-11-23\nsource: Wire\nurl: https://example.org/a\n---\nDelegations met on Sunday.\n" > "$TMP/fm/a.txt"
    "$BIN/psearch-index" --index "$TMP/ix3" "$TMP/fm"
    xapian-delve -1 -a "$TMP/ix3" > "$TMP/t3"
    grep -qx "Sgeneva" "$TMP/t3"
    xapian-delve -V2 "$TMP/ix3" | grep -q " 1:20251123\$"
    lacks "^wire$" < "$TMP/t3"
    lacks "^url$" < "$TMP/t3"
    grep -qx "delegations" "$TMP/t3"
'
test_done
