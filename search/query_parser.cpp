#include "search/query_parser.h"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/languages.h"
#include "analysis/utf8.h"
#include "db/schema.h"
#include "search/filter_values.h"
#include "search/term_expansion.h"

namespace loupe::search {
namespace {

// Wildcards expand to at most this many of their most frequent completions.
constexpr Xapian::termcount kMaxWildcardExpansion = 100;
// Written forms of one stem that NEAR looks for (positions live on words, not stems).
constexpr size_t kMaxNearForms = 64;
// A quoted phrase also matches with two neighbouring words written as one ("e mail" finds
// "email"): one variant per neighbouring pair, for phrases up to this long. So does a CJK word
// that the query's segmentation splits.
constexpr size_t kMaxJoinablePhraseWords = 4;
constexpr unsigned kDefaultNearWindow = 10;
constexpr unsigned kMaxNearWindow = 100;

enum class Kind { kWord, kPhrase, kOpen, kClose, kAnd, kOr, kNot, kNear, kEnd };

struct Lexeme {
  Kind kind = Kind::kEnd;
  std::string text;
  char modifier = 0;                     // '+' or '-' written before the item
  const db::FieldInfo* field = nullptr;  // "title:" written before the item
  bool wildcard = false;                 // "word*"
  unsigned window = kDefaultNearWindow;  // "NEAR/5"
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// ASCII quotes and the typographic ones phones and word processors type.
size_t quote_length(std::string_view s, size_t i) {
  if (s[i] == '"') return 1;
  if (s.compare(i, 3, "\xE2\x80\x9C") == 0 || s.compare(i, 3, "\xE2\x80\x9D") == 0) return 3;
  return 0;
}

bool ends_word(std::string_view s, size_t i) {
  return is_space(s[i]) || s[i] == '(' || s[i] == ')' || quote_length(s, i) > 0;
}

std::optional<Lexeme> operator_lexeme(const std::string& word) {
  Lexeme op;
  if (word == "AND" || word == "&&")
    op.kind = Kind::kAnd;
  else if (word == "OR" || word == "||")
    op.kind = Kind::kOr;
  else if (word == "NOT")
    op.kind = Kind::kNot;
  else if (word == "NEAR")
    op.kind = Kind::kNear;
  else if (word.rfind("NEAR/", 0) == 0 && word.size() > 5 &&
           std::all_of(word.begin() + 5, word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    op.kind = Kind::kNear;
    op.window =
        static_cast<unsigned>(std::min<size_t>(std::stoul(word.substr(5, 4)), kMaxNearWindow));
    op.window = std::max(op.window, 1u);
  } else {
    return std::nullopt;
  }
  return op;
}

std::vector<Lexeme> lex(std::string_view q) {
  std::vector<Lexeme> out;
  size_t i = 0;
  while (i < q.size()) {
    if (is_space(q[i])) {
      ++i;
      continue;
    }
    Lexeme lx;
    if ((q[i] == '+' || q[i] == '-') && i + 1 < q.size() && !is_space(q[i + 1]))
      lx.modifier = q[i++];
    // A known field name followed by ':' ("title:word"); anything else with a colon is a word.
    size_t name_end = i;
    while (name_end < q.size() && ((q[name_end] >= 'a' && q[name_end] <= 'z') ||
                                   (q[name_end] >= 'A' && q[name_end] <= 'Z')))
      ++name_end;
    if (name_end > i && name_end + 1 < q.size() && q[name_end] == ':' &&
        !is_space(q[name_end + 1])) {
      if (const db::FieldInfo* field =
              db::field_by_name(analysis::ascii_lower(q.substr(i, name_end - i)))) {
        lx.field = field;
        i = name_end + 1;
      }
    }
    if (q[i] == '(' || q[i] == ')') {
      lx.kind = q[i] == '(' ? Kind::kOpen : Kind::kClose;
      ++i;
    } else if (size_t quote = quote_length(q, i)) {
      // A phrase runs to the next quote, or to the end when the closing one is missing.
      size_t start = i + quote;
      size_t end = start;
      while (end < q.size() && quote_length(q, end) == 0) ++end;
      lx.kind = Kind::kPhrase;
      lx.text = std::string(q.substr(start, end - start));
      i = end < q.size() ? end + quote_length(q, end) : end;
      // "quick bro*": a phrase whose last word is a prefix.
      while (!lx.text.empty() && is_space(lx.text.back())) lx.text.pop_back();
      while (!lx.text.empty() && lx.text.back() == '*') {
        lx.text.pop_back();
        lx.wildcard = true;
      }
    } else {
      size_t start = i;
      while (i < q.size() && !ends_word(q, i)) ++i;
      lx.kind = Kind::kWord;
      lx.text = std::string(q.substr(start, i - start));
      while (!lx.text.empty() && lx.text.back() == '*') {
        lx.text.pop_back();
        lx.wildcard = true;
      }
      if (lx.modifier == 0 && lx.field == nullptr && !lx.wildcard) {
        if (std::optional<Lexeme> op = operator_lexeme(lx.text)) lx = *op;
      }
    }
    out.push_back(std::move(lx));
  }
  out.push_back(Lexeme{});
  return out;
}

// The one word a subquery stands for, which NEAR places: built only when NEAR asks, since it
// reads the term list.
struct Positional {
  std::string prefix;
  std::string term;
  bool stemmable = false;
  bool wildcard = false;
};

// A subquery in its two readings (see ParsedQuery).
struct Built {
  Xapian::Query strict;
  Xapian::Query loose;
  std::optional<Positional> positional;
  // A group of nothing but exclusions, "(NOT b)": what it excludes, so that beside other words
  // it narrows them instead of adding every other document.
  std::optional<Xapian::Query> only_excluded;
  // "type:html": a filter on the documents the words find, not a word of its own.
  std::optional<db::Field> filter_field{};
  // A parenthesised group of filters ("(folder:a OR folder:b)"): it applies as a whole, beside
  // the sequence's own filters of the same field, rather than as one more alternative of them.
  bool filter_group = false;
  bool empty() const { return strict.empty(); }
};

Built same(const Xapian::Query& q) {
  return Built{q, q, std::nullopt, std::nullopt};
}

Xapian::Query combine(Xapian::Query::op op, const std::vector<Xapian::Query>& parts) {
  if (parts.empty()) return Xapian::Query();
  if (parts.size() == 1) return parts.front();
  return Xapian::Query(op, parts.begin(), parts.end());
}

struct AnalysedWord {
  std::vector<std::string> parts;                              // one per position
  std::map<size_t, std::pair<std::string, size_t>> compounds;  // first part -> (joined, last part)
  std::vector<bool> stemmable;
  bool joined_stemmable = false;
  uint32_t joined_head = 0;  // of the last compound: where its last part starts (Token::head)
};

class Parser {
 public:
  Parser(std::string_view query, analysis::Analyzer& analyzer, const Xapian::Database& db,
         TermExpansions& expansions, const std::vector<std::string>& languages)
      : lexemes_(lex(query)),
        analyzer_(analyzer),
        db_(db),
        expansions_(expansions),
        has_synonyms_(db.synonym_keys_begin() != db.synonym_keys_end()) {
    languages_.push_back(analyzer.own_language_code());
    for (const std::string& language : languages)
      if (std::find(languages_.begin(), languages_.end(), language) == languages_.end())
        languages_.push_back(language);
  }

  ParsedQuery parse() {
    Built top = parse_sequence(/*top=*/true, /*negated=*/false);
    ParsedQuery out;
    out.strict = top.strict;
    out.loose = top.loose;
    out.tiered = tiered_;
    out.positional = positional_;
    out.terms = finish(std::move(text_));
    out.title_terms = finish(std::move(title_));
    out.fielded_words = fielded_words_;
    out.ranking_words = std::move(ranking_words_);
    out.filters_only = top.filter_field.has_value();
    out.error = std::move(error_);
    out.folders = std::move(folders_);
    return out;
  }

 private:
  // The words to mark in one place (the text, or the title), as the query's words are read.
  struct Marked {
    QueryTerms terms;
    std::set<std::string> standalone;    // words searched on their own
    std::set<std::string> phrase_words;  // words searched inside a phrase
  };

  // A phrase's word that a word of its own also matches (the same, by stem or by prefix) is
  // marked wherever it is.
  QueryTerms finish(Marked marked) {
    QueryTerms& terms = marked.terms;
    for (const std::string& t : marked.phrase_words) {
      bool alone =
          marked.standalone.count(t) != 0 ||
          std::any_of(terms.prefixes.begin(), terms.prefixes.end(),
                      [&](const std::string& p) { return t.compare(0, p.size(), p) == 0; });
      if (!alone && !terms.stems.empty()) {
        for (const std::string& stem : stems_of("", t, 0))
          alone = alone || terms.stems.count(stem) != 0;
      }
      if (!alone) terms.phrase_only.insert(t);
    }
    return std::move(terms);
  }

  // A word of the text is marked in the text and in titles; a "title:" word only in titles; a
  // word of another field (from:, to:, author:) only in the text, where a message's header
  // lines show its senders and recipients, never in a title that happens to hold it.
  template <typename Add>
  void mark(const std::string& prefix, Add&& add) {
    bool title = prefix == db::prefix(db::Field::kTitle);
    if (!title) add(text_);
    if (!prefix.empty()) fielded_words_ = true;
    if (prefix.empty() || title) add(title_);
  }

  const Lexeme& peek() const { return lexemes_[pos_]; }
  void advance() {
    if (pos_ + 1 < lexemes_.size()) ++pos_;
  }

  // Items joined by the default operator: every word in `strict`, any of them in `loose`.
  Built parse_sequence(bool top, bool negated) {
    std::vector<Built> should, must, must_not;
    std::map<db::Field, std::vector<Xapian::Query>> filters;
    std::vector<Xapian::Query> groups;
    while (peek().kind != Kind::kEnd) {
      const Lexeme& lx = peek();
      if (lx.kind == Kind::kClose) {
        if (!top) break;
        advance();  // a stray ')' at the top level means nothing
        continue;
      }
      if (lx.kind == Kind::kAnd || lx.kind == Kind::kOr || lx.kind == Kind::kNear) {
        advance();  // an operator with nothing on its left
        continue;
      }
      bool required = lx.modifier == '+';
      Built item = parse_or(negated);
      if (item.empty()) continue;
      if (item.only_excluded)
        must_not.push_back(same(*item.only_excluded));
      else if (item.filter_field && item.filter_group)
        groups.push_back(item.strict);
      else if (item.filter_field)
        filters[*item.filter_field].push_back(item.strict);
      else if (required)
        must.push_back(std::move(item));
      else
        should.push_back(std::move(item));
    }
    // "a b" and "+a b": documents with every word first, then those with some (with a).
    if (should.size() > 1 || (!should.empty() && !must.empty())) tiered_ = true;
    return apply_filters(combine_sequence(should, must, must_not), filters, groups, top);
  }

  // Values of one field are alternatives ("type:html type:md", as in Omega), but date ranges
  // all apply ("modified:2024.. modified:..2024-06" is the first half of 2024); fields and
  // groups all apply.
  static Built apply_filters(Built out,
                             const std::map<db::Field, std::vector<Xapian::Query>>& filters,
                             const std::vector<Xapian::Query>& groups, bool top) {
    if (filters.empty() && groups.empty()) return out;
    std::vector<Xapian::Query> fields = groups;
    for (const auto& [field, values] : filters) {
      bool ranges = db::field_info(field).kind == db::FieldKind::kDateRange;
      fields.push_back(combine(ranges ? Xapian::Query::OP_AND : Xapian::Query::OP_OR, values));
    }
    Xapian::Query all = combine(Xapian::Query::OP_AND, fields);
    if (out.strict.empty()) {
      // A group of filters only ("type:(html md)") is still a filter where it stands.
      Built only = same(all);
      only.filter_field = filters.empty() ? db::Field::kType : filters.begin()->first;
      only.filter_group = !top;
      return only;
    }
    out.strict = Xapian::Query(Xapian::Query::OP_FILTER, out.strict, all);
    out.loose = Xapian::Query(Xapian::Query::OP_FILTER, out.loose, all);
    out.positional.reset();
    return out;
  }

  static Built combine_sequence(const std::vector<Built>& should, const std::vector<Built>& must,
                                const std::vector<Built>& must_not) {
    std::vector<Xapian::Query> all_strict, should_loose, must_loose, excluded;
    for (const Built& b : must) {
      all_strict.push_back(b.strict);
      must_loose.push_back(b.loose);
    }
    for (const Built& b : should) {
      all_strict.push_back(b.strict);
      should_loose.push_back(b.loose);
    }
    for (const Built& b : must_not) excluded.push_back(b.strict);
    Built out;
    if (should.size() == 1 && must.empty()) out.positional = should.front().positional;
    out.strict = combine(Xapian::Query::OP_AND, all_strict);
    if (must_loose.empty())
      out.loose = combine(Xapian::Query::OP_OR, should_loose);
    else if (should_loose.empty())
      out.loose = combine(Xapian::Query::OP_AND, must_loose);
    else
      out.loose =
          Xapian::Query(Xapian::Query::OP_AND_MAYBE, combine(Xapian::Query::OP_AND, must_loose),
                        combine(Xapian::Query::OP_OR, should_loose));
    if (!excluded.empty()) {
      Xapian::Query not_these = combine(Xapian::Query::OP_OR, excluded);
      if (out.strict.empty()) {
        // Only exclusions: everything but them.
        out.strict = out.loose = match_all();
        out.only_excluded = not_these;
      }
      out.strict = Xapian::Query(Xapian::Query::OP_AND_NOT, out.strict, not_these);
      out.loose = Xapian::Query(Xapian::Query::OP_AND_NOT, out.loose, not_these);
      out.positional.reset();
    }
    return out;
  }

  Built parse_or(bool negated) {
    Built left = parse_and(negated);
    while (peek().kind == Kind::kOr) {
      advance();
      Built right = parse_and(negated);
      left = join(Xapian::Query::OP_OR, left, right);
    }
    return left;
  }

  Built parse_and(bool negated) {
    Built left = parse_unary(negated);
    while (peek().kind == Kind::kAnd) {
      advance();
      left = conjoin(left, parse_unary(negated));
    }
    return left;
  }

  // "NOT x" and "-x" exclude what x finds, and bind tighter than AND ("NOT a AND b" is b
  // without a, as in Xapian's parser); x may be alternatives ("a NOT b OR c": a without either).
  // A group is excluded wherever it matches: "-(a b)" leaves out documents with a or b.
  Built parse_unary(bool negated) {
    bool excluded = peek().kind == Kind::kNot || peek().modifier == '-';
    if (!excluded) return parse_near(negated);
    if (peek().kind == Kind::kNot) advance();
    Built item = parse_near(!negated);
    while (!item.empty() && peek().kind == Kind::kOr) {
      advance();
      item = join(Xapian::Query::OP_OR, item, parse_near(!negated));
    }
    if (item.empty()) return item;
    Built out = same(Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), item.loose));
    out.only_excluded = item.loose;
    return out;
  }

