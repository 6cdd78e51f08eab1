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
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/import.h"
#include "portrait/policy.h"
#include "portrait/table.h"
#include "rules/types.h"
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

// Tags (企业标签) are catalog attributes with this source: bool values
// computed by rules in the replica (a Derivation), never uploaded, pushed or
// stored per firm. A deleted tag's attribute keeps its id under a retired
// name and source (ids are positions; facts refer to them).
inline constexpr std::string_view kTagSource = "标签";
inline constexpr std::string_view kRetiredTagSource = "标签（已删除）";
// Whether an attribute is derived (a tag, live or retired): not writable.
bool is_derived(const portrait::Attribute& a);

// Attributes computed from the other facts of the same firm (tags). The
// Platform runs the installed Derivation with the replica held exclusively,
// as part of every write (for the rows it changed) and of every load (all
// rows), before the on_facts_changed listeners run: readers never see new
// facts with stale derived values, and a restart computes the same values.
// Implementations are immutable and thread-safe.
class Derivation {
 public:
  virtual ~Derivation() = default;
  // Recomputes the derived values of `rows` (row indices; every row when
  // null) in `table` (padded). Returns the ids of the firms whose derived
  // values changed.
  virtual std::vector<int64_t> derive(portrait::EnterpriseTable& table, const std::vector<uint32_t>* rows,
                                      const rules::EvalContext& ctx) const = 0;
};

// An atomic change of the catalog (see Platform::edit_catalog).
struct CatalogEdit {
  // Changes `next` (a copy of the current catalog; it may be replaced whole,
  // keeping every id). Problems go to `issues`; any error: nothing changes.
  std::function<void(portrait::Catalog& next, Issues& issues)> edit;
  // Runs in the transaction that stores the new catalog: the rows that go
  // with the change (a tag definition, an audit entry). Must be repeatable.
  std::function<Status(store::Tx& tx, const portrait::Catalog& next)> in_tx;
};

// Work done inside a data write's transaction (audit entries, a resolved
// report): it commits with the write or not at all. Must be repeatable.
using BatchHook = std::function<Status(store::Tx& tx, int64_t batch_id)>;

// One fact value sent by a data source (incremental push).
struct FactUpdate {
  int64_t enterprise_id = 0;
  std::string attribute;              // 营业收入[2024] or 注册地
  std::optional<std::string> value;   // cell text (CSV conventions); nullopt = now missing
  std::string as_of;                  // a timestamp (2026-11-27T16:00:00.000Z; callers parse what users type); empty = now
};

struct PushReport {
  size_t accepted = 0;
  std::vector<portrait::RowError> errors;  // line = index of the update (1-based)
  std::vector<int64_t> enterprises;        // the firms whose facts changed
};
// Runs in a push's transaction with its report (accepted, errors and
// enterprises are final); an error rolls the push back.
using PushHook = std::function<Status(store::Tx& tx, const PushReport& report)>;

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
  // The same, with the replica's generation: a number that changes with
  // every write to the replica (a cache built from it stays good while the
  // generation is the same).
  template <typename F>
  auto read_versioned(F&& fn) const {
    std::shared_lock lock(mu_);
    return fn(static_cast<const portrait::EnterpriseTable&>(*table_), generation_);
  }
  size_t enterprise_count() const;

  // Replaces the catalog's descriptive fields / adds attributes (data steward).
  Status update_catalog(const portrait::Catalog& declared, Issues* issues);
  // Changes the catalog atomically: edit a copy, store it (with e.in_tx in
  // the same transaction), then install it. Error "catalog.invalid" (and the
  // problems in `issues`) when the edit reports an error; nothing changes.
  Status edit_catalog(const CatalogEdit& e, Issues* issues);

  // Loads a CSV upload as one batch. all_or_nothing: any bad row rejects the
  // whole file (nothing is stored); otherwise bad rows are reported and the
  // good ones load. New attributes in the header are added to the catalog.
  // A file without one good row stores nothing. A column that is a tag is
  // refused ("import.derived_column"). `in_tx` runs in the batch's
  // transaction with its id.
  Result<portrait::ImportReport> upload_csv(std::string text, const store::BatchInfo& info, bool all_or_nothing,
                                            const BatchHook& in_tx = {});
  // Stores and applies pushed facts; a bad update is reported and skipped.
  // `in_tx` runs in the transaction that stores the good ones (also when
  // there are none).
  Result<PushReport> push_facts(const std::vector<FactUpdate>& updates, const std::string& source, int64_t user_id,
                                const PushHook& in_tx = {});
  // The facts of one enterprise as known at a time (timestamp; empty = now),
  // in a small table of its own (derived attributes computed with the
  // current derivation).
  Result<std::unique_ptr<portrait::EnterpriseTable>> facts_as_of(int64_t enterprise_id, const std::string& when);

  // Called (outside any lock) after facts of these enterprises changed
  // (derived values included).
  void on_facts_changed(std::function<void(const std::vector<int64_t>&)> fn);

  // Installs the derivation used from now on and, when `now` is given, runs
  // it over every row at once (a tag's rule changed: `now` computes just
  // what changed); listeners hear of the firms whose values changed.
  void set_derivation(std::shared_ptr<const Derivation> next, const Derivation* now = nullptr);
  std::shared_ptr<const Derivation> derivation() const;

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
  // Runs the derivation over `rows` (all when null) of table_; mu_ held exclusively.
  std::vector<int64_t> derive_locked(const std::vector<uint32_t>* rows);
  void notify_facts_changed(const std::vector<int64_t>& ids);

  std::unique_ptr<store::Database> db_;
  std::shared_ptr<Clock> clock_;
  mutable std::shared_mutex mu_;  // guards table_
  std::unique_ptr<portrait::EnterpriseTable> table_;
  uint64_t generation_ = 0;  // guarded by mu_: bumped with each write to table_
  mutable std::mutex policies_mu_;
  std::map<std::string, PublishedPolicyPtr> policies_;
  std::mutex listeners_mu_;
  std::vector<std::function<void(const std::vector<int64_t>&)>> facts_listeners_;
  std::vector<std::function<void(const PublishedPolicyPtr&)>> policy_listeners_;
  std::shared_ptr<const Derivation> derivation_;  // guarded by mu_
  std::mutex write_mu_;  // one data write at a time (facts, catalog, derivation); taken before mu_
};

}  // namespace zhida::services
