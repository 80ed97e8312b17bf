#!/usr/bin/python3
"""Scores quote attributions against a gold file, as PolNeAR's score.py
does, for the shipped articles' gold (tests/gold/quotes.jsonl) on a machine
without ../shared.

    quote_score.py GOLD.jsonl PRED.jsonl [--min F1] [--speakers]

PRED is either article lines as GOLD ({"id", "attributions"}) or one line
per attribution ({"path", "source", "cue", "content", ...}: what
`psearch-index --quotes` and `psearch --entities --json`'s "quotes" give),
matched to a gold article by the file name of its path.

The definitions are score.py's (../shared/data/polnear/score.py, whose
docstring is authoritative): a field is the set of word tokens (runs of
str.isalnum characters) that its byte intervals touch; contents are matched
one to one, greedily by shared-token count (ties: larger Jaccard, then
earlier gold, then earlier prediction); an ATTRIBUTION is good when its
contents are matched and the sources agree (both empty, or sharing a
token). P = good / predicted, R = good / gold. Prints one line,
"ATTRIBUTION P R F1 good/pred/gold" (percent, two decimals, as score.py),
and with --min exits 1 when F1 (0..1) is below it. --speakers also counts
the good attributions whose predicted speaker id equals the gold "speaker"
(an entity id, or a surname that the predicted id's last word spells, as
the index folds spellings; "pronoun" and "unnamed" compare with the
predicted kind).
"""
import bisect
import json
import os
import sys


def tokens_of(text):
    starts, ends, b, start = [], [], 0, None
    for ch in text:
        if ch.isalnum():
            if start is None:
                start = b
        elif start is not None:
            starts.append(start)
            ends.append(b)
            start = None
        b += len(ch.encode("utf-8"))
    if start is not None:
        starts.append(start)
        ends.append(b)
    return starts, ends


def token_set(toks, spans):
    starts, ends = toks
    out = set()
    for s, e in spans:
        i = bisect.bisect_right(ends, s)
        while i < len(starts) and starts[i] < e:
            out.add(i)
            i += 1
    return frozenset(out)


def match_greedy(gold, pred):
    cand = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = len(g & p) if g and p else 0
            if ov:
                cand.append((-ov, -ov / len(g | p), gi, pi))
    cand.sort()
    used_g, used_p, out = set(), set(), []
    for _, _, gi, pi in cand:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def read_pred(path, gold):
    by_name = {os.path.basename(a.get("path", a["id"] + ".txt")): k
               for k, a in gold.items()}
    pred = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            if "attributions" in o:
                pred.setdefault(o["id"], []).extend(o["attributions"])
            elif "content" in o and "path" in o:
                k = by_name.get(os.path.basename(o["path"]))
                if k is not None:
                    pred.setdefault(k, []).append(o)
    return pred


def speaker_ok(g, p):
    want = g.get("speaker")
    sp = p.get("speaker")
    if want in ("pronoun", "unnamed"):
        return p.get("speaker_kind") == want or (
            isinstance(sp, dict) and sp.get("kind") == want)
    if isinstance(sp, dict):
        sp = sp.get("id")
    if not isinstance(sp, str):
        return False
    # The gold names a person by surname ("trump", "zelensky"); the index
    # by the full name it resolved, spelt as most articles spell it
    # ("donald-trump", "volodymyr-zelenskyy"): its last word, folded as
    # lib/ident/ident_spelling.c folds, is the gold's.
    return sp == want or fold(sp.split("-")[-1]) == fold(want)


def fold(word):
    out = ""
    for c in word.replace("y", "i"):
        if not out or out[-1] != c:
            out += c
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    gold = {}
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                gold[a["id"]] = a
    pred = read_pred(argv[2], gold)
    good = npred = ngold = spk = 0
    for aid, ga in gold.items():
        toks = tokens_of(ga["text"])
        gatts = ga.get("attributions", [])
        patts = pred.get(aid, [])
        gs = [(token_set(toks, a.get("source", [])),
               token_set(toks, a.get("content", []))) for a in gatts]
        ps = [(token_set(toks, a.get("source", [])),
               token_set(toks, a.get("content", []))) for a in patts]
        ngold += len(gs)
        npred += len(ps)
        for gi, pi in match_greedy([c for _, c in gs], [c for _, c in ps]):
            a, b = gs[gi][0], ps[pi][0]
            if (not a and not b) or (a & b):
                good += 1
                spk += speaker_ok(gatts[gi], patts[pi])
    p = good / npred if npred else 0.0
    r = good / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print("ATTRIBUTION P %.2f R %.2f F1 %.2f  %d good / %d predicted / %d gold"
          % (100 * p, 100 * r, 100 * f, good, npred, ngold))
    if "--speakers" in argv:
        print("speaker right in %d of %d good attributions" % (spk, good))
    if "--min" in argv:
        floor = float(argv[argv.index("--min") + 1])
        if f < floor:
            print("F1 %.4f is below %.2f" % (f, floor))
            return 1
    return 0


sys.exit(main(sys.argv))
