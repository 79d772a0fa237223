// Serves the web page's files from one folder, and nothing outside it.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <string>

namespace loupe::server {

class StaticFiles {
 public:
  // `root` empty: no page; every request gets a 404.
  explicit StaticFiles(const std::string& root);
  void serve(const httplib::Request& req, httplib::Response& res) const;

 private:
  std::filesystem::path root_;  // canonical
};

}  // namespace loupe::server
