// E-mail through GMime: a .eml file (one MIME message) or an mbox (each message a document). The
// subject is the title, the text parts the text (HTML ones through the HTML reader), From, To and
// Cc searchable fields, Date the document's date. Attachments in a format Loupe reads (and
// attached messages) are parts: documents of their own, linked to their message.
#include <gmime/gmime.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "db/document_id.h"
#include "indexer/document_reader.h"
#include "indexer/formats.h"
#include "indexer/text_builder.h"
#include "indexer/text_decoder.h"

namespace loupe::indexer {
namespace {

// Messages attached to messages attached to ...: deeper ones are named, not read.
constexpr int kMaxDepth = 3;
// Parts of one file: an mbox of a hundred thousand messages is one file of many documents, but
// a bound keeps a hostile one from holding the indexer's memory.
constexpr size_t kMaxParts = 200'000;

template <typename T>
struct Unref {
  void operator()(T* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref<T>>;

void init_gmime() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { g_mime_init(); });
}

// One MIME message (no mbox "From " line); null when GMime cannot read one.
GPtr<GMimeMessage> parse_message(std::string_view bytes) {
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

std::string addresses(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) == 0) return {};
  char* text = internet_address_list_to_string(list, nullptr, FALSE);
  std::string out = text != nullptr ? text : "";
  g_free(text);
  return out;
}

// A part's decoded bytes (its transfer encoding undone), or, for an attached message, the message.
std::string part_bytes(GMimeObject* part) {
  GPtr<GMimeStream> out(g_mime_stream_mem_new());
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (message == nullptr) return {};
    g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, out.get());
  } else {
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
    if (content == nullptr) return {};
    g_mime_data_wrapper_write_to_stream(content, out.get());
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// A part's name as the end of an id: no '/', so that it never reads as a folder or as "//".
std::string key_name(std::string_view name, size_t number, bool message) {
  std::string key;
  if (name.empty() || name == "." || name == "..") {
    key = message ? "message-" : "attachment-";
    key += std::to_string(number);
    if (message) key += ".eml";
    return key;
  }
  key.reserve(name.size());
  for (char c : name) key += c == '/' || static_cast<unsigned char>(c) < 0x20 ? '_' : c;
  return key;
}

class MessageReader {
 public:
  explicit MessageReader(std::vector<ExtractedPart>& parts) : parts_(parts) {}

  // The message's document; its attachments go to the parts, under `key` ("" for the file's own
  // message).
  ExtractedDocument read(GMimeMessage* message, const std::string& key, int depth) {
    Walk walk{this, key, depth, {}, {}, {}, {}, 0};
    g_mime_message_foreach(message, visit, &walk);
    const char* subject = g_mime_message_get_subject(message);
    std::string from = addresses(g_mime_message_get_from(message));
    std::string to = addresses(g_mime_message_get_to(message));
    std::string cc = addresses(g_mime_message_get_cc(message));
    if (!cc.empty()) to += (to.empty() ? "" : ", ") + cc;
    TextBuilder out;
    // The header lines a reader sees first, then the body.
    if (!from.empty()) out.append("From: " + from), out.end_paragraph();
    if (!to.empty()) out.append("To: " + to), out.end_paragraph();
    if (subject != nullptr) out.append(std::string("Subject: ") + subject), out.end_paragraph();
    out.end_paragraph();
    out.append(!walk.plain.empty() ? walk.plain : read_html(walk.html).text);
    out.end_paragraph();
    if (!walk.attachments.empty()) {
      out.append("Attachments: " + walk.attachments);
      out.end_paragraph();
    }
    ExtractedDocument doc = out.finish(subject != nullptr ? subject : "");
    doc.from = from;
    doc.to = to;
    if (GDateTime* date = g_mime_message_get_date(message)) doc.date = g_date_time_to_unix(date);
    return doc;
  }

  // Adds `message` as a part of its own under `key`, with its attachments.
  void add_message(GMimeMessage* message, const std::string& key, const std::string& parent,
                   const std::string& hash, int depth) {
    if (parts_.size() >= kMaxParts) return;
    size_t at = parts_.size();
    parts_.push_back({key, parent, "email", hash, {}});
    ExtractedDocument doc = read(message, key, depth);
    if (doc.title.empty()) doc.title = "(no subject)";
    parts_[at].doc = std::move(doc);
  }

 private:
  struct Walk {
    MessageReader* reader;
    std::string key;  // the message's
    int depth;
    std::string plain;  // the text/plain parts
    std::string html;   // the text/html parts, for a message that has no plain one
    std::string attachments;
    std::set<std::string> keys;  // its attachments' names so far
    size_t count;
  };

  static void visit(GMimeObject*, GMimeObject* part, gpointer data) {
    auto* walk = static_cast<Walk*>(data);
    if (GMIME_IS_MESSAGE_PART(part)) {
      walk->reader->attachment(*walk, part, nullptr, true);
      return;
    }
    if (!GMIME_IS_PART(part)) return;
    GMimePart* leaf = GMIME_PART(part);
    const char* filename = g_mime_part_get_filename(leaf);
    if (g_mime_part_is_attachment(leaf) || (filename != nullptr && *filename != '\0')) {
      walk->reader->attachment(*walk, part, filename, false);
      return;
    }
    if (!GMIME_IS_TEXT_PART(part)) return;
    // Decoded from its transfer encoding and converted from its charset to UTF-8.
    char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
    if (text == nullptr) return;
    GMimeContentType* type = g_mime_object_get_content_type(part);
    std::string& into =
        g_mime_content_type_is_type(type, "text", "html") ? walk->html : walk->plain;
    if (!into.empty()) into += "\n\n";
    into += text;
    g_free(text);
  }

  // Named in its message's text, and read as a document of its own when Loupe reads its format.
  void attachment(Walk& walk, GMimeObject* part, const char* filename, bool message) {
    std::string name = filename != nullptr ? filename : "";
    if (message && name.empty()) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
      const char* subject = inner != nullptr ? g_mime_message_get_subject(inner) : nullptr;
      if (subject != nullptr && *subject != '\0') name = std::string(subject) + ".eml";
    }
    std::string base = key_name(name, ++walk.count, message);
    // A name given twice is numbered before its extension, which still says its format.
    std::string unique = base;
    size_t dot = base.rfind('.');
    if (dot == 0 || dot == std::string::npos) dot = base.size();
    for (int n = 2; walk.keys.count(unique) != 0; ++n)
      unique = base.substr(0, dot) + " (" + std::to_string(n) + ")" + base.substr(dot);
    walk.keys.insert(unique);
    if (!walk.attachments.empty()) walk.attachments += ", ";
    walk.attachments += unique;
    if (walk.depth >= kMaxDepth || parts_.size() >= kMaxParts) return;
    std::string key = walk.key.empty() ? unique : db::part_id(walk.key, unique);
    std::string bytes = part_bytes(part);
    if (bytes.empty()) return;
    if (message) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
      if (inner != nullptr) add_message(inner, key, walk.key, content_hash(bytes), walk.depth + 1);
      return;
    }
    read_attachment(key, walk.key, unique, bytes, walk.depth);
  }

  void read_attachment(const std::string& key, const std::string& parent, const std::string& name,
                       const std::string& bytes, int depth) {
    Format format = detect_format(format_for(name), bytes);
    if (format == nullptr || (format->text && looks_binary(bytes))) return;  // a picture, ...
    if (format->read == read_email) {
      GPtr<GMimeMessage> inner = parse_message(bytes);
      if (inner) add_message(inner.get(), key, parent, content_hash(bytes), depth + 1);
      return;
    }
    ExtractedPart part{key, parent, std::string(format_name(format)), content_hash(bytes), {}};
    try {
      part.doc =
          format->text ? read_document(format, decode_text(bytes)) : read_document(format, bytes);
    } catch (const ExtractionError&) {
      return;  // a damaged or encrypted attachment: still named in its message
    }
    parts_.push_back(std::move(part));
  }

  std::vector<ExtractedPart>& parts_;
};

}  // namespace

