// EPUB: the package's XHTML chapters in spine order, each through the HTML reader.
#include <map>
#include <string>
#include <vector>

#include "indexer/document_reader.h"
#include "indexer/text_builder.h"
#include "indexer/text_decoder.h"
#include "indexer/xml_walker.h"
#include "indexer/zip_archive.h"

namespace loupe::indexer {
namespace {

// hrefs are URLs relative to the package document: "Text/ch%201.xhtml#part" -> "Text/ch 1.xhtml".
std::string part_name(const std::string& folder, std::string href) {
  href = href.substr(0, href.find('#'));
  std::string decoded;
  for (size_t i = 0; i < href.size(); ++i) {
    if (href[i] == '%' && i + 2 < href.size() &&
        std::isxdigit(static_cast<unsigned char>(href[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(href[i + 2]))) {
      decoded.push_back(static_cast<char>(std::stoi(href.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(href[i]);
    }
  }
  // "../" out of the package's folder.
  std::string base = folder;
  while (decoded.rfind("../", 0) == 0) {
    decoded.erase(0, 3);
    if (!base.empty()) base.pop_back();
    base = base.substr(0, base.rfind('/') + 1);
  }
  return base + decoded;
}

}  // namespace

ExtractedDocument read_epub(std::string_view bytes) {
  ZipArchive zip(bytes);
  std::string package_path;
  if (std::optional<std::string> container = zip.read("META-INF/container.xml")) {
    walk_xml(*container, {[&](std::string_view name, const XmlElement& e) {
                            if (name == "rootfile" && package_path.empty())
                              package_path = e.attribute("full-path");
                          },
                          nullptr, nullptr});
  }
  std::optional<std::string> package = package_path.empty() ? std::nullopt : zip.read(package_path);
  if (!package) throw ExtractionError("no package document: not an EPUB file");
  std::string folder = package_path.substr(0, package_path.rfind('/') + 1);

  std::map<std::string, std::string> manifest;  // id -> part name
  std::vector<std::string> spine;               // ids in reading order
  walk_xml(*package, {[&](std::string_view name, const XmlElement& e) {
                        if (name == "item")
                          manifest[e.attribute("id")] = part_name(folder, e.attribute("href"));
                        if (name == "itemref") spine.push_back(e.attribute("idref"));
                      },
                      nullptr, nullptr});
  std::string title, author, date, language;
  element_texts(*package,
                {{"title", &title}, {"creator", &author}, {"date", &date}, {"language", &language}});

  TextBuilder out;
  for (const std::string& id : spine) {
    auto it = manifest.find(id);
    if (it == manifest.end()) continue;
    std::optional<std::string> xhtml = zip.read(it->second);
    if (!xhtml) continue;
    ExtractedDocument chapter = read_html(decode_text(*xhtml));
    // A chapter's title is a heading of the book: its first heading, since the <title> of a
    // chapter file is often the book's, or the file's name.
    std::string heading = !chapter.headings.empty() ? chapter.headings.front() : chapter.title;
    ExtractedDocument& doc = out.doc();
    if (!heading.empty()) doc.headings.push_back(heading);
    for (std::string& h : chapter.headings)
      if (h != heading) doc.headings.push_back(std::move(h));
    doc.link_text_bytes += chapter.link_text_bytes;
    out.append(chapter.text);
    out.end_paragraph();
  }
  ExtractedDocument doc = out.finish(title);
  doc.author = std::move(author);
  doc.language = std::move(language);
  doc.created = parse_iso_date(date);
  return doc;
}

}  // namespace loupe::indexer
