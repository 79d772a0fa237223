#include "indexer/zip_archive.h"

#include <zip.h>

#include "indexer/document_reader.h"

namespace loupe::indexer {

ZipArchive::ZipArchive(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source != nullptr) zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip_ == nullptr) {
    if (source != nullptr) zip_source_free(source);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw ExtractionError("not a readable zip file (" + message + ")");
  }
  zip_error_fini(&error);
}

ZipArchive::~ZipArchive() {
  if (zip_ != nullptr) zip_discard(zip_);
}

bool ZipArchive::has(const std::string& name) const {
  return zip_name_locate(zip_, name.c_str(), 0) >= 0;
}

std::optional<std::string> ZipArchive::read(const std::string& name) {
  zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
  if (index < 0) return std::nullopt;
  zip_file_t* file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
  if (file == nullptr)
    throw ExtractionError(name + ": cannot be read (" + zip_strerror(zip_) + ")");
  std::string out;
  char chunk[1 << 16];
  zip_int64_t n;
  // The sizes a zip declares can lie: the limit is on what actually comes out.
  while ((n = zip_fread(file, chunk, sizeof chunk)) > 0) {
    out.append(chunk, static_cast<size_t>(n));
    inflated_ += static_cast<size_t>(n);
    if (out.size() > kMaxPartBytes || inflated_ > kMaxInflatedBytes) {
      zip_fclose(file);
      throw ExtractionError(
          name + " inflates to more than " +
          std::to_string((out.size() > kMaxPartBytes ? kMaxPartBytes : kMaxInflatedBytes) >> 20) +
          " MB (a zip bomb?)");
    }
  }
  bool damaged = n < 0;
  zip_fclose(file);
  if (damaged) throw ExtractionError(name + ": damaged (" + std::string(zip_strerror(zip_)) + ")");
  return out;
}

}  // namespace loupe::indexer
