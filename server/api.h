// The JSON API's handlers: they validate the request, ask the search layer, shape the JSON.
#pragma once

#include "search/searcher_pool.h"
#include "server/router.h"

namespace loupe::server {

// Longest query accepted, in bytes.
inline constexpr size_t kMaxQueryBytes = 1024;
inline constexpr unsigned kMaxPerPage = 100;
inline constexpr size_t kMaxSuggestions = 8;  // completions /api/suggest gives
inline constexpr unsigned kMaxPage = 10000;

// `key_required`: /api/health tells the page to ask for the key before the first search.
void add_api_routes(Router& router, search::SearcherPool& searchers, bool key_required);

}  // namespace loupe::server
