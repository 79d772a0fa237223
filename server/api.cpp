#include "server/api.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/utf8.h"
#include "server/json_text.h"
#include "server/request_log.h"
#include "server/responses.h"

namespace loupe::server {
namespace {

// A positive integer parameter in [1, max], `fallback` when absent; nullopt after sending a 400.
std::optional<unsigned> integer_param(const httplib::Request& req, httplib::Response& res,
                                      const char* name, unsigned fallback, unsigned max) {
  if (!req.has_param(name)) return fallback;
  const std::string value = req.get_param_value(name);
  bool digits = !value.empty() && value.size() <= 9 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  unsigned number = digits ? static_cast<unsigned>(std::stoul(value)) : 0;
  if (!digits || number < 1 || number > max) {
    send_error(res, Error::kInvalidParameter,
               std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

// The query parameter, repaired to valid UTF-8; nullopt after sending a 400.
std::optional<std::string> query_param(const httplib::Request& req, httplib::Response& res,
                                       bool required) {
  std::string q = req.has_param("q") ? req.get_param_value("q") : std::string();
  if (q.size() > kMaxQueryBytes) {
    send_error(res, Error::kQueryTooLong,
               "the query is " + std::to_string(q.size()) + " bytes; the limit is " +
                   std::to_string(kMaxQueryBytes));
    return std::nullopt;
  }
  std::string repaired = analysis::repair_utf8(q);
  if (required && analysis::is_blank(repaired)) {
    send_error(res, Error::kMissingQuery, "the q parameter is required and must not be empty");
    return std::nullopt;
  }
  return repaired;
}

// The sort parameter: relevance (the default), newest or oldest; nullopt after sending a 400.
std::optional<search::SortOrder> sort_param(const httplib::Request& req, httplib::Response& res) {
  static constexpr std::pair<std::string_view, search::SortOrder> kOrders[] = {
      {"relevance", search::SortOrder::kRelevance},
      {"newest", search::SortOrder::kNewest},
      {"oldest", search::SortOrder::kOldest},
  };
  if (!req.has_param("sort")) return search::SortOrder::kRelevance;
  const std::string value = req.get_param_value("sort");
  for (const auto& [name, order] : kOrders)
    if (value == name) return order;
  send_error(res, Error::kInvalidParameter, "sort must be relevance, newest or oldest");
  return std::nullopt;
}

// The facets parameter: names from search::kFacets, comma-separated, each once; nullopt after
// sending a 400.
std::optional<std::vector<search::Facet>> facets_param(const httplib::Request& req,
                                                       httplib::Response& res) {
  std::vector<search::Facet> facets;
  if (!req.has_param("facets")) return facets;
  std::string names;
  for (const search::FacetInfo& info : search::kFacets)
    names += (names.empty() ? "" : ", ") + std::string(info.name);
  const std::string value = req.get_param_value("facets");
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = std::min(value.find(',', start), value.size());
    std::string_view name = std::string_view(value).substr(start, comma - start);
    start = comma + 1;
    if (name.empty()) continue;
    std::optional<search::Facet> facet = search::facet_by_name(name);
    if (!facet) {
      send_error(res, Error::kInvalidParameter,
                 "facets takes a comma-separated list of " + names + "; \"" +
                     analysis::repair_utf8(name) + "\" is not one");
      return std::nullopt;
    }
    if (std::find(facets.begin(), facets.end(), *facet) == facets.end()) facets.push_back(*facet);
  }
  // In the table's order, so that the same set is the same request (and cache entry).
  std::sort(facets.begin(), facets.end());
  return facets;
}

// Rounds to 1/per_unit. Dividing by a whole power of ten last gives the double nearest the
// decimal, which JSON then prints short (0.4915, not 0.49150000000000005).
double round_to(double value, double per_unit) {
  return std::round(value * per_unit) / per_unit;
}

// How many databases answered: a shard left out (down) takes its documents out of the answer.
void write_shards(JsonWriter& out, const search::SearchResults& results) {
  out.key("shards")
      .begin_object()
      .field("total", results.shards)
      .field("failed", results.shards_failed)
      .end_object();
}

// "hits": [...], as searches and similar documents give them.
void write_hits(JsonWriter& out, const std::vector<search::Hit>& hits) {
  out.key("hits").begin_array();
  for (const search::Hit& hit : hits) {
    out.begin_object()
        .field("id", hit.id)
        .field("title", hit.title)
        .field("title_html", hit.title_html)
        .field("path", hit.path)
        .field("type", hit.type)
        .field("modified", hit.modified)
        .field("score", round_to(hit.score, 1e4))
        .field("snippet", hit.snippet);
    if (hit.page > 0) {
      out.field("page", hit.page).field("page_kind", hit.page_kind);
      if (!hit.page_name.empty()) out.field("page_name", hit.page_name);
    }
    if (!hit.author.empty()) out.field("author", hit.author);
    if (!hit.language.empty()) out.field("lang", hit.language);
    if (!hit.parent_id.empty())
      out.key("parent")
          .begin_object()
          .field("id", hit.parent_id)
          .field("title", hit.parent_title)
          .end_object();
    if (!hit.copies.empty()) {
      out.key("copies").begin_array();
      for (const search::Hit::Copy& copy : hit.copies)
        out.begin_object().field("id", copy.id).field("path", copy.path).end_object();
      out.end_array();
    }
    out.end_object();
  }
  out.end_array();
}

void search(search::SearcherPool& pool, const httplib::Request& req, httplib::Response& res) {
  std::optional<std::string> q = query_param(req, res, /*required=*/true);
  if (!q) return;
  std::optional<unsigned> page = integer_param(req, res, "page", 1, kMaxPage);
  if (!page) return;
  std::optional<unsigned> per_page = integer_param(req, res, "per_page", 10, kMaxPerPage);
  if (!per_page) return;
  std::optional<search::SortOrder> sort = sort_param(req, res);
  if (!sort) return;
  std::optional<std::vector<search::Facet>> facets = facets_param(req, res);
  if (!facets) return;
  std::string correct = req.has_param("correct") ? req.get_param_value("correct") : "true";
  if (correct != "true" && correct != "false") {
    send_error(res, Error::kInvalidParameter, "correct must be true or false");
    return;
  }

  auto started = std::chrono::steady_clock::now();
  std::shared_ptr<const search::SearchResults> results =
      pool.search({*q, *page, *per_page, *sort, *facets, correct == "true"});
  double took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!results->error.empty()) {
    send_error(res, Error::kInvalidQuery, results->error);
    return;
  }
  res.set_header(kHitsHeader, std::to_string(results->total));  // for the log

  // Written straight out: this is the response sent most often, and the fields keep the order
  // the API documents.
  JsonWriter out;
  out.begin_object()
      .field("query", *q)
      .field("total", results->total)
      .field("page", *page)
      .field("per_page", *per_page)
      .field("took_ms", round_to(took_ms, 1e3));
  write_shards(out, *results);
  if (!results->suggestion.empty()) out.field("suggestion", results->suggestion);
  if (results->corrected) out.field("corrected", true);
  write_hits(out, results->hits);
  if (!results->facets.empty()) {
    out.key("facets").begin_object();
    for (const search::FacetCounts& facet : results->facets) {
      out.key(search::facet_info(facet.facet).name).begin_array();
      for (const search::FacetValue& value : facet.values)
        out.begin_object().field("value", value.value).field("count", value.count).end_object();
      out.end_array();
    }
    out.end_object();
  }
  out.end_object();
  send_json_text(res, 200, out.take());
}

void document(search::SearcherPool& pool, const httplib::Request& req, httplib::Response& res,
              const std::string& id) {
  std::optional<std::string> q = query_param(req, res, /*required=*/false);
  if (!q) return;
  std::optional<search::DocumentView> view = pool.acquire()->document(id, *q);
  if (!view) {
    send_error(res, Error::kNotFound, "no document with id " + id);
    return;
  }
  // Written straight out: the text (and its marked copy) can be megabytes.
  JsonWriter out;
  out.begin_object()
      .field("id", view->id)
      .field("title", view->title)
      .field("path", view->path)
      .field("type", view->type)
      .field("size", view->size)
      .field("modified", view->modified)
      .field("text", view->text);
  if (view->html) out.field("html", *view->html).field("matches", view->matches);
  if (view->pages > 0) {
    out.field("page_kind", view->page_kind).field("pages", view->pages);
    if (!view->page_names.empty()) {
      out.key("page_names").begin_array();
      for (const std::string& name : view->page_names) out.value(name);
      out.end_array();
    }
  }
  if (!view->author.empty()) out.field("author", view->author);
  if (!view->language.empty()) out.field("lang", view->language);
  if (view->created != 0) out.field("created", view->created);
  if (!view->parent_id.empty())
    out.key("parent")
        .begin_object()
        .field("id", view->parent_id)
        .field("title", view->parent_title)
        .end_object();
  out.end_object();
  send_json_text(res, 200, out.take());
}

// Completions of the last word, for the search box as one types.
void suggest(search::SearcherPool& pool, const httplib::Request& req, httplib::Response& res) {
  std::optional<std::string> q = query_param(req, res, /*required=*/true);
  if (!q) return;
  std::vector<std::string> suggestions = pool.acquire()->completions(*q, kMaxSuggestions);
  JsonWriter out;
  out.begin_object().field("query", *q).key("suggestions").begin_array();
  for (const std::string& s : suggestions) out.value(s);
  out.end_array().end_object();
  send_json_text(res, 200, out.take());
}

void similar(search::SearcherPool& pool, const httplib::Request& req, httplib::Response& res,
             const std::string& id) {
  std::optional<unsigned> per_page = integer_param(req, res, "per_page", 10, kMaxPerPage);
  if (!per_page) return;
  std::optional<search::SearchResults> results = pool.acquire()->similar(id, *per_page);
  if (!results) {
    send_error(res, Error::kNotFound, "no document with id " + id);
    return;
  }
  JsonWriter out;
  out.begin_object().field("id", id);
  write_shards(out, *results);
  write_hits(out, results->hits);
  out.end_object();
  send_json_text(res, 200, out.take());
}

}  // namespace

void add_api_routes(Router& router, search::SearcherPool& pool, bool key_required) {
  router.add("GET", "/api/search",
             [&pool](const auto& req, auto& res, const auto&) { search(pool, req, res); });
  router.add("GET", "/api/suggest",
             [&pool](const auto& req, auto& res, const auto&) { suggest(pool, req, res); });
  // [^] rather than '.': ids may hold any character, a newline too. A document whose id ends in
  // "/similar" (a file called "similar") is still a document when no document has the id before.
  router.add(
      "GET", "/api/documents/([^]+)/similar",
      [&pool](const auto& req, auto& res, const std::smatch& m) {
        std::string id = m[1].str();
        bool is_document = pool.acquire()->document_exists(id);
        if (!is_document && pool.acquire()->document_exists(id + "/similar"))
          document(pool, req, res, id + "/similar");
        else
          similar(pool, req, res, id);
      },
      "/api/documents/{id}/similar");
  router.add(
      "GET", "/api/documents/([^]+)",
      [&pool](const auto& req, auto& res, const std::smatch& m) {
        document(pool, req, res, m[1].str());
      },
      "/api/documents/{id}");
  router.add("GET", "/api/health", [&pool, key_required](const auto&, auto& res, const auto&) {
    auto searcher = pool.acquire();
    nlohmann::json shards = nlohmann::json::array();
    bool all_up = true;
    // No error text: it names hosts and Xapian internals. The server's log has it. Nor, when
    // the API needs a key, where the databases are: this path needs none (/metrics says).
    for (const search::ShardStatus& shard : searcher->shards()) {
      nlohmann::json entry = {
          {"remote", shard.remote}, {"state", shard.state}, {"documents", shard.documents}};
      if (!key_required) entry["db"] = shard.location;
      if (shard.down_since > 0) entry["down_since"] = shard.down_since;
      shards.push_back(std::move(entry));
      all_up = all_up && shard.state == "up";
    }
    // "degraded": it answers, but some shard's documents are missing from the answers.
    bool degraded = !all_up && shards.size() > 1;
    send_json(res, 200,
              {{"status", degraded ? "degraded" : "ok"},
               {"shards", std::move(shards)},
               {"documents", searcher->document_count()},
               {"revision", searcher->revision()},
               {"last_commit", searcher->committed()},
               {"language", searcher->language()},
               {"version", LOUPE_VERSION},
               {"api_key_required", key_required}});
  });
  router.add(
      "GET", "/api/openapi\\.json",
      [](const auto&, auto& res, const auto&) {
        send_json_text(res, 200, std::string(openapi_document()));
      },
      "/api/openapi.json");
  // Anything else under /api/ is an API 404, never the page.
  router.add(
      "GET", "/api/.*",
      [](const auto& req, auto& res, const auto&) {
        send_error(res, Error::kNotFound, "no such API path: " + req.path);
      },
      "/api/*");
}

}  // namespace loupe::server
