#!/usr/bin/env bash
# Entity identity across articles (include/psearch/ident.h), with no
# gazetteer, on the articles of tests/entity/ that name the same people
# in different ways: each person is one entity, a person, with one
# readable name, in --tag, the facets, the doc op and the queries; and
# the answers are the same from one index, from --shards 3 and from
# articles indexed one run at a time in any order.
. "$(dirname "$0")/lib.sh"
C=$TMP/corpus
mkdir -p "$C"
cp "$ROOT"/tests/entity/*.txt "$C"/
IX=$TMP/ix
"$BIN/psearch-index" --index "$IX" --entities /dev/null "$C"
P() { "$BIN/psearch" --direct --index "$1" "${@:2}"; }

# The person rows of the facets of a query every article matches, as
# "id name docs" lines.
people() {
    P "$1" --json --count --facets=100 'path:/' |
        "$TOOLS/json_get" .facets.person | tr '{' '\n' |
        sed -n 's/.*"id":"\([^"]*\)","name":"\([^"]*\)","docs":\([0-9]*\).*/\1 \2 \3/p'
}

test_expect_success '--tag: every form of a person resolves to one id' '
    "$BIN/psearch-index" --tag --entities /dev/null "$C"/*.txt >"$TMP/tag"
    # The mention text of each row with its id.
    while IFS= read -r line; do
        set -- $(printf "%s\n" "$line" | "$TOOLS/json_get" .path .offset .length .id)
        printf "%s\t%s\n" "$(tail -c +$(($2 + 1)) "$1" | head -c "$3")" "$4"
    done <"$TMP/tag" >"$TMP/forms"
    for form in "HILLARY CLINTON" "Hillary Clinton" "Hillary" \
                "Hillary Rodham Clinton" "Clinton"; do
        grep -q "^$form	hillary-clinton\$" "$TMP/forms" ||
            { echo "no $form as hillary-clinton"; exit 1; }
    done
    lacks "^Clinton	clinton\$" <"$TMP/forms"
    grep -q "^Donald J. Trump	donald-trump\$" "$TMP/forms"
    grep -q "^DONALD TRUMP	donald-trump\$" "$TMP/forms"
    grep -q "^James B. Comey	james-comey\$" "$TMP/forms"
    grep -q "^Obama	barack-obama\$" "$TMP/forms"
    grep -q "^Bill Clinton	bill-clinton\$" "$TMP/forms"
    grep -q "^Federal Bureau of Investigation	fbi\$" "$TMP/forms"
    # Titles and junk are no names.
    lacks "^Sen	" <"$TMP/forms"
    lacks "^I.m	" <"$TMP/forms"
    lacks "^D-Vt	" <"$TMP/forms"
    # The article'"'"'s own term is shown too.
    grep -q "\"id\":\"hillary-clinton\".*\"term\":\"XPERSON:clinton\"" "$TMP/tag"
'

test_expect_success 'facets: each person one row, a person, named as people write' '
    people "$IX" >"$TMP/people"
    cat "$TMP/people"
    for who in "hillary-clinton Hillary Clinton 4" "donald-trump " \
               "barack-obama Barack Obama 2" "bernie-sanders Bernie Sanders 3" \
               "james-comey " "bill-clinton Bill Clinton 1"; do
        grep -q "^$who" "$TMP/people" || { echo "no row $who"; exit 1; }
    done
    assert_eq "$(grep -c -i "clinton" "$TMP/people")" 2
    assert_eq "$(grep -c -i "trump" "$TMP/people")" 1
    assert_eq "$(grep -c -i "obama\|sanders\|comey" "$TMP/people")" 3
    # No other type holds them, and no name is in headline capitals.
    P "$IX" --json --count --facets=100 "path:/" >"$TMP/all"
    lacks "\"id\":\"\(trump\|obama\|sanders\|clinton\|donald-trump\)\"" \
        < <("$TOOLS/json_get" .facets.place .facets.org .facets.misc <"$TMP/all")
    lacks "HILLARY\|DONALD\|SANDERS PRESSES" <"$TMP/all"
'

test_expect_success 'queries follow the entities' '
    assert_eq "$(P "$IX" --count person:Hillary)" 4
    assert_eq "$(P "$IX" --count "person:\"Hillary Clinton\"")" 4
    assert_eq "$(P "$IX" --count "person:\"Hillary Rodham Clinton\"")" 4
    assert_eq "$(P "$IX" --count "person:\"Donald J. Trump\"")" 2
    assert_eq "$(P "$IX" --count person:Obama)" 2
    assert_eq "$(P "$IX" --count person:Trump NEAR/5 wall)" 2
    assert_eq "$(P "$IX" --count person:Comey NEAR/8 emails)" 1
    assert_eq "$(P "$IX" --count person:Comey -org:FBI)" 0
    assert_eq "$(P "$IX" --count "org:\"Federal Bureau of Investigation\"")" 2
    # An ambiguous surname finds every Clinton; the facets tell them apart.
    P "$IX" --json --count --facets "person:Clinton" >"$TMP/cl"
    grep -q "\"total\":4" "$TMP/cl"
    grep -q "Bill Clinton" "$TMP/cl"
'

test_expect_success 'a nationality is its country when an article names the country' '
    assert_eq "$(P "$IX" --count place:Germany)" 2
    assert_eq "$(P "$IX" --count place:France)" 2
    assert_eq "$(P "$IX" --count place:Netherlands)" 2
    assert_eq "$(P "$IX" --count misc:German)" 2
    # A word query still tells the two apart.
    assert_eq "$(P "$IX" --count Germany)" 1
    # No article names a Kurdistan: "Kurdish" stays a name of its own.
    assert_eq "$(P "$IX" --count misc:Kurdish)" 1
    P "$IX" --json --entities "$C/a11.txt" >"$TMP/a11"
    grep -q "\"type\":\"place\",\"id\":\"germany\",\"name\":\"Germany\"" "$TMP/a11"
    grep -q "\"type\":\"misc\",\"id\":\"kurdish\"" "$TMP/a11"
    P "$IX" --json --count --facets=100 "path:/" >"$TMP/all"
    lacks "\"id\":\"german\"" <"$TMP/all"
    # --tag keeps the kind of name as written, for ner-eval.
    "$BIN/psearch-index" --tag --entities /dev/null "$C"/a1[12].txt >"$TMP/nat"
    grep -q "\"id\":\"germany\".*\"term\":\"XMISC:german\",\"mention_type\":\"misc\"" "$TMP/nat"
'

test_expect_success 'a dateline is a place of its own when its name is then a team' '
    mkdir -p "$TMP/dl"
    printf "%s\n" "BASEBALL - STANDINGS ." "NEW YORK 1996-08-30" \
        "Major League Baseball standings:" "NEW YORK 74 59 .556 -" \
        "BALTIMORE 70 63 .526 4" "BOSTON 69 65 .515 5" >"$TMP/dl/s.txt"
    "$BIN/psearch-index" --tag --entities /dev/null "$TMP/dl/s.txt" >"$TMP/dl/tag"
    cat "$TMP/dl/tag"
    "$TOOLS/json_get" .offset .type .id <"$TMP/dl/tag" >"$TMP/dl/got"
    grep -q "^23 place new-york\$" "$TMP/dl/got"
    grep -q "^[0-9]* org new-york\$" "$TMP/dl/got"
'

test_expect_success 'a country before its holiday is a name of its own' '
    printf "Trading was thin before the U.S. Labor Day weekend.\n" >"$TMP/dl/h.txt"
    "$BIN/psearch-index" --tag --entities /dev/null "$TMP/dl/h.txt" |
        "$TOOLS/json_get" .type .id >"$TMP/dl/h"
    printf "place us\nmisc labor-day\n" | cmp - "$TMP/dl/h"
'

test_expect_success 'in a sports report a country named as a side is its team' '
    printf "%s\n" "CRICKET - ENGLAND SQUAD" \
        "Hussain was named in the England squad on Friday, and England" \
        "will play against Pakistan at Lord'"'"'s. The batsman was born in" \
        "Pakistan and has played county cricket for eight seasons." \
        "Scores: England 326 for five, innings closed." >"$TMP/dl/c.txt"
    "$BIN/psearch-index" --tag --entities /dev/null "$TMP/dl/c.txt" >"$TMP/dl/c"
    "$TOOLS/json_get" .offset .type .id .mention_type <"$TMP/dl/c" >"$TMP/dl/ct"
    cat "$TMP/dl/ct"
    # A name with a cue or a score is the side, written as a place; the
    # one with none ("and England will play") and "born in Pakistan" stay
    # the place.
    assert_eq "$(grep -c "org england place" "$TMP/dl/ct")" 3
    assert_eq "$(grep -c "place england place" "$TMP/dl/ct")" 1
    assert_eq "$(grep -c "org pakistan place" "$TMP/dl/ct")" 1
    assert_eq "$(grep -c "place pakistan place" "$TMP/dl/ct")" 1
'

test_expect_success 'middle initials tell two people apart, and no one else' '
    assert_eq "$(P "$IX" --count "person:\"George W. Bush\"")" 1
    assert_eq "$(P "$IX" --count "person:\"George H. W. Bush\"")" 1
    P "$IX" --json --entities "$C/a13.txt" >"$TMP/a13"
    grep -q "\"id\":\"george-w-bush\",\"name\":\"George W. Bush\"" "$TMP/a13"
    grep -q "\"id\":\"george-hw-bush\",\"name\":\"George H.W. Bush\",\"known\":false,\"count\":2" "$TMP/a13"
    # "Donald J. Trump" is still Donald Trump.
    assert_eq "$(P "$IX" --count "person:\"Donald J. Trump\"")" 2
'

test_expect_success 'one person however a transliterated name is spelt' '
    for q in Zelenskyy Zelensky Zelenskiy "\"Volodymyr Zelensky\""; do
        assert_eq "$(P "$IX" --count "person:$q")" 3
    done
    # One article for each spelling: the tie goes to the first in byte
    # order, so every article shows one id.
    for f in a14 a15 a16; do
        P "$IX" --json --entities "$C/$f.txt" | grep "^{\"type\":\"person\"" |
            grep -c "\"id\":\"volodymyr-zelensky\",\"name\":\"Volodymyr Zelensky\""
    done >"$TMP/zel"
    assert_eq "$(tr "\n" " " <"$TMP/zel")" "1 1 1 "
    assert_eq "$(P "$IX" --count "person:\"Sergey Ryabkov\"")" 2
    P "$IX" --json --entities "$C/a15.txt" | grep -q "\"id\":\"sergei-ryabkov\""
'

test_expect_success 'one person under a nickname and the formal first name' '
    for q in Biden "\"Joe Biden\"" "\"Joseph Biden\"" "\"Joseph R. Biden\""; do
        assert_eq "$(P "$IX" --count "person:$q")" 2
    done
    # One row an article, though a17 writes both names: named as most
    # articles name him in full (Joseph: a17 and a18; Joe: a17).
    for f in a17 a18; do
        P "$IX" --json --entities "$C/$f.txt" | grep "^{\"type\":\"person\"" |
            grep -c "\"id\":\"joseph-biden\",\"name\":\"Joseph Biden\""
    done >"$TMP/biden"
    assert_eq "$(tr "\n" " " <"$TMP/biden")" "1 1 "
    people "$IX" | grep -i biden >"$TMP/biden-rows"
    assert_eq "$(cat "$TMP/biden-rows")" "joseph-biden Joseph Biden 2"
'

test_expect_success 'a surname of several words finds the person named in full' '
    # Le Pen is in the id; Pena, a middle word, only in the name written.
    for q in "\"Le Pen\"" "\"Marine Le Pen\"" "\"Peña Nieto\"" \
             "\"Enrique Peña Nieto\""; do
        assert_eq "$(P "$IX" --count "person:$q")" 1
    done
    assert_eq "$(P "$IX" --count "person:\"Marine Nieto\"" || true)" 0
'

test_expect_success 'the doc op: one row per entity with its display name' '
    P "$IX" --json --entities "$C/a3.txt" >"$TMP/a3"
    assert_eq "$(grep -c "^{\"type\":\"person\",\"id\":\"hillary-clinton\"" "$TMP/a3")" 1
    grep -q "\"id\":\"hillary-clinton\",\"name\":\"Hillary Clinton\"" "$TMP/a3"
    P "$IX" --json --entities "$C/a2.txt" >"$TMP/a2"
    grep -q "\"id\":\"hillary-clinton\",\"name\":\"Hillary Clinton\".*\"count\":4" "$TMP/a2"
'

test_expect_success 'written variants of a name: "The", a typing, a state'"'"'s abbreviation' '
    V=$TMP/variants
    mkdir -p "$V"
    printf "%s\n" "Senator speaks in New Hampshire" "" \
        "The senator spoke to voters in Manchester, N.H., on Monday, The Washington Post reported." \
        "She later flew to Los Angeles, Calif., for a fundraiser." >"$V/v1.txt"
    printf "%s\n" "Governor visits California" "" \
        "The governor toured California on Tuesday, the Washington Post said." \
        "In an interview with Politico, the governor said he would run in New Hampshire." >"$V/v2.txt"
    printf "%s\n" "Debate schedule" "" \
        "A spokesman told Politico on Friday that the debate in California would go ahead." >"$V/v3.txt"
    printf "%s\n" "Debate moderators" "" \
        "She spoke to reporters from Politico, CNN and the Associated Press." >"$V/v4.txt"
    printf "%s\n" "Debate news" "" \
        "The schedule was first reported by Politico, a news site owned by Capitol News Company." >"$V/v5.txt"
    "$BIN/psearch-index" --index "$V.idx" --entities /dev/null "$V"
    # Each article names each entity under a term of its own ...
    "$BIN/psearch-index" --tag --entities /dev/null "$V"/*.txt |
        "$TOOLS/json_get" .term >"$V/terms"
    for t in XORG:the-washington-post XORG:washington-post XPLACE:calif \
             XPLACE:nh XPLACE:politico XMISC:politico XORG:politico; do
        grep -q "^$t\$" "$V/terms" || { echo "no term $t"; exit 1; }
    done
    # ... and the index reads them as one.
    for q in "org:\"Washington Post\"" "org:\"The Washington Post\""; do
        assert_eq "$(P "$V.idx" --count "$q")" 2
    done
    assert_eq "$(P "$V.idx" --count place:California)" 3
    assert_eq "$(P "$V.idx" --count place:Calif)" 3
    assert_eq "$(P "$V.idx" --count "place:\"New Hampshire\"")" 2
    # Typed misc in one article and an org in two: the org. Typed a
    # place in one ("In an interview with Politico"): still a place.
    assert_eq "$(P "$V.idx" --count org:Politico)" 3
    P "$V.idx" --json --count --facets=100 "path:/" >"$V/all"
    lacks "\"id\":\"\(the-washington-post\|calif\|nh\)\"" <"$V/all"
    lacks "\"facets\":{.*\"misc\":\[[^]]*\"id\":\"politico\"" <"$V/all"
    P "$V.idx" --json --entities "$V/v1.txt" >"$V/v1"
    grep -q "\"type\":\"org\",\"id\":\"washington-post\",\"name\":\"Washington Post\"" "$V/v1"
    grep -q "\"type\":\"place\",\"id\":\"california\",\"name\":\"California\"" "$V/v1"
'

# answers INDEX CORPUS: everything a reader shows of the entities: facets
# of every article and of a few queries, and each article's entities.
answers() {
    local q f
    for q in "path:/" "person:Clinton" "person:Hillary" "org:FBI" \
             "place:Germany" "person:Zelensky" "person:Biden" \
             "person:\"Le Pen\""; do
        P "$1" --json --count --facets=100 "$q"
    done | sed "s/\"elapsed_us\":[0-9]*//"
    for f in "$2"/*.txt; do
        P "$1" --json --entities "$f"
    done | sed "s|$2/||g"
}

test_expect_success 'the same from --shards 3 and from runs in any order' '
    answers "$IX" "$C" >"$TMP/one"
    "$BIN/psearch-index" --index "$TMP/s3" --shards 3 --entities /dev/null "$C"
    answers "$TMP/s3" "$C" >"$TMP/three"
    cmp "$TMP/one" "$TMP/three"
    # One article per run, forwards and backwards: nothing depends on
    # which article came first.
    for order in "$(ls "$C")" "$(ls "$C" | sort -r)"; do
        rm -rf "$TMP/inc" "$TMP/part"
        mkdir "$TMP/part"
        for f in $order; do
            cp "$C/$f" "$TMP/part/"
            "$BIN/psearch-index" --index "$TMP/inc" --entities /dev/null "$TMP/part"
        done
        answers "$TMP/inc" "$TMP/part" >"$TMP/inc.out"
        cmp "$TMP/one" "$TMP/inc.out"
    done
'
# A daemon's threads share what they resolved with the others reading the
# same revision (ident_db.h): an article that changes who a name stands
# for must reach every thread at the next revision, none answering from
# what was shared before. "Clinton" alone is a person of its own until
# an article names Hillary Clinton.
G=$TMP/grow
mkdir "$G"
cp "$C/a2.txt" "$G/"
"$BIN/psearch-index" --index "$TMP/gx" --entities /dev/null "$G"
start_daemon grow --index "$TMP/gx" --socket "$TMP/gx.sock" --threads 4 \
    --cache-size 0 --reopen-interval 0
wait_ready "$TMP/gx.sock"
Q='{"op":"search","q":"clinton"}'
# The ids of the person rows of eight answers asked at once, one a line.
clintons() {
    ask "$TMP/gx.sock" "$Q" "$Q" "$Q" "$Q" "$Q" "$Q" "$Q" "$Q" |
        grep -o '"type":"person","id":"[a-z-]*clinton"' | sort | uniq -c
}

test_expect_success 'daemon threads share an identity only within a revision' '
    clintons >"$TMP/before"
    cat "$TMP/before"
    assert_eq "$(cat "$TMP/before")" "      8 \"type\":\"person\",\"id\":\"clinton\""
    cp "$C/a1.txt" "$G/"
    "$BIN/psearch-index" --index "$TMP/gx" --entities /dev/null "$G"
    for i in $(seq 1 $((WAIT * 10))); do
        clintons >"$TMP/after"
        grep -q "\"id\":\"clinton\"" "$TMP/after" || break
        sleep 0.1
    done
    cat "$TMP/after"
    lacks "\"id\":\"clinton\"" <"$TMP/after"
    grep -q "16 \"type\":\"person\",\"id\":\"hillary-clinton\"" "$TMP/after"
'
stop_daemon grow

test_done
