// The reference matcher: every policy against every enterprise with the
// rules layer's evaluator, one pair at a time. Slow and obviously right; the
// engine (engine.h) must give exactly its answers, and tests compare them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/decimal.h"
#include "portrait/policy.h"
#include "portrait/table.h"
#include "rules/types.h"

namespace zhida::match {

// The award of one matching enterprise: the formula's value rounded to the
// fen (四舍五入), never below zero; a missing value (a fact the formula needs
// is missing) is zero.
Decimal award_of(const rules::Value& v);

// Per policy: the figures bench/WORKLOAD.md defines.
struct PolicyCount {
  std::string policy;
  int64_t match = 0;     // rule definitely true
  int64_t possible = 0;  // rule unknown
  int64_t id_sum = 0;    // sum of the ids of matching enterprises
  Decimal award_sum;     // sum of their awards
};

std::vector<PolicyCount> match_reference(const portrait::EnterpriseTable& table,
                                         const std::vector<portrait::Policy>& policies,
                                         const rules::EvalContext& ctx);

// [{"policy","match","possible","id_sum","award_sum"}…] — the shape
// anchors.mjs --check reads. award_sum is written as an exact decimal.
std::string counts_to_json(const std::vector<PolicyCount>& counts);

}  // namespace zhida::match
