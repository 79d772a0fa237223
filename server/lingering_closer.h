// Closes refused connections in the background, after reading away what their clients still
// send, so that the answer already written is not lost to a reset.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace loupe::server {

// Closing a socket with unread input makes the kernel reset the connection, and the client
// may lose the error answer it was sent (a refusal sent while it still sends its over-long
// header). One thread keeps such sockets, shut for writing, and reads their input away until
// the client closes, a byte limit or a deadline: a worker thread never waits on it.
class LingeringCloser {
 public:
  LingeringCloser();
  ~LingeringCloser();  // closes whatever is still lingering
  LingeringCloser(const LingeringCloser&) = delete;
  LingeringCloser& operator=(const LingeringCloser&) = delete;

  // Takes `sock` over; it is closed within `linger`.
  void close(int sock, std::chrono::milliseconds linger = std::chrono::milliseconds(500));

 private:
  struct Lingering {
    int sock;
    std::chrono::steady_clock::time_point until;
    size_t drained;
  };
  void run();

  std::mutex mutex_;
  std::condition_variable added_;
  std::vector<Lingering> incoming_;
  bool stopping_ = false;
  int wake_[2] = {-1, -1};  // a pipe that ends the thread's poll when sockets come in
  std::thread thread_;
};

}  // namespace loupe::server
