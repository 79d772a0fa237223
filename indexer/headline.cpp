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

// Without the brackets and punctuation that scrapers leave around links: "[Skip to content]".
std::string_view strip_decoration(std::string_view lower) {
  auto decoration = [](char c) {
    return std::string_view("[](){}<>*_#:|.,;!-\"'").find(c) != std::string_view::npos || c == ' ';
  };
  while (!lower.empty() && decoration(lower.front())) lower.remove_prefix(1);
  while (!lower.empty() && decoration(lower.back())) lower.remove_suffix(1);
  return lower;
}

bool is_navigation(const std::string& lower, size_t words) {
  // Whole lines.
  static const std::array<std::string_view, 27> kLines = {
      "menu",    "main menu",   "search",    "home",     "share",     "subscribe",
      "sign in", "sign up",     "log in",    "login",    "register",  "advertisement",
      "close",   "back to top", "print",     "email",    "tweet",     "facebook",
      "twitter", "linkedin",    "copy link", "comments", "sponsored", "supported by",
      "listen",  "save",        "follow"};
  // Starts of short lines: "Skip to main content", "Share on X", "Listen to this article".
  static const std::array<std::string_view, 14> kStarts = {
      "skip to",        "jump to",     "toggle navigation", "share on",      "share this",
      "listen to this", "listen now",  "follow us",         "sign up for",   "subscribe to",
      "advertisement",  "open in app", "cookie settings",   "we use cookies"};
  constexpr size_t kMaxNavigationWords = 6;
  std::string_view bare = strip_decoration(lower);
  if (std::find(kLines.begin(), kLines.end(), bare) != kLines.end()) return true;
  if (words > kMaxNavigationWords) return false;
  return std::any_of(kStarts.begin(), kStarts.end(),
                     [&](std::string_view s) { return bare.substr(0, s.size()) == s; });
}

// "Home > News > Science", "Tech › AI", "Science | Space": short pieces between separators.
bool is_breadcrumb(std::string_view line) {
  constexpr size_t kMaxPieceWords = 3;
  constexpr size_t kMaxBreadcrumbWords = 8;
  // "Rust vs. Go | Which Is Faster?" is a headline: trails do not ask or exclaim.
  if (line.empty() || line.back() == '?' || line.back() == '!' ||
      count_words(line) > kMaxBreadcrumbWords)
    return false;
  static const std::array<std::string_view, 5> kSeparators = {" > ", " | ", " / ", " \xE2\x80\xBA ",
                                                              " \xC2\xBB "};  // > | / › »
  size_t pieces = 1;
  size_t start = 0;
  while (start <= line.size()) {
    size_t next = std::string_view::npos;
    size_t width = 0;
    for (std::string_view sep : kSeparators) {
      size_t at = line.find(sep, start);
      if (at < next) {
        next = at;
        width = sep.size();
      }
    }
    std::string_view piece =
        line.substr(start, next == std::string_view::npos ? next : next - start);
    if (count_words(piece) > kMaxPieceWords) return false;
    if (next == std::string_view::npos) break;
    ++pieces;
    start = next + width;
  }
  return pieces >= 2;
}

// "§ News", "• World": a marker, a space, a label. "*Breaking*: ..." and "§ 230 Explained: What
// the Law Says" are headlines.
bool starts_with_marker(std::string_view line) {
  constexpr size_t kMaxMarkedWords = 4;
  static const std::array<std::string_view, 8> kMarkers = {
      "\xC2\xA7", "\xC2\xB6", "\xE2\x80\xA2", "\xC2\xB7", "|", ">", "*", "="};
  for (std::string_view m : kMarkers) {
    if (line.substr(0, m.size()) != m) continue;
    return line.size() == m.size() ||
           (line[m.size()] == ' ' && count_words(line) <= kMaxMarkedWords);
  }
  return false;
}

