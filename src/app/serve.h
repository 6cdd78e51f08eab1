// Starting the platform, shared by `zhida serve` and `zhida demo`.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "services/platform/clock.h"

namespace zhida::app {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data = "data";
  std::string db;          // overrides data
  std::string static_dir;  // default: web/dist
  int threads = 0;
  std::shared_ptr<services::Clock> clock;
  std::function<void(int port)> on_ready;  // after the server listens
};

// Runs until SIGTERM/SIGINT; returns the exit code.
int serve(const ServeOptions& options);
std::string default_static_dir();

}  // namespace zhida::app
