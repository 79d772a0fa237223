// The HTML reader: visible text and <title> through libxml2's HTML parser in SAX mode, which
// builds no tree (gumbo's full HTML5 tree cost more than the rest of indexing together).
#include <libxml/HTMLparser.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "indexer/document_reader.h"
#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

bool is_one_of(const char* name, const std::string_view* names, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (names[i] == name) return true;
  return false;
}

// Content a browser does not show as text.
bool is_invisible(const char* name) {
  static constexpr std::string_view kNames[] = {"script", "style",  "noscript", "template",
                                                "iframe", "object", "canvas",   "svg",
                                                "math",   "select"};
  return is_one_of(name, kNames, std::size(kNames));
}

// Elements that start a new line, so that words on either side never run together.
bool is_block(const char* name) {
  static constexpr std::string_view kNames[] = {
      "p",       "div",  "br",      "li",         "ul",      "ol",     "dl",         "dt",
      "dd",      "h1",   "h2",      "h3",         "h4",      "h5",     "h6",         "table",
      "tr",      "td",   "th",      "section",    "article", "header", "footer",     "nav",
      "aside",   "main", "pre",     "blockquote", "hr",      "figure", "figcaption", "form",
      "address", "body", "details", "summary",    "caption", "title"};
  return is_one_of(name, kNames, std::size(kNames));
}

bool has_attribute(const xmlChar** atts, const char* wanted) {
  for (size_t i = 0; atts != nullptr && atts[i] != nullptr; i += 2)
    if (std::strcmp(reinterpret_cast<const char*>(atts[i]), wanted) == 0) return true;
  return false;
}

class TextCollector {
 public:
  void start(const char* name, const xmlChar** atts) {
    bool skips = is_invisible(name) || has_attribute(atts, "hidden");
    open_.push_back(skips);
    if (skips) ++skip_depth_;
    if (skip_depth_ > 0) return;
    if (std::strcmp(name, "title") == 0) ++title_depth_;
    if (std::strcmp(name, "h1") == 0) ++h1_depth_;
    if (std::strcmp(name, "pre") == 0) ++pre_depth_;
    if (is_block(name)) newline();
  }

  void end(const char* name) {
    bool skipped = !open_.empty() && open_.back();
    if (!open_.empty()) open_.pop_back();
    if (skipped) {
      --skip_depth_;
      return;
    }
    if (skip_depth_ > 0) return;
    if (std::strcmp(name, "title") == 0 && title_depth_ > 0) --title_depth_;
    if (std::strcmp(name, "h1") == 0 && h1_depth_ > 0) {
      --h1_depth_;
      if (h1_.empty()) h1_ = collapse_whitespace(h1_text_);
    }
    if (std::strcmp(name, "pre") == 0 && pre_depth_ > 0) --pre_depth_;
    if (is_block(name)) newline();
  }

  void characters(const char* s, size_t len) {
    if (skip_depth_ > 0) return;
    if (title_depth_ > 0) {
      title_.append(s, len);
      return;
    }
    if (h1_depth_ > 0 && h1_.empty()) h1_text_.append(s, len);
    for (size_t i = 0; i < len; ++i) {
      char c = s[i];
      bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      // White space collapses as a browser renders it, except inside <pre>.
      if (pre_depth_ > 0 || !space)
        text_ += c;
      else if (!text_.empty() && text_.back() != ' ' && text_.back() != '\n')
        text_ += ' ';
    }
  }

  std::string text() && { return std::move(text_); }
  std::string title() const {
    std::string title = collapse_whitespace(title_);
    return title.empty() ? h1_ : title;
  }

 private:
  void newline() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }

  std::string text_, title_, h1_, h1_text_;
  std::vector<bool> open_;  // per open element: did it start a skipped region?
  int skip_depth_ = 0, title_depth_ = 0, h1_depth_ = 0, pre_depth_ = 0;
};

void on_start(void* ctx, const xmlChar* name, const xmlChar** atts) {
  static_cast<TextCollector*>(ctx)->start(reinterpret_cast<const char*>(name), atts);
}
void on_end(void* ctx, const xmlChar* name) {
  static_cast<TextCollector*>(ctx)->end(reinterpret_cast<const char*>(name));
}
void on_characters(void* ctx, const xmlChar* ch, int len) {
  static_cast<TextCollector*>(ctx)->characters(reinterpret_cast<const char*>(ch),
                                               static_cast<size_t>(len));
}

}  // namespace

ExtractedDocument read_html(std::string_view utf8) {
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_characters;
  sax.ignorableWhitespace = on_characters;
  TextCollector collector;
  // The bytes are UTF-8 already (decode_text), whatever a <meta charset> says.
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> parser(
      htmlCreatePushParserCtxt(&sax, &collector, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8),
      htmlFreeParserCtxt);
  if (parser) {
    htmlCtxtUseOptions(parser.get(), HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                         HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                         HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    // libxml2 takes int sizes: feed large documents in pieces.
    constexpr size_t kPiece = 1 << 20;
    for (size_t at = 0; at < utf8.size(); at += kPiece) {
      size_t n = std::min(kPiece, utf8.size() - at);
      htmlParseChunk(parser.get(), utf8.data() + at, static_cast<int>(n), 0);
    }
    htmlParseChunk(parser.get(), nullptr, 0, 1);
  }
  ExtractedDocument doc;
  doc.title = collector.title();
  doc.text = std::move(collector).text();
  size_t first = doc.text.find_first_not_of(" \n");
  size_t last = doc.text.find_last_not_of(" \n");
  doc.text = first == std::string::npos ? std::string() : doc.text.substr(first, last - first + 1);
  if (doc.title.empty()) doc.title = find_headline(doc.text);
  return doc;
}

}  // namespace loupe::indexer
