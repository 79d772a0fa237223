#include "search/facets.h"

#include <algorithm>
#include <map>

namespace loupe::search {
namespace {

// The folder one level below `base` that `folder` is in, or nullopt when it is not below it.
std::optional<std::string> next_level(const std::string& folder, const std::string& base) {
  std::string_view rest = folder;
  if (!base.empty()) {
    if (folder.size() <= base.size() + 1 || folder.compare(0, base.size(), base) != 0 ||
        folder[base.size()] != '/')
      return std::nullopt;
    rest.remove_prefix(base.size() + 1);
  }
  if (rest.empty()) return std::nullopt;
  size_t slash = rest.find('/');
  std::string_view child = rest.substr(0, slash);
  return base.empty() ? std::string(child) : base + '/' + std::string(child);
}

std::vector<FacetValue> most_frequent(const std::map<std::string, uint64_t>& counts) {
  std::vector<FacetValue> out;
  out.reserve(counts.size());
  for (const auto& [value, count] : counts) out.push_back({value, count});
  // Most frequent first; ties in value order, so that answers are stable.
  std::stable_sort(out.begin(), out.end(),
                   [](const FacetValue& a, const FacetValue& b) { return a.count > b.count; });
  if (out.size() > kMaxFacetValues) out.resize(kMaxFacetValues);
  return out;
}

}  // namespace

std::optional<Facet> facet_by_name(std::string_view name) {
  for (const FacetInfo& info : kFacets)
    if (info.name == name) return info.facet;
  return std::nullopt;
}

void FacetCounter::attach(Xapian::Enquire& enquire, bool once_per_content) {
  distinct_attached_ = once_per_content;
  if (once_per_content)
    enquire.add_matchspy(&distinct_);
  else
    enquire.add_matchspy(&spy_);
}

void FacetCounter::DistinctSpy::operator()(const Xapian::Document& doc, double) {
  std::string hash = doc.get_value(db::kHashSlot);
  if (!hash.empty() && !seen_.insert(std::move(hash)).second) return;
  ++counts[doc.get_value(db::kFacetSlot)];
}

std::vector<FacetCounts> FacetCounter::counts() const {
  std::vector<std::pair<std::string, uint64_t>> values;
  if (distinct_attached_) {
    values.assign(distinct_.counts.begin(), distinct_.counts.end());
  } else {
    for (auto it = spy_.values_begin(); it != spy_.values_end(); ++it)
      values.emplace_back(*it, it.get_termfreq());
  }
  std::vector<std::map<std::string, uint64_t>> counts(facets_.size());
  std::string_view fields[db::kFacetFields];
  for (const auto& [value, count] : values) {
    std::string_view rest = value;
    for (std::string_view& field : fields) {
      size_t end = std::min(rest.find('\0'), rest.size());
      field = rest.substr(0, end);
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    for (size_t i = 0; i < facets_.size(); ++i) {
      std::string key(fields[static_cast<size_t>(facet_info(facets_[i]).field)]);
      if (facets_[i] == Facet::kFolder) {
        std::optional<std::string> child = next_level(key, folder_);
        if (!child) continue;
        key = std::move(*child);
      }
      if (!key.empty()) counts[i][key] += count;
    }
  }
  std::vector<FacetCounts> out;
  for (size_t i = 0; i < facets_.size(); ++i) out.push_back({facets_[i], most_frequent(counts[i])});
  return out;
}

}  // namespace loupe::search
