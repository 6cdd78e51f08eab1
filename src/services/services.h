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
#include "services/accounts/accounts.h"
#include "services/applications/applications.h"
#include "services/audit/audit.h"
#include "services/funds/funds.h"
#include "services/stats/stats.h"
#include "services/matching/matching.h"
#include "services/notifications/notifications.h"
#include "services/platform/platform.h"
#include "services/policies/policies.h"
#include "services/portrait/data_sources.h"
#include "services/portrait/portrait_service.h"
#include "services/portrait/tags.h"
#include "store/schema.h"

namespace zhida::services {

// The tables of every service area, in dependency order (each area's
// MigrationSet is listed here once). Passed to Platform::open.
std::vector<store::MigrationSet> service_migrations();

// Settings of the services that have any (zhida serve's options).
struct ServicesOptions {
  AccountsOptions accounts;  // password cost, session lifetimes, login throttling
  NotificationOptions notifications;  // SMS gateway, retries, rate limits
  ApplicationsOptions applications;  // materials directory, review deadlines, reminders
  FundsOptions funds;                // working-day calendar additions, 免申即享 triggers
};

struct Services {
  Platform& platform;
  std::unique_ptr<AuditLog> audit;        // the hash-chained audit log (C9)
  std::unique_ptr<Accounts> accounts;     // users, sessions, login throttling (C10)
  std::unique_ptr<Matching> matching;
  std::unique_ptr<Notifications> notifications;  // outbox worker, messages, pushes (C4)
  std::unique_ptr<PolicyService> policies;       // drafts, versions, publish / close (C2)
  std::unique_ptr<PortraitService> portrait;     // catalog admin, firms, history, reports, uploads (C1)
  std::unique_ptr<Tags> tags;                    // 企业标签: derived attributes of the replica (C1)
  std::unique_ptr<DataSources> data_sources;     // API-key pushes of changed facts (C1)
  std::unique_ptr<Applications> applications;    // 申报, 秒批, review, decisions, materials (C5)
  std::unique_ptr<Funds> funds;                  // 公示, 异议, 拨付, budget at batch close, 免申即享 (C5)
  std::unique_ptr<Stats> stats;                  // headline figures by period, street, department (C8)

  // Creates every service (and starts background workers).
  static Result<std::unique_ptr<Services>> start(Platform& platform, ServicesOptions options = {});
  // Stops background workers; safe to call twice.
  void stop();
  ~Services();

 private:
  explicit Services(Platform& p) : platform(p) {}
};

}  // namespace zhida::services
