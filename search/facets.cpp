#include "search/facets.h"

#include <algorithm>
#include <map>
#include <memory>

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

std::vector<FacetCounts> count_facets(const Xapian::Database& db, const Xapian::Query& query,
                                      const std::vector<Facet>& facets, const std::string& folder) {
  if (facets.empty()) return {};
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  // Xapian's own spies (they also work over the remote protocol, where custom ones do not).
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
  for (Facet facet : facets) {
    spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(facet_info(facet).slot));
    enquire.add_matchspy(spies.back().get());
  }
  // Every match is seen: the counts are exact.
  Xapian::doccount all = db.get_doccount();
  (void)enquire.get_mset(0, 0, all);

  std::vector<FacetCounts> out;
  for (size_t i = 0; i < facets.size(); ++i) {
    std::map<std::string, uint64_t> counts;
    for (auto it = spies[i]->values_begin(); it != spies[i]->values_end(); ++it) {
      std::string value = *it;
      if (facets[i] == Facet::kFolder) {
        std::optional<std::string> child = next_level(value, folder);
        if (!child) continue;
        value = std::move(*child);
      }
      if (!value.empty()) counts[value] += it.get_termfreq();
    }
    out.push_back({facets[i], most_frequent(counts)});
  }
  return out;
}

}  // namespace loupe::search
