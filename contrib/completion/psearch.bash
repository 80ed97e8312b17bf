# bash completion for psearch, psearch-index and psearchd: their options,
# folders and files where an option takes one, the values of --color, and
# for psearch's query words the field prefixes (person:, place:, title:…).
# make install puts this file in bash-completion's folder under each
# program's name, where it is loaded on first use; it also works sourced
# on its own, without the bash-completion package.

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

_psearch_index() {
    local cur prev opt attached pfx
    _psearch_split
    case $opt in
    -i | --index) _psearch_paths dir "$cur"; return ;;
    -e | --entities) _psearch_paths file "$cur"; return ;;
    -j | --jobs | --shards | --shard | --include | --exclude | --max-size) return ;;
    esac
    if [ "$attached" = 0 ] && [[ $cur == -* ]]; then
        _psearch_words "--index
--full
--entities
--include
--exclude
--jobs
--shards
--shard
--max-size
--stats
--quiet
--verbose
--no-progress
--help
--version" "$cur"
        return
    fi
    _psearch_paths dir "$cur"
}

_psearchd() {
    local cur prev opt attached pfx
    _psearch_split
    case $opt in
    -i | --index) _psearch_paths dir "$cur"; return ;;
    -s | --socket) _psearch_paths file "$cur"; return ;;
    --tcp | --max-request-bytes | --max-clients | --idle-timeout | \
        --max-limit | --max-offset | --max-hits | --max-facets | \
        --query-budget | --max-output | --threads | --remote-timeout | \
        --reopen-interval | --cache-size)
        return
        ;;
    esac
    [ "$attached" = 1 ] && return
    _psearch_words "--index
--socket
--tcp
--allow-remote
--partial
--verbose
--help
--version
--max-request-bytes
--max-clients
--idle-timeout
--max-limit
--max-offset
--max-hits
--max-facets
--query-budget
--max-output
--threads
--remote-timeout
--reopen-interval
--cache-size" "$cur"
}

_psearch() {
    local cur prev opt attached pfx
    _psearch_split
    case $opt in
    -i | --index) _psearch_paths dir "$cur"; return ;;
    -s | --socket) _psearch_paths file "$cur"; return ;;
    --color)
        # An optional argument: only "--color=WHEN" takes it; after
        # "--color " comes the query.
        if [ "$attached" = 1 ]; then
            _psearch_words "auto
always
never" "$cur"
            return
        fi
        ;;
    -n | --limit | --offset | --max-hits | --width | --timeout) return ;;
    esac
    [ "$attached" = 1 ] && return

    # Has the query begun? After the first query word (or "--"), a word
    # starting with '-' is a query word, though long options still count.
    local i w query=0 skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [ $skip = 1 ]; then skip=0; continue; fi
        case $w in
        --) query=1; break ;;
        -i | --index | -s | --socket | -n | --limit | --offset | \
            --max-hits | --width | --timeout)
            [ $query = 0 ] && skip=1 ;;
        -*) ;;
        =) skip=1 ;;
        *) query=1 ;;
        esac
    done

    local fields="person:
place:
org:
treaty:
entity:
name:
title:
path:
date:"
    if [[ $cur == -* ]] && { [ $query = 0 ] || [[ $cur == --* ]]; }; then
        local longs="--json
--vimgrep
--count
--facets
--limit
--offset
--max-hits
--color
--width
--index
--socket
--direct
--timeout
--partial
--help
--version"
        _psearch_words "$longs" "$cur"
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
