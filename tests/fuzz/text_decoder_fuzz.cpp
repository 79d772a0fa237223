// libFuzzer harness: any bytes to UTF-8 (BOMs, UTF-16, charset detection, repair). The result
// must be valid UTF-8, whatever came in.
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "indexer/text_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)loupe::indexer::looks_binary(bytes);
  std::string out = loupe::indexer::decode_text(bytes);
  for (int32_t i = 0; i < static_cast<int32_t>(out.size());) {
    UChar32 c;
    U8_NEXT(out.data(), i, static_cast<int32_t>(out.size()), c);
    if (c < 0) std::abort();
  }
  return 0;
}
