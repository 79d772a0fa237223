#include "indexer/index_run.h"

#include <xxhash.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "indexer/document_reader.h"
#include "indexer/file_walker.h"
#include "indexer/index_writer.h"
#include "indexer/text_decoder.h"

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

bool read_file(const fs::path& path, std::string& bytes, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  bytes.clear();
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.append(buffer, n);
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

// Indexes the files of one run; its counters end up in IndexStats.
class Run {
 public:
  Run(IndexWriter& writer, Progress& progress, IndexStats& stats)
      : writer_(writer), progress_(progress), stats_(stats) {}

  void index_file(const SourceFile& file, const std::string& root) {
    std::optional<Format> format = format_for(file.path);
    if (!format) {
      std::string ext = file.path.extension().string();
      ++unsupported_[ext];
      ++stats_.skipped;
      return;
    }
    std::optional<StoredDocument> previous = writer_.find(file.id);
    // Size and time first: a run over unchanged files reads no file at all.
    if (previous && previous->record.size == file.size &&
        previous->record.modified_ns == file.modified_ns &&
        previous->record.path == file.path.string()) {
      ++stats_.unchanged;
      return;
    }
    std::string error;
    if (!read_file(file.path, bytes_, error)) {
      progress_.note(file.path.string() + ": cannot read: " + error);
      ++stats_.skipped;
      problems_ = true;
      return;
    }
    stats_.bytes_read += bytes_.size();
    if (looks_binary(bytes_)) {
      progress_.note(file.path.string() + ": skipped, binary content");
      ++stats_.skipped;
      if (previous) {
        writer_.remove(*previous);
        ++stats_.removed;
      }
      return;
    }
    db::DocumentRecord record;
    record.id = file.id;
    record.path = file.path.string();
    record.type = std::string(format_name(*format));
    record.size = file.size;
    record.modified_ns = file.modified_ns;
    record.modified = file.modified_ns / 1000000000;
    record.hash = hash_hex(bytes_);
    if (previous && previous->record.hash == record.hash && previous->record.path == record.path) {
      writer_.touch(*previous, file.modified_ns);
      ++stats_.unchanged;
      return;
    }
    std::string text = decode_text(bytes_);
    writer_.put(std::move(record), read_document(*format, text), root, previous);
    ++(previous ? stats_.updated : stats_.added);
  }

  void remove_vanished(const std::string& root, const std::unordered_set<std::string>& seen) {
    for (const StoredDocument& stored : writer_.documents_from_root(root)) {
      if (seen.count(stored.record.id) != 0) continue;
      writer_.remove(stored);
      ++stats_.removed;
    }
  }

  void report_unsupported() {
    if (unsupported_.empty()) return;
    size_t total = 0;
    std::string kinds;
    for (const auto& [ext, count] : unsupported_) {
      total += count;
      if (!kinds.empty()) kinds += ", ";
      kinds += (ext.empty() ? std::string("no extension") : ext) + " " + std::to_string(count);
    }
    progress_.note("skipped " + std::to_string(total) + " files of types Loupe does not read (" +
                   kinds + ")");
  }

  bool problems() const { return problems_; }
  void mark_problem() { problems_ = true; }

 private:
  IndexWriter& writer_;
  Progress& progress_;
  IndexStats& stats_;
  std::string bytes_;  // reused: one file's contents at a time
  std::map<std::string, size_t> unsupported_;
  bool problems_ = false;
};

struct RootFiles {
  Root root;
  std::vector<SourceFile> files;
  bool complete = true;  // the walk saw every entry, so missing files really are gone
};

}  // namespace

RunResult run_index(const IndexOptions& options, Progress& progress,
                    const std::function<bool()>& interrupted, IndexStats& stats) {
  auto started = std::chrono::steady_clock::now();
  bool missing = false;
  std::vector<RootFiles> roots;
  for (const std::string& given : options.paths) {
    std::error_code ec;
    fs::file_status status = fs::status(given, ec);
    if (!fs::exists(status)) {
      progress.note(given + ": no such file or folder");
      missing = true;
      continue;
    }
    if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
      progress.note(given + ": not a file or folder");
      missing = true;
      continue;
    }
    roots.push_back({Root{given, fs::canonical(given, ec), fs::is_directory(status)}, {}, true});
  }
  if (roots.empty()) {
    progress.note("nothing to index");
    return RunResult::kFailed;
  }

  std::optional<IndexWriter> writer;
  try {
    writer.emplace(options.db, options.language);
  } catch (const DatabaseError& e) {
    progress.note(e.what());
    return RunResult::kFailed;
  }

  std::error_code ec;
  fs::path db_path = fs::weakly_canonical(options.db, ec);
  size_t total = 0;
  for (RootFiles& r : roots) {
    r.files = list_files(r.root, db_path, [&](const std::string& error) {
      progress.note(error);
      r.complete = false;
    });
    total += r.files.size();
  }

  Run run(*writer, progress, stats);
  size_t done = 0;
  std::unordered_map<std::string, std::string> claimed;  // id -> the root that indexed it
  try {
    for (RootFiles& r : roots) {
      std::string root_key = r.root.canonical.string();
      std::unordered_set<std::string> seen;
      for (const SourceFile& file : r.files) {
        if (interrupted()) {
          writer->cancel();
          progress.finish();
          return RunResult::kInterrupted;
        }
        progress.update(++done, total, stats.bytes_read);
        // Ids are relative to their root, so two roots can hold the same one: the first wins,
        // every run alike, rather than the two replacing each other run after run.
        auto [owner, fresh] = claimed.emplace(file.id, r.root.given.string());
        if (!fresh && owner->second != r.root.given.string()) {
          progress.note(file.path.string() + ": skipped, id " + file.id + " is taken by " +
                        owner->second);
          ++stats.skipped;
          continue;
        }
        seen.insert(file.id);
        run.index_file(file, root_key);
      }
      if (r.complete)
        run.remove_vanished(root_key, seen);
      else
        run.mark_problem();
    }
    if (interrupted()) {
      writer->cancel();
      progress.finish();
      return RunResult::kInterrupted;
    }
    writer->commit();
  } catch (const Xapian::Error& e) {
    progress.note("--db " + options.db.string() + ": " + e.get_description());
    return RunResult::kFailed;
  }
  progress.finish();
  run.report_unsupported();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return missing || run.problems() ? RunResult::kPartial : RunResult::kDone;
}

std::string summary_line(const IndexStats& s) {
  char line[256];
  double mb_per_s = s.seconds > 0 ? static_cast<double>(s.bytes_read) / 1e6 / s.seconds : 0.0;
  std::snprintf(
      line, sizeof line,
      "added %zu, updated %zu, removed %zu, unchanged %zu, skipped %zu in %.2f s (%.1f MB/s)",
      s.added, s.updated, s.removed, s.unchanged, s.skipped, s.seconds, mb_per_s);
  return line;
}

}  // namespace loupe::indexer