  // "a AND b" where either side may be an exclusion: the other side without it.
  static Built conjoin(const Built& a, const Built& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    if (a.only_excluded && b.only_excluded) {
      Xapian::Query either(Xapian::Query::OP_OR, *a.only_excluded, *b.only_excluded);
      Built out = same(Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(), either));
      out.only_excluded = either;
      return out;
    }
    if (a.only_excluded || b.only_excluded) {
      const Built& kept = a.only_excluded ? b : a;
      const Xapian::Query& gone = a.only_excluded ? *a.only_excluded : *b.only_excluded;
      return Built{Xapian::Query(Xapian::Query::OP_AND_NOT, kept.strict, gone),
                   Xapian::Query(Xapian::Query::OP_AND_NOT, kept.loose, gone), std::nullopt,
                   std::nullopt};
    }
    return join(Xapian::Query::OP_AND, a, b);
  }

  // "a NEAR b NEAR/5 c": the words within a window of each other, in any order (a chain spans
  // the sum of its windows). An operand that is not a single word (a phrase, a group) has no one
  // position, so it joins by AND instead.
  Built parse_near(bool negated) {
    // A chain's words are marked only where they are near each other: what they would mark on
    // their own is taken back once the chain is read.
    bool chain_ahead = pos_ + 1 < lexemes_.size() && lexemes_[pos_ + 1].kind == Kind::kNear;
    std::optional<std::pair<Marked, Marked>> before;
    if (chain_ahead && !negated) before.emplace(text_, title_);
    Built left = parse_primary(negated);
    std::vector<Xapian::Query> chain;
    std::vector<std::vector<std::string>> operands;  // each operand's written forms, unprefixed
    // The field the chain's words are marked in. A chain across fields ("otter NEAR title:river")
    // keeps each word's own marks: no one text holds all its words.
    std::string near_prefix;
    bool one_field = true;
    auto add_operand = [&](const Positional& p) {
      std::vector<std::string> forms = positional_forms(p);
      chain.push_back(any_term(forms, p.prefix + p.term));
      for (std::string& form : forms) form.erase(0, p.prefix.size());
      if (operands.empty()) near_prefix = p.prefix;
      one_field = one_field && p.prefix == near_prefix;
      operands.push_back(std::move(forms));
    };
    std::optional<Positional> first = left.positional;
    bool only_words = true;
    unsigned span = 0;
    while (peek().kind == Kind::kNear) {
      unsigned window = peek().window;
      advance();
      Built right = parse_primary(negated);
      if (first && right.positional) {
        if (chain.empty()) add_operand(*first);
        add_operand(*right.positional);
        span += window;
        left = same(Xapian::Query(Xapian::Query::OP_NEAR, chain.begin(), chain.end(), span + 1));
        positional_ = true;
      } else {
        first.reset();
        only_words = false;
        left = join(Xapian::Query::OP_AND, left, right);
      }
    }
    if (before && only_words && one_field && operands.size() > 1) {
      text_ = std::move(before->first);
      title_ = std::move(before->second);
      QueryTerms::Near near{std::move(operands), span + 1};
      mark(near_prefix, [&](Marked& m) { m.terms.nears.push_back(near); });
    }
    return left;
  }

