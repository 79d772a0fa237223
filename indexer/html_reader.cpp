// The HTML reader: the visible text and <title> of a page, in one pass over the bytes.
//
// Indexing wants words, not a document tree: a scanner that knows tags, comments, raw-text
// elements (script, style), character references and which elements are invisible or break lines
// reads a page several times faster than a full parser (libxml2's took 40% of indexing time,
// gumbo's more than the rest of indexing together).
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "indexer/char_reference.h"
#include "indexer/document_reader.h"
#include "indexer/headline.h"

namespace loupe::indexer {
namespace {

template <size_t N>
bool is_one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements whose content a browser does not show as text, and <nav>: a site's menus, repeated
// on every page, would make every page match the words of every other page's title (Read the
// Docs' search leaves navigation out for the same reason).
bool is_invisible(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "template", "iframe", "object", "canvas", "svg", "math", "select", "head", "nav"};
  return is_one_of(name, kNames);
}

// Elements whose content is raw text up to their end tag: never markup, and (but for title and
// textarea) never shown.
bool is_raw_text(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kNames = {"script",   "style",    "title",
                                                             "textarea", "xmp",      "noembed",
                                                             "noframes", "noscript", "plaintext"};
  return is_one_of(name, kNames);
}

bool is_void(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "br",   "img", "hr",    "meta",  "link",   "input", "area",
      "base", "col", "embed", "param", "source", "track", "wbr"};
  return is_one_of(name, kNames);
}

