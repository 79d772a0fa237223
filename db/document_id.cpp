#include "db/document_id.h"

#include <xxhash.h>

#include "analysis/utf8.h"

namespace loupe::db {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string part_id(std::string_view file_id, std::string_view key) {
  std::string id(file_id);
  id += kPartSeparator;
  id += key;
  return id;
}

std::string_view file_of(std::string_view id) {
  return id.substr(0, id.find(kPartSeparator));
}

std::string_view own_name(std::string_view id) {
  size_t last = id.rfind(kPartSeparator);
  return last == std::string_view::npos ? id : id.substr(last + kPartSeparator.size());
}

unsigned shard_of(std::string_view file_id, unsigned count) {
  return count <= 1 ? 0
                    : static_cast<unsigned>(XXH3_64bits(file_id.data(), file_id.size()) % count);
}

std::string public_id(std::string_view stored) {
  if (analysis::is_valid_utf8(stored)) return std::string(stored);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < stored.size();) {
    auto byte = static_cast<unsigned char>(stored[i]);
    size_t length = analysis::utf8_sequence_length(stored, i);
    if (length > 1) {
      out.append(stored.substr(i, length));
      i += length;
      continue;
    }
    if (byte < 0x80 && byte != '%') {
      out += static_cast<char>(byte);
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
    ++i;
  }
  return out;
}

std::optional<std::string> stored_id(std::string_view public_form) {
  if (public_form.find('%') == std::string_view::npos) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < public_form.size(); ++i) {
    if (public_form[i] != '%') {
      out += public_form[i];
      continue;
    }
    int high = i + 2 < public_form.size() ? hex_value(public_form[i + 1]) : -1;
    int low = i + 2 < public_form.size() ? hex_value(public_form[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  // Only the one form public_id writes: a UTF-8 id is its own, and was never escaped.
  if (public_id(out) != public_form) return std::nullopt;
  return out;
}

}  // namespace loupe::db
