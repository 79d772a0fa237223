#include "search/filter_values.h"

#include <vector>

namespace loupe::search {
namespace {

// Days from 1970-01-01 to the given date of the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<unsigned> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

// The first second of a date's period and the first second after it.
struct Period {
  int64_t begin;
  int64_t end;
};

std::optional<Period> parse_date(std::string_view text) {
  constexpr int64_t kDay = 86400;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  std::optional<unsigned> year = digits(text.substr(0, 4));
  if (!year) return std::nullopt;
  if (text.size() == 4)
    return Period{days_from_civil(*year, 1, 1) * kDay, days_from_civil(*year + 1, 1, 1) * kDay};
  std::optional<unsigned> month = digits(text.substr(5, 2));
  if (text[4] != '-' || !month || *month < 1 || *month > 12) return std::nullopt;
  if (text.size() == 7) {
    int64_t next_year = *month == 12 ? *year + 1 : *year;
    unsigned next_month = *month == 12 ? 1 : *month + 1;
    return Period{days_from_civil(*year, *month, 1) * kDay,
                  days_from_civil(next_year, next_month, 1) * kDay};
  }
  std::optional<unsigned> day = digits(text.substr(8, 2));
  if (text[7] != '-' || !day || *day < 1 || *day > days_in_month(*year, *month))
    return std::nullopt;
  int64_t begin = days_from_civil(*year, *month, *day) * kDay;
  return Period{begin, begin + kDay};
}

}  // namespace

std::optional<TimeRange> parse_time_range(std::string_view text, std::string& error) {
  auto malformed = [&](std::string_view what) -> std::optional<TimeRange> {
    error =
        "modified: takes FROM..TO with dates as YYYY, YYYY-MM or YYYY-MM-DD, either end "
        "open (" +
        std::string(what) + ")";
    return std::nullopt;
  };
  size_t dots = text.find("..");
  std::string_view from_text = dots == std::string_view::npos ? text : text.substr(0, dots);
  std::string_view to_text = dots == std::string_view::npos ? text : text.substr(dots + 2);
  if (from_text.empty() && to_text.empty()) return malformed("no date");
  TimeRange range;
  if (!from_text.empty()) {
    std::optional<Period> from = parse_date(from_text);
    if (!from) return malformed("\"" + std::string(from_text) + "\" is not a date");
    range.from = from->begin;
  }
  if (!to_text.empty()) {
    std::optional<Period> to = parse_date(to_text);
    if (!to) return malformed("\"" + std::string(to_text) + "\" is not a date");
    range.to = to->end - 1;
  }
  if (range.from && range.to && *range.from > *range.to)
    return malformed("the range ends before it starts");
  return range;
}

std::optional<std::string> normalise_folder(std::string_view text, std::string& error) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) slash = text.size();
    std::string_view part = text.substr(start, slash - start);
    if (part == "..") {
      error = "folder: takes a folder inside the indexed folders; \"..\" climbs out of them";
      return std::nullopt;
    }
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    start = slash + 1;
  }
  return out;
}

}  // namespace loupe::search
