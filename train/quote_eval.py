#!/usr/bin/python3
"""Glue for `make quote-eval`: PolNeAR-style JSON Lines to article files
and psearch-index --quotes output back to score.py's format.

    quote_eval.py split DATA.jsonl DIR   # DIR/NNNN.txt, one per article
    quote_eval.py join DATA.jsonl DIR QUOTES.jsonl > PRED.jsonl

The files hold each article's text byte for byte, so the offsets
psearch-index prints are the data's own."""
import json
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


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "split":
        split(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "join":
        join(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
