// The HTML reader: visible text and <title> through gumbo, the HTML5 parser browsers agree with.
#include <gumbo.h>

#include <memory>
#include <string>

#include "indexer/document_reader.h"
#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

bool is_invisible(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_SELECT:
      return true;
    default:
      return false;
  }
}

// Elements that start a new line, so that words on either side never run together.
bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_MAIN: case GUMBO_TAG_PRE:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FORM: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_BODY:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CAPTION:
      return true;
    default:
      return false;
  }
}

class TextCollector {
 public:
  void walk(const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      append(node->v.text.text);
      return;
    }
    // <template> content is inert until script uses it: not visible text.
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) return;
    const GumboVector* children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
                                                                    : &node->v.element.children;
    bool block = false;
    bool pre = false;
    if (node->type == GUMBO_NODE_ELEMENT) {
      GumboTag tag = node->v.element.tag;
      if (tag == GUMBO_TAG_TITLE && title_.empty()) title_ = collapse_whitespace(inner_text(node));
      if (tag == GUMBO_TAG_HEAD) {
        walk_head(node);
        return;
      }
      if (is_invisible(tag) || gumbo_get_attribute(&node->v.element.attributes, "hidden")) return;
      if (tag == GUMBO_TAG_H1 && h1_.empty()) h1_ = collapse_whitespace(inner_text(node));
      block = is_block(tag);
      pre = tag == GUMBO_TAG_PRE;
    }
    if (block) newline();
    pre_depth_ += pre;
    for (unsigned i = 0; i < children->length; ++i)
      walk(static_cast<const GumboNode*>(children->data[i]));
    pre_depth_ -= pre;
    if (block) newline();
  }

  std::string text() && { return std::move(text_); }
  std::string title() const { return title_.empty() ? h1_ : title_; }

 private:
  static std::string inner_text(const GumboNode* node) {
    TextCollector inner;
    inner.walk_children(node);
    return std::move(inner).text();
  }

  // Only the <title> of <head> is text a reader sees.
  void walk_head(const GumboNode* head) {
    const GumboVector& children = head->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_TITLE && title_.empty())
        title_ = collapse_whitespace(inner_text(child));
    }
  }

  void walk_children(const GumboNode* node) {
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) walk(static_cast<const GumboNode*>(children.data[i]));
  }

  // White space collapses as a browser renders it, except inside <pre>.
  void append(const char* s) {
    for (; *s; ++s) {
      char c = *s;
      bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (pre_depth_ > 0) {
        text_ += c;
      } else if (space) {
        if (!text_.empty() && text_.back() != ' ' && text_.back() != '\n') text_ += ' ';
      } else {
        text_ += c;
      }
    }
  }

  void newline() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }

  std::string text_;
  std::string title_;
  std::string h1_;
  int pre_depth_ = 0;
};

}  // namespace

ExtractedDocument read_html(std::string_view utf8) {
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> output(
      gumbo_parse_with_options(&kGumboDefaultOptions, utf8.data(), utf8.size()),
      [](GumboOutput* out) { gumbo_destroy_output(&kGumboDefaultOptions, out); });
  TextCollector collector;
  collector.walk(output->document);
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
