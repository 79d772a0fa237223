// What a reader extracts from a file: the title and plain text Loupe indexes, and their parts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::indexer {

// Headings down to this level are kept for ranking: deeper ones name small details.
inline constexpr int kMaxRankedHeadingLevel = 3;

struct ExtractedPart;

struct ExtractedDocument {
  std::string title;
  std::string text;  // what snippets and the document view show: words, not markup
  // Section headings (HTML h1-h3, Markdown #-###) in text order: ranking weighs them.
  std::vector<std::string> headings;
  // Bytes of `text` that are the text of links: most of a page that lists other pages (an
  // index, a site map) is, and ranking needs to tell those from the pages they list.
  size_t link_text_bytes = 0;
  // Pages of a PDF, slides of a presentation, sheets of a spreadsheet: where each starts in
  // `text` (the first at 0; a form feed separates them in `text`) and, for sheets, its name.
  struct Page {
    size_t offset = 0;
    std::string name;
  };
  std::vector<Page> pages;
  std::string page_kind;  // "page", "slide" or "sheet"; empty without pages
  // From the format's metadata, when it has them.
  std::string author;
  // The language the document says it is in (HTML's lang, Dublin Core's language), as written:
  // a hint that the text must confirm (analysis/language_detector.h).
  std::string language;
  int64_t created = 0;  // seconds since the epoch; 0: unknown
  // An e-mail's senders and recipients (from: and to: search them), and its date, which is the
  // document's date instead of the file's (0: the file's).
  std::string from;
  std::string to;
  int64_t date = 0;
  // Documents inside this one, each indexed as a document of its own: an mbox's messages, a
  // message's attachments (and theirs). Only the file's own document has parts.
  std::vector<ExtractedPart> parts;
  // The file is no document itself, only its parts are (an mbox).
  bool container = false;
};

struct ExtractedPart {
  // Unique within its file, and the end of its document's id (db::part_id): "3" (an mbox's
  // third message), "report.pdf" (a message's attachment), "3//report.pdf" (the attachment of
  // the third message).
  std::string key;
  // The key of the part it belongs to ("" for the file's own document, which an mbox lacks).
  std::string parent;
  std::string type;  // its format's name (formats.h)
  std::string hash;  // of its own bytes (content_hash): a copy of it elsewhere is found as one
  ExtractedDocument doc;
};

// A file a reader cannot read (damaged, encrypted, over a limit): skipped with this message.
class ExtractionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Separates pages in ExtractedDocument::text.
inline constexpr char kPageBreak = '\f';

// The readers, one per format (see formats.h). Text readers take valid UTF-8 (see decode_text)
// and never throw on malformed markup; readers of binary formats take the file's bytes and throw
// ExtractionError.
ExtractedDocument read_plain_text(std::string_view utf8);
ExtractedDocument read_markdown(std::string_view utf8);
ExtractedDocument read_html(std::string_view utf8);
ExtractedDocument read_pdf(std::string_view bytes);
ExtractedDocument read_docx(std::string_view bytes);
ExtractedDocument read_pptx(std::string_view bytes);
ExtractedDocument read_xlsx(std::string_view bytes);
ExtractedDocument read_opendocument(std::string_view bytes);
ExtractedDocument read_epub(std::string_view bytes);
ExtractedDocument read_email(std::string_view bytes);
ExtractedDocument read_mbox(std::string_view bytes);

// A file's or a part's bytes as a short hex string (XXH3-64): equal bytes, equal hash.
std::string content_hash(std::string_view bytes);

// The visible text of a piece of HTML, such as raw HTML inside Markdown; `heading`, if given,
// receives its title or first top-level heading.
std::string html_fragment_text(std::string_view utf8, std::string* heading = nullptr);

}  // namespace loupe::indexer