bool is_date_or_reading_time(const std::string& lower, size_t words) {
  // A line of furniture is mostly the date: a headline may hold one ("What Happened on
  // January 6 at the Capitol").
  constexpr size_t kMaxDateWords = 6;
  constexpr size_t kMaxTimeWords = 6;
  constexpr size_t kMaxStampWords = 10;
  // Whole month names or their abbreviations: "Marketing" is not March.
  static const std::string kMonth =
      "(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
      "september|oct|october|nov|november|dec|december)";
  static const std::regex kMonthDate(
      R"(\b)" + kMonth + R"(\.?\s+\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}(st|nd|rd|th)?\s+(of\s+)?)" +
      kMonth + R"(\b)");
  // Dotted dates need a four-digit year: "3.12.10" is a version.
  static const std::regex kNumericDate(
      R"(\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b)");
  static const std::regex kReadingTime(
      R"(reading time|\b\d+\s*(-\s*)?(min|mins|minute|minutes)\s+(read|listen)\b|^\d+\s*(-\s*)?(min|mins|minutes?)$)");
  static const std::regex kStamp(
      R"(^(updated|published|last updated|posted|modified)\b.*(\d|ago))");
  static const std::regex kClockOrAgo(
      R"(^\d{1,2}:\d{2}\b|\b\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.)(\s|$)|\b(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?\s+ago\b|^(yesterday|today|just now)$|^(yesterday|today)\s+at\b)");
  // A weekday, then a date or a time: "Monday 3rd March 2024", not "Sun Microsystems".
  static const std::regex kWeekday(
      R"(^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b,?\s*\d)");
  if (std::regex_search(lower, kReadingTime)) return true;
  if (words <= kMaxStampWords && std::regex_search(lower, kStamp)) return true;
  if (words <= kMaxTimeWords &&
      (std::regex_search(lower, kClockOrAgo) || std::regex_search(lower, kWeekday)))
    return true;
  return words <= kMaxDateWords &&
         (std::regex_search(lower, kMonthDate) || std::regex_search(lower, kNumericDate) ||
          lower.find(" min read") != std::string::npos);
}

bool is_byline(const std::string& lower, size_t words) {
  constexpr size_t kMaxBylineWords = 8;
  constexpr size_t kMaxStampedBylineWords = 16;  // "By Jane Doe | Updated March 3, 2024, 10:00"
  static const std::string kBy = "(by|written by|posted by|reported by)";
  static const std::regex kByline("^(" + kBy +
                                  "|author:|authors:|photo:|photos:|image:|credit:)\\s");
  static const std::regex kRole(
      R"(,\s*((senior|staff|contributing|chief|special|guest)\s+)?(writer|reporter|editor|correspondent|contributor|columnist)s?$)");
  // "By the Numbers: ..." is a headline: a byline names someone.
  static const std::regex kNotAName("^" + kBy + R"(\s+(the|a|an|this|how|what|why)\b)");
  if (std::regex_search(lower, kByline) && !std::regex_search(lower, kNotAName))
    return words <= kMaxBylineWords ||
           (words <= kMaxStampedBylineWords && is_date_or_reading_time(lower, words / 2));
  return words <= kMaxBylineWords && std::regex_search(lower, kRole);
}

// A title starts with a capital (or a letter of a script without case), not with a list
// marker, a number or lower-case code: "TODO" then "1. call the plumber" is a list under a title.
bool reads_as_title(std::string_view line) {
  unsigned char c = line.empty() ? 0 : static_cast<unsigned char>(line[0]);
  return (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// A line that ends a sentence reads as body text, not as a title.
bool ends_sentence(std::string_view line) {
  return !line.empty() && std::string_view(".!?;").find(line.back()) != std::string_view::npos;
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
  // short lines ("DS", "LDS Team"), or one followed by furniture or by a line that reads as a
  // title ("Technology", then a byline, then the headline), is a section label.
  std::string short_first_line;
  size_t scanned = 0;
  size_t start = 0;
  while (start < text.size() && scanned < kLinesToScan) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    bool indented = start < end && (text[start] == ' ' || text[start] == '\t');
    std::string line = collapse_whitespace(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || !has_letters(line)) continue;
    ++scanned;
    std::string lower = analysis::ascii_lower(line);
    size_t words = count_words(line);
    if (is_navigation(lower, words) || starts_with_marker(line) || is_breadcrumb(line) ||
        is_byline(lower, words) || is_date_or_reading_time(lower, words)) {
      short_first_line.clear();
      continue;
    }
    bool first = fallback.empty();
    if (first) fallback = shorten(line);
    if (words < kMinHeadlineWords) {
      if (first && line.size() >= kMinShortHeadlineBytes)
        short_first_line = line;
      else
        short_first_line.clear();
      continue;
    }
    bool headline_sized = words <= kMaxHeadlineWords && line.size() <= kMaxHeadlineBytes;
    if (!short_first_line.empty() &&
        (!headline_sized || ends_sentence(line) || indented || !reads_as_title(line)))
      return short_first_line;
    if (headline_sized) return line;
    // A paragraph of body text: the article has started, and no headline came before it.
    if (words > kMaxHeadlineWords) break;
  }
  return fallback;
}

}  // namespace loupe::indexer
