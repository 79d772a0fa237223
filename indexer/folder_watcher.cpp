#include "indexer/folder_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "indexer/file_walker.h"

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

// What makes a folder's files differ from what the index holds. IN_MODIFY as well as
// IN_CLOSE_WRITE: a file kept open (a log, an editor's buffer) is still picked up; IN_ATTRIB for
// touch and permission changes. The kernel merges repeats of one event, and the loop batches
// the rest.
constexpr uint32_t kFolderEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                   IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF |
                                   IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

bool hidden(const std::string& name) {
  return !name.empty() && name[0] == '.';
}

// "db/" and "db" are one folder: compare paths without a trailing separator.
fs::path without_trailing_separator(fs::path path) {
  if (path.has_parent_path() && path.filename().empty()) path = path.parent_path();
  return path;
}

}  // namespace

FolderWatcher::FolderWatcher(fs::path exclude, Note note)
    : exclude_(without_trailing_separator(std::move(exclude))), note_(std::move(note)) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
}

FolderWatcher::~FolderWatcher() {
  if (fd_ >= 0) close(fd_);
}

void FolderWatcher::locate(RootInfo& root) const {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(root.given, ec);
  if (ec) canonical = fs::absolute(root.given, ec);
  root.canonical = without_trailing_separator(canonical);
  root.is_directory = !fs::is_regular_file(root.canonical, ec);
}

void FolderWatcher::watch_root(const std::string& given) {
  RootInfo info{given, {}, true};
  locate(info);
  roots_.push_back(info);
  size_t root = roots_.size() - 1;
  if (info.is_directory)
    watch_tree(info.canonical, root);
  else
    watch_folder(info.canonical.parent_path(), root);
}

void FolderWatcher::rewatch() {
  for (const auto& [wd, folder] : folders_) inotify_rm_watch(fd_, wd);
  folders_.clear();
  unwatched_ = 0;
  root_lost_ = false;
  limit_noted_ = false;
  for (size_t root = 0; root < roots_.size(); ++root) {
    RootInfo& info = roots_[root];
    locate(info);
    if (info.is_directory)
      watch_tree(info.canonical, root);
    else
      watch_folder(info.canonical.parent_path(), root);
  }
}

bool FolderWatcher::watch_folder(const fs::path& folder, size_t root) {
  int wd = inotify_add_watch(fd_, folder.c_str(), kFolderEvents);
  if (wd < 0) {
    int error = errno;
    ++unwatched_;
    if (error == ENOENT || error == ENOTDIR) return false;  // gone meanwhile: its parent says so
    if (error == ENOSPC) {
      if (!limit_noted_)
        note_("cannot watch " + folder.string() +
              " and more: the system's limit of inotify watches is reached "
              "(sysctl fs.inotify.max_user_watches); changes there are found by the rescan");
      limit_noted_ = true;
    } else {
      note_("cannot watch " + folder.string() + ": " + std::strerror(error) +
            "; changes there are found by the rescan");
    }
    return false;
  }
  // The same folder watched again (for another root) is the same watch.
  Folder& entry = folders_[wd];
  if (entry.path.empty()) entry.path = folder;
  if (std::find(entry.roots.begin(), entry.roots.end(), root) == entry.roots.end())
    entry.roots.push_back(root);
  return true;
}

void FolderWatcher::watch_tree(const fs::path& top, size_t root) {
  if (top == exclude_ || !watch_folder(top, root)) return;
  std::error_code ec;
  fs::recursive_directory_iterator it(top, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_error;
    // As the walk: hidden folders, the database and symlinked folders are not indexed.
    if (!entry.is_directory(type_error) || entry.is_symlink(type_error)) continue;
    if (hidden(entry.path().filename().string()) || entry.path() == exclude_ ||
        !watch_folder(entry.path(), root))
      it.disable_recursion_pending();
  }
}

void FolderWatcher::unwatch_tree(const fs::path& folder) {
  for (auto it = folders_.begin(); it != folders_.end();) {
    if (it->second.path == folder || inside(it->second.path, folder)) {
      inotify_rm_watch(fd_, it->first);
      it = folders_.erase(it);
    } else {
      ++it;
    }
  }
}

void FolderWatcher::changed(const fs::path& path, size_t root) {
  changed_.emplace(root, path);
}

void FolderWatcher::read_events() {
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) return;  // EAGAIN: all read
    for (char* at = buffer; at < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        overflow_ = true;
        continue;
      }
      auto found = folders_.find(event->wd);
      if (found == folders_.end()) continue;
      if (event->mask & IN_IGNORED) {  // the folder is gone, or its watch was removed
        folders_.erase(found);
        continue;
      }
      const Folder folder = found->second;
      std::string name = event->len > 0 ? std::string(event->name) : std::string();
      for (size_t root : folder.roots) apply(folder, root, event->mask, name);
    }
  }
}

void FolderWatcher::apply(const Folder& folder, size_t root, uint32_t mask,
                          const std::string& name) {
  const RootInfo& info = roots_[root];
  if (name.empty()) {  // the folder itself was moved, deleted or unmounted
    bool top = info.is_directory ? folder.path == info.canonical
                                 : folder.path == info.canonical.parent_path();
    // Its watch now follows the folder wherever it went, or nothing: the root must be looked
    // for again, by its name.
    if (top && (mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_UNMOUNT))) root_lost_ = true;
    changed(folder.path.parent_path(), root);
    return;
  }
  if (!info.is_directory) {  // a file root: only its own name counts
    if (name == info.canonical.filename().string()) changed(info.canonical, root);
    return;
  }
  // A file root's folder can be watched for a folder root too; only its own tree counts.
  if (folder.path != info.canonical && !inside(folder.path, info.canonical)) return;
  if (hidden(name)) return;
  fs::path path = folder.path / name;
  if (mask & IN_ISDIR) {
    if (mask & (IN_CREATE | IN_MOVED_TO)) watch_tree(path, root);
    if (mask & IN_MOVED_FROM) unwatch_tree(path);
  }
  changed(folder.path, root);
}

bool FolderWatcher::take_overflow() {
  bool lost = overflow_;
  overflow_ = false;
  return lost;
}

std::string FolderWatcher::spelled(const fs::path& path, const RootInfo& root) const {
  if (path == root.canonical) return root.given;
  return (fs::path(root.given) / path.lexically_relative(root.canonical)).string();
}

std::vector<std::string> FolderWatcher::take_changed() {
  std::vector<std::pair<size_t, fs::path>> paths;
  for (auto [root, path] : changed_) {
    const RootInfo& info = roots_[root];
    // A folder that is gone is looked at from the nearest one that is not, up to the root.
    std::error_code ec;
    while (path != info.canonical && inside(path, info.canonical) && !fs::exists(path, ec))
      path = path.parent_path();
    if (path != info.canonical && !inside(path, info.canonical)) path = info.canonical;
    paths.emplace_back(root, path);
  }
  changed_.clear();
  // Outermost only: a run over a folder covers everything under it.
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  const fs::path* last = nullptr;
  size_t last_root = 0;
  for (const auto& [root, path] : paths) {
    if (last && last_root == root && (path == *last || inside(path, *last))) continue;
    out.push_back(spelled(path, roots_[root]));
    last = &path;
    last_root = root;
  }
  return out;
}

}  // namespace loupe::indexer
