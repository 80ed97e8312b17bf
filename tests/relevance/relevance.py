#!/usr/bin/python3
# relevance.py: the driver of `make relevance`. For each test collection
# with relevance judgments it converts the documents to one text file each
# (first line the title, a blank line, the text), indexes them with
# psearch-index, omindex, python3-xapian and SQLite FTS5, runs every query
# on each as a user would type it (lower case, punctuation dropped), scores
# each run with the project's own evaluator (build/tests/releval) and
# writes the table to RELEVANCE.md. Debian's /usr/bin/python3 only: its
# python3-xapian and sqlite3 are the peers measured.
#
#   relevance.py DATA WORK OUT SET...
#
# DATA is ../shared/data/relevance, WORK a scratch directory (the converted
# documents and the indexes: never committed), OUT the Markdown written.
# Environment: REL_SYSTEMS limits the systems run (space separated:
# psearch omindex xapian fts5).
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time

import xapian

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "bin")
RELEVAL = os.path.join(ROOT, "build", "tests", "releval")
RELRUN = os.path.join(ROOT, "build", "relevance-tools", "relrun")
DEPTH = 1000  # results kept per query, as trec_eval's usual cut-off


def typed(text):
    """A query as a user types it: lower case, punctuation dropped."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.lower()).split())


def load_time(data):
    """TIME: 423 articles, 83 queries, judgments by article ordinal."""
    docs, queries = [], []
    cur = None
    with open(os.path.join(data, "TIME.ALL"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("*TEXT"):
                cur = []
                docs.append(cur)
            elif line.startswith("*STOP"):
                break
            elif cur is not None and line.strip():
                cur.append(line.strip())
    # The text runs on from its first line: the section label and the
    # headline are not set apart, so the first line serves as the title.
    docs = [(str(i + 1), lines[0], "\n".join(lines[1:]))
            for i, lines in enumerate(docs)]
    q = None
    with open(os.path.join(data, "TIME.QUE"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("*FIND"):
                q = [line.split()[1], ""]
                queries.append(q)
            elif line.startswith("*STOP"):
                break
            elif q is not None:
                q[1] += " " + line.strip()
    qrels = []
    with open(os.path.join(data, "qrels.txt")) as f:
        for line in f:
            p = line.split()
            if len(p) == 4:
                qrels.append((p[0], p[2], int(p[3])))
    return docs, [(a, b.strip()) for a, b in queries], qrels


def load_scifact(data):
    """SciFact as BEIR has it: abstracts with titles, training claims."""
    docs, queries, qrels = [], [], []
    with open(os.path.join(data, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["_id"], d["title"], d["text"]))
    with open(os.path.join(data, "queries.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            queries.append((d["_id"], d["text"]))
    with open(os.path.join(data, "qrels.tsv")) as f:
        for line in f:
            p = line.split()
            if len(p) == 3 and p[0] != "query-id":
                qrels.append((p[0], p[1], int(p[2])))
    return docs, queries, qrels


SETS = {
    "time": ("TIME", "time", load_time),
    "scifact-train": ("SciFact, training claims", "scifact-train",
                      load_scifact),
}


def write_docs(docs, d):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for did, title, text in docs:
        with open(os.path.join(d, did + ".txt"), "w") as f:
            f.write(title.replace("\n", " ") + "\n\n" + text + "\n")


def doc_id(path):
    return os.path.basename(path)[:-len(".txt")]


def run_psearch(work, docdir, queries, log):
    """psearch-index, then every query in psearch's default form: relrun
    makes the library call psearch makes, asking only for ranked paths (a
    thousand whole results per query would cost a second each). The first
    queries also go through psearch itself, whose top 10 must agree."""
    idx = os.path.join(work, "psearch.idx")
    shutil.rmtree(idx, ignore_errors=True)
    subprocess.run([os.path.join(BIN, "psearch-index"), "--index", idx,
                    "--no-progress", "-q", docdir], check=True)
    p = subprocess.run([RELRUN, idx, str(DEPTH)], check=True,
                       capture_output=True, text=True,
                       input="".join(f"{q}\t{t}\n" for q, t in queries))
    ranked = {}
    for line in p.stdout.splitlines():
        f = line.split()
        ranked.setdefault(f[0], []).append(f[2])
    for qid, text in queries[:5]:
        c = subprocess.run([os.path.join(BIN, "psearch"), "--index", idx,
                            "--direct", "--json", "--", text],
                           capture_output=True, text=True)
        top = [doc_id(json.loads(x)["path"]) for x in c.stdout.splitlines()
               if '"path"' in x]
        if top != ranked.get(qid, [])[:10]:
            log(f"psearch and relrun disagree on query {qid}")
            sys.exit(1)
    note = p.stderr.strip().split(": ", 1)[-1]
    return [(q, ranked.get(q, [])) for q, _ in queries], note


def run_omindex(work, docdir, queries, log):
    db = os.path.join(work, "omindex.db")
    shutil.rmtree(db, ignore_errors=True)
    subprocess.run(["omindex", "--db", db, "--url", "/",
                    "--mime-type=txt:text/plain", docdir], check=True,
                   stdout=subprocess.DEVNULL)

    def one(q):
        qid, text = q
        p = subprocess.run(["quest", "-d", db, "-m", str(DEPTH), "-o", "or",
                            "--", text], capture_output=True, text=True)
        out = [doc_id(m.group(1)) for m in
               re.finditer(r"^url=/(\S+)$", p.stdout, re.M)]
        return qid, out

    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        return list(ex.map(one, queries)), "quest -o or (BM25)"


def run_xapian(work, docs, queries, log):
    db = xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    for did, title, text in docs:
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(title, 1, "S")
        tg.index_text(title)
        tg.increase_termpos()
        tg.index_text(text)
        doc.add_boolean_term("Q" + did)
        doc.set_data(did)
        db.add_document(doc)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    out = []
    for qid, text in queries:
        enq.set_query(qp.parse_query(text))
        out.append((qid, [m.document.get_data().decode()
                          for m in enq.get_mset(0, DEPTH)]))
    return out, "QueryParser, OR, BM25Weight()"


def run_fts5(work, docs, queries, log):
    path = os.path.join(work, "fts5.db")
    if os.path.exists(path):
        os.unlink(path)
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, "
                "body, tokenize='porter')")
    con.executemany("INSERT INTO docs VALUES (?, ?, ?)", docs)
    con.commit()
    out = []
    for qid, text in queries:
        words = ['"' + w + '"' for w in text.split()]
        rows = con.execute("SELECT id FROM docs WHERE docs MATCH ? "
                           "ORDER BY bm25(docs) LIMIT ?",
                           (" OR ".join(words), DEPTH)).fetchall() \
            if words else []
        out.append((qid, [r[0] for r in rows]))
    con.close()
    return out, "bm25(), words joined by OR, porter"


SYSTEMS = [
    ("psearch", "psearch (default form)", run_psearch),
    ("omindex", "omindex + quest", run_omindex),
    ("xapian", "python3-xapian", run_xapian),
    ("fts5", "SQLite FTS5", run_fts5),
]


def evaluate(qrels_path, run, path):
    with open(path, "w") as f:
        for qid, docs in run:
            for r, d in enumerate(docs):
                f.write(f"{qid} Q0 {d} {r + 1} {DEPTH - r} x\n")
    p = subprocess.run([RELEVAL, qrels_path, path], check=True,
                       capture_output=True, text=True)
    return [float(x) for x in p.stdout.split()[:4]]


def main():
    data, work, out_path = sys.argv[1:4]
    sets = sys.argv[4:]
    only = os.environ.get("REL_SYSTEMS", "").split()
    log = lambda m: print("relevance: " + m, file=sys.stderr, flush=True)
    rows = []
    for s in sets:
        name, sub, load = SETS[s]
        docs, queries, qrels = load(os.path.join(data, sub))
        w = os.path.join(work, s)
        os.makedirs(w, exist_ok=True)
        docdir = os.path.join(w, "docs")
        write_docs(docs, docdir)
        qrels_path = os.path.join(w, "qrels")
        judged = {q for q, _, g in qrels if g > 0}
        with open(qrels_path, "w") as f:
            for q, d, g in qrels:
                f.write(f"{q} 0 {d} {g}\n")
        queries = [(q, typed(t)) for q, t in queries if q in judged]
        for key, label, fn in SYSTEMS:
            if only and key not in only:
                continue
            log(f"{s}: {label}, {len(queries)} queries")
            t0 = time.monotonic()
            arg = docdir if fn in (run_psearch, run_omindex) else docs
            run, note = fn(w, arg, queries, log)
            secs = time.monotonic() - t0
            m = evaluate(qrels_path, run, os.path.join(w, key + ".run"))
            log(f"{s}: {label}: MAP {m[0]:.3f} nDCG@10 {m[1]:.3f} "
                f"P@10 {m[2]:.3f} R@100 {m[3]:.3f} ({note}, {secs:.0f} s)")
            rows.append((name, len(docs), len(queries), label, note, m))
    write_md(out_path, rows, sets)


def write_md(path, rows, sets):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    xv = xapian.version_string()
    L = []
    L.append("# Ranking quality on test collections with relevance "
             "judgments")
    L.append("")
    L.append("Written by `make relevance` (tests/relevance/): each "
             "collection is converted to one text file per document (first "
             "line its title, a blank line, its text), indexed by each "
             "system, and every judged query is run as a user would type it "
             "(lower case, punctuation dropped: `tests/relevance/relevance.py`"
             " `typed()`). psearch runs in its default form, through the "
             "library call psearch makes, asking for the ranked paths only "
             "(`tests/relevance/relrun.c`; the first queries are checked "
             "against `psearch --direct` itself). The runs "
             "are scored by the project's own evaluator "
             "(`build/tests/releval`, checked against a hand-computed "
             "example by tests/T230-releval.sh): MAP over the first 1000 "
             "results, nDCG@10, P@10 and R@100, averaged over the queries "
             "that have judgments.")
    L.append("")
    cur = None
    for name, ndocs, nq, label, note, m in rows:
        if name != cur:
            cur = name
            L.append("")
            L.append(f"## {name} ({ndocs} documents, {nq} judged queries)")
            L.append("")
            L.append("| system | MAP | nDCG@10 | P@10 | R@100 | how |")
            L.append("|---|---|---|---|---|---|")
        L.append(f"| {label} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} | "
                 f"{m[3]:.3f} | {note} |")
    L.append("")
    L.append(f"Measured {datetime.date.today().isoformat()} at commit "
             f"{commit} on {cpu} ({os.cpu_count()} CPUs, "
             f"{platform.system()} {platform.release()}), Xapian {xv}, "
             f"SQLite {sqlite3.sqlite_version}, with "
             f"`make relevance REL_SETS=\"{' '.join(sets)}\"`.")
    L.append("")
    L.extend(NOTES)
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


# What the defaults are and what was tried, measured with this harness
# (psearch rows only, nDCG@10 / MAP) before the defaults were fixed.
NOTES = """## psearch's defaults, and what was tried

