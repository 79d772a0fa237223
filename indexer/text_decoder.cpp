#include "indexer/text_decoder.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unistr.h>

#include <memory>

#include "analysis/utf8.h"

namespace loupe::indexer {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool has_utf16_bom(std::string_view bytes) {
  return starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF");
}

std::string convert(std::string_view bytes, const char* charset) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()), charset);
  if (text.isBogus()) return analysis::repair_utf8(bytes);
  std::string out;
  text.toUTF8String(out);
  (void)status;
  return out;
}

// ICU's detector, used only for text that is not UTF-8; below this confidence the guess is
// noise and Windows-1252, the most common legacy encoding of Western text, is the better bet.
std::string detect_charset(std::string_view bytes) {
  constexpr int32_t kMinConfidence = 30;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status),
                                                                      ucsdet_close);
  if (U_FAILURE(status)) return "windows-1252";
  int32_t sample = static_cast<int32_t>(std::min<size_t>(bytes.size(), 64 * 1024));
  ucsdet_setText(detector.get(), bytes.data(), sample, &status);
  const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
  if (U_FAILURE(status) || match == nullptr) return "windows-1252";
  const char* name = ucsdet_getName(match, &status);
  int32_t confidence = ucsdet_getConfidence(match, &status);
  if (U_FAILURE(status) || name == nullptr || confidence < kMinConfidence) return "windows-1252";
  std::string charset(name);
  // A UTF-8 verdict here means "mostly UTF-8": repair it rather than transcode it.
  if (charset == "UTF-8") return {};
  return charset;
}

}  // namespace

bool looks_binary(std::string_view bytes) {
  if (has_utf16_bom(bytes)) return false;
  std::string_view head = bytes.substr(0, 8192);
  size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1B)
      ++control;
  }
  return !head.empty() && control * 10 > head.size();
}

std::string decode_text(std::string_view bytes) {
  if (starts_with(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (analysis::is_valid_utf8(bytes)) return std::string(bytes);
  if (starts_with(bytes, "\xFF\xFE"))
    return analysis::repair_utf8(convert(bytes.substr(2), "UTF-16LE"));
  if (starts_with(bytes, "\xFE\xFF"))
    return analysis::repair_utf8(convert(bytes.substr(2), "UTF-16BE"));
  // UTF-8 with a stray byte or two (a pasted Latin-1 character, a cut-off file) is still UTF-8:
  // ICU's detector would rank a legacy charset first and garble every accented letter. In
  // legacy text, bytes that happen to form valid multi-byte UTF-8 are rare.
  analysis::Utf8Census census = analysis::utf8_census(bytes);
  if (census.multibyte > 0 && census.multibyte >= census.invalid)
    return analysis::repair_utf8_as_windows1252(bytes);
  std::string charset = detect_charset(bytes);
  if (charset.empty()) return analysis::repair_utf8(bytes);
  // Mostly Western legacy text with some UTF-8 in it: each part in its own encoding.
  bool western = charset == "ISO-8859-1" || charset == "windows-1252" || charset == "ISO-8859-15";
  if (western && census.multibyte > 0) return analysis::repair_utf8_as_windows1252(bytes);
  return analysis::repair_utf8(convert(bytes, charset.c_str()));
}

}  // namespace loupe::indexer
