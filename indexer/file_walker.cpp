#include "indexer/file_walker.h"

#include <sys/stat.h>

#include <algorithm>

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

bool stat_file(const fs::path& path, SourceFile& file) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  file.size = static_cast<uint64_t>(st.st_size);
  file.modified_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

bool is_hidden(const fs::path& path) {
  std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

std::vector<SourceFile> list_files(const Root& root, const fs::path& exclude,
                                   const std::function<void(const std::string&)>& on_error) {
  std::vector<SourceFile> files;
  if (!root.is_directory) {
    SourceFile file{root.given, root.given.filename().string()};
    if (stat_file(root.given, file)) files.push_back(std::move(file));
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
      SourceFile file;
      file.path = entry.path();
      file.id = entry.path().lexically_relative(root.given).generic_string();
      if (stat_file(entry.path(), file)) files.push_back(std::move(file));
    }
    if (ec) on_error(folder.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.id < b.id; });
  return files;
}

}  // namespace loupe::indexer
