#include "search/result_cache.h"

namespace loupe::search {

std::string ResultCache::key(const std::string& index, uint64_t revision,
                             const SearchRequest& request) {
  std::string key = index + '/' + std::to_string(revision) + '/' + std::to_string(request.page) +
                    '/' + std::to_string(request.per_page) + '/' +
                    std::to_string(static_cast<int>(request.sort)) + '/';
  for (Facet facet : request.facets) key += facet_info(facet).name.front();
  if (!request.correct) key += '!';
  return key + '/' + request.query;
}

size_t ResultCache::size_of(const std::string& key, const SearchResults& results) {
  size_t bytes = sizeof(Entry) + 2 * key.size() + sizeof(SearchResults) + 64;
  for (const Hit& hit : results.hits)
    bytes += sizeof(Hit) + hit.id.size() + hit.title.size() + hit.path.size() + hit.snippet.size() +
             hit.title_html.size() + hit.type.size();
  for (const FacetCounts& facet : results.facets)
    for (const FacetValue& value : facet.values) bytes += sizeof(FacetValue) + value.value.size();
  return bytes;
}

std::shared_ptr<const SearchResults> ResultCache::find(const std::string& key) {
  if (!enabled()) return nullptr;
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  hits_.fetch_add(1, std::memory_order_relaxed);
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->results;
}

void ResultCache::insert(const std::string& key, std::shared_ptr<const SearchResults> results) {
  size_t bytes = size_of(key, *results);
  if (!enabled() || bytes > max_bytes_ / 4) return;  // one huge page must not flush everything
  std::lock_guard lock(mutex_);
  if (index_.count(key) != 0) return;
  entries_.push_front({key, std::move(results), bytes});
  index_.emplace(key, entries_.begin());
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.back().bytes;
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

}  // namespace loupe::search
