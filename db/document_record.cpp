#include "db/document_record.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace loupe::db {

std::string encode_record(const DocumentRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"path", r.path},
                      {"title", r.title},
                      {"type", r.type},
                      {"size", r.size},
                      {"modified", r.modified},
                      {"modified_ns", r.modified_ns},
                      {"hash", r.hash},
                      {"text_bytes", r.text_bytes},
                      {"chunk_offsets", r.chunk_offsets},
                      {"chunk_positions", r.chunk_positions}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

DocumentRecord decode_record(std::string_view data) {
  nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::runtime_error("document data is not a Loupe record");
  DocumentRecord r;
  r.id = j.value("id", "");
  r.path = j.value("path", "");
  r.title = j.value("title", "");
  r.type = j.value("type", "");
  r.size = j.value("size", uint64_t{0});
  r.modified = j.value("modified", int64_t{0});
  r.modified_ns = j.value("modified_ns", int64_t{0});
  r.hash = j.value("hash", "");
  r.text_bytes = j.value("text_bytes", uint64_t{0});
  r.chunk_offsets = j.value("chunk_offsets", std::vector<uint32_t>{});
  r.chunk_positions = j.value("chunk_positions", std::vector<uint32_t>{});
  if (r.chunk_offsets.size() != r.chunk_positions.size())
    throw std::runtime_error("document record has inconsistent chunk tables");
  return r;
}

}  // namespace loupe::db
