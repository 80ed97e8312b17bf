#!/usr/bin/python3
# report.py: writes BENCHMARKS.md and BENCHMARKS-latency.png from the raw
# results run.sh leaves in var/bench/results/{small,large}/, judging every
# figure against the engine's targets (issue "benchmark harness", item 3).
# Each run present is reported, so the slice and the whole corpus can be
# measured at different times and still be shown together. A results folder
# of an older run.sh (one psearchd, one psearch-index) is reported too, its
# missing figures as "–".
#
#   report.py RESULTS_DIR BENCHMARKS.md BENCHMARKS-latency.png
import json
import os
import statistics
import subprocess
import sys
import tempfile

import report_xapian

RUNS = [("small", "The slice: every tenth document (`make bench`)"),
        ("large", "The whole corpus (`make bench BENCH=large`)")]

# Targets of the engine (the item 3), in one place.
T_INDEX_SPEEDUP = 3.0      # psearch-index at least 3x faster than omindex
T_INDEX_RSS_MIB = 300      # peak RSS of psearch-index
T_INCREMENTAL = 0.05       # 1% changed: under 5% of a full run
T_FLOOR_RATIO = 1.5        # psearchd median vs raw Xapian + socket floor
T_P99_US = 5000            # psearchd p99 on every query
T_FTS_COMMON = 10.0        # psearchd vs FTS5 on the very common words
T_QPS_8 = 10000            # 8 clients, on the slice
T_QUOTE_TIME = 1.15        # indexing with the quote step vs --no-quotes
T_QUOTE_SIZE = 1.10        # the index with attributions vs without

# The two psearchd's run.sh measures: key suffix, and how a row names it.
MODES = [("", "uncached", "uncached (`--cache-size 0`)"),
         ("c", "cached", "cached (default; a repeated query)")]
NOT_RUN = "not measured in this run (older run.sh)"


def ok(b):
    return "**pass**" if b else "**FAIL**"


def ms(us):
    if us is None:
        return "–"
    us = float(us)
    if us >= 100000:
        return f"{us / 1000:.0f}"
    if us >= 10000:
        return f"{us / 1000:.1f}"
    return f"{us / 1000:.2f}"


def mb(n):
    return f"{int(n) / 1e6:.1f}"


