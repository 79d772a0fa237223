#!/usr/bin/env python3
"""Languages on the Linux docs' translations: does a word find the pages that have only its
other forms, in their own language?  Run by tests/relevance/run.sh on the linux corpus, against
the Loupe server it started:

    python3 translations.py BASE_URL CORPUS_DIR

  Italian   each singular below, searched alone, must find every translations/it_IT page whose
            text has its plural but not the singular itself (the pages only Italian stemming
            finds); the plural must find the pages with the singular alone.
  Korean    each noun below must find every translations/ko_KR page where it is written with a
            particle or an ending (패치를, 패치가), and the document view must mark each of
            those written forms whole.

Prints a markdown table (pages expected, found, recall) per word and in all; exits 1 when a
set's recall is under 1.0, so that a regression shows.  The words are common nouns of the
kernel's process documents, chosen before looking at results: any that the pages lack are
skipped, not counted.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

import known_items

ITALIAN = [
    ("sviluppatore", "sviluppatori"), ("manutentore", "manutentori"),
    ("dispositivo", "dispositivi"), ("sottosistema", "sottosistemi"),
    ("modifica", "modifiche"), ("funzione", "funzioni"), ("messaggio", "messaggi"),
    ("documento", "documenti"), ("programmatore", "programmatori"), ("regola", "regole"),
    ("versione", "versioni"), ("problema", "problemi"), ("strumento", "strumenti"),
]
KOREAN = ["패치", "커뮤니티", "커널", "개발자", "메인테이너", "문서", "코드", "버전", "리스트"]

# Korean's commonest particles and their stacks, as a grammar lists them: what a noun is written
# with in running text (a longer word that starts with the noun is another word, 코드베이스).
PARTICLES = {"이", "가", "을", "를", "은", "는", "와", "과", "의", "에", "에서", "로", "으로",
             "도", "만", "에게", "에는", "에서는", "으로는", "로는", "와의", "과의", "이나",
             "나", "들", "들이", "들은", "들을", "들의", "들과", "들에게", "보다", "까지", "부터"}
WORD = re.compile(r"\w+", re.UNICODE)
HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def get(base, path, **params):
    url = base + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def found_ids(base, query):
    ids, page = set(), 1
    while True:
        data = get(base, "/api/search", q=query, per_page=100, page=page, correct="false")
        ids.update(h["id"] for h in data["hits"])
        if page * 100 >= data["total"] or not data["hits"]:
            return ids
        page += 1


def row(label, expected, found):
    hit = len(expected & found)
    recall = hit / len(expected) if expected else 1.0
    return f"| {label} | {len(expected)} | {hit} | {recall:.3f} |", hit, len(expected)


def main():
    base, corpus = sys.argv[1].rstrip("/"), sys.argv[2]
    pages = known_items.read_pages(corpus)
    words = {path: {w.lower() for w in WORD.findall(title + " " + text)}
             for path, title, _, text in pages}
    failed = False
    print("| Italian: word → pages with only its other form | pages | found | recall |")
    print("|---|---:|---:|---:|")
    total = [0, 0]
    for singular, plural in ITALIAN:
        for query, only, absent in ((singular, plural, singular), (plural, singular, plural)):
            expected = {p for p, ws in words.items()
                        if p.startswith("translations/it_IT/") and only in ws and absent not in ws}
            if not expected:
                continue
            line, hit, n = row(f"`{query}` → pages with `{only}` only", expected,
                               found_ids(base, query))
            total[0] += hit
            total[1] += n
            print(line)
    recall = total[0] / total[1] if total[1] else 1.0
    print(f"| **all** | {total[1]} | {total[0]} | **{recall:.3f}** |")
    failed = failed or recall < 1.0

    print()
    print("| Korean: noun → pages with its particle forms; forms marked | pages | found | "
          "recall | forms marked |")
    print("|---|---:|---:|---:|---:|")
    total = [0, 0]
    marks = [0, 0]
    for noun in KOREAN:
        forms_by_page = {}
        for path, title, _, text in pages:
            if not path.startswith("translations/ko_KR/"):
                continue
            forms = {w for w in HANGUL.findall(text)
                     if w.startswith(noun) and w[len(noun):] in PARTICLES}
            if forms:
                forms_by_page[path] = forms
        if not forms_by_page:
            continue
        found = found_ids(base, noun)
        line, hit, n = row(f"`{noun}`", set(forms_by_page), found)
        total[0] += hit
        total[1] += n
        # Which written forms the document view marks whole (a form that is another word
        # with the noun's letters, 커널의 or 커널을, counts as one that should be marked).
        marked = set()
        for path in forms_by_page:
            if path not in found:
                continue
            doc = get(base, "/api/documents/" + urllib.parse.quote(path, safe=""), q=noun)
            marked |= set(re.findall(r"<mark>([^<]*)</mark>", doc.get("html", "")))
        every = set().union(*forms_by_page.values())
        marks[0] += len(every & marked)
        marks[1] += len(every)
        print(f"{line} {len(every & marked)}/{len(every)} |")
    recall = total[0] / total[1] if total[1] else 1.0
    print(f"| **all** | {total[1]} | {total[0]} | **{recall:.3f}** | {marks[0]}/{marks[1]} |")
    failed = failed or recall < 1.0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
