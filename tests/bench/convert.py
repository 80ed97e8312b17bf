#!/usr/bin/python3
# convert.py: turns the unpacked Debian documentation packages into the
# benchmark corpus, one UTF-8 .txt file per page or dictionary entry, its
# first line the title. Called by mkcorpus.sh; only the Python standard
# library is used (html.parser for HTML, gzip for the dictd file), and man
# pages go through man(1) itself, so the text is what a reader would see.
#
#   convert.py html SRC_ROOT OUT_DIR GLOB...   pages under SRC_ROOT matching
#                                              a GLOB and no !GLOB
#   convert.py man  SRC_ROOT OUT_DIR           man pages (*.gz) under SRC_ROOT
#   convert.py gcide INDEX DICT_DZ OUT_DIR     one file per headword
#
# The output depends only on the input files: files are visited in sorted
# order and nothing (time, locale, terminal) leaks into the text.
import concurrent.futures
import fnmatch
import gzip
import html
import html.parser
import os
import re
import subprocess
import sys

# Elements whose content is page furniture, not the page's prose.
SKIP_TAGS = {"script", "style", "nav", "header", "footer", "aside",
             "noscript", "template", "svg", "button", "form", "select"}
# Sphinx, DocBook and Django navigation blocks, by class.
SKIP_CLASSES = {"sphinxsidebar", "sphinxsidebarwrapper", "related", "footer",
                "navheader", "navfooter", "headerlink", "breadcrumbs",
                "toc-wrapper", "sidebar", "nav", "navigation", "header",
                "version_switcher_placeholder", "language_switcher_placeholder",
                "rightside", "leftside", "contents-treeview"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}
BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4",
         "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
         "blockquote", "pre", "br", "hr", "body", "figure", "figcaption",
         "caption", "thead", "tbody"}


