#include "indexer/xml_walker.h"

#include <libxml/xmlreader.h>

namespace loupe::indexer {
namespace {

std::string_view view(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// libxml2 reports through a global handler by default (to stderr): a damaged document's
// complaints are not the user's business, the skip note is.
void ignore_error(void*, xmlErrorPtr) {}

}  // namespace

std::string XmlElement::attribute(std::string_view local_name, bool namespaced) const {
  auto* reader = static_cast<xmlTextReaderPtr>(reader_);
  std::string value;
  if (xmlTextReaderMoveToFirstAttribute(reader) != 1) return value;
  do {
    if (view(xmlTextReaderConstLocalName(reader)) == local_name &&
        (!namespaced || xmlTextReaderConstNamespaceUri(reader) != nullptr)) {
      value = view(xmlTextReaderConstValue(reader));
      break;
    }
  } while (xmlTextReaderMoveToNextAttribute(reader) == 1);
  xmlTextReaderMoveToElement(reader);
  return value;
}

void walk_xml(std::string_view xml, const XmlHandlers& handlers) {
  xmlTextReaderPtr reader =
      xmlReaderForMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (reader == nullptr) return;
  xmlTextReaderSetStructuredErrorHandler(reader, ignore_error, nullptr);
  XmlElement element(reader);
  while (xmlTextReaderRead(reader) == 1) {
    switch (xmlTextReaderNodeType(reader)) {
      case XML_READER_TYPE_ELEMENT: {
        std::string_view name = view(xmlTextReaderConstLocalName(reader));
        bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
        if (handlers.start) handlers.start(name, element);
        if (empty && handlers.end) handlers.end(name);
        break;
      }
      case XML_READER_TYPE_END_ELEMENT:
        if (handlers.end) handlers.end(view(xmlTextReaderConstLocalName(reader)));
        break;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA:
      case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        if (handlers.text) handlers.text(view(xmlTextReaderConstValue(reader)));
        break;
      default:
        break;
    }
  }
  xmlFreeTextReader(reader);
}

void element_texts(std::string_view xml, const std::map<std::string_view, std::string*>& wanted) {
  std::string* into = nullptr;
  bool fresh = false;  // text of the current element already appended
  walk_xml(xml, {[&](std::string_view name, const XmlElement&) {
                   auto it = wanted.find(name);
                   into = it == wanted.end() ? nullptr : it->second;
                   fresh = false;
                 },
                 [&](std::string_view) { into = nullptr; },
                 [&](std::string_view text) {
                   if (into == nullptr) return;
                   // A repeated element (two dc:creator) is a list, not one run-on name.
                   if (!into->empty() && !fresh) into->append(", ");
                   fresh = true;
                   into->append(text);
                 }});
}

}  // namespace loupe::indexer
