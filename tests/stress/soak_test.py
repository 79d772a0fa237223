#!/usr/bin/env python3
"""Soak: mixed requests at 8 connections for 10 minutes, re-indexing every 30 s (ctest label "soak").

    soak_test.py --index LOUPE_INDEX --server LOUPE_SERVER --seeds DIR [--seconds 600]

A corpus of a few hundred documents is made from the seeds' paragraphs; wrk sends searches
(words, phrases, prefixes, boolean queries, later pages) and document views through it while
the corpus changes (files rewritten, added, removed) and loupe-index runs every 30 s. Passes
when no request failed (no socket error, no answer but 200), the server serves the last index
run's documents, and its RSS is flat: the last minute's mean within 10% of the second minute's.
LOUPE_SOAK_SECONDS overrides the length (at least 180 s, for the two minutes compared).

The server runs with 8 MB caches of results and of documents: bounded caches that fill within
the first minute, so that what the comparison sees is a leak, not a cache filling. At the
defaults (64 + 32 MB) this request mix takes about three minutes to fill them (measured: 123 MB
in the second minute, 147 MB in the fifth, 149 MB in the tenth).
"""
import argparse, os, random, re, signal, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request, json

RSS_GROWTH_LIMIT = 0.10
CONNECTIONS = 8
REINDEX_SECONDS = 30