One set of defaults for every corpus, chosen once on these two collections
(lib/search/, lib/query/, lib/store/layout.h). The figures below were measured
as each change went in; the table above can differ from the last of them by
0.001, since the entity tagger retrained since changes the entity terms an
article's length counts:

- BM25, k1 = 1.2, b = 0.75 (a grid of k1 0.9/1.2/1.6 by b 0.5/0.75/0.9 put
  1.2/0.75 best or within 0.002 of the best on both), k3 = 0.
- No floor on a short article's length (Xapian's min_normlen 0, not its
  default 0.5, as in plain BM25 and FTS5): TIME 0.703 / 0.634 -> 0.709 /
  0.642, SciFact 0.700 / 0.666 -> 0.701 / 0.667 (nDCG@10 / MAP; 0.25
  scores the same as 0).
- The title counts 3 times in its words' wdf (BM25F-like). 1, 2, 3, 4 and 5
  moved nDCG@10 by less than 0.005 on either collection; 3 is in the middle.
- Relaxed form for 5 words or more (stop words aside), or a final `?`, or
  when the strict form finds nothing. Answering every TIME query relaxed
  would score 0.708 / 0.640 instead of 0.704 / 0.635: three short TIME
  queries keep their strict answer, as a precise query should.
- Letters typed apart as an acronym (`u n` for "U.N."): TIME 0.695 -> 0.704.
- A stop list for the relaxed form: without it TIME 0.700 / 0.630, SciFact
  0.702 / 0.668 (with: 0.704 / 0.635 and 0.701 / 0.666); kept, since a stop
  word alone should not make an article match.
