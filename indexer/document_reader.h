// Turns a file's contents into the title and plain text Loupe indexes, by format.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::indexer {

enum class Format { kText, kMarkdown, kHtml };

// Headings down to this level are kept for ranking: deeper ones name small details.
inline constexpr int kMaxRankedHeadingLevel = 3;

struct ExtractedDocument {
  std::string title;
  std::string text;  // what snippets and the document view show: words, not markup
  // Section headings (HTML h1-h3, Markdown #-###) in text order: ranking weighs them.
  std::vector<std::string> headings;
  // Bytes of `text` that are the text of links: most of a page that lists other pages (an
  // index, a site map) is, and ranking needs to tell those from the pages they list.
  size_t link_text_bytes = 0;
};

// The format for a file name, or nullopt when Loupe does not read files of that kind.
// Files without an extension are read as text (their content is checked for binary later).
std::optional<Format> format_for(const std::filesystem::path& path);

std::string_view format_name(Format format);

// `utf8` must be valid UTF-8 (see decode_text). Never throws on malformed markup.
ExtractedDocument read_document(Format format, std::string_view utf8);

// The readers behind read_document, one per format.
ExtractedDocument read_plain_text(std::string_view utf8);
ExtractedDocument read_markdown(std::string_view utf8);
ExtractedDocument read_html(std::string_view utf8);

// The visible text of a piece of HTML, such as raw HTML inside Markdown; `heading`, if given,
// receives its title or first top-level heading.
std::string html_fragment_text(std::string_view utf8, std::string* heading = nullptr);

}  // namespace loupe::indexer
