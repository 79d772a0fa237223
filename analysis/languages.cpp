#include "analysis/languages.h"

#include <algorithm>
#include <iterator>

namespace loupe::analysis {

const LanguageInfo* language_by_code(std::string_view code) {
  for (const LanguageInfo& info : kLanguages)
    if (info.code == code) return &info;
  return nullptr;
}

std::string_view code_of_stemmer(std::string_view snowball) {
  for (const LanguageInfo& info : kLanguages)
    if (info.snowball == snowball || info.code == snowball) return info.code;
  for (const StemmerVariant& variant : kStemmerVariants)
    if (variant.snowball == snowball) return variant.code;
  return {};
}

bool strips_suffixes_only(std::string_view stemmer) {
  for (const LanguageInfo& info : kLanguages)
    if (info.snowball == stemmer || info.code == stemmer) return info.suffixes_only;
  for (const StemmerVariant& variant : kStemmerVariants)
    if (variant.snowball == stemmer) return variant.suffixes_only;
  return false;
}

std::string normalize_language_tag(std::string_view tag) {
  size_t end = tag.find_first_of("-_");
  std::string_view primary = tag.substr(0, end);
  if (primary.size() < 2 || primary.size() > 3) return {};
  std::string code;
  for (char c : primary) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return {};
    code += c;
  }
  // "un" and "xx" are CLD2's unknown; "und" is BCP 47's; "zxx" means no linguistic content.
  if (code == "un" || code == "und" || code == "xx" || code == "zxx" || code == "mul") return {};
  static constexpr std::pair<std::string_view, std::string_view> kFolded[] = {
      {"nb", "no"}, {"nn", "no"}, {"iw", "he"}, {"in", "id"}, {"ji", "yi"}};
  for (const auto& [from, to] : kFolded)
    if (code == from) return std::string(to);
  return code;
}

bool is_cjk_language(std::string_view code) {
  return code == "zh" || code == "ja" || code == "ko";
}

}  // namespace loupe::analysis