class Text(html.parser.HTMLParser):
    """Collects the visible prose of one HTML page and its <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []          # pieces of body text
        self.title = []
        self.in_title = False
        self.skip = []         # stack of open elements being skipped
        self.pre = 0

    def _skipped(self, tag, attrs):
        if tag in SKIP_TAGS:
            return True
        for k, v in attrs:
            if k == "class" and v and SKIP_CLASSES & set(v.split()):
                return True
            if k == "role" and v in ("navigation", "search", "banner"):
                return True
        return False

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if not self.skip and tag in BLOCK:
                self.out.append("\n")
            return
        if self.skip:
            self.skip.append(tag)
            return
        if tag == "title":
            self.in_title = True
            return
        if self._skipped(tag, attrs):
            self.skip.append(tag)
            return
        if tag == "pre":
            self.pre += 1
        if tag in BLOCK:
            self.out.append("\n\n" if tag in ("p", "pre", "h1", "h2", "h3",
                                              "h4", "h5", "h6") else "\n")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_startendtag(self, tag, attrs):
        if not self.skip and tag in BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.skip:
            # Close the innermost open element of that name; stray end tags
            # of elements never opened are ignored, as browsers do.
            for i in range(len(self.skip) - 1, -1, -1):
                if self.skip[i] == tag:
                    del self.skip[i:]
                    break
            return
        if tag == "title":
            self.in_title = False
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            if self.pre:
                self.out.append(data)
            else:
                self.out.append(re.sub(r"\s+", " ", data))

    def text(self):
        lines = []
        for line in "".join(self.out).split("\n"):
            line = line.rstrip()
            if line.strip() or (lines and lines[-1]):
                lines.append(line if line.strip() else "")
        body = "\n".join(lines).strip("\n")
        body = re.sub(r"\n{3,}", "\n\n", body)
        return " ".join("".join(self.title).split()), body


def decode(raw):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def clean(s):
    # psearch-index refuses NUL bytes and non-UTF-8; the rest of the
    # control characters are noise from the converters.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", s)


def write(out_dir, rel, title, body):
    if len(body.strip()) < 64:
        return 0
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(clean(title).strip() + "\n\n" + clean(body).strip() + "\n")
    return 1


def walk(root, globs):
    # A glob matches the path relative to ROOT ("*" also crosses "/"); a
    # glob starting with "!" excludes what it matches.
    inc = [g for g in globs if not g.startswith("!")]
    exc = [g[1:] for g in globs if g.startswith("!")]
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(d, name), root)
            if any(fnmatch.fnmatch(rel, g) for g in inc) and \
                    not any(fnmatch.fnmatch(rel, g) for g in exc):
                yield rel


def do_html(root, out_dir, globs):
    n = 0
    for rel in walk(root, globs):
        with open(os.path.join(root, rel), "rb") as f:
            p = Text()
            p.feed(decode(f.read()))
            p.close()
        title, body = p.text()
        if not title:
            title = os.path.splitext(os.path.basename(rel))[0]
        n += write(out_dir, os.path.splitext(rel)[0] + ".txt", title, body)
    return n


def man_text(path):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "MANWIDTH": "80",
           "MAN_KEEP_FORMATTING": "", "MANROFFSEQ": "", "HOME": "/nonexistent"}
    r = subprocess.run(["man", "-E", "UTF-8", "-l", path], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       check=False)
    r2 = subprocess.run(["col", "-bx"], input=r.stdout, env=env,
                        stdout=subprocess.PIPE, check=True)
    return decode(r2.stdout)


def do_man(root, out_dir):
    rels = list(walk(root, ["*.gz"]))
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        texts = list(ex.map(lambda r: man_text(os.path.join(root, r)), rels))
    n = 0
    for rel, text in zip(rels, texts):
        lines = text.split("\n")
        # The title is the NAME line ("perlfunc - Perl builtin functions").
        title = rel
        for i, line in enumerate(lines):
            if line.strip() == "NAME" and i + 1 < len(lines):
                title = lines[i + 1].strip()
                break
        base = rel[:-3] if rel.endswith(".gz") else rel
        n += write(out_dir, base + ".txt", title, text)
    return n


B64 = {c: i for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def b64num(s):
    v = 0
    for c in s:
        v = v * 64 + B64[c]
    return v


def slug(word):
    s = re.sub(r"[^a-z0-9]+", "_", word.lower()).strip("_")
    return s[:80] or "_"


def do_gcide(index, dz, out_dir):
    # The dictd index maps headwords to (offset, length) in the
    # uncompressed dictionary; several headwords can share one entry.
    # Entries are grouped by their first headword, case-folded, so "Hamite"
    # (two senses) is one document; the 00-database-* entries are skipped.
    entries = {}
    with open(index, encoding="utf-8") as f:
        for line in f:
            head, off, ln = line.rstrip("\n").split("\t")
            o = b64num(off)
            entries.setdefault(o, (b64num(ln), []))[1].append(head)
    with gzip.open(dz) as f:
        data = f.read()
    groups = {}
    for o in sorted(entries):
        ln, heads = entries[o]
        if heads[0].startswith("00-"):
            continue
        text = decode(data[o:o + ln])
        # The index lists every headword of the entry in alphabetical
        # order ("Burchell's zebra" before "Zebra"); the entry's own first
        # line ("Zebra \\Ze"bra\\ n.") says which one it is about.
        first = next((l for l in text.split("\n") if l.strip()), "")
        own = first.split(" \\")[0].strip().casefold()
        head = next((h for h in heads if h.casefold() == own),
                    next((h for h in heads
                          if first.casefold().startswith(h.casefold())),
                         heads[0]))
        key = head.casefold()
        groups.setdefault(key, [head, []])[1].append(text.strip("\n"))
    n = 0
    used = set()
    for key in sorted(groups):
        head, texts = groups[key]
        name = slug(key)
        sub = name[0] if name[0].isalpha() else "_"
        rel = f"{sub}/{name}"
        k = 2
        while rel in used:
            rel = f"{sub}/{name}-{k}"
            k += 1
        used.add(rel)
        n += write(out_dir, rel + ".txt", head, "\n\n".join(texts))
    return n


def main(argv):
    if len(argv) >= 4 and argv[1] == "html":
        n = do_html(argv[2], argv[3], argv[4:])
    elif len(argv) == 4 and argv[1] == "man":
        n = do_man(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "gcide":
        n = do_gcide(argv[2], argv[3], argv[4])
    else:
        sys.stderr.write("usage: convert.py html|man|gcide ... (see the header)\n")
        return 2
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
