// loupe-extract FORMAT FILE CPU_SECONDS MEMORY_MB: one file through its format's reader, in a
// process of its own under limits (see extractor.h). Prints the document, or {"error": ...}, as
// JSON on stdout.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>

#include "indexer/extractor.h"

namespace {

void limit(int resource, rlim_t value) {
  rlimit r{value, value};
  setrlimit(resource, &r);
}

// A file's bytes, mapped read-only.
struct Mapped {
  explicit Mapped(const char* path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat info {};
    if (fstat(fd, &info) == 0) {
      size = static_cast<size_t>(info.st_size);
      if (size == 0) {
        ok = true;
      } else {
        void* at = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (at != MAP_FAILED) data = static_cast<const char*>(at), ok = true;
      }
    }
    close(fd);
  }
  ~Mapped() {
    if (data != nullptr) munmap(const_cast<char*>(data), size);
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
  std::string_view bytes() const { return data != nullptr ? std::string_view(data, size) : ""; }
  const char* data = nullptr;
  size_t size = 0;
  bool ok = false;
};

int fail(const std::string& message, int status) {
  std::cout << nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace)
            << std::flush;
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: loupe-extract FORMAT FILE CPU_SECONDS MEMORY_MB\n");
    return 2;
  }
  limit(RLIMIT_CPU, std::strtoul(argv[3], nullptr, 10));
  // Sanitizers reserve terabytes of address space up front: no address-space limit under them.
#if defined(__SANITIZE_ADDRESS__)
#define LOUPE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOUPE_ASAN 1
#endif
#endif
#ifndef LOUPE_ASAN
  limit(RLIMIT_AS, static_cast<rlim_t>(std::strtoul(argv[4], nullptr, 10)) << 20);
#endif
  limit(RLIMIT_CORE, 0);  // a crash is expected now and then; no core files in the user's folder
  loupe::indexer::Format format = loupe::indexer::format_named(argv[1]);
  if (format == nullptr) return fail(std::string("unknown format ") + argv[1], 2);
  // Mapped, not read: a mailbox of a gigabyte costs its pages, not a copy under the limit.
  Mapped file(argv[2]);
  if (!file.ok) return fail("cannot read the file", 3);
  try {
    loupe::indexer::write_extracted(std::cout, loupe::indexer::read_document(format, file.bytes()));
    std::cout << std::flush;
    return 0;
  } catch (const loupe::indexer::ExtractionError& e) {
    return fail(e.what(), 3);
  } catch (const std::bad_alloc&) {
    return fail("needs more than " + std::string(argv[4]) + " MB of memory", 4);
  } catch (const std::exception& e) {
    return fail(std::string("the reader failed: ") + e.what(), 4);
  }
}
