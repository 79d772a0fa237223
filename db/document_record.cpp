#include "db/document_record.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

#include "db/schema.h"

namespace loupe::db {
namespace {

void put_varint64(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

bool get_varint64(std::string_view data, size_t& at, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 70 && at < data.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(data[at++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void put_string(std::string& out, const std::string& s) {
  put_varint64(out, s.size());
  out += s;
}

bool get_string(std::string_view data, size_t& at, std::string& s) {
  uint64_t size = 0;
  if (!get_varint64(data, at, size) || size > data.size() - at) return false;
  s.assign(data.substr(at, size));
  at += size;
  return true;
}

}  // namespace

std::string encode_checkpoints(const std::vector<uint32_t>& offsets,
                               const std::vector<uint32_t>& positions) {
  std::string out;
  out.reserve(offsets.size() * 3 + 4);
  put_varint64(out, offsets.size());
  uint32_t last_offset = 0, last_position = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    put_varint64(out, offsets[i] - last_offset);
    put_varint64(out, positions[i] - last_position);
    last_offset = offsets[i];
    last_position = positions[i];
  }
  return out;
}

namespace {

// Reads checkpoints from `at` on, and leaves `at` after them.
bool decode_checkpoints_at(std::string_view data, size_t& at, std::vector<uint32_t>& offsets,
                           std::vector<uint32_t>& positions) {
  uint64_t count = 0;
  if (!get_varint64(data, at, count) || count > data.size()) return false;
  offsets.resize(count);
  positions.resize(count);
  uint64_t offset = 0, position = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t d_offset = 0, d_position = 0;
    if (!get_varint64(data, at, d_offset) || !get_varint64(data, at, d_position)) return false;
    offset += d_offset;
    position += d_position;
    if (offset > UINT32_MAX || position > UINT32_MAX) return false;
    offsets[i] = static_cast<uint32_t>(offset);
    positions[i] = static_cast<uint32_t>(position);
  }
  return true;
}

void put_pages(std::string& out, const DocumentRecord& r) {
  put_string(out, r.page_kind);
  put_string(out, r.author);
  put_varint64(out, static_cast<uint64_t>(r.created));
  put_varint64(out, r.page_positions.size());
  uint32_t last_position = 0, last_offset = 0;
  for (size_t i = 0; i < r.page_positions.size(); ++i) {
    put_varint64(out, r.page_positions[i] - last_position);
    put_varint64(out, r.page_offsets[i] - last_offset);
    put_string(out, i < r.page_names.size() ? r.page_names[i] : std::string());
    last_position = r.page_positions[i];
    last_offset = r.page_offsets[i];
  }
  put_string(out, r.parent);
  put_string(out, r.parent_title);
  put_string(out, r.language);
}

bool get_pages(std::string_view data, size_t& at, DocumentRecord& r) {
  uint64_t created = 0, count = 0;
  if (!get_string(data, at, r.page_kind) || !get_string(data, at, r.author) ||
      !get_varint64(data, at, created) || !get_varint64(data, at, count) || count > data.size())
    return false;
  r.created = static_cast<int64_t>(created);
  uint64_t position = 0, offset = 0;
  bool named = false;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t d_position = 0, d_offset = 0;
    std::string name;
    if (!get_varint64(data, at, d_position) || !get_varint64(data, at, d_offset) ||
        !get_string(data, at, name))
      return false;
    position += d_position;
    offset += d_offset;
    if (position > UINT32_MAX || offset > UINT32_MAX) return false;
    r.page_positions.push_back(static_cast<uint32_t>(position));
    r.page_offsets.push_back(static_cast<uint32_t>(offset));
    named = named || !name.empty();
    r.page_names.push_back(std::move(name));
  }
  if (!named) r.page_names.clear();
  return get_string(data, at, r.parent) && get_string(data, at, r.parent_title) &&
         get_string(data, at, r.language) && at == data.size();
}

}  // namespace

bool decode_checkpoints(std::string_view data, std::vector<uint32_t>& offsets,
                        std::vector<uint32_t>& positions) {
  size_t at = 0;
  return decode_checkpoints_at(data, at, offsets, positions) && at == data.size();
}

size_t page_of(const DocumentRecord& record, uint32_t position) {
  const std::vector<uint32_t>& starts = record.page_positions;
  if (starts.empty()) return 0;
  auto after = std::upper_bound(starts.begin(), starts.end(), position);
  return after == starts.begin() ? 1 : static_cast<size_t>(after - starts.begin());
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
  if (!r.page_kind.empty()) {
    j["page_kind"] = r.page_kind;
    j["pages"] = r.page_positions.size();
  }
  if (!r.author.empty()) j["author"] = r.author;
  if (r.created != 0) j["created"] = r.created;
  if (!r.parent.empty()) j["parent"] = r.parent;
  if (!r.language.empty()) j["lang"] = r.language;
  doc.set_data(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::string binary;
  for (const std::string* s : {&r.id, &r.path, &r.title, &r.type, &r.hash}) put_string(binary, *s);
  for (uint64_t n : {r.size, static_cast<uint64_t>(r.modified),
                     static_cast<uint64_t>(r.modified_ns), r.text_bytes})
    put_varint64(binary, n);
  binary += encode_checkpoints(r.checkpoint_offsets, r.checkpoint_positions);
  // After the checkpoints, so that records written before pages existed still read.
  if (!r.page_kind.empty() || !r.author.empty() || r.created != 0 || !r.parent.empty() ||
      !r.language.empty())
    put_pages(binary, r);
  doc.add_value(kRecordSlot, binary);
}

DocumentRecord load_record(const Xapian::Document& doc) {
  std::string binary = doc.get_value(kRecordSlot);
  std::string_view data(binary);
  DocumentRecord r;
  size_t at = 0;
  uint64_t modified = 0, modified_ns = 0;
  bool ok = true;
  for (std::string* s : {&r.id, &r.path, &r.title, &r.type, &r.hash})
    ok = ok && get_string(data, at, *s);
  for (uint64_t* n : {&r.size, &modified, &modified_ns, &r.text_bytes})
    ok = ok && get_varint64(data, at, *n);
  ok = ok && decode_checkpoints_at(data, at, r.checkpoint_offsets, r.checkpoint_positions);
  ok = ok && (at == data.size() || get_pages(data, at, r));
  if (!ok)
    throw std::runtime_error("document " + std::to_string(doc.get_docid()) +
                             " is not a Loupe record");
  r.modified = static_cast<int64_t>(modified);
  r.modified_ns = static_cast<int64_t>(modified_ns);
  return r;
}

std::vector<size_t> ascending_order(const std::vector<Xapian::docid>& docids) {
  std::vector<size_t> order(docids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return docids[a] < docids[b]; });
  return order;
}

}  // namespace loupe::db
