#include "indexer/file_walker.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

// False for anything but a regular file; `error` is set when the file could not be looked at
// (a dangling link is simply not a file).
bool stat_file(const fs::path& path, SourceFile& file, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) error = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) return false;
  file.size = static_cast<uint64_t>(st.st_size);
  file.modified_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

// The id of a path found `relative` to the walked root; "" for the root of a whole-root walk.
std::string join_id(const std::string& scope, const std::string& relative) {
  if (relative.empty() || relative == ".") return scope;
  return scope.empty() ? relative : scope + "/" + relative;
}

// A symlinked file is read only when what it points at lies inside the walked folder: a link to
// /etc/passwd in a shared folder must not put that file in the index (omindex and Recoll do not
// follow links by default either).
bool links_inside(const fs::directory_entry& entry, const fs::path& folder) {
  std::error_code ec;
  if (!entry.is_symlink(ec)) return true;
  fs::path target = fs::canonical(entry.path(), ec);
  if (ec) return true;  // dangling: stat_file finds no file there
  return inside(target, folder);
}

bool is_hidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

bool inside(const fs::path& path, const fs::path& folder) {
  const std::string& p = path.native();
  const std::string& f = folder.native();
  return p.size() > f.size() && p.compare(0, f.size(), f) == 0 && p[f.size()] == '/';
}

bool in_scope(const std::string& id, const std::string& scope) {
  return scope.empty() || id == scope ||
         (id.size() > scope.size() && id.compare(0, scope.size(), scope) == 0 &&
          id[scope.size()] == '/');
}

std::vector<SourceFile> list_files(
    const Root& root, const fs::path& exclude,
    const std::function<void(const std::string& id, const std::string& message)>& on_error) {
  std::vector<SourceFile> files;
  std::string error;
  if (!root.is_directory) {
    SourceFile file{root.given, root.id_base.empty() ? root.given.filename().string() : root.scope};
    if (stat_file(root.given, file, error)) files.push_back(std::move(file));
    if (!error.empty()) on_error(file.id, root.given.string() + ": " + error);
    return files;
  }
  // One folder at a time rather than a recursive iterator, so that a folder that cannot be
  // read is reported by name and the walk goes on with the others.
  std::vector<fs::path> folders{root.given};
  while (!folders.empty()) {
    fs::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      if (is_hidden(entry.path())) continue;
      std::error_code type_ec;
      // Symlinked folders are not followed: a link loop cannot trap the walk.
      if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) {
        if (exclude.empty() || !fs::equivalent(entry.path(), exclude, type_ec))
          folders.push_back(entry.path());
        continue;
      }
      // Inside the indexed folder the ids are relative to: walking "docs/sub" alone keeps what
      // walking "docs" keeps.
      if (!links_inside(entry, root.id_folder())) continue;
      SourceFile file;
      file.path = entry.path();
      file.id = join_id(root.scope, entry.path().lexically_relative(root.given).generic_string());
      error.clear();
      if (stat_file(entry.path(), file, error)) files.push_back(std::move(file));
      if (!error.empty()) on_error(file.id, entry.path().string() + ": " + error);
    }
    if (ec)
      on_error(join_id(root.scope, folder.lexically_relative(root.given).generic_string()),
               folder.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.id < b.id; });
  return files;
}

}  // namespace loupe::indexer
