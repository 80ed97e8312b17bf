#!/usr/bin/env bash
# Who said what: the attributions the indexer finds, as psearch shows them
# (the people's lines, --json, --vimgrep, the quoted facet, --entities and
# the doc operation), bad quotation marks that must index fine, and the
# shipped articles scored against the hand-made gold list
# (tests/gold/quotes.jsonl). The said:/quote: rows of the query table are
# in tests/queries.tsv (T200, T610).
. "$(dirname "$0")/lib.sh"

IX=$TMP/index
copy_corpus
C=$TMP/corpus
F1=001_c0e3d50bc6607f1e.txt
cd "$TMP"
jget() { "$TOOLS/json_get" "$@"; }
psd() { "$BIN/psearch" --direct --index "$IX" --width 0 "$@"; }
# The shipped articles' floor: what the trained model scores now (F1 0.742
# against the hand-made gold, doc/quotes.md) less what a change of seed
# moves it by on these 86 attributions (0.742 to 0.777 over seeds of the
# same code), kept from regressing. The issue's target is 0.90;
# it is not met yet.
GOLD_FLOOR=0.69

test_expect_success 'index the corpus' '
    "$BIN/psearch-index" --index "$IX" "$C"
'

test_expect_success 'said:Lough: one line per quote, speaker, cue and content' '
    psd said:Lough >out 2>err
    grep "^corpus/$F1:" out | cut -d: -f2 | sort -u >got
    printf "18\n21\n" >want
    cmp got want
    grep -q "^corpus/$F1:18: John Lough said: .*a clear red line for Putin" out
    grep -q "^corpus/$F1:21: John Lough said: “So this is likely to go a few more rounds,”" out
'

test_expect_success 'a line too narrow for speaker and cue keeps the speaker' '
    # 37 columns of path and line number leave 33: "John Lough said: "
    # takes half, so the cue goes and the speaker stays before the match.
    "$BIN/psearch" --direct --index "$IX" --width 70 said:Lough rounds >out
    grep -q "^corpus/$F1:21: John Lough: ….*rounds" out
'

test_expect_success '--max-hits bounds the quotes of a result, quote_count counts them' '
    psd --json said:Lough | head -1 >all
    psd --json --max-hits 1 said:Lough | head -1 >one
    n=$(grep -o "\"speaker_kind\"" all | wc -l)
    test "$n" -ge 2
    assert_eq "$(jget .quote_count <all)" "$n"
    assert_eq "$(jget .quote_count <one)" "$n"
    assert_eq "$(grep -o "\"speaker_kind\"" one | wc -l)" 1
    psd --max-hits 1 said:Lough >out
    assert_eq "$(grep -c "^corpus/$F1:" out)" 1
'

test_expect_success 'said:Lough Putin: only the quote with the word' '
    psd said:Lough Putin >out
    grep "^corpus/" out >lines
    assert_eq "$(wc -l <lines)" 1
    grep -q ":18: John Lough said:" lines
'

test_expect_success '--json: each result lists its matching quotes' '
    psd --json said:Lough | head -1 >out
    n=$(jget ".quotes#" <out)
    rm -f qlines
    [ "$n" -ge 2 ]
    rm -f cues
    for i in $(seq 0 $((n - 1))); do
        jget ".quotes[$i].speaker.id" ".quotes[$i].speaker.type" \
            ".quotes[$i].speaker_kind" <out
        jget ".quotes[$i].cue" <out >>cues
        jget ".quotes[$i].line" <out >>qlines
    done | sort -u >got
    # Every quote is his; his two "said" quotes are among them (the model
    # may find a doubtful third, as "focused on" at line 18).
    assert_eq "$(cat got)" "lough person entity"
    grep -qx said cues
    grep -qx 18 qlines
    grep -qx 21 qlines
    jget ".quotes[$((n - 1))].content" ".quotes[$((n - 1))].kind" <out >got
    assert_eq "$(cat got)" "“So this is likely to go a few more rounds,” direct"
    c=$(jget ".quotes[0].confidence" <out)
    awk -v c="$c" "BEGIN { exit !(c > 0 && c <= 1) }"
