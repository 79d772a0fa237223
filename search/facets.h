// Counts of a search's matches by type, folder and year, over every match, not only the page.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "db/schema.h"

namespace loupe::search {

enum class Facet { kType, kFolder, kYear, kLanguage };

struct FacetInfo {
  Facet facet;
  std::string_view name;  // as the API names it (facets=type,folder,year)
  db::FacetField field;   // the field of db::kFacetSlot's value counted
};

// The one table of facets, in the order responses list them.
inline constexpr FacetInfo kFacets[] = {
    {Facet::kType, "type", db::FacetField::kType},
    {Facet::kFolder, "folder", db::FacetField::kFolder},
    {Facet::kYear, "year", db::FacetField::kYear},
    {Facet::kLanguage, "lang", db::FacetField::kLanguage},
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

// Counts the facets of the matches a pass of Xapian's matcher sees: attached to the pass that
// counts a search's total anyway, it costs no pass of its own. Folders count the next level
// below `folder` ("" for the root): documents in "a/b/c" count for "a" below the root and for
// "a/b" below "a", those directly in `folder` for none.
class FacetCounter {
 public:
  FacetCounter(std::vector<Facet> facets, std::string folder)
      : facets_(std::move(facets)), folder_(std::move(folder)) {}
  bool wanted() const { return !facets_.empty(); }
  // The enquire's passes are counted; the counter must outlive them. `once_per_content`: the
  // search collapses copies (db::kDuplicatesKey), and a content is counted once, as in the
  // total, whichever of its copies the matcher sees first.
  void attach(Xapian::Enquire& enquire, bool once_per_content);
  std::vector<FacetCounts> counts() const;

 private:
  // Xapian's spies see matches before they collapse: this one counts each content once.
  class DistinctSpy : public Xapian::MatchSpy {
   public:
    void operator()(const Xapian::Document& doc, double weight) override;
    std::map<std::string, Xapian::doccount> counts;

   private:
    std::unordered_set<std::string> seen_;
  };

  std::vector<Facet> facets_;
  std::string folder_;
  // Xapian's own spy (it also works over the remote protocol, where custom ones do not), on the
  // one value that holds every facet's field.
  Xapian::ValueCountMatchSpy spy_{db::kFacetSlot};
  DistinctSpy distinct_;
  bool distinct_attached_ = false;
};

}  // namespace loupe::search
