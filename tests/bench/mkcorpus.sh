#!/bin/bash
# mkcorpus.sh: builds the benchmark corpus from real English prose shipped in
# Debian documentation packages (`make bench-corpus` runs it). It downloads
# pinned versions with `apt-get download` (once: the .deb files are kept and
# checked by SHA-256, so later runs are offline), unpacks them with
# `dpkg-deb -x`, turns every page or dictionary entry into one UTF-8 .txt file
# whose first line is its title (tests/bench/convert.py), and takes every
# tenth document into a quick slice. Prints the SHA-256 of each result.
#
#   tests/bench/mkcorpus.sh [DIR]     (default var/bench; git-ignored)
#
# DIR/debs/     the downloaded packages
# DIR/corpus/   the whole corpus, one folder per package
# DIR/slice/    every tenth document (sorted by path), for quick runs
# DIR/corpus.sha256, DIR/slice.sha256   checksum lines, written last
set -euo pipefail

DIR=${1:-var/bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3 # Debian's, whatever python3 comes first in PATH
export LC_ALL=C.UTF-8

# package version sha256-of-the-.deb. apt-cache policy PACKAGE shows what
# the mirror offers; a pin the mirror no longer has fails with a message.
PINS="
linux-doc-6.1          6.1.192-2            d1d1b5a602f0d439ecc39e713e044bf2df30d839fb4bf8a7b859ba3273c47993
python3.11-doc         3.11.2-6+deb12u9     5b3594189d6ef9a6963ce0347fd307a1cc67620ad697e144db366070e2e146be
perl-doc               5.36.0-7+deb12u4     f4269cff4576d6f02a6756df842988e58451c7e945b08517dd235531b24e48f8
postgresql-doc-15      15.20-0+deb12u1      4c44bf2c599f208b3f46454a6cf7a72e25ec46ff74d37b59dd31ad76b00eebb7
python-django-doc      3:3.2.25-0+deb12u7   87307f067916df72e17180d35b7cde5c7ea6080336cda518efd7f6e66988a7ca
debian-handbook        11.20220922          3d5dbeac1f1afc9c094eab9d0f701f6ecff99c4927d5a4794cf6c85678134faa
git-doc                1:2.39.5-0+deb12u3   3c89668a11053a6bafade3de1f611f4613db31e082af63f43d8c5b69ad8795ec
sphinx-doc             5.3.0-4              1da3d08bb3a0bc82a4b8b8109410e223054bf5fb13904557ec8ea869046f65b4
libreoffice-help-en-us 4:7.4.7-1+deb12u14   8faa840285734d6cfe1ed25537b48f07e74bd6412e3917bf8e5f8a653f7b3712
dict-gcide             0.48.5+nmu2          7b0af5cfde3cbdef5e9d6e78f92ec335ced7c2790f37a40f49bebc6f7347ac0f
"

die() { echo "bench-corpus: $*" >&2; exit 1; }

for tool in apt-get dpkg-deb man col sha256sum; do
    command -v $tool >/dev/null || die "$tool is missing"
done
[ -x $PY ] || die "$PY is missing (apt-get install python3)"

mkdir -p "$DIR/debs"
DIR=$(cd "$DIR" && pwd)

# 1. Download (or reuse) every pinned package and check its hash.
updated=
echo "$PINS" | while read -r pkg ver sum; do
    [ -n "$pkg" ] || continue
    deb="$DIR/debs/${pkg}_${ver//:/%3a}_all.deb"
    if [ ! -f "$deb" ] || ! echo "$sum  $deb" | sha256sum -c --quiet 2>/dev/null; then
        rm -f "$deb"
        echo "bench-corpus: downloading $pkg=$ver"
        if ! (cd "$DIR/debs" && apt-get -qq -o APT::Sandbox::User=root \
                download "$pkg=$ver" 2>/dev/null); then
            # Fresh machines have no package lists yet: update once, retry.
            if [ -z "$updated" ] && [ "$(id -u)" = 0 ]; then
                apt-get update -qq >/dev/null 2>&1 || true
                updated=1
            fi
            (cd "$DIR/debs" && apt-get -qq -o APT::Sandbox::User=root \
                download "$pkg=$ver") ||
                die "pinned version $pkg=$ver can no longer be downloaded.
  The mirror now offers: $(apt-cache policy "$pkg" 2>/dev/null |
      sed -n 's/ *Candidate: //p')
  Pin that version (and its SHA-256) in tests/bench/mkcorpus.sh; the
  corpus, and so every figure in BENCHMARKS.md, will change with it."
        fi
        echo "$sum  $deb" | sha256sum -c --quiet ||
            die "$deb does not have the pinned SHA-256"
    fi
done

# 2. Unpack afresh, so nothing left from an earlier run is converted.
rm -rf "$DIR/src" "$DIR/corpus.new" "$DIR/slice.new"
mkdir -p "$DIR/src" "$DIR/corpus.new"
echo "$PINS" | while read -r pkg ver sum; do
    [ -n "$pkg" ] || continue
    dpkg-deb -x "$DIR/debs/${pkg}_${ver//:/%3a}_all.deb" "$DIR/src/$pkg"
done

# 3. Convert. HTML through html.parser, man pages through man(1), the
# dictionary entry by entry. Sphinx's _sources/_static, indexes and search
# pages are not prose and are left out. Two jobs at a time (two cores).
S=$DIR/src
O=$DIR/corpus.new
SPHINX_SKIP=('!_*' '!*genindex*.html' '!search.html' '!py-modindex.html')
t0=$(date +%s)
conv() { # NAME ARGS...: runs one conversion, prints NAME and its count
    local name=$1
    shift
    echo "  $name: $($PY "$HERE/convert.py" "$@") documents"
}
{
    conv gcide gcide "$S/dict-gcide/usr/share/dictd/gcide.index" \
        "$S/dict-gcide/usr/share/dictd/gcide.dict.dz" "$O/gcide"
    conv perl man "$S/perl-doc/usr/share/man" "$O/perl"
} &
bg=$!
conv linux html "$S/linux-doc-6.1/usr/share/doc/linux-doc-6.1/html" \
    "$O/linux" '*.html' "${SPHINX_SKIP[@]}"
conv python html "$S/python3.11-doc/usr/share/doc/python3.11/html" \
    "$O/python" '*.html' "${SPHINX_SKIP[@]}"
conv postgresql html "$S/postgresql-doc-15/usr/share/doc/postgresql-doc-15/html" \
    "$O/postgresql" '*.html'
conv django html "$S/python-django-doc/usr/share/doc/python-django-doc/html" \
    "$O/django" '*.html' "${SPHINX_SKIP[@]}"
conv debian-handbook html \
    "$S/debian-handbook/usr/share/doc/debian-handbook/html/en-US" \
    "$O/debian-handbook" '*.html' '!Common_Content/*'
conv git html "$S/git-doc/usr/share/doc/git-doc" "$O/git" '*.html'
conv sphinx html "$S/sphinx-doc/usr/share/doc/sphinx-doc/html" \
    "$O/sphinx" '*.html' "${SPHINX_SKIP[@]}"
conv libreoffice html "$S/libreoffice-help-en-us/usr/share/libreoffice/help" \
    "$O/libreoffice" 'en-US/text/*.html'
wait $bg

# 4. The slice: every tenth document in sorted path order, copied.
(cd "$O" && find . -type f -name '*.txt' | sort | awk 'NR % 10 == 1') \
    >"$DIR/slice.list"
mkdir -p "$DIR/slice.new"
(cd "$O" && xargs -d '\n' cp --parents -t "$DIR/slice.new" <"$DIR/slice.list")
rm -f "$DIR/slice.list"

# 5. Switch in, then checksum: the SHA-256 of the sorted "sha256  path"
# lines of every file, so equal checksums mean equal corpora.
rm -rf "$DIR/corpus" "$DIR/slice" "$DIR/src"
mv "$DIR/corpus.new" "$DIR/corpus"
mv "$DIR/slice.new" "$DIR/slice"
for c in corpus slice; do
    n=$(cd "$DIR/$c" && find . -type f | wc -l)
    bytes=$(cd "$DIR/$c" && find . -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
    sum=$(cd "$DIR/$c" && find . -type f -print0 | sort -z |
        xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
    echo "$sum  $c  $n documents  $bytes bytes" >"$DIR/$c.sha256"
    awk -v c=$c -v n=$n -v b=$bytes -v s=$sum 'BEGIN {
        printf "bench-corpus: %-6s %6d documents, %5.1f MB, sha256 %s\n",
            c, n, b / 1e6, s }'
done
echo "bench-corpus: built in $(($(date +%s) - t0)) s, in $DIR"