'

test_expect_success 'a quote marks the query words inside its content' '
    psd --json said:Lough rounds | head -1 >out
    jget ".quotes[0].marks#" ".quotes[0].marks[0][0]" ".quotes[0].marks[0][1]" \
        ".quotes[0].content" <out >got
    read -r n at len content <got
    assert_eq "$n" 1
    assert_eq "$(printf "%s" "$content" | tail -c +$((at + 1)) | head -c "$len")" rounds
    psd --json said:Lough | head -1 | jget ".quotes[0].marks#" >got
    assert_eq "$(cat got)" 0
    psd --color=always said:Lough rounds >out
    grep -q "more .*rounds" out
    grep -F -q "$(printf "\033[1;31mrounds")" out
'

test_expect_success '... and a query without said: or quote: has no quotes field' '
    psd --json Lough | head -1 | jget ".quotes" >got
    assert_eq "$(cat got)" "<missing>"
'

test_expect_success '--vimgrep: one line per quote, at the content' '
    psd --vimgrep said:Lough >out
    cut -d: -f1,2 out | uniq >got
    printf "corpus/%s:18\ncorpus/%s:21\n" $F1 $F1 >want
    cmp got want
    # The column is where the quote starts on that line.
    col=$(tail -1 out | cut -d: -f3)
    assert_eq "$col" 1
'

test_expect_success 'quote:"the war continues": the phrase inside a quote' '
    psd --vimgrep "quote:\"the war continues\"" >out
    assert_eq "$(cut -d: -f1,2 out)" "corpus/000_e38818ae5e4e4397.txt:5"
    line=$(cut -d: -f3 out)
    sed -n 5p "$C/000_e38818ae5e4e4397.txt" | cut -b "$line-$((line + 16))" >w
    assert_eq "$(cat w)" "the war continues"
'

test_expect_success 'the quoted facet: who is quoted in the matching articles' '
    psd --json --count --facets Putin >out
    jget ".facets.quoted#" <out >n
    [ "$(cat n)" -ge 2 ]
    grep -q "\"id\":\"lough\",\"name\":\"John Lough\",\"docs\":1,\"quotes\":[0-9]" out
    psd --count --facets Putin >human
    sed -n "/^quoted/,\$p" human | grep -q "John Lough .* 1 article .* quote"
'

test_expect_success 'psearch --entities lists the article s attributions' '
    psd --entities "$C/$F1" >out
    sed -n "/^quotes/,\$p" out >q
    grep -q "^    21:1: John Lough said: “So this is likely to go a few more rounds,”  \[direct, entity, " q
    psd --json --entities "$C/$F1" | grep "\"cue\"" >j
    grep "\"id\":\"lough\"" j | sed -n 1p | jget .speaker_kind .spans.cue >got
    read -r kind cue <got
    assert_eq "$kind" entity
    # The cue span names the bytes of "said" in the file.
    s=$(printf "%s" "$cue" | tr -d "[]" | cut -d, -f1)
    e=$(printf "%s" "$cue" | tr -d "[]" | cut -d, -f2)
    assert_eq "$(tail -c +$((s + 1)) "$C/$F1" | head -c $((e - s)))" said
'

test_expect_success 'an unresolved speaker is said to be one, never guessed' '
    psd --json --entities "$C/002_5595f683dd3850cc.txt" | grep "\"cue\"" >j
    jget .speaker .speaker_kind .source <j >got
    grep -v "^{" got | grep -v "^null entity" | while read -r sp kind src; do
        assert_eq "$sp" null
        case $kind in pronoun | unnamed | none) ;; *) exit 1 ;; esac
    done
'

