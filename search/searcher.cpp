#include "search/searcher.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <string_view>
#include <thread>

#include "db/document_id.h"
#include "db/document_record.h"
#include "db/schema.h"
#include "db/text_store.h"
#include "search/highlighter.h"
#include "search/query_parser.h"
#include "search/ranking.h"
#include "search/snippet.h"
#include "search/spelling.h"

namespace loupe::search {
namespace {

constexpr int kRetries = 3;

}  // namespace

namespace {

std::shared_ptr<ShardSet> one_folder(std::string path) {
  ShardLocation where;
  where.spec = path;
  where.path = std::move(path);
  return std::make_shared<ShardSet>(std::vector<ShardLocation>{where}, ShardSet::kDefaultTimeout);
}

// A host that did not answer in time. Not the timeout a server reports of its client and sends
// back ("REMOTE:" before it): xapian-tcpsrv does so when it ends an idle connection. Xapian's
// errors have no virtual functions: their type is known by name.
bool is_hung(const Xapian::NetworkError& error) {
  return std::string_view(error.get_type()) == "NetworkTimeoutError" &&
         error.get_msg().rfind("REMOTE:", 0) != 0;
}

// Connects to shard `i` on a thread of its own, which finishes alone when a request cannot wait
// for it (the future of std::async would wait in its destructor).
std::future<Xapian::Database> connect_on_own_thread(std::shared_ptr<ShardSet> set, size_t i) {
  std::promise<Xapian::Database> promise;
  std::future<Xapian::Database> future = promise.get_future();
  std::thread([set = std::move(set), i, promise = std::move(promise)]() mutable {
    try {
      Xapian::Database db = set->open(i);
      promise.set_value(std::move(db));  // moved: Xapian's reference counts are not atomic
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }).detach();
  return future;
}

// Sets a searcher's deadline for the request that starts (its start plus the shard timeout)
// and clears it at the end; an inner call keeps the outer one's.
class RequestDeadline {
 public:
  using Slot = std::optional<std::chrono::steady_clock::time_point>;
  RequestDeadline(Slot& slot, std::chrono::milliseconds timeout) : slot_(slot), mine_(!slot) {
    if (mine_) slot_ = std::chrono::steady_clock::now() + timeout;
  }
  ~RequestDeadline() {
    if (mine_) slot_.reset();
  }
  RequestDeadline(const RequestDeadline&) = delete;
  RequestDeadline& operator=(const RequestDeadline&) = delete;

 private:
  Slot& slot_;
  bool mine_;
};

// Holds a down shard's place: no documents, and the others keep their docids.
Xapian::Database empty_shard() {
  return Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
}

}  // namespace

Searcher::Searcher(std::string db_path, size_t document_cache_bytes)
    : Searcher(one_folder(std::move(db_path)), document_cache_bytes) {}

Searcher::Searcher(std::shared_ptr<ShardSet> shards, size_t document_cache_bytes)
    : shard_set_(std::move(shards)), documents_(document_cache_bytes) {
  reload();
}

// Reading a remote shard's settings can fail too: it is then left out, and the others opened
// again (once per shard at most).
void Searcher::reload() {
  for (size_t attempt = 0;; ++attempt) {
    open();
    try {
      database_changed();
      return;
    } catch (const Xapian::NetworkError& e) {
      if (attempt >= shards_.size() || !leave_out(e)) throw;
    }
  }
}

bool Searcher::leave_out(const Xapian::NetworkError& error) {
  std::optional<size_t> shard = failed_shard(error);
  if (shard) shard_set_->mark_down(*shard, error.get_description());
  return shard.has_value();
}

// Xapian's error for a connection already closed names no host: the shard whose connection no
// longer answers is then the one.
std::optional<size_t> Searcher::failed_shard(const Xapian::NetworkError& error) {
  if (std::optional<size_t> named = shard_set_->shard_named_by(error)) return named;
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (!shard_open_[i] || !shard_set_->location(i).remote()) continue;
    try {
      shards_[i].keep_alive();
    } catch (const Xapian::Error&) {
      return i;
    }
  }
  return std::nullopt;
}

bool Searcher::has_remote_shards() const {
  for (size_t i = 0; i < shard_set_->size(); ++i)
    if (shard_set_->location(i).remote()) return true;
  return false;
}

void Searcher::open() {
  const size_t n = shard_set_->size();
  generation_ = shard_set_->generation();
  stamps_.assign(n, {});
  shards_.assign(n, Xapian::Database());
  shard_open_.assign(n, false);
  db_ = Xapian::Database();
  opened_ = false;
  bool marked = false;
  // Remote shards connect at once, each on a thread of its own: hosts that hang together cost
  // one timeout, not one each. In a request that met a hung host already, they have what is
  // left of its time.
  std::vector<std::future<Xapian::Database>> connecting(n);
  for (size_t i = 0; i < n; ++i)
    if (shard_set_->location(i).remote() && shard_set_->up(i))
      connecting[i] = connect_on_own_thread(shard_set_, i);
  std::optional<std::chrono::steady_clock::time_point> until;
  if (deadline_)
    until = std::max(*deadline_, std::chrono::steady_clock::now() + shard_set_->timeout() / 4);
  for (size_t i = 0; i < n; ++i) {
    const ShardLocation& where = shard_set_->location(i);
    // Before opening: a commit in between shows at the next check.
    if (!where.remote()) stamps_[i] = version_file_stamp(where.path);
    if (until && connecting[i].valid() &&
        connecting[i].wait_until(*until) != std::future_status::ready) {
      marked = shard_set_->mark_down(i, "did not connect in time") || marked;
      connecting[i] = {};
    }
    if (connecting[i].valid() || (!where.remote() && shard_set_->up(i))) {
      try {
        shards_[i] = connecting[i].valid() ? connecting[i].get() : shard_set_->open(i);
        shard_open_[i] = true;
      } catch (const Xapian::DatabaseOpeningError&) {
        // A local folder not there yet: an empty index until it is.
        if (where.remote()) marked = shard_set_->mark_down(i, "cannot open") || marked;
      } catch (const Xapian::Error& e) {
        // Damaged or half-copied: serve without it and try again at the next refresh.
        if (where.remote())
          marked = shard_set_->mark_down(i, e.get_description()) || marked;
        else
          std::fprintf(stderr, "loupe-server: cannot read %s: %s\n", where.spec.c_str(),
                       e.get_description().c_str());
      }
    }
    if (!shard_open_[i]) shards_[i] = empty_shard();
    db_.add_database(shards_[i]);
    opened_ = opened_ || shard_open_[i];
  }
  // What this searcher itself marked down is left out already.
  if (marked) generation_ = shard_set_->generation();
}

bool Searcher::local_shard_missing() const {
  for (size_t i = 0; i < shards_.size(); ++i)
    if (!shard_open_[i] && !shard_set_->location(i).remote()) return true;
  return false;
}

// What was read from the database before it was opened, or moved to another revision, is gone
// with it. Settings are the same in every shard (loupe-index writes them to each); the
// duplicates flag and the last commit are any shard's.
void Searcher::database_changed() {
  index_id_.clear();
  shard_uuids_.assign(shards_.size(), std::string());
  revision_ = 0;
  collapse_ = false;
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (i > 0) index_id_ += ' ';
    if (!shard_open_[i]) {
      index_id_ += '-';
      continue;
    }
    shard_uuids_[i] = shards_[i].get_uuid();
    index_id_ += shard_uuids_[i];
    if (!shard_set_->location(i).remote()) {
      revision_ += shards_[i].get_revision();
    } else {
      // The remote protocol has no revisions: what reopen() brought back stands for one, so
      // that a commit there is another index to the caches. Local, no round trip.
      index_id_ += '/' + std::to_string(shards_[i].get_lastdocid()) + '/' +
                   std::to_string(shards_[i].get_doccount()) + '/' +
                   std::to_string(shards_[i].get_total_length());
    }
    collapse_ = collapse_ || shards_[i].get_metadata(std::string(db::kDuplicatesKey)) == "1";
  }
  if (!opened_) index_id_.clear();
  // Copies may lie in two shards, which neither shard's flag tells.
  if (shards_.size() > 1) collapse_ = true;
  // Xapian's remote protocol carries its own spies only: copies then count in facets each.
  distinct_facets_ = collapse_;
  for (size_t i = 0; i < shards_.size(); ++i)
    if (shard_set_->location(i).remote()) distinct_facets_ = false;
  expansions_.clear();
  std::vector<Xapian::Database> remote;
  for (size_t i = 0; i < shards_.size(); ++i)
    if (shard_open_[i] && shard_set_->location(i).remote()) remote.push_back(shards_[i]);
  spellings_.clear(std::move(remote));
  sync_language();
  languages_.clear();
  if (!opened_) return;
  const std::string prefix(db::prefix(db::Field::kLanguage));
  for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it)
    languages_.push_back((*it).substr(prefix.size()));
}