ExtractedDocument read_email(std::string_view bytes) {
  init_gmime();
  GPtr<GMimeMessage> message = parse_message(bytes);
  if (!message) throw ExtractionError("not a readable e-mail message");
  if (addresses(g_mime_message_get_from(message.get())).empty() &&
      addresses(g_mime_message_get_to(message.get())).empty() &&
      addresses(g_mime_message_get_cc(message.get())).empty() &&
      g_mime_message_get_subject(message.get()) == nullptr)
    throw ExtractionError("no From, To or Subject: not an e-mail message");
  std::vector<ExtractedPart> parts;
  MessageReader reader(parts);
  ExtractedDocument doc = reader.read(message.get(), "", 0);
  doc.parts = std::move(parts);
  return doc;
}

ExtractedDocument read_mbox(std::string_view bytes) {
  init_gmime();
  constexpr std::string_view kSeparator = "From ";
  if (!bytes.empty() && bytes.substr(0, kSeparator.size()) != kSeparator)
    throw ExtractionError("not an mbox: it does not start with a \"From \" line");
  ExtractedDocument box;
  box.container = true;
  MessageReader reader(box.parts);
  // Cut at the lines that start with "From " and each message parsed alone: GMime's own mbox
  // parser copies the whole file into its stream first, and mailboxes run to gigabytes.
  // Messages are numbered from 1 in the order of the file: appending keeps every key, and one
  // that cannot be read keeps its number.
  size_t number = 0;
  for (size_t at = 0; at < bytes.size() && box.parts.size() < kMaxParts;) {
    size_t next = bytes.find("\nFrom ", at);
    size_t end = next == std::string_view::npos ? bytes.size() : next + 1;
    std::string_view raw = bytes.substr(at, end - at);
    at = end;
    ++number;
    size_t line_end = raw.find('\n');
    if (line_end == std::string_view::npos) continue;
    std::string_view message = raw.substr(line_end + 1);
    GPtr<GMimeMessage> parsed = parse_message(message);
    if (!parsed) continue;
    reader.add_message(parsed.get(), std::to_string(number), "", content_hash(message), 0);
  }
  if (box.parts.empty() && !bytes.empty())
    throw ExtractionError("not an mbox: no message starts with a \"From \" line");
  return box;
}

}  // namespace loupe::indexer
