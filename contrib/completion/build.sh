#!/usr/bin/env bash
# Builds the installed bash completion for psearch, psearch-index and
# psearchd: each program's option table, as its hidden --dump-options
# prints it (the one table in cli/options.c, indexer/options.c,
# searchd/options.c), as a variable, followed by psearch.bash, the
# completion logic that reads those variables. So an option added to a
# table is completed with no edit here.
# Usage: contrib/completion/build.sh BINDIR OUTPUT (run by make).
set -eu
bindir=$1 out=$2
here=$(dirname "$0")
mkdir -p "$(dirname "$out")"
{
    sed -n '1,/^$/p' "$here/psearch.bash"
    echo "# The option tables below were made by contrib/completion/build.sh"
    echo "# from each program's --dump-options: --name, -x, its argument"
    echo "# (none, required, optional), what completes it, its words; tabs"
    echo "# between them, \"-\" for nothing."
    for prog in psearch psearch-index psearchd; do
        table=$("$bindir/$prog" --dump-options)
        case $table in
        '' | *"'"*) echo "$0: $prog --dump-options: no table" >&2; exit 1 ;;
        esac
        printf "_psearch_opts_%s='%s'\n" "${prog//-/_}" "$table"
    done
    echo
    sed '1,/^$/d' "$here/psearch.bash"
} >"$out.tmp"
mv "$out.tmp" "$out"