Searcher::FileStamp Searcher::version_file_stamp(const std::string& path) {
  struct stat st {};
  // Glass keeps its version file as "iamglass"; a replica folder of xapian-replicate has a stub
  // file, XAPIANDB, naming replica_0 or replica_1. A failed stat (no index yet) reads as zeros.
  bool stub = false;
  if (::stat((path + "/iamglass").c_str(), &st) != 0) {
    if (::stat((path + "/XAPIANDB").c_str(), &st) != 0) return {};
    stub = true;
  }
  return {static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, stub};
}

// True, with the shards open again, when a local folder now holds another index than the one
// open (it was deleted and built again): reopen() sees only later revisions of the same one.
bool Searcher::replaced_on_disk() {
  bool replaced = false;
  for (size_t i = 0; i < shards_.size(); ++i) {
    const ShardLocation& where = shard_set_->location(i);
    if (where.remote() || !shard_open_[i]) continue;
    FileStamp now = version_file_stamp(where.path);
    if (now == stamps_[i]) continue;
    stamps_[i] = now;
    try {
      // A replica's full copy: open it whatever its UUID (a replica too far behind gets a copy
      // with the same one), and never keep reading the old folder, which is deleted and may be
      // made again with another index at the same revision (reopen() then sees no change).
      if (now.stub || Xapian::Database(where.path).get_uuid() != shard_uuids_[i]) replaced = true;
    } catch (const Xapian::Error&) {
      // Half written: the next check sees it whole.
    }
  }
  if (replaced) open();  // the caller reads the rest anew
  return replaced;
}

