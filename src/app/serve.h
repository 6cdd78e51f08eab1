// Starting the platform, shared by `zhida serve` and `zhida demo`.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/demo/accounts.h"
#include "services/platform/clock.h"
#include "services/platform/platform.h"
#include "services/services.h"

namespace zhida::app {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data = "data";
  std::string db;          // overrides data
  std::string static_dir;  // default: web/dist
  int threads = 0;
  std::string sms_gateway;  // SMS gateway URL (overrides the config file's)
  std::string sms_config;   // SMS gateway JSON: url, sign, headers, templates
  std::string holidays;     // extra working-day calendar (JSON, years 2027 …)
  std::shared_ptr<services::Clock> clock;
  std::function<void(int port)> on_ready;  // after the server listens
  // After the services start, before the server listens (zhida demo creates
  // its accounts here); an error stops the start.
  std::function<Status(services::Services&)> on_services;
  // zhida demo: its accounts, listed for the login page (GET /api/v1/meta).
  // nullopt (zhida serve): the server says it is not a demo.
  std::optional<std::vector<services::demo::DemoAccount>> demo_accounts;
};

// Runs until SIGTERM/SIGINT; returns the exit code.
int serve(const ServeOptions& options);
// The platform's database URL for the options (--db, or DATA/zhida.db).
std::string database_url(const ServeOptions& options);
// Serves an open platform until SIGTERM/SIGINT (zhida demo opens and fills
// it first).
int run_server(services::Platform& platform, const ServeOptions& options);
std::string default_static_dir();

}  // namespace zhida::app
