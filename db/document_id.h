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

// Documents inside a file (an mbox's messages, a message's attachments) have ids of their own:
// the file's id, "//", and the part's key ("box.mbox//3", "mail.eml//report.pdf"). A file's id
// is a normal relative path, which never holds "//".
inline constexpr std::string_view kPartSeparator = "//";
std::string part_id(std::string_view file_id, std::string_view key);
// The id of the file a document comes from: the id itself, but for a part's.
std::string_view file_of(std::string_view id);
inline bool is_part(std::string_view id) {
  return id.find(kPartSeparator) != std::string_view::npos;
}
// What a document is called within its file: a part's last key ("report.pdf" of
// "mail.eml//report.pdf"), or the file's own id.
std::string_view own_name(std::string_view id);

// Which of `count` shards holds the file with id `file_id` (0-based): a hash of the id, so that
// shards get even shares of any folder, and a file stays in its shard from run to run. A file's
// parts go where the file goes.
unsigned shard_of(std::string_view file_id, unsigned count);

// The stored id that `public_form` is the public_id of, when that id is not UTF-8; nullopt when
// `public_form` is no such id (it then names a document as it is).
std::optional<std::string> stored_id(std::string_view public_form);

}  // namespace loupe::db
