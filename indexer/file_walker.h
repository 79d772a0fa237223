// Finds the files under the paths given to loupe-index and their ids.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace loupe::indexer {

struct SourceFile {
  std::filesystem::path path;  // as the user would write it: the given root joined with the id
  std::string id;              // relative to the root ("sub/file.md"); a file root's own name
  uint64_t size = 0;
  int64_t modified_ns = 0;
};

struct Root {
  std::filesystem::path given;      // as typed on the command line
  std::filesystem::path canonical;  // identifies the root across runs
  bool is_directory = false;
  // Ids are given relative to this folder: empty for the root itself (a file root's id is its
  // name), or an indexed folder that holds the root, so that "docs/sub" after "docs" re-indexes
  // part of "docs" under the same ids rather than adding copies. `scope` is then the root's path
  // within it ("sub"), and only ids under it are this walk's.
  std::filesystem::path id_base;
  std::string scope;

  // The folder this root's ids are relative to: the root's own, or the indexed one holding it.
  const std::filesystem::path& id_folder() const { return id_base.empty() ? canonical : id_base; }
};

// Whether `path` lies under `folder` (both canonical); a folder is not inside itself.
bool inside(const std::filesystem::path& path, const std::filesystem::path& folder);

// Whether `id` is `scope` itself or lies under it ("sub" holds "sub" and "sub/a.txt").
bool in_scope(const std::string& id, const std::string& scope);

// Every regular file under `root` (or the root itself), sorted by id. Hidden files and folders
// and `exclude` (the database itself) are left out; symlinked folders are not followed, so a link
// loop cannot trap the walk, and a symlinked file only when it points inside the root. A folder
// that cannot be listed or a file that cannot be looked at goes to `on_error` with the id (or
// scope) it would have had, and the walk goes on.
std::vector<SourceFile> list_files(
    const Root& root, const std::filesystem::path& exclude,
    const std::function<void(const std::string& id, const std::string& message)>& on_error);

}  // namespace loupe::indexer
