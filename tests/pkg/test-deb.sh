#!/usr/bin/env bash
# The Debian package, as an administrator and a user meet it: builds it
# (make deb, lintian included), installs it with apt-get (dependencies
# resolved), indexes a copy of corpus/ as the psearch user with the
# installed psearch-index and its installed gazetteer, starts the installed
# psearchd as systemd would (the unit's own ExecStart=, as user psearch,
# its socket in /run/psearch) but without systemd, searches as a user in
# the psearch group (and fails as one outside it), then purges the package
# and checks that nothing is left behind but the psearch user and group,
# which Debian policy keeps (the test removes them afterwards when it made
# them). Run by .ci/run as root on Debian 12, not by make test: it
# installs and removes a package on the machine.
#
# Usage: tests/pkg/test-deb.sh [PACKAGE.deb]   (default: make deb first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

[ "$(id -u)" = 0 ] || { echo "test-deb: run as root" >&2; exit 2; }
if dpkg-query -W -f='${Status}' psearch 2>/dev/null | grep -q installed; then
    echo "test-deb: psearch is installed already; not touching it" >&2
    exit 2
fi

WAIT=${PSEARCH_WAIT:-20}
TMP=$(mktemp -d /tmp/psearch-test-deb.XXXXXX)
chmod 755 "$TMP"
SOCK=/run/psearch/psearch.sock
MEMBER=psearch-ci-$$ OUTSIDER=psearch-ci-out-$$
HAD_USER=0
getent passwd psearch >/dev/null && HAD_USER=1
DAEMON=
start=$(date +%s)
step() { echo "test-deb: $*"; }
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }

