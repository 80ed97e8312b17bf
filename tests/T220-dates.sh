#!/usr/bin/env bash
# date: ranges over front-matter dates, and titles from front matter.
. "$(dirname "$0")/lib.sh"
IX=$TMP/index
mkdir -p "$TMP/c"
art() { printf -- "---\ntitle: %s\ndate: %s\n---\n%s\n" "$2" "$3" "$4" > "$TMP/c/$1.txt"; }
art a "Talks in Geneva" 2025-11-23 "Envoys met in Geneva about the peace plan."
art b "Summit in Berlin" 2025-12-15 "Leaders met in Berlin about the peace plan."
art c "Call with Paris" 2026-01-05 "A call about the peace plan."
printf "Undated note\nThe peace plan again.\n" > "$TMP/c/d.txt"
"$BIN/psearch-index" --index "$IX" "$TMP/c"

found() { "$BIN/psearch" --direct --index "$IX" --json --limit 100 "$@" |
    "$TOOLS/json_get" .path 2>/dev/null | grep -v "<missing>" | sed 's,.*/,,' | sort | tr '\n' ' '; }

test_expect_success 'date:YYYY' '
    assert_eq "$(found "peace date:2025")" "a.txt b.txt "
'
test_expect_success 'date:YYYY-MM' '
    assert_eq "$(found "peace date:2025-12")" "b.txt "
'
test_expect_success 'date:FROM..TO, inclusive' '
    assert_eq "$(found "peace date:2025-11-23..2025-12-15")" "a.txt b.txt "
'
test_expect_success 'open-ended ranges' '
    assert_eq "$(found "peace date:2025-12-01..")" "b.txt c.txt "
    assert_eq "$(found "peace date:..2025-11")" "a.txt "
'
test_expect_success 'undated articles are outside every range' '
    assert_eq "$(found "plan -date:2000..2100")" "d.txt "
'
test_expect_success 'title: searches the front-matter title' '
    assert_eq "$(found "title:Berlin")" "b.txt "
    assert_eq "$(found "title:\"call with paris\"")" "c.txt "
'
test_expect_success 'a bad date is a malformed query (exit 2)' '
    assert_exit 2 "$BIN/psearch" --direct --index "$IX" "date:2025-13"
'
test_done
