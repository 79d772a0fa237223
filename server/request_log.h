// Writes one line per request to stderr: plain text for people, or JSON for log collectors.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

namespace loupe::server {

enum class LogFormat { kPlain, kJson };

// A handler that knows how many documents a request found says so in this response header;
// the log takes it out before the response is sent.
inline constexpr const char* kHitsHeader = "X-Loupe-Hits";

class RequestLog {
 public:
  explicit RequestLog(LogFormat format) : format_(format) {}
  // `status` -1 is cpp-httplib's "not set yet", which it sends as 200.
  void write(const httplib::Request& req, int status, double ms,
             std::optional<uint64_t> hits = std::nullopt) const;
  // As write(), with the hits the response's kHitsHeader gives, which it removes.
  void write(const httplib::Request& req, httplib::Response& res, double ms) const;

 private:
  LogFormat format_;
};

// The decoded path, with control characters percent-encoded again: a path may hold a line break
// (file names can), which must not start a line of its own in the log.
std::string loggable(const std::string& path);

}  // namespace loupe::server
