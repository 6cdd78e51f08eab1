// Matching for the platform (C3): what each enterprise can get, which firms
// a policy reaches, and the sandbox that simulates a draft before it is
// published. Reads the Platform's replica; answers are exactly those of the
// rules' reference evaluator. One enterprise is evaluated with the rules
// evaluator (it explains itself); a policy over every enterprise (the lists
// and the sandbox) runs on the match layer's engine, which gives the same
// verdicts. The engine keeps row bitmaps of the replica between scans and is
// rebuilt when the replica changes.
//
// Thread-safe: all methods are const and take the replica's read lock.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/decimal.h"
#include "match/engine.h"
#include "portrait/policy.h"
#include "rules/rules.h"
#include "services/platform/platform.h"

namespace zhida::services {

struct ConditionResult {
  std::string clause;
  std::string rule;
  bool verifiable = true;
  std::string material;
  rules::Tri result = rules::Tri::kUnknown;  // for a condition with no rule: unknown (人工审核)
  std::vector<rules::Evidence> evidence;
  std::vector<rules::MissingFact> missing;
};

struct FirmPolicyMatch {
  PublishedPolicyPtr policy;
  rules::Tri verdict = rules::Tri::kUnknown;  // match / possible / no
  Decimal award;                 // what the firm would get (caps per application and tax applied)
  bool award_known = false;      // false when the formula needs a missing fact
  bool needs_review = false;     // some condition needs a person (not data-verifiable)
  std::vector<ConditionResult> conditions;  // filled when explained
  std::vector<std::string> missing;         // facts to supply (possible)
};

// The award a firm would get from a policy: the formula, rounded to the fen,
// capped per application and, for a tax-capped policy, by last year's tax
// paid (纳税总额[reference_year − 1]). nullopt when a needed fact is missing.
std::optional<Decimal> estimate_award(const portrait::Policy& policy, const rules::Facts& facts,
                                      const portrait::Catalog& catalog, const rules::EvalContext& ctx);

const char* verdict_name(rules::Tri t);  // match / no / possible

class Matching {
 public:
  explicit Matching(Platform& platform) : platform_(platform) {}

  // Every policy in force for one enterprise, best first (match, then
  // possible, then no; by award). nullopt when the enterprise is unknown.
  std::optional<std::vector<FirmPolicyMatch>> for_enterprise(int64_t enterprise_id, bool explain) const;
  // One policy for one enterprise, explained.
  std::optional<FirmPolicyMatch> explain(int64_t enterprise_id, const PublishedPolicyPtr& policy) const;

  // How a per-policy list is ordered; ties go by enterprise id.
  enum class SortKey { kId, kAward, kName, kStreet, kIndustry };
  struct Filter {
    std::string street;    // 街道
    std::string industry;  // 行业门类
    std::optional<rules::Tri> verdict;  // default: match and possible
    size_t offset = 0;
    size_t limit = 50;
    SortKey sort = SortKey::kId;
    bool descending = false;    // by award: a firm with no award counts as 0
    bool with_missing = false;  // fill Item::missing for possible firms
  };
  struct Item {
    int64_t enterprise_id = 0;
    std::string name;
    std::string street;
    std::string industry;
    std::string size;  // 企业规模
    rules::Tri verdict = rules::Tri::kUnknown;
    std::optional<Decimal> award;
    std::vector<std::string> missing;  // facts to supply (possible; with_missing)
  };
  struct List {
    int64_t match = 0;     // before filtering by street/industry
    int64_t possible = 0;
    int64_t total = 0;     // after filtering
    int64_t filtered_match = 0;     // of total: matching firms
    int64_t filtered_possible = 0;  // of total: possible firms
    Decimal award_sum;     // of the filtered matching firms
    std::vector<Item> items;
  };
  // The firms a policy reaches, filtered, sorted and paged (limit 0 = all).
  List for_policy(const portrait::Policy& policy, const Filter& filter) const;

  struct Bucket {
    int64_t match = 0;
    int64_t possible = 0;
    Decimal award;
  };
  struct Sandbox {
    int64_t match = 0;
    int64_t possible = 0;
    Decimal award_sum;
    std::optional<Decimal> budget;
    std::map<std::string, Bucket> by_street, by_industry, by_size;
    bool compared = false;  // against a published version
    int64_t published_match = 0;  // the published version's matching firms
    Decimal published_award_sum;  // and their awards
    int64_t gained = 0;     // firms that match now and did not
    int64_t lost = 0;       // firms that matched and do not now
    std::vector<Item> gained_firms, lost_firms;  // the first `list_limit` of each
    double elapsed_ms = 0;
  };
  Sandbox sandbox(const portrait::Policy& draft, const portrait::Policy* published, size_t list_limit) const;

  static nlohmann::json to_json(const FirmPolicyMatch& m);
  static nlohmann::json to_json(const Sandbox& s);
  static nlohmann::json to_json(const Item& i);

 private:
  // The engine over the replica at `generation` for the day of `ctx`.
  std::shared_ptr<const match::Engine> engine(const portrait::EnterpriseTable& t, uint64_t generation,
                                              const rules::EvalContext& ctx) const;

  Platform& platform_;
  mutable std::mutex engine_mu_;  // guards the three below
  mutable std::shared_ptr<const match::Engine> engine_;
  mutable uint64_t engine_generation_ = 0;
  mutable int32_t engine_day_ = 0;
};

}  // namespace zhida::services