// Elements that start a new line, so that words on either side never run together.
bool is_block(std::string_view name) {
  static constexpr std::array<std::string_view, 38> kNames = {
      "p",       "div",  "br",      "li",         "ul",      "ol",      "dl",         "dt",
      "dd",      "h1",   "h2",      "h3",         "h4",      "h5",      "h6",         "table",
      "tr",      "td",   "th",      "section",    "article", "header",  "footer",     "nav",
      "aside",   "main", "pre",     "blockquote", "hr",      "figure",  "figcaption", "form",
      "address", "body", "details", "summary",    "caption", "textarea"};
  return is_one_of(name, kNames);
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_lower(std::string_view text, std::string_view lower_case) {
  return text.size() == lower_case.size() &&
         std::equal(text.begin(), text.end(), lower_case.begin(),
                    [](char a, char b) { return lower(a) == b; });
}

// ARIA landmarks of the same site-wide furniture, which themes (Sphinx, MkDocs) mark with a role
// rather than a <nav>: menus, breadcrumbs and "previous / next" links, search boxes, the site's
// banner and its copyright footer ("contentinfo"). Page content (main, complementary) stays.
bool is_furniture_role(std::string_view value) {
  static constexpr std::array<std::string_view, 4> kRoles = {"navigation", "search", "banner",
                                                             "contentinfo"};
  for (size_t at = 0; at < value.size();) {
    while (at < value.size() && is_space(value[at])) ++at;
    size_t end = at;
    while (end < value.size() && !is_space(value[end])) ++end;
    std::string role;
    for (size_t k = at; k < end; ++k) role += lower(value[k]);
    if (is_one_of(std::string_view(role), kRoles)) return true;
    at = end;
  }
  return false;
}

// What a reader sees: text with white space collapsed as a browser renders it, line breaks
// between blocks, and the title.
class TextCollector {
 public:
  void start(std::string_view name, bool hidden) {
    // Content outside <head>'s own elements ends it, as in a browser: "<head><title>T<p>text".
    static constexpr std::array<std::string_view, 8> kHeadElements = {
        "title", "meta", "link", "style", "script", "base", "noscript", "template"};
    if (head_open_ && !is_one_of(name, kHeadElements)) end("head");
    bool skips = hidden || is_invisible(name);
    bool block = is_block(name);
    open_.push_back({std::string(name), skips, block});
    head_open_ = head_open_ || name == "head";
    if (skips) ++skip_depth_;
    if (skip_depth_ > 0) return;
    if (int level = heading_level(name); level > 0 && heading_open_ == 0) {
      heading_open_ = level;
      heading_text_.clear();
    }
    if (name == "a") ++link_depth_;
    if (name == "pre") ++pre_depth_;
    if (block) newline();
  }

  // Closes the innermost open `name` and whatever was left open inside it; an end tag with no
  // open element of its name is ignored, as browsers do.
  void end(std::string_view name) {
    auto match =
        std::find_if(open_.rbegin(), open_.rend(), [&](const Open& e) { return e.name == name; });
    if (match == open_.rend()) return;
    size_t keep = static_cast<size_t>(open_.rend() - match) - 1;
    while (open_.size() > keep) {
      Open closing = std::move(open_.back());
      open_.pop_back();
      if (closing.name == "head") head_open_ = false;
      if (closing.skips) {
        --skip_depth_;
        continue;
      }
      if (skip_depth_ > 0) continue;
      if (closing.name == "a" && link_depth_ > 0) --link_depth_;
      if (heading_open_ > 0 && heading_level(closing.name) == heading_open_) {
        std::string heading = collapse_whitespace(heading_text_);
        if (heading_open_ <= kMaxRankedHeadingLevel && !heading.empty())
          headings_.push_back(heading);
        // The page's headline, without a <title>: its first heading of the highest level.
        if (heading_open_ < best_level_ && !heading.empty()) {
          best_heading_ = std::move(heading);
          best_level_ = heading_open_;
        }
        heading_open_ = 0;
      }
      if (closing.name == "pre" && pre_depth_ > 0) --pre_depth_;
      if (closing.block) newline();
    }
  }

  void void_element(std::string_view name, bool hidden) {
    if (skip_depth_ == 0 && !hidden && is_block(name)) newline();
  }

  // Text with character references still in it.
  void text(std::string_view raw) {
    if (skip_depth_ > 0 || raw.empty()) return;
    for (size_t i = 0; i < raw.size();) {
      size_t amp = raw.find('&', i);
      append(raw.substr(i, amp - i));
      if (amp == std::string_view::npos) break;
      decoded_.clear();
      size_t used = decode_reference(raw, amp, decoded_);
      append(used ? std::string_view(decoded_) : std::string_view("&"));
      i = amp + (used ? used : 1);
    }
  }

  void title(std::string_view raw) {
    if (!title_.empty()) return;
    std::string decoded;
    for (size_t i = 0; i < raw.size();) {
      size_t amp = raw.find('&', i);
      decoded.append(raw.substr(i, amp - i));
      if (amp == std::string_view::npos) break;
      size_t used = decode_reference(raw, amp, decoded);
      if (!used) decoded += '&';
      i = amp + (used ? used : 1);
    }
    title_ = collapse_whitespace(decoded);
  }

  bool is_open(std::string_view name) const {
    return std::any_of(open_.begin(), open_.end(), [&](const Open& e) { return e.name == name; });
  }

  std::string take_text() { return std::move(text_); }
  std::vector<std::string> take_headings() { return std::move(headings_); }
  size_t link_text_bytes() const { return link_bytes_; }
  std::string title() const { return title_.empty() ? best_heading_ : title_; }

 private:
  struct Open {
    std::string name;
    bool skips;  // did it start a region a reader does not see?
    bool block;
  };

  void append(std::string_view s) {
    if (heading_open_ > 0) heading_text_.append(s);
    if (link_depth_ > 0) link_bytes_ += s.size();
    if (pre_depth_ > 0) {
      text_.append(s);
      return;
    }
    for (size_t i = 0; i < s.size();) {
      size_t word_end = i;
      while (word_end < s.size() && !is_space(s[word_end])) ++word_end;
      text_.append(s.data() + i, word_end - i);
      if (word_end == s.size()) break;
      if (!text_.empty() && text_.back() != ' ' && text_.back() != '\n') text_ += ' ';
      i = word_end + 1;
    }
  }

  void newline() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }

  // 1 for <h1> ... 6 for <h6>, 0 for anything else.
  static int heading_level(std::string_view name) {
    return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' ? name[1] - '0'
                                                                                  : 0;
  }

  std::string text_, title_, heading_text_, best_heading_, decoded_;
  int heading_open_ = 0;  // level of the heading being read
  int best_level_ = 7;
  std::vector<std::string> headings_;
  int link_depth_ = 0;  // <a> elements open
  size_t link_bytes_ = 0;
  std::vector<Open> open_;
  bool head_open_ = false;
  int skip_depth_ = 0, pre_depth_ = 0;
};

class HtmlScanner {
 public:
  HtmlScanner(std::string_view html, TextCollector& out) : in_(html), out_(out) {}

  void run() {
    while (at_ < in_.size()) {
      size_t lt = in_.find('<', at_);
      out_.text(in_.substr(at_, lt == std::string_view::npos ? std::string_view::npos : lt - at_));
      if (lt == std::string_view::npos) return;
      at_ = lt;
      markup();
    }
  }

  // The language the page declares on its root element (lang, or XHTML's xml:lang).
  const std::string& declared_language() const { return language_; }

 private:
  bool starts_with(std::string_view s) const { return in_.substr(at_, s.size()) == s; }

  // Skips to just after `terminator`, or to the end.
  void skip_past(std::string_view terminator, size_t from) {
    size_t end = in_.find(terminator, from);
    at_ = end == std::string_view::npos ? in_.size() : end + terminator.size();
  }

