// The matching engine: every policy against every enterprise, fast.
//
// Policies' rules are translated into a shared graph of conditions over the
// table's columns: identical sub-conditions of different policies (the
// locality triple, "not 严重失信", credit grades …) become one node, computed
// once. The table is scanned in blocks of 4096 firms; for each block a node
// yields two bitmasks, T (definitely true) and F (definitely false) — Kleene
// logic on 64 firms per machine word. Leaf conditions run as column kernels
// (SIMD comparisons against exact integer thresholds, dictionary-code and set
// bitmaps, exact int128 arithmetic for linear comparisons and ratios); an
// `and` evaluates its most selective parts first and stops as soon as the
// whole block is false, so a rare policy costs almost nothing in blocks
// where nobody qualifies. Anything else runs the rules layer's own evaluator
// (evaluator_impl.h) on direct column pointers. Blocks are spread over cores
// with TBB.
//
// The answers are exactly the reference evaluator's (reference.h): tests
// compare them on generated districts, and `zhida match` is checked against
// DuckDB.
//
// Thread-safety: an Engine may be used from several threads; its plan is
// immutable after construction, and the row bitmaps it builds on demand for
// later plans (scan) are kept under a lock. The table must outlive it and must not be written
// while it is in use (the platform holds its read lock); the table must be
// padded (EnterpriseTable::pad).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/decimal.h"
#include "match/reference.h"
#include "portrait/bitmap.h"
#include "portrait/policy.h"
#include "portrait/table.h"
#include "rules/types.h"

namespace zhida::match {

class Plan;     // the compiled graph (engine.cc)
class Indexes;  // row bitmaps shared by every plan over the table (engine.cc)

struct EngineStats {
  size_t policies = 0;
  size_t nodes = 0;          // distinct conditions after sharing
  size_t leaf_nodes = 0;     // of which leaves
  size_t generic_nodes = 0;  // leaves run by the rules evaluator
  size_t shared_uses = 0;    // node uses saved by sharing
};

class Engine {
 public:
  // Compiles `policies` (their rule and award programs) for `table`.
  Engine(const portrait::EnterpriseTable& table,
         std::vector<std::shared_ptr<const portrait::Policy>> policies,
         const rules::EvalContext& ctx);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineStats& stats() const;
  size_t policy_count() const;

  // Every policy against every enterprise.
  std::vector<PolicyCount> match_all() const;

  // One enterprise against every policy (its re-match after a change).
  struct RowResult {
    rules::Tri verdict = rules::Tri::kUnknown;
    Decimal award;  // award_of() of the formula when the verdict is true
  };
  void match_row(size_t row, std::vector<RowResult>& out) const;

  // One policy (any policy, e.g. a sandbox draft) against every enterprise.
  struct Scan {
    portrait::Bitmap match;     // rows where the rule is true
    portrait::Bitmap possible;  // rows where it is unknown
    int64_t match_count = 0;
    int64_t possible_count = 0;
    Decimal award_sum;
    std::vector<std::pair<uint32_t, int64_t>>
        awards_fen;  // (row, award in fen) of matching rows, by row
  };
  Scan scan(const portrait::Policy& policy) const;

 private:
  const portrait::EnterpriseTable& table_;
  rules::EvalContext ctx_;
  std::vector<std::shared_ptr<const portrait::Policy>> policies_;
  std::unique_ptr<Indexes> indexes_;  // before plan_: the plan points into it
  std::unique_ptr<Plan> plan_;
};

}  // namespace zhida::match
