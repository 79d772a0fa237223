#include "indexer/index_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "db/document_id.h"
#include "db/schema.h"
#include "indexer/file_preparer.h"
#include "indexer/file_walker.h"
#include "indexer/formats.h"
#include "indexer/index_writer.h"
#include "indexer/ordered_workers.h"
#include "indexer/synonyms.h"

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

// Threads that read and analyse files while this one writes: one per spare core. More would
// only wait for the writer.
size_t worker_count() {
  unsigned cores = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cores > 1 ? cores - 1 : 1, 1, 4);
}

// Files whose documents are being prepared, per worker: enough to keep every worker busy while
// the writer catches up, few enough to bound the memory of documents waiting to be written.
constexpr size_t kInFlightPerWorker = 8;

struct WorkerState {
  explicit WorkerState(const std::string& language) : builder(language) {}
  DocumentBuilder builder;
  std::string buffer;
};

std::vector<std::unique_ptr<WorkerState>> worker_states(const std::string& language) {
  std::vector<std::unique_ptr<WorkerState>> states;
  for (size_t i = 0; i < worker_count(); ++i)
    states.push_back(std::make_unique<WorkerState>(language));
  return states;
}

// Indexes the files of one run; its counters end up in IndexStats.
class Run {
 public:
  Run(IndexWriter& writer, Progress& progress, IndexStats& stats, const ExtractLimits& limits)
      : writer_(writer), progress_(progress), stats_(stats), limits_(limits) {}

  // Decides from the index alone what a file needs; the reading and analysing it may need
  // happens on a worker, and its result is applied here, in order. `in_root` holds the documents
  // already indexed from `root`. False when the id belongs to another root's file.
  bool index_file(const SourceFile& file, const std::string& root,
                  const std::unordered_set<Xapian::docid>& in_root) {
    Format format = format_for(file.path);
    if (format == nullptr) {
      std::string ext = file.path.extension().string();
      ++unsupported_[ext];
      stats_.skip(kSkippedUnsupported);
      return true;
    }
    std::optional<StoredDocument> previous = writer_.find(file.id);
    // An mbox is no document: its first message stands for it.
    std::optional<StoredDocument> first =
        previous || !format->parts ? previous : writer_.first_part_of(file.id);
    bool moved = first && in_root.count(first->docid) == 0;
    if (moved && taken_elsewhere(file, *first, root)) return false;
    bool relocated = first && (moved || first->record.path != file.path.string());
    // A file with parts is not touched but written again, parts and all, when it moved.
    bool rewrite_parts = relocated && format->parts;
    // Size and time first: a run over unchanged files reads no file at all.
    if (first && !rewrite_parts && !writer_.reanalyse_all() && first->record.size == file.size &&
        first->record.modified_ns == file.modified_ns) {
      // The same file under another spelling of its root, or a root that moved: no new text.
      if (relocated) writer_.touch(*previous, file.modified_ns, file.path.string(), root, moved);
      ++stats_.unchanged;
      return true;
    }
    // Started on the first file to read: a run with nothing to do pays for no threads.
    if (!workers_) workers_.emplace(worker_states(writer_.language()));
    while (workers_->pending() >= in_flight_) apply(workers_->next());
    workers_->submit(
        [job = FileJob{file, format, root, std::move(previous), moved, writer_.reanalyse_all(),
                       rewrite_parts, limits_}](WorkerState& state) mutable {
          return prepare_file(std::move(job), state.builder, state.buffer);
        });
    return true;
  }

  // Writes every file handed to the workers so far.
  void drain() {
    while (workers_ && workers_->pending() > 0) apply(workers_->next());
  }

