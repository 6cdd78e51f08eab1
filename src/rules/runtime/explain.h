// Explanations: why a rule holds, fails or cannot be decided for one
// enterprise, in words a policy officer and an enterprise understand.
//
//   ✗ 营业收入[2024] >= 2000万
//       营业收入[2024] 为 1850万，需 ≥ 2000万，差 150万
//
// For each top-level condition: its truth value, the values that decided it,
// the facts that are missing; for a failed numeric comparison, how far off
// the enterprise is. Thread-safe (stateless).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/planner/program.h"
#include "rules/types.h"

namespace zhida::rules {

// A fact the rule needed and the enterprise lacks.
struct MissingFact {
  AttrRef ref;
  std::string name;  // 营业收入[2024]
};

// One piece of evidence: a comparison and the values that decided it.
struct Evidence {
  Tri result = Tri::kUnknown;
  std::string text;            // 营业收入[2024] 为 1850万，需 ≥ 2000万，差 150万
  std::optional<Decimal> gap;  // for a failed numeric comparison: how far off
  Type gap_type = Type::kNumber;
};

struct ConditionExplanation {
  int32_t instr = -1;
  std::string text;  // the condition as written
  Tri result = Tri::kUnknown;
  std::vector<Evidence> evidence;
  std::vector<MissingFact> missing;
};

struct Explanation {
  Tri verdict = Tri::kUnknown;
  std::vector<ConditionExplanation> conditions;
  std::vector<MissingFact> missing;  // every missing fact, once
};

// Explains a condition program: one entry per top-level condition.
Explanation explain(const Program& program, const Facts& facts, const EvalContext& ctx,
                    const Schema& schema);

// Explains one instruction of a program as a single condition.
ConditionExplanation explain_condition(const Program& program, int32_t instr, const Facts& facts,
                                       const EvalContext& ctx, const Schema& schema);

// The display name of a fact: 营业收入[2024], 注册地.
std::string fact_name(const Schema& schema, AttrRef ref);

// Explanation as text lines (for the command line and golden tests):
//   结论：不符合
//   ✓ 注册地 == "宝安区"  — 注册地 为 “宝安区”
//   ✗ …
std::string render(const Explanation& e);

}  // namespace zhida::rules
