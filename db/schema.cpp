#include "db/schema.h"

#include <xxhash.h>

#include <cstdio>

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

}  // namespace loupe::db