size_t Searcher::shards_failed() const {
  size_t failed = 0;
  for (bool open : shard_open_) failed += open ? 0 : 1;
  return failed;
}

const Xapian::Database& Searcher::shard_holding(Xapian::docid docid) const {
  return shards_.size() == 1 ? db_ : shards_[(docid - 1) % shards_.size()];
}

// A hung host is left out at once: connecting to it again would cost another timeout. Any other
// failure may be a connection the server ended (xapian-tcpsrv closes idle ones, after 60 s by
// default, and a restart closes them all): the first is met by connecting anew, where a shard
// that refuses is left out; a shard that fails again is left out then.
void Searcher::shard_failed(const Xapian::NetworkError& error, bool again) {
  if (!has_remote_shards()) throw error;
  if (again || is_hung(error)) leave_out(error);
  reload();
}

std::vector<ShardStatus> Searcher::shards() {
  std::vector<ShardStatus> out;
  for (size_t i = 0; i < shards_.size(); ++i) {
    const ShardLocation& where = shard_set_->location(i);
    ShardStatus status;
    status.location = where.spec;
    status.remote = where.remote();
    ShardSet::State state = shard_set_->state(i);
    if (shard_open_[i]) {
      status.state = "up";
      status.documents = shards_[i].get_doccount();
    } else if (!state.up) {
      status.state = "down";
      status.down_since = state.down_since;
    } else {
      status.state = where.remote() ? "down" : "missing";
    }
    out.push_back(std::move(status));
  }
  return out;
}

// Queries must be analysed in the language the index was stemmed in.
void Searcher::sync_language() {
  std::string language;
  for (size_t i = 0; i < shards_.size() && language.empty(); ++i)
    if (shard_open_[i]) language = shards_[i].get_metadata(std::string(db::kLanguageKey));
  if (language.empty()) language = "english";
  if (analyzer_ && language == language_) return;
  try {
    analyzer_ = std::make_unique<analysis::Analyzer>(language);
  } catch (const std::invalid_argument&) {
    analyzer_ = std::make_unique<analysis::Analyzer>("none");
  }
  language_ = language;
}

void Searcher::refresh(std::chrono::milliseconds interval) {
  RequestDeadline deadline(deadline_, shard_set_->timeout());
  // A shard went down or came back: seen at once, not at the next interval.
  bool regrouped = shard_set_->generation() != generation_;
  auto now = std::chrono::steady_clock::now();
  if (!regrouped && now - last_refresh_ < interval) return;
  last_refresh_ = now;
  if (regrouped || local_shard_missing())
    reload();
  else
    catch_up();
}

