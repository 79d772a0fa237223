#include "server/lingering_closer.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace loupe::server {
namespace {

// Input read away per socket at most: more than any header a refusal cuts short.
constexpr size_t kMaxDrainBytes = size_t{1} << 20;
// Sockets lingering at most; beyond, the oldest is closed at once.
constexpr size_t kMaxLingering = 4096;

}  // namespace

LingeringCloser::LingeringCloser() {
  if (::pipe2(wake_, O_NONBLOCK | O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread(&LingeringCloser::run, this);
}

LingeringCloser::~LingeringCloser() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  added_.notify_one();
  thread_.join();
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

void LingeringCloser::close(int sock, std::chrono::milliseconds linger) {
  ::shutdown(sock, SHUT_WR);  // the client sees the answer end now
  {
    std::lock_guard lock(mutex_);
    incoming_.push_back({sock, std::chrono::steady_clock::now() + linger, 0});
  }
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  added_.notify_one();
}

void LingeringCloser::run() {
  std::vector<Lingering> lingering;
  std::vector<pollfd> fds;
  char sink[16384];
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (lingering.empty()) added_.wait(lock, [&] { return stopping_ || !incoming_.empty(); });
      lingering.insert(lingering.end(), incoming_.begin(), incoming_.end());
      incoming_.clear();
      if (stopping_) break;
    }
    while (lingering.size() > kMaxLingering) {
      ::close(lingering.front().sock);
      lingering.erase(lingering.begin());
    }
    auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::seconds(1);
    fds.assign(1, pollfd{wake_[0], POLLIN, 0});
    for (const Lingering& l : lingering) {
      fds.push_back({l.sock, POLLIN, 0});
      next = std::min(next, l.until);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait)));
    if (fds[0].revents & POLLIN)
      while (::read(wake_[0], sink, sizeof sink) > 0) {
      }
    now = std::chrono::steady_clock::now();
    std::vector<Lingering> kept;
    for (size_t i = 0; i < lingering.size(); ++i) {
      Lingering& l = lingering[i];
      bool done = now >= l.until;
      if (!done && (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = ::recv(l.sock, sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0)
          l.drained += static_cast<size_t>(n);
        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
          done = true;  // the client closed, or the connection is gone
        done = done || l.drained >= kMaxDrainBytes;
      }
      if (done)
        ::close(l.sock);
      else
        kept.push_back(l);
    }
    lingering.swap(kept);
  }
  for (const Lingering& l : lingering) ::close(l.sock);
  std::lock_guard lock(mutex_);
  for (const Lingering& l : incoming_) ::close(l.sock);
  incoming_.clear();
}

}  // namespace loupe::server
