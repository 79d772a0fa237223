// Builds a hit's snippet from the index's term positions, reading and analysing only that passage.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <vector>

#include "db/document_record.h"
#include "search/highlighter.h"
#include "search/term_expansion.h"

namespace loupe::search {

// Characters (not bytes) a snippet aims at; it is cut at word boundaries below this.
inline constexpr size_t kSnippetChars = 240;

// The words whose positions locate a query's matches: its exact words, plus the indexed words
// that share a stem or a wildcard prefix with them. Built once per query, used for every hit.
struct SnippetPlan {
  // Every word whose positions a snippet needs, sorted: the order of Xapian's position table.
  std::vector<std::string> words;
  struct Term {
    size_t word;          // index in `words`
    unsigned concept_id;  // words that count as the same query word share an id
  };
  std::vector<Term> terms;
  // Words searched only in a phrase place a snippet where the whole phrase is, not where one of
  // them happens to be.
  struct Phrase {
    std::vector<size_t> words;  // indexes in `words`
    unsigned concept_id;
  };
  std::vector<Phrase> phrases;
  // Words of a NEAR place it where all its operands are close together.
  struct Near {
    std::vector<std::vector<size_t>> operands;  // each operand's words, as indexes in `words`
    uint32_t window;
    unsigned concept_id;
  };
  std::vector<Near> nears;
  unsigned concepts = 0;
};

SnippetPlan plan_snippets(const Xapian::Database& db, Highlighter& highlighter,
                          TermExpansions& expansions);

// Where the plan's words are in one hit: one list per word of SnippetPlan::words.
using HitPositions = std::vector<std::vector<uint32_t>>;

// The positions of every hit (in the order of `docids`), read word by word, and only for the hits
// whose documents hold the word (its posting list, walked once in ascending docid order says
// which): a position lookup costs Xapian a block read or two whether the word is there or not.
// `remote`: `db` is a remote shard, asked for each hit's positions directly instead. It would send
// a whole posting list to be walked (about 10 µs a posting, 150 ms for a common word of rust-doc),
// and a lookup costs it one round trip.
std::vector<HitPositions> read_positions(const Xapian::Database& db, const SnippetPlan& plan,
                                         const std::vector<Xapian::docid>& docids,
                                         bool remote = false);

// Bytes [begin, end) of a hit's stored text (see db/text_store.h), from wherever the caller keeps
// them.
using TextReader = std::function<std::string(uint64_t begin, uint64_t end)>;

// An escaped passage of about kSnippetChars around the densest cluster of matches, "…" where it
// is cut, matches in <mark>. Falls back to the start of the text when no position matches.
// `target`, when given, receives the word position the passage is built around (a hit's page).
std::string make_snippet(const db::DocumentRecord& record, const TextReader& read_text,
                         const SnippetPlan& plan, const HitPositions& positions,
                         Highlighter& highlighter, uint32_t* target = nullptr);

}  // namespace loupe::search
