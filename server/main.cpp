// loupe-server: configuration, signals and start-up around HttpServer.
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "search/searcher_pool.h"
#include "server/config.h"
#include "server/http_server.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<loupe::server::ServerConfig> config =
      loupe::server::parse_config(argc, argv, exit_code);
  if (!config) return exit_code;
  std::error_code ec;
  if (config->web.empty() && std::filesystem::is_directory("web", ec)) config->web = "web";

  // SIGINT and SIGTERM are taken by one thread with sigwait(), so that stopping runs as normal
  // code rather than in a signal handler. Blocked before any thread starts, so all inherit it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<loupe::search::ShardLocation> locations;
  for (const std::string& spec : config->databases) {
    std::string error;  // checked by parse_config
    locations.push_back(*loupe::search::parse_shard_location(spec, &error));
  }
  auto shards = std::make_shared<loupe::search::ShardSet>(
      std::move(locations), std::chrono::milliseconds(config->shard_timeout_ms));
  loupe::search::SearcherPool searchers(shards, static_cast<size_t>(config->searchers),
                                        static_cast<size_t>(config->cache_mb) << 20,
                                        static_cast<size_t>(config->document_cache_mb) << 20);
  loupe::server::HttpServer server(*config, searchers);
  int port = server.bind();
  if (port < 0) {
    std::fprintf(stderr, "loupe-server: cannot listen on %s:%d (in use, or not allowed)\n",
                 config->bind.c_str(), config->port);
    return 1;
  }
  std::string where = config->databases.front();
  if (config->databases.size() > 1)
    where = std::to_string(config->databases.size()) + " databases (" + where + ", ...)";
  std::fprintf(stderr, "loupe-server: %llu documents in %s; listening on http://%s:%d\n",
               static_cast<unsigned long long>(searchers.acquire()->document_count()),
               where.c_str(), config->bind.c_str(), port);

  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::fprintf(stderr, "loupe-server: stopping (signal %d)\n", signal);
    server.stop();
  });
  server.run();
  // run() also returns if listening fails; wake the stopper so it can be joined.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::fprintf(stderr, "loupe-server: stopped\n");
  return 0;
}
