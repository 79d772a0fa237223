#include "analysis/korean.h"

namespace loupe::analysis {
namespace {

// Which syllable a particle is written after.
enum class After {
  kConsonant,      // one with a final consonant (받침): 책을, 책은
  kVowel,          // one without: 나라를, 나라는
  kVowelOrL,       // without, or with ㄹ: 서울로, 나라로
  kConsonantNotL,  // with a final consonant other than ㄹ: 책으로
  kAny,      // any syllable, of a word of two or more left (커널의; not 정의, "definition")
  kAnyLong,  // any, with a word of one or more left: particles of two syllables and more
};

struct Particle {
  std::string_view text;
  After after;
};

// The common case particles, their combinations with the topic and focus particles, the plural,
// and the endings that make a noun a verb or an adjective (사용하다, 기술적인).
constexpr Particle kParticles[] = {
    {"을", After::kConsonant},
    {"를", After::kVowel},
    {"은", After::kConsonant},
    {"는", After::kVowel},
    {"이", After::kConsonant},
    {"가", After::kVowel},
    {"과", After::kConsonant},
    {"와", After::kVowel},
    {"으로", After::kConsonantNotL},
    {"로", After::kVowelOrL},
    {"으로서", After::kConsonantNotL},
    {"로서", After::kVowelOrL},
    {"으로써", After::kConsonantNotL},
    {"로써", After::kVowelOrL},
    {"으로는", After::kConsonantNotL},
    {"로는", After::kVowelOrL},
    {"이나", After::kConsonant},
    {"나", After::kVowel},
    {"이랑", After::kConsonant},
    {"랑", After::kVowel},
    {"이라도", After::kConsonant},
    {"라도", After::kVowel},
    {"이라고", After::kConsonant},
    {"라고", After::kVowel},
    {"이라는", After::kConsonant},
    {"라는", After::kVowel},
    {"이며", After::kConsonant},
    {"이다", After::kConsonant},
    {"입니다", After::kConsonant},
    {"이고", After::kConsonant},
    {"의", After::kAny},
    {"에", After::kAny},
    {"도", After::kAny},
    {"만", After::kAny},
    {"들", After::kAny},
    {"께", After::kAny},
    {"뿐", After::kAny},
    {"에서", After::kAnyLong},
    {"에게", After::kAnyLong},
    {"에게서", After::kAnyLong},
    {"한테", After::kAnyLong},
    {"께서", After::kAnyLong},
    {"까지", After::kAnyLong},
    {"부터", After::kAnyLong},
    {"보다", After::kAnyLong},
    {"처럼", After::kAnyLong},
    {"마다", After::kAnyLong},
    {"조차", After::kAnyLong},
    {"마저", After::kAnyLong},
    {"하고", After::kAnyLong},
    {"에는", After::kAnyLong},
    {"에도", After::kAnyLong},
    {"에서는", After::kAnyLong},
    {"에서도", After::kAnyLong},
    {"에게는", After::kAnyLong},
    {"까지는", After::kAnyLong},
    {"부터는", After::kAnyLong},
    {"만큼", After::kAnyLong},
    {"밖에", After::kAnyLong},
    {"하다", After::kAnyLong},
    {"하는", After::kAnyLong},
    {"하여", After::kAnyLong},
    {"해서", After::kAnyLong},
    {"했다", After::kAnyLong},
    {"합니다", After::kAnyLong},
    {"하기", After::kAnyLong},
    {"하면", After::kAnyLong},
    {"하지", After::kAnyLong},
    {"된다", After::kAnyLong},
    {"되는", After::kAnyLong},
    {"되어", After::kAnyLong},
    {"됩니다", After::kAnyLong},
    {"적인", After::kAnyLong},
    {"적으로", After::kAnyLong},
};

constexpr char32_t kFirstSyllable = 0xAC00;
constexpr char32_t kLastSyllable = 0xD7A3;
constexpr size_t kSyllableBytes = 3;  // every Hangul syllable is three bytes of UTF-8
constexpr int kFinals = 28;           // final consonants, "none" included
constexpr int kFinalL = 8;            // ㄹ

// The Hangul syllable encoded at term[at, at + 3), or 0.
char32_t syllable_at(std::string_view term, size_t at) {
  if (at + kSyllableBytes > term.size()) return 0;
  auto b0 = static_cast<unsigned char>(term[at]);
  auto b1 = static_cast<unsigned char>(term[at + 1]);
  auto b2 = static_cast<unsigned char>(term[at + 2]);
  if ((b0 & 0xF0) != 0xE0 || (b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return 0;
  char32_t c = (static_cast<char32_t>(b0 & 0x0F) << 12) | (static_cast<char32_t>(b1 & 0x3F) << 6) |
               static_cast<char32_t>(b2 & 0x3F);
  return c >= kFirstSyllable && c <= kLastSyllable ? c : 0;
}

// The object, topic and subject particles: common enough after nouns of one syllable (책을).
bool is_case_particle(std::string_view text) {
  for (std::string_view p : {"을", "를", "은", "는", "이", "가"})
    if (text == p) return true;
  return false;
}

bool fits(After after, char32_t before, size_t syllables_left) {
  int final_consonant = static_cast<int>((before - kFirstSyllable) % kFinals);
  switch (after) {
    case After::kConsonant:
      return final_consonant != 0;
    case After::kVowel:
      return final_consonant == 0;
    case After::kConsonantNotL:
      return final_consonant != 0 && final_consonant != kFinalL;
    case After::kVowelOrL:
      return final_consonant == 0 || final_consonant == kFinalL;
    case After::kAny:
      return syllables_left >= 2;
    case After::kAnyLong:
      return true;
  }
  return false;
}

// The longest particle that ends `term` where Korean writes it, or 0 bytes.
size_t particle_length(std::string_view term) {
  size_t best = 0;
  for (const Particle& p : kParticles) {
    if (p.text.size() <= best || p.text.size() + kSyllableBytes > term.size()) continue;
    if (term.substr(term.size() - p.text.size()) != p.text) continue;
    size_t stem_end = term.size() - p.text.size();
    char32_t before = syllable_at(term, stem_end - kSyllableBytes);
    if (before == 0) continue;
    size_t left = stem_end / kSyllableBytes;
    // One syllable is left only by a particle of two or more, or by a case particle: nouns of
    // two syllables end in 과, 나, 도 often enough (결과, 하나, 속도) to be kept whole.
    if (left < 2 && p.text.size() == kSyllableBytes && !is_case_particle(p.text)) continue;
    if (fits(p.after, before, left)) best = p.text.size();
  }
  return best;
}

}  // namespace

bool is_hangul_word(std::string_view term) {
  return syllable_at(term, 0) != 0;
}

std::string korean_stem(std::string_view term) {
  // Only a word of Hangul syllables alone: in one that mixes in Latin letters or digits
  // ("USB를"), the particle's form follows how the Latin is read, which is not written.
  if (term.size() % kSyllableBytes != 0) return std::string(term);
  for (size_t at = 0; at < term.size(); at += kSyllableBytes)
    if (syllable_at(term, at) == 0) return std::string(term);
  while (size_t length = particle_length(term)) term.remove_suffix(length);
  return std::string(term);
}

}  // namespace loupe::analysis