- An apostrophe typed as a space (`spain s`, `don t`: 20 of TIME's 79
  queries) is the possessive or negation it stands for: the lone `s` was
  searched as a rare word. TIME 0.709 / 0.642 -> 0.716 / 0.651, SciFact
  0.701 / 0.667 -> 0.702 / 0.668.
- Pseudo-relevance feedback in the relaxed form (lib/search/feedback.cc): the
  plain words of its first 5 articles, each weighed as RM3 does (its share
  of an article's words times exp(score) of the article, summed), the 30
  heaviest added as optional terms (`OP_AND_MAYBE`), scaled so the
  heaviest weighs 0.25 of a query word. TIME 0.716 / 0.651 -> 0.729 /
  0.667, SciFact 0.702 / 0.668 -> 0.711 / 0.674 (nDCG@10 / MAP). A plateau:
  3-8 articles, 20-60 words and 0.2-0.3 all scored TIME 0.722-0.731,
  SciFact 0.708-0.712. It costs a first ranking and five term lists: a
  relaxed query takes 1.0 -> 3.1 ms on SciFact (10 results), 3.1 -> 7.7 ms
  for eight long questions on make bench's slice (11,516 documents); the
  strict form, and so every short keyword query, is not touched. Answers are the same on every shard layout (the
  articles' term lists, no per-shard statistic; scores are shown to 12
  digits, since Xapian sums many terms in a per-shard order).
- The feedback words rank again only the relaxed form's first 50 articles
  (and those tied with the 50th); the rest keep its order. Ranking every
  match again was two thirds of a question's matching (callgrind, SciFact
  claims); over 20 / 50 / 100 articles, against every match: TIME nDCG@10
  0.726 / 0.727 / 0.727 (0.727), SciFact 0.709 / 0.710 / 0.710 (0.711),
  MAP within 0.003; R@100 TIME 0.959 -> 0.956, SciFact 0.942 -> 0.934
  for all three, since the articles after the 50th are no longer moved
  up. A question's whole answer (callgrind on psearchd answering 200
  claims): 16.1M -> 10.3M instructions, 4.9M of it building the 10
  results.
