// Walks an XML part of a document format element by element, with libxml2's streaming reader:
// no DTD is loaded, no entity expanded, nothing fetched.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace loupe::indexer {

// An element as the walk meets it.
class XmlElement {
 public:
  explicit XmlElement(void* reader) : reader_(reader) {}
  // The value of the attribute with this local name (any namespace; with `namespaced`, only one
  // in a namespace: r:id, not id); empty when absent.
  std::string attribute(std::string_view local_name, bool namespaced = false) const;

 private:
  void* reader_;
};

struct XmlHandlers {
  std::function<void(std::string_view local_name, const XmlElement& element)> start;
  std::function<void(std::string_view local_name)> end;  // also right after an empty element
  std::function<void(std::string_view text)> text;
};

// Malformed XML ends the walk where the parser gives up: what came before it counts.
void walk_xml(std::string_view xml, const XmlHandlers& handlers);

// The text of the elements named in `wanted` (by local name), each appended to its string: the
// metadata parts of the formats (title, creator, dates).
void element_texts(std::string_view xml, const std::map<std::string_view, std::string*>& wanted);

}  // namespace loupe::indexer
