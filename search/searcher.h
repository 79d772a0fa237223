// Answers searches and document lookups against one open Xapian database (one per thread).
#pragma once

#include <xapian.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "db/document_cache.h"
#include "search/facets.h"
#include "search/query_parser.h"
#include "search/shard_set.h"
#include "search/snippet.h"
#include "search/spelling.h"
#include "search/term_expansion.h"

namespace loupe::search {

struct Hit {
  std::string id;  // as clients see it: db::public_id
  std::string title;
  std::string path;
  std::string type;      // the format's name: "text", "markdown", "html", "pdf", ...
  int64_t modified = 0;  // seconds since the epoch
  double score = 0;
  std::string snippet;     // escaped HTML with <mark>
  std::string title_html;  // escaped HTML with <mark>
  // The page (slide, sheet) the snippet is on, from 1; 0 for documents without pages.
  size_t page = 0;
  std::string page_kind;  // "page", "slide", "sheet"
  std::string page_name;  // a sheet's name
  std::string author;     // from the format's metadata, when known
  std::string language;   // ISO 639-1 code of the language it was read in; "" when unknown
  // The document this one is part of (an attachment's message), when it is one: db::DocumentRecord.
  std::string parent_id;  // as clients see it
  std::string parent_title;
  // Other files with the same content, collapsed into this hit: their ids and paths.
  struct Copy {
    std::string id;
    std::string path;
  };
  std::vector<Copy> copies;
};

enum class SortOrder { kRelevance, kNewest, kOldest };

struct SearchRequest {
  std::string query;
  unsigned page = 1;  // from 1
  unsigned per_page = 10;
  // By relevance, documents with every word come before those with only some; by date too,
  // each group in date order. A query of filters only lists the newest first.
  SortOrder sort = SortOrder::kRelevance;
  std::vector<Facet> facets;  // counted over every match
  // When the query as typed finds nothing, search its spelling suggestion instead.
  bool correct = true;
};

struct SearchResults {
  uint64_t total = 0;  // every match, not an estimate
  std::vector<Hit> hits;
  std::vector<FacetCounts> facets;  // in the order asked
  std::string error;                // a malformed filter: nothing was searched
  // The query with its probably misspelled words corrected ("" when none is); `corrected`: the
  // query as typed found nothing, and these are the suggestion's results.
  std::string suggestion;
  bool corrected = false;
  // The databases searched, and how many of them were left out (down): their documents are
  // missing from `total` and `hits`.
  size_t shards = 1;
  size_t shards_failed = 0;
};

struct DocumentView {
  std::string id;  // as clients see it: db::public_id
  std::string title;
  std::string path;
  std::string type;
  uint64_t size = 0;
  int64_t modified = 0;
  std::string text;
  std::optional<std::string> html;  // with a query: the text escaped, every match in <mark>
  size_t matches = 0;
  // Pages, slides or sheets: `text` (and `html`) separate them with form feeds.
  std::string page_kind;
  size_t pages = 0;
  std::vector<std::string> page_names;  // sheets' names; empty otherwise
  std::string author;
  std::string language;  // as Hit::language
  int64_t created = 0;
  std::string parent_id;  // as in Hit
  std::string parent_title;
};

// One shard of a searcher's set, as /api/health reports it.
struct ShardStatus {
  std::string location;  // as configured
  bool remote = false;
  // "up"; "down" (a remote shard that failed, tried again in the background); "missing" (a
  // local folder without an index yet, or unreadable)
  std::string state;
  uint64_t documents = 0;
  int64_t down_since = 0;  // seconds since the epoch, when down
};

// Not thread-safe: Xapian objects are not. Use one per thread (see SearcherPool).
class Searcher {
 public:
  // The database may not exist yet: the searcher then answers as an empty index and opens it
  // once it appears.
  // `document_cache_bytes` bounds the records and text blocks kept from one search to the next.
  explicit Searcher(std::string db_path, size_t document_cache_bytes = kDefaultDocumentCacheBytes);
  // Several databases searched as one (shared by the searchers of a pool): docid d of n shards
  // is docid (d-1)/n+1 of shard (d-1)%n, Xapian's interleaving.
  explicit Searcher(std::shared_ptr<ShardSet> shards,
                    size_t document_cache_bytes = kDefaultDocumentCacheBytes);
  static constexpr size_t kDefaultDocumentCacheBytes = size_t{16} << 20;

  // Sees changes committed since the last call (cheap: at most one check per interval).
  void refresh(std::chrono::milliseconds interval);

