#!/usr/bin/env python3
"""Turns tests/bench/run.sh's records.jsonl into results.json and a markdown report.

  report.py RECORDS.jsonl RESULTS.json RESULTS.md

Prints the markdown on stdout as well.
"""
import json
import sys

HTML_CORPORA = ("python", "linux")
MB = 1e6


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fnum(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float) and v != v:
        return "–"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return ("{:.%df}" % digits).format(v)


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def build(records):
    res = {"run": {}, "corpora": {}, "indexing": {}, "queries": {}, "checks": {},
           "memory": {}, "health": {}, "targets": []}
    for r in records:
        t = r["type"]
        if t == "run":
            res["run"] = {k: v for k, v in r.items() if k != "type"}
        elif t == "corpus":
            s = r["stats"]
            res["corpora"][r["corpus"]] = {
                "source": r["source"], "documents": s["documents"],
                "source_bytes": s["source_bytes"], "source_mb": round(s["source_bytes"] / MB, 3),
                "queries": sum(r["kinds"].values()), "query_kinds": r["kinds"]}
        elif t == "index":
            c = res["corpora"].get(r["corpus"], {})
            mb = c.get("source_bytes", 0) / MB
            docs = c.get("documents", 0)
            wall = r["wall_s"]
            e = {"wall_s": wall,
                 "mb_per_s": round(mb / wall, 3) if wall else None,
                 "docs_per_s": round(docs / wall, 1) if wall else None,
                 "peak_rss_mb": round(r["peak_rss_kb"] / 1024, 1),
                 "index_bytes": r["index_bytes"],
                 "index_mb": round(r["index_bytes"] / MB, 2)}
            for k in ("noop_s", "summary", "noop_summary", "rc", "noop_rc", "extract_s"):
                if k in r:
                    e[k] = r[k]
            res["indexing"].setdefault(r["corpus"], {})[r["engine"]] = e
        elif t == "query":
            w = r["wrk"]
            res["queries"].setdefault(r["corpus"], {}).setdefault(r["engine"], {})[str(r["conns"])] = w
        elif t == "check":
            res["checks"].setdefault(r["corpus"], {})[r["engine"]] = r["result"]
        elif t == "memory":
            res["memory"].setdefault(r["corpus"], {})[r["engine"]] = {
                "rss_mb": round(r["rss_kb"] / 1024, 1), "peak_rss_mb": round(r["hwm_kb"] / 1024, 1)}
        elif t == "load":
            res.setdefault("load", {})[r["phase"]] = {
                "busy_pct": r["busy_pct"], "loadavg": r["loadavg"], "waited_s": r["waited_s"]}
        elif t == "health":
            res["health"][r["corpus"]] = r["body"]

    # ratios
    for c, engines in res["indexing"].items():
        lo, om = engines.get("loupe"), engines.get("omega")
        if lo and om:
            lo["vs_omindex_mb_per_s"] = round(ratio(lo["mb_per_s"], om["mb_per_s"]) or 0, 3)
            lo["vs_omindex_speedup"] = round(ratio(om["wall_s"], lo["wall_s"]) or 0, 3)

    def rps(c, e, n):
        w = res["queries"].get(c, {}).get(e, {}).get(str(n))
        if not w or w.get("failed"):
            return None
        return w.get("rps")

    def cell(c, e, n, k):
        w = res["queries"].get(c, {}).get(e, {}).get(str(n))
        return None if not w else w.get(k)

    def ok_run(c, e, n):
        w = res["queries"].get(c, {}).get(e, {}).get(str(n)) or {}
        errs = sum(w.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
        return w and not w.get("failed") and errs == 0

    T = res["targets"]

    def target(name, value, op, required, unit="", valid=True):
        if value is None:
            passed = False
        elif op == ">=":
            passed = value >= required
        else:
            passed = value < required
        T.append({"target": name, "value": None if value is None else round(value, 3),
                  "op": op, "required": required, "unit": unit,
                  "pass": bool(passed and valid)})

    for c in HTML_CORPORA:
        if c not in res["queries"]:
            continue
        valid = ok_run(c, "loupe", 8)
        target("%s: search req/s at 8 conns vs Omega CGI" % c,
               ratio(rps(c, "loupe", 8), rps(c, "omega", 8)), ">=", 20, "x", valid)
        target("%s: search req/s at 8 conns vs Sphinx with snippets" % c,
               ratio(rps(c, "loupe", 8), rps(c, "sphinx", 8)), ">=", 10, "x", valid)
        target("%s: search p99 at 8 conns" % c, cell(c, "loupe", 8, "p99_ms"), "<", 20, "ms", valid)
        target("%s: search p99 at 64 conns" % c, cell(c, "loupe", 64, "p99_ms"), "<", 100, "ms",
               ok_run(c, "loupe", 64))
    if "seeds" in res["queries"]:
        target("seeds: search req/s at 8 conns vs /api/health",
               ratio(rps("seeds", "loupe", 8), rps("seeds", "health", 8)), ">=", 0.5, "x",
               ok_run("seeds", "loupe", 8))
    for c in HTML_CORPORA:
        ix = res["indexing"].get(c, {})
        if "loupe" in ix and "omega" in ix:
            target("%s: indexing MB/s vs omindex" % c, ix["loupe"].get("vs_omindex_mb_per_s"),
                   ">=", 1, "x", ix["loupe"].get("rc", 0) == 0)
    if "linux" in res["indexing"] and "loupe" in res["indexing"]["linux"]:
        target("linux: no-change re-index", res["indexing"]["linux"]["loupe"].get("noop_s"),
               "<", 0.5, "s")
    return res


ENGINE_NAMES = [
    ("loupe", "Loupe search (result cache off)"),
    ("loupe-cached", "Loupe search, result cache on (as shipped)"),
    ("health", "Loupe /api/health (ceiling)"),
    ("omega", "Omega CGI (lighttpd)"),
    ("omega-full", "Omega CGI, whole-text sample"),
    ("sphinx", "Sphinx + SNIPPET() (via front)"),
    ("sphinx-nosnippet", "Sphinx, no snippets (via front)"),
    ("sphinx-front-ping", "Sphinx front /ping (ceiling)"),
]


def markdown(res):
    out = []
    run = res["run"]
    out.append("## Loupe benchmarks")
    out.append("")
    out.append("Machine: %s, %s cores, %.1f GiB; kernel %s. Loupe %s; xapian-omega %s, "
               "sphinxsearch %s, lighttpd %s, wrk %s. Run took %ss; wrk %ss per cell." % (
                   run.get("cpu", "?"), run.get("cores", "?"), run.get("mem_kb", 0) / 1048576,
                   run.get("kernel", "?"), run.get("loupe_commit", "?"), run.get("omega_version", "?"),
                   run.get("sphinx_version", "?"), run.get("lighttpd_version", "?"),
                   run.get("wrk_version", "?"), run.get("duration_s", "?"),
                   run.get("wrk_duration_s", "?")))
    load = res.get("load", {})
    if load:
        busy = max(v["busy_pct"] for v in load.values())
        out.append("")
        out.append("%sCPU busy before each phase, from other work on the machine: %s." % (
            "**Caution: other work was competing for the cores, the figures are noisy.** "
            if busy >= 10 else "",
            "; ".join("%s %.0f%% (load average %.1f)" % (k, v["busy_pct"], v["loadavg"])
                      for k, v in load.items())))
    out.append("")
    out.append("### Corpora")
    out.append("")
    out.append("| corpus | documents | source MB | queries |")
    out.append("|---|---:|---:|---:|")
    for c, v in res["corpora"].items():
        out.append("| %s | %d | %.1f | %d (%s) |" % (
            c, v["documents"], v["source_mb"], v["queries"],
            ", ".join("%s %d" % kv for kv in v["query_kinds"].items())))
    out.append("")
    out.append("### Indexing")
    out.append("")
    out.append("| corpus | engine | wall s | MB/s | docs/s | peak RSS MB | index MB | no-change re-run s | MB/s vs omindex |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for c, engines in res["indexing"].items():
        for e in ("loupe", "omega", "omega-full", "sphinx"):
            v = engines.get(e)
            if not v:
                continue
            name = {"loupe": "loupe-index", "omega": "omindex",
                    "omega-full": "omindex --sample-size=64M",
                    "sphinx": "sphinx indexer*"}[e]
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                c, name, fnum(v["wall_s"], 3), fnum(v["mb_per_s"], 2), fnum(v["docs_per_s"], 0),
                fnum(v["peak_rss_mb"]), fnum(v["index_mb"]),
                fnum(v.get("noop_s"), 3) if "noop_s" in v else "n/a",
                ("%.2fx" % v["vs_omindex_mb_per_s"]) if "vs_omindex_mb_per_s" in v else ""))
    out.append("")
    out.append("\\* Sphinx's time is `indexer` over text already extracted to xmlpipe2 by "
               "the bench (extraction, in Python, took: %s); a plain Sphinx index has no "
               "incremental mode." % ", ".join(
                   "%s %.1fs" % (c, e["sphinx"]["extract_s"]) for c, e in res["indexing"].items()
                   if "sphinx" in e and "extract_s" in e["sphinx"]))
    out.append("")
    out.append("### Queries (10 hits with snippets; wrk, keep-alive)")
    out.append("")
    conns = [str(c) for c in str(run.get("conns", "1 8 64")).split()]
    hdr = "| corpus | endpoint |" + "".join(" req/s c=%s | p50 ms | p99 ms |" % n for n in conns)
    out.append(hdr)
    out.append("|---|---|" + "---:|---:|---:|" * len(conns))
    any_overflow = [False]
    for c, engines in res["queries"].items():
        for e, label in ENGINE_NAMES:
            if e not in engines:
                continue
            row = "| %s | %s |" % (c, label)
            for n in conns:
                w = engines[e].get(n)
                if not w or w.get("failed"):
                    row += " – | – | – |"
                    continue
                errs = sum(w.get(k, 0) for k in ("err_connect", "err_read", "err_write",
                                                 "err_status", "err_timeout"))
                mark = " (%d err)" % errs if errs else ""
                lo = w.get("listen_overflows", 0)
                if lo:
                    any_overflow[0] = True
                row += " %s%s | %s | %s%s |" % (fnum(w["rps"], 0), mark, fnum(w["p50_ms"], 2),
                                                fnum(w["p99_ms"], 2), " †%d" % lo if lo else "")
            out.append(row)
    out.append("")
    repeats = max((w.get("runs", 1) for engines in res["queries"].values()
                   for cells in engines.values() for w in cells.values()), default=1)
    if repeats > 1:
        failed = sum(w.get("runs_failed", 0) for engines in res["queries"].values()
                     for cells in engines.values() for w in cells.values())
        out.append("The c=8 columns, where the targets are read, are medians of %d runs of each "
                   "cell (req/s of every run in results.json, `runs_rps`; errors are the sum of "
                   "the runs'%s)." % (repeats, "; %d runs failed" % failed if failed else ""))
        out.append("")
    if any("loupe-cached" in e for e in res["queries"].values()):
        out.append("Loupe's search rows, and the targets, are with loupe-server's result cache off "
                   "(`--cache-mb 0`): the query list cycles, so with the cache on (as shipped) "
                   "every request after the warm-up pass is a cache hit, which neither peer has. "
                   "Its document cache (the records and text blocks of recently shown documents, "
                   "read from memory rather than from the index's files) stays on, as shipped: "
                   "every search still matches, reads positions and builds its snippets.")
        out.append("")
    if any("omega" in e for e in res["queries"].get(next(iter(res["queries"]), ""), {})):
        out.append("Omega's stock set-up takes its snippets from the stored sample, the first 512 "
                   "bytes of each text, so most show none of the query's words (see "
                   "\"highlighted\" below); \"whole-text sample\" is Omega indexed with "
                   "`--sample-size=64M`, doing the same kind of work as Loupe and Sphinx. The "
                   "targets compare with the stock set-up.")
        out.append("")
    if any_overflow[0]:
        out.append("† N: the kernel dropped N connection attempts during the cell because the "
                   "server's listen backlog was full (TcpExt ListenOverflows); each such client "
                   "waits for a SYN retransmit (1 s, then 3 s...), which lands in the latency "
                   "percentiles.")
        out.append("")
    out.append("Warm-up pass (every query once, sequentially): queries with hits / with 10 hits, "
               "hits with a snippet / with highlighted terms")
    out.append("")
    out.append("| corpus | engine | queries | with hits | with 10 hits | hits | with snippet | highlighted | failures | mean ms |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c, engines in res["checks"].items():
        for e, v in engines.items():
            out.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %.2f |" % (
                c, e, v["queries"], v["queries_with_hits"], v["queries_with_10_hits"], v["hits"],
                v["hits_with_snippet"], v["hits_with_highlight"], v["failures"],
                v["sequential_mean_ms"]))
    out.append("")
    kinds = []
    for engines in res["checks"].values():
        for v in engines.values():
            for k in v.get("mean_ms_by_kind", {}):
                if k not in kinds:
                    kinds.append(k)
    if kinds:
        out.append("Single-request latency by query kind in that pass (mean ms, one connection, "
                   "client included)")
        out.append("")
        out.append("| corpus | engine |" + "".join(" %s |" % k for k in kinds))
        out.append("|---|---|" + "---:|" * len(kinds))
        for c, engines in res["checks"].items():
            for e, v in engines.items():
                m = v.get("mean_ms_by_kind", {})
                out.append("| %s | %s |" % (c, e) + "".join(
                    " %s |" % fnum(m.get(k), 2) for k in kinds))
        out.append("")
    if res["memory"]:
        out.append("### Memory after the query run")
        out.append("")
        out.append("| corpus | process | RSS MB | peak RSS MB |")
        out.append("|---|---|---:|---:|")
        for c, engines in res["memory"].items():
            for e, v in engines.items():
                out.append("| %s | %s | %s | %s |" % (
                    c, {"loupe": "loupe-server --cache-mb 0", "loupe-cached": "loupe-server (cache on)",
                        "sphinx": "searchd"}.get(e, e),
                    fnum(v["rss_mb"]), fnum(v["peak_rss_mb"])))
        largest = run.get("largest")
        if largest and largest in res["memory"] and "loupe" in res["memory"][largest]:
            rss = res["memory"][largest]["loupe"]["rss_mb"]
            res["memory"]["loupe_server_rss_mb_largest"] = rss
            out.append("")
            cached = res["memory"][largest].get("loupe-cached")
            out.append("loupe-server RSS after the query run on the largest corpus (%s): **%.1f MB**%s."
                       % (largest, rss, " (%.1f MB with its result cache on)" % cached["rss_mb"]
                          if cached else ""))
        out.append("")
    out.append("### Targets")
    out.append("")
    out.append("| target | measured | required | result |")
    out.append("|---|---:|---:|---|")
    for t in res["targets"]:
        v = "–" if t["value"] is None else ("%.2f%s" % (t["value"], t["unit"]) if t["unit"] != "ms"
                                            else "%.2f ms" % t["value"])
        req = "%s %s%s" % (t["op"], t["required"], "" if t["unit"] == "ms" else t["unit"])
        if t["unit"] == "ms":
            req += " ms"
        out.append("| %s | %s | %s | %s |" % (t["target"], v, req, "PASS" if t["pass"] else "FAIL"))
    passed = sum(t["pass"] for t in res["targets"])
    out.append("")
    out.append("%d of %d targets met." % (passed, len(res["targets"])))
    res["targets_met"] = passed
    res["targets_total"] = len(res["targets"])
    return "\n".join(out) + "\n"


def main():
    records = load(sys.argv[1])
    res = build(records)
    md = markdown(res)
    with open(sys.argv[2], "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    with open(sys.argv[3], "w") as f:
        f.write(md)
    sys.stdout.write(md)


if __name__ == "__main__":
    main()