  Built parse_primary(bool negated) {
    const Lexeme lx = peek();
    switch (lx.kind) {
      case Kind::kOpen: {
        advance();
        // "title:(a b)": the field applies to every word of the group that names none itself.
        const db::FieldInfo* outer = group_field_;
        if (lx.field != nullptr) group_field_ = lx.field;
        Built inner = parse_sequence(/*top=*/false, negated);
        group_field_ = outer;
        if (peek().kind == Kind::kClose) advance();
        return inner;
      }
      case Kind::kWord:
        advance();
        return word(lx, negated, /*phrase=*/false);
      case Kind::kPhrase:
        advance();
        return word(lx, negated, /*phrase=*/true);
      default:
        return Built{};  // an operator where a word should be: the caller skips it
    }
  }

  static Built join(Xapian::Query::op op, const Built& a, const Built& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    Built out{Xapian::Query(op, a.strict, b.strict), Xapian::Query(op, a.loose, b.loose),
              std::nullopt, std::nullopt};
    // "(type:html OR type:md)" is still a filter.
    if (a.filter_field && b.filter_field) out.filter_field = a.filter_field;
    return out;
  }

  // The written forms that put a word at a position: a stem's words, a wildcard's most frequent
  // completions (Xapian's NEAR takes terms, or an OR of terms, only).
  std::vector<std::string> positional_forms(const Positional& p) {
    std::string exact = p.prefix + p.term;
    std::vector<std::string> forms;
    if (p.wildcard) {
      forms = expansions_.frequent_completions(db_, exact, kMaxWildcardExpansion);
    } else {
      for (const std::string& stem :
           p.stemmable ? stems_of(p.prefix, p.term, 0) : std::vector<std::string>()) {
        for (const std::string& form :
             expansions_.words_with_stem(db_, analyzer_, p.prefix, stem, kMaxNearForms))
          if (std::find(forms.begin(), forms.end(), form) == forms.end()) forms.push_back(form);
      }
      if (std::find(forms.begin(), forms.end(), exact) == forms.end()) forms.push_back(exact);
    }
    return forms;
  }