  // Removes the root's documents under `scope` that the walk did not see, but for those under
  // a folder or file it could not read (`kept`).
  void remove_vanished(const std::string& root, const std::string& scope,
                       const std::unordered_set<std::string>& seen,
                       const std::vector<std::string>& kept) {
    for (const StoredDocument& stored : writer_.documents_from_root(root)) {
      // A part goes with its file.
      const std::string id(db::file_of(stored.record.id));
      if (seen.count(id) != 0 || !in_scope(id, scope) || covered(id, kept)) continue;
      // The walk skips hidden entries, so one given on its own ("docs/.private") is only gone
      // when its file is.
      std::error_code ec;
      if (hidden_below(id, scope) && fs::exists(fs::path(root) / id, ec)) continue;
      writer_.remove(stored);
      ++stats_.removed;
    }
  }

  // A folder's walk covers the roots inside it (a file or subfolder indexed on its own earlier):
  // the documents it indexed again under its own ids, and those whose files are gone, go. (One it
  // does not walk, a hidden folder given on its own, stays.)
  void absorb_roots_inside(const std::string& root, const std::unordered_set<std::string>& seen,
                           const std::vector<std::string>& kept) {
    for (const std::string& inner : writer_.roots_inside(root)) {
      std::string base = fs::path(inner).lexically_relative(root).generic_string();
      std::error_code ec;
      bool file_root = fs::is_regular_file(inner, ec);
      for (const StoredDocument& stored : writer_.documents_from_root(inner)) {
        std::string file_id(db::file_of(stored.record.id));
        std::string id = file_root ? base : base + "/" + file_id;
        fs::path file = file_root ? fs::path(inner) : fs::path(inner) / file_id;
        bool gone = !fs::exists(file, ec);
        if (covered(id, kept) || (seen.count(id) == 0 && !gone)) continue;
        writer_.remove(stored);
        ++stats_.removed;
      }
    }
  }

