// E-mail (a .eml file: one MIME message) through GMime: the subject is the title, the text parts
// the text (HTML ones through the HTML reader), From, To and Cc searchable fields, Date the
// document's date.
#include <gmime/gmime.h>

#include <memory>
#include <mutex>
#include <string>

#include "indexer/document_reader.h"
#include "indexer/text_builder.h"

namespace loupe::indexer {
namespace {

template <typename T>
struct Unref {
  void operator()(T* p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref<T>>;

std::string addresses(InternetAddressList* list) {
  if (list == nullptr || internet_address_list_length(list) == 0) return {};
  char* text = internet_address_list_to_string(list, nullptr, FALSE);
  std::string out = text != nullptr ? text : "";
  g_free(text);
  return out;
}

struct Walk {
  std::string plain;  // the text/plain parts
  std::string html;   // the text/html parts, for a message that has no plain one
  std::string attachments;
};

void visit(GMimeObject*, GMimeObject* part, gpointer data) {
  auto* walk = static_cast<Walk*>(data);
  if (!GMIME_IS_PART(part)) return;
  GMimePart* leaf = GMIME_PART(part);
  const char* filename = g_mime_part_get_filename(leaf);
  if (g_mime_part_is_attachment(leaf) || (filename != nullptr && *filename != '\0')) {
    // Attachments are named in the text; their contents are not read here.
    if (filename != nullptr && *filename != '\0') {
      if (!walk->attachments.empty()) walk->attachments += ", ";
      walk->attachments += filename;
    }
    return;
  }
  if (!GMIME_IS_TEXT_PART(part)) return;
  // Decoded from its transfer encoding and converted from its charset to UTF-8.
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  if (text == nullptr) return;
  GMimeContentType* type = g_mime_object_get_content_type(part);
  std::string& into = g_mime_content_type_is_type(type, "text", "html") ? walk->html : walk->plain;
  if (!into.empty()) into += "\n\n";
  into += text;
  g_free(text);
}

}  // namespace

ExtractedDocument read_email(std::string_view bytes) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { g_mime_init(); });
  GPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(bytes.data(), static_cast<size_t>(bytes.size())));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) throw ExtractionError("not a readable e-mail message");
  const char* subject = g_mime_message_get_subject(message.get());
  std::string from = addresses(g_mime_message_get_from(message.get()));
  std::string to = addresses(g_mime_message_get_to(message.get()));
  std::string cc = addresses(g_mime_message_get_cc(message.get()));
  if (!cc.empty()) to += (to.empty() ? "" : ", ") + cc;
  if (from.empty() && to.empty() && subject == nullptr)
    throw ExtractionError("no From, To or Subject: not an e-mail message");

  Walk walk;
  g_mime_message_foreach(message.get(), visit, &walk);
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
  if (GDateTime* date = g_mime_message_get_date(message.get()))
    doc.date = g_date_time_to_unix(date);
  return doc;
}

}  // namespace loupe::indexer
