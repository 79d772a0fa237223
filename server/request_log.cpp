#include "server/request_log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

namespace loupe::server {

std::string loggable(const std::string& path) {
  std::string out;
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7F) {
      out += c;
      continue;
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

namespace {

// "2026-12-07T03:25:00.123Z"
std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // room for any int the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms));
  return text;
}

}  // namespace

void RequestLog::write(const httplib::Request& req, int status, double ms,
                       std::optional<uint64_t> hits) const {
  if (status == -1) status = 200;
  if (format_ == LogFormat::kPlain) {
    std::fprintf(stderr, "%s %s %d %.2fms\n", loggable(req.method).c_str(),
                 loggable(req.path).c_str(), status, ms);
    return;
  }
  nlohmann::json line = {{"time", utc_now()},
                         {"method", req.method},
                         {"path", req.path},
                         {"status", status},
                         {"ms", std::round(ms * 1000) / 1000},
                         {"client", req.remote_addr}};
  if (hits) line["hits"] = *hits;
  // Paths are bytes: anything that is not UTF-8 becomes U+FFFD rather than an exception.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", text.c_str());
}

void RequestLog::write(const httplib::Request& req, httplib::Response& res, double ms) const {
  std::optional<uint64_t> hits;
  if (res.has_header(kHitsHeader)) {
    hits = std::strtoull(res.get_header_value(kHitsHeader).c_str(), nullptr, 10);
    res.headers.erase(kHitsHeader);
  }
  write(req, res.status, ms, hits);
}

}  // namespace loupe::server
