#!/usr/bin/env python3
"""Corpus preparation for tests/bench/run.sh.

Sub-commands:
  extract CORPUS_DIR OUT_DIR
      Extracts title + plain text from every .html/.htm/.txt/.md file under
      CORPUS_DIR (same extensions Loupe indexes), writes
        OUT_DIR/docs.tsv       path<TAB>title<TAB>text (one document a line)
        OUT_DIR/sphinx.xml     the same documents as a Sphinx xmlpipe2 stream
        OUT_DIR/stats.json     document count, source bytes
  queries OUT_DIR SEED
      Draws >= 200 queries deterministically from OUT_DIR/docs.tsv and writes
        OUT_DIR/queries.json   [{"kind", "loupe", "omega", "sphinx"}, ...]
  lua OUT_DIR ENGINE URL_PREFIX OUT_LUA
      Writes a wrk Lua script that cycles through the queries of ENGINE
      (loupe|omega|sphinx), each appended URL-encoded to URL_PREFIX.
  check URL_PREFIX_OR_URL ENGINE OUT_DIR
      Requests every query once (keep-alive, sequential), verifies that the
      answers parse, and reports hit counts / snippet presence as JSON.
"""
import http.client
import html
import html.parser
import json
import os
import random
import re
import sys
import time
import urllib.parse

EXTS = (".html", ".htm", ".txt", ".md")

