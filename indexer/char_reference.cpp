#include "indexer/char_reference.h"

#include <libxml/HTMLparser.h>

#include <cstdint>
#include <cstring>

namespace loupe::indexer {
namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

size_t decode_reference(std::string_view text, size_t at, std::string& out) {
  size_t i = at + 1;
  if (i < text.size() && text[i] == '#') {
    ++i;
    bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    uint32_t cp = 0;
    size_t digits = 0;
    for (; i < text.size() && digits < 8; ++i, ++digits) {
      char c = text[i];
      int value = c >= '0' && c <= '9'          ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                : -1;
      if (value < 0) break;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(value);
    }
    if (digits == 0) return 0;
    if (i < text.size() && text[i] == ';') ++i;
    append_utf8(out, cp);
    return i - at;
  }
  char name[33];
  size_t length = 0;
  while (i < text.size() && length < 32 &&
         (is_letter(text[i]) || (text[i] >= '0' && text[i] <= '9')))
    name[length++] = text[i++];
  if (length == 0) return 0;
  name[length] = '\0';
  uint32_t cp = 0;
  if (std::strcmp(name, "apos") == 0) {
    cp = '\'';  // HTML5 and XML, not in HTML 4's table
  } else if (const htmlEntityDesc* entity =
                 htmlEntityLookup(reinterpret_cast<const xmlChar*>(name))) {
    cp = entity->value;
  } else {
    return 0;
  }
  if (i < text.size() && text[i] == ';') ++i;
  append_utf8(out, cp);
  return i - at;
}

}  // namespace loupe::indexer
