// libFuzzer harness: any bytes as an HTML page (made valid UTF-8 first, as loupe-index does).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "indexer/document_reader.h"
#include "indexer/text_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string utf8 =
      loupe::indexer::decode_text(std::string_view(reinterpret_cast<const char*>(data), size));
  loupe::indexer::ExtractedDocument doc = loupe::indexer::read_html(utf8);
  if (doc.link_text_bytes > doc.text.size()) std::abort();
  return 0;
}