# Whatever happens: the daemon stopped, the test users and the package gone.
cleanup() {
    local rc=$?
    if [ -n "$DAEMON" ]; then kill "$DAEMON" 2>/dev/null || :; wait "$DAEMON" 2>/dev/null || :; fi
    for u in "$MEMBER" "$OUTSIDER"; do
        getent passwd "$u" >/dev/null && userdel -r "$u" 2>/dev/null
    done
    if dpkg-query -W -f='${Status}' psearch 2>/dev/null | grep -q installed; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq psearch >/dev/null 2>&1 || :
    fi
    if [ $HAD_USER = 0 ] && getent passwd psearch >/dev/null; then
        deluser --quiet --system psearch 2>/dev/null || :
        delgroup --quiet --system psearch 2>/dev/null || :
    fi
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT

# The files a package may leave: every path under the system folders,
# less the package manager's own bookkeeping, caches and logs.
# The files of the machine, but for what apt and dpkg keep for themselves
# and the backups (passwd-, subuid-...) that useradd and userdel write of
# the account files on any change: the first user ever added on a fresh
# machine creates /etc/subuid- and /etc/subgid-.
snapshot() {
    find /etc /usr /var /opt /srv -xdev 2>/dev/null |
        grep -Ev '^/var/(lib/(dpkg|apt|ucf)|cache|log|backups|tmp)(/|$)' |
        grep -Ev '^/etc/(passwd|group|shadow|gshadow|subuid|subgid)-$' |
        LC_ALL=C sort
}

# ---- Build --------------------------------------------------------------
if [ $# -gt 0 ]; then
    DEB=$1
else
    step "make deb-deps && make deb"
    timeout 900 make --no-print-directory deb-deps >"$TMP/deps.log" 2>&1 ||
        { tail -20 "$TMP/deps.log"; fail "make deb-deps"; }
    timeout 1800 make --no-print-directory deb >"$TMP/deb.log" 2>&1 ||
        { tail -40 "$TMP/deb.log"; fail "make deb"; }
    sed -n '/^lintian /,$p' "$TMP/deb.log"
    DEB=$(ls "$ROOT"/build/deb/psearch_*_amd64.deb)
fi
step "package $DEB"
dpkg-deb -c "$DEB" >"$TMP/contents"

# ---- Install --------------------------------------------------------------
snapshot >"$TMP/before"
dpkg-query -W -f='${Package}\n' | sort >"$TMP/pkgs-before"
step "apt-get install $DEB"
DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
    "$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")" >"$TMP/apt.log" 2>&1 ||
    { cat "$TMP/apt.log"; fail "apt-get install"; }
dpkg-query -W -f='${Package}\n' | sort >"$TMP/pkgs-after"
NEWDEPS=$(comm -13 "$TMP/pkgs-before" "$TMP/pkgs-after" | grep -vx psearch || true)

for f in /usr/bin/psearch /usr/bin/psearch-index /usr/bin/psearchd \
         /usr/lib/psearch/libpsearch-engine.so /usr/lib/psearch/psearch-reindex \
         /usr/share/psearch/entities.tsv /etc/psearch/psearch.conf \
         /lib/systemd/system/psearchd.service \
         /lib/systemd/system/psearch-reindex.service \
         /lib/systemd/system/psearch-reindex.timer \
         /usr/lib/systemd/user/psearchd.service \
         /usr/share/man/man1/psearch.1.gz /usr/share/man/man8/psearchd.8.gz \
         /usr/share/bash-completion/completions/psearch \
         /usr/share/nvim/site/pack/psearch/start/psearch/plugin/psearch.lua; do
    [ -e "$f" ] || fail "not installed: $f"
done
# Whatever model files make install ships (the NER model, when there is
# one) came along.
for f in "$ROOT"/corpus/*.model; do
    [ -e "$f" ] || continue
    [ -e "/usr/share/psearch/$(basename "$f")" ] || fail "no $(basename "$f")"
done
getent passwd psearch >/dev/null || fail "no psearch user"
getent group psearch >/dev/null || fail "no psearch group"
[ "$(stat -c %U:%G /var/lib/psearch)" = psearch:psearch ] ||
    fail "/var/lib/psearch is $(stat -c %U:%G /var/lib/psearch)"
/usr/bin/psearch-index --help | grep -qF " /usr/share/psearch/entities.tsv)" ||
    fail "psearch-index does not look in /usr/share/psearch"
[ -L /etc/systemd/system/multi-user.target.wants/psearchd.service ] ||
    fail "psearchd.service is not enabled"
[ ! -e /etc/systemd/system/timers.target.wants/psearch-reindex.timer ] ||
    fail "the reindex timer was enabled"

# ---- Index, as the psearch user -------------------------------------------
# The articles only: the indexer then tags with the installed gazetteer.
mkdir -p "$TMP/corpus" && cp "$ROOT"/corpus/*.txt "$TMP/corpus/"
chmod -R a+rX "$TMP/corpus"
step "psearch-index as user psearch"
runuser -u psearch -- timeout 120 /usr/bin/psearch-index --stats \
    --index /var/lib/psearch/index "$TMP/corpus" ||
    fail "psearch-index"

# ---- The daemon, as its unit would run it ---------------------------------
# systemd's RuntimeDirectory=psearch with RuntimeDirectoryMode=0750, and
# the unit's Environment= and ExecStart= (%t is /run for system units).
UNIT=/lib/systemd/system/psearchd.service
install -d -o psearch -g psearch -m 0750 /run/psearch
env_index=$(sed -n 's/^Environment=PSEARCH_INDEX=//p' "$UNIT")
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT" | sed 's|%t|/run|g')
step "as user psearch: PSEARCH_INDEX=$env_index $exec_start"
# setpriv execs the daemon itself as psearch (runuser would stay in
# between, and answer SIGTERM with its own exit status).
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
setpriv --reuid=psearch --regid=psearch --init-groups -- \
    env PSEARCH_INDEX="$env_index" $exec_start \
    </dev/null >/dev/null 2>"$TMP/psearchd.log" &
DAEMON=$!
for _ in $(seq $((WAIT * 10))); do
    awk -v p="$SOCK" '$4 == "00010000" && $NF == p { f = 1 } END { exit !f }' \
        /proc/net/unix && break
    kill -0 "$DAEMON" 2>/dev/null || { cat "$TMP/psearchd.log"; fail "psearchd exited"; }
    sleep 0.1
done
[ "$(stat -c %U:%G:%a "$SOCK")" = psearch:psearch:660 ] ||
    fail "socket is $(stat -c %U:%G:%a "$SOCK")"

# ---- Search, as a member of the group and as an outsider -------------------
useradd --create-home --groups psearch "$MEMBER"
useradd --create-home "$OUTSIDER"
step "as $MEMBER (group psearch): psearch through the daemon"
n=$(runuser -u "$MEMBER" -- env PSEARCH_SOCKET="$SOCK" \
    timeout 30 /usr/bin/psearch --socket "$SOCK" --count "Article 5") ||
    fail "psearch as $MEMBER"
[ "$n" = 3 ] || fail "\"Article 5\": $n articles, expected 3"
n=$(runuser -u "$MEMBER" -- timeout 30 /usr/bin/psearch --socket "$SOCK" \
    --count 'person:"Volodymyr Zelensky"') || fail "entity search"
[ "$n" = 4 ] || fail "person:\"Volodymyr Zelensky\": $n articles, expected 4"
runuser -u "$MEMBER" -- timeout 30 /usr/bin/psearch --socket "$SOCK" \
    --color=never "Article 5" | sed -n 1,3p
rc=0
runuser -u "$OUTSIDER" -- timeout 30 /usr/bin/psearch --socket "$SOCK" \
    --count "Article 5" >/dev/null 2>"$TMP/outsider.err" || rc=$?
[ $rc = 2 ] || fail "a user outside the group: exit $rc, expected 2"
step "as $OUTSIDER (not in the group): refused ($(head -1 "$TMP/outsider.err"))"
n=$(runuser -u "$OUTSIDER" -- timeout 30 /usr/bin/psearch --direct \
    --index /var/lib/psearch/index --count "Article 5") ||
    fail "direct search as $OUTSIDER"
[ "$n" = 3 ] || fail "direct search: $n articles, expected 3"

kill "$DAEMON"; rc=0; wait "$DAEMON" || rc=$?; DAEMON=
[ $rc = 0 ] || { cat "$TMP/psearchd.log"; fail "psearchd exited $rc on SIGTERM"; }
[ ! -e "$SOCK" ] || fail "psearchd left its socket behind"
userdel -r "$MEMBER" 2>/dev/null; userdel -r "$OUTSIDER" 2>/dev/null

# ---- Purge ----------------------------------------------------------------
step "apt-get purge psearch $NEWDEPS"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive timeout 600 apt-get purge -y -qq psearch \
    $NEWDEPS >"$TMP/purge.log" 2>&1 || { cat "$TMP/purge.log"; fail "purge"; }
snapshot >"$TMP/after"
left=$(comm -13 "$TMP/before" "$TMP/after")
gone=$(comm -23 "$TMP/before" "$TMP/after")
[ -z "$left" ] || { printf '%s\n' "$left"; fail "left behind after purge"; }
[ -z "$gone" ] || { printf '%s\n' "$gone"; fail "removed by the purge"; }
[ ! -e /run/psearch ] || fail "/run/psearch left behind"
getent passwd psearch >/dev/null ||
    fail "the psearch user was removed (policy keeps it)"
step "purged: no file left; the psearch user and group kept, as policy says"

step "passed in $(($(date +%s) - start)) s"
