// Platform: a running district — its database, data catalog, the in-memory
// replica of every enterprise's current facts, and its published policies.
// The composition root of the services: the HTTP routes, the workflow and
// the demo all work through one Platform.
//
// Writes go to the database first (one transaction, with an entry in the
// change feed), then to the replica; a restart rebuilds the replica from the
// database and gives the same answers.
//
// Thread-safety: all methods may be called from any thread. The replica is
// guarded by a shared mutex: read() runs readers in parallel; writers hold it
// exclusively for the moment they apply a change.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/import.h"
#include "portrait/policy.h"
#include "portrait/table.h"
#include "services/platform/clock.h"
#include "store/db.h"
#include "store/portrait_store.h"

namespace zhida::services {

// A published version of a policy, compiled. Immutable and shared.
struct PublishedPolicy {
  std::shared_ptr<const portrait::Policy> policy;
  int64_t version = 0;
  std::string hash;  // of the published JSON
  std::string published_at;
  std::string status;  // published or closed
};
using PublishedPolicyPtr = std::shared_ptr<const PublishedPolicy>;

struct PlatformOptions {
  std::string db_url = std::string(store::kDefaultUrl);
  // Tables of the slices above the portrait (accounts, audit, workflow …),
  // applied after the portrait's.
  std::vector<store::MigrationSet> migrations;
  std::shared_ptr<Clock> clock;  // default: the system clock
  int pool_size = 8;
};

// One fact value sent by a data source (incremental push).
struct FactUpdate {
  int64_t enterprise_id = 0;
  std::string attribute;              // 营业收入[2024] or 注册地
  std::optional<std::string> value;   // cell text (CSV conventions); nullopt = now missing
  std::string as_of;                  // empty = now
};

struct PushReport {
  size_t accepted = 0;
  std::vector<portrait::RowError> errors;  // line = index of the update (1-based)
  std::vector<int64_t> enterprises;        // the firms whose facts changed
};

class Platform {
 public:
  static Result<std::unique_ptr<Platform>> open(PlatformOptions options);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  store::Database& db() { return *db_; }
  const Clock& clock() const { return *clock_; }
  std::shared_ptr<Clock> clock_ptr() const { return clock_; }

  // ---- portrait
  std::shared_ptr<const portrait::Catalog> catalog() const;
  // Runs fn(const EnterpriseTable&) with the replica held for reading.
  template <typename F>
  auto read(F&& fn) const {
    std::shared_lock lock(mu_);
    return fn(static_cast<const portrait::EnterpriseTable&>(*table_));
  }
  size_t enterprise_count() const;

  // Replaces the catalog's descriptive fields / adds attributes (data steward).
  Status update_catalog(const portrait::Catalog& declared, Issues* issues);

  // Loads a CSV upload as one batch. all_or_nothing: any bad row rejects the
  // whole file (nothing is stored); otherwise bad rows are reported and the
  // good ones load. New attributes in the header are added to the catalog.
  Result<portrait::ImportReport> upload_csv(std::string text, const store::BatchInfo& info, bool all_or_nothing);
  // Stores and applies pushed facts; a bad update is reported and skipped.
  Result<PushReport> push_facts(const std::vector<FactUpdate>& updates, const std::string& source, int64_t user_id);
  // The facts of one enterprise as known at a time (timestamp; empty = now),
  // in a small table of its own.
  Result<std::unique_ptr<portrait::EnterpriseTable>> facts_as_of(int64_t enterprise_id, const std::string& when);

  // Called (outside any lock) after facts of these enterprises changed.
  void on_facts_changed(std::function<void(const std::vector<int64_t>&)> fn);

  // ---- policies
  // Every published version in force (published, not closed), by id.
  std::vector<PublishedPolicyPtr> policies() const;
  PublishedPolicyPtr policy(const std::string& id) const;
  // Re-reads the published versions from the database (after publish/close).
  Status refresh_policies();
  // Called after a policy is published (with its new version).
  void on_policy_published(std::function<void(const PublishedPolicyPtr&)> fn);
  void notify_policy_published(const PublishedPolicyPtr& p);

  // Compiles a policy JSON against the current catalog.
  std::optional<portrait::Policy> compile_policy(const nlohmann::json& j, Issues& issues) const;

  // Rebuilds the replica and the policies from the database.
  Status reload();

 private:
  Platform() = default;
  Status load_replica();

  std::unique_ptr<store::Database> db_;
  std::shared_ptr<Clock> clock_;
  mutable std::shared_mutex mu_;  // guards table_
  std::unique_ptr<portrait::EnterpriseTable> table_;
  mutable std::mutex policies_mu_;
  std::map<std::string, PublishedPolicyPtr> policies_;
  std::mutex listeners_mu_;
  std::vector<std::function<void(const std::vector<int64_t>&)>> facts_listeners_;
  std::vector<std::function<void(const PublishedPolicyPtr&)>> policy_listeners_;
  std::mutex write_mu_;  // one data write at a time (catalog changes)
};

}  // namespace zhida::services