  void markup() {
    if (starts_with("<!--")) return skip_past("-->", at_ + 4);
    if (starts_with("<!") || starts_with("<?")) return skip_past(">", at_ + 2);
    size_t i = at_ + 1;
    bool closing = i < in_.size() && in_[i] == '/';
    if (closing) ++i;
    if (i >= in_.size() || !is_letter(in_[i])) {
      if (closing) return skip_past(">", i);  // "</ >" and the like: bogus, dropped
      out_.text("<");
      ++at_;
      return;
    }
    std::string name;
    while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>' && in_[i] != '/')
      name += lower(in_[i++]);
    bool hidden = false;
    bool self_closing = false;
    tag_language_ = {};
    i = attributes(i, hidden, self_closing);
    at_ = i;
    if (!closing && name == "html" && language_.empty()) language_ = std::string(tag_language_);
    if (closing) return out_.end(name);
    if (is_void(name)) return out_.void_element(name, hidden);
    if (is_raw_text(name) && !self_closing) return raw_text(name, hidden);
    out_.start(name, hidden);
    if (self_closing && (name == "svg" || name == "math")) out_.end(name);
  }

  // Reads attributes up to the tag's '>' (quoted values may hold '>'); notes `hidden`, and a
  // role that marks page furniture, which is left out the same way.
  size_t attributes(size_t i, bool& hidden, bool& self_closing) {
    while (i < in_.size() && in_[i] != '>') {
      if (is_space(in_[i]) || in_[i] == '/') {
        self_closing = in_[i] == '/';
        ++i;
        continue;
      }
      size_t name_start = i;
      while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>' && in_[i] != '=' && in_[i] != '/')
        ++i;
      std::string_view attr = in_.substr(name_start, i - name_start);
      if (equals_lower(attr, "hidden")) hidden = true;
      self_closing = false;
      while (i < in_.size() && is_space(in_[i])) ++i;
      if (i < in_.size() && in_[i] == '=') {
        ++i;
        while (i < in_.size() && is_space(in_[i])) ++i;
        size_t value_start = i, value_end;
        if (i < in_.size() && (in_[i] == '"' || in_[i] == '\'')) {
          size_t close = in_.find(in_[i], i + 1);
          value_start = i + 1;
          value_end = close == std::string_view::npos ? in_.size() : close;
          i = close == std::string_view::npos ? in_.size() : close + 1;
        } else {
          while (i < in_.size() && !is_space(in_[i]) && in_[i] != '>') ++i;
          value_end = i;
        }
        if (equals_lower(attr, "lang") || equals_lower(attr, "xml:lang"))
          tag_language_ = in_.substr(value_start, value_end - value_start);
        if (equals_lower(attr, "role") &&
            is_furniture_role(in_.substr(value_start, value_end - value_start)))
          hidden = true;
      }
    }
    return i < in_.size() ? i + 1 : i;
  }

  // script, style, title, textarea...: text up to the matching end tag, never markup.
  void raw_text(const std::string& name, bool hidden) {
    size_t end = at_;
    for (;;) {
      end = in_.find("</", end);
      if (end == std::string_view::npos) {
        end = in_.size();
        break;
      }
      std::string_view candidate = in_.substr(end + 2, name.size());
      bool same = candidate.size() == name.size() &&
                  std::equal(candidate.begin(), candidate.end(), name.begin(),
                             [](char a, char b) { return lower(a) == b; });
      char after = end + 2 + name.size() < in_.size() ? in_[end + 2 + name.size()] : '>';
      if (same && (after == '>' || after == '/' || is_space(after))) break;
      end += 2;
    }
    std::string_view content = in_.substr(at_, end - at_);
    // An <svg> has titles of its own; the page's is the first one outside such content.
    if (name == "title" && !out_.is_open("svg") && !out_.is_open("math")) {
      out_.title(content);
    } else if (name == "textarea" && !hidden) {
      out_.start(name, false);
      out_.text(content);
      out_.end(name);
    }
    at_ = end;
    if (at_ < in_.size()) skip_past(">", at_);
  }

  std::string language_;           // declared by <html>
  std::string_view tag_language_;  // of the tag being read
  std::string_view in_;
  TextCollector& out_;
  size_t at_ = 0;
};

}  // namespace

namespace {

std::string trimmed(std::string text) {
  size_t first = text.find_first_not_of(" \n");
  size_t last = text.find_last_not_of(" \n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

}  // namespace

ExtractedDocument read_html(std::string_view utf8) {
  TextCollector collector;
  HtmlScanner scanner(utf8, collector);
  scanner.run();
  ExtractedDocument doc;
  doc.language = scanner.declared_language();
  doc.title = collector.title();
  doc.text = trimmed(collector.take_text());
  doc.headings = collector.take_headings();
  doc.link_text_bytes = std::min(collector.link_text_bytes(), doc.text.size());
  if (doc.title.empty()) doc.title = find_headline(doc.text);
  return doc;
}

std::string html_fragment_text(std::string_view utf8, std::string* heading) {
  TextCollector collector;
  HtmlScanner(utf8, collector).run();
  if (heading != nullptr) *heading = collector.title();
  return trimmed(collector.take_text());
}

}  // namespace loupe::indexer
