# Extracts the psearch examples of a document, for T430-examples.sh: one
# line per example, "FILE:LINE<TAB>EXIT<TAB>KIND<TAB>TEXT".
#   KIND shell:  TEXT is a psearch command line (psearch or bin/psearch
#                first), to be split as the shell would;
#   KIND query:  TEXT is a query as the Neovim plugin's :Psearch takes it.
#   EXIT is the documented exit status: 0 unless the example's comment
#   says "exit N" or "exits N".
# Where examples are looked for:
#   Markdown: lines in ``` fences and 4-space indented blocks, "$ " prompts
#             allowed; and `inline code` spans in other text, joined across
#             line breaks (the line given is where the span ends);
#   roff (a file whose name ends in a digit): lines between .EX and .EE,
#             unescaped; Vim help: lines starting with :Psearch.
# Lines that show a syntax rather than an example (QUERY, [options], an
# ellipsis), and examples of another machine's index (an absolute --index),
# are skipped.
function unroff(s) {
    gsub(/\\\(aq/, "'", s); gsub(/\\\(dq/, "\"", s); gsub(/\\\(ti/, "~", s)
    gsub(/\\-/, "-", s); gsub(/\\e/, "\\", s); gsub(/\\&/, "", s)
    return s
}
function expected(s) {
    if (match(s, /#.*exits? [0-9]+/)) {
        s = substr(s, RSTART, RLENGTH)
        sub(/.* /, "", s)
        return s + 0
    }
    return 0
}
# Emits the example in the code line S, if it is one.
function code(s, where,    cmd, want) {
    sub(/^[ \t]+/, "", s)
    sub(/^\$ /, "", s)
    want = expected(s)
    if (s ~ /:Psearch /) {
        sub(/.*:Psearch /, "", s)
        sub(/[ \t]+$/, "", s)
        if (s !~ /[{}]|QUERY|\.\.\.|…/)
            printf "%s\t%d\tquery\t%s\n", where, want, s
        return
    }
    if (s !~ /^(bin\/)?psearch /)
        return
    # A comment: blanks, then # and a blank (a query has no " # ").
    cmd = s
    sub(/[ \t]+#[ \t].*$/, "", cmd)
    sub(/[ \t]+$/, "", cmd)
    if (cmd ~ /QUERY|\[options\]|\.\.\.|…/)
        return
    # An example that names an index by an absolute path (`--index
    # /var/lib/psearch/nodes`) shows another machine's setup, not corpus/.
    if (cmd ~ /--index[ =]\//)
        return
    # An option named in the text (`psearch --direct`), with no query.
    if (cmd ~ /^(bin\/)?psearch( -[^ ]*)*$/)
        return
    printf "%s\t%d\tshell\t%s\n", where, want, cmd
}
# The `psearch ...` spans of a paragraph of text.
function spans(t, where,    s) {
    while (match(t, /`[^`]*`/)) {
        s = substr(t, RSTART + 1, RLENGTH - 2)
        t = substr(t, RSTART + RLENGTH)
        if (s ~ /^(bin\/)?psearch / || s ~ /^:Psearch /)
            code(s, where)
    }
}
BEGIN { roff = FILENAME ~ /[0-9]$/ }
FNR == 1 { roff = FILENAME ~ /[0-9]$/; vimhelp = FILENAME ~ /\.txt$/;
           fence = 0; ex = 0; para = "" }
roff {
    if ($0 ~ /^\.EX/) { ex = 1; next }
    if ($0 ~ /^\.EE/) { ex = 0; next }
    if (ex) code(unroff($0), FILENAME ":" FNR)
    next
}
vimhelp {
    if ($0 ~ /^[ \t]*:Psearch [^{]/) code($0, FILENAME ":" FNR)
    next
}
/^[ \t]*```/ { fence = !fence; para = ""; next }
fence { code($0, FILENAME ":" FNR); next }
/^    / && para == "" { code($0, FILENAME ":" FNR); next }
/^[ \t]*$/ { para = ""; next }
{
    para = para " " $0
    # A span is complete once the paragraph so far has an even number of
    # backquotes; spans() then takes the complete ones, once.
    n = gsub(/`/, "`", para)
    if (n % 2 == 0) { spans(para, FILENAME ":" FNR); para = "" }
}
