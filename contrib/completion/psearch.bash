# bash completion for psearch, psearch-index and psearchd: their options,
# folders and files where an option takes one, the values of --color, and
# for psearch's query words the field prefixes (person:, place:, title:…).
# What options there are, and what each takes, is not written here: make
# puts each program's option table (its --dump-options) in front of this
# file (contrib/completion/build.sh, into build/completion/psearch.bash),
# as _psearch_opts_psearch, _psearch_opts_psearch_index and
# _psearch_opts_psearchd. make install puts that file in bash-completion's
# folder under each program's name, where it is loaded on first use; it
# also works sourced on its own, without the bash-completion package.

# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)), split on IFS, is
# the completion idiom: IFS is set to a newline wherever words may have blanks.

# The words a prefix completes to, one per line into COMPREPLY. $pfx is
# "--opt=" when bash did not split the word there (see _psearch_split).
_psearch_words() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "${pfx-}" -W "$1" -- "$2"))
}

# Folders (for --index and corpus folders) or files.
_psearch_paths() {
    local kind=$1 cur=$2
    if [ -z "${pfx-}" ] && declare -F _filedir >/dev/null; then
        if [ "$kind" = dir ]; then _filedir -d; else _filedir; fi
        return
    fi
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [ "$kind" = dir ]; then
        COMPREPLY=($(compgen -P "${pfx-}" -d -- "$cur"))
    else
        COMPREPLY=($(compgen -P "${pfx-}" -f -- "$cur"))
    fi
}

# Sets cur and prev for the word being completed, undoing bash's split of
# "--opt=value" at '=' (COMP_WORDBREAKS), so both spellings are handled:
# on return, opt is the option a value is wanted for ("" when none) and cur
# the value typed so far (pfx is what precedes it in the same word).
_psearch_split() {
    cur=${COMP_WORDS[COMP_CWORD]}
    pfx=
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    opt=
    if [ "$cur" = "=" ] && [[ $prev == --* ]]; then
        opt=$prev
        cur=
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ] &&
        [[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        pfx=$opt=
        cur=${cur#*=}
    else
        opt=$prev
        attached=0
        return
    fi
    attached=1
}

# _psearch_row PROGRAM OPTION: finds OPTION ("--name" or "-x") in
# PROGRAM's option table and sets arg (none, required, optional), kind
# (what completes its value) and words from its row; 1 when there is none.
_psearch_row() {
    local table=_psearch_opts_${1//-/_} name letter
    while IFS=$'\t' read -r name letter arg kind words; do
        if [ "$2" = "$name" ] || { [ "$letter" != - ] && [ "$2" = "$letter" ]; }; then
            return 0
        fi
    done <<<"${!table-}"
    return 1
}

# _psearch_longs PROGRAM: its long options, one a line.
_psearch_longs() {
    local table=_psearch_opts_${1//-/_} name rest
    while IFS=$'\t' read -r name rest; do
        printf '%s\n' "$name"
    done <<<"${!table-}"
}

# _psearch_value PROGRAM: when $opt is an option of PROGRAM that takes a
# value here, completes the value (folders, files, groups, its words, or
# nothing for a number) and returns 0; else returns 1. An optional value
# is only ever attached ("--color=WHEN"): after "--color " comes the query.
_psearch_value() {
    local arg kind words
    [ -n "$opt" ] && _psearch_row "$1" "$opt" || return 1
    case $arg in
    none) return 1 ;;
    optional) [ "$attached" = 1 ] || return 1 ;;
    esac
    case $kind in
    dir | file) _psearch_paths "$kind" "$cur" ;;
    group) _psearch_words "$(getent group 2>/dev/null | cut -d: -f1)" "$cur" ;;
    words) _psearch_words "${words// /$'\n'}" "$cur" ;;
    esac
    return 0
}

_psearch_index() {
    local cur prev opt attached pfx
    _psearch_split
    _psearch_value psearch-index && return
    if [ "$attached" = 0 ] && [[ $cur == -* ]]; then
        _psearch_words "$(_psearch_longs psearch-index)" "$cur"
        return
    fi
    # --tag takes files; indexing takes folders.
    local w
    for w in "${COMP_WORDS[@]}"; do
        if [ "$w" = --tag ]; then
            _psearch_paths file "$cur"
            return
        fi
    done
    _psearch_paths dir "$cur"
}

_psearchd() {
    local cur prev opt attached pfx
    _psearch_split
    _psearch_value psearchd && return
    [ "$attached" = 1 ] && return
    _psearch_words "$(_psearch_longs psearchd)" "$cur"
}

_psearch() {
    local cur prev opt attached pfx
    _psearch_split
    _psearch_value psearch && return
    [ "$attached" = 1 ] && return

    # Has the query begun? After the first query word (or "--"), a word
    # starting with '-' is a query word, though long options still count;
    # an option's value (before the query) is not a query word.
    local i w query=0 skip=0 arg kind words
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [ $skip = 1 ]; then skip=0; continue; fi
        case $w in
        --) query=1; break ;;
        -*)
            if [ $query = 0 ] && _psearch_row psearch "$w" &&
                [ "$arg" = required ]; then
                skip=1
            fi
            ;;
        =) skip=1 ;;
        *) query=1 ;;
        esac
    done

    local fields="person:
place:
org:
treaty:
entity:
misc:
title:
path:
date:"
    if [[ $cur == -* ]] && { [ $query = 0 ] || [[ $cur == --* ]]; }; then
        _psearch_words "$(_psearch_longs psearch)" "$cur"
        return
    fi
    # A query word: offer the field prefixes, without a space after the
    # colon, so that the value follows at once.
    case $cur in
    *:* | \"* | \(*) return ;;
    esac
    [ "$prev" = ":" ] && return
    _psearch_words "$fields" "$cur"
    compopt -o nospace 2>/dev/null
}

complete -F _psearch psearch
complete -F _psearch_index psearch-index
complete -F _psearchd psearchd
