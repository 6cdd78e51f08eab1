#include "rules/runtime/evaluator.h"

#include "rules/runtime/evaluator_impl.h"

namespace zhida::rules {
namespace {

// rules::Facts read by reference: the general (virtual) path.
class VirtualFacts {
 public:
  explicit VirtualFacts(const Facts& f) : f_(f) {}
  Value get(const Instr& in, int32_t) const { return f_.get(in.attr); }
  Tri set_contains(const Instr& in, int32_t, std::string_view v) const {
    return f_.set_contains(in.attr, v);
  }

 private:
  const Facts& f_;
};

}  // namespace

Value evaluate_instr(const Program& program, int32_t instr, const Facts& facts,
                     const EvalContext& ctx) {
  VirtualFacts vf(facts);
  return EvaluatorT<VirtualFacts>(program, vf, ctx).eval(instr);
}

Tri evaluate_condition(const Program& program, const Facts& facts, const EvalContext& ctx) {
  return truth(evaluate_instr(program, program.root(), facts, ctx));
}

Value evaluate_value(const Program& program, const Facts& facts, const EvalContext& ctx) {
  return evaluate_instr(program, program.root(), facts, ctx);
}

}  // namespace zhida::rules
