#include "server/static_files.h"

#include <array>
#include <fstream>
#include <sstream>

#include "server/responses.h"

namespace loupe::server {
namespace fs = std::filesystem;
namespace {

constexpr uintmax_t kMaxFileBytes = 8 * 1024 * 1024;

struct ContentType {
  std::string_view extension;
  const char* type;
};

constexpr std::array<ContentType, 12> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".woff2", "font/woff2"},
    {".map", "application/json; charset=utf-8"},
}};

const char* content_type(const fs::path& path) {
  std::string ext = path.extension().string();
  for (const ContentType& t : kContentTypes)
    if (t.extension == ext) return t.type;
  return "application/octet-stream";
}

// The page only talks to its own origin; a stray document string can run nothing.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action "
    "'self'";

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  std::error_code ec;
  if (!root.empty()) root_ = fs::canonical(root, ec);
  if (ec) root_.clear();
}

void StaticFiles::serve(const httplib::Request& req, httplib::Response& res) const {
  if (req.method != "GET" && req.method != "HEAD") {
    res.set_header("Allow", "GET, HEAD");
    send_error(res, Error::kMethodNotAllowed, req.method + " is not allowed on " + req.path);
    return;
  }
  // req.path is already percent-decoded, so "%2e%2e" arrives here as "..".
  const std::string& path = req.path;
  bool bad = root_.empty() || path.empty() || path.front() != '/' ||
             path.find('\0') != std::string::npos || path.find('\\') != std::string::npos;
  fs::path relative = fs::path(path.substr(bad ? 0 : 1)).lexically_normal();
  for (const fs::path& part : relative)
    if (part == ".." || (!part.empty() && part.string().front() == '.')) bad = true;
  if (bad) {
    send_error(res, Error::kNotFound, "no such file: " + path);
    return;
  }
  if (relative.empty() || relative == ".") relative = "index.html";
  std::error_code ec;
  // Resolving symlinks before the check: a link inside web/ to a file outside stays unreadable.
  fs::path file = fs::canonical(root_ / relative, ec);
  auto [root_end, unused] = std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  (void)unused;
  if (ec || root_end != root_.end() || !fs::is_regular_file(file, ec) ||
      fs::file_size(file, ec) > kMaxFileBytes) {
    send_error(res, Error::kNotFound, "no such file: " + path);
    return;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("Referrer-Policy", "no-referrer");
  res.status = 200;
  res.set_content(body.str(), content_type(file));
}

}  // namespace loupe::server
