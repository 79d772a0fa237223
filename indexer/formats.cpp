#include "indexer/formats.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "indexer/text_decoder.h"

namespace loupe::indexer {
namespace {

constexpr std::string_view kZip = "PK\x03\x04";

// Adding a format: a row here and its reader (see docs/extending.md). Text formats first: the
// first row is what a file without an extension, or one whose content is text, is read as.
constexpr FormatInfo kFormats[] = {
    {"text", "- .txt .text .rst .log .org .adoc", "", "", true, read_plain_text, false},
    {"markdown", ".md .markdown .mdown .mkd", "", "", true, read_markdown, false},
    {"html", ".html .htm .xhtml", "", "", true, read_html, false},
    {"pdf", ".pdf", "%PDF-", "", false, read_pdf, true},
    {"docx", ".docx .docm", kZip, "", false, read_docx, true},
    {"pptx", ".pptx .pptm", kZip, "", false, read_pptx, true},
    {"xlsx", ".xlsx .xlsm", kZip, "", false, read_xlsx, true},
    {"odt", ".odt", kZip, "mimetypeapplication/vnd.oasis.opendocument.text", false,
     read_opendocument, true},
    {"ods", ".ods", kZip, "mimetypeapplication/vnd.oasis.opendocument.spreadsheet", false,
     read_opendocument, true},
    {"odp", ".odp", kZip, "mimetypeapplication/vnd.oasis.opendocument.presentation", false,
     read_opendocument, true},
    {"epub", ".epub", kZip, "mimetypeapplication/epub+zip", false, read_epub, true},
    // MIME has no magic of its own ("From:", "Received:" and others start a message).
    {"email", ".eml", "", "", false, read_email, true, /*parts=*/true},
    {"mbox", ".mbox .mbx", "", "", false, read_mbox, true, /*parts=*/true},
};

std::span<const FormatInfo> rows() {
  return kFormats;
}

bool has_extension(const FormatInfo& format, std::string_view ext) {
  std::string_view all = format.extensions;
  if (ext.empty()) ext = "-";
  for (size_t start = 0; start < all.size();) {
    size_t space = std::min(all.find(' ', start), all.size());
    if (all.substr(start, space - start) == ext) return true;
    start = space + 1;
  }
  return false;
}

// Whether `head` is the format's, by its magic and marker.
bool content_matches(const FormatInfo& format, std::string_view head) {
  if (format.magic.empty() || head.substr(0, format.magic.size()) != format.magic) return false;
  return format.marker.empty() || head.substr(0, 256).find(format.marker) != std::string_view::npos;
}

// Whether the content alone says the format: a marker, or a magic no other row shares.
bool identified_by_content(const FormatInfo& format) {
  if (format.magic.empty()) return false;
  if (!format.marker.empty()) return true;
  return std::count_if(rows().begin(), rows().end(),
                       [&](const FormatInfo& other) { return other.magic == format.magic; }) == 1;
}

}  // namespace

std::span<const FormatInfo> formats() {
  return rows();
}

Format format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const FormatInfo& format : rows())
    if (has_extension(format, ext)) return &format;
  return nullptr;
}

Format format_named(std::string_view name) {
  for (const FormatInfo& format : rows())
    if (format.name == name) return &format;
  return nullptr;
}

Format detect_format(Format by_name, std::string_view head) {
  // An empty file is its name's format: its reader says what is wrong with it.
  // A format without a magic of its own (e-mail) is taken at its name's word too.
  if (by_name != nullptr && !by_name->text && by_name->magic.empty()) return by_name;
  if (by_name != nullptr && (head.empty() || content_matches(*by_name, head))) return by_name;
  // The name's magic without its marker (an ODF or EPUB zip whose type is not stored first):
  // the name is believed, and the reader has the last word.
  if (by_name != nullptr && !by_name->magic.empty() &&
      head.substr(0, by_name->magic.size()) == by_name->magic) {
    bool other = false;
    for (const FormatInfo& format : rows())
      if (&format != by_name && identified_by_content(format) && content_matches(format, head))
        other = true;
    if (!other) return by_name;
  }
  for (const FormatInfo& format : rows())
    if (identified_by_content(format) && content_matches(format, head)) return &format;
  // A binary format's name on something else: text is read as text, anything else is not read.
  if (by_name != nullptr && !by_name->text) return looks_binary(head) ? nullptr : &rows().front();
  return by_name;
}

std::string_view format_name(Format format) {
  return format == nullptr ? std::string_view("text") : format->name;
}

ExtractedDocument read_document(Format format, std::string_view input) {
  return (format == nullptr ? rows().front() : *format).read(input);
}

}  // namespace loupe::indexer
