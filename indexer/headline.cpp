#include "indexer/headline.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <vector>

#include "analysis/utf8.h"

namespace loupe::indexer {
namespace {

constexpr size_t kLinesToScan = 40;
constexpr size_t kMaxHeadlineBytes = 200;
constexpr size_t kMaxHeadlineWords = 30;
constexpr size_t kMinHeadlineWords = 3;
constexpr size_t kFallbackBytes = 120;
constexpr size_t kMinShortHeadlineBytes = 4;

size_t count_words(std::string_view line) {
  size_t words = 0;
  bool in_word = false;
  for (char c : line) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

bool is_navigation(const std::string& lower) {
  static const std::array<std::string_view, 16> kPhrases = {"skip to content",
                                                            "skip to main content",
                                                            "skip to navigation",
                                                            "jump to content",
                                                            "toggle navigation",
                                                            "main menu",
                                                            "menu",
                                                            "search",
                                                            "home",
                                                            "share",
                                                            "subscribe",
                                                            "sign in",
                                                            "log in",
                                                            "advertisement",
                                                            "close",
                                                            "back to top"};
  return std::find(kPhrases.begin(), kPhrases.end(), lower) != kPhrases.end();
}

bool starts_with_marker(std::string_view line) {
  static const std::array<std::string_view, 8> kMarkers = {
      "\xC2\xA7", "\xC2\xB6", "\xE2\x80\xA2", "\xC2\xB7", "|", ">", "*", "="};
  for (std::string_view m : kMarkers)
    if (line.substr(0, m.size()) == m) return true;
  return false;
}

bool is_byline(const std::string& lower, size_t words) {
  static const std::regex kByline(R"(^(by|written by|posted by|author:|photo:|image:|credit:)\s)");
  return words <= 8 && std::regex_search(lower, kByline);
}

bool is_date_or_reading_time(const std::string& lower, size_t words) {
  static const std::regex kMonthDate(
      R"(\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b)");
  static const std::regex kNumericDate(R"(\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b)");
  static const std::regex kReadingTime(R"(^\d+\s*(min|mins|minute|minutes)\b)");
  static const std::regex kStamp(R"(^(updated|published|last updated|posted)\b)");
  if (std::regex_search(lower, kReadingTime) || std::regex_search(lower, kStamp)) return true;
  return words <= 10 &&
         (std::regex_search(lower, kMonthDate) || std::regex_search(lower, kNumericDate) ||
          lower.find(" min read") != std::string::npos);
}

bool has_letters(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  });
}

// Cuts at a word boundary and marks the cut.
std::string shorten(std::string_view line) {
  if (line.size() <= kFallbackBytes) return std::string(line);
  std::string_view cut = analysis::truncate_utf8(line, kFallbackBytes);
  size_t space = cut.rfind(' ');
  if (space != std::string_view::npos && space > kFallbackBytes / 2) cut = cut.substr(0, space);
  return std::string(cut) + "\xE2\x80\xA6";
}

}  // namespace

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out += c;
    }
  }
  return out;
}

std::string find_headline(std::string_view text) {
  std::string fallback;
  // A short first line ("Release notes") is a headline when body text follows it; a run of
  // short lines ("DS", "LDS Team") is page furniture.
  std::string short_first_line;
  size_t scanned = 0;
  size_t start = 0;
  while (start < text.size() && scanned < kLinesToScan) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = collapse_whitespace(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || !has_letters(line)) continue;
    ++scanned;
    std::string lower = analysis::ascii_lower(line);
    size_t words = count_words(line);
    if (is_navigation(lower) || starts_with_marker(line) || is_byline(lower, words) ||
        is_date_or_reading_time(lower, words))
      continue;
    bool first = fallback.empty();
    if (first) fallback = shorten(line);
    if (words < kMinHeadlineWords) {
      if (first && line.size() >= kMinShortHeadlineBytes)
        short_first_line = line;
      else
        short_first_line.clear();
      continue;
    }
    if (!short_first_line.empty()) return short_first_line;
    if (words <= kMaxHeadlineWords && line.size() <= kMaxHeadlineBytes) return line;
    // A paragraph of body text: the article has started, and no headline came before it.
    if (words > kMaxHeadlineWords) break;
  }
  return fallback;
}

}  // namespace loupe::indexer