if [ -x "$BIN/psearchd" ]; then
    SOCK=$TMP/run/T215.sock
    start_daemon d --index "$IX" --socket "$SOCK"
    at_exit kill_daemons
    test_expect_success 'the doc operation lists the attributions with the entities' '
        wait_ready "$SOCK"
        ask "$SOCK" "{\"op\":\"doc\",\"path\":\"$C/$F1\",\"from\":1,\"to\":1,\"entities\":true}" >out
        jget ".ok" ".quotes[0].spans.content[0]" ".quotes#" <out >got
        read -r ok span n <got
        assert_eq "$ok" true
        [ "$n" -ge 4 ]
        ask "$SOCK" "{\"op\":\"doc\",\"path\":\"$C/$F1\",\"from\":1,\"to\":1}" |
            jget ".quotes" >got
        assert_eq "$(cat got)" "<missing>"
    '
    test_expect_success 'the daemon shows the same quotes' '
        "$BIN/psearch" --socket "$SOCK" --width 0 said:Lough >d.out
        psd said:Lough >i.out
        cmp d.out i.out
    '
fi

# Bad quotation marks: each article indexes, and its words stay searchable.
test_expect_success 'unbalanced, nested and endless quotation marks index fine' '
    mkdir -p bad
    printf "“Never closed, said Zelensky of the plan.\nZorblax said “nested “inner” quotes” twice, “a b.\n" >bad/open.txt
    awk "BEGIN { for (i = 0; i < 100000; i++) printf \"\\\"\"; print \"\"; print \"Quuxword said Trump.\" }" >bad/marks.txt
    awk "BEGIN { for (i = 0; i < 100000; i++) printf \"“a \"; print \"\"; print \"Blorptag said Trump.\" }" >bad/opens.txt
    { printf "Title\n“"; head -c 2000000 /dev/zero | tr "\\0" "a"; printf " said Trump\nFrobnicate.\n"; } >bad/long.txt
    "$BIN/psearch-index" --index "$TMP/bad-ix" bad
    for w in Zorblax Quuxword Blorptag Frobnicate; do
        "$BIN/psearch" --direct --index "$TMP/bad-ix" --count $w >n
        assert_eq "$(cat n)" 1
    done
'

test_expect_success 'quotes in an article with front matter point at the right bytes' '
    mkdir -p fm
    printf -- "---\ntitle: Front\ndate: 2025-12-01\n---\nOpening line.\n“We will keep talking about the deal,” Lough said on Monday.\n" >fm/a.txt
    cp "$C/entities.tsv" fm/
    "$BIN/psearch-index" --index "$TMP/fm-ix" fm
    "$BIN/psearch" --direct --index "$TMP/fm-ix" --json --entities fm/a.txt |
        grep "\"cue\"" | jget .cue .line .column .content >got
    assert_eq "$(cat got)" "said 6 1 “We will keep talking about the deal,”"
'

# said_lines DIR TEXT QUERY: the people's lines of QUERY over an index of
# one article, DIR/a.txt holding TEXT (printf's format), with the shipped
# gazetteer beside it.
said_lines() {
    mkdir -p "$1"
    printf "$2" >"$1/a.txt"
    cp "$C/entities.tsv" "$1/"
    "$BIN/psearch-index" --index "$TMP/$1-ix" "$1"
    "$BIN/psearch" --direct --index "$TMP/$1-ix" --color=never --width 0 "$3"
}

test_expect_success 'a headline colon credits its speaker with one colon' '
    mkdir -p colon
    printf "Rubio: I Still Believe Trump Can Not Be Trusted With The Codes\n\nMarco Rubio still believes that the nominee is unfit to lead.\n" >colon/a.txt
    "$BIN/psearch-index" --index "$TMP/colon-ix" colon
    "$BIN/psearch" --direct --index "$TMP/colon-ix" --color=never --width 0 \
        said:Rubio >got
    grep -q "^colon/a.txt:1: Marco Rubio: I Still Believe" got
    ! grep -q " ::" got
    # A cue that ends in a colon ("said:") is not given a second one.
    said_lines colon2 "Rubio speaks\n\nMarco Rubio said: \"There is no magic to the phrase.\"\n" \
        said:Rubio >got
    grep -q "^colon2/a.txt:3: Marco Rubio said: \"There is no magic" got
    ! grep -q "::" got
