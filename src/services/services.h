// Services: every service of the platform above the portrait, created once
// by `zhida serve` (and `zhida demo`, and the API tests) and shared by the
// HTTP routes. Each area adds its service as a member and constructs it in
// Services::start (services.cc); background workers start there and stop in
// stop().
//
// Thread-safety: the members are thread-safe services; the struct itself is
// built once and then only read.
#pragma once

#include <memory>
#include <vector>

#include "base/result.h"
#include "services/matching/matching.h"
#include "services/platform/platform.h"
#include "store/schema.h"

namespace zhida::services {

// The tables of every service area, in dependency order (each area's
// MigrationSet is listed here once). Passed to Platform::open.
std::vector<store::MigrationSet> service_migrations();

struct Services {
  Platform& platform;
  std::unique_ptr<Matching> matching;

  // Creates every service (and starts background workers).
  static Result<std::unique_ptr<Services>> start(Platform& platform);
  // Stops background workers; safe to call twice.
  void stop();
  ~Services();

 private:
  explicit Services(Platform& p) : platform(p) {}
};

}  // namespace zhida::services
