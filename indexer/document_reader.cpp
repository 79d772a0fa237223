#include "indexer/document_reader.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

struct Extension {
  std::string_view ext;
  Format format;
};

constexpr std::array<Extension, 14> kExtensions = {{
    {"", Format::kText},
    {".txt", Format::kText},
    {".text", Format::kText},
    {".rst", Format::kText},
    {".log", Format::kText},
    {".org", Format::kText},
    {".adoc", Format::kText},
    {".md", Format::kMarkdown},
    {".markdown", Format::kMarkdown},
    {".mdown", Format::kMarkdown},
    {".mkd", Format::kMarkdown},
    {".html", Format::kHtml},
    {".htm", Format::kHtml},
    {".xhtml", Format::kHtml},
}};

}  // namespace

std::optional<Format> format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const Extension& e : kExtensions)
    if (e.ext == ext) return e.format;
  return std::nullopt;
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kText:
      return "text";
    case Format::kMarkdown:
      return "markdown";
    case Format::kHtml:
      return "html";
  }
  return "text";
}

ExtractedDocument read_plain_text(std::string_view utf8) {
  ExtractedDocument doc;
  doc.text.assign(utf8);
  doc.title = find_headline(utf8);
  return doc;
}

ExtractedDocument read_document(Format format, std::string_view utf8) {
  switch (format) {
    case Format::kMarkdown:
      return read_markdown(utf8);
    case Format::kHtml:
      return read_html(utf8);
    case Format::kText:
      break;
  }
  return read_plain_text(utf8);
}

}  // namespace loupe::indexer
