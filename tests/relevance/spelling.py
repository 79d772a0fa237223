#!/usr/bin/env python3
"""How often a misspelled technical word gets the word meant, on a running loupe-server.

    spelling.py URL CORPUS_DIR [--words 300] [--seed 20261207]

Draws words of 6 or more letters from the titles of the HTML pages in CORPUS_DIR (Python's
documentation: "asyncio", "dataclasses", "subprocess", "traceback"…), makes one or two typing
mistakes in each (a letter swapped with the next, dropped, doubled or replaced by a
neighbour on the keyboard), searches the typo and checks the answer's "suggestion". Prints the
share of typos corrected to the word meant, of those given another word, and of those given
none, as JSON, and lists the misses. Not part of CI (it needs the corpus and a server).
"""
import argparse, json, os, random, re, urllib.parse, urllib.request

KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def neighbours(c):
    for row in KEYBOARD:
        i = row.find(c)
        if i >= 0:
            return [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
    return []


def typo(word, rng):
    i = rng.randrange(1, len(word) - 1)  # the first letter is rarely wrong
    kind = rng.choice(["swap", "drop", "double", "neighbour"])
    if kind == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    near = neighbours(word[i])
    return word[:i] + (rng.choice(near) if near else "x") + word[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("corpus")
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--edits", type=int, default=1, choices=[1, 2])
    a = ap.parse_args()
    rng = random.Random(a.seed)
    words = set()
    for root, _, files in os.walk(a.corpus):
        for f in files:
            if not f.endswith(".html"):
                continue
            with open(os.path.join(root, f), encoding="utf-8", errors="replace") as h:
                m = re.search(r"<title>(.*?)</title>", h.read(20000), re.S)
            if m:
                words.update(w.lower() for w in re.findall(r"\b[A-Za-z]{6,}\b", m.group(1)))
    words = sorted(words)
    rng.shuffle(words)
    right = other = none = 0
    misses = []
    for word in words[:a.words]:
        wrong = word
        for _ in range(a.edits):
            wrong = typo(wrong, rng)
        if wrong == word:
            continue
        with urllib.request.urlopen(f"{a.url}/api/search?per_page=1&q={urllib.parse.quote(wrong)}") as r:
            answer = json.load(r)
        suggestion = answer.get("suggestion", "")
        if suggestion == word:
            right += 1
        elif suggestion:
            other += 1
            misses.append((wrong, word, suggestion))
        else:
            none += 1
            misses.append((wrong, word, ""))
    total = right + other + none
    print(json.dumps({"typos": total, "edits": a.edits, "corrected": round(right / total, 3),
                      "other_word": round(other / total, 3), "no_suggestion": round(none / total, 3)}))
    for wrong, word, suggestion in misses[:40]:
        print(f"  {wrong:24} meant {word:24} got {suggestion or '-'}")


if __name__ == "__main__":
    main()
