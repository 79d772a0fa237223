// Turns a file's bytes into valid UTF-8, whatever encoding it was written in.
#pragma once

#include <string>
#include <string_view>

namespace loupe::indexer {

// True when `bytes` (the start of a file) look like a binary format rather than text.
bool looks_binary(std::string_view bytes);

// UTF-8 (a BOM is dropped) is returned as is; UTF-16 with a BOM and legacy 8-bit encodings
// (detected by ICU) are transcoded; anything else has its ill-formed bytes replaced by U+FFFD.
std::string decode_text(std::string_view bytes);

}  // namespace loupe::indexer
