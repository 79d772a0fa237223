// PDF through poppler-cpp: the text page by page, the title from the metadata when it names the
// document, else from the first page.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "indexer/document_reader.h"
#include "indexer/text_builder.h"

namespace loupe::indexer {
namespace {

std::string utf8(const poppler::ustring& s) {
  poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Tools fill the Title field with whatever they have: the file they printed ("Microsoft Word -
// report.docx", "paper.dvi"), or nothing useful ("untitled"). Those do not name the document.
bool meaningful_title(const std::string& title) {
  std::string t = lower(title);
  if (t.find_first_not_of(" \t\r\n") == std::string::npos) return false;
  static constexpr std::string_view kPlaceholders[] = {"untitled", "title", "document", "no title",
                                                       "slide 1"};
  for (std::string_view p : kPlaceholders)
    if (t == p) return false;
  if (t.rfind("microsoft word - ", 0) == 0 || t.rfind("microsoft powerpoint - ", 0) == 0)
    return false;
  static constexpr std::string_view kFileEndings[] = {".doc", ".docx", ".dvi", ".tex", ".pdf",
                                                      ".ps",  ".indd", ".rtf", ".odt", ".txt",
                                                      ".qxd", ".pptx", ".ppt", ".xls"};
  for (std::string_view e : kFileEndings)
    if (t.size() > e.size() && t.compare(t.size() - e.size(), e.size(), e) == 0) return false;
  return true;
}

void quiet(const std::string&, void*) {}

}  // namespace

ExtractedDocument read_pdf(std::string_view bytes) {
  // poppler reports damage on stderr; the indexer says what it skipped itself.
  poppler::set_debug_error_function(quiet, nullptr);
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) throw ExtractionError("not a readable PDF (damaged, truncated or empty)");
  if (doc->is_locked()) throw ExtractionError("an encrypted PDF (it needs a password)");
  TextBuilder out;
  int pages = doc->pages();
  for (int i = 0; i < pages; ++i) {
    out.begin_page("page");
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    // In reading order, without the page's physical layout (runs of spaces that place words).
    if (page) {
      std::string text =
          utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
      // poppler ends a page's text with a form feed of its own; pages are the builder's to mark.
      while (!text.empty() && (text.back() == '\f' || text.back() == '\n' || text.back() == ' '))
        text.pop_back();
      out.append(text);
    }
    out.end_paragraph();
  }
  std::string title = utf8(doc->get_title());
  ExtractedDocument result = out.finish(meaningful_title(title) ? title : std::string());
  result.author = utf8(doc->get_author());
  time_t created = doc->get_creation_date_t();
  result.created = created > 0 ? static_cast<int64_t>(created) : 0;
  return result;
}

}  // namespace loupe::indexer
