// The Markdown reader: the text a reader sees (no markup, no link targets) through md4c.
#include <md4c.h>

#include <algorithm>
#include <string>

#include "indexer/char_reference.h"
#include "indexer/document_reader.h"
#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

struct MarkdownText {
  std::string text;
  std::string first_h1;
  std::string first_heading;
  std::string heading;  // text of the heading being read
  int heading_level = 0;
  std::vector<std::string> headings;  // down to kMaxRankedHeadingLevel
  int link_depth = 0;                 // links open
  size_t link_bytes = 0;
  std::string html;  // raw HTML met since the last text: its text, not its tags, is indexed
};

void append(MarkdownText& md, std::string_view piece) {
  md.text += piece;
  if (md.heading_level > 0) md.heading += piece;
  if (md.link_depth > 0) md.link_bytes += piece.size();
}

// Raw HTML comes in pieces (a tag, then the text, then a tag, or a whole <div> block): read
// together, its visible text is what a reader of the rendered page sees.
void flush_html(MarkdownText& md) {
  if (md.html.empty()) return;
  std::string heading;
  std::string text = html_fragment_text(md.html, &heading);
  md.html.clear();
  // A README's "<div align=center><h1>Name</h1>" is its title.
  if (md.first_heading.empty() && !heading.empty()) md.first_heading = heading;
  if (text.empty()) return;
  bool block_start = md.text.empty() || md.text.back() == '\n';
  append(md, block_start ? text : " " + text);
}

void newline(std::string& text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!text.empty() && text.back() != '\n') text += '\n';
}

int enter_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  auto* md = static_cast<MarkdownText*>(userdata);
  flush_html(*md);
  if (type == MD_BLOCK_H) {
    md->heading_level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
    md->heading.clear();
  }
  // Cells of a row stay on one line, separated by a space (see leave_block).
  if (type != MD_BLOCK_DOC && type != MD_BLOCK_TD && type != MD_BLOCK_TH) newline(md->text);
  return 0;
}

int leave_block(MD_BLOCKTYPE type, void*, void* userdata) {
  auto* md = static_cast<MarkdownText*>(userdata);
  flush_html(*md);
  if (type == MD_BLOCK_H) {
    std::string heading = collapse_whitespace(md->heading);
    if (md->first_h1.empty() && md->heading_level == 1) md->first_h1 = heading;
    if (md->first_heading.empty()) md->first_heading = heading;
    if (md->heading_level <= kMaxRankedHeadingLevel && !heading.empty())
      md->headings.push_back(heading);
    md->heading_level = 0;
  }
  if (type == MD_BLOCK_TD || type == MD_BLOCK_TH)
    md->text += ' ';
  else
    newline(md->text);
  return 0;
}

int enter_span(MD_SPANTYPE type, void*, void* userdata) {
  if (type == MD_SPAN_A || type == MD_SPAN_WIKILINK)
    ++static_cast<MarkdownText*>(userdata)->link_depth;
  return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* userdata) {
  auto* md = static_cast<MarkdownText*>(userdata);
  if ((type == MD_SPAN_A || type == MD_SPAN_WIKILINK) && md->link_depth > 0) --md->link_depth;
  return 0;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  auto* md = static_cast<MarkdownText*>(userdata);
  std::string_view piece(text, size);
  if (type == MD_TEXT_HTML) {
    md->html += piece;
    return 0;
  }
  flush_html(*md);
  std::string decoded;
  switch (type) {
    case MD_TEXT_ENTITY:
      // md4c has checked it is a reference; one the table lacks stays as written.
      if (decode_reference(piece, 0, decoded) == 0) decoded = piece;
      piece = decoded;
      break;
    case MD_TEXT_BR:
      piece = "\n";
      break;
    case MD_TEXT_SOFTBR:
      piece = " ";
      break;
    case MD_TEXT_NULLCHAR:
      piece = "\xEF\xBF\xBD";
      break;
    default:
      break;
  }
  append(*md, piece);
  return 0;
}

// YAML front matter ("---" ... "---") is metadata, not text; its title: line is the title.
std::string_view strip_front_matter(std::string_view src, std::string& title) {
  if (src.substr(0, 4) != "---\n" && src.substr(0, 5) != "---\r\n") return src;
  size_t end = src.find("\n---", 3);
  if (end == std::string_view::npos) return src;
  std::string_view block = src.substr(4, end - 4);
  for (size_t start = 0; start < block.size();) {
    size_t eol = block.find('\n', start);
    if (eol == std::string_view::npos) eol = block.size();
    std::string_view line = block.substr(start, eol - start);
    if (line.substr(0, 6) == "title:") {
      std::string value = collapse_whitespace(line.substr(6));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      title = value;
    }
    start = eol + 1;
  }
  size_t after = src.find('\n', end + 4);
  return after == std::string_view::npos ? std::string_view{} : src.substr(after + 1);
}

}  // namespace

ExtractedDocument read_markdown(std::string_view utf8) {
  ExtractedDocument doc;
  std::string front_title;
  std::string_view body = strip_front_matter(utf8, front_title);
  MarkdownText md;
  MD_PARSER parser{};
  parser.flags = MD_DIALECT_GITHUB;
  parser.enter_block = enter_block;
  parser.leave_block = leave_block;
  parser.enter_span = enter_span;
  parser.leave_span = leave_span;
  parser.text = on_text;
  if (md_parse(body.data(), static_cast<MD_SIZE>(body.size()), &parser, &md) != 0)
    return read_plain_text(utf8);
  while (!md.text.empty() && (md.text.back() == '\n' || md.text.back() == ' ')) md.text.pop_back();
  doc.link_text_bytes = std::min(md.link_bytes, md.text.size());
  doc.text = std::move(md.text);
  doc.headings = std::move(md.headings);
  doc.title = !front_title.empty()        ? front_title
              : !md.first_h1.empty()      ? md.first_h1
              : !md.first_heading.empty() ? md.first_heading
                                          : find_headline(doc.text);
  return doc;
}

}  // namespace loupe::indexer
