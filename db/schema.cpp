#include "db/schema.h"

#include <xxhash.h>

#include <cstdio>
#include <ctime>

namespace loupe::db {

const FieldInfo* field_by_name(std::string_view name) {
  for (const FieldInfo& info : kFields)
    if (!info.name.empty() && info.name == name) return &info;
  return nullptr;
}

std::string boolean_term(Field field, std::string_view value) {
  std::string term(prefix(field));
  // Xapian refuses terms over 245 bytes; a hash keeps very long values unique and findable.
  if (term.size() + 1 + value.size() > 240) {
    char hex[24];
    std::snprintf(hex, sizeof hex, "#%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(value.data(), value.size())));
    return term + hex;
  }
  if (!value.empty() && value.front() >= 'A' && value.front() <= 'Z') term += ':';
  term += value;
  return term;
}

std::vector<std::string> folders_of(std::string_view id) {
  std::vector<std::string> out;
  for (size_t slash = id.find('/'); slash != std::string_view::npos;
       slash = id.find('/', slash + 1))
    if (slash > 0) out.emplace_back(id.substr(0, slash));
  return out;
}

bool is_spelling_word(std::string_view term) {
  if (term.size() < 3 || term.size() > 40) return false;
  auto first = static_cast<unsigned char>(term[0]);
  if (!((first >= 'a' && first <= 'z') || (first >= 0xC2 && first <= 0xDF))) return false;
  for (char c : term) {
    auto byte = static_cast<unsigned char>(c);
    // ASCII must be letters; of the rest, two-byte sequences only (Latin, Greek, Cyrillic…).
    if (byte < 0x80 ? !(byte >= 'a' && byte <= 'z') : byte >= 0xE0) return false;
  }
  return true;
}

void set_document_values(Xapian::Document& doc, std::string_view type, std::string_view id,
                         int64_t modified, std::string_view language) {
  doc.add_value(kModifiedSlot, Xapian::sortable_serialise(static_cast<double>(modified)));
  std::time_t t = static_cast<std::time_t>(modified);
  std::tm utc{};
  char year[16] = "";
  if (gmtime_r(&t, &utc) != nullptr) std::snprintf(year, sizeof year, "%04d", utc.tm_year + 1900);
  size_t slash = id.rfind('/');
  std::string_view folder =
      slash == std::string_view::npos ? std::string_view() : id.substr(0, slash);
  std::string facets(type);
  facets += '\0';
  facets += folder;
  facets += '\0';
  facets += year;
  facets += '\0';
  facets += language;
  doc.add_value(kFacetSlot, facets);
}

}  // namespace loupe::db
