// libFuzzer harness: a stored id (any bytes of a file name) to the public form and back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "analysis/utf8.h"
#include "db/document_id.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string stored(reinterpret_cast<const char*>(data), size);
  std::string shown = loupe::db::public_id(stored);
  // A UTF-8 name is shown as it is (and looked up as it is first); any other comes back from
  // its public form as it was.
  if (loupe::analysis::is_valid_utf8(stored)) {
    if (shown != stored) std::abort();
  } else {
    std::optional<std::string> back = loupe::db::stored_id(shown);
    if (!back || *back != stored || !loupe::analysis::is_valid_utf8(shown)) std::abort();
  }
  (void)loupe::db::stored_id(stored);
  return 0;
}
