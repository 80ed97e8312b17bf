#!/usr/bin/env bash
# T420: make install into a DESTDIR under $TMP puts every file in place with
# its paths filled in; the installed programs, reindex job and units work;
# the man pages render without a warning and name every option; the bash
# completion completes options, values and query fields; and make
# uninstall takes every file away again. Nothing outside $TMP is touched.
#
# psearch-index's default gazetteer is compiled in from PREFIX, so the
# install uses the PREFIX bin/ was built for (read off --help); the
# installed indexer is given that gazetteer with --entities, at its
# DESTDIR-prefixed path, since the real $PREFIX is not touched.
. "$(dirname "$0")/lib.sh"

unset MAKEFLAGS MFLAGS MAKELEVEL JOURNAL_STREAM PSEARCH_CONF
DEST=$TMP/root
PREFIX=$("$BIN/psearch-index" --help |
    sed -n 's|.* \(/.*\)/share/psearch/entities\.tsv).*|\1|p')
PREFIX=${PREFIX:-/usr/local}
R=$DEST$PREFIX
if [ "$PREFIX" = /usr ]; then ETC=$DEST/etc; else ETC=$R/etc; fi

# mk TARGET [VAR=VALUE...]: make in the source tree, the output in
# $TMP/make.out. bin/ is installed as make test built it (-o all): the test
# never rebuilds, nor writes anything, in the source tree.
mk() {
    make -C "$ROOT" --no-print-directory -o all "$@" \
        >"$TMP/make.out" 2>&1
}

PROGRAMS="psearch psearch-index psearchd"
MAN_PAGES="man1/psearch.1 man1/psearch-index.1 man8/psearchd.8 man8/psearch-reindex.8"
UNITS="psearchd.service psearch-reindex.service psearch-reindex.timer"
FILES_644="
share/man/man1/psearch.1
share/man/man1/psearch-index.1
share/man/man8/psearchd.8
share/man/man8/psearch-reindex.8
lib/systemd/system/psearchd.service
lib/systemd/system/psearch-reindex.service
lib/systemd/system/psearch-reindex.timer
lib/systemd/system/psearch-tcpsrv.service
lib/systemd/user/psearchd.service
lib/systemd/user/psearch-reindex.service
lib/systemd/user/psearch-reindex.timer
share/doc/psearch/examples/psearch.conf
share/doc/psearch/examples/psearch.cron
share/psearch/entities.tsv
share/psearch/ner.model
share/psearch/quote.model
share/bash-completion/completions/psearch
share/bash-completion/completions/psearch-index
share/bash-completion/completions/psearchd
lib/psearch/libpsearch-engine.so"
FILES_755="bin/psearch bin/psearch-index bin/psearchd lib/psearch/psearch-reindex"

test_expect_success 'install refuses programs not rebuilt for its PREFIX (-o all)' '
    other=/opt/psearch-elsewhere
    [ "$PREFIX" != "$other" ]
    mk install DESTDIR="$DEST" PREFIX=$other && rc=0 || rc=$?
    [ $rc -ne 0 ]
    grep -q "built for another PREFIX" "$TMP/make.out"
    grep -q "make PREFIX=$other" "$TMP/make.out"
    [ ! -e "$DEST" ]
'

# The packaging sequence, `make` then `make install PREFIX=/usr`, in a
# copy of the tree with its build (mtimes kept, so only what compiles a
# path in is rebuilt): the source tree is not written.
test_expect_success 'make, then make install PREFIX=/usr rebuilds for /usr' '
    src=$TMP/src usr=$TMP/usr-root
    mkdir -p "$src"
    (cd "$ROOT" && cp -a Makefile contrib corpus include lib indexer searchd \
        cli build bin "$src/")
    # A sanitizer build (make SANITIZE=1 test) is rebuilt as one.
    san=
    if ldd "$BIN/psearch" | grep -q libasan; then san=SANITIZE=1; fi
    make -C "$src" --no-print-directory $san install DESTDIR="$usr" \
        PREFIX=/usr >"$TMP/make-usr.out" 2>&1 || {
        tail -20 "$TMP/make-usr.out"; false; }
    [ "$PREFIX" = /usr ] || grep -q "indexer/main.c" "$TMP/make-usr.out"
    "$usr/usr/bin/psearch-index" --help |
        grep -qF " /usr/share/psearch/entities.tsv)"
    grep -qF /usr/lib/psearch "$usr/usr/bin/psearch"
    [ -f "$usr/usr/share/psearch/entities.tsv" ]
    [ -f "$usr/etc/psearch/psearch.conf" ]
    # And back: the next make for the old PREFIX rebuilds for it again.
    make -C "$src" --no-print-directory $san PREFIX="$PREFIX" \
        >"$TMP/make-back.out" 2>&1
    "$src/bin/psearch-index" --help |
        grep -qF " $PREFIX/share/psearch/entities.tsv)"
    make -C "$src" --no-print-directory $san PREFIX="$PREFIX" 2>&1 |
        lacks "^cc \|^c++ \|^g++ "
