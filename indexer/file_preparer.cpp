#include "indexer/file_preparer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "db/document_id.h"
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

// Each part is a document of the file's kind (its size and time, so that the file's change is
// theirs), with its own type, content hash and id, and its parent's id and title. An attachment
// is dated by its message.
void build_parts(PreparedFile& out, std::vector<ExtractedPart>& parts, DocumentBuilder& builder) {
  const db::DocumentRecord& file = out.record;
  struct Parent {
    std::string title;
    int64_t modified;
  };
  std::unordered_map<std::string, Parent> parents;  // by key; "" the file's own document
  if (!out.container) parents.emplace("", Parent{file.title, file.modified});
  for (ExtractedPart& part : parts) {
    PreparedFile::Part built;
    db::DocumentRecord& record = built.record;
    record.id = db::part_id(file.id, part.key);
    record.path = file.path;
    record.type = part.type;
    record.size = file.size;
    record.modified_ns = file.modified_ns;
    record.modified = file.modified_ns / 1000000000;
    record.hash = part.hash;
    auto parent = parents.find(part.parent);
    if (parent != parents.end()) {
      record.parent = part.parent.empty() ? file.id : db::part_id(file.id, part.parent);
      record.parent_title = parent->second.title;
      record.modified = parent->second.modified;
    }
    built.document = builder.build(record, part.doc, out.job.root);
    built.text = std::move(part.doc.text);
    parents.emplace(part.key, Parent{record.title, record.modified});
    out.parts.push_back(std::move(built));
  }
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
  record.hash = content_hash(buffer);
  const std::optional<StoredDocument>& previous = out.job.previous;
  if (previous && !out.job.reanalyse && !out.job.rewrite_parts &&
      previous->record.hash == record.hash) {
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
  out.container = extracted.container;
  if (!out.container) {
    out.document = builder.build(record, extracted, out.job.root);
    out.text = std::move(extracted.text);
  }
  build_parts(out, extracted.parts, builder);
  out.outcome = PreparedFile::Outcome::kIndex;
  return out;
}

}  // namespace loupe::indexer