// A replica's full copy deletes the folder read: reopen() then fails, and only opening anew
// reads the copy.
void Searcher::catch_up() {
  try {
    if (db_.reopen() || replaced_on_disk()) database_changed();
  } catch (const Xapian::NetworkError& e) {
    shard_failed(e, /*again=*/false);
  } catch (const Xapian::Error&) {
    reload();
  }
}

// A writer that commits twice while a reader is between calls invalidates the reader's
// revision: reopen and try again.
template <typename F>
auto Searcher::with_retry(F&& f) -> decltype(f()) {
  RequestDeadline deadline(deadline_, shard_set_->timeout());
  for (int attempt = 1;; ++attempt) {
    try {
      return f();
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt == kRetries) throw;
      catch_up();
    } catch (const Xapian::NetworkError& e) {
      // A remote shard that is down or hung: answer from the others.
      if (attempt == kRetries) throw;
      shard_failed(e, /*again=*/attempt > 1);
    }
  }
}

// `total` counts every match, so whenever the ranked pass stopped early (it only needs the best
// few), a second pass counts without weighting: cheaper than making the ranked one see them all.
void Searcher::collapse_copies(Xapian::Enquire& enquire) const {
  if (collapse_) enquire.set_collapse_key(db::kHashSlot);
}

std::vector<Hit::Copy> Searcher::copies_of(Xapian::docid docid, const db::DocumentRecord& record) {
  // How many a hit lists: enough to say where the copies are, few enough for a page of hits.
  constexpr size_t kMaxCopies = 20;
  std::vector<Hit::Copy> out;
  if (!collapse_ || record.hash.empty()) return out;
  const std::string term = db::boolean_term(db::Field::kHash, record.hash);
  if (db_.get_termfreq(term) < 2) return out;
  std::vector<Xapian::docid> others;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it)
    if (*it != docid && others.size() < kMaxCopies) others.push_back(*it);
  for (const auto& other : documents_.records(db_, others))
    out.push_back({db::public_id(other->id), other->path});
  return out;
}

uint64_t Searcher::exact_count(const Xapian::Query& query,
                               const std::optional<Xapian::MSet>& ranked, FacetCounter* facets) {
  bool exact = ranked && ranked->get_matches_lower_bound() == ranked->get_matches_upper_bound();
  if (exact && facets == nullptr) return ranked->get_matches_lower_bound();
  Xapian::Enquire counter(db_);
  counter.set_query(query);
  counter.set_weighting_scheme(Xapian::BoolWeight());
  counter.set_docid_order(Xapian::Enquire::DONT_CARE);
  collapse_copies(counter);
  if (facets != nullptr) facets->attach(counter, distinct_facets_);
  return counter.get_mset(0, 0, db_.get_doccount()).get_matches_lower_bound();
}

std::string Searcher::language() {
  return with_retry([&] { return opened_ ? language_ : std::string(); });
}

int64_t Searcher::committed() {
  return with_retry([&]() -> int64_t {
    int64_t newest = 0;
    for (size_t i = 0; i < shards_.size(); ++i) {
      if (!shard_open_[i]) continue;
      std::string value = shards_[i].get_metadata(std::string(db::kCommittedKey));
      if (!value.empty())
        newest = std::max<int64_t>(newest, std::strtoll(value.c_str(), nullptr, 10));
    }
    return newest;
  });
}

uint64_t Searcher::document_count() {
  return with_retry([&] { return static_cast<uint64_t>(db_.get_doccount()); });
}

// Read shard by shard: a posting list walked on the combined database would be fetched whole
// from every remote shard.
std::vector<HitPositions> Searcher::positions_of(const SnippetPlan& plan,
                                                 const std::vector<Xapian::docid>& docids) {
  const size_t n = shards_.size();
  if (n == 1) return read_positions(db_, plan, docids);
  std::vector<HitPositions> out(docids.size());
  for (size_t shard = 0; shard < n; ++shard) {
    std::vector<size_t> hits;
    std::vector<Xapian::docid> own;
    for (size_t i = 0; i < docids.size(); ++i) {
      if ((docids[i] - 1) % n != shard) continue;
      hits.push_back(i);
      own.push_back((docids[i] - 1) / static_cast<Xapian::docid>(n) + 1);
    }
    if (hits.empty()) continue;
    std::vector<HitPositions> found =
        read_positions(shards_[shard], plan, own, shard_set_->location(shard).remote());
    for (size_t k = 0; k < hits.size(); ++k) out[hits[k]] = std::move(found[k]);
  }
  return out;
}

