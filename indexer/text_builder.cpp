#include "indexer/text_builder.h"

#include <ctime>

#include "analysis/utf8.h"
#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

std::string trimmed(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r\n\f");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t\r\n\f");
  return std::string(s.substr(begin, end - begin + 1));
}

}  // namespace

void TextBuilder::append(std::string_view text) {
  // Repaired here, not at the end: page offsets must not move.
  if (analysis::is_valid_utf8(text))
    doc_.text.append(text);
  else
    doc_.text.append(analysis::repair_utf8(text));
}

void TextBuilder::trim_end() {
  while (doc_.text.size() > paragraph_ && (doc_.text.back() == ' ' || doc_.text.back() == '\t'))
    doc_.text.pop_back();
}

void TextBuilder::end_paragraph(int heading_level) {
  std::string text = trimmed(paragraph());
  trim_end();
  // A row's last cell ends with the row, not with a tab.
  while (!doc_.text.empty() && doc_.text.back() == '\t') doc_.text.pop_back();
  if (heading_level > 0 && !text.empty()) {
    if (first_heading_.empty()) first_heading_ = text;
    if (heading_level <= kMaxRankedHeadingLevel) doc_.headings.push_back(text);
  }
  if (!doc_.text.empty() && doc_.text.back() != '\n' && doc_.text.back() != kPageBreak)
    doc_.text.push_back('\n');
  paragraph_ = doc_.text.size();
}

void TextBuilder::end_cell() {
  trim_end();
  if (!doc_.text.empty() && doc_.text.back() != '\n' && doc_.text.back() != kPageBreak)
    doc_.text.push_back('\t');
  paragraph_ = doc_.text.size();
}

void TextBuilder::begin_page(std::string_view kind, std::string name) {
  doc_.page_kind = std::string(kind);
  // Text before the first page (none in the formats that have pages) is a page of its own.
  if (doc_.pages.empty() && !doc_.text.empty()) doc_.pages.push_back({0, {}});
  if (!doc_.pages.empty()) {
    while (!doc_.text.empty() && (doc_.text.back() == '\n' || doc_.text.back() == '\t'))
      doc_.text.pop_back();
    doc_.text.push_back(kPageBreak);
  }
  doc_.pages.push_back({doc_.text.size(), std::move(name)});
  paragraph_ = doc_.text.size();
}

ExtractedDocument TextBuilder::finish(std::string title) {
  while (!doc_.text.empty() && (doc_.text.back() == '\n' || doc_.text.back() == '\t'))
    doc_.text.pop_back();
  title = trimmed(title);
  if (title.empty()) title = first_heading_;
  if (title.empty()) title = find_headline(doc_.text);
  doc_.title = analysis::repair_utf8(title);
  for (std::string& heading : doc_.headings) heading = analysis::repair_utf8(heading);
  return std::move(doc_);
}

int64_t parse_iso_date(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string s(text.substr(0, 19));
  int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                      &second);
  if (n < 3 || year < 1970 || month < 1 || month > 12 || day < 1 || day > 31) return 0;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace loupe::indexer
