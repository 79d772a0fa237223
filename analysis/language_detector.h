// Which language a document is written in, from its text (CLD2), and when to trust what the
// document declares.
#pragma once

#include <string>
#include <string_view>

namespace loupe::analysis {

// The language of `text` as a normalised code (analysis/languages.h: "it", "ko"), or
// `fallback` when the text is too short to tell. The language of the largest part of a mixed text
// wins. A `declared` language (an HTML `lang`, a document's metadata) is trusted only where the
// text is too short to be sure and shows that language: authors copy templates, and Sphinx
// writes `lang="en"` on every translated page, so a declaration alone decides nothing.
std::string detect_language(std::string_view text, std::string_view declared,
                            std::string_view fallback);

}  // namespace loupe::analysis
