// loupe-index --backup: a consistent copy of a database that is being served and written.
#pragma once

#include <filesystem>
#include <string>

namespace loupe::indexer {

struct BackupResult {
  bool ok = false;
  std::string message;  // what was copied, or why nothing was
};

// Copies the last committed revision of `db` into `target` (which must not exist, or be an
// empty folder) with Xapian's compactor: documents, positions, metadata (the documents' text,
// settings), spelling and synonyms, with docids kept. Readers and a writer may go on meanwhile;
// a copy overtaken by the writer's commits is started again.
BackupResult backup_database(const std::filesystem::path& db, const std::filesystem::path& target);

}  // namespace loupe::indexer
