// Builds a document's text as a reader walks its parts: paragraphs, headings, pages and cells.
#pragma once

#include <string>
#include <string_view>

#include "indexer/document_reader.h"

namespace loupe::indexer {

class TextBuilder {
 public:
  // Text within the current paragraph.
  void append(std::string_view text);
  // Ends the paragraph (a line break, once); a heading of level 1-3 is kept for ranking, and
  // the first heading becomes the title candidate.
  void end_paragraph(int heading_level = 0);
  // A tab between cells of a row; a line break ends the row.
  void end_cell();
  // Starts a page, slide or sheet: a form feed before it, but for the first.
  void begin_page(std::string_view kind, std::string name = {});
  // The current paragraph's text so far.
  std::string_view paragraph() const { return std::string_view(doc_.text).substr(paragraph_); }
  size_t size() const { return doc_.text.size(); }

  // The document, its title the metadata's `title` when given, else the first heading, else
  // the first line that reads like one.
  ExtractedDocument finish(std::string title = {});

  ExtractedDocument& doc() { return doc_; }

 private:
  // Drops the current paragraph's trailing blanks.
  void trim_end();

  ExtractedDocument doc_;
  size_t paragraph_ = 0;  // where the current paragraph starts in doc_.text
  std::string first_heading_;
};

// Seconds since the epoch of an ISO 8601 date ("2024-03-01T10:00:00Z", "2024-03-01"); 0 when it
// cannot be read.
int64_t parse_iso_date(std::string_view text);

}  // namespace loupe::indexer
