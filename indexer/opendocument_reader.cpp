// OpenDocument text, spreadsheets and presentations (ODT, ODS, ODP): content.xml and meta.xml
// of a zip, read with libzip and libxml2.
#include <cstdlib>
#include <map>
#include <string>

#include "indexer/document_reader.h"
#include "indexer/text_builder.h"
#include "indexer/xml_walker.h"
#include "indexer/zip_archive.h"

namespace loupe::indexer {
namespace {

// The body's text: paragraphs and headings; a spreadsheet's tables as sheets (cells separated
// by tabs, rows by lines); a presentation's pages as slides, their title frames as headings.
class ContentWalk {
 public:
  void start(std::string_view name, const XmlElement& e) {
    if (name == "body") in_body_ = true;
    if (!in_body_) return;
    if (name == "spreadsheet") kind_ = "sheet";
    if (name == "presentation") kind_ = "slide";
    if (name == "table" && kind_ == "sheet" && table_depth_++ == 0)
      out_.begin_page("sheet", e.attribute("name"));
    // A slide's name is the application's ("page1"); a sheet's is the user's.
    if (name == "page" && kind_ == "slide") out_.begin_page("slide");
    if (name == "frame" && e.attribute("class") == "title") title_frame_ = true;
    if (name == "table-cell") ++cell_depth_;
    if (name == "p" || name == "h") ++paragraph_depth_;
    if (name == "h") {
      int level = std::atoi(e.attribute("outline-level").c_str());
      heading_level_ = level > 0 ? level : 1;
    }
    if (name == "s") {
      int count = std::atoi(e.attribute("c").c_str());
      out_.append(std::string(static_cast<size_t>(count > 1 ? std::min(count, 64) : 1), ' '));
    }
    if (name == "tab") out_.append("\t");
    if (name == "line-break") out_.append("\n");
  }

  void end(std::string_view name) {
    if (name == "body") in_body_ = false;
    if (!in_body_) return;
    if (name == "table" && kind_ == "sheet") --table_depth_;
    if (name == "frame") title_frame_ = false;
    if (name == "p" || name == "h") {
      --paragraph_depth_;
      if (cell_depth_ > 0) {
        out_.append(" ");  // lines of one cell stay in it
      } else {
        out_.end_paragraph(name == "h" ? heading_level_ : title_frame_ ? 2 : 0);
      }
      heading_level_ = 0;
    }
    if (name == "table-cell" && --cell_depth_ == 0) out_.end_cell();
    if (name == "table-row") out_.end_paragraph();
  }

  // Text between paragraphs is the XML's indentation.
  void text(std::string_view text) {
    if (in_body_ && paragraph_depth_ > 0) out_.append(text);
  }

  TextBuilder& out() { return out_; }

 private:
  TextBuilder out_;
  std::string kind_;
  bool in_body_ = false;
  bool title_frame_ = false;
  int table_depth_ = 0;
  int cell_depth_ = 0;
  int heading_level_ = 0;
  int paragraph_depth_ = 0;
};

}  // namespace

ExtractedDocument read_opendocument(std::string_view bytes) {
  ZipArchive zip(bytes);
  std::optional<std::string> content = zip.read("content.xml");
  if (!content) throw ExtractionError("no content.xml: not an OpenDocument file");
  ContentWalk walk;
  walk_xml(*content,
           {[&](std::string_view n, const XmlElement& e) { walk.start(n, e); },
            [&](std::string_view n) { walk.end(n); }, [&](std::string_view t) { walk.text(t); }});
  std::string title, author, initial_author, created, language;
  if (std::optional<std::string> meta = zip.read("meta.xml")) {
    element_texts(*meta, {{"title", &title},
                          {"creator", &author},
                          {"initial-creator", &initial_author},
                          {"language", &language},
                          {"creation-date", &created}});
  }
  ExtractedDocument doc = walk.out().finish(title);
  doc.author = !initial_author.empty() ? initial_author : author;
  doc.language = std::move(language);
  doc.created = parse_iso_date(created);
  return doc;
}

}  // namespace loupe::indexer
