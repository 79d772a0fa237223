#include "server/json_text.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "analysis/utf8.h"

namespace loupe::server {
namespace {

// Bytes a JSON string cannot hold as they are; every other byte (UTF-8 included) is copied.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

// True when none of the eight bytes needs an escape: none below 0x20, no quote, no backslash.
// (x - 0x20 in each byte) & ~x has a byte's top bit set when some byte is below 0x20; equality
// is a zero byte of x ^ the character.
bool plain_chunk(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
  bool control = ((x - 0x20 * kOnes) & ~x & kHigh) != 0;
  return !control && !has_zero(x ^ ('"' * kOnes)) && !has_zero(x ^ ('\\' * kOnes));
}

// `text` is valid UTF-8: runs of bytes that need no escape are appended whole, found eight bytes
// at a time (snippets and documents are long runs of them).
void append_valid(std::string& out, std::string_view text) {
  out += '"';
  size_t from = 0;
  for (size_t i = 0; i < text.size();) {
    if (i + 8 <= text.size()) {
      uint64_t chunk;
      std::memcpy(&chunk, text.data() + i, 8);
      if (plain_chunk(chunk)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (kNeedsEscape[c]) {
      out.append(text, from, i - from);
      append_escape(out, c);
      from = i + 1;
    }
    ++i;
  }
  out.append(text, from, std::string_view::npos);
  out += '"';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (analysis::is_valid_utf8(text))
    append_valid(out, text);
  else
    append_valid(out, analysis::repair_utf8(text));
}

void JsonWriter::separate() {
  if (need_comma_) out_ += ',';
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::object:
      begin_object();
      for (auto it = json.begin(); it != json.end(); ++it) key(it.key()).value(it.value());
      return end_object();
    case nlohmann::json::value_t::array:
      begin_array();
      for (const nlohmann::json& element : json) value(element);
      return end_array();
    case nlohmann::json::value_t::string:
      return value(std::string_view(json.get_ref<const std::string&>()));
    default:
      // Numbers, booleans and null: few and short, and nlohmann's number formatting is kept.
      separate();
      out_ += json.dump();
      need_comma_ = true;
      return *this;
  }
}

std::string to_json_text(const nlohmann::json& body) {
  return JsonWriter().value(body).take();
}

}  // namespace loupe::server