'

test_expect_success 'a cue ending in a preposition is shown without it before the colon' '
    # Where a cue ends is what the model reads ("said of" or "said of
    # him"), so three quotes give it the chance, and the test asks that
    # at least one cue ends in a preposition and that every such cue is
    # shown without it: "Sanders said: ...", never "said of: ...".
    said_lines prep "Sanders on the debate\n\n\"His conduct was shameful,\" Sanders said of Bill Clinton.\n\n\"It was a disgrace,\" Sanders said about the debate.\n\n\"They were wrong,\" Sanders said of the banks.\n" \
        said:Sanders >got
    "$BIN/psearch" --direct --index "$TMP/prep-ix" --json said:Sanders |
        head -1 >json
    n=$(jget ".quotes#" <json)
    cut=0
    for i in $(seq 0 $((n - 1))); do
        cue=$(jget ".quotes[$i].cue" <json)
        line=$(jget ".quotes[$i].line" <json)
        case "$cue" in
        *" of" | *" about")
            grep -q "^prep/a.txt:$line: Sanders said: \"" got || return 1
            cut=$((cut + 1)) ;;
        esac
    done
    test "$cut" -ge 1
    ! grep -Eq "(of|about): " got
'

test_expect_success 'a name after a verb that is not of saying runs on without a colon' '
    said_lines np "Comey on the emails\n\nFBI Director James Comey called Clinton\x27s handling of the emails \"extremely careless\" on Tuesday.\n" \
        said:Comey >got
    grep -q "^np/a.txt:3: James Comey called Clinton.s handling of the emails" got
'

test_expect_success 'words in quotation marks that run on into reported speech take no colon' '
    said_lines mixed "Comey on the emails\n\nFBI Director James Comey found \xe2\x80\x9cevidence\xe2\x80\x9d that Clinton potentially violated classified information laws.\n" \
        said:Comey >got
    grep -q "^mixed/a.txt:3: James Comey found “evidence” that Clinton" got
'

test_expect_success 'a possessive source keeps its possessive, a contraction does not' '
    said_lines poss "Lough\x27s view was that the deal would take a few more rounds.\n\nHe\x27s predicting that the war continues.\n" \
        said:Lough >got
    grep -q "^poss/a.txt:1: John Lough.s view was that the deal" got
    grep -q "^poss/a.txt:3: John Lough predicting that the war" got
'

test_expect_success 'a possessive pronoun for source gives the name a possessive, according to none' '
    said_lines pron "Hillary Clinton spoke in Ohio on Monday.\n\nHer view was that the deal would take a few more rounds.\n\nAccording to her, the war continues.\n" \
        said:Clinton >got
    grep -q "^pron/a.txt:3: Hillary Clinton’s view was that the deal" got
    grep -q "^pron/a.txt:5: According to Hillary Clinton, the war continues" got
'

# Only a real attribution step passes these.
if command -v python3 >/dev/null; then
    test_expect_success 'the shipped articles against the gold attributions' '
        for f in "$C"/0*.txt; do
            psd --json --entities "$f" | grep "\"cue\"" |
                sed "s|^{|{\"path\":\"$f\",|" |
                sed "s|\"spans\":{\\(.*\\)}}\$|\\1}|"
        done >pred.jsonl
        python3 "$ROOT/tests/tools/quote_score.py" "$ROOT/tests/gold/quotes.jsonl" \
            pred.jsonl --speakers >score
        cat score
        python3 "$ROOT/tests/tools/quote_score.py" \
            "$ROOT/tests/gold/quotes.jsonl" pred.jsonl --min $GOLD_FLOOR
    '
else
    echo "SKIP the gold attributions: no python3"
fi

test_expect_success 'said:Zelenskiy: every article quoting him, in any form of speech' '
    psd --json said:Zelenskiy | jget .path | grep -o "/00[0-9]_" | sort >got
    printf "/000_\n/001_\n/004_\n" >want
    cmp got want