// The page's hits in rank order, with their snippets and marked titles.
std::vector<Hit> Searcher::hits(const std::vector<Xapian::MSet>& sets, const ParsedQuery& parsed) {
  std::vector<Xapian::MSetIterator> ranked;
  std::vector<Xapian::docid> docids;
  for (const Xapian::MSet& set : sets) {
    for (auto it = set.begin(); it != set.end(); ++it) {
      ranked.push_back(it);
      docids.push_back(*it);
    }
  }
  documents_.use(index_id_, revision_);
  std::vector<std::shared_ptr<const db::DocumentRecord>> records = documents_.records(db_, docids);
  Highlighter highlighter(parsed.terms, *analyzer_);
  std::optional<Highlighter> fielded;
  if (parsed.fielded_words) fielded.emplace(parsed.title_terms, *analyzer_);
  Highlighter& title_highlighter = fielded ? *fielded : highlighter;
  SnippetPlan plan = plan_snippets(db_, highlighter, expansions_);
  std::vector<HitPositions> positions = positions_of(plan, docids);
  std::vector<Hit> out;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const db::DocumentRecord& record = *records[i];
    Xapian::docid docid = docids[i];
    auto read_text = [&](uint64_t begin, uint64_t end) {
      return documents_.text_range(shard_holding(docid), docid, record, begin, end);
    };
    Hit hit;
    hit.score = ranked[i].get_weight();
    // Its words are stemmed as they were indexed: in its language.
    highlighter.use_language(record.language);
    if (fielded) fielded->use_language(record.language);
    uint32_t target = 0;
    hit.snippet = make_snippet(record, read_text, plan, positions[i], highlighter, &target);
    hit.page = db::page_of(record, target);
    if (hit.page > 0) {
      hit.page_kind = record.page_kind;
      if (hit.page <= record.page_names.size()) hit.page_name = record.page_names[hit.page - 1];
    }
    hit.author = record.author;
    hit.language = record.language;
    if (!record.parent.empty()) {
      hit.parent_id = db::public_id(record.parent);
      hit.parent_title = record.parent_title;
    }
    hit.copies = copies_of(docid, record);
    std::vector<MarkedToken> title_tokens = title_highlighter.tokens(record.title, 0);
    hit.title_html = Highlighter::render(record.title, 0, record.title.size(), title_tokens, true);
    hit.id = db::public_id(record.id);
    hit.title = record.title;
    hit.path = record.path;
    hit.type = record.type;
    hit.modified = record.modified;
    out.push_back(std::move(hit));
  }
  return out;
}

namespace {

// By date, newest or oldest first, relevance breaking ties; a query of filters only has no
// relevance to go by, and lists the newest first.
void set_order(Xapian::Enquire& enquire, SortOrder sort, bool filters_only) {
  if (sort == SortOrder::kRelevance && filters_only) sort = SortOrder::kNewest;
  if (sort != SortOrder::kRelevance)
    enquire.set_sort_by_value_then_relevance(db::kModifiedSlot, sort == SortOrder::kNewest);
}

}  // namespace

SearchResults Searcher::search(const SearchRequest& request) {
  SearchResults answer = with_retry([&] {
    SearchResults results = run_search(request);
    if (!results.error.empty() || !opened_) return results;
    std::string suggestion = spelling_suggestion(request.query, *analyzer_, db_, spellings_,
                                                 results.total <= kFewResults);
    if (suggestion.empty()) return results;
    // Nothing as typed, something as corrected: the correction's hits, saying so.
    if (results.total == 0 && request.correct) {
      SearchRequest corrected = request;
      corrected.query = suggestion;
      SearchResults instead = run_search(corrected);
      if (instead.total > 0) {
        results = std::move(instead);
        results.corrected = true;
      }
    }
    results.suggestion = std::move(suggestion);
    return results;
  });
  answer.shards = shards_.size();
  answer.shards_failed = shards_failed();
  return answer;
}

