#include "indexer/folder_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

}  // namespace

FolderWatcher::FolderWatcher(fs::path exclude, Note note)
    : exclude_(std::move(exclude)), note_(std::move(note)) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
}

FolderWatcher::~FolderWatcher() {
  if (fd_ >= 0) close(fd_);
}

void FolderWatcher::watch_root(const std::string& given) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(given, ec);
  if (ec) canonical = fs::absolute(given, ec);
  bool is_directory = !fs::is_regular_file(canonical, ec);
  roots_.push_back({given, canonical, is_directory});
  size_t root = roots_.size() - 1;
  if (is_directory)
    watch_tree(canonical, root);
  else
    watch_folder(canonical.parent_path(), root);
}

void FolderWatcher::rewatch() {
  for (const auto& [wd, folder] : folders_) inotify_rm_watch(fd_, wd);
  folders_.clear();
  unwatched_ = 0;
  limit_noted_ = false;
  for (size_t root = 0; root < roots_.size(); ++root) {
    const RootInfo& info = roots_[root];
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
  // A folder reached twice (a hard-linked or bind-mounted one) keeps its first root.
  folders_.emplace(wd, Folder{folder, root});
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
      const RootInfo& root = roots_[folder.root];
      std::string name = event->len > 0 ? std::string(event->name) : std::string();
      if (name.empty()) {  // the folder itself was moved or deleted
        changed(folder.path.parent_path(), folder.root);
        continue;
      }
      if (!root.is_directory) {  // a file root: only its own name counts
        if (name == root.canonical.filename().string()) changed(root.canonical, folder.root);
        continue;
      }
      if (hidden(name)) continue;
      fs::path path = folder.path / name;
      if (event->mask & IN_ISDIR) {
        if (event->mask & (IN_CREATE | IN_MOVED_TO)) watch_tree(path, folder.root);
        if (event->mask & IN_MOVED_FROM) unwatch_tree(path);
      }
      changed(folder.path, folder.root);
    }
  }
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
