#!/usr/bin/env bash
# Runs the whole suite: every cmocka unit test binary in build/tests/, then
# every numbered shell test tests/T*.sh. Each shell test counts its own
# cases; this script adds them up and ends with one "N passed, M failed"
# line, exiting non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
export PSEARCH_ROOT=$PWD
export PSEARCH_BIN=$PWD/bin
export PSEARCH_TESTS_BUILD=$PWD/build/tests

# Under `make SANITIZE=1`, every sanitizer report goes to a file, so one
# from a program whose exit status no test looks at (a helper tool, a
# daemon stopped by a signal) still fails the run. Settings already in
# the environment win. intercept_tls_get_addr=0 works around a bug of the
# sanitizer runtime up to GCC 13 and LLVM 16: its __tls_get_addr hook can
# take a malloc'd block for a pre-2.25 glibc TLS header, and then
# LeakSanitizer's tracer dies at exit ("Tracer caught signal 11") now and
# then, failing a run that found no leak.
san=$PWD/build/sanitizer-reports
rm -rf "$san" && mkdir -p "$san"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:intercept_tls_get_addr=0:log_path=$san/asan}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:log_path=$san/ubsan}

pass=0 fail=0 failed=()
for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$("$t" 2>&1); rc=$?
    n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    pass=$((pass + ${n:-0})); fail=$((fail + ${f:-0}))
    if [ $rc -ne 0 ]; then
        [ -z "$f" ] && fail=$((fail + 1))
        failed+=("$name"); printf '%s\n' "$out" | grep -E 'FAIL|ERROR|error' | head -20
    fi
    echo "unit  $name: ${n:-0} passed, ${f:-0} failed"
done

for t in tests/T[0-9]*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    out=$(bash "$t" 2>&1); rc=$?
    counts=$(printf '%s\n' "$out" | tail -1)
    n=$(printf '%s' "$counts" | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(printf '%s' "$counts" | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    pass=$((pass + ${n:-0})); fail=$((fail + ${f:-0}))
    if [ $rc -ne 0 ]; then
        [ -z "$f" ] || [ "$f" = 0 ] && fail=$((fail + 1))
        failed+=("$name"); printf '%s\n' "$out" | grep -v '^ok ' | tail -40
    fi
    echo "shell $name: ${n:-0} passed, ${f:-0} failed"
done

if [ -n "$(ls -A "$san" 2>/dev/null)" ]; then
    for f in "$san"/*; do echo "== $f"; head -40 "$f"; done
    fail=$((fail + 1))
    failed+=("sanitizer reports in $san")
fi
[ ${#failed[@]} -gt 0 ] && echo "failing: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ ${#failed[@]} -eq 0 ]
