// Counts of a search's matches by type, folder and year, over every match, not only the page.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/schema.h"

namespace loupe::search {

enum class Facet { kType, kFolder, kYear };

struct FacetInfo {
  Facet facet;
  std::string_view name;  // as the API names it (facets=type,folder,year)
  db::ValueSlot slot;     // the value counted
};

// The one table of facets, in the order responses list them.
inline constexpr FacetInfo kFacets[] = {
    {Facet::kType, "type", db::kTypeSlot},
    {Facet::kFolder, "folder", db::kFolderSlot},
    {Facet::kYear, "year", db::kYearSlot},
};

constexpr const FacetInfo& facet_info(Facet facet) {
  return kFacets[static_cast<size_t>(facet)];
}
std::optional<Facet> facet_by_name(std::string_view name);

// Values shown per facet, most frequent first.
inline constexpr size_t kMaxFacetValues = 20;

struct FacetValue {
  std::string value;
  uint64_t count = 0;
  bool operator==(const FacetValue&) const = default;
};

struct FacetCounts {
  Facet facet;
  std::vector<FacetValue> values;
};

// Counts every match of `query` (one pass, whatever the number of facets). Folders count the
// next level below `folder` ("" for the root): documents in "a/b/c" count for "a" below the
// root and for "a/b" below "a", those directly in `folder` for none.
std::vector<FacetCounts> count_facets(const Xapian::Database& db, const Xapian::Query& query,
                                      const std::vector<Facet>& facets, const std::string& folder);

}  // namespace loupe::search