  AnalysedWord analyse(const std::string& text) {
    AnalysedWord w;
    std::map<std::string, size_t> open_compounds;
    analyzer_.analyze(text, 0, [&](const analysis::Token& t) {
      if (!t.joined) {
        w.parts.push_back(t.term);
        w.stemmable.push_back(t.stemmable);
        return;
      }
      size_t index = w.parts.size() - 1;
      auto open = open_compounds.find(t.term);
      if (open == open_compounds.end()) {
        open_compounds[t.term] = index;
        w.compounds[index] = {t.term, index};
        w.joined_stemmable = t.stemmable;
        w.joined_head = t.head;
      } else {
        w.compounds[open->second].second = index;
        open_compounds.erase(open);
      }
    });
    return w;
  }

  // One word in the index's terms: its stem when stemming applies, the exact term otherwise.
  // `head`: of a compound's joined form, where its last part starts (it is stemmed by that).
  Xapian::Query term_query(const std::string& prefix, const std::string& term, bool stemmable,
                           bool exact, bool negated, uint32_t head = 0) {
    if (!negated) {
      mark(prefix, [&](Marked& m) {
        m.terms.exact.insert(term);
        m.standalone.insert(term);
      });
    }
    if (!exact && stemmable) {
      std::vector<std::string> stems = stems_of(prefix, term, head);
      if (!stems.empty()) {
        if (!negated)
          mark(prefix, [&](Marked& m) { m.terms.stems.insert(stems.begin(), stems.end()); });
        // One word in several languages weighs as one term: its frequency over every
        // language's documents. As an OR, a word that another language's pages borrow ("user
        // context" on an Italian page) would weigh there as if rare, and outrank its own pages.
        std::vector<Xapian::Query> subs;
        for (const std::string& stem : stems)
          subs.emplace_back(std::string(db::kStemPrefix) + prefix + stem);
        return subs.size() == 1
                   ? subs.front()
                   : Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(), subs.end());
      }
    }
    return Xapian::Query(prefix + term);
  }

