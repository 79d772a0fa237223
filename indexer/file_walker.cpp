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
  std::error_code ec;
  fs::recursive_directory_iterator it(root.given, fs::directory_options::skip_permission_denied,
                                      ec);
  if (ec) {
    on_error(root.given.string() + ": " + ec.message());
    return files;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      on_error(root.given.string() + ": " + ec.message());
      break;
    }
    const fs::directory_entry& entry = *it;
    if (is_hidden(entry.path())) {
      if (entry.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_directory(ec)) {
      if (!exclude.empty() && fs::equivalent(entry.path(), exclude, ec))
        it.disable_recursion_pending();
      continue;
    }
    SourceFile file;
    file.path = entry.path();
    file.id = entry.path().lexically_relative(root.given).generic_string();
    if (stat_file(entry.path(), file)) files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.id < b.id; });
  return files;
}

}  // namespace loupe::indexer
