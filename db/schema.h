// The on-disk format shared by the indexer and the searcher: term prefixes, value slots, metadata
// keys.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::db {

// Xapian's conventions, as Omega uses them: unprefixed words carry positions, "Z" + stem marks a
// stemmed word (no positions), and upper-case prefixes name fields. Keeping them lets
// `xapian-delve` and `quest` read a Loupe database.
inline constexpr std::string_view kStemPrefix = "Z";

enum class Field {
  kTitle,
  kId,
  kType,
  kExtension,
  kRoot,
  kTitleKey,
  kHeadingKey,
  kTitlePartKey,
  kFolder,
  kModified,
  kAuthor,
  kHash,
  kFrom,
  kTo,
  kPartOf,
  kLanguage,
};

enum class FieldKind {
  kText,       // analysed words, with positions
  kFilter,     // boolean terms: no positions, no weight; the value is lower-cased
  kPath,       // boolean terms whose value keeps its case (a folder path)
  kDateRange,  // no terms: a range of the modification time's value slot
};

struct FieldInfo {
  Field field;
  std::string_view name;    // as written in a query ("title:word"), empty when not queryable
  std::string_view prefix;  // term prefix (none for a range)
  FieldKind kind;
};

// The one table of fields: the indexer writes these prefixes, the query parser reads them.
inline constexpr FieldInfo kFields[] = {
    {Field::kTitle, "title", "S", FieldKind::kText},
    {Field::kId, "", "Q", FieldKind::kFilter},            // unique: the document id
    {Field::kType, "type", "T", FieldKind::kFilter},      // the format's name (indexer/formats.h)
    {Field::kExtension, "ext", "E", FieldKind::kFilter},  // lower-case extension, no dot
    {Field::kRoot, "", "XROOT", FieldKind::kFilter},      // the indexed folder a document came from
    // Ranking fields (search/ranking.h): weighed, not queried by name. The phrase keys
    // (analysis/phrase_key.h) of the title and of the file's name; of each section heading.
    {Field::kTitleKey, "", "XTK", FieldKind::kText},
    {Field::kHeadingKey, "", "XHK", FieldKind::kText},
    {Field::kTitlePartKey, "", "XTP", FieldKind::kText},  // every shorter run of the title's words
    // Every folder a document is in, from its root: "a/b/c.txt" is in "a" and in "a/b".
    {Field::kFolder, "folder", "XDIR", FieldKind::kPath},
    {Field::kModified, "modified", "", FieldKind::kDateRange},  // see kModifiedSlot
    // From the format's metadata (PDF, DOCX, ...).
    {Field::kAuthor, "author", "A", FieldKind::kText},
    // The content's hash: copies share it.
    {Field::kHash, "", "XHASH", FieldKind::kFilter},
    // An e-mail's sender, and its recipients (To and Cc): names and addresses.
    {Field::kFrom, "from", "XFROM", FieldKind::kText},
    {Field::kTo, "to", "XTO", FieldKind::kText},
    // A part's file (db/document_id.h): an attachment's or an mbox message's, by the file's id.
    {Field::kPartOf, "", "XPARTOF", FieldKind::kPath},
    // The language a document is written in, as detected (analysis/language_detector.h): an
    // ISO 639-1 code. Its words are stemmed in that language (analysis/analyzer.h).
    {Field::kLanguage, "lang", "XLANG", FieldKind::kFilter},
};

// field_info() indexes the table by the enum: each row must sit at its field's place.
constexpr bool fields_in_order() {
  for (size_t i = 0; i < std::size(kFields); ++i)
    if (static_cast<size_t>(kFields[i].field) != i) return false;
  return std::size(kFields) == static_cast<size_t>(Field::kLanguage) + 1;
}
static_assert(fields_in_order(), "kFields must list every Field in the enum's order");

// No prefix may begin another: a scan of one prefix's terms (copies, term expansion) would take
// in the other's. The hash once had "XH", and every heading key (XHK) shared by two pages
// counted as a copy.
constexpr bool prefixes_distinct() {
  for (const FieldInfo& a : kFields)
    for (const FieldInfo& b : kFields)
      if (&a != &b && !a.prefix.empty() && b.prefix.substr(0, a.prefix.size()) == a.prefix)
        return false;
  return true;
}
static_assert(prefixes_distinct(), "no term prefix may be the start of another");

