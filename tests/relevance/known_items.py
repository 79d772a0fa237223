#!/usr/bin/env python3
"""Known-item query sets for tests/relevance/run.sh (Python 3 standard library only).

    known_items.py CORPUS_NAME CORPUS_DIR OUT_DIR [--seed N] [--rows N]

Reads every *.html / *.htm page under CORPUS_DIR and writes
    OUT_DIR/sets/CORPUS_NAME-titles.jsonl    {"query": page title, "expected": "rel/path.html"}
    OUT_DIR/sets/CORPUS_NAME-headings.jsonl  {"query": section heading, "expected": ...}
    OUT_DIR/docs/CORPUS_NAME.jsonl           {"id", "title", "text"} per page, for engines
                                             that read no HTML themselves (MiniSearch)
    OUT_DIR/sets/CORPUS_NAME-stats.json      how many candidates each rule kept or left out

A known-item query has exactly one right answer: the page a user has in mind when typing its
title, or the page that has the section they remember.  So only titles and headings that are
unique in the corpus are used; a heading shared by twenty pages ("Examples") has no single right
answer and would measure tie-breaking, not relevance.

The page is read as loupe-index and tests/bench/corpus.py read it: no <head>, scripts, styles,
hidden elements or site furniture (<nav>, ARIA roles navigation/search/banner/contentinfo), so a
sidebar's "Table of Contents" or "Navigation" is not taken for a heading of every page.

Sampling is deterministic: the same corpus and seed give the same rows.
"""
import argparse
import collections
import html.parser
import json
import os
import random
import re
import sys

EXTS = (".html", ".htm")
RE_WS = re.compile(r"\s+")
# Sphinx numbers sections ("4. More Control Flow Tools", "2.1.3. Lists"), and authors number
# them by hand ("1) Indentation", "1.1) Device Setup", "8.17 KVM_CAP_S390_BPB", "6.1 - Asymmetric
# CPU topology"); nobody types that number when looking for the section, so it is dropped from
# titles and headings.  A lone number needs its "." or ")" and a dotted one short parts:
# "64 bit", "802.11 Wireless" and "52-bit userspace VAs" are names, not numbers.
RE_SECTION_NUMBER = re.compile(
    r"^(?:[0-9]{1,3}[.)]|[0-9]{1,2}(?:\.[0-9]{1,3})+[.)]?)\s+(?:[-–—:]\s+)?")
RE_WORD = re.compile(r"\w", re.U)
# Separators between a page's own title and the site's name in <title>.
TITLE_SEPARATORS = (" — ", " – ", " - ", " | ", " :: ", " · ")

# Words that make a heading or title generic when it has no other word: "See also", "Further
# reading", "Known issues", "Getting started" would be typed by nobody looking for one page.
GENERIC_WORDS = set("""
a an and the of on for to in with more other further some
example examples see also note notes introduction overview usage summary description details
background reference references contents table index search glossary appendix abstract
todo faq history changes changelog conclusion requirements limitations discussion bugs credits
acknowledgements acknowledgments authors author license licensing contact links
definitions terminology motivation rationale basic basics advanced general misc miscellaneous
known issues issue getting started quick start tutorial tips caveats warning warnings
deprecated new features feature options configuration api functions function reading
information what's whats next previous prerequisites installation install setup
""".split())


