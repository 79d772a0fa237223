// loupe-server's settings, from flags or LOUPE_* environment variables (flags win).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/request_log.h"

namespace loupe::server {

struct ServerConfig {
  // Database folders, or tcp://host:port for one served by xapian-tcpsrv: several are searched
  // as one.
  std::vector<std::string> databases;
  // How long a remote database may take to connect or answer before it is left out.
  int shard_timeout_ms = 1000;
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string web;      // folder of the static page; empty: no page
  std::string api_key;  // when set, /api/ (but /api/health and /api/openapi.json) needs the key
  // Origins of pages served elsewhere that may call the API from a browser (CORS); "*" for any.
  // Empty: none, the browser's same-origin rule.
  std::vector<std::string> cors_origins;
  // /metrics needs the API key when one is set, unless this says it is open to all.
  bool metrics_public = false;
  LogFormat log_format = LogFormat::kPlain;  // a line per request on stderr
  // Most HTTP threads. A keep-alive connection holds one while it is open, so the pool grows
  // with the connections up to this; searches themselves run on `searchers`.
  int threads = 512;
  int searchers = 0;  // 0: one per core
  int cache_mb = 64;  // recent search results kept; 0 turns the cache off
  // Records and text blocks of recently shown documents, all searchers together; 0: none.
  int document_cache_mb = 32;
};

// The first local database folder: where a watcher writes its status; empty when all are remote.
std::string watched_database(const ServerConfig& config);

// Parses argv and the environment; returns nullopt after printing help or an error, with the
// process exit code in `exit_code`.
std::optional<ServerConfig> parse_config(int argc, char** argv, int& exit_code);

}  // namespace loupe::server
