// One request's reads and writes on a client socket, within the limits cpp-httplib 0.11 lacks:
// a deadline for the whole request head and bounded header lines and counts.
#pragma once

#include <httplib.h>

#include "server/errors.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace loupe::server {

struct RequestLimits {
  // The request line and each header line (a line longer than this is refused before it is
  // read whole: cpp-httplib would grow a string for as long as the line goes on).
  size_t max_line_bytes = 8192;
  size_t max_header_lines = 100;
  // The whole request, head and body, arrives within this, however slowly its bytes come.
  std::chrono::milliseconds deadline{3000};
  std::chrono::milliseconds write_timeout{5000};
};

// Why a request's reading stopped short; the connection gets an error answer and is closed.
enum class Refusal { kNone, kLineTooLong, kTooManyHeaders, kTimeout, kClosed };

// A client connection's stream, request after request: cpp-httplib reads the request line a
// byte at a time, so reads come from a buffer; bytes of a next (pipelined) request stay in it.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(int sock, const RequestLimits& limits) : sock_(sock), limits_(limits) {}

  // Starts the next request: its deadline runs from now, its head is counted anew.
  void begin_request();
  // Waits up to `idle` for the next request's first byte, or until `stopping` says so.
  bool wait_for_request(std::chrono::milliseconds idle, const std::function<bool()>& stopping);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

  Refusal refusal() const { return refusal_; }
  // The response written said "Connection: close": the connection must end after it (0.11
  // keeps it open, and would read a body it refused to read as the next request).
  bool closes() const { return closes_; }

 private:
  bool fill();
  bool count_head(const char* bytes, size_t n);
  void refuse(Refusal refusal);

  int sock_;
  RequestLimits limits_;
  std::chrono::steady_clock::time_point deadline_{};
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;  // unread bytes in buffer_
  bool in_head_ = true;
  size_t line_bytes_ = 0;
  size_t lines_ = 0;
  Refusal refusal_ = Refusal::kNone;
  bool response_started_ = false;
  bool closes_ = false;
};

// Writes the API's JSON error answer for `error` (with "Connection: close") to a socket that
// cpp-httplib has not answered on: limits and caps that act below it.
void write_error_response(int sock, Error error, const std::string& message,
                          std::chrono::milliseconds timeout);

}  // namespace loupe::server