SearchResults Searcher::run_search(const SearchRequest& request) {
  SearchResults results;
  const unsigned page = request.page, per_page = request.per_page;
  ParsedQuery parsed = parse_query(request.query, *analyzer_, db_, expansions_, languages_);
  if (!parsed.error.empty()) {
    results.error = std::move(parsed.error);
    return results;
  }
  if (parsed.strict.empty() || !opened_) return results;
  Xapian::doccount offset = (page - 1) * per_page;

  // Documents with every word first, then those with some: two ranked lists, paged as one.
  Xapian::Query boost = ranking_boost(*analyzer_, parsed.ranking_words);
  Xapian::Enquire strict(db_);
  strict.set_query(ranked(parsed.strict, boost));
  set_order(strict, request.sort, parsed.filters_only);
  collapse_copies(strict);
  // Positions are checked in every document a count visits: when the count must see them all
  // anyway, the ranked pass sees them all too, rather than checking most of them twice.
  bool sees_all = parsed.positional && !parsed.tiered;
  Xapian::doccount check_at_least = sees_all ? db_.get_doccount() : offset + per_page;
  // The folder facet drills down from the one folder searched in, if there is one.
  FacetCounter facets(request.facets,
                      parsed.folders.size() == 1 ? parsed.folders.front() : std::string());
  // Facets count in a pass that sees every match anyway, the ranked one or the one that counts
  // the total, rather than in one of their own.
  FacetCounter* counted = facets.wanted() && !sees_all ? &facets : nullptr;
  if (facets.wanted() && sees_all) facets.attach(strict, distinct_facets_);
  Xapian::MSet first = strict.get_mset(offset, per_page, check_at_least);
  std::vector<Xapian::MSet> sets{first};
  bool strict_exhausted = first.size() < per_page;
  if (!parsed.tiered) {
    results.total = exact_count(parsed.strict, first, counted);
  } else if (!strict_exhausted) {
    // The page is all strict matches; the total is every document with any of the words.
    results.total = exact_count(parsed.loose, std::nullopt, counted);
  } else {
    // The matcher saw every strict match, so their count is exact; the rest of the page comes
    // from the documents with only some of the words.
    Xapian::doccount strict_total = first.get_matches_lower_bound();
    Xapian::Query only_some(Xapian::Query::OP_AND_NOT, parsed.loose, parsed.strict);
    Xapian::Enquire rest(db_);
    rest.set_query(ranked(only_some, boost));
    set_order(rest, request.sort, parsed.filters_only);
    collapse_copies(rest);
    Xapian::doccount rest_offset = offset > strict_total ? offset - strict_total : 0;
    Xapian::doccount wanted = per_page - static_cast<Xapian::doccount>(first.size());
    Xapian::MSet second = rest.get_mset(rest_offset, wanted, rest_offset + wanted);
    sets.push_back(second);
    // Facets need a pass over every match of the loose query, which counts the total too.
    if (counted)
      results.total = exact_count(parsed.loose, std::nullopt, counted);
    else
      results.total = strict_total + exact_count(only_some, second);
  }

  results.hits = hits(sets, parsed);
  if (facets.wanted()) results.facets = facets.counts();
  return results;
}

std::vector<std::string> Searcher::completions(const std::string& query, size_t max) {
  return with_retry([&] {
    std::vector<std::string> out;
    size_t start = query.find_last_of(" \t\n\r\f(\"");
    start = start == std::string::npos ? 0 : start + 1;
    std::string last = query.substr(start);
    if (!opened_ || last.empty()) return out;
    // The last word as the index holds words: folded, lower-case, one word.
    std::string prefix;
    int words = 0;
    analyzer_->analyze(last, 0, [&](const analysis::Token& t) {
      if (!t.joined) ++words;
      prefix = t.term;
    });
    if (words != 1 || prefix.empty()) return out;
    // More than asked: numbers and other tokens that are not words are left out.
    for (const std::string& term : expansions_.frequent_completions(db_, prefix, max * 4)) {
      if (!db::is_spelling_word(term)) continue;
      out.push_back(query.substr(0, start) + term);
      if (out.size() == max) break;
    }
    return out;
  });
}

namespace {

// The words of a document that say what it is about: words, not numbers or field terms.
class WordsOnly : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override { return db::is_spelling_word(term); }
};

