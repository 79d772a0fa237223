// Reads one new or changed file and builds its document: the part of indexing that needs no
// database, so it can run beside the thread writing one.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "indexer/document_builder.h"
#include "indexer/extractor.h"
#include "indexer/file_walker.h"
#include "indexer/formats.h"
#include "indexer/index_writer.h"

namespace loupe::indexer {

struct FileJob {
  SourceFile file;
  Format format;     // as the file's name says; its content may say otherwise (detect_format)
  std::string root;  // the canonical root, for the root term
  std::optional<StoredDocument> previous;  // this id's document in the index, if any
  bool moved = false;                      // `previous` was indexed from another root
  bool reanalyse = false;                  // analyse the text even when its bytes are the same
  // A file with parts (db/document_id.h) whose path or root changed: its parts are written anew
  // with it, so it is read again even when its bytes are the same.
  bool rewrite_parts = false;
  ExtractLimits limits = {};  // for a binary format's reader
};

struct PreparedFile {
  enum class Outcome {
    kIndex,         // document, record and text are ready to write
    kTouched,       // same content as `previous`: only the time changed
    kBinary,        // skipped: not text, nor a format Loupe reads
    kNotExtracted,  // skipped: its reader failed, `error` says why
    kUnreadable,    // skipped: `error` says why
  };
  FileJob job;
  Outcome outcome = Outcome::kUnreadable;
  std::string error;
  uint64_t bytes_read = 0;
  db::DocumentRecord record;
  Xapian::Document document;
  std::string text;
  // The documents inside the file (an e-mail's attachments, an mbox's messages), in order: a
  // part's parent comes before it.
  struct Part {
    db::DocumentRecord record;
    Xapian::Document document;
    std::string text;
  };
  std::vector<Part> parts;
  bool container = false;  // the file is no document itself, only its parts are (an mbox)
};

// Never touches the database. `buffer` is scratch space for the file's bytes, reused between
// calls by the same thread.
PreparedFile prepare_file(FileJob job, DocumentBuilder& builder, std::string& buffer);

}  // namespace loupe::indexer
