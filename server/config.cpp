#include "server/config.h"

#include "search/shard_set.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

namespace loupe::server {

std::string watched_database(const ServerConfig& config) {
  for (const std::string& spec : config.databases) {
    std::string error;
    std::optional<search::ShardLocation> where = search::parse_shard_location(spec, &error);
    if (where && !where->remote()) return where->path;
  }
  return {};
}

std::optional<ServerConfig> parse_config(int argc, char** argv, int& exit_code) {
  ServerConfig config;
  CLI::App app{"Serve a Loupe index: JSON search API and the web page.", "loupe-server"};
  app.set_version_flag("--version", "loupe-server " LOUPE_VERSION);
  app.add_option("--db", config.databases,
                 "database folder written by loupe-index, or tcp://host:port of one served by "
                 "xapian-tcpsrv; repeat to search several as one (LOUPE_DB: comma-separated)")
      ->envname("LOUPE_DB")
      ->delimiter(',')
      ->required()
      ->check([](const std::string& spec) {
        std::string error;
        return search::parse_shard_location(spec, &error) ? std::string() : error;
      });
  app.add_option("--shard-timeout-ms", config.shard_timeout_ms,
                 "a remote database that does not connect or answer within this is left out of "
                 "answers, and tried again every 2 s")
      ->envname("LOUPE_SHARD_TIMEOUT_MS")
      ->check(CLI::Range(10, 600000));
  app.add_option("--port", config.port, "TCP port (0 picks a free one)")
      ->envname("LOUPE_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--bind", config.bind, "address to listen on")->envname("LOUPE_BIND");
  app.add_option("--web", config.web, "folder of the web page served at /")
      ->envname("LOUPE_WEB")
      ->check(CLI::ExistingDirectory);
  app.add_option("--api-key", config.api_key, "require this bearer token on /api/ requests")
      ->envname("LOUPE_API_KEY");
  app.add_option("--cors-origin", config.cors_origins,
                 "an origin (https://wiki.example.com) whose pages may call the API; repeatable; "
                 "* for any")
      ->envname("LOUPE_CORS_ORIGINS")
      ->delimiter(',')
      ->check([](const std::string& origin) -> std::string {
        if (origin == "*") return {};
        size_t scheme = origin.find("://");
        bool ok = (origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0) &&
                  origin.size() > scheme + 3 &&
                  origin.find_first_of("/?#", scheme + 3) == std::string::npos;
        return ok ? std::string()
                  : "an origin is scheme://host[:port], such as https://wiki.example.com";
      });
  app.add_flag("--metrics-public", config.metrics_public,
               "serve /metrics without the API key (a scraper on a trusted network)")
      ->envname("LOUPE_METRICS_PUBLIC");
  app.add_option("--log-format", config.log_format,
                 "a line per request on stderr: plain, or json (one object a line)")
      ->envname("LOUPE_LOG_FORMAT")
      ->transform(CLI::CheckedTransformer(std::map<std::string, LogFormat>{
          {"plain", LogFormat::kPlain}, {"json", LogFormat::kJson}}));
  app.add_option("--threads", config.threads, "most HTTP worker threads (one per open connection)")
      ->envname("LOUPE_THREADS")
      ->check(CLI::Range(4, 4096));
  app.add_option("--searchers", config.searchers, "concurrent searches (0: one per core)")
      ->envname("LOUPE_SEARCHERS")
      ->check(CLI::Range(0, 256));
  app.add_option("--cache-mb", config.cache_mb,
                 "memory for recent search results, MB (0: no cache)")
      ->envname("LOUPE_CACHE_MB")
      ->check(CLI::Range(0, 65536));
  app.add_option("--document-cache-mb", config.document_cache_mb,
                 "memory for the records and text of recently shown documents, MB (0: none)")
      ->envname("LOUPE_DOCUMENT_CACHE_MB")
      ->check(CLI::Range(0, 65536));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help succeeds; any bad flag or value exits 2, the usual code for a usage error.
    exit_code = app.exit(e) == 0 ? 0 : 2;
    return std::nullopt;
  }
  for (size_t i = 0; i < config.databases.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (config.databases[i] != config.databases[j]) continue;
      // Its documents would be counted, and shown, twice.
      std::fprintf(stderr, "loupe-server: --db %s is given twice\n", config.databases[i].c_str());
      exit_code = 2;
      return std::nullopt;
    }
  }
  if (config.searchers == 0)
    config.searchers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  return config;
}

}  // namespace loupe::server