// Distinctive words sought in other documents; more find more, and cost more.
constexpr Xapian::termcount kSimilarityWords = 24;

}  // namespace

bool Searcher::document_exists(const std::string& id) {
  return with_retry([&] { return opened_ && find_document(id).has_value(); });
}

std::optional<SearchResults> Searcher::similar(const std::string& id, unsigned per_page) {
  return with_retry([&]() -> std::optional<SearchResults> {
    if (!opened_) return std::nullopt;
    std::optional<Xapian::docid> docid = find_document(id);
    if (!docid) return std::nullopt;
    Xapian::RSet relevant;
    relevant.add_document(*docid);
    Xapian::Enquire feedback(db_);
    feedback.set_query(match_all());
    WordsOnly words;
    // No lower bound on the weight: in a small or uniform collection even a document's most
    // distinctive words are in most documents (weights below 0), and still the best there is.
    Xapian::ESet distinctive = feedback.get_eset(kSimilarityWords, relevant, 0, &words, -1e9);
    std::string query;
    for (auto it = distinctive.begin(); it != distinctive.end(); ++it)
      query += (query.empty() ? "" : " OR ") + *it;
    SearchResults results;
    if (query.empty()) return results;
    // Through the query parser, so that hits are ranked, marked and cut as a search's are.
    ParsedQuery parsed = parse_query(query, *analyzer_, db_, expansions_, languages_);
    db::DocumentRecord record = db::load_record(db_.get_document(*docid));
    // Neither itself nor its copies are like it: they are it.
    Xapian::Query itself(db::boolean_term(db::Field::kId, record.id));
    if (!record.hash.empty())
      itself = Xapian::Query(Xapian::Query::OP_OR, itself,
                             Xapian::Query(db::boolean_term(db::Field::kHash, record.hash)));
    Xapian::Query others(Xapian::Query::OP_AND_NOT, parsed.loose, itself);
    Xapian::Enquire enquire(db_);
    enquire.set_query(others);
    collapse_copies(enquire);
    Xapian::MSet found = enquire.get_mset(0, per_page);
    results.total = found.get_matches_estimated();
    results.hits = hits({found}, parsed);
    results.shards = shards_.size();
    results.shards_failed = shards_failed();
    return results;
  });
}

// By the id as stored, or as public_id wrote it for a file name that is not UTF-8.
std::optional<Xapian::docid> Searcher::find_document(const std::string& id) {
  auto lookup = [&](const std::string& stored) -> std::optional<Xapian::docid> {
    std::string term = db::boolean_term(db::Field::kId, stored);
    Xapian::PostingIterator it = db_.postlist_begin(term);
    if (it == db_.postlist_end(term)) return std::nullopt;
    return *it;
  };
  if (std::optional<Xapian::docid> found = lookup(id)) return found;
  std::optional<std::string> escaped = db::stored_id(id);
  return escaped ? lookup(*escaped) : std::nullopt;
}

std::optional<DocumentView> Searcher::document(const std::string& id, const std::string& query) {
  return with_retry([&]() -> std::optional<DocumentView> {
    if (!opened_) return std::nullopt;
    std::optional<Xapian::docid> docid = find_document(id);
    if (!docid) return std::nullopt;
    db::DocumentRecord record = db::load_record(db_.get_document(*docid));
    DocumentView view;
    view.text = db::read_text(shard_holding(*docid), record);
    if (!query.empty()) {
      ParsedQuery parsed = parse_query(query, *analyzer_, db_, expansions_, languages_);
      Highlighter highlighter(parsed.terms, *analyzer_);
      highlighter.use_language(record.language);
      view.html = highlighter.mark_all(view.text, &view.matches);
    }
    view.id = db::public_id(record.id);
    view.title = std::move(record.title);
    view.path = std::move(record.path);
    view.type = std::move(record.type);
    view.size = record.size;
    view.modified = record.modified;
    view.page_kind = record.page_kind;
    view.pages = record.page_positions.size();
    view.page_names = record.page_names;
    view.author = record.author;
    view.language = record.language;
    view.created = record.created;
    if (!record.parent.empty()) {
      view.parent_id = db::public_id(record.parent);
      view.parent_title = std::move(record.parent_title);
    }
    return view;
  });
}

}  // namespace loupe::search