class Page(html.parser.HTMLParser):
    """One pass over a page: its <title>, its headings (level, text, has a permalink) and its
    visible text, with the same elements left out as loupe-index leaves out."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr"}
    SKIPPED = {"head", "script", "style", "template", "nav", "svg", "math", "select", "noscript"}
    FURNITURE = {"navigation", "search", "banner", "contentinfo"}
    # Other elements separate words; these run into their neighbours ("<b>x</b>y" is "xy").
    INLINE = {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn", "em", "font",
              "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
              "sup", "time", "tt", "u", "var"}
    HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    # Permalink anchors ("¶" after every Sphinx heading) and section numbers are not part of
    # what a reader calls the heading; their text is left out of headings and text alike.
    DROPPED_CLASSES = {"headerlink", "section-number"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []        # (tag, skips) of the elements open now
        self.depth = 0        # how many open elements hide their content
        self.parts = []       # visible text
        self.title = None     # None until a <title> is seen; then its text pieces
        self.in_title = False
        self.heading = None   # [level, pieces, has_permalink] while inside h1-h6
        self.headings = []    # (level, text, has_permalink)

    def handle_starttag(self, tag, attrs):
        if tag not in self.INLINE:
            self.parts.append(" ")
        if tag == "title" and self.title is None:
            self.title = []
            self.in_title = True
        if tag in self.VOID:
            return
        names = dict(attrs)
        roles = (names.get("role") or "").lower().split()
        classes = set((names.get("class") or "").split())
        skips = (tag in self.SKIPPED or "hidden" in names
                 or any(r in self.FURNITURE for r in roles)
                 or bool(classes & self.DROPPED_CLASSES))
        if self.heading is not None and tag == "a" and (names.get("href") or "").startswith("#"):
            self.heading[2] = True
        self.open.append((tag, skips))
        self.depth += skips
        if tag in self.HEADINGS and self.depth == 0:
            self.heading = [self.HEADINGS[tag], [], False]

    def handle_startendtag(self, tag, attrs):
        if tag not in self.INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag not in self.INLINE:
            self.parts.append(" ")
        if tag == "title":
            self.in_title = False
        if not any(t == tag for t, _ in self.open):
            return
        while self.open:
            t, skips = self.open.pop()
            self.depth -= skips
            if t in self.HEADINGS and self.heading is not None:
                level, pieces, permalink = self.heading
                self.headings.append((level, clean("".join(pieces)), permalink))
                self.heading = None
            if t == tag:
                break

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if self.depth == 0:
            self.parts.append(data)
            if self.heading is not None:
                self.heading[1].append(data)

    def result(self):
        if self.heading is not None:  # an <hN> never closed
            self.headings.append((self.heading[0], clean("".join(self.heading[1])),
                                  self.heading[2]))
            self.heading = None
        title = clean("".join(self.title or []))
        return title, self.headings, clean("".join(self.parts))


def clean(s):
    return RE_WS.sub(" ", s.replace("¶", " ")).strip()


def unnumbered(s):
    return RE_SECTION_NUMBER.sub("", s).strip()


def words(s):
    """Whitespace-separated tokens with a letter or digit: "dataclasses — Data Classes" is 3."""
    return [w for w in s.split() if RE_WORD.search(w)]


def is_generic(s):
    ws = [w.strip(".,:;!?()[]\"'“”‘’").lower() for w in words(s)]
    return all(w in GENERIC_WORDS for w in ws)


def read_pages(root):
    pages = []  # (relative path, raw title, headings, text)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.lower().endswith(EXTS):
                continue
            path = os.path.join(dirpath, fn)
            with open(path, "rb") as f:
                raw = f.read().decode("utf-8", errors="replace")
            page = Page()
            page.feed(raw)
            page.close()
            title, headings, text = page.result()
            pages.append((os.path.relpath(path, root).replace(os.sep, "/"), title, headings, text))
    return pages


def site_suffix(titles):
    """The (separator, suffix) that ends most titles ("Python 3.11.2 documentation"), or None.
    It is the site's name, not the page's: nobody types it, and it is on every page."""
    counts = collections.Counter()
    for t in titles:
        for sep in TITLE_SEPARATORS:
            if sep in t:
                counts[(sep, t.rsplit(sep, 1)[1])] += 1
    if not counts:
        return None
    (sep, suffix), n = counts.most_common(1)[0]
    return (sep, suffix) if n * 2 >= len(titles) else None


def user_title(raw, suffix):
    t = raw
    if suffix and t.endswith(suffix[0] + suffix[1]):
        t = t[: -len(suffix[0] + suffix[1])]
    return unnumbered(t.strip())


def sample(rows, n, seed, label):
    """n rows drawn at random, spread over as many pages as there are: a shuffled round-robin
    over pages, so that no page gets a second row before every page with a candidate has one.
    Without it a page with thousands of headings (Linux's MAINTAINERS) fills a fifth of the set
    and the set measures that one page."""
    # A string seed is hashed with SHA-512 by random.seed: stable across runs and Python versions,
    # and each set gets its own stream, so adding a set does not change the others' rows.
    rng = random.Random("%s/%s" % (seed, label))
    rows = sorted(rows, key=lambda r: (r["expected"], r["query"]))
    rng.shuffle(rows)
    turn, nth = {}, []
    for r in rows:
        turn[r["expected"]] = turn.get(r["expected"], -1) + 1
        nth.append(turn[r["expected"]])
    order = sorted(range(len(rows)), key=lambda i: nth[i])  # stable: shuffled order within a turn
    return [rows[i] for i in order[:n]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("name")
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--seed", default="20261206")
    ap.add_argument("--rows", type=int, default=300)
    args = ap.parse_args()

    pages = read_pages(args.corpus)
    if not pages:
        sys.exit("known_items.py: no HTML pages under %s" % args.corpus)
    suffix = site_suffix([t for _, t, _, _ in pages if t])
    titles = {path: user_title(t, suffix) for path, t, _, _ in pages}
    stats = {"pages": len(pages), "site_suffix": suffix[1] if suffix else None}

    # Generated pages (Sphinx's search page, general index, module index) have titles that
    # name no subject a user is after ("Search", "Python Module Index").  Where most pages put a
    # permalink on their headings (Sphinx, MkDocs, Hugo, rustdoc all do on authored sections),
    # a page with none is such a generated page, and its title is left out.  In a corpus without
    # permalinks the rule is off.
    permalinked = {path for path, _, hs, _ in pages if any(p for _, _, p in hs)}
    authored_only = len(permalinked) * 2 >= len(pages)
    stats["pages_with_permalinks"] = len(permalinked)

    # Every title and every heading (h1-h6), case-folded, with how often it occurs: a query is
    # a known item only if its text names one place in the corpus.
    seen = collections.Counter()
    for path, _, hs, _ in pages:
        if titles[path]:
            seen[titles[path].casefold()] += 1
        for _, h, _ in hs:
            h = unnumbered(h)
            if h:
                seen[h.casefold()] += 1

    # titles: the page's title (site suffix off) -> that page
    title_count = collections.Counter(t.casefold() for t in titles.values() if t)
    title_rows, why = [], collections.Counter()
    for path, _, _, _ in pages:
        t = titles[path]
        if not t:
            why["empty"] += 1
        elif title_count[t.casefold()] > 1:
            why["shared by several pages"] += 1
        elif authored_only and path not in permalinked:
            why["generated page (no permalinked heading)"] += 1
        else:
            # No stop list here: a title left unique ("Glossary", "Copyright") names one page,
            # and users do type it to get there.
            title_rows.append({"query": t, "expected": path})
    stats["titles"] = {"candidates": len(title_rows), "left_out": dict(why)}

    # headings: an h1-h3 that occurs once in the corpus -> its page.  Where headings carry
    # permalinks, one without is the generator's ("Index – A" on the general index's pages),
    # not an authored section, and is left out for the same reason as those pages' titles.
    heading_rows, why = [], collections.Counter()
    for path, _, hs, _ in pages:
        own = titles[path].casefold()
        for level, h, permalink in hs:
            h = unnumbered(h)
            if level > 3 or not h:
                continue
            n = len(words(h))
            if authored_only and not permalink:
                why["generated (no permalink)"] += 1
            elif h.casefold() == own:
                # the titles set has it (and its count of 2 would drop it below anyway)
                why["the page's title"] += 1
            elif seen[h.casefold()] != 1:
                why["not unique (headings and titles)"] += 1
            elif not 2 <= n <= 6:
                why["not 2-6 words"] += 1
            elif is_generic(h):
                why["generic words only"] += 1
            else:
                heading_rows.append({"query": h, "expected": path})
    stats["headings"] = {"candidates": len(heading_rows), "left_out": dict(why)}

    os.makedirs(os.path.join(args.out, "sets"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "docs"), exist_ok=True)
    for kind, rows in (("titles", title_rows), ("headings", heading_rows)):
        picked = sample(rows, args.rows, args.seed, "%s-%s" % (args.name, kind))
        stats[kind]["rows"] = len(picked)
        with open(os.path.join(args.out, "sets", "%s-%s.jsonl" % (args.name, kind)), "w",
                  encoding="utf-8") as f:
            for r in picked:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # The full <title> (site name included), as loupe-index and omindex index it.
    with open(os.path.join(args.out, "docs", "%s.jsonl" % args.name), "w", encoding="utf-8") as f:
        for path, title, _, text in pages:
            f.write(json.dumps({"id": path, "title": title, "text": text}, ensure_ascii=False)
                    + "\n")
    with open(os.path.join(args.out, "sets", "%s-stats.json" % args.name), "w") as f:
        json.dump(stats, f, indent=1, ensure_ascii=False)
    print("%s: %d pages; titles %d of %d candidates, headings %d of %d candidates (site suffix %r)"
          % (args.name, len(pages), stats["titles"]["rows"], stats["titles"]["candidates"],
             stats["headings"]["rows"], stats["headings"]["candidates"], stats["site_suffix"]))


if __name__ == "__main__":
    main()
