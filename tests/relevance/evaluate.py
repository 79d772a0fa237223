#!/usr/bin/env python3
"""Runs known-item queries against the engines and scores them, for tests/relevance/run.sh.

Sub-commands (a SET is a file SETS_DIR/NAME.jsonl of {"query", "expected"} rows):
  loupe URL_BASE SETS_DIR RUNS_DIR SET...
      GET URL_BASE/api/search?q=Q&per_page=10 for every row (one keep-alive connection).
  omega DB SETS_DIR RUNS_DIR SET...
      quest -d DB -o and -s english -m 10 -- Q for every row.
  score SETS_DIR RUNS_DIR OUT_DIR ENGINES SETS [META_JSON]
      MRR@10, hit@1 and hit@3 per engine and set: OUT_DIR/results.json, results.md (printed),
      and OUT_DIR/misses/ENGINE-SET.tsv.

Each run writes RUNS_DIR/ENGINE/SET.jsonl: {"query", "expected", "results": [top 10 ids]},
ids being paths relative to the folder indexed, so every engine is scored by the same code.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

TOP = 10


def read_set(sets_dir, name):
    with open(os.path.join(sets_dir, name + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_run(runs_dir, engine, name, rows, results):
    os.makedirs(os.path.join(runs_dir, engine), exist_ok=True)
    with open(os.path.join(runs_dir, engine, name + ".jsonl"), "w", encoding="utf-8") as f:
        for row, res in zip(rows, results):
            f.write(json.dumps({"query": row["query"], "expected": row["expected"],
                                "results": res[:TOP]}, ensure_ascii=False) + "\n")


def cmd_loupe(base, sets_dir, runs_dir, *sets):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for name in sets:
        rows = read_set(sets_dir, name)
        results = []
        t0 = time.time()
        for row in rows:
            path = "/api/search?per_page=%d&q=%s" % (TOP, urllib.parse.quote(row["query"], safe=""))
            for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
                try:
                    conn.request("GET", path)
                    r = conn.getresponse()
                    body = r.read()
                    break
                except (http.client.HTTPException, ConnectionError):
                    conn.close()
                    if attempt == 2:
                        raise
            if r.status != 200:
                # A query the server refuses counts as a miss, and says why in the misses file.
                sys.stderr.write("loupe: HTTP %d for %r: %s\n" % (r.status, row["query"], body[:200]))
                results.append([])
                continue
            results.append([h["id"] for h in json.loads(body).get("hits", [])])
        write_run(runs_dir, "loupe", name, rows, results)
        print("loupe %s: %d queries in %.1f s" % (name, len(rows), time.time() - t0))


RE_QUEST_HIT = re.compile(r"^[0-9]+: \[[^\]]*\]$")


def quest_urls(out):
    """The url= of each hit in quest's output: a "DOCID: [WEIGHT]" line, then the document's
    data, one field a line (url=, sample=, caption=, ...)."""
    urls, want = [], False
    for line in out.splitlines():
        if RE_QUEST_HIT.match(line):
            want = True
        elif want and line.startswith("url="):
            # omindex --url / stores "/" + the path relative to the folder, %-escaped
            urls.append(urllib.parse.unquote(line[4:]).lstrip("/"))
            want = False
    return urls


def cmd_omega(db, sets_dir, runs_dir, *sets):
    for name in sets:
        rows = read_set(sets_dir, name)
        results = []
        t0 = time.time()
        for row in rows:
            # "--" ends the options: a query may start with "-".
            p = subprocess.run(["quest", "-d", db, "-o", "and", "-s", "english", "-m", str(TOP),
                                "--", row["query"]], capture_output=True, text=True)
            if p.returncode != 0:
                # quest fails on a query Xapian's parser rejects; that is a miss, as it would
                # be for a user of Omega.
                sys.stderr.write("quest failed (%d) on %r: %s\n"
                                 % (p.returncode, row["query"], p.stderr.strip()[:200]))
            results.append(quest_urls(p.stdout))
        write_run(runs_dir, "omega", name, rows, results)
        print("omega %s: %d queries in %.1f s" % (name, len(rows), time.time() - t0))


def tsv(s):
    return str(s).replace("\t", " ").replace("\n", " ")


def cmd_score(sets_dir, runs_dir, out_dir, engines, sets, meta="{}"):
    engines, sets = engines.split(), sets.split()
    table = {}
    os.makedirs(os.path.join(out_dir, "misses"), exist_ok=True)
    for engine in engines:
        for name in sets:
            path = os.path.join(runs_dir, engine, name + ".jsonl")
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as f:
                runs = [json.loads(line) for line in f if line.strip()]
            rr = hit1 = hit3 = 0.0
            misses = []
            for r in runs:
                rank = r["results"].index(r["expected"]) + 1 if r["expected"] in r["results"] else 0
                rr += 1.0 / rank if rank else 0.0
                hit1 += rank == 1
                hit3 += 1 <= rank <= 3
                if rank != 1:
                    misses.append((rank, r))
            n = max(1, len(runs))
            table.setdefault(name, {})[engine] = {
                "mrr10": round(rr / n, 4), "hit1": round(hit1 / n, 4), "hit3": round(hit3 / n, 4),
                "rows": len(runs)}
            # Worst first (not in the top 10, then ranked low), for whoever tunes ranking.
            misses.sort(key=lambda m: (-(m[0] or 99), m[1]["query"]))
            with open(os.path.join(out_dir, "misses", "%s-%s.tsv" % (engine, name)), "w",
                      encoding="utf-8") as f:
                f.write("query\texpected\trank_of_expected\tfirst_result\tresults\n")
                for rank, r in misses:
                    f.write("%s\t%s\t%s\t%s\t%s\n" % (
                        tsv(r["query"]), tsv(r["expected"]), rank or "-",
                        tsv(r["results"][0] if r["results"] else "(no results)"),
                        tsv(" ".join(r["results"]))))
    result = {"meta": json.loads(meta), "metric": "MRR@10 / hit@1 / hit@3", "sets": table}
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
    lines = ["| set | rows | " + " | ".join(engines) + " |",
             "|---|---:|" + "---:|" * len(engines)]
    for name in sets:
        cells = table.get(name, {})
        rows = max([c["rows"] for c in cells.values()] or [0])
        lines.append("| %s | %d | %s |" % (name, rows, " | ".join(
            "%.3f / %.3f / %.3f" % (cells[e]["mrr10"], cells[e]["hit1"], cells[e]["hit3"])
            if e in cells else "-" for e in engines)))
    md = "MRR@10 / hit@1 / hit@3 (known-item queries; higher is better)\n\n" + "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(md)
    print(md)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("loupe", "omega", "score"):
        sys.exit(__doc__)
    {"loupe": cmd_loupe, "omega": cmd_omega, "score": cmd_score}[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