  // Roots that handed ids over because they are gone: what is left of them is gone too.
  void remove_abandoned() {
    for (const std::string& root : abandoned_) {
      for (const StoredDocument& stored : writer_.documents_from_root(root)) {
        writer_.remove(stored);
        ++stats_.removed;
      }
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
  // Whether a part of `id` below `scope` is hidden (starts with a dot).
  static bool hidden_below(const std::string& id, const std::string& scope) {
    size_t from = scope.empty() ? 0 : scope.size() + 1;
    for (size_t at = from; at < id.size(); at = id.find('/', at) + 1) {
      if (id[at] == '.') return true;
      if (id.find('/', at) == std::string::npos) break;
    }
    return false;
  }

  static bool covered(const std::string& id, const std::vector<std::string>& kept) {
    return std::any_of(kept.begin(), kept.end(),
                       [&](const std::string& scope) { return in_scope(id, scope); });
  }

  // Ids are relative to their root, so two roots can hold the same one. The root that indexed it
  // keeps it while its file is there, run after run, rather than the two replacing each other; a
  // root whose file is gone (a folder moved or renamed) hands it over.
  bool taken_elsewhere(const SourceFile& file, const StoredDocument& previous,
                       const std::string& root) {
    std::string owner = writer_.root_of(previous.docid);
    if (owner.empty() || owner == root) return false;
    const std::string prefix(db::prefix(db::Field::kRoot));
    if (owner[0] == '#') {
      // A root path too long for a term is stored hashed: it is ours, or one we cannot look at.
      if (prefix + owner == db::boolean_term(db::Field::kRoot, root)) return false;
      progress_.note(file.path.string() + ": skipped, id " + file.id + " is taken by another root");
      stats_.skip(kSkippedIdTaken);
      return true;
    }
    std::error_code ec;
    if (!fs::exists(owner, ec)) abandoned_.insert(owner);
    fs::path owner_file = fs::is_directory(owner, ec)
                              ? fs::path(owner) / std::string(db::file_of(previous.record.id))
                              : fs::path(owner);
    // A root that is gone or no longer has the file, or the same file reached through another
    // root (a file indexed alone, then its folder), hands the id over.
    if (!fs::is_regular_file(owner_file, ec) || fs::equivalent(owner_file, file.path, ec))
      return false;
    progress_.note(file.path.string() + ": skipped, id " + file.id + " is taken by " +
                   owner_file.string());
    stats_.skip(kSkippedIdTaken);
    return true;
  }

  void apply(const PreparedFile& prepared) {
    const FileJob& job = prepared.job;
    stats_.bytes_read += prepared.bytes_read;
    switch (prepared.outcome) {
      case PreparedFile::Outcome::kUnreadable:
        progress_.note(job.file.path.string() + ": cannot read: " + prepared.error);
        ++stats_.failed;
        problems_ = true;
        return;
      case PreparedFile::Outcome::kNotExtracted:
        // The document indexed from an earlier version stays: the reader may fail for a
        // moment (a time limit on a busy machine), and the old text is still the file's best.
        progress_.note(job.file.path.string() + ": skipped, " + prepared.error);
        stats_.skip(kSkippedNotExtracted);
        return;
      case PreparedFile::Outcome::kBinary:
        progress_.note(job.file.path.string() + ": skipped, binary content");
        stats_.skip(kSkippedBinary);
        if (job.previous) {
          writer_.remove(*job.previous);
          ++stats_.removed;
        }
        write_parts(job, {});
        return;
      case PreparedFile::Outcome::kTouched:
        writer_.touch(*job.previous, job.file.modified_ns, job.file.path.string(), job.root,
                      job.moved);
        ++stats_.unchanged;
        return;
      case PreparedFile::Outcome::kIndex:
        if (!prepared.container) {
          writer_.put(prepared.document, prepared.record, prepared.text, job.previous);
          ++(job.previous ? stats_.updated : stats_.added);
        } else if (job.previous) {
          writer_.remove(*job.previous);
          ++stats_.removed;
        }
        write_parts(job, prepared.parts);
        return;
    }
  }

  // The file's parts as they are now: each written over the one of its id, those no longer
  // there removed. Counted as documents.
  void write_parts(const FileJob& job, const std::vector<PreparedFile::Part>& parts) {
    if (!job.format->parts) return;  // its files have none: no lookup for every file written
    const std::string& file_id = job.file.id;
    std::unordered_map<std::string, StoredDocument> old;
    for (StoredDocument& stored : writer_.parts_of(file_id))
      old.emplace(stored.record.id, std::move(stored));
    for (const PreparedFile::Part& part : parts) {
      auto it = old.find(part.record.id);
      std::optional<StoredDocument> previous;
      if (it != old.end()) {
        previous = std::move(it->second);
        old.erase(it);
      }
      writer_.put(part.document, part.record, part.text, previous);
      ++(previous ? stats_.updated : stats_.added);
    }
    for (const auto& [id, stored] : old) {
      writer_.remove(stored);
      ++stats_.removed;
    }
  }

  IndexWriter& writer_;
  Progress& progress_;
  IndexStats& stats_;
  const ExtractLimits& limits_;
  std::map<std::string, size_t> unsupported_;
  std::set<std::string> abandoned_;
  bool problems_ = false;
  std::optional<OrderedWorkers<PreparedFile, WorkerState>> workers_;
  size_t in_flight_ = worker_count() * kInFlightPerWorker;
};

struct RootFiles {
  Root root;
  std::vector<SourceFile> files;
  std::vector<std::string> unreadable;  // ids (or folders of ids) the walk could not look at
  bool complete = true;                 // it could read the root itself

  // The root whose id space this walk is in: its own, or the indexed folder holding it.
  std::string key() const { return root.id_folder().string(); }
};

// Paths given together that lie inside another given folder are walked with it.
void drop_nested(std::vector<RootFiles>& roots, Progress& progress) {
  std::vector<bool> nested(roots.size(), false);
  for (size_t i = 0; i < roots.size(); ++i) {
    for (const RootFiles& o : roots) {
      if (!o.root.is_directory || !inside(roots[i].root.canonical, o.root.canonical)) continue;
      progress.note(roots[i].root.given.string() + ": inside " + o.root.given.string() +
                    ", indexed with it");
      nested[i] = true;
      break;
    }
  }
  std::vector<RootFiles> kept;
  for (size_t i = 0; i < roots.size(); ++i)
    if (!nested[i]) kept.push_back(std::move(roots[i]));
  roots = std::move(kept);
}

// A path inside a folder this database indexes is part of that folder: same ids, no copies.
void find_enclosing_roots(std::vector<RootFiles>& roots, const IndexWriter& writer) {
  for (RootFiles& r : roots) {
    for (fs::path p = r.root.canonical.parent_path(); !p.empty() && p != p.parent_path();
         p = p.parent_path()) {
      if (!writer.has_root(p.string())) continue;
      r.root.id_base = p;
      r.root.scope = r.root.canonical.lexically_relative(p).generic_string();
      break;
    }
  }
}

// Stage 1, roots: the given paths that exist, each folder once, nested ones folded into theirs.
// `missing` is set when a path is not there.
std::vector<RootFiles> find_roots(const std::vector<std::string>& paths, Progress& progress,
                                  bool& missing) {
  std::vector<RootFiles> roots;
  for (const std::string& given : paths) {
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
    fs::path canonical = fs::canonical(given, ec);
    auto same = std::find_if(roots.begin(), roots.end(),
                             [&](const RootFiles& r) { return r.root.canonical == canonical; });
    // `docs docs/` or `docs $PWD/docs` is one folder: a second walk would find its files taken
    // and count them twice.
    if (same != roots.end()) {
      progress.note(given + ": the same as " + same->root.given.string() + ", indexed once");
      continue;
    }
    roots.push_back({Root{given, canonical, fs::is_directory(status), {}, {}}, {}, {}, true});
  }
  drop_nested(roots, progress);
  return roots;
}

// Stage 2, walk: each root's files (the database's own folder left out). Returns their number.
size_t walk_roots(std::vector<RootFiles>& roots, const IndexOptions& options, IndexStats& stats,
                  Progress& progress) {
  const fs::path& db = options.db;
  std::error_code ec;
  fs::path db_path = fs::weakly_canonical(db, ec);
  size_t total = 0;
  for (RootFiles& r : roots) {
    r.files = list_files(r.root, db_path, [&](const std::string& id, const std::string& error) {
      progress.note(error);
      ++stats.failed;
      if (id == r.root.scope)
        r.complete = false;
      else
        r.unreadable.push_back(id);
    });
    // Another shard's files are not seen: the removal of what was not seen takes them out.
    if (options.shards > 1)
      std::erase_if(r.files, [&](const SourceFile& file) {
        return db::shard_of(file.id, options.shards) != options.shard;
      });
    total += r.files.size();
  }
  return total;
}

// Stage 3, index: every root's files into the (uncommitted) index, then what is gone out of it.
// False when interrupted.
bool index_roots(std::vector<RootFiles>& roots, size_t total, IndexWriter& writer, Run& run,
                 IndexStats& stats, Progress& progress, const std::function<bool()>& interrupted) {
  size_t done = 0;
  std::unordered_map<std::string, std::string> claimed;  // id -> the root that indexed it
  for (RootFiles& r : roots) {
    std::string root_key = r.key();
    std::unordered_set<Xapian::docid> in_root = writer.docids_from_root(root_key);
    std::unordered_set<std::string> seen;
    for (const SourceFile& file : r.files) {
      if (interrupted()) return false;
      progress.update(++done, total, stats.bytes_read);
      // Two roots of one run holding the same id: the first that indexes it keeps it.
      auto owner = claimed.find(file.id);
      if (owner != claimed.end() && owner->second != root_key) {
        progress.note(file.path.string() + ": skipped, id " + file.id + " is taken by " +
                      owner->second);
        stats.skip(kSkippedIdTaken);
        continue;
      }
      if (run.index_file(file, root_key, in_root)) {
        claimed.emplace(file.id, root_key);
        seen.insert(file.id);
      }
    }
    run.drain();
    if (!r.unreadable.empty()) run.mark_problem();
    if (!r.complete) {
      run.mark_problem();
      continue;
    }
    run.remove_vanished(root_key, r.root.scope, seen, r.unreadable);
    if (r.root.scope.empty() && r.root.is_directory)
      run.absorb_roots_inside(root_key, seen, r.unreadable);
  }
  run.remove_abandoned();
  return !interrupted();
}

// Replaces the database's synonyms with those of `file`. False (with a note) when it cannot be
// read.
bool load_synonyms(const fs::path& file, IndexWriter& writer, Progress& progress) {
  analysis::Analyzer analyzer(writer.language());
  std::string error;
  std::optional<std::vector<SynonymGroup>> groups = read_synonyms(file, analyzer, error);
  if (!groups) {
    progress.note(error);
    return false;
  }
  writer.set_synonyms(synonym_pairs(*groups, analyzer));
  return true;
}

}  // namespace

void IndexStats::skip(const char* reason) {
  ++skipped;
  ++skipped_reasons[reason];
}

RunResult run_index(const IndexOptions& options, Progress& progress,
                    const std::function<bool()>& interrupted, IndexStats& stats) {
  auto started = std::chrono::steady_clock::now();
  bool missing = false;
  std::vector<RootFiles> roots = find_roots(options.paths, progress, missing);
  // The database is no document: a root that is it, or inside it, would index its own files.
  {
    std::error_code ec;
    fs::path db = fs::weakly_canonical(options.db, ec);
    if (db.has_parent_path() && db.filename().empty()) db = db.parent_path();
    std::erase_if(roots, [&](const RootFiles& r) {
      bool in_db = r.root.canonical == db || inside(r.root.canonical, db);
      if (in_db) progress.note(r.root.given.string() + ": is the database itself, not indexed");
      return in_db;
    });
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
  writer->set_shard(options.shard, options.shards);
  if (!options.synonyms.empty() && !load_synonyms(options.synonyms, *writer, progress)) {
    writer->cancel();
    return RunResult::kFailed;
  }
  find_enclosing_roots(roots, *writer);
  size_t total = walk_roots(roots, options, stats, progress);
  if (writer->reanalyse_all())
    progress.note(options.db.string() +
                  ": written by another version of loupe-index; every file is analysed again");

  ExtractLimits limits = options.extract_limits;
  limits.stop = interrupted;
  Run run(*writer, progress, stats, limits);
  try {
    // Stage 4, commit: all of the run in one transaction, or nothing of it.
    if (!index_roots(roots, total, *writer, run, stats, progress, interrupted)) {
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
      "added %zu, updated %zu, removed %zu, unchanged %zu, skipped %zu, failed %zu in %.2f s "
      "(%.1f MB/s)",
      s.added, s.updated, s.removed, s.unchanged, s.skipped, s.failed, s.seconds, mb_per_s);
  return line;
}

std::string summary_json(const IndexStats& s, RunResult result, const Progress& progress) {
  static constexpr std::pair<RunResult, const char*> kResults[] = {
      {RunResult::kDone, "done"},
      {RunResult::kPartial, "partial"},
      {RunResult::kFailed, "failed"},
      {RunResult::kInterrupted, "interrupted"},
  };
  const char* name = "failed";
  for (const auto& [r, text] : kResults)
    if (r == result) name = text;
  double mb_per_s = s.seconds > 0 ? static_cast<double>(s.bytes_read) / 1e6 / s.seconds : 0.0;
  nlohmann::ordered_json notes = nlohmann::ordered_json::array();
  for (const std::string& note : progress.notes()) notes.push_back(note);
  nlohmann::ordered_json out = {
      {"result", name},
      {"added", s.added},
      {"updated", s.updated},
      {"removed", s.removed},
      {"unchanged", s.unchanged},
      {"skipped", s.skipped},
      {"skipped_reasons", s.skipped_reasons},
      {"failed", s.failed},
      {"bytes_read", s.bytes_read},
      {"seconds", std::round(s.seconds * 1000) / 1000},
      {"mb_per_s", std::round(mb_per_s * 100) / 100},
      {"notes", notes},
      {"notes_total", progress.note_count()},
  };
  // File names need not be UTF-8: replace what is not, rather than throw.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace loupe::indexer