# Small English stop list: queries avoid these words so that no engine is
# advantaged or hurt by its stop-word policy.
STOP = set("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can cannot could did do does doing
down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off
on once only or other our ours out over own same she should so some such than
that the their theirs them then there these they this those through to too under
until up very was we were what when where which while who whom why will with
would you your yours may must shall one two use used using see new get set also
near and or not
""".split())

RE_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)
RE_TAG = re.compile(r"<[^>]*>", re.S)
RE_WS = re.compile(r"\s+")
RE_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RE_WORD = re.compile(r"[a-z]+")


class PageText(html.parser.HTMLParser):
    """The text a page's reader came for, as loupe-index reads it: no scripts, styles or hidden
    elements, and no site furniture (<nav>, ARIA roles navigation, search, banner, contentinfo),
    so that queries come from the pages' content and Sphinx indexes the same text as Loupe."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr"}
    SKIPPED = {"head", "script", "style", "template", "nav", "svg", "math", "select", "noscript"}
    FURNITURE = {"navigation", "search", "banner", "contentinfo"}
    # Other elements separate words; these run into their neighbours ("<b>x</b>y" is "xy").
    INLINE = {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "em", "font",
              "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
              "sup", "time", "tt", "u", "var"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, skips)
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.INLINE:
            self.parts.append(" ")
        if tag in self.VOID:
            return
        names = dict(attrs)
        roles = (names.get("role") or "").lower().split()
        skips = tag in self.SKIPPED or "hidden" in names or any(r in self.FURNITURE for r in roles)
        self.open.append((tag, skips))
        self.depth += skips

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in self.INLINE:
            self.parts.append(" ")
        if not any(t == tag for t, _ in self.open):
            return
        while self.open:
            t, skips = self.open.pop()
            self.depth -= skips
            if t == tag:
                break

    def handle_data(self, data):
        if self.depth == 0:
            self.parts.append(data)


def html_to_text(raw):
    m = RE_TITLE.search(raw)
    title = RE_WS.sub(" ", html.unescape(RE_TAG.sub("", m.group(1)))).strip() if m else ""
    page = PageText()
    page.feed(raw)
    page.close()
    body = RE_WS.sub(" ", "".join(page.parts)).strip()
    return title, body


def iter_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.lower().endswith(EXTS):
                yield os.path.join(dirpath, fn)


def xml_escape(s):
    s = RE_XML_BAD.sub(" ", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cmd_extract(corpus, out):
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    ndocs = 0
    nbytes = 0
    with open(os.path.join(out, "docs.tsv"), "w", encoding="utf-8") as tsv, \
            open(os.path.join(out, "sphinx.xml"), "w", encoding="utf-8") as xml:
        xml.write('<?xml version="1.0" encoding="utf-8"?>\n<sphinx:docset>\n'
                  '<sphinx:schema>\n'
                  '<sphinx:field name="title" attr="string"/>\n'
                  '<sphinx:field name="content" attr="string"/>\n'
                  '<sphinx:attr name="path" type="string"/>\n'
                  '</sphinx:schema>\n')
        for path in iter_files(corpus):
            with open(path, "rb") as f:
                data = f.read()
            nbytes += len(data)
            raw = data.decode("utf-8", errors="replace")
            rel = os.path.relpath(path, corpus)
            if path.lower().endswith((".html", ".htm")):
                title, text = html_to_text(raw)
            else:
                text = RE_WS.sub(" ", raw).strip()
                title = ""
                for line in raw.splitlines():
                    if line.strip():
                        title = line.strip().lstrip("#").strip()[:200]
                        break
            if not title:
                title = os.path.basename(path)
            ndocs += 1
            tsv.write("%s\t%s\t%s\n" % (rel, title.replace("\t", " "), text.replace("\t", " ")))
            xml.write('<sphinx:document id="%d">\n<title>%s</title>\n<content>%s</content>\n'
                      '<path>%s</path>\n</sphinx:document>\n'
                      % (ndocs, xml_escape(title), xml_escape(text), xml_escape(rel)))
        xml.write("</sphinx:docset>\n")
    with open(os.path.join(out, "stats.json"), "w") as f:
        json.dump({"documents": ndocs, "source_bytes": nbytes,
                   "extract_seconds": round(time.time() - t0, 3)}, f)


def load_docs(out):
    docs = []
    with open(os.path.join(out, "docs.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) == 3:
                docs.append(parts)
    return docs


def good(w):
    return len(w) >= 3 and w not in STOP


def cmd_queries(out, seed):
    rng = random.Random(int(seed))
    docs = load_docs(out)
    toks = [RE_WORD.findall(text.lower()) for _, _, text in docs]
    ndocs = len(docs)
    df = {}
    for t in toks:
        for w in set(t):
            df[w] = df.get(w, 0) + 1
    vocab = sorted(w for w in df if good(w))
    by_df = sorted(vocab, key=lambda w: (-df[w], w))
    common = by_df[:300]
    if ndocs >= 50:
        rare = [w for w in vocab if 2 <= df[w] <= 5 and len(w) >= 4]
        lo, hi = max(2, ndocs // 100), max(3, ndocs // 5)
    else:  # seeds: a handful of documents
        rare = [w for w in vocab if df[w] == 1 and len(w) >= 4]
        lo, hi = 1, ndocs
    mid = set(w for w in vocab if lo <= df[w] <= hi)
    queries = []

    def add(kind, loupe, omega, sphinx):
        queries.append({"kind": kind, "loupe": loupe, "omega": omega, "sphinx": sphinx})

    def pick_doc_words(n, pool):
        for _ in range(1000):
            t = toks[rng.randrange(ndocs)]
            cand = sorted(set(w for w in t if w in pool))
            if len(cand) >= n:
                return rng.sample(cand, n)
        return rng.sample(sorted(pool), n)

    for w in rng.sample(common, min(40, len(common))):
        add("common", w, w, w)
    for w in rng.sample(rare, min(40, len(rare))):
        add("rare", w, w, w)
    for _ in range(40):
        ws = pick_doc_words(2, mid)
        q = " ".join(ws)
        add("two-word", q, q, q)
    for _ in range(30):
        ws = pick_doc_words(3, mid)
        q = " ".join(ws)
        add("three-word", q, q, q)
    n = 0
    tries = 0
    while n < 30 and tries < 100000:
        tries += 1
        t = toks[rng.randrange(ndocs)]
        if len(t) < 10:
            continue
        k = rng.choice((2, 3))
        i = rng.randrange(len(t) - k)
        ws = t[i:i + k]
        if not all(good(w) for w in ws) or len(set(ws)) < k:
            continue
        q = '"%s"' % " ".join(ws)
        add("phrase", q, q, q)
        n += 1
    for _ in range(20):
        a, b = pick_doc_words(2, mid)
        add("or", "%s OR %s" % (a, b), "%s OR %s" % (a, b), "%s | %s" % (a, b))
    for _ in range(20):
        a = rng.choice(common[:100])
        b = rng.choice(sorted(mid) or common)
        if a == b:
            b = rng.choice(common[100:])
        add("not", "%s NOT %s" % (a, b), "%s NOT %s" % (a, b), "%s -%s" % (a, b))
    longs = sorted(w for w in mid if len(w) >= 7) or sorted(w for w in vocab if len(w) >= 6)
    for w in rng.sample(longs, min(20, len(longs))):
        p = w[:rng.choice((4, 5))] + "*"
        add("prefix", p, p, p)
    with open(os.path.join(out, "queries.json"), "w") as f:
        json.dump(queries, f, indent=0)
    kinds = {}
    for q in queries:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    print("%d queries %s" % (len(queries), json.dumps(kinds)))


def load_queries(out, engine):
    engine = engine.split("-")[0]  # omega-full asks what omega asks
    with open(os.path.join(out, "queries.json")) as f:
        return [q[engine] for q in json.load(f)]


def cmd_lua(out, engine, prefix, lua):
    qs = load_queries(out, engine)
    paths = [prefix + urllib.parse.quote(q, safe="") for q in qs]
    with open(lua, "w") as f:
        f.write("-- generated by tests/bench/corpus.py: %d %s queries\n" % (len(paths), engine))
        f.write("local paths = {\n")
        for p in paths:
            f.write("  %s,\n" % json.dumps(p))
        f.write("}\n")
        f.write(LUA_TAIL)


LUA_TAIL = r"""
local counter = 1
local threads = {}

function setup(thread)
  -- each wrk thread starts at a different place in the list
  thread:set("start", #threads * 37)
  table.insert(threads, thread)
end

function init(args)
  counter = (tonumber(start) or 0) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.2f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

RE_OMEGA_HIT = re.compile(r"<input type=checkbox name=R value=")
RE_OMEGA_SNIP = re.compile(r"<td><b><a [^>]*>.*?</a></b><br>\s*<small>(.*?)</small>", re.S)


def cmd_check(prefix, engine, out):
    qs = load_queries(out, engine)
    with open(os.path.join(out, "queries.json")) as f:
        kinds_of = [q["kind"] for q in json.load(f)]
    kind_ms = {}
    u = urllib.parse.urlsplit(prefix)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    base = prefix[len("%s://%s" % (u.scheme, u.netloc)):]
    nonzero = 0
    full10 = 0
    snippets = 0
    hits_total = 0
    highlighted = 0
    failures = []
    t0 = time.time()
    for q, kind in zip(qs, kinds_of):
        tq = time.time()
        conn.request("GET", base + urllib.parse.quote(q, safe=""))
        r = conn.getresponse()
        body = r.read().decode("utf-8", errors="replace")
        kind_ms.setdefault(kind, []).append(1000 * (time.time() - tq))
        if r.status != 200:
            failures.append({"q": q, "status": r.status, "body": body[:200]})
            continue
        if engine.startswith("omega"):
            n = len(RE_OMEGA_HIT.findall(body))
            snips = [s for s in RE_OMEGA_SNIP.findall(body)]
        else:
            try:
                j = json.loads(body)
            except ValueError:
                failures.append({"q": q, "status": r.status, "body": body[:200]})
                continue
            hits = j.get("hits", [])
            n = len(hits)
            snips = [h.get("snippet", "") for h in hits]
        hits_total += n
        nonzero += n > 0
        full10 += n == 10
        snippets += sum(1 for s in snips if s.strip())
        highlighted += sum(1 for s in snips if re.search(r"<(b|mark|strong|em)\b", s))
    el = time.time() - t0
    res = {"engine": engine, "queries": len(qs), "queries_with_hits": nonzero,
           "queries_with_10_hits": full10, "hits": hits_total,
           "hits_with_snippet": snippets, "hits_with_highlight": highlighted,
           "failures": len(failures), "sequential_seconds": round(el, 3),
           "sequential_mean_ms": round(1000 * el / max(1, len(qs)), 3),
           "mean_ms_by_kind": {k: round(sum(v) / len(v), 3) for k, v in kind_ms.items()},
           "max_ms_by_kind": {k: round(max(v), 3) for k, v in kind_ms.items()}}
    if failures:
        res["first_failures"] = failures[:3]
    print(json.dumps(res))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"extract": cmd_extract, "queries": cmd_queries, "lua": cmd_lua,
     "check": cmd_check}[cmd](*args)


if __name__ == "__main__":
    main()
