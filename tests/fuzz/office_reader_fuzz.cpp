// The readers of zip-and-XML formats (DOCX, PPTX, XLSX, ODT, ODS, ODP, EPUB) and of e-mail, on
// documents built from the fuzzer's bytes: the bytes become the XML parts of a real zip (a
// random zip would stop at libzip's first check), so the walks over the XML are what is fuzzed.
// The readers run in loupe-extract for real, but a crash there is still a bug, and the text
// builder and page offsets they feed are the indexer's.
#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/document_reader.h"
#include "indexer/formats.h"

namespace {

struct Kind {
  const char* format;
  std::vector<const char*> parts;  // the fuzzer's bytes are cut into these, in order
};

const Kind kKinds[] = {
    {"docx", {"word/document.xml", "docProps/core.xml"}},
    {"pptx",
     {"ppt/presentation.xml", "ppt/_rels/presentation.xml.rels", "ppt/slides/slide1.xml"}},
    {"xlsx",
     {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
      "xl/worksheets/sheet1.xml"}},
    {"odt", {"content.xml", "meta.xml"}},
    {"epub", {"META-INF/container.xml", "content.opf", "chapter.xhtml"}},
};

// A zip of `parts`, each from the next piece of `data` ('\x01' separates them).
std::string make_zip(const std::vector<const char*>& names, std::string_view data) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  std::vector<std::string> pieces;
  pieces.reserve(names.size());  // zip_close reads them: they must not move
  for (const char* name : names) {
    size_t cut = data.find('\x01');
    pieces.emplace_back(data.substr(0, cut));
    data = cut == std::string_view::npos ? std::string_view() : data.substr(cut + 1);
    zip_source_t* part =
        zip_source_buffer(archive, pieces.back().data(), pieces.back().size(), 0);
    zip_file_add(archive, name, part, ZIP_FL_OVERWRITE);
  }
  zip_source_keep(out);
  zip_close(archive);
  std::string bytes;
  if (zip_source_open(out) == 0) {
    char chunk[4096];
    zip_int64_t n;
    while ((n = zip_source_read(out, chunk, sizeof chunk)) > 0) bytes.append(chunk, n);
    zip_source_close(out);
  }
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

// Every page offset inside the text, in order. Parts (attachments, an mbox's messages): keys
// unique, non-empty, that end an id cleanly (no '/' at either end), each parent before its part.
void check(const loupe::indexer::ExtractedDocument& doc) {
  size_t last = 0;
  for (const auto& page : doc.pages) {
    if (page.offset < last || page.offset > doc.text.size()) std::abort();
    last = page.offset;
  }
  std::set<std::string> keys{""};
  for (const auto& part : doc.parts) {
    if (part.key.empty() || part.key.front() == '/' || part.key.back() == '/') std::abort();
    if (keys.count(part.parent) == 0 || !keys.insert(part.key).second) std::abort();
    if (!part.doc.parts.empty()) std::abort();
    check(part.doc);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t choice = data[0] % (std::size(kKinds) + 1);
  try {
    if (choice == std::size(kKinds)) {  // e-mail, or an mbox: the bytes as they are
      check((size & 1) != 0 ? loupe::indexer::read_email(input) : loupe::indexer::read_mbox(input));
      return 0;
    }
    const Kind& kind = kKinds[choice];
    std::string zip = make_zip(kind.parts, input);
    check(loupe::indexer::read_document(loupe::indexer::format_named(kind.format), zip));
  } catch (const loupe::indexer::ExtractionError&) {
  }
  return 0;
}
