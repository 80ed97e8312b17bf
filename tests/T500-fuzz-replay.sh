#!/usr/bin/env bash
# T500: replays every fuzz target (tests/fuzz/fuzz_*.c) over its seeds and
# over every input a fuzzer once crashed on (tests/fuzz/regress/TARGET/),
# with the project's compiler and flags: under `make SANITIZE=1 test` the
# replay runs with AddressSanitizer and UndefinedBehaviorSanitizer. A
# crash or a broken invariant fails the case and names the input.
. "$(dirname "$0")/lib.sh"

FUZZ=$ROOT/tests/fuzz

for t in request query analyze article quotes; do
    test_expect_success "fuzz target $t: seeds and regression cases replay cleanly" '
        dirs="$FUZZ/seeds/'$t'"
        [ -d "$FUZZ/regress/'$t'" ] && dirs="$dirs $FUZZ/regress/'$t'"
        "$TOOLS/fuzz_replay_'$t'" $dirs 2>"$TMP/'$t'.err" >"$TMP/'$t'.out" || {
            tail -25 "$TMP/'$t'.err"; false; }
        n=$(sed -n "s/^replayed \([0-9]*\) inputs$/\1/p" "$TMP/'$t'.out")
        [ "${n:-0}" -ge 5 ]
    '
done

test_expect_success 'a replay with an input it cannot read fails (exit 2)' '
    assert_exit 2 "$TOOLS/fuzz_replay_article" "$TMP/no-such-input" 2>/dev/null
'

test_done
