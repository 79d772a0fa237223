// HTML character references (&eacute; &#233; &#x2019;), shared by the HTML and Markdown readers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace loupe::indexer {

// Decodes the reference at text[at] ('&'): appends its value (UTF-8) to `out` and returns its
// length, or returns 0 when it is not one (the '&' is then literal). Named references come from
// libxml2's HTML entity table.
size_t decode_reference(std::string_view text, size_t at, std::string& out);

}  // namespace loupe::indexer
