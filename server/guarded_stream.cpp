#include "server/guarded_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "server/errors.h"
#include "server/json_text.h"

namespace loupe::server {
namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

bool wait(int sock, short events, int timeout_ms) {
  pollfd p{sock, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    port = ntohs(a.sin6_port);
  }
  ip = text;
}

// The answer a refused request gets, in the API's error shape.
std::string refusal_response(Error error, const std::string& message) {
  const ErrorInfo& info = error_info(error);
  std::string body =
      to_json_text(nlohmann::json{{"error", {{"code", info.code}, {"message", message}}}});
  std::string reason = error == Error::kUriTooLong       ? "URI Too Long"
                       : error == Error::kHeaderTooLarge ? "Request Header Fields Too Large"
                       : error == Error::kRequestTimeout ? "Request Timeout"
                                                         : "Service Unavailable";
  return "HTTP/1.1 " + std::to_string(info.status) + " " + reason +
         "\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

void write_error_response(int sock, Error error, const std::string& message,
                          std::chrono::milliseconds timeout) {
  std::string response = refusal_response(error, message);
  auto deadline = Clock::now() + timeout;
  for (size_t sent = 0; sent < response.size();) {
    if (!wait(sock, POLLOUT, milliseconds_until(deadline))) return;
    ssize_t n = ::send(sock, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

void GuardedStream::begin_request() {
  deadline_ = Clock::now() + limits_.deadline;
  in_head_ = true;
  line_bytes_ = 0;
  lines_ = 0;
  response_started_ = false;
}

bool GuardedStream::wait_for_request(std::chrono::milliseconds idle,
                                     const std::function<bool()>& stopping) {
  if (begin_ < end_) return true;  // pipelined: already here
  constexpr int kSliceMs = 50;     // how soon a stopping server lets idle connections go
  auto until = Clock::now() + idle;
  while (!stopping()) {
    int left = milliseconds_until(until);
    if (left == 0) return false;
    if (wait(sock_, POLLIN, std::min(left, kSliceMs))) return true;
  }
  return false;
}

bool GuardedStream::is_readable() const {
  return begin_ < end_ || wait(sock_, POLLIN, milliseconds_until(deadline_));
}

bool GuardedStream::is_writable() const {
  return wait(sock_, POLLOUT, static_cast<int>(limits_.write_timeout.count()));
}

void GuardedStream::refuse(Refusal refusal) {
  refusal_ = refusal;
  switch (refusal) {
    case Refusal::kLineTooLong:
      if (lines_ == 0)
        write_error_response(
            sock_, Error::kUriTooLong,
            "the request line is over " + std::to_string(limits_.max_line_bytes) + " bytes",
            limits_.write_timeout);
      else
        write_error_response(
            sock_, Error::kHeaderTooLarge,
            "a header line is over " + std::to_string(limits_.max_line_bytes) + " bytes",
            limits_.write_timeout);
      break;
    case Refusal::kTooManyHeaders:
      write_error_response(
          sock_, Error::kHeaderTooLarge,
          "more than " + std::to_string(limits_.max_header_lines) + " header lines",
          limits_.write_timeout);
      break;
    case Refusal::kTimeout:
      write_error_response(
          sock_, Error::kRequestTimeout,
          "the request did not arrive within " + std::to_string(limits_.deadline.count()) + " ms",
          limits_.write_timeout);
      break;
    default:
      break;
  }
}

// Reads more from the socket, within the request's deadline.
bool GuardedStream::fill() {
  if (!wait(sock_, POLLIN, milliseconds_until(deadline_))) {
    refuse(Refusal::kTimeout);
    return false;
  }
  ssize_t n;
  do {
    n = ::recv(sock_, buffer_, sizeof buffer_, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    refusal_ = Refusal::kClosed;
    return false;
  }
  begin_ = 0;
  end_ = static_cast<size_t>(n);
  return true;
}

// Counts the head's lines as cpp-httplib takes its bytes: false once a limit is passed.
bool GuardedStream::count_head(const char* bytes, size_t n) {
  for (size_t i = 0; i < n && in_head_; ++i) {
    if (bytes[i] == '\n') {
      if (line_bytes_ == 0 && lines_ > 0) {
        in_head_ = false;  // the empty line: the head is over
      } else if (++lines_ > limits_.max_header_lines + 1) {
        refuse(Refusal::kTooManyHeaders);
        return false;
      }
      line_bytes_ = 0;
    } else if (bytes[i] != '\r' && ++line_bytes_ > limits_.max_line_bytes) {
      refuse(Refusal::kLineTooLong);
      return false;
    }
  }
  return true;
}

ssize_t GuardedStream::read(char* ptr, size_t size) {
  if (refusal_ != Refusal::kNone) return -1;
  if (begin_ == end_ && !fill()) return -1;
  size_t n = std::min(size, end_ - begin_);
  // The head is handed over only as far as its limits allow.
  if (in_head_ && !count_head(buffer_ + begin_, n)) return -1;
  std::memcpy(ptr, buffer_ + begin_, n);
  begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t GuardedStream::write(const char* ptr, size_t size) {
  // A refused request has had its answer: what cpp-httplib writes after it goes nowhere.
  if (refusal_ != Refusal::kNone) return static_cast<ssize_t>(size);
  if (!response_started_) {
    response_started_ = true;
    // The status line and headers come in one write; "Connection: close" is ours to honour.
    std::string_view head(ptr, size);
    closes_ = head.find("\r\nConnection: close\r\n") != std::string_view::npos;
  }
  if (!is_writable()) return -1;
  ssize_t n;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void GuardedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &length) == 0)
    address_of(addr, ip, port);
}

void GuardedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &length) == 0)
    address_of(addr, ip, port);
}

}  // namespace loupe::server
