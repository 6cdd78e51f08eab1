// Server: the HTTP/1.1 server of `zhida serve`, on Boost.Beast (hidden in
// server.cc; nothing of Beast or Asio leaks into this header).
//
//   Router router;  ... routes and middleware ...
//   Server server({.port = 8080, .static_dir = "web/dist"}, std::move(router));
//   if (Status s = server.run_until_signal(); !s.ok()) { ... s.error() ... }
//
// What a request goes through, in order:
//   1. the header is read; a target that does not parse is a 400;
//   2. the route is looked up; Content-Length above the route's limit
//      (RouteOptions::max_body_bytes, else ServerConfig::max_body_bytes) is a
//      413 "payload_too_large" sent before any of the body is read; a chunked
//      body that grows past it is cut off the same way; "Expect: 100-continue"
//      is answered when the body is wanted;
//   3. GET/HEAD /healthz answers {"status":"ok"} (no middleware);
//   4. a matched route runs middleware and its handler (Router::dispatch);
//   5. otherwise paths under /api get the router's 404/405; GET/HEAD of other
//      paths are served from static_dir (StaticFiles) when it is set;
//   6. the response is written (HEAD: headers only, same Content-Length) with
//      X-Request-Id and X-Content-Type-Options: nosniff, and one access-log
//      line: method, path, status, duration in ms, user (or "-"), request id.
//
// Threading: `threads` threads run one Asio io_context. Each connection is
// served by one of them at a time (a strand), so one connection's requests
// are handled in order; different connections run in parallel. Handlers run
// on these threads and may block (database calls): a blocked handler holds
// one thread, so size `threads` for the expected number of concurrently slow
// requests. Handlers must be thread-safe (Router).
//
// Shutdown: request_stop() (any thread, also from a handler or a signal)
// stops accepting at once, closes idle keep-alive connections, and lets
// requests being read or handled finish with "Connection: close". wait()
// returns when they are done or after shutdown_timeout, when the rest are
// closed. A handler that never returns blocks shutdown.
//
// Thread-safety: start(), wait(), stop() and run_until_signal() may be called
// from any thread except a handler's own (wait() there would deadlock; use
// request_stop()). port() and request_stop() are safe anywhere. Do not
// destroy the Server from one of its handlers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/router.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace zhida::http {

namespace internal {
class ServerImpl;
}  // namespace internal

struct ServerConfig {
  std::string host = "127.0.0.1";         // address to bind; "0.0.0.0" or "::" for all
  uint16_t port = 8080;                   // 0: an ephemeral port, reported by Server::port()
  int threads = 0;                        // 0: 4 per core, at least 16 (handlers mostly wait)
  std::filesystem::path static_dir;       // empty: no static files
  uint64_t max_body_bytes = 1024 * 1024;  // per request; routes may raise it
  std::chrono::milliseconds request_timeout{30'000};   // to read one request / write one response,
                                                       // including the idle wait on keep-alive
  std::chrono::milliseconds shutdown_timeout{10'000};  // for in-flight requests on stop
  std::shared_ptr<spdlog::logger> access_log;          // null: spdlog's default logger
};

class Server {
 public:
  // Takes the router; the configuration is fixed from here on.
  Server(ServerConfig config, Router router);
  // Stops (gracefully, as stop()) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads; returns once connections are
  // accepted. Fails (http.bind_failed, Chinese message) when the address
  // cannot be bound; start() after a stop fails with http.already_started.
  Status start();

  // The bound port (useful with port 0); 0 before start().
  uint16_t port() const;

  // Begins a graceful shutdown and returns at once; see the file comment.
  void request_stop();

  // Blocks until the server has stopped: after request_stop() (from anywhere)
  // and the drain. Returns at once when never started or already stopped.
  void wait();

  // request_stop() + wait().
  void stop();

  // start() if not started, then wait for SIGINT or SIGTERM (or another
  // thread's stop()), then stop gracefully.
  Status run_until_signal();

  const Router& router() const;

 private:
  std::unique_ptr<internal::ServerImpl> impl_;
};

}  // namespace zhida::http
