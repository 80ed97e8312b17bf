#!/usr/bin/python3
"""Glue for `make quote-eval`: PolNeAR-style JSON Lines to article files
and psearch-index --quotes output back to score.py's format.

    quote_eval.py split DATA.jsonl DIR   # DIR/NNNN.txt, one per article
    quote_eval.py join DATA.jsonl DIR QUOTES.jsonl > PRED.jsonl
    quote_eval.py confidence SCORE.py DATA.jsonl QUOTES.jsonl

The files hold each article's text byte for byte, so the offsets
psearch-index prints are the data's own. `confidence` prints how often
the attributions of each band of confidence are right, as SCORE.py's
ATTRIBUTION counts them (its own matching, imported), with the mean
confidence, the log-loss and the Brier score."""
import importlib.util
import json
import math
import os
import sys


def articles(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def split(data, out):
    os.makedirs(out, exist_ok=True)
    for n, a in enumerate(articles(data)):
        with open(os.path.join(out, "%04d.txt" % n), "wb") as f:
            f.write(a["text"].encode("utf-8"))


def join(data, out, quotes):
    by_file = {}
    with open(quotes, encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            name = os.path.basename(q["path"])
            by_file.setdefault(name, []).append(
                {k: q[k] for k in ("source", "cue", "content")})
    for n, a in enumerate(articles(data)):
        print(json.dumps({"id": a["id"],
                          "attributions": by_file.get("%04d.txt" % n, [])}))


def quotes_by_file(quotes):
    by_file = {}
    with open(quotes, encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            by_file.setdefault(os.path.basename(q["path"]), []).append(q)
    return by_file


def confidence(score_py, data, quotes):
    spec = importlib.util.spec_from_file_location("score", score_py)
    sc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sc)
    by_file = quotes_by_file(quotes)
    rows = []  # (confidence, right)
    for n, a in enumerate(articles(data)):
        doc = sc.Doc(a["text"])
        gold = [sc.Item(doc, g, "gold") for g in a.get("attributions", [])]
        pred = by_file.get("%04d.txt" % n, [])
        items = [sc.Item(doc, p, "pred") for p in pred]
        right = [False] * len(pred)
        for g, p, _ in sc.match_greedy([x.content for x in gold],
                                       [x.content for x in items]):
            gs, ps = gold[g].source, items[p].source
            right[p] = (not gs and not ps) or bool(gs & ps)
        rows += [(q["confidence"], r) for q, r in zip(pred, right)]
    bands = ((0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 1.01))
    print("confidence   attributions  right   mean confidence")
    for lo, hi in bands:
        b = [(c, r) for c, r in rows if lo <= c < hi]
        if b:
            print("%.1f to %-4s %12d  %5.1f%%  %.2f" % (
                lo, "%.1f" % min(hi, 1), len(b),
                100 * sum(r for _, r in b) / len(b),
                sum(c for c, _ in b) / len(b)))
    if rows:
        eps = 1e-6
        ll = -sum(math.log(min(max(c, eps), 1 - eps) if r
                           else 1 - min(max(c, eps), 1 - eps))
                  for c, r in rows) / len(rows)
        brier = sum((c - r) ** 2 for c, r in rows) / len(rows)
        print("log-loss %.3f  Brier %.3f  (%d attributions)"
              % (ll, brier, len(rows)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "split":
        split(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "join":
        join(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "confidence":
        confidence(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
