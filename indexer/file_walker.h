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
};

// Every regular file under `root` (or the root itself), sorted by id. Hidden files and folders
// and `exclude` (the database itself) are left out; symlinked folders are not followed, so a link
// loop cannot trap the walk. Problems with single entries go to `on_error` and the walk goes on.
std::vector<SourceFile> list_files(const Root& root, const std::filesystem::path& exclude,
                                   const std::function<void(const std::string&)>& on_error);

}  // namespace loupe::indexer