  // `page` from 1. Documents with every word of the query come before those with only some.
  SearchResults search(const SearchRequest& request);
  SearchResults search(const std::string& query, unsigned page, unsigned per_page) {
    return search(SearchRequest{query, page, per_page, SortOrder::kRelevance, {}, true});
  }
  // `id` as a hit gives it (see db/document_id.h).
  std::optional<DocumentView> document(const std::string& id, const std::string& query);
  // Up to `max` completions of the query's last word from the index's words, most frequent
  // first, each with the query's earlier words kept ("import asy" -> "import asyncio").
  std::vector<std::string> completions(const std::string& query, size_t max);
  // Documents like the one with `id` (relevance feedback from its most distinctive words),
  // itself left out; nullopt when there is no such document.
  std::optional<SearchResults> similar(const std::string& id, unsigned per_page);
  bool document_exists(const std::string& id);
  uint64_t document_count();
  // The stemming language the index was built with ("" before the index exists), and when its
  // last change was committed (seconds since the epoch; 0 when unknown).
  std::string language();
  int64_t committed();
  // The index revision this searcher reads (0 before the index exists).
  // With several shards, the sum of their revisions: it grows with every commit to any of them.
  // Remote shards have none (Xapian's remote protocol does not tell): index_id() changes instead.
  uint64_t revision() const { return revision_; }
  // Which index that is: its UUID (empty before the index exists). An index deleted and built
  // again has another, and counts its revisions from the start. With several shards, theirs
  // joined, a shard left out as "-": a set without a shard is another index.
  const std::string& index_id() const { return index_id_; }
  std::vector<ShardStatus> shards();

 private:
  SearchResults run_search(const SearchRequest& request);
  void open();
  // open(), then database_changed(), leaving out a remote shard that fails meanwhile.
  void reload();
  // Moves to the newest revision of every shard, or opens them anew when that fails.
  void catch_up();
  // Marks the remote shard that `error` came from down, for every searcher; false when none is
  // known.
  bool leave_out(const Xapian::NetworkError& error);
  std::optional<size_t> failed_shard(const Xapian::NetworkError& error);
  bool has_remote_shards() const;
  bool replaced_on_disk();
  void database_changed();
  bool local_shard_missing() const;
  // A remote shard failed: open the shards again, leaving out one that is hung, refuses, or
  // failed `again` in this request (the set marks it down for every searcher).
  void shard_failed(const Xapian::NetworkError& error, bool again);
  // The shard holding `docid`, for what only it has: its text, kept in metadata, which a
  // combined database reads from the first shard only.
  const Xapian::Database& shard_holding(Xapian::docid docid) const;
  size_t shards_failed() const;
  // Copies of one content are one hit, when the index has any.
  void collapse_copies(Xapian::Enquire& enquire) const;
  std::vector<Hit::Copy> copies_of(Xapian::docid docid, const db::DocumentRecord& record);
  void sync_language();
  std::vector<Hit> hits(const std::vector<Xapian::MSet>& sets, const ParsedQuery& parsed);
  std::vector<HitPositions> positions_of(const SnippetPlan& plan,
                                         const std::vector<Xapian::docid>& docids);
  // Every match of `query`: the ranked pass's count when it is exact, else a pass of its own,
  // which also counts `facets` when given.
  uint64_t exact_count(const Xapian::Query& query, const std::optional<Xapian::MSet>& ranked,
                       FacetCounter* facets = nullptr);
  std::optional<Xapian::docid> find_document(const std::string& id);
  template <typename F>
  auto with_retry(F&& f) -> decltype(f());

  std::shared_ptr<ShardSet> shard_set_;
  uint64_t generation_ = 0;  // the set's, when the shards were opened
  // While a request runs: when it should have its answer (its start and the shard timeout).
  // Connecting again after a failure waits for remote shards until then, and at least a
  // quarter of the timeout; one not connected by then is left out.
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  // One per location, in order; an empty in-memory database where one is not open, so that
  // docids keep their shard.
  std::vector<Xapian::Database> shards_;
  std::vector<bool> shard_open_;
  std::vector<std::string> shard_uuids_;
  Xapian::Database db_;  // all of them
  bool opened_ = false;  // any of them
  std::string index_id_;
  uint64_t revision_ = 0;
  bool collapse_ = false;         // the index has copies (db::kDuplicatesKey): collapse them
  bool distinct_facets_ = false;  // facets count each content once
  // The version file as last seen (inode, size, modification time): it changes with every
  // commit, and with an index built anew in the same place, which reopen() cannot see.
  struct FileStamp {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = 0;
    // A replica folder's stub file (XAPIANDB), not a Glass index's iamglass: it is replaced at
    // every full copy, which goes to another folder, with the same UUID or not.
    bool stub = false;
    bool operator==(const FileStamp&) const = default;
  };
  std::vector<FileStamp> stamps_;  // per shard; remote ones have none
  static FileStamp version_file_stamp(const std::string& path);
  std::string language_;
  // The languages of the index's documents (their XLANG terms), which queries stem words in.
  std::vector<std::string> languages_;
  std::unique_ptr<analysis::Analyzer> analyzer_;
  db::DocumentCache documents_;
  TermExpansions expansions_;
  SpellingMemo spellings_;
  std::chrono::steady_clock::time_point last_refresh_{};
};

}  // namespace loupe::search