'
test_expect_success 'said:Trump: reported speech and pronouns resolved' '
    psd --json said:Trump | jget .path | grep -o "/00[0-9]_" | sort >got
    printf "/000_\n/001_\n/002_\n/004_\n" >want
    cmp got want
'

# A speaker is shown as the index identifies the entity across articles:
# an article that only says "Clinton" quotes the Hillary Clinton the other
# articles name in full, with her id and display name (issue 20's surname
# rule), as its entity list shows her.
test_expect_success 'a speaker named by surname only shows the full entity' '
    mkdir -p news &&
    for i in 1 2 3; do
        printf "Campaign day %s\n\nHillary Clinton said the plan would cut costs for families.\nHillary Clinton spoke in Ohio on day %s.\n" $i $i >news/full$i.txt
    done &&
    printf "Debate notes\n\nClinton said the debate would focus on jobs.\n" >news/short.txt &&
    "$BIN/psearch-index" --index nix --entities /dev/null news 2>err &&
    "$BIN/psearch" --direct --index nix --json "said:Clinton debate" |
        grep "short.txt" >out &&
    jget ".quotes[0].speaker.id" ".quotes[0].speaker.name" ".quotes[0].source" <out >got &&
    assert_eq "$(cat got)" "hillary-clinton Hillary Clinton Clinton"
'

# A surname that several people share ranks by how much the name is
# quoted, not by how rare each id is: the one article quoting a "Ryan
# Leenders" once came first for said:Ryan and person:Ryan, above every
# article quoting Paul Ryan, when each id weighed as a term of its own.
test_expect_success 'said:Ryan and person:Ryan: the ids of a name weigh as one term' '
    mkdir -p ryan &&
    printf "Union hall\n\n\"We like him,\" said Ryan Leenders, a machinist in Ohio.\n" >ryan/a.txt &&
    for i in 1 2 3 4 5 6; do
        printf "Speaker day %s\n\nHouse Speaker Paul Ryan said on Tuesday that the vote would wait.\nRyan said the party had to unite before the convention.\nRyan added that the House would vote in June.\n" $i >ryan/paul$i.txt
    done &&
    "$BIN/psearch-index" --index rix --entities /dev/null ryan 2>err &&
    for q in said:Ryan person:Ryan; do
        "$BIN/psearch" --direct --index rix --json "$q" | jget .path |
            grep "\.txt$" >got &&
        [ "$(wc -l <got)" = 7 ] &&
        tail -1 got | grep -q "/a.txt" || return 1
    done
'

# --no-quotes: an index without attributions says so when asked for
# them, still answers everything else, and keeps to its choice on updates
# (a mixed index would answer said: for some articles and not others).
test_expect_success '--no-quotes: said: and quote: say the index has none' '
    "$BIN/psearch-index" --no-quotes --index nq "$C" &&
    assert_exit 2 "$BIN/psearch" --direct --index nq said:Lough >out 2>err &&
    grep -q "no quotes.*--no-quotes" err &&
    assert_exit 2 "$BIN/psearch" --direct --index nq "quote:\"red line\"" 2>err &&
    grep -q "no quotes" err &&
    "$BIN/psearch" --direct --index nq --count Lough >out &&
    [ "$(cat out)" -ge 1 ]
'
test_expect_success '--no-quotes: a change needs --full, then said: works' '
    assert_exit 2 "$BIN/psearch-index" --index nq "$C" 2>err &&
    grep -q "built without quotes.*--full" err &&
    "$BIN/psearch-index" --full --index nq "$C" &&
    "$BIN/psearch" --direct --index nq said:Lough >out &&
    grep -q "John Lough said:" out &&
    assert_exit 2 "$BIN/psearch-index" --no-quotes --index nq "$C" 2>err &&
    grep -q "holds quotes.*--full" err &&
    assert_exit 2 "$BIN/psearch-index" --no-quotes --quotes "$C/$F1" 2>err &&
    grep -q "neither" err
'

test_done
