// Watches the trees of loupe-index's roots with inotify and says which folders changed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace loupe::indexer {

class FolderWatcher {
 public:
  using Note = std::function<void(const std::string&)>;

  // `exclude`: a folder never watched (the database's own). Throws std::system_error when the
  // system has no inotify to give.
  FolderWatcher(std::filesystem::path exclude, Note note);
  ~FolderWatcher();
  FolderWatcher(const FolderWatcher&) = delete;
  FolderWatcher& operator=(const FolderWatcher&) = delete;

  // Watches a root as loupe-index walks it: a folder's tree, hidden folders left out and
  // symlinks not followed; a file through its folder. Changed paths are reported as `given`
  // spells the root, so that a run over them stores the paths a full run would.
  void watch_root(const std::string& given);

  // For poll(2): readable when events wait.
  int fd() const { return fd_; }

  // Reads the waiting events (does not block) and notes what they touched. Folders that appear
  // are watched at once, so a file written into a new folder is not missed.
  void read_events();

  // The paths to index again since the last call, outermost only, each the nearest folder (or
  // file root) that still exists. Empty when nothing changed.
  std::vector<std::string> take_changed();

  // Whether events were lost (the kernel's queue overflowed) since the last call: everything must
  // be looked at again. Watches are set up anew first, since folder events may be among those lost.
  bool take_overflow();

  // Whether every folder of the roots is watched: false when one could not be (permissions, the
  // system's limit of watches), and only rescans find changes there.
  bool complete() const { return unwatched_ == 0 && !root_lost_; }
  // Whether a root's own folder went away (moved, deleted, unmounted): it must be found again.
  bool root_lost() const { return root_lost_; }
  size_t watched_folders() const { return folders_.size(); }

  // Drops every watch and sets them up again: after an overflow, or to retry folders that could
  // not be watched, or a root that was moved away.
  void rewatch();

 private:
  struct RootInfo {
    std::string given;
    std::filesystem::path canonical;
    bool is_directory = true;
  };
  // One watch can serve several roots: a file root's folder may be another root, or hold a
  // second file root.
  struct Folder {
    std::filesystem::path path;  // canonical
    std::vector<size_t> roots;   // indexes into roots_
  };

  void watch_tree(const std::filesystem::path& folder, size_t root);
  bool watch_folder(const std::filesystem::path& folder, size_t root);
  void unwatch_tree(const std::filesystem::path& folder);
  void changed(const std::filesystem::path& path, size_t root);
  // What one event on `folder` means for `root`.
  void apply(const Folder& folder, size_t root, uint32_t mask, const std::string& name);
  // The root's place on disk, from its spelling now (a symlink may point elsewhere than it did).
  void locate(RootInfo& root) const;
  // `path` (canonical, under root `root`) as the root's given spelling.
  std::string spelled(const std::filesystem::path& path, const RootInfo& root) const;

  int fd_ = -1;
  std::filesystem::path exclude_;
  Note note_;
  std::vector<RootInfo> roots_;
  std::unordered_map<int, Folder> folders_;  // by watch descriptor
  std::set<std::pair<size_t, std::filesystem::path>> changed_;
  size_t unwatched_ = 0;
  bool root_lost_ = false;  // a root's own folder was moved, deleted or unmounted
  bool overflow_ = false;
  bool limit_noted_ = false;
};

}  // namespace loupe::indexer
