// The audit log as the services use it (SPEC C9): who did what to which
// target, from where, and why — appended to the hash chain of
// store/audit_store.h in the same transaction as the write it records.
//
//   Status s = platform.db().transaction([&](store::Tx& tx) -> Status {
//     ZHIDA_TRY(store::update_something(tx, …));
//     return services::append_audit(tx, platform.clock(), actor, "policy.publish",
//                                   "policy", id, {{"version", v}});
//   });
//
// In a route, the actor comes from the request: http::actor_of(req)
// (http/api/session.h), or use http::audit_record(req, api, …) directly.
//
// Thread-safety: AuditLog is thread-safe (it only runs transactions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "services/accounts/principal.h"
#include "services/platform/clock.h"
#include "store/audit_store.h"
#include "store/db.h"

namespace zhida::services {

// Who acts: a signed-in user (from the session), or the system itself
// (user_id 0, username such as "system:cli").
struct Actor {
  int64_t user_id = 0;
  std::string username;
  std::string role;  // machine role name; "" for the system
  std::string ip;    // the client's address; "" for the system

  static Actor of(const Principal& p, std::string ip);
  static Actor system(std::string name);  // username "system:<name>"
};

// The record of an action, timed by the platform clock.
store::AuditRecord audit_record(const Clock& clock, const Actor& actor, std::string action,
                                std::string target_type, std::string target_id,
                                const nlohmann::json& detail = nlohmann::json::object());

// audit_record + store::append_audit in `tx`.
Status append_audit(store::Tx& tx, const Clock& clock, const Actor& actor, std::string action,
                    std::string target_type, std::string target_id,
                    const nlohmann::json& detail = nlohmann::json::object());

// An entry as the API shows it (time, who, what, target, detail, hash).
nlohmann::json audit_entry_json(const store::AuditEntry& e);

// Opens the database at url without touching its schema and checks the
// chain: what `zhida audit verify` runs.
Result<store::AuditCheck> verify_audit_database(const std::string& url);

class AuditLog {
 public:
  AuditLog(store::Database& db, std::shared_ptr<const Clock> clock) : db_(db), clock_(std::move(clock)) {}

  // Appends in a transaction of its own: for events that write nothing else
  // (a read of sensitive data, a query of the log itself).
  Status record(const store::AuditRecord& record);
  Status record(const Actor& actor, std::string action, std::string target_type,
                std::string target_id, const nlohmann::json& detail = nlohmann::json::object());

  struct Page {
    std::vector<store::AuditEntry> items;
    int64_t total = 0;
  };
  Result<Page> query(const store::AuditFilter& filter) const;

  // Checks the whole chain (see store::verify_audit).
  Result<store::AuditCheck> verify() const;

 private:
  store::Database& db_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace zhida::services