constexpr const FieldInfo& field_info(Field field) {
  return kFields[static_cast<size_t>(field)];
}
constexpr std::string_view prefix(Field field) {
  return field_info(field).prefix;
}

// The queryable field called `name`, if any.
const FieldInfo* field_by_name(std::string_view name);

// A boolean term: prefix + value. Xapian's convention adds ':' when the value starts with an
// upper-case letter, so that the prefix stays unambiguous.
std::string boolean_term(Field field, std::string_view value);

// Title words also count as body words, with this much extra within-document frequency, so that
// BM25 ranks a match in the title above one in passing.
inline constexpr unsigned kTitleWdfBoost = 4;

enum ValueSlot : unsigned {
  kModifiedSlot = 0,  // Xapian::sortable_serialise(seconds since the epoch)
  kSizeSlot = 1,      // Xapian::sortable_serialise(bytes)
  kRecordSlot = 2,    // the document record with its checkpoints, binary (see document_record.h)
  // What facets (search/facets.h) count, one value for all of them: a match spy reads one
  // value per match instead of three. Its fields in FacetField order, '\0' between them.
  kFacetSlot = 3,
  // The content's hash (as the record's): copies of one file collapse into one hit on it.
  kHashSlot = 4,
};

// The folders a document id is in, outermost first: "a/b/c.txt" gives "a" and "a/b".
std::vector<std::string> folders_of(std::string_view id);

// The fields of kFacetSlot's value.
enum class FacetField { kType, kFolder, kYear, kLanguage };
inline constexpr size_t kFacetFields = 4;

// Sets the values that follow a document's type, id, modification time and language
// (kModifiedSlot, kFacetSlot).
void set_document_values(Xapian::Document& doc, std::string_view type, std::string_view id,
                         int64_t modified, std::string_view language);

// Words kept in Xapian's spelling table (one count per document that has them), which
// suggests corrections: unprefixed terms of 3 to 40 bytes, of letters only, in alphabets whose
// words are spelled letter by letter (not CJK, whose words are not typed that way).
bool is_spelling_word(std::string_view term);

// Database-wide metadata.
inline constexpr std::string_view kLanguageKey =
    "loupe:language";  // stemming language of the index
// When the last run that changed the index committed: seconds since the epoch, in decimal.
inline constexpr std::string_view kCommittedKey = "loupe:committed";
// The version of what the indexer writes, analysis included: in a database of another version,
// runs analyse every file again, changed or not, until every document has been written anew.
//   1: the first; 2: words keep a '+', "++" or '#' that ends them ("c++", "c#"); 3: HTML
//   site furniture (<nav>; roles navigation, search, banner, contentinfo) is left out of the text;
//   4: a possessive 's is the bare word, parts of a compound of words get no stem of their own
//   and the compound is stemmed by its last part; phrase keys of titles, file names and
//   headings; a page that is mostly links counts each word once (ranking). 5: folder terms, the
//   facet slot (type, folder, year), and the spelling table. 6: the content's hash as a term and
//   a value (copies collapse into one hit), author terms, pages in the record.
//   7: the hash's prefix is XHASH (XH was the start of XHK) and folders' is XDIR (XF, of XFROM).
//   Parts: an mbox's messages and messages' attachments are documents (XPARTOF, parent).
//   Korean words are stemmed without their particles (analysis/korean.h).
inline constexpr std::string_view kFormatKey = "loupe:format";
inline constexpr std::string_view kFormatVersion = "8";
// "1" when two documents or more have the same content: searches then collapse copies into one
// hit (reading a value per match, which an index without copies need not pay for).
inline constexpr std::string_view kDuplicatesKey = "loupe:duplicates";
// "2/3" in the second of three shards (loupe-index --shard); absent in an unsharded database.
inline constexpr std::string_view kShardKey = "loupe:shard";

}  // namespace loupe::db
