// Korean stems: a Hangul word without the particles and endings written onto it ("패치를" ->
// "패치"), so that a noun finds its inflected forms. Snowball has no Korean stemmer.
#pragma once

#include <string>
#include <string_view>

namespace loupe::analysis {

// Whether `term` (UTF-8, folded) starts with a Hangul syllable.
bool is_hangul_word(std::string_view term);

// `term` without its trailing particles and endings, one after another ("개발자들은" ->
// "개발자"), or `term` when it has none. A particle is taken off only where Korean would write
// it: one that follows a final consonant (을, 은, 이, 과, 으로, ...) only after a syllable with
// one, and its twin that follows a vowel (를, 는, 가, 와, 로, ...) only after one without, which
// keeps "국가" (nation) and "사이" (between) whole. At least one syllable always stays.
std::string korean_stem(std::string_view term);

}  // namespace loupe::analysis