def load(d):
    r = {"meta": {}}
    for line in open(os.path.join(d, "meta.txt"), encoding="utf-8"):
        k, _, v = line.rstrip("\n").partition("=")
        r["meta"][k] = v
    runs = {}
    for line in open(os.path.join(d, "index.tsv")):
        # LABEL WALL RSS[ CPU]: an older run.sh did not time the CPU.
        f = line.rstrip("\n").split("\t")
        cpu = float(f[3]) if len(f) > 3 else None
        runs.setdefault(f[0], []).append((float(f[1]), int(f[2]), cpu))
    r["index"] = {k: (statistics.median(x[0] for x in v),
                      statistics.median(x[1] for x in v), len(v))
                  for k, v in runs.items()}
    r["index_runs"] = runs
    r["sizes"], r["inc_stats"], r["full_stats"] = {}, [], {}
    for line in open(os.path.join(d, "index_sizes.tsv"), encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "size":
            r["sizes"][f[1]] = int(f[2])
        elif f[0] == "docs":
            # psearch, omindex, FTS5[, psearch --shards 2]
            r["docs_indexed"] = f[1:] + ["–"] * (4 - len(f[1:]))
        elif f[0] == "incremental":
            r["inc_stats"].append(f[2])
        elif f[0] == "stats":
            r["full_stats"][f[1]] = f[2]
    # An older run.sh ran one psearchd with its defaults: say which mode
    # its figures are, and file them under it.
    legacy = None
    if "psearchd_modes" not in r["meta"]:
        legacy = legacy_mode(r["meta"].get("commit", ""))
    r["legacy"] = legacy
    e = open(os.path.join(d, "echo.tsv")).read().split()
    r["echo"] = (float(e[0]), float(e[1]))
    r["queries"] = []
    for line in open(os.path.join(d, "queries.tsv"), encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        q = {"i": int(f[0]), "kind": f[1], "q": f[2], "total": f[3],
             "bytes": int(f[4])}
        names = ["psd", "raw", "full", "direct", "viad", "quest", "fts",
                 "rg"]
        for k, name in enumerate(names):
            q[name] = (float(f[5 + 2 * k]), float(f[6 + 2 * k]))
        q["quest_total"], q["fts_rows"], q["rg_files"] = f[21], f[22], f[23]
        # The cached daemon's columns, last; absent from an older run.sh.
        q["psdc"] = q["viadc"] = None
        if len(f) >= 28:
            q["psdc"] = (float(f[24]), float(f[25]))
            q["viadc"] = (float(f[26]), float(f[27]))
        elif legacy == "cached":
            q["psdc"], q["viadc"] = q["psd"], q["viad"]
            q["psd"] = q["viad"] = None
        r["queries"].append(q)
    r["load"], r["ping"] = [], None
    for line in open(os.path.join(d, "load.tsv")):
        w = line.split()
        if w[0] == "ping":
            r["ping"] = dict(kv.split("=") for kv in w[1:])
            continue
        mode = legacy or "uncached"
        if "=" not in w[0]:
            mode, w = w[0], w[1:]
        l = dict(kv.split("=") for kv in w)
        l["mode"] = mode
        r["load"].append(l)
    r["cache"] = {}
    path = os.path.join(d, "cache.tsv")
    if os.path.exists(path):
        for line in open(path):
            mode, _, js = line.rstrip("\n").partition("\t")
            try:
                r["cache"][mode] = json.loads("{" + js + "}")["cache"]
            except (ValueError, KeyError):
                pass
    r["shards"] = []
    path = os.path.join(d, "shards.tsv")
    if os.path.exists(path):
        for line in open(path):
            n, wall, rss, med, worst = line.split()
            r["shards"].append((int(n), float(wall), int(rss), float(med),
                                float(worst)))
    r["dist"] = load_distributed(os.path.join(d, "distributed.tsv"))
    report_xapian.load(d, r)
    return r


def load_distributed(path):
    """The "Distributed" section's figures (run.sh, section 6): each node's
    build, psearchd's latency over the nodes and on the local whole index
    (measured right after, in the same window), the whole corpus's size."""
    dist = {"parts": {}, "lat": [], "corpus_bytes": 0}
    if not os.path.exists(path):
        return None
    pending = None
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "corpus_bytes":
            dist["corpus_bytes"] = int(f[1])
        elif f[0] == "part":
            n, k, b, docs, wall, rss = f[1:7]
            dist["parts"].setdefault(int(n), []).append(
                (int(k), int(b), int(docs), float(wall), int(rss or 0)))
        elif f[0] == "lat" and f[1] != "0":
            pending = (int(f[1]), float(f[2]), float(f[3]))
        elif f[0] == "lat" and pending:
            dist["lat"].append(pending + (float(f[2]), float(f[3])))
            pending = None
    return dist


def distributed(r, out):
    """The "Distributed" section: the slice split over 2 and 4 nodes."""
    d = r.get("dist")
    if not d or not d["parts"]:
        return
    out.append("### Distributed\n")
    out.append("The corpus split over N \"nodes\" (file i to node i mod N), "
               "each part indexed by a `psearch-index` run of its own (one "
               "after the other on this machine; on N machines they run at "
               "once), each served by its own `xapian-tcpsrv` on loopback, "
               "and psearchd (`--cache-size 0`) reading them through one "
               "stub of `remote` lines, against psearchd on one local index "
               "of the whole corpus measured right after. Latency: the "
               "median over the query set of each query's median round "
               "trip, and the worst p99.\n")
    out.append("| nodes | node | MB | documents | index s | MB/s | "
               "peak RSS MiB |\n|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted(d["parts"]):
        for k, b, docs, wall, rss in sorted(d["parts"][n]):
            rate = b / wall / 1e6 if wall else 0
            out.append(f"| {n} | {k} | {mb(b)} | {docs:,} | {wall:.1f} | "
                       f"{rate:.2f} | {rss / 1024:.0f} |")
    out.append("")
    out.append("| nodes | over the remotes: median ms | worst p99 ms | "
               "local whole index: median ms | worst p99 ms | "
               "cost of the hop, median |\n"
               "|---:|---:|---:|---:|---:|---:|")
    for n, rm, rw, lm, lw in d["lat"]:
        out.append(f"| {n} | {ms(rm)} | {ms(rw)} | {ms(lm)} | {ms(lw)} | "
                   f"{ms(rm - lm)} |")
    out.append("")
    if d["corpus_bytes"]:
        out.append(f"The whole corpus ({mb(d['corpus_bytes'])} MB) built by N "
                   "nodes at once, each indexing 1/N of it at the rate of "
                   "the slowest node measured above (indexing time grows "
                   "about linearly with the bytes of a part):\n")
        out.append("| nodes | projected build s |\n|---:|---:|")
        for n in sorted(d["parts"]):
            slowest = max(wall / b for _, b, _, wall, _ in d["parts"][n]
                          if b)
            out.append(f"| {n} | {slowest * d['corpus_bytes'] / n:.0f} |")
        out.append("")


def legacy_mode(commit):
    """For a results folder of an older run.sh, which started one psearchd
    with its defaults: "cached" if psearchd at COMMIT had the answer cache
    (on by default), "uncached" if it had none, None if git cannot tell."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "..")
    try:
        rc = subprocess.run(["git", "-C", root, "grep", "-q", "-F", "-e",
                             '"cache-size"', commit, "--", "searchd"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
    except OSError:
        return None
    return {0: "cached", 1: "uncached"}.get(rc)


def not_run(r, mode=None):
    """Why a figure is missing from run R."""
    c = r["meta"].get("commit", "?")
    if mode == "cached" and r["legacy"] == "uncached":
        return f"{NOT_RUN}: psearchd had no answer cache at commit `{c}`"
    if mode == "uncached" and r["legacy"] == "cached":
        return (f"{NOT_RUN}: its one psearchd had the answer cache on "
                f"(commit `{c}`)")
    return NOT_RUN


def judge_index(r, label, what):
    """The indexing rows of one psearch-index configuration."""
    ix = r["index"]
    om = ix["omindex"]
    t_speed = f"psearch-index ≥ 3× faster than omindex: {what}"
    t_rss = f"psearch-index peak RSS ≤ 300 MiB: {what}"
    if label not in ix:
        return [(t_speed, NOT_RUN, "–"), (t_rss, NOT_RUN, "–")]
    ps = ix[label]
    speed, rss = om[0] / ps[0], ps[1] / 1024
    return [(t_speed, f"{speed:.2f}× ({ps[0]:.1f} s vs {om[0]:.1f} s)",
             ok(speed >= T_INDEX_SPEEDUP)),
            (t_rss, f"{rss:.0f} MiB", ok(rss <= T_INDEX_RSS_MIB))]


def judge_daemon(r, sfx, how):
    """The four latency rows of one psearchd (psd + SFX)."""
    qs, echo, n = r["queries"], r["echo"][0], len(r["queries"])
    k = "psd" + sfx
    t = ["psearchd median ≤ 1.5 × (raw Xapian + socket floor), every query",
         "psearchd p99 < 5 ms, every query",
         "psearchd faster than in-process FTS5 on the median",
         "psearchd ≥ 10× faster than FTS5 on the very common words"]
    t = [f"{x}: {how}" for x in t]
    if any(q[k] is None for q in qs):
        why = not_run(r, "cached" if sfx else "uncached")
        return [(x, why, "–") for x in t]
    floor_ok = [q for q in qs if q[k][0] <= T_FLOOR_RATIO *
                (q["raw"][0] + echo)]
    worst_floor = max(qs, key=lambda q: q[k][0] / (q["raw"][0] + echo))
    p99_ok = [q for q in qs if q[k][1] < T_P99_US]
    worst_p99 = max(qs, key=lambda q: q[k][1])
    med_psd = statistics.median(q[k][0] for q in qs)
    med_fts = statistics.median(q["fts"][0] for q in qs)
    fts_faster = [q for q in qs if q[k][0] < q["fts"][0]]
    common = [q for q in qs if q["kind"] == "common"]
    common_ok = all(q["fts"][0] >= T_FTS_COMMON * q[k][0] for q in common)
    common_txt = ", ".join(f'`{q["q"]}` {q["fts"][0] / q[k][0]:.2f}×'
                           for q in common)
    return [
        (t[0], f"{len(floor_ok)} of {n}; worst `{worst_floor['q']}` "
         f"{worst_floor[k][0] / (worst_floor['raw'][0] + echo):.1f}×",
         ok(len(floor_ok) == n)),
        (t[1], f"{len(p99_ok)} of {n}; worst `{worst_p99['q']}` "
         f"{ms(worst_p99[k][1])} ms", ok(len(p99_ok) == n)),
        (t[2], f"{ms(med_psd)} vs {ms(med_fts)} ms (faster on "
         f"{len(fts_faster)} of {n} queries)", ok(med_psd < med_fts)),
        (t[3], common_txt, ok(common_ok)),
    ]


def judge_quest(r, k, how, mode):
    """`psearch` (column K) against quest, every query."""
    qs, n = r["queries"], len(r["queries"])
    t = f"`psearch` (one process) faster than `quest`, every query: {how}"
    if any(q[k] is None for q in qs):
        return (t, not_run(r, mode), "–")
    good = [q for q in qs if q[k][0] < q["quest"][0]]
    worst = max(qs, key=lambda q: q[k][0] / q["quest"][0])
    return (t, f"{len(good)} of {n}; worst `{worst['q']}` "
            f"{ms(worst[k][0])} vs {ms(worst['quest'][0])} ms",
            ok(len(good) == n))


def quote_cost(r):
    """What the quote step costs indexing: the medians of the paired
    rounds' ratios, default over `--no-quotes` (each round runs both, one
    after the other), of wall time and of CPU time (None when an older
    run.sh did not measure it), with the medians of each side."""
    q = r["index_runs"].get("psearch-index")
    nq = r["index_runs"].get("psearch-index-nq")
    if not q or not nq or len(q) != len(nq):
        return None
    wall = statistics.median(a[0] / b[0] for a, b in zip(q, nq))
    cpu = None
    if all(x[2] for x in q + nq):
        cpu = (statistics.median(a[2] / b[2] for a, b in zip(q, nq)),
               statistics.median(x[2] for x in q),
               statistics.median(x[2] for x in nq))
    return (wall, statistics.median(x[0] for x in q),
            statistics.median(x[0] for x in nq), cpu)


def judge_quotes(r):
    """The quote step's two rows (issue 21): indexing time and index size
    with it against `--no-quotes`."""
    t_time = (f"quote step: indexing ≤ {T_QUOTE_TIME:.2f}× the time of "
              "`--no-quotes` (wall; CPU beside it)")
    t_size = (f"quote step: index ≤ {T_QUOTE_SIZE:.2f}× the size of "
              "`--no-quotes`")
    c, sz = quote_cost(r), r["sizes"]
    if not c:
        return [(t_time, NOT_RUN, "–"), (t_size, NOT_RUN, "–")]
    wall, wq, wnq, cpu = c
    cpu_txt = (f"; CPU {cpu[0]:.2f}× ({cpu[1]:.1f} s vs {cpu[2]:.1f} s)"
               if cpu else "")
    rows = [(t_time, f"wall {wall:.2f}× ({wq:.1f} s vs {wnq:.1f} s){cpu_txt}",
             ok(wall <= T_QUOTE_TIME))]
    if "psearch-index" in sz and "psearch-index-nq" in sz:
        ratio = sz["psearch-index"] / sz["psearch-index-nq"]
        rows.append((t_size, f"{ratio:.3f}× ({mb(sz['psearch-index'])} vs "
                     f"{mb(sz['psearch-index-nq'])} MB)",
                     ok(ratio <= T_QUOTE_SIZE)))
    else:
        rows.append((t_size, NOT_RUN, "–"))
    return rows


def judge(r, name):
    """Returns [(target, measured, verdict)] for one run."""
    ix = r["index"]
    ps, inc = ix["psearch-index"], ix["incremental"]
    incr = inc[0] / ps[0]
    rows = judge_index(r, "psearch-index", "default (1 shard)")
    rows += judge_index(r, "psearch-index-2",
                        "`--shards 2` (a writer thread per shard)")
    rows.sort(key=lambda x: "RSS" in x[0])  # speed rows first, then RSS
    rows += judge_quotes(r)
    rows.append(("incremental run (default, 1 shard), 1% changed, < 5% of "
                 "a full run",
                 f"{100 * incr:.1f}% ({inc[0]:.2f} s vs {ps[0]:.1f} s)",
                 ok(incr < T_INCREMENTAL)))
    # Each psearchd target twice, uncached then cached.
    du, dc = (judge_daemon(r, sfx, how) for sfx, _, how in MODES)
    rows += [du[0], dc[0], du[1], dc[1]]
    rows += [
        judge_quest(r, "direct", "`--direct` (opens the index itself)",
                    None),
        judge_quest(r, "viadc", "through the cached daemon (default)",
                    "cached"),
        judge_quest(r, "viad", "through the uncached daemon "
                    "(`--cache-size 0`)", "uncached")]
    rows += [du[2], dc[2], du[3], dc[3]]
    for _, mode, how in MODES:
        q8 = next((l for l in r["load"] if l["conns"] == "8" and
                   l["mode"] == mode), None)
        if not q8:
            t = ("≥ 10,000 queries/s through psearchd, 8 clients, slice: "
                 if name == "small" else
                 "(queries/s with 8 clients: judged on the slice): ") + how
            rows.append((t, not_run(r, mode), "–"))
        elif name == "small":
            rows.append(("≥ 10,000 queries/s through psearchd, 8 clients, "
                         f"slice: {how}", f'{int(q8["qps"]):,} queries/s',
                         ok(int(q8["qps"]) >= T_QPS_8)))
        else:
            rows.append(("(queries/s with 8 clients: judged on the slice): "
                         f"{how}", f'{int(q8["qps"]):,} queries/s', "–"))
    rows += report_xapian.judge(r, name)
    return rows


def mark(b):
    return "–" if b is None else ("✓" if b else "✗")


def section(name, title, r, out):
    m = r["meta"]
    csum = m["corpus"].split()
    out.append(f"## {title}\n")
    out.append(f"{m['date']}, `{m['command']}` at commit `{m['commit']}`, "
               f"took {int(m['seconds']) // 60} min {int(m['seconds']) % 60} "
               f"s. Machine: {m['nproc']} cores ({m['cpu']}), "
               f"{m['ram_gib']} GiB RAM, {m['os']}, Linux {m['kernel']}; "
               f"load average {m['loadavg_start'].split()[0]} at the start "
               f"and {m.get('loadavg_end', '?').split()[0]} at the end "
               f"(the machine is shared: other work may run beside the "
               f"benchmark). Xapian {m['xapian']} (omindex {m['omindex']}), "
               f"SQLite {m['sqlite']}, ripgrep {m['rg']}.\n")
    out.append(f"Corpus: {int(m['docs']):,} documents, {mb(m['bytes'])} MB, "
               f"sha256 `{csum[0]}` (`{csum[1]}.sha256`). Repeats: "
               f"{m['repeats']} indexing runs per system, {m['qn']} round "
               f"trips per query in process and through each psearchd, "
               f"{m['pn']} processes per query ({m['rgn']} for rg), "
               f"{m['load_sec']} s per throughput run.\n")
    if "psearchd_modes" not in m:
        had = {"cached": "had the answer cache, on by default, so its "
                         "psearchd figures are repeated queries answered "
                         "from the cache and are shown as cached",
               "uncached": "had no answer cache, so its psearchd figures "
                           "are searches and are shown as uncached"}.get(
            r["legacy"], "may or may not have had the answer cache (git "
            "cannot tell), so its psearchd figures are shown as uncached "
            "but may be cache hits")
        out.append(f"**An older run.sh wrote this section**: it ran one "
                   f"psearchd with its defaults and indexed with the default "
                   f"of one shard only. psearchd at commit `{m['commit']}` "
                   f"{had}. What it did not measure is shown as –.\n")
    out.append("### Targets\n")
    out.append("Where psearchd answers, a target is judged twice: "
               "**uncached** is `psearchd --cache-size 0`, where every "
               "request is a search (the cost of a search); **cached** is "
               "psearchd with its defaults, whose answer cache answers a "
               "request repeated against the same index revision (the loops "
               "here repeat their requests, so it measures cache hits: what "
               "a user repeating a query gets, not the cost of a search).\n")
    out.append("| target | measured | |\n|---|---|---|")
    for t, v, j in judge(r, name):
        out.append(f"| {t} | {v} | {j} |")
    out.append("")

    ix, sz = r["index"], r["sizes"]
    ps = ix["psearch-index"]
    b = int(m["bytes"])
    out.append("### Indexing\n")
    out.append(f"Medians of {ps[2]} runs from scratch (warm page cache). "
               "Peak RSS from `/usr/bin/time -v`. `--shards 2` writes each "
               "shard on its own thread.\n")
    out.append("| system | wall s | MB/s | peak RSS MiB | index MB | "
               "target |\n|---|---:|---:|---:|---:|---|")
    om, ft, inc = ix["omindex"], ix["fts5"], ix["incremental"]
    for label, what in [("psearch-index", "psearch-index (default: 1 shard; "
                         "entities and quotes on)"),
                        ("psearch-index-nq", "psearch-index --no-quotes"),
                        ("psearch-index-2", "psearch-index --shards 2")]:
        if label not in ix:
            out.append(f"| {what} | – | – | – | – | {NOT_RUN} |")
            continue
        p = ix[label]
        speed = om[0] / p[0]
        rss = p[1] / 1024
        size = mb(sz[label]) if label in sz else "–"
        target = (f"{speed:.2f}× omindex's speed "
                  f"{ok(speed >= T_INDEX_SPEEDUP)}; RSS "
                  f"{ok(rss <= T_INDEX_RSS_MIB)}")
        if label == "psearch-index-nq":
            target = "what the quote step's cost is measured against"
        out.append(f"| {what} | {p[0]:.2f} | {b / 1e6 / p[0]:.2f} | "
                   f"{rss:.0f} | {size} | {target} |")
    out.append(f"| omindex | {om[0]:.2f} | {b / 1e6 / om[0]:.2f} | "
               f"{om[1] / 1024:.0f} | {mb(sz['omindex'])} | |")
    out.append(f"| SQLite FTS5 (porter) | {ft[0]:.2f} | "
               f"{b / 1e6 / ft[0]:.2f} | {ft[1] / 1024:.0f} | "
               f"{mb(sz['fts5'])} | |")
    out.append(f"| psearch-index (default), 1% changed | {inc[0]:.2f} | | "
               f"{inc[1] / 1024:.0f} | | {100 * inc[0] / ps[0]:.1f}% of the "
               f"default full run {ok(inc[0] / ps[0] < T_INCREMENTAL)} |")
    out.append("")
    c = quote_cost(r)
    if c and c[3]:
        out.append(f"The quote step (default against `--no-quotes`, paired "
                   f"rounds): wall {c[0]:.2f}×, CPU {c[3][0]:.2f}× "
                   f"({c[3][1]:.1f} s against {c[3][2]:.1f} s of user + "
                   f"system time, medians).\n")
    di, fs = r["docs_indexed"], r["full_stats"]
    said = f"`{fs.get('psearch-index', '?')}`"
    if "psearch-index-2" in fs:
        said += f", with `--shards 2`: `{fs['psearch-index-2']}`"
    out.append(f"Documents indexed: psearch {di[0]} (with `--shards 2`: "
               f"{di[3]}), omindex {di[1]}, FTS5 {di[2]}. psearch-index "
               f"said: {said}; incremental: "
               f"`{r['inc_stats'][-1] if r['inc_stats'] else '?'}`.\n")

    echo = r["echo"]
    out.append("### Query latency\n")
    out.append(
        "Milliseconds, median (p99 where given) of each query. psearchd: "
        "round trip of a whole search answer (10 results with snippet, "
        "hits and entities) on one persistent connection, the same request "
        "sent round after round; *uncached* is `psearchd --cache-size 0`, "
        "where every round is a search (the cost of a search), *cached* is "
        "psearchd with its defaults, where every measured round is an "
        "answer from its cache (what a repeated query costs). raw: the "
        "bare Xapian match in process, top 10; full: psearch's whole "
        "results in process; psearch: one process per query, `--direct` "
        "(opens the index itself) and through each daemon; quest: one "
        "process per query on the psearch index; FTS5: in process, top 10 "
        "by bm25; rg: one process, no index. Socket floor (100-byte echo): "
        f"{ms(echo[0])} ms median, {ms(echo[1])} ms p99. Targets, judged "
        "here on the figures without the cache (the Targets table above "
        "judges both): F = psearchd uncached ≤ 1.5 × (raw + floor), "
        "P = psearchd uncached p99 < 5 ms, Q = `psearch --direct` faster "
        "than quest, S = psearchd uncached faster than FTS5 (10× on the "
        "very common words).\n")
    out.append("| # | query | matches | answer KB | psearchd uncached | "
               "p99 uncached | psearchd cached | p99 cached | raw | full | "
               "psearch --direct | psearch via uncached daemon | psearch via "
               "cached daemon | quest | FTS5 | rg | F | P | Q | S |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
               "---:|---:|---:|---:|:-:|:-:|:-:|:-:|")
    g = lambda q, k, i=0: None if q[k] is None else q[k][i]
    for q in r["queries"]:
        fl = p9 = s = None
        if q["psd"] is not None:
            fl = q["psd"][0] <= T_FLOOR_RATIO * (q["raw"][0] + echo[0])
            p9 = q["psd"][1] < T_P99_US
            need = T_FTS_COMMON if q["kind"] == "common" else 1.0
            s = q["fts"][0] > need * q["psd"][0]
        qu = q["direct"][0] < q["quest"][0]
        query = q["q"].replace("|", "\\|")
        out.append(
            f"| {q['i']} | `{query}` | {q['total']} | "
            f"{q['bytes'] / 1000:.1f} | {ms(g(q, 'psd'))} | "
            f"{ms(g(q, 'psd', 1))} | {ms(g(q, 'psdc'))} | "
            f"{ms(g(q, 'psdc', 1))} | {ms(q['raw'][0])} | "
            f"{ms(q['full'][0])} | {ms(q['direct'][0])} | "
            f"{ms(g(q, 'viad'))} | {ms(g(q, 'viadc'))} | "
            f"{ms(q['quest'][0])} | {ms(q['fts'][0])} | {ms(q['rg'][0])} | "
            f"{mark(fl)} | {mark(p9)} | {mark(qu)} | {mark(s)} |")
    out.append("")
    out.append("Matches, psearch (quest, FTS5 top-10 rows, rg files): " +
               "; ".join(f"{q['i']} {q['total']} ({q['quest_total']}, "
                         f"{q['fts_rows']}, {q['rg_files']})"
                         for q in r["queries"]) + ".\n")
    out.append("### Throughput\n")
    out.append("psearchd, whole answers, each client a closed loop over the "
               f"query set ({len(r['queries'])} requests, cycled) on its own "
               "connection to the Unix socket; uncached: `--cache-size 0`, "
               "every request a search; cached: the defaults, so after the "
               "first round almost every answer is a cache hit.\n")
    out.append("| psearchd | clients | queries/s | median ms | p99 ms | "
               "errors | target |\n|---|---:|---:|---:|---:|---:|---|")
    order = {mode: i for i, (_, mode, _) in enumerate(MODES)}
    for l in sorted(r["load"], key=lambda l: (order.get(l["mode"], 9),
                                              int(l["conns"]))):
        tgt = ""
        if l["conns"] == "8" and name == "small":
            tgt = f"≥ 10,000/s {ok(int(l['qps']) >= T_QPS_8)}"
        out.append(f"| {l['mode']} | {l['conns']} | {int(l['qps']):,} | "
                   f"{ms(l['median_us'])} | {ms(l['p99_us'])} | "
                   f"{l['errors']} | {tgt} |")
    if r["ping"]:
        p = r["ping"]
        out.append(f"| `ping` only | {p['conns']} | {int(p['qps']):,} | "
                   f"{ms(p['median_us'])} | {ms(p['p99_us'])} | "
                   f"{p['errors']} | the harness's ceiling |")
    out.append("")
    c = r["cache"]
    if c.get("cached"):
        cc, cu = c["cached"], c.get("uncached", {})
        out.append(
            f"Answer cache counters at the end of the run (`stats`): cached "
            f"daemon {cc.get('hits', 0):,} hits, {cc.get('misses', 0):,} "
            f"misses, {cc.get('entries', 0)} answers kept in "
            f"{mb(cc.get('bytes', 0))} MB, {cc.get('evictions', 0)} "
            f"evicted; uncached daemon {cu.get('hits', 0):,} hits.\n")
    if r["shards"]:
        out.append("### Shards\n")
        out.append("The corpus indexed with `psearch-index --shards N` (one "
                   "run each), and the query set answered in process with "
                   "whole results (rawq --full) through the stub that puts "
                   "the shards side by side.\n")
        out.append("| shards | index s | peak RSS MiB | query median ms "
                   "(median over the set) | worst p99 ms |\n"
                   "|---:|---:|---:|---:|---:|")
        for n, wall, rss, med, worst in r["shards"]:
            out.append(f"| {n} | {wall:.1f} | {rss / 1024:.0f} | "
                       f"{ms(med)} | {ms(worst)} |")
        out.append("")
    distributed(r, out)
    report_xapian.section(r, out)


def plot(runs, png):
    systems = [("psd", "psearchd, uncached"), ("psdc", "psearchd, cached"),
               ("raw", "raw Xapian"), ("direct", "psearch --direct"),
               ("quest", "quest"), ("fts", "FTS5"), ("rg", "rg")]
    with tempfile.TemporaryDirectory() as tmp:
        # libgd's png terminal writes a small palette PNG (the file is
        # committed: it must stay well under 100 KB).
        script = ["set terminal png size 960,%d font 'DejaVuSans,8'"
                  % (420 * len(runs)),
                  f"set output '{png}'",
                  "set datafile separator '\\t'",
                  "set datafile missing 'NaN'",
                  "set logscale y", "set grid ytics",
                  "set ylabel 'median latency, ms (log)'",
                  "set xtics rotate by -35 left",
                  "set key outside right top",
                  "set bmargin 10", "set rmargin 24",
                  f"set multiplot layout {len(runs)},1"]
        for name, title, r in runs:
            # A series an older run.sh did not measure is left out; each
            # system keeps its colour in every plot.
            have = [(k, label, lt) for lt, (k, label) in
                    enumerate(systems, 1)
                    if any(q[k] is not None for q in r["queries"])]
            data = os.path.join(tmp, name + ".tsv")
            with open(data, "w", encoding="utf-8") as f:
                for q in r["queries"]:
                    label = q["q"].replace('"', "'")
                    f.write(str(q["i"]) + "\t" + label + "\t" + "\t".join(
                        "NaN" if q[k] is None else f"{q[k][0] / 1000:.4f}"
                        for k, _, _ in have) + "\n")
            script.append(f"set title '{title.split(' (')[0]}: "
                          f"{int(r['meta']['docs']):,} documents'")
            script.append("plot " + ", ".join(
                f"'{data}' using 1:{3 + i}:xticlabels(2) with linespoints "
                f"lt {lt} title '{label}'"
                for i, (_, label, lt) in enumerate(have)))
        script.append("unset multiplot")
        subprocess.run(["gnuplot"], input="\n".join(script), text=True,
                       check=True)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: report.py RESULTS_DIR MD PNG\n")
        return 2
    res, md, png = argv[1:]
    runs = [(n, t, load(os.path.join(res, n))) for n, t in RUNS
            if os.path.exists(os.path.join(res, n, "queries.tsv"))]
    if not runs:
        sys.stderr.write("report.py: no results\n")
        return 1
    out = [
        "# Benchmarks\n",
        "Written by `make bench` (tests/bench/run.sh and report.py): do not "
        "edit by hand. psearch against Xapian's own `omindex` and `quest`, "
        "SQLite FTS5 and ripgrep, on a corpus of real English prose from "
        "Debian's documentation packages (`make bench-corpus`, "
        "tests/bench/mkcorpus.sh: the Linux kernel, Python, Perl, "
        "PostgreSQL, Django, Sphinx, git and LibreOffice manuals, the Debian "
        "Administrator's Handbook, and the GCIDE dictionary, one document "
        "per page or headword). The query set is tests/bench/queries.txt. "
        "The engine's targets are judged in each table: **pass** or "
        "**FAIL**.\n",
        f"![Median latency by query and system, log scale]({os.path.basename(png)})\n",
    ]
    for name, title, r in runs:
        section(name, title, r, out)
    out.append("## How it is measured\n")
    out.append(
        "- Indexing: every system from scratch, the runs interleaved, "
        "median wall time; MB/s is the corpus's bytes over that time. "
        "psearch-index writes positions, stems, entities, byte spans and "
        "the whole text; omindex keeps a sample; FTS5 has positions "
        "(`detail=full`) and the text. psearch-index runs three times per "
        "round: with its defaults (one shard, the quote step on), with "
        "`--no-quotes` (the attribution step left out; the two one after "
        "the other, in turn first, so the quote step's cost is the median "
        "of the rounds' ratios, of wall time and of CPU time: user + "
        "system of all threads, from `/usr/bin/time`), and with "
        "`--shards 2`, which splits "
        "the documents between two Xapian databases by a hash of their "
        "paths and writes each shard on its own thread (the machine's cores "
        "are given above). The incremental run edits a "
        "different 1% of the documents (one line appended) in a copy of "
        "the corpus before each run, and uses the default of one shard.\n"
        "- The answer cache: two psearchd's serve the same index, one with "
        "`--cache-size 0` (uncached) and one with its defaults (cached, "
        "64 MB of answers). A search or facets request is answered from "
        "the cache when the same request (the same query, limit, offset, "
        "hit lines and facets; the id may differ) was answered before "
        "against the same committed index revision: a new revision is a "
        "different key, so an answer is never older than the index. The "
        "latency loop repeats one request, so on the cached daemon it "
        "times cache hits, and so do `psearch` through that daemon and "
        "loadgen, which cycles over the query set's requests. The cached "
        "figures are real for someone repeating a query, "
        "and the uncached ones are the cost of a search: a query asked "
        "for the first time, or after the index changed, costs the "
        "uncached figure. Before timing a query run.sh asks it once of "
        "each daemon (the cached daemon's miss, and a check that both find "
        "as many matches), so every timed request to the cached daemon "
        "repeats one it has answered; the counters under the throughput "
        "table, from each daemon's `stats`, show how many were hits.\n"
        "- psearchd: `build/tests/jsonl_client --latency` sends the same "
        "request round after round on one connection, after 20 unmeasured "
        "rounds, to each daemon in turn. raw and full: `build/bench/rawq` "
        "calls `ps_search()` in process (raw: `ps_search_opts_t.raw`). FTS5: `build/bench/fts5q`, "
        "one prepared statement `... MATCH ?1 ORDER BY rank LIMIT 10`. "
        "Processes: `build/bench/spawnt` (posix_spawn and wait, output to "
        "/dev/null). The socket floor: `build/bench/echo`, a blocking echo "
        "over a Unix stream socket. Throughput: `build/bench/loadgen`, one "
        "request in flight per connection, 1 s warm-up, then a bounded "
        "number of seconds.\n"
        "- Each query is spelt for each system in tests/bench/queries.txt; "
        "FTS5 and rg know no entities (they look for the name as a word), "
        "rg has no AND (a pipeline of `rg -l`), and its phrases and NEAR "
        "stay within one line. Matches: psearch's total (`~` an estimate), "
        "then quest's, FTS5's top-10 rows and rg's files, as a check that "
        "the systems answer the same question.\n")
    with open(md, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    plot(runs, png)
    for name, title, r in runs:
        print(f"{title}, {r['meta']['date']}:")
        for t, v, j in judge(r, name):
            print(f"  {j.strip('*'):4}  {t}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
