// Writes a JSON value as compact text, as nlohmann's dump would, but with a string escaper fast
// enough for responses made mostly of snippet and document text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace loupe::server {

// The same text as body.dump(-1, ' ', /*ensure_ascii=*/false, error_handler_t::replace) for
// valid UTF-8: keys in order, UTF-8 kept as it is, control characters, '"' and '\' escaped.
// Ill-formed UTF-8 is repaired as analysis::repair_utf8 does (a U+FFFD for each byte that starts
// no character), where nlohmann gives a truncated character one U+FFFD. nlohmann's dump decodes
// and copies strings a byte at a time: a tenth of the instructions of a search request.
std::string to_json_text(const nlohmann::json& body);

// Appends `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace loupe::server
