#include "indexer/document_reader.h"

#include "indexer/headline.h"

namespace loupe::indexer {
ExtractedDocument read_plain_text(std::string_view utf8) {
  ExtractedDocument doc;
  doc.text.assign(utf8);
  doc.title = find_headline(utf8);
  return doc;
}

}  // namespace loupe::indexer
