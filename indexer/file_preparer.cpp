#include "indexer/file_preparer.h"

#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "indexer/extractor.h"
#include "indexer/text_decoder.h"

namespace loupe::indexer {
namespace {

bool read_file(const std::filesystem::path& path, std::string& bytes, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  bytes.clear();
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.append(chunk, n);
  bool ok = std::ferror(f) == 0;
  if (!ok) error = std::strerror(errno);
  std::fclose(f);
  return ok;
}

std::string hash_hex(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return hex;
}

}  // namespace

PreparedFile prepare_file(FileJob job, DocumentBuilder& builder, std::string& buffer) {
  PreparedFile out;
  out.job = std::move(job);
  const SourceFile& file = out.job.file;
  if (!read_file(file.path, buffer, out.error)) {
    out.outcome = PreparedFile::Outcome::kUnreadable;
    return out;
  }
  out.bytes_read = buffer.size();
  Format format = detect_format(out.job.format, buffer);
  if (format == nullptr || (format->text && looks_binary(buffer))) {
    out.outcome = PreparedFile::Outcome::kBinary;
    return out;
  }
  db::DocumentRecord& record = out.record;
  record.id = file.id;
  record.path = file.path.string();
  record.type = std::string(format_name(format));
  record.size = file.size;
  record.modified_ns = file.modified_ns;
  record.modified = file.modified_ns / 1000000000;
  record.hash = hash_hex(buffer);
  const std::optional<StoredDocument>& previous = out.job.previous;
  if (previous && !out.job.reanalyse && previous->record.hash == record.hash) {
    out.outcome = PreparedFile::Outcome::kTouched;
    return out;
  }
  ExtractedDocument extracted;
  try {
    if (format->text)
      extracted = read_document(format, decode_text(buffer));
    else if (format->isolated)
      extracted = extract_isolated(format, file.path, out.job.limits);
    else
      extracted = read_document(format, buffer);
  } catch (const ExtractionError& e) {
    out.error = e.what();
    out.outcome = PreparedFile::Outcome::kNotExtracted;
    return out;
  }
  out.document = builder.build(record, extracted, out.job.root);
  out.text = std::move(extracted.text);
  out.outcome = PreparedFile::Outcome::kIndex;
  return out;
}

}  // namespace loupe::indexer
