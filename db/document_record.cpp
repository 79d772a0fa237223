#include "db/document_record.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "db/schema.h"

namespace loupe::db {
namespace {

void put_varint(std::string& out, uint32_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

bool get_varint(std::string_view data, size_t& at, uint32_t& value) {
  value = 0;
  for (int shift = 0; shift < 35 && at < data.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(data[at++]);
    value |= static_cast<uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string encode_checkpoints(const std::vector<uint32_t>& offsets,
                               const std::vector<uint32_t>& positions) {
  std::string out;
  out.reserve(offsets.size() * 3 + 4);
  put_varint(out, static_cast<uint32_t>(offsets.size()));
  uint32_t last_offset = 0, last_position = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    put_varint(out, offsets[i] - last_offset);
    put_varint(out, positions[i] - last_position);
    last_offset = offsets[i];
    last_position = positions[i];
  }
  return out;
}

bool decode_checkpoints(std::string_view data, std::vector<uint32_t>& offsets,
                        std::vector<uint32_t>& positions) {
  size_t at = 0;
  uint32_t count = 0;
  if (!get_varint(data, at, count) || count > data.size()) return false;
  offsets.resize(count);
  positions.resize(count);
  uint32_t offset = 0, position = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t d_offset = 0, d_position = 0;
    if (!get_varint(data, at, d_offset) || !get_varint(data, at, d_position)) return false;
    offsets[i] = offset += d_offset;
    positions[i] = position += d_position;
  }
  return at == data.size();
}

void store_record(Xapian::Document& doc, const DocumentRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"path", r.path},
                      {"title", r.title},
                      {"type", r.type},
                      {"size", r.size},
                      {"modified", r.modified},
                      {"modified_ns", r.modified_ns},
                      {"hash", r.hash},
                      {"text_bytes", r.text_bytes}};
  doc.set_data(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  doc.add_value(kCheckpointSlot, encode_checkpoints(r.checkpoint_offsets, r.checkpoint_positions));
}

DocumentRecord load_record(const Xapian::Document& doc) {
  nlohmann::json j = nlohmann::json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
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
  if (!decode_checkpoints(doc.get_value(kCheckpointSlot), r.checkpoint_offsets,
                          r.checkpoint_positions))
    throw std::runtime_error("document " + r.id + " has damaged checkpoints");
  return r;
}

}  // namespace loupe::db
