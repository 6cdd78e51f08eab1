// Tags (企业标签, C1): named rules in the rule language — 规上工业企业,
// 高成长企业 — that every firm either has (true), lacks (false) or cannot be
// told yet (missing data: unknown). Each tag is a bool attribute of the
// catalog with source "标签", so policy rules and other tags use it like any
// attribute. Its values are derived: computed in the replica (a
// Derivation installed on the Platform), never stored per firm.
//
//   - at start, for every firm;
//   - on every data write, for exactly the firms it changed, inside the
//     write (before the platform's on_facts_changed listeners run);
//   - when a definition changes, for every firm, only that tag and the tags
//     that depend on it;
//   - when the date changes (rules may use years_since), for every firm.
//
// Tags may use other tags; they are computed in dependency order and a
// cycle is refused with the path of the cycle. A tag used by a policy in
// force or by another active tag cannot be deactivated or deleted.
//
// Thread-safety: Tags is thread-safe; definition changes are serialised.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "base/result.h"
#include "rules/rules.h"
#include "services/audit/audit.h"
#include "services/platform/platform.h"
#include "store/portrait_store.h"

namespace zhida::services {

// The compiled active tags in dependency order. Immutable.
class TagSet final : public Derivation {
 public:
  struct Entry {
    int32_t attr = -1;
    std::string name;
    rules::ProgramPtr program;  // null: the values are cleared (deactivated, deleted)
  };

  // Compiles the active definitions against `catalog`. A definition that
  // does not compile or sits on a cycle is left out, with an issue (field =
  // the tag's name) in `problems`.
  static std::shared_ptr<const TagSet> build(const std::vector<store::TagRow>& rows, const portrait::Catalog& catalog,
                                             Issues* problems);
  // The entries for `attrs` and every entry that depends on them, in
  // order; `clear` lists attributes whose values are to be erased.
  std::shared_ptr<const TagSet> restricted_to(const std::vector<int32_t>& attrs,
                                              const std::vector<int32_t>& clear = {}) const;

  const std::vector<Entry>& entries() const { return entries_; }

  std::vector<int64_t> derive(portrait::EnterpriseTable& table, const std::vector<uint32_t>* rows,
                              const rules::EvalContext& ctx) const override;

 private:
  std::vector<Entry> entries_;
};

// Problems of a dependency graph: the tags on cycles, each with its path
// ("A → B → A"). `deps[i]` holds the indices tag i reads.
std::vector<std::vector<size_t>> find_cycles(const std::vector<std::vector<size_t>>& deps);

class Tags {
 public:
  explicit Tags(Platform& platform) : platform_(platform) {}
  ~Tags();
  Tags(const Tags&) = delete;
  Tags& operator=(const Tags&) = delete;

  // Compiles the stored definitions, computes every tag for every firm, and
  // starts the worker that recomputes when the date changes.
  Status start();
  void stop();

  // What the data steward sends. Absent fields are unchanged (update) or
  // defaulted (create: description "", active true, no reference year).
  struct Input {
    std::optional<std::string> name;
    std::optional<std::string> rule;
    std::optional<std::string> description;
    std::optional<std::optional<int>> reference_year;  // inner nullopt: none
    std::optional<bool> active;
  };

  // Errors: "tag.invalid" (every problem in `issues`, rule errors with line
  // and column, field "rule"), "tag.conflict" (the name is taken).
  Result<store::TagRow> create(const Input& in, const Actor& actor, Issues* issues);
  // Errors as create, plus db.not_found, "tag.in_use" (deactivating a tag a
  // policy in force or an active tag uses; the users listed in `issues`).
  Result<store::TagRow> update(int64_t id, const Input& in, const Actor& actor, Issues* issues);
  // Deletes the definition; the catalog attribute is retired (renamed), so
  // the name is free and rules no longer see it. Errors: db.not_found,
  // "tag.in_use".
  Status remove(int64_t id, const Actor& actor, Issues* issues);

  // Checks a definition without saving (for the editor, while typing):
  // every issue, rule errors with line and column. `name` may be a new tag
  // or an existing one.
  Result<Issues> check(const std::string& name, const std::string& rule, std::optional<int> reference_year);

  Result<std::vector<store::TagRow>> list();
  Result<std::optional<store::TagRow>> get(int64_t id);

  // How many firms have the tag (true), lack it (false), cannot be told.
  struct Counts {
    int64_t yes = 0, no = 0, unknown = 0;
  };
  Counts counts(int32_t attr) const;
  nlohmann::json to_json(const store::TagRow& row) const;

 private:
  // Recompiles the stored definitions and installs them; `now` recomputes
  // what changed (null: nothing now).
  Status install(const std::vector<int32_t>& changed, const std::vector<int32_t>& cleared);
  // Who uses the tag attribute: "政策 P1", "标签 X" (policies in force, active tags).
  std::vector<std::string> users_of(int32_t attr, const std::vector<store::TagRow>& rows) const;
  void run_daily();

  Platform& platform_;
  std::mutex mu_;  // one definition change at a time
  std::mutex worker_mu_;
  std::condition_variable worker_cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace zhida::services
