// How a document's id, the bytes of its file name, is written for clients and read back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loupe::db {

// The id a client sees: the stored id itself when it is UTF-8, as almost every file name is.
// Otherwise JSON could not carry it unchanged (it would arrive with U+FFFD in it, naming no
// document), so '%' and each byte outside a well-formed character are percent-encoded
// ("caf\xE9.txt" -> "caf%E9.txt").
std::string public_id(std::string_view stored);

// The stored id that `public_form` is the public_id of, when that id is not UTF-8; nullopt when
// `public_form` is no such id (it then names a document as it is).
std::optional<std::string> stored_id(std::string_view public_form);

}  // namespace loupe::db
