// Reads the values of the query's path and date filters ("folder:a/b", "modified:2024..2025-06").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loupe::search {

// Seconds since the epoch, UTC; either end may be open. Both ends are inclusive.
struct TimeRange {
  std::optional<int64_t> from;
  std::optional<int64_t> to;
};

// "FROM..TO", "FROM..", "..TO" or one date, each a date as YYYY, YYYY-MM or YYYY-MM-DD (UTC):
// FROM is the first second of its period and TO the last of its own, so "2024" is the whole
// year and "..2023-06" runs to the end of June 2023. nullopt with `error` set when malformed.
std::optional<TimeRange> parse_time_range(std::string_view text, std::string& error);

// A folder of the indexed root as the folder field's terms hold it: no leading "./" or '/', no
// trailing '/', no empty or "." components. nullopt with `error` set for a path that climbs
// out ("..").
std::optional<std::string> normalise_folder(std::string_view text, std::string& error);

}  // namespace loupe::search