  // A word's stem in the index's own language, which every document is indexed under
  // (indexer/document_builder.h), and its stem in each other language of the index's documents
  // where that one finds documents the own stem does not ("sviluppatore" and "sviluppatori" are
  // two English stems, one Italian one). Most words of a query gain nothing from another
  // language's stem, and each one added costs the match a posting list to merge.
  std::vector<std::string> stems_of(const std::string& prefix, const std::string& term,
                                    uint32_t head) {
    std::vector<std::string> out;
    std::string own;
    for (size_t i = 0; i < languages_.size(); ++i) {
      analysis::StemLanguageScope scope(analyzer_, languages_[i]);
      std::string stem = analyzer_.compound_stem(term, head);
      if (i == 0) own = stem;
      if (stem.empty() || std::find(out.begin(), out.end(), stem) != out.end()) continue;
      if (i > 0 && !own.empty() &&
          !expansions_.finds_more(db_, std::string(db::kStemPrefix) + prefix + stem,
                                  std::string(db::kStemPrefix) + prefix + own))
        continue;
      out.push_back(std::move(stem));
    }
    return out;
  }

  Xapian::Query phrase_query(const std::string& prefix, const std::vector<std::string>& terms,
                             bool negated) {
    std::vector<Xapian::Query> subs;
    for (const std::string& t : terms) {
      if (!negated) {
        mark(prefix, [&](Marked& m) {
          m.terms.exact.insert(t);
          m.phrase_words.insert(t);
        });
      }
      subs.emplace_back(prefix + t);
    }
    if (!negated) mark(prefix, [&](Marked& m) { m.terms.phrases.push_back(terms); });
    positional_ = true;
    return Xapian::Query(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                         static_cast<Xapian::termcount>(subs.size()));
  }

