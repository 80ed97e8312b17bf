#!/usr/bin/env bash
# What ships exports only what the public headers declare (after notmuch's
# T360-symbol-hiding): the engine's dynamic symbols are exactly the
# PS_EXPORT functions of include/psearch/*.h, and no installed program or
# the engine carries the trainers (NER, quotes) or the model writers, which
# live in train/ and are linked only by the training tools.
. "$(dirname "$0")/lib.sh"
ENGINE=$ROOT/build/libpsearch-engine.so

# The functions the public headers export: every name followed by "(" in
# a PS_EXPORT declaration, which may span several lines.
header_symbols() {
    cat "$ROOT"/include/psearch/*.h |
        awk '/PS_EXPORT/ { decl = ""; on = 1 }
             on { decl = decl " " $0 }
             on && /[;{]/ { print decl; on = 0 }' |
        sed -n 's/.*[ *]\(ps_[a-z0-9_]*\)(.*/\1/p' | sort -u
}

test_expect_success 'the engine exports exactly the public headers'"'"' functions' '
    nm -D --defined-only "$ENGINE" | awk "\$2 == \"T\" { print \$3 }" |
        sort -u > "$TMP/exported"
    header_symbols > "$TMP/declared"
    test -s "$TMP/declared"
    diff "$TMP/declared" "$TMP/exported"
'
# Data and weak symbols too: only the C++ compiler's own vague-linkage
# objects (typeinfo of Xapian's exception classes, template statics) may
# be there besides the public functions.
test_expect_success 'the engine exports no internal (ps__) symbol of any kind' '
    nm -D --defined-only "$ENGINE" | awk "{ print \$3 }" > "$TMP/all"
    test -s "$TMP/all"
    ! grep -E "^ps__|ps__[a-z_]*\$" "$TMP/all" | grep -v "^_Z"
'
test_expect_success 'no installed program or the engine carries a trainer' '
    for f in "$ENGINE" "$BIN/psearch-index" "$BIN/psearchd" "$BIN/psearch"; do
        nm "$f" > "$TMP/syms" || return 1
        if grep -E " (ps_ner_train|ps_ner_conll_read|ps__ner_model_write|ps__q_model_write|ps__model_write|ps__ner_cluster)\$" "$TMP/syms"; then
            echo "$f carries training code" >&2
            return 1
        fi
    done
'
test_expect_success 'the trainer tool does carry it (the check above can fail)' '
    nm "$ROOT/build/train/ner_train" | grep -q " ps_ner_train$" &&
    nm "$ROOT/build/train/quote_train" | grep -q " ps__q_model_write$"
'
test_done
