#!/usr/bin/python3
# xapref.py: Xapian's own cost for the work psearchd does, measured in
# process with Debian's python3-xapian, as the reference of the targets of
# issue 22 (`make bench`, tests/bench/run.sh). Three modes:
#
#   xapref.py local DB QUERIES N     QueryParser as quest is run (AND, the
#       same prefixes), top 10, each document's data: omindex's database.
#   xapref.py remote HOST:PORT,... QUERIES N    the same search over the
#       remotes (xapian-tcpsrv), reading each document's data and every
#       value (the whole text included), as psearchd reads its results.
#   xapref.py or DB QUESTIONS N      each question's words as a BM25 OR
#       query (QueryParser, OR, the words as typed),
#       top 10 with every value: a question asked of the same index files.
#
# QUERIES has one query a line in Xapian's QueryParser language; each is
# run N times after one unmeasured run. Prints one line a query:
# "INDEX MEDIAN_US P99_US MATCHES" (microseconds, per query).
import statistics
import sys
import time

import xapian


def parser(db, default_op, stem):
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(default_op)
    if stem:
        qp.set_stemmer(xapian.Stem("english"))
        qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    else:
        qp.set_stemming_strategy(xapian.QueryParser.STEM_NONE)
    for user, term in (("person", "XPERSON:"), ("place", "XPLACE:"),
                       ("org", "XORG:"), ("treaty", "XTREATY:")):
        qp.add_boolean_prefix(user, term)
    qp.add_prefix("title", "S")
    return qp


FLAGS = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN |
         xapian.QueryParser.FLAG_LOVEHATE | xapian.QueryParser.FLAG_WILDCARD)


def search(db, qp, text, values):
    """One search as the reference does it: parse, rank, read the top 10."""
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    enq.set_query(qp.parse_query(text, FLAGS))
    ms = enq.get_mset(0, 10)
    for m in ms:
        doc = m.document
        doc.get_data()
        if values:
            for v in doc.values():
                v.value
    return ms.get_matches_estimated()


def open_db(spec):
    if ":" not in spec:
        return xapian.Database(spec)
    db = xapian.Database()
    for hp in spec.split(","):
        host, port = hp.rsplit(":", 1)
        db.add_database(xapian.remote_open(host, int(port)))
    return db


def main():
    mode, spec, qfile, n = sys.argv[1], sys.argv[2], sys.argv[3], \
        int(sys.argv[4])
    db = open_db(spec)
    if mode == "or":
        # The index has no stem terms (a stem is searched through its
        # words, layout.h), so the words as typed.
        qp = parser(db, xapian.Query.OP_OR, False)
    else:
        qp = parser(db, xapian.Query.OP_AND, False)
    values = mode != "local"
    with open(qfile, encoding="utf-8") as f:
        queries = [line.rstrip("\n") for line in f if line.strip()]
    for i, q in enumerate(queries, 1):
        matches = search(db, qp, q, values)
        t = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            search(db, qp, q, values)
            t.append((time.perf_counter_ns() - t0) // 1000)
        t.sort()
        p99 = t[min(len(t) - 1, int(len(t) * 0.99))]
        print(f"{i}\t{int(statistics.median(t))}\t{p99}\t{matches}",
              flush=True)


if __name__ == "__main__":
    main()