  // "type:html", "folder:a/b", "modified:2024..": a filter on the documents the words find, of
  // no weight. A malformed value is the query's error.
  Built filter(const db::FieldInfo& field, const std::string& value, bool negated) {
    if (value.empty()) return Built{};
    std::string why;
    Xapian::Query match;
    switch (field.kind) {
      case db::FieldKind::kPath: {
        std::optional<std::string> folder = normalise_folder(value, why);
        if (!folder) break;
        if (!negated) folders_.push_back(*folder);
        // "folder:/" is the root: every document is under it.
        match =
            folder->empty() ? match_all() : Xapian::Query(db::boolean_term(field.field, *folder));
        break;
      }
      case db::FieldKind::kDateRange: {
        std::optional<TimeRange> range = parse_time_range(value, why);
        if (!range) break;
        auto bound = [](int64_t t) { return Xapian::sortable_serialise(static_cast<double>(t)); };
        if (range->from && range->to)
          match = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, db::kModifiedSlot,
                                bound(*range->from), bound(*range->to));
        else if (range->from)
          match = Xapian::Query(Xapian::Query::OP_VALUE_GE, db::kModifiedSlot, bound(*range->from));
        else
          match = Xapian::Query(Xapian::Query::OP_VALUE_LE, db::kModifiedSlot, bound(*range->to));
        break;
      }
      default: {
        // A language as its tag is written anywhere ("lang:it-IT", "lang:nb"), as stored.
        std::string normal = field.field == db::Field::kLanguage
                                 ? analysis::normalize_language_tag(value)
                                 : analysis::ascii_lower(value);
        if (normal.empty()) normal = analysis::ascii_lower(value);
        match = Xapian::Query(db::boolean_term(field.field, normal));
      }
    }
    if (!why.empty()) {
      if (error_.empty()) error_ = why;
      return Built{};
    }
    Built out = same(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, match, 0.0));
    out.filter_field = field.field;
    return out;
  }

  // A word or phrase as the user wrote it; a compound ("e-mail") matches written apart, joined
  // or hyphenated, and CJK text without spaces becomes the phrase of its words.
  Built word(const Lexeme& lx, bool negated, bool phrase) {
    const db::FieldInfo* field = lx.field != nullptr ? lx.field : group_field_;
    std::string prefix = field ? std::string(field->prefix) : std::string();
    if (field && field->kind != db::FieldKind::kText) return filter(*field, lx.text, negated);
    AnalysedWord w = analyse(lx.text);
    if (w.parts.empty()) return Built{};
    if (lx.wildcard) return wildcard(prefix, w, negated);
    if (!negated && prefix.empty()) {
      if (!ranking_words_.empty()) ranking_words_ += ' ';
      ranking_words_ += lx.text;
    }

    std::vector<std::string> joined;
    for (size_t i = 0; i < w.parts.size(); ++i) {
      auto compound = w.compounds.find(i);
      if (compound == w.compounds.end()) {
        joined.push_back(w.parts[i]);
      } else {
        joined.push_back(compound->second.first);
        i = compound->second.second;
      }
    }
    auto variant = [&](const std::vector<std::string>& terms, bool stemmable, uint32_t head) {
      if (terms.size() == 1)
        return term_query(prefix, terms.front(), stemmable, phrase, negated, head);
      return phrase_query(prefix, terms, negated);
    };
    Built out = same(variant(w.parts, w.stemmable.front(), 0));
    if (w.parts.size() == 1 && !phrase)
      out.positional = Positional{prefix, w.parts.front(), w.stemmable.front(), false};
    std::vector<Xapian::Query> forms{out.strict};
    if (!w.compounds.empty()) {
      forms.push_back(variant(joined, w.joined_stemmable, w.joined_head));
    } else if (w.parts.size() >= 2 && w.parts.size() <= kMaxJoinablePhraseWords) {
      // A quoted phrase, or CJK text the query's segmentation split where the index's kept a
      // word ("二鳥" of "一石二鳥").
      for (size_t i = 0; i + 1 < w.parts.size(); ++i) {
        std::vector<std::string> pair_joined(w.parts.begin(), w.parts.begin() + i);
        pair_joined.push_back(w.parts[i] + w.parts[i + 1]);
        pair_joined.insert(pair_joined.end(), w.parts.begin() + i + 2, w.parts.end());
        forms.push_back(variant(pair_joined, false, 0));
      }
    }
    // Synonyms (loupe-index --synonyms) of the word or phrase as a whole, found and marked as
    // if written beside it.
    if (has_synonyms_) {
      std::string key;
      for (const std::string& part : joined) key += (key.empty() ? "" : " ") + part;
      // A word without synonyms of its own may have its stem's ("cars": those of "car").
      if (db_.synonyms_begin(key) == db_.synonyms_end(key) && joined.size() == 1 && !phrase &&
          w.stemmable.front()) {
        std::string stem = analyzer_.stem(key);
        if (!stem.empty()) key = std::string(db::kStemPrefix) + stem;
      }
      for (auto it = db_.synonyms_begin(key); it != db_.synonyms_end(key); ++it) {
        std::vector<std::string> words;
        const std::string synonym = *it;  // the iterator gives a temporary
        std::string_view rest = synonym;
        for (size_t space; (space = rest.find(' ')) != std::string_view::npos;
             rest.remove_prefix(space + 1))
          words.emplace_back(rest.substr(0, space));
        words.emplace_back(rest);
        bool stemmable = words.size() == 1 && db::is_spelling_word(words.front());
        forms.push_back(variant(words, stemmable, 0));
      }
    }
    if (forms.size() > 1)
      out = same(Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end()));
    return out;
  }

  Built wildcard(const std::string& prefix, const AnalysedWord& w, bool negated) {
    const std::string& last = w.parts.back();
    if (!negated && w.parts.size() == 1)
      mark(prefix, [&](Marked& m) { m.terms.prefixes.push_back(last); });
    Xapian::Query expansion(Xapian::Query::OP_WILDCARD, prefix + last, kMaxWildcardExpansion,
                            Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    if (w.parts.size() == 1) {
      Built out = same(expansion);
      out.positional = Positional{prefix, last, false, true};
      return out;
    }
    // "e-ma*": the phrase of the parts, the last one any of its completions. Each completion
    // makes a phrase to mark, so that "e-mail" is marked and "mattered" is not.
    std::vector<std::string> completions =
        expansions_.frequent_completions(db_, prefix + last, kMaxWildcardExpansion);
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i + 1 < w.parts.size(); ++i) subs.emplace_back(prefix + w.parts[i]);
    subs.push_back(any_term(completions, prefix + last));
    positional_ = true;
    Xapian::Query apart(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(),
                        static_cast<Xapian::termcount>(subs.size()));
    // A compound's joined form as a prefix too: "e-mai*" finds "email".
    auto compound = w.compounds.find(0);
    std::optional<Xapian::Query> joined;
    if (compound != w.compounds.end() && compound->second.second + 1 == w.parts.size()) {
      const std::string& start = compound->second.first;
      if (!negated) mark(prefix, [&](Marked& m) { m.terms.prefixes.push_back(start); });
      joined = Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + start, kMaxWildcardExpansion,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    }
    if (!negated) {
      std::vector<std::string> phrase(w.parts.begin(), w.parts.end() - 1);
      for (size_t i = 0; i < completions.size(); ++i) {
        phrase.push_back(completions[i].substr(prefix.size()));
        mark(prefix, [&](Marked& m) {
          m.terms.exact.insert(phrase.begin(), phrase.end());
          m.phrase_words.insert(phrase.begin(), phrase.end());
          m.terms.phrases.push_back(phrase);
        });
        phrase.pop_back();
      }
    }
    return same(joined ? Xapian::Query(Xapian::Query::OP_OR, apart, *joined) : apart);
  }

  std::vector<Lexeme> lexemes_;
  size_t pos_ = 0;
  analysis::Analyzer& analyzer_;
  const Xapian::Database& db_;
  TermExpansions& expansions_;
  bool has_synonyms_;
  std::vector<std::string> languages_;  // to stem words in: the index's own first
  std::string error_;                   // the first malformed filter value's explanation
  std::vector<std::string> folders_;
  Marked text_;   // the words to mark in the text
  Marked title_;  // and in titles: those, and the words of "title:"
  bool fielded_words_ = false;
  std::string ranking_words_;
  bool tiered_ = false;
  bool positional_ = false;
  const db::FieldInfo* group_field_ = nullptr;  // the field of the group being read, if any
};

}  // namespace

ParsedQuery parse_query(std::string_view query, analysis::Analyzer& analyzer,
                        const Xapian::Database& db, TermExpansions& expansions,
                        const std::vector<std::string>& languages) {
  return Parser(query, analyzer, db, expansions, languages).parse();
}

}  // namespace loupe::search