'

test_expect_success "make install DESTDIR=… PREFIX=$PREFIX" '
    mk install DESTDIR="$DEST" PREFIX="$PREFIX" || { cat "$TMP/make.out"; false; }
'

test_expect_success 'every file landed, with its mode' '
    for f in $FILES_644; do
        [ -f "$R/$f" ] || { echo "missing: $f"; false; }
        assert_eq "$(stat -c %a "$R/$f")" 644
    done
    for f in $FILES_755; do
        [ -f "$R/$f" ] || { echo "missing: $f"; false; }
        assert_eq "$(stat -c %a "$R/$f")" 755
    done
    [ -f "$ETC/psearch/psearch.conf" ]
    cmp "$ROOT/corpus/entities.tsv" "$R/share/psearch/entities.tsv"
    cmp "$ROOT/corpus/ner.model" "$R/share/psearch/ner.model"
    cmp "$ROOT/corpus/quote.model" "$R/share/psearch/quote.model"
    cmp "$ROOT/contrib/cron/psearch.conf" "$ETC/psearch/psearch.conf"
    for p in $PROGRAMS; do cmp "$BIN/$p" "$R/bin/$p"; done
'

test_expect_success 'the Neovim plugin is installed whole, with its help tags' '
    [ -d "$ROOT/contrib/nvim" ] || exit 0
    plug=$R/share/nvim/site/pack/psearch/start/psearch
    (cd "$ROOT/contrib/nvim" && find . -type f ! -name ".*" ! -name "*~") |
        while read -r f; do cmp "$ROOT/contrib/nvim/$f" "$plug/$f"; done
    if [ -d "$plug/doc" ] && command -v nvim >/dev/null; then
        [ -s "$plug/doc/tags" ]
    fi
'

test_expect_success 'Neovim finds :Psearch in the installed pack folder' '
    [ -d "$ROOT/contrib/nvim" ] && command -v nvim >/dev/null || exit 0
    HOME=$TMP/home timeout 20 nvim --headless -u NONE -i NONE \
        --cmd "set packpath=$R/share/nvim/site" -c "packloadall" \
        -c "if exists(\":Psearch\") == 2 | qall! | else | cquit | endif" </dev/null
'

test_expect_success 'the installed paths are filled in; no placeholder is left' '
    out=$(grep -l "@[A-Z_]*@" "$R"/lib/systemd/*/* "$R/lib/psearch/psearch-reindex" \
        "$R"/share/man/man*/psearch* "$R/share/doc/psearch/examples/"* || true)
    assert_eq "$out" ""
    grep -qx "ExecStart=$PREFIX/bin/psearchd --socket %t/psearch/psearch.sock --socket-mode 0660" \
        "$R/lib/systemd/system/psearchd.service"
    grep -qx "ExecStart=$PREFIX/lib/psearch/psearch-reindex" \
        "$R/lib/systemd/system/psearch-reindex.service"
    grep -qx "EnvironmentFile=-${ETC#$DEST}/psearch/psearch.conf" \
        "$R/lib/systemd/system/psearchd.service"
    grep -qx "ExecStart=$PREFIX/lib/psearch/psearch-reindex --config %E/psearch/psearch.conf" \
        "$R/lib/systemd/user/psearch-reindex.service"
    grep -qx "bindir=.$PREFIX/bin." "$R/lib/psearch/psearch-reindex"
    grep -qx "17 3 \* \* \* psearch PSEARCH_INDEX=/var/lib/psearch/index $PREFIX/lib/psearch/psearch-reindex --log syslog" \
        "$R/share/doc/psearch/examples/psearch.cron"
    grep -q "^\.TH PSEARCH 1 .* \"psearch $("$BIN/psearch" --version | sed "s/^[^ ]* //")\"" \
        "$R/share/man/man1/psearch.1"
'

test_expect_success 'the installed programs run' '
    for p in $PROGRAMS; do
        "$R/bin/$p" --help >"$TMP/help" 2>&1
        grep -q "^Usage: $p " "$TMP/help"
        "$R/bin/$p" --version | grep -q "^$p "
    done
    "$R/bin/psearch-index" --help | grep -qF " $PREFIX/share/psearch/entities.tsv)"
