#include "indexer/backup.h"

#include <xapian.h>

#include <system_error>

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

// A writer that commits twice during a copy can reuse the blocks being read
// (DatabaseModifiedError); each try starts at the newest revision.
constexpr int kTries = 5;

}  // namespace

BackupResult backup_database(const fs::path& db, const fs::path& target) {
  std::error_code ec;
  if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
    return {false, "--backup " + target.string() + ": exists and is not an empty folder"};
  if (!fs::exists(db / "iamglass", ec)) return {false, "--db " + db.string() + ": no database"};
  // A folder of its own first, renamed at the end: no one mistakes half a copy for a backup.
  fs::path partial = target;
  partial += ".partial";
  std::string last_error;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    try {
      Xapian::Database source(db.string());
      Xapian::rev revision = source.get_revision();
      Xapian::doccount documents = source.get_doccount();
      fs::remove_all(partial, ec);
      source.compact(partial.string(), Xapian::DBCOMPACT_NO_RENUMBER | Xapian::DBCOMPACT_MULTIPASS);
      if (fs::exists(target, ec)) fs::remove(target, ec);  // the empty folder given
      fs::rename(partial, target, ec);
      if (ec) return {false, "--backup " + target.string() + ": " + ec.message()};
      return {true, "backed up revision " + std::to_string(revision) + " (" +
                        std::to_string(documents) + " documents) to " + target.string()};
    } catch (const Xapian::DatabaseModifiedError& e) {
      last_error = e.get_description();
    } catch (const Xapian::Error& e) {
      fs::remove_all(partial, ec);
      return {false, "--backup: " + e.get_description()};
    } catch (const fs::filesystem_error& e) {
      fs::remove_all(partial, ec);
      return {false, "--backup " + target.string() + ": " + e.code().message()};
    }
  }
  fs::remove_all(partial, ec);
  return {false, "--backup: the database changed faster than it could be copied (" + last_error +
                     "); try again"};
}

}  // namespace loupe::indexer