- Feedback from the first 3 articles' 20 heaviest words rather than 5
  articles' 30, the cheapest point of the plateau above (each word is a
  posting list the reranking opens, each article a term list read): TIME
  nDCG@10 0.727 -> 0.731, SciFact 0.710 -> 0.708; 20 words of 5 articles
  0.728 / 0.707, 25 of 3 0.730 / 0.709, 15 of 3 0.721 / 0.707. With the
  merged term lists and the entity identity shared between a daemon's
  threads: psearchd's CPU time for SciFact's 809 claims twice, 3.7 s ->
  2.9 s (callgrind, 200 claims twice on 4 threads: 8.3M -> 6.8M
  instructions a claim).

Tried and left out:

- Prefixed terms (title:, its stems, entities) kept out of the length
  BM25 normalises by (posted with wdf 0, as FTS5 counts only the text):
  no change on TIME (0.703 / 0.634, or 0.709 / 0.642 with min_normlen 0),
  SciFact 0.700 / 0.666 either way, and it would give `title:` and
  `person:` words no weight of their own; left out.

- A proximity boost for each two neighbouring query words (`OP_NEAR` of
  their forms within 4 to 10 positions, scaled 0.1 to 1): TIME nDCG@10 fell
  to 0.687-0.701 (0.704 without), SciFact 0.700 (0.701 without), and it cost
  50-100 ms a query on SciFact. Exact adjacent pairs (window 2-3, scale
  0.05-0.3): TIME 0.695-0.699. The strict form's boosts (the typed words as
  a phrase, or all of them near each other) apply to the relaxed form too.
- Other Xapian weights in place of BM25: BM25+ (TIME 0.638), PL2 (0.685),
  DLH (0.651), DPH (0.677), LM Dirichlet (0.564); SciFact likewise lower.
- Feedback variants (nDCG@10, TIME / SciFact, against 0.729 / 0.711):
  Xapian's own expansion (`Enquire::get_eset`, TradWeight or Bo1, 5-10
  articles, 10-30 terms, scale 0.2-0.5): 0.616-0.712 / 0.607-0.691, worse
  than none, as its weights favour rare words; articles weighed alike
  rather than by exp(score): 0.711-0.736 / 0.675-0.702 (SciFact, with
  mostly one relevant article a claim, loses); by score: 0.717-0.738 /
  0.684-0.704; exp(score / 2 or 4): TIME 0.719-0.736, SciFact
  0.704-0.711; the query's own words weighed again by the feedback:
  0.730-0.736 / 0.707-0.709; words grouped by stem (and searched as all
  their forms): 0.724-0.733 / 0.705-0.710; a document-frequency floor or
  ceiling on the words added: no change (and no per-term look-up needed);
  expansion scaled by the query's length: 0.712-0.722 / 0.702-0.710;
  matching articles by the feedback words too (`OP_OR`): the same as
  `OP_AND_MAYBE`, which keeps the matches and the total as they were.
- k1 / b again with feedback (0.9/1.2/1.6 by 0.6/0.75/0.9): 1.2 / 0.75
  still best on both.
- With feedback, no numbers and no words of one or two letters among the
  words added: TIME 0.729-0.730, SciFact 0.708-0.710; the relaxed form
  from 4 or 3 words on rather than 5: TIME 0.727 / 0.728, SciFact 0.711
  (unchanged). Left as they were.
- Exact document frequency for a stem searched as its forms (Xapian
  estimates an `OP_SYNONYM`'s as if the forms were independent): TIME
  0.735, SciFact 0.710 with feedback, within noise, and it would read
  every form's posting list; the largest form's frequency instead: 0.707 /
  0.707. Left out.
""".split("\n")


if __name__ == "__main__":
    main()