'

test_expect_success 'the installed indexer tags with the installed gazetteer' '
    mkdir -p "$TMP/corpus" && cp "$ROOT"/corpus/*.txt "$TMP/corpus/"
    "$R/bin/psearch-index" --index "$TMP/index" \
        --entities "$R/share/psearch/entities.tsv" \
        --model "$R/share/psearch/ner.model" \
        --quote-model "$R/share/psearch/quote.model" "$TMP/corpus"
    assert_eq "$(doccount "$TMP/index")" 5
    # An alias only the gazetteer knows: Zelenskiy is Volodymyr Zelensky.
    assert_eq "$("$R/bin/psearch" --direct --index "$TMP/index" --count \
        "person:\"Volodymyr Zelensky\"")" 4
'

test_expect_success 'the installed daemon answers the installed psearch' '
    "$R/bin/psearchd" --index "$TMP/index" --socket "$TMP/run/d.sock" \
        </dev/null >/dev/null 2>"$TMP/daemon.log" &
    pid=$!
    rc=0
    wait_ready "$TMP/run/d.sock" || rc=$?
    "$R/bin/psearch" --socket "$TMP/run/d.sock" --count "Article 5" >"$TMP/n" || rc=$?
    kill $pid; wait $pid || true
    assert_eq $rc 0
    assert_eq "$(cat "$TMP/n")" 3
'

test_expect_success 'the installed reindex job runs the indexer' '
    printf "New report\n\nThe qazwsx committee met.\n" >"$TMP/corpus/new.txt"
    printf "PSEARCH_INDEX=%s\nPSEARCH_CORPUS=%s\nPSEARCH_INDEXER=%s\nPSEARCH_INDEX_OPTS=\"--entities %s --model %s --quote-model %s\"\n" \
        "$TMP/index" "$TMP/corpus" "$R/bin/psearch-index" \
        "$R/share/psearch/entities.tsv" "$R/share/psearch/ner.model" \
        "$R/share/psearch/quote.model" >"$TMP/job.conf"
    "$R/lib/psearch/psearch-reindex" --config "$TMP/job.conf" >"$TMP/out" 2>"$TMP/err"
    grep -qx "psearch-index: added 1, updated 0, removed 0, skipped 5, errors 0, [0-9.]* seconds" "$TMP/out"
    assert_eq "$(cat "$TMP/err")" ""
    "$R/lib/psearch/psearch-reindex" --help | grep -qF "${ETC#$DEST}/psearch/psearch.conf"
'

test_expect_success 'the systemd units pass systemd-analyze verify (if available)' '
    command -v systemd-analyze >/dev/null || exit 0
    # verify wants the programs at their paths: point them into DESTDIR.
    for kind in system user; do
        mkdir -p "$TMP/units/$kind"
        for u in $UNITS; do
            sed "s|$PREFIX/|$R/|g" "$R/lib/systemd/$kind/$u" >"$TMP/units/$kind/$u"
        done
    done
    sed "s|$PREFIX/|$R/|g" "$R/lib/systemd/system/psearch-tcpsrv.service" \
        >"$TMP/units/system/psearch-tcpsrv.service"
    (cd "$TMP/units/system" &&
        systemd-analyze verify --man=no $UNITS psearch-tcpsrv.service) 2>&1 |
        tee "$TMP/verify"
    (cd "$TMP/units/user" && systemd-analyze --user verify --man=no $UNITS) 2>&1 |
        tee -a "$TMP/verify"
    assert_eq "$(cat "$TMP/verify")" ""
'

test_expect_success 'the man pages render without a warning (groff -ww, mandoc -Tlint)' '
    for m in $MAN_PAGES; do
        f=$R/share/man/$m
        assert_eq "$(groff -man -Tutf8 -ww -z "$f" 2>&1)" ""
        if command -v mandoc >/dev/null; then
            assert_eq "$(mandoc -Tlint -W warning "$f" 2>&1)" ""
        fi
        if command -v man >/dev/null; then
            MANWIDTH=80 man -l "$f" 2>"$TMP/man.err" >"$TMP/man.out"
            assert_eq "$(cat "$TMP/man.err")" ""
            grep -q "^NAME" "$TMP/man.out"
        fi
    done
'

test_expect_success 'each man page has the sections a user looks for' '
    for m in $MAN_PAGES; do
        for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
            grep -q "^\.SH \"*$s\"*\$" "$R/share/man/$m" || { echo "$m: no $s"; false; }
        done
    done
    grep -q "^\.SH QUERY SYNTAX" "$R/share/man/man1/psearch.1"
    grep -q "^\.SH PROTOCOL" "$R/share/man/man8/psearchd.8"
'

# long_options PROGRAM: every --option its --help names.
long_options() {
    "$R/bin/$1" --help | grep -o -- "--[a-z][a-z-]*" | sort -u
}

test_expect_success 'each man page documents every option of its program' '
    for p in psearch:man1/psearch.1 psearch-index:man1/psearch-index.1 psearchd:man8/psearchd.8; do
        prog=${p%%:*} page=$R/share/man/${p#*:}
        for o in $(long_options $prog); do
            # In roff, "--index" is written \-\-index.
            esc=$(printf "%s" "$o" | sed "s/-/\\\\-/g")
            grep -qF -- "$esc" "$page" || { echo "$page: no $o"; false; }
        done
    done
'

# complete_words PROGRAM WORD...: what bash completion offers for the last
# WORD, one per line, the way bash calls the completion function.
complete_words() {
    local prog=$1 file=$R/share/bash-completion/completions/$1
    shift
    bash -c '
        . "$1"; shift
        fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}; COMPREPLY=()
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' complete "$file" "$prog" "$@"
}

test_expect_success 'the completion sources in bash and is bound to the three programs' '
    for p in $PROGRAMS; do
        bash -c ". \"\$1\" && complete -p $p" x \
            "$R/share/bash-completion/completions/$p" | grep -q " $p\$"
    done
'

test_expect_success 'psearch --in<TAB> completes to --index' '
    assert_eq "$(complete_words psearch psearch --in)" "--index"
'

test_expect_success 'the completion offers every long option of each program' '
    for p in $PROGRAMS; do
        complete_words $p $p -- | sort >"$TMP/offered"
        long_options $p >"$TMP/wanted"
        comm -13 "$TMP/offered" "$TMP/wanted" >"$TMP/missing"
        assert_eq "$p: $(cat "$TMP/missing")" "$p: "
    done
'

test_expect_success 'the completion knows values, folders and query fields' '
    assert_eq "$(complete_words psearch psearch --color = al)" "always"
    assert_eq "$(complete_words psearch psearch pers)" "person:"
    assert_eq "$(complete_words psearch psearch peace tre)" "treaty:"
    assert_eq "$(complete_words psearch psearch person : Ze)" ""
    assert_eq "$(complete_words psearch psearch -n "")" ""
    assert_eq "$(complete_words psearch psearch p | tr "\n" " ")" "person: place: path: "
    for f in person: place: org: treaty: entity: title: path: date:; do
        complete_words psearch psearch "" | grep -qx "$f"
    done
    mkdir -p "$TMP/dirs/corpus-a" && : >"$TMP/dirs/file.tsv"
    assert_eq "$(complete_words psearch-index psearch-index "$TMP/dirs/c")" \
        "$TMP/dirs/corpus-a"
    assert_eq "$(complete_words psearch-index psearch-index --entities "$TMP/dirs/f")" \
        "$TMP/dirs/file.tsv"
    assert_eq "$(complete_words psearchd psearchd --index "$TMP/dirs/")" \
        "$TMP/dirs/corpus-a"
'

test_expect_success 'a second install keeps a changed configuration' '
    echo "PSEARCH_CORPUS=/srv/mine" >>"$ETC/psearch/psearch.conf"
    mk install DESTDIR="$DEST" PREFIX="$PREFIX"
    grep -q "kept the existing" "$TMP/make.out"
    grep -qx "PSEARCH_CORPUS=/srv/mine" "$ETC/psearch/psearch.conf"
'

test_expect_success 'uninstall keeps a changed configuration, removes all else' '
    mk uninstall DESTDIR="$DEST" PREFIX="$PREFIX"
    grep -q "kept .*psearch.conf: it was changed" "$TMP/make.out"
    assert_eq "$(find "$DEST" ! -type d)" "$ETC/psearch/psearch.conf"
    rm "$ETC/psearch/psearch.conf"
'

test_expect_success 'install then uninstall leaves no file and no psearch folder behind' '
    mk install DESTDIR="$DEST" PREFIX="$PREFIX"
    mk uninstall DESTDIR="$DEST" PREFIX="$PREFIX"
    assert_eq "$(find "$DEST" ! -type d)" ""
    assert_eq "$(find "$DEST" -name "*psearch*")" ""
'

test_done
