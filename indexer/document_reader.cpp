#include "indexer/document_reader.h"

#include <xxhash.h>

#include <cstdio>

#include "indexer/headline.h"

namespace loupe::indexer {

std::string content_hash(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return hex;
}

ExtractedDocument read_plain_text(std::string_view utf8) {
  ExtractedDocument doc;
  doc.text.assign(utf8);
  doc.title = find_headline(utf8);
  return doc;
}

}  // namespace loupe::indexer
