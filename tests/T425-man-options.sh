#!/usr/bin/env bash
# T425: each man page's OPTIONS section lists exactly the options of its
# program's option table (cli/options.c, indexer/options.c,
# searchd/options.c), as the program's hidden --dump-options prints it:
# the same long names, the same short letters paired with them, and the
# same kind of argument (none, required, or optional as in --facets[=N]),
# with nothing missing and nothing extra either way. --help and the built
# bash completion come from the same table; that they agree with it is
# checked here too.
. "$(dirname "$0")/lib.sh"

MAN=$ROOT/contrib/man
COMPLETION=$ROOT/build/completion/psearch.bash

# man_options PAGE: one line per option of the OPTIONS section, "--name
# -x ARG" ("-" for no letter; ARG none, required or optional), sorted.
# An option is the tag line after a .TP: ".BR \-n ", " \-\-limit " \fIN\fP"".
man_options() {
    awk '/^\.SH /{on = ($2 == "OPTIONS")} on && prev == ".TP" {print} {prev = $0}' "$1" |
        sed 's/\\-/-/g' | while IFS= read -r tag; do
            long=$(printf '%s\n' "$tag" | grep -o -- '--[a-z][a-z-]*' | head -1)
            [ -n "$long" ] || { echo "$1: a tag without an option: $tag" >&2; return 1; }
            short=$(printf '%s\n' "$tag" | grep -oE '(^|[ "])-[A-Za-z]([ "]|$)' |
                tr -d ' "' | head -1)
            # What is left once the macro, the letter and the name are gone
            # is the argument.
            rest=$(printf '%s\n' "$tag" | sed -e 's/^\.[A-Z]* //' \
                -e "s/^-[A-Za-z] \", \" //" -e "s/^$long//" | tr -d ' "')
            case $rest in
            '') arg=none ;;
            *'['*) arg=optional ;;
            *) arg=required ;;
            esac
            echo "$long ${short:--} $arg"
        done | sort
}

# table_options PROGRAM: the same from the program's own table.
table_options() {
    "$BIN/$1" --dump-options | awk -F '\t' '{print $1, $2, $3}' | sort
}

# same_options PROGRAM PAGE: fails, naming each difference, unless the
# page lists exactly the table's options.
same_options() {
    man_options "$2" >"$TMP/man" || return 1
    table_options "$1" >"$TMP/table"
    [ -s "$TMP/table" ] || { echo "$1: no --dump-options" >&2; return 1; }
    if ! cmp -s "$TMP/man" "$TMP/table"; then
        echo "$2 against $1's option table (< only in the page, > only in the table):" >&2
        diff "$TMP/man" "$TMP/table" | grep '^[<>]' >&2
        return 1
    fi
}

for p in psearch:man1/psearch.1 psearch-index:man1/psearch-index.1 \
    psearchd:man8/psearchd.8; do
    prog=${p%%:*} page=${p#*:}
    test_expect_success "$page lists exactly the options of $prog's table" "
        same_options $prog \"$MAN/${page#*/}\"
    "
done

test_expect_success 'the check catches an option missing from a page, or one too many' '
    # psearch.1 without --vimgrep, and with a --frobnicate: both named.
    sed -e "/^\.B \\\\-\\\\-vimgrep\$/s/vimgrep/frobnicate/" \
        "$MAN/psearch.1" >"$TMP/bad.1"
    lacks "^\.B \\\\-\\\\-vimgrep\$" <"$TMP/bad.1"
    same_options psearch "$TMP/bad.1" 2>"$TMP/why" && rc=0 || rc=$?
    assert_eq "$rc" 1
    grep -q "^< --frobnicate - none" "$TMP/why"
    grep -q "^> --vimgrep - none" "$TMP/why"
'

test_expect_success 'the check catches a wrong letter or argument' '
    sed -e "s/^\.BR \\\\-n \", \" \\\\-\\\\-limit .*/.BR \\\\-l \", \" \\\\-\\\\-limit/" \
        "$MAN/psearch.1" >"$TMP/bad.1"
    same_options psearch "$TMP/bad.1" 2>"$TMP/why" && rc=0 || rc=$?
    assert_eq "$rc" 1
    grep -q "^< --limit -l none" "$TMP/why"
    grep -q "^> --limit -n required" "$TMP/why"
'

test_expect_success '--help names exactly the options of the table' '
    for prog in psearch psearch-index psearchd; do
        "$BIN/$prog" --help | grep -o -- "--[a-z][a-z-]*" | sort -u >"$TMP/help"
        "$BIN/$prog" --dump-options | cut -f1 | sort >"$TMP/table"
        # --help also names options in its prose (--json in --entities).
        comm -13 "$TMP/help" "$TMP/table" >"$TMP/missing"
        assert_eq "$prog: $(cat "$TMP/missing")" "$prog: "
        comm -23 "$TMP/help" "$TMP/table" >"$TMP/extra"
        assert_eq "$prog: $(cat "$TMP/extra")" "$prog: "
    done
'

test_expect_success 'the built bash completion holds each program'"'"'s table as it is' '
    for prog in psearch psearch-index psearchd; do
        got=$(bash -c ". \"\$1\"; v=_psearch_opts_\${2//-/_}; printf \"%s\\n\" \"\${!v}\"" \
            x "$COMPLETION" "$prog")
        assert_eq "$got" "$("$BIN/$prog" --dump-options)"
    done
'

test_done
