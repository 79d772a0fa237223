// Office Open XML (Word, PowerPoint, Excel): zip parts of XML, read with libzip and libxml2.
#include <cctype>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "indexer/document_reader.h"
#include "indexer/text_builder.h"
#include "indexer/xml_walker.h"
#include "indexer/zip_archive.h"

namespace loupe::indexer {
namespace {

struct CoreProperties {
  std::string title;
  std::string author;
  std::string language;
  int64_t created = 0;
};

// docProps/core.xml: Dublin Core title and creator, and the creation date.
CoreProperties core_properties(ZipArchive& zip) {
  CoreProperties props;
  std::optional<std::string> xml = zip.read("docProps/core.xml");
  if (!xml) return props;
  std::string created;
  element_texts(*xml, {{"title", &props.title},
                       {"creator", &props.author},
                       {"language", &props.language},
                       {"created", &created}});
  props.created = parse_iso_date(created);
  return props;
}

ExtractedDocument finish(TextBuilder& out, ZipArchive& zip) {
  CoreProperties props = core_properties(zip);
  ExtractedDocument doc = out.finish(std::move(props.title));
  doc.author = std::move(props.author);
  doc.language = std::move(props.language);
  doc.created = props.created;
  return doc;
}

std::string required(ZipArchive& zip, const std::string& part, const char* kind) {
  std::optional<std::string> xml = zip.read(part);
  if (!xml) throw ExtractionError("no " + part + ": not a " + kind + " file");
  return std::move(*xml);
}

// A part's relationships (its _rels file): id -> the target's part name, resolved against the
// part's folder.
std::map<std::string, std::string> relationships(ZipArchive& zip, const std::string& folder,
                                                 const std::string& rels) {
  std::map<std::string, std::string> out;
  std::optional<std::string> xml = zip.read(rels);
  if (!xml) return out;
  walk_xml(*xml, {[&](std::string_view name, const XmlElement& e) {
                    if (name != "Relationship") return;
                    std::string target = e.attribute("Target");
                    out[e.attribute("Id")] =
                        !target.empty() && target[0] == '/' ? target.substr(1) : folder + target;
                  },
                  nullptr, nullptr});
  return out;
}

// The parts a list in `xml` names through relationships, in the list's order: slides of
// presentation.xml (sldId), sheets of workbook.xml (sheet, with their names).
std::vector<std::pair<std::string, std::string>> listed_parts(
    ZipArchive& zip, const std::string& xml, std::string_view element,
    const std::map<std::string, std::string>& rels) {
  std::vector<std::pair<std::string, std::string>> parts;  // part name, display name
  walk_xml(xml, {[&](std::string_view name, const XmlElement& e) {
                   if (name != element) return;
                   auto it = rels.find(e.attribute("id", /*namespaced=*/true));
                   if (it != rels.end() && zip.has(it->second))
                     parts.emplace_back(it->second, e.attribute("name"));
                 },
                 nullptr, nullptr});
  return parts;
}

// "Heading2" -> 2, "Title" -> 1, else 0. Word names the built-in heading styles so whatever the
// language of its interface; pandoc and LibreOffice write them so too.
int heading_level(std::string_view style) {
  if (style == "Title") return 1;
  if (style.size() > 7 && style.compare(0, 7, "Heading") == 0 &&
      std::isdigit(static_cast<unsigned char>(style[7])))
    return style[7] - '0';
  return 0;
}

}  // namespace

ExtractedDocument read_docx(std::string_view bytes) {
  ZipArchive zip(bytes);
  std::string xml = required(zip, "word/document.xml", "Word");
  TextBuilder out;
  int level = 0;
  bool in_text = false;  // only w:t holds text; the rest is formatting
  int tab_stops = 0;
  walk_xml(xml, {[&](std::string_view name, const XmlElement& e) {
                   if (name == "p") {
                     level = 0;
                   } else if (name == "pStyle") {
                     level = heading_level(e.attribute("val"));
                   } else if (name == "outlineLvl" && level == 0) {
                     // Levels 0-8 are headings; 9 is body text.
                     int outline = std::atoi(e.attribute("val").c_str());
                     if (outline >= 0 && outline < 9) level = outline + 1;
                   } else if (name == "t") {
                     in_text = true;
                   } else if (name == "tabs") {
                     ++tab_stops;  // w:tab inside w:tabs defines a stop, it is no text
                   } else if (name == "tab" && tab_stops == 0) {
                     out.append("\t");
                   } else if (name == "br" || name == "cr") {
                     out.append("\n");
                   }
                 },
                 [&](std::string_view name) {
                   if (name == "t") in_text = false;
                   if (name == "tabs") --tab_stops;
                   if (name == "p") out.end_paragraph(level);
                   if (name == "tc") out.end_cell();
                 },
                 [&](std::string_view text) {
                   if (in_text) out.append(text);
                 }});
  return finish(out, zip);
}

ExtractedDocument read_pptx(std::string_view bytes) {
  ZipArchive zip(bytes);
  std::string presentation = required(zip, "ppt/presentation.xml", "PowerPoint");
  auto slides = listed_parts(zip, presentation, "sldId",
                             relationships(zip, "ppt/", "ppt/_rels/presentation.xml.rels"));
  TextBuilder out;
  for (const auto& [part, name] : slides) {
    out.begin_page("slide");
    std::optional<std::string> xml = zip.read(part);
    if (!xml) continue;
    bool title_shape = false, in_text = false;
    walk_xml(*xml, {[&](std::string_view element, const XmlElement& e) {
                      if (element == "sp") title_shape = false;
                      if (element == "ph") {
                        std::string type = e.attribute("type");
                        title_shape = type == "title" || type == "ctrTitle";
                      }
                      if (element == "t") in_text = true;
                    },
                    [&](std::string_view element) {
                      if (element == "t") in_text = false;
                      // A slide's title is a heading: it names what the slide is about.
                      if (element == "p") out.end_paragraph(title_shape ? 2 : 0);
                    },
                    [&](std::string_view text) {
                      if (in_text) out.append(text);
                    }});
  }
  return finish(out, zip);
}

ExtractedDocument read_xlsx(std::string_view bytes) {
  ZipArchive zip(bytes);
  std::string workbook = required(zip, "xl/workbook.xml", "Excel");
  // Cells of text hold an index into the shared strings.
  std::vector<std::string> shared;
  if (std::optional<std::string> xml = zip.read("xl/sharedStrings.xml")) {
    int phonetic = 0;  // rPh: reading aids of East Asian text, not the text
    bool in_text = false;
    walk_xml(*xml, {[&](std::string_view name, const XmlElement&) {
                      if (name == "si") shared.emplace_back();
                      if (name == "rPh") ++phonetic;
                      if (name == "t") in_text = true;
                    },
                    [&](std::string_view name) {
                      if (name == "rPh") --phonetic;
                      if (name == "t") in_text = false;
                    },
                    [&](std::string_view text) {
                      if (in_text && phonetic == 0 && !shared.empty()) shared.back().append(text);
                    }});
  }
  auto sheets =
      listed_parts(zip, workbook, "sheet", relationships(zip, "xl/", "xl/_rels/workbook.xml.rels"));
  TextBuilder out;
  for (const auto& [part, name] : sheets) {
    out.begin_page("sheet", name);
    std::optional<std::string> xml = zip.read(part);
    if (!xml) continue;
    std::string type, value;
    bool in_value = false;
    walk_xml(*xml, {[&](std::string_view element, const XmlElement& e) {
                      if (element == "c") {
                        type = e.attribute("t");
                        value.clear();
                      }
                      if (element == "v" || element == "t") in_value = true;
                    },
                    [&](std::string_view element) {
                      if (element == "v" || element == "t") in_value = false;
                      if (element == "c") {
                        if (type == "s") {
                          size_t index = std::strtoul(value.c_str(), nullptr, 10);
                          value = index < shared.size() ? shared[index] : std::string();
                        }
                        if (!value.empty()) {
                          out.append(value);
                          out.end_cell();
                        }
                      }
                      if (element == "row") out.end_paragraph();
                    },
                    [&](std::string_view text) {
                      if (in_value) value.append(text);
                    }});
  }
  return finish(out, zip);
}

}  // namespace loupe::indexer
