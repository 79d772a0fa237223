// Which language a document is written in, from its text (CLD2), and when to trust what the
// document declares.
#pragma once

#include <string>
#include <string_view>

namespace loupe::analysis {

// The language of `text` as a normalised code (analysis/languages.h: "it", "ko"), or
// `fallback` when the text is too short or too mixed to tell. A `declared` language (an HTML
// `lang`, a document's metadata) is trusted only when the text agrees: when it is one of the
// languages found in a good share of the text. Authors copy templates, and Sphinx writes
// `lang="en"` on every translated page, so a declaration alone decides nothing.
std::string detect_language(std::string_view text, std::string_view declared,
                            std::string_view fallback);

}  // namespace loupe::analysis
