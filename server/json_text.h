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

// Writes JSON straight into a string, for the responses sent most often: building an nlohmann
// tree first, a node and a key per field of every hit, costs as much as writing the text.
// Commas are placed as values come; keys come in the order they are written.
class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  // Any nlohmann value; numbers as nlohmann writes them (0.4915, not 0.49150000000000005).
  JsonWriter& value(const nlohmann::json& json);
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  std::string take() { return std::move(out_); }

 private:
  void separate();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace loupe::server
