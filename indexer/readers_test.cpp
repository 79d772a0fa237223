// Table-driven tests of the format readers: headline, HTML, Markdown, text decoding.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "indexer/document_reader.h"
#include "indexer/formats.h"
#include "indexer/headline.h"
#include "indexer/text_decoder.h"

using namespace loupe::indexer;

namespace {

struct Row {
  std::string input;
  std::string expected;
};

}  // namespace

TEST_CASE("a plain text's headline skips the page furniture above it") {
  const Row rows[] = {
      {"Skip to content\n\nThe Real Headline Of This Story\n\nBody text here.",
       "The Real Headline Of This Story"},
      {"\xC2\xA7 News\nBy AI Blog Editor\nMay 20, 2026 \xC2\xB7 12 min read\nA headline worth "
       "reading today\nbody",
       "A headline worth reading today"},
      {"Menu\nSearch\n2024-05-01\n5 min read\nUpdated 3 hours ago\nWhat the team shipped this "
       "week\n",
       "What the team shipped this week"},
      {"DS\nOK\nSmall words first, then the title line\n",
       "Small words first, then the title line"},
      {"First line is the headline\nSecond line", "First line is the headline"},
      {"Release notes\n\nThis version fixes three bugs and adds a flag.\n", "Release notes"},
      {"DS\nLDS Team\nThe actual headline is here\n", "The actual headline is here"},
      {"Skip to content\nTechnology\nBy Jane Doe\nMarch 3, 2024 \xC2\xB7 5 min read\nNew Chip "
       "Doubles Battery Life\nThe body of the article starts here and goes on for a while.",
       "New Chip Doubles Battery Life"},
      {"Skip to main content\nWorld News\nUpdated 2 hours ago\nFloods Displace Thousands in the "
       "Valley\nbody",
       "Floods Displace Thousands in the Valley"},
      {"Opinion\nWhy Cities Should Plant More Trees\nShade cools streets, and it costs little.",
       "Why Cities Should Plant More Trees"},
      {"Home > News > Science\nComet Seen From Three Continents\nbody",
       "Comet Seen From Three "
       "Continents"},
      {"Home \xE2\x80\xBA Tech \xE2\x80\xBA AI\nA Model That Reads Maps\nbody",
       "A Model That Reads Maps"},
      {"Science | Space\nJane Doe, Staff Writer\nTelescope Finds a Watery World\nbody",
       "Telescope Finds a Watery World"},
      {"[Skip to content]\nListen to this article\nShare on Twitter\nReading time: 5 minutes\n"
       "Markets Rally on Rate Cut Hopes\nbody",
       "Markets Rally on Rate Cut Hopes"},
      {"ADVERTISEMENT\nSupported by\nEstimated reading time: 7 min\n3 hours ago\nThe Quiet "
       "Return of Vinyl Records\nbody",
       "The Quiet Return of Vinyl Records"},
      {"10:30 AM ET\nMonday 3rd March 2024\n5-min read\nBy Jane Doe | Updated March 3, 2024, "
       "10:00 AM EST\nStorm Closes Schools Across the State\nbody",
       "Storm Closes Schools Across the State"},
      // A short title over a list, code or a lower-case line keeps its place.
      {"TODO\n1. call the plumber about the sink\n2. pay the bill\n", "TODO"},
      {"Shopping list\n- flour and sugar\n- eggs\n", "Shopping list"},
      {"Deploy notes\n    sudo systemctl restart loupe\n", "Deploy notes"},
      // Headlines that look a little like furniture are still headlines.
      {"Rust vs. Go | Which Is Faster?\nbody", "Rust vs. Go | Which Is Faster?"},
      {"Listen to Your Gut, Scientists Say\nbody", "Listen to Your Gut, Scientists Say"},
      {"Cookie Dough Ice Cream\nbody", "Cookie Dough Ice Cream"},
      {"Today in History\nbody", "Today in History"},
      {"Sun Microsystems Acquired by Oracle\nbody", "Sun Microsystems Acquired by Oracle"},
      {"Modified Keto Diet: What to Eat\nbody", "Modified Keto Diet: What to Eat"},
      {"10 Minutes That Changed Football\nbody", "10 Minutes That Changed Football"},
      {"Business\nBy the Numbers: Apple's Record Quarter\nbody",
       "By the Numbers: Apple's Record Quarter"},
      {"10 Marketing Mistakes to Avoid\nbody", "10 Marketing Mistakes to Avoid"},
      {"What Happened on January 6 at the Capitol\nbody",
       "What Happened on January 6 at the Capitol"},
      {"Python 3.12.10 Released With Fixes\nbody", "Python 3.12.10 Released With Fixes"},
      {"*Breaking*: Dam Holds After Storm\nbody", "*Breaking*: Dam Holds After Storm"},
      // No line reads as a headline: the start of the first one stands in.
      {"Hi\n", "Hi"},
      {"", ""},
      {"\n\n   \n", ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(find_headline(row.input) == row.expected);
  }
  // A text that opens with a long paragraph gets its start, cut at a word.
  std::string paragraph(60, 'x');
  std::string long_text = "word " + std::string(300, 'a') + " " + paragraph;
  std::string title = find_headline(long_text);
  CHECK(title.size() <= 124);
  CHECK(title.rfind("\xE2\x80\xA6") == title.size() - 3);
}

TEST_CASE("every seed document gets its real headline") {
  const Row seeds[] = {
      {"000_3cd39b793bb67d62.txt",
       "Andrej Karpathy Joined Anthropic. His First Job: Use Claude to Build the Next Claude."},
      {"001_639010c0b717dd1d.txt",
       "The Prodigal Scientist: Why Andrej Karpathy Joining Anthropic Changes Everything"},
      {"002_1b56216890a2d894.txt",
       "Andrej Karpathy Joins Anthropic to Teach Claude How to Train Itself Better"},
      {"003_e31c131763d3b434.txt",
       "The recursive hire \xE2\x80\x94 Karpathy joins Anthropic to use Claude to train the next "
       "Claude"},
      {"004_396babc13d7661a2.txt", "Andrej Karpathy Joins Anthropic and Bets on Research"},
  };
  for (const Row& row : seeds) {
    std::ifstream in(std::string(LOUPE_SOURCE_DIR) + "/seeds/" + row.input, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    CAPTURE(row.input);
    CHECK(read_plain_text(decode_text(text.str())).title == row.expected);
  }
}

TEST_CASE("HTML: visible text and the title, never scripts or styles") {
  struct HtmlRow {
    std::string html;
    std::string title;
    std::string text;
  };
  const HtmlRow rows[] = {
      {"<html><head><title> My  Page </title><style>p{color:red}</style></head>"
       "<body><h1>Heading</h1><p>Hello <b>bold</b> world</p><script>var "
       "secret=1;</script></body></html>",
       "My Page", "Heading\nHello bold world"},
      {"<body><h1>Only H1</h1><p>one</p><p>two</p></body>", "Only H1", "Only H1\none\ntwo"},
      {"<p>caf&eacute; &amp; &lt;tags&gt;</p>", "caf\xC3\xA9 & <tags>", "caf\xC3\xA9 & <tags>"},
      {"<div>a<br>b</div><noscript>no</noscript><template>t</template><div hidden>h</div>", "a",
       "a\nb"},
      {"<pre>  keep\n  spacing</pre>", "keep", "keep\n  spacing"},
      {"<p>unclosed <b>tags <i>everywhere", "unclosed tags everywhere", "unclosed tags everywhere"},
      {"", "", ""},
      // Head closed by content, titles of svg icons, comments, raw text, references, attributes.
      {"<html><head><title>T</title><p>body text", "T", "body text"},
      {"<body><svg><title>icon</title></svg><h1>Real</h1></body>", "Real", "Real"},
      {"<p>a<!-- <p>hidden</p> -->b</p><script>if (a < b) { x = '</p>'; }</script>", "ab", "ab"},
      {"<p>&lt;&#60;&#x3C;&amp;&nbsp;&eacute;&apos;&unknown;&amp</p>",
       "<<<&\xC2\xA0\xC3\xA9'&unknown;&", "<<<&\xC2\xA0\xC3\xA9'&unknown;&"},
      {"<a title='x > y' href=\"#\">link</a> <span HIDDEN>no</span><br/>yes", "link", "link\nyes"},
      {"1 < 2 and 3 <> 4 </ >", "1 < 2 and 3 <> 4", "1 < 2 and 3 <> 4"},
      {"<TITLE>Upper</TITLE><DIV>case</DIV>", "Upper", "case"},
      // No <title>: the first heading of the highest level there is, not the navigation.
      {"<nav>Home <h1>About</h1></nav><h3>Minor</h3><h2>Second <b>level</b></h2><h2>Later</h2>",
       "Second level", "Minor\nSecond level\nLater"},
      // Menus and search boxes, as <nav> or by their ARIA role, are not the page's text.
      {"<div class=\"sphinxsidebar\" role=\"navigation\"><p>Table of <b>contents</b></p></div>"
       "<div role=\"main\"><p>Body</p></div><form ROLE='Search'>Quick search</form>",
       "Body", "Body"},
      {"<div role=navigation>menu</div><p role=\"note  NAVIGATION\">links</p><p "
       "role=\"navigational\">kept</p><p role=\"\">also</p><aside role=complementary>see "
       "also</aside>",
       "kept", "kept\nalso\nsee also"},
      {"<div role=\"banner\">Site name</div><article><header><h1>Post</h1></header><p>Text</p>"
       "<footer>Article footer</footer></article><div role=\"contentinfo\">&copy; Us</div>",
       "Post", "Post\nText\nArticle footer"},
      {"<textarea>typed <b>text</b></textarea>", "typed <b>text</b>", "typed <b>text</b>"},
  };
  for (const HtmlRow& row : rows) {
    CAPTURE(row.html);
    ExtractedDocument doc = read_html(row.html);
    CHECK(doc.title == row.title);
    CHECK(doc.text == row.text);
  }
}

TEST_CASE("HTML: the language the page declares on its root element") {
  struct Row {
    std::string html, language;
  };
  const Row rows[] = {
      {"<html lang=\"it\"><p>testo</p></html>", "it"},
      {"<HTML LANG='pt-BR'><p>texto</p>", "pt-BR"},
      {"<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"de\"><p>Text</p></html>", "de"},
      {"<!DOCTYPE html><html><p lang=\"fr\">texte</p></html>", ""},  // not the page's
      {"<p>no root element</p>", ""},
      {"<html lang=fi><body><html lang=sv></html>", "fi"},  // the first root only
  };
  for (const Row& row : rows) {
    CAPTURE(row.html);
    CHECK(read_html(row.html).language == row.language);
  }
}

TEST_CASE("Markdown: the text, not the markup") {
  struct MdRow {
    std::string markdown;
    std::string title;
    std::string text;
  };
  const MdRow rows[] = {
      {"# The Title\n\nSome *emphasis* and a [link](https://example.com/x).\n", "The Title",
       "The Title\nSome emphasis and a link."},
      {"Intro line\n\n## Section\n\n- item one\n- item two\n\n`code` here\n", "Section",
       "Intro line\nSection\nitem one\nitem two\ncode here"},
      {"---\ntitle: \"Front Matter Title\"\ndate: 2024\n---\n# Heading\nbody\n",
       "Front Matter Title", "Heading\nbody"},
      {"Text with <span>inline html</span> &amp; entity\n", "Text with inline html & entity",
       "Text with inline html & entity"},
      {"| a | b |\n|---|---|\n| 1 | 2 |\n", "a b", "a b\n1 2"},
      // Character references are characters; raw HTML keeps its text, drops tags and scripts.
      {"caf&eacute; don&rsquo;t &#233;t&#233; don&#x2019;t &bogus;\n",
       "caf\xC3\xA9 don\xE2\x80\x99t "
       "\xC3\xA9t\xC3\xA9 don\xE2\x80\x99t &bogus;",
       "caf\xC3\xA9 don\xE2\x80\x99t \xC3\xA9t\xC3\xA9 don\xE2\x80\x99t &bogus;"},
      {"Intro line here\n\n<div class=\"x\">\nInside the <b>div</b> block\n</div>\n\n"
       "<script>alert(1)</script>\n\nAfter",
       "Intro line here", "Intro line here\nInside the div block\nAfter"},
      {"<div align=\"center\">\n<h1>Project Zircon</h1>\n<p>A fast tool</p>\n</div>\n\nMore "
       "text.\n",
       "Project Zircon", "Project Zircon\nA fast tool\nMore text."},
  };
  for (const MdRow& row : rows) {
    CAPTURE(row.markdown);
    ExtractedDocument doc = read_markdown(row.markdown);
    CHECK(doc.title == row.title);
    CHECK(doc.text == row.text);
  }
}

TEST_CASE("formats follow the file extension") {
  struct FormatRow {
    std::string name;
    std::string format;  // "" when Loupe does not read it
  };
  const FormatRow rows[] = {
      {"a.txt", "text"}, {"README", "text"}, {"a.MD", "markdown"}, {"a.html", "html"},
      {"b.HTM", "html"}, {"c.png", ""},      {"d.js", ""},         {"e.markdown", "markdown"},
      {"f.PDF", "pdf"},  {"g.docx", "docx"}, {"h.pptx", "pptx"},   {"i.xlsx", "xlsx"},
      {"j.odt", "odt"},  {"k.ods", "ods"},   {"l.odp", "odp"},     {"m.epub", "epub"},
      {"n.doc", ""},     {"o.zip", ""},
  };
  for (const FormatRow& row : rows) {
    CAPTURE(row.name);
    Format format = format_for(row.name);
    CHECK(std::string(format == nullptr ? "" : format_name(format)) == row.format);
  }
}

TEST_CASE("the content says the format when the name is wrong or silent") {
  const std::string zip = "PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\0\0\0";
  struct DetectRow {
    std::string name;
    std::string head;
    std::string format;  // "" when it is not read
  };
  const DetectRow rows[] = {
      {"paper.pdf", "%PDF-1.7\n%\xE2\xE3", "pdf"},
      {"paper.txt", "%PDF-1.4\n", "pdf"},          // a PDF called .txt
      {"paper", "%PDF-1.4\n", "pdf"},              // or without an extension
      {"notes.docx", "Just some text\n", "text"},  // text called .docx
      {"notes.pdf", "plain words, no PDF\n", "text"},
      {"image.pdf", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16), ""},
      {"empty.pdf", "", "pdf"},  // its reader says it is empty
      {"report.docx", zip + "word/document.xml", "docx"},
      {"book.zip.txt", zip + "mimetypeapplication/epub+zip", "epub"},
      {"sheet", zip + "mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "ods"},
      {"deck.odt", zip + "mimetypeapplication/vnd.oasis.opendocument.presentation", "odp"},
      {"a.md", "# Title\n", "markdown"},
      {"note.eml", "From: ada@example.org\nSubject: hi\n\nbody\n", "email"},
      // A zip named .odt whose type is not stored first: the name is believed.
      {"plain.odt", zip + "content.xml", "odt"},
  };
  for (const DetectRow& row : rows) {
    CAPTURE(row.name);
    Format format = detect_format(format_for(row.name), row.head);
    CHECK(std::string(format == nullptr ? "" : format_name(format)) == row.format);
  }
}

TEST_CASE("any encoding becomes valid UTF-8, binary is recognised") {
  const Row rows[] = {
      {"plain", "plain"},
      {"\xEF\xBB\xBFwith BOM", "with BOM"},
      {"caf\xE9 cr\xE8me br\xFBl\xE9"
       "e, na\xEFve r\xE9sum\xE9",
       "caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
       "e, na\xC3\xAFve r\xC3\xA9sum\xC3\xA9"},
      {std::string("\xFF\xFEh\0i\0", 6), "hi"},
      // UTF-8 with Latin-1 pasted in: each part in its own encoding, whichever is more.
      {"Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
       "e d\xC3\xA9j\xC3\xA0 vu \xE9 end",
       "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
       "e d\xC3\xA9j\xC3\xA0 vu \xC3\xA9 end"},
      {"A short UTF-8 note about the caf\xC3\xA9 and its \xE9t\xE9 menu for the gar\xE7on, "
       "with \x93quotes\x94 too",
       "A short UTF-8 note about the caf\xC3\xA9 and its \xC3\xA9t\xC3\xA9 menu for the "
       "gar\xC3\xA7on, with \xE2\x80\x9Cquotes\xE2\x80\x9D too"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(decode_text(row.input) == row.expected);
  }
  CHECK(looks_binary(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)));
  CHECK(looks_binary(std::string("text\0with nul", 13)));
  CHECK_FALSE(looks_binary("ordinary text\nwith lines\n"));
  CHECK_FALSE(looks_binary(std::string("\xFF\xFEh\0i\0", 6)));
  CHECK_FALSE(looks_binary(""));
}

// "h1|h2|..." of a document's headings, and its link text in bytes.
std::string headings_of(const ExtractedDocument& doc) {
  std::string out;
  for (const std::string& h : doc.headings) out += (out.empty() ? "" : "|") + h;
  return out + " #" + std::to_string(doc.link_text_bytes);
}

TEST_CASE("section headings down to level 3, and how much text is links") {
  const Row html_rows[] = {
      {"<title>T</title><h1>Top</h1><p>x</p><h2>Sub <code>f()</code>\n part</h2><h4>Deep</h4>",
       "Top|Sub f() part #0"},
      {"<h3>Three</h3><nav><h2>Menu</h2><a href=a>Home</a></nav><p><a href=b>link text</a> "
       "plain</p>",
       "Three #9"},
      {"<ul><li><a href=a>one</a></li><li><a href=b>two</a></li></ul>", " #6"},
  };
  for (const Row& row : html_rows) {
    CAPTURE(row.input);
    CHECK(headings_of(read_html(row.input)) == row.expected);
  }
  const Row markdown_rows[] = {
      {"# Top\n\ntext\n\n## Second *one*\n\n#### Deep\n", "Top|Second one #0"},
      {"Setext\n======\n\nSee [the docs](https://x) and <https://y.example>.\n", "Setext #25"},
  };
  for (const Row& row : markdown_rows) {
    CAPTURE(row.input);
    CHECK(headings_of(read_markdown(row.input)) == row.expected);
  }
}

TEST_CASE("e-mail attachments: which become parts, and what their keys are") {
  auto attachment = [](const std::string& name, const std::string& type, const std::string& body) {
    return "--b1\nContent-Type: " + type + "\nContent-Disposition: attachment; filename=\"" + name +
           "\"\n\n" + body + "\n";
  };
  std::string message =
      "From: ada@example.org\nSubject: Parts\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: "
      "text/plain\n\nBody.\n" +
      attachment("notes.txt", "text/plain", "First notes.") +
      attachment("notes.txt", "text/plain", "Second notes.") +
      attachment("a/b.md", "text/markdown", "# Slashed\n\nText.") +
      attachment("photo.png", "image/png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)) +
      attachment("", "text/plain", "Nameless.") + "--b1--\n";
  ExtractedDocument doc = read_email(message);
  struct Row {
    std::string key, type, word;
  };
  // A name twice is numbered, a '/' can't start a folder, a picture is named and not read.
  const Row rows[] = {
      {"notes.txt", "text", "First"},
      {"notes (2).txt", "text", "Second"},
      {"a_b.md", "markdown", "Slashed"},
      {"attachment-5", "text", "Nameless"},
  };
  REQUIRE(doc.parts.size() == std::size(rows));
  for (size_t i = 0; i < std::size(rows); ++i) {
    CAPTURE(rows[i].key);
    CHECK(doc.parts[i].key == rows[i].key);
    CHECK(doc.parts[i].parent.empty());
    CHECK(doc.parts[i].type == rows[i].type);
    CHECK(doc.parts[i].doc.text.find(rows[i].word) != std::string::npos);
    CHECK(doc.parts[i].hash.size() == 16);
  }
  CHECK(doc.parts[0].hash != doc.parts[1].hash);
  CHECK(doc.text.find("photo.png") != std::string::npos);  // named in the message
  CHECK_FALSE(doc.container);
}

TEST_CASE("an mbox is a container of messages; text that is none is refused") {
  ExtractedDocument box = read_mbox(
      "From a@example.org Mon Jan  2 03:04:05 2023\nSubject: One\n\nFirst.\n\n"
      "From b@example.org Mon Jan  2 03:04:06 2023\nSubject: Two\n\nSecond.\n");
  CHECK(box.container);
  REQUIRE(box.parts.size() == 2);
  CHECK(box.parts[0].key == "1");
  CHECK(box.parts[1].key == "2");
  CHECK(box.parts[1].doc.title == "Two");
  CHECK(box.parts[1].type == "email");
  CHECK_THROWS_AS(read_mbox("Just some text, no From line.\n"), ExtractionError);
  CHECK(read_mbox("").parts.empty());
}