LUA = r"""
local paths = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def paragraphs(seeds):
    out = []
    for name in sorted(os.listdir(seeds)):
        with open(os.path.join(seeds, name), encoding="utf-8", errors="replace") as f:
            out += [p.strip() for p in f.read().split("\n") if len(p.split()) >= 8]
    if not out:
        fail(f"no paragraphs in {seeds}")
    return out


def write_document(docs, name, rng, paras):
    body = "\n\n".join(rng.sample(paras, min(len(paras), rng.randint(3, 12))))
    title = " ".join(rng.choice(paras).split()[:6])
    path = os.path.join(docs, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        if name.endswith(".md"):
            f.write(f"# {title}\n\n{body}\n")
        else:
            f.write(f"{title}\n\n{body}\n")


def request_paths(rng, paras, stable_ids):
    words = sorted({w.lower() for p in paras for w in re.findall(r"[A-Za-z]{4,}", p)})
    queries = []
    for _ in range(3000):
        kind = rng.random()
        if kind < 0.4:
            q = " ".join(rng.sample(words, rng.randint(1, 3)))
        elif kind < 0.6:
            p = rng.choice(paras).split()
            start = rng.randrange(max(1, len(p) - 3))
            q = '"' + " ".join(p[start:start + rng.randint(2, 3)]) + '"'
        elif kind < 0.7:
            q = rng.choice(words)[:3] + "*"
        elif kind < 0.8:
            a, b, c = rng.sample(words, 3)
            q = f"({a} OR {b}) -{c}"
        else:
            q = " ".join(rng.sample(words, 2)) + f"&page={rng.randint(2, 4)}"
        queries.append("/api/search?q=" + urllib.parse.quote(q, safe="&="))
    for _ in range(500):
        doc = urllib.parse.quote(rng.choice(stable_ids), safe="")
        queries.append(f"/api/documents/{doc}?q=" + urllib.parse.quote(rng.choice(words)))
    rng.shuffle(queries)
    return queries


def start_server(server, db, log, extra):
    proc = subprocess.Popen([server, "--db", db, "--port", "0"] + extra, stdout=log, stderr=log,
                            start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(log.name) as f:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    fail("loupe-server did not start")


def rss_kb(pid):
    """None once the process has died (a zombie has no VmRSS)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"VmRSS:\s*(\d+)", f.read())
    except OSError:
        return None
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--server-args", default="--cache-mb 8 --document-cache-mb 8",
                    help="flags for loupe-server")
    ap.add_argument("--seconds", type=int,
                    default=int(os.environ.get("LOUPE_SOAK_SECONDS", "600")))
    a = ap.parse_args()
    if a.seconds < 180:
        fail("--seconds must be at least 180")
    rng = random.Random(20261207)
    paras = paragraphs(a.seeds)
    with tempfile.TemporaryDirectory() as work:
        docs, db = os.path.join(work, "docs"), os.path.join(work, "db")
        names = [f"d{i % 10}/doc{i}.{'md' if i % 3 == 0 else 'txt'}" for i in range(400)]
        for name in names:
            write_document(docs, name, rng, paras)
        stable = names[:100]  # never removed: the document views ask for them
        subprocess.run([a.index, "--db", db, docs], check=True, capture_output=True)
        paths_file = os.path.join(work, "paths.txt")
        with open(paths_file, "w") as f:
            f.write("\n".join(request_paths(rng, paras, stable)) + "\n")
        lua = os.path.join(work, "mixed.lua")
        with open(lua, "w") as f:
            f.write(LUA)

        with open(os.path.join(work, "server.log"), "w+") as log:
            proc, port = start_server(a.server, db, log, a.server_args.split())
            samples = []  # (seconds since start, RSS kB)
            stop = threading.Event()
            started = time.monotonic()

            def sample():
                while not stop.wait(1) and proc.poll() is None:
                    kb = rss_kb(proc.pid)
                    if kb is not None:
                        samples.append((time.monotonic() - started, kb))

            sampler = threading.Thread(target=sample)
            sampler.start()
            wrk = subprocess.Popen(
                ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{a.seconds}s", "--timeout",
                 "5s", "-s", lua, f"http://127.0.0.1:{port}", "--", paths_file],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            runs, next_id = 0, len(names)
            index_failures = []
            try:
                while wrk.poll() is None:
                    time.sleep(REINDEX_SECONDS)
                    if wrk.poll() is not None:
                        break
                    # Change a tenth of the corpus: rewrite, add, remove.
                    changing = [n for n in names if n not in stable]
                    for name in rng.sample(changing, 20):
                        write_document(docs, name, rng, paras)
                    for name in rng.sample(changing, 10):
                        os.remove(os.path.join(docs, name))
                        names.remove(name)
                    for _ in range(10):
                        name = f"d{next_id % 10}/new{next_id}.txt"
                        next_id += 1
                        write_document(docs, name, rng, paras)
                        names.append(name)
                    run = subprocess.run([a.index, "--db", db, docs], capture_output=True,
                                         text=True)
                    runs += 1
                    if run.returncode != 0:
                        index_failures.append(run.stdout + run.stderr)
                report = wrk.communicate(timeout=60)[0]
            finally:
                if wrk.poll() is None:
                    wrk.kill()
                stop.set()
                sampler.join()
            time.sleep(1.5)  # the searchers look for a new revision once a second
            if proc.poll() is not None:
                log.seek(0)
                fail(f"loupe-server died during the soak (status {proc.returncode}); its log "
                     f"ends:\n{log.read()[-3000:]}\nwrk:\n{report[-2000:]}")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health") as r:
                health = json.load(r)
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=15)

    print(report.strip())
    requests = int(re.search(r"(\d+) requests in", report).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       report)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)

    def mean_rss(first, last):
        values = [kb for t, kb in samples if first <= t < last]
        return sum(values) / len(values)

    second = mean_rss(60, 120)
    end = samples[-1][0]
    final = mean_rss(end - 60, end + 1)
    growth = final / second - 1
    print(f"soak: {a.seconds} s, {requests} requests ({requests / a.seconds:.0f}/s), "
          f"{runs} index runs, RSS second minute {second / 1024:.1f} MB, last minute "
          f"{final / 1024:.1f} MB ({growth:+.1%}), {health.get('documents')} documents served "
          f"of {len(names)}")
    minutes = [mean_rss(m * 60, (m + 1) * 60) / 1024 for m in range(int(end // 60))]
    print("RSS by minute (MB): " + " ".join(f"{mb:.1f}" for mb in minutes))
    if index_failures:
        fail(f"{len(index_failures)} index runs failed:\n{index_failures[0][-2000:]}")
    if errors and any(int(n) for n in errors.groups()):
        fail("socket errors: " + errors.group(0))
    if non_2xx:
        fail(f"{non_2xx.group(1)} answers were not 200")
    if requests < 1000:
        fail(f"only {requests} requests")
    if health.get("documents") != len(names):
        fail(f"the server serves {health.get('documents')} documents; the last run indexed "
             f"{len(names)}")
    if growth > RSS_GROWTH_LIMIT:
        fail(f"RSS grew {growth:.1%} from the second minute to the last")
    if status != 0:
        fail(f"loupe-server exited with {status} on SIGTERM")
    print("ok")


if __name__ == "__main__":
    main()
