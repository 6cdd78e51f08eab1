// The reference evaluator: one enterprise, one program, three-valued.
//
// This is the definition of what a rule means at run time; the matching
// engine (src/match) must give exactly its answers. Stateless and
// thread-safe: many threads may evaluate the same Program at once.
#pragma once

#include "rules/planner/program.h"
#include "rules/types.h"

namespace zhida::rules {

// A condition program's truth value for one enterprise.
Tri evaluate_condition(const Program& program, const Facts& facts, const EvalContext& ctx);

// A value program's value (missing when a needed fact is missing, on
// division by zero, or on overflow).
Value evaluate_value(const Program& program, const Facts& facts, const EvalContext& ctx);

// One instruction's value; conditions give kBool or kMissing (unknown).
Value evaluate_instr(const Program& program, int32_t instr, const Facts& facts,
                     const EvalContext& ctx);

// Truth of a condition value.
inline Tri truth(const Value& v) {
  return v.kind == Value::Kind::kBool ? tri_of(v.boolean) : Tri::kUnknown;
}

}  // namespace zhida::rules
