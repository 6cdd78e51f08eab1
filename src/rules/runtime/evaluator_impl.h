// The reference evaluator's logic as a template over how facts are read, so
// that the matching engine can run the very same code with direct column
// access (no virtual calls, no lookups by name) and give exactly the same
// answers. `FactsT` provides:
//
//   Value get(const Instr& in, int32_t index) const;           // kAttr
//   Tri set_contains(const Instr& in, int32_t index, std::string_view v) const;
//
// where `index` is the instruction's index in the program (to look up a
// column resolved in advance). evaluator.cc instantiates it for rules::Facts.
#pragma once

#include "base/date.h"
#include "rules/planner/program.h"
#include "rules/types.h"

namespace zhida::rules {

inline Tri truth_of(const Value& v) {
  return v.kind == Value::Kind::kBool ? tri_of(v.boolean) : Tri::kUnknown;
}

namespace detail {

inline Value of_tri(Tri t) {
  return t == Tri::kUnknown ? Value::missing() : Value::of_bool(t == Tri::kTrue);
}
inline Value of_num(std::optional<Decimal> d) {
  return d ? Value::of_number(*d) : Value::missing();
}

// a == b for two known values of the same class.
inline bool equal(const Value& a, const Value& b) {
  switch (a.kind) {
    case Value::Kind::kNumber:
      return a.number == b.number;
    case Value::Kind::kDate:
      return a.date == b.date;
    case Value::Kind::kText:
      return a.text == b.text;
    case Value::Kind::kBool:
      return a.boolean == b.boolean;
    default:
      return false;
  }
}

inline bool compare(CmpOp op, const Value& a, const Value& b) {
  switch (a.kind) {
    case Value::Kind::kNumber:
      return cmp_holds(op, a.number <=> b.number);
    case Value::Kind::kDate:
      return cmp_holds(op, a.date <=> b.date);
    case Value::Kind::kText: {
      int c = a.text.compare(b.text);
      return cmp_holds(op, c <=> 0);
    }
    case Value::Kind::kBool:
      return cmp_holds(op, static_cast<int>(a.boolean) <=> static_cast<int>(b.boolean));
    default:
      return false;
  }
}

}  // namespace detail

template <typename FactsT>
class EvaluatorT {
 public:
  EvaluatorT(const Program& p, const FactsT& f, const EvalContext& c) : p_(p), f_(f), ctx_(c) {}

  Value eval(int32_t idx) const {
    using detail::of_num;
    using detail::of_tri;
    const Instr& in = p_.instr(idx);
    auto kids = p_.children(in);
    switch (in.op) {
      case Op::kConst:
        return p_.constant(in.constant);
      case Op::kAttr:
        return f_.get(in, idx);
      case Op::kExists:
        return Value::of_bool(!eval(kids[0]).is_missing());
      case Op::kNot:
        return of_tri(tri_not(truth_of(eval(kids[0]))));
      case Op::kAnd: {
        bool unknown = false;
        for (int32_t k : kids) {
          Tri t = truth_of(eval(k));
          if (t == Tri::kFalse) return Value::of_bool(false);
          if (t == Tri::kUnknown) unknown = true;
        }
        return unknown ? Value::missing() : Value::of_bool(true);
      }
      case Op::kOr: {
        bool unknown = false;
        for (int32_t k : kids) {
          Tri t = truth_of(eval(k));
          if (t == Tri::kTrue) return Value::of_bool(true);
          if (t == Tri::kUnknown) unknown = true;
        }
        return unknown ? Value::missing() : Value::of_bool(false);
      }
      case Op::kCompare: {
        Value a = eval(kids[0]);
        if (a.is_missing()) return a;
        Value b = eval(kids[1]);
        if (b.is_missing()) return b;
        return Value::of_bool(detail::compare(in.cmp, a, b));
      }
      case Op::kInList: {
        Value x = eval(kids[0]);
        if (x.is_missing()) return x;
        bool unknown = false;
        for (size_t i = 1; i < kids.size(); ++i) {
          Value e = eval(kids[i]);
          if (e.is_missing()) {
            unknown = true;
          } else if (detail::equal(x, e)) {
            return Value::of_bool(true);
          }
        }
        return unknown ? Value::missing() : Value::of_bool(false);
      }
      case Op::kSetContains: {
        Value x = eval(kids[0]);
        if (x.is_missing()) return x;
        return of_tri(f_.set_contains(in, idx, x.text));
      }
      case Op::kNeg: {
        Value x = eval(kids[0]);
        if (x.is_missing()) return x;
        return Value::of_number(x.number.negated());
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv: {
        Value a = eval(kids[0]);
        if (a.is_missing()) return a;
        Value b = eval(kids[1]);
        if (b.is_missing()) return b;
        switch (in.op) {
          case Op::kAdd:
            return of_num(add(a.number, b.number));
          case Op::kSub:
            return of_num(sub(a.number, b.number));
          case Op::kMul:
            return of_num(mul(a.number, b.number));
          default:
            return of_num(div(a.number, b.number));
        }
      }
      case Op::kMin:
      case Op::kMax: {
        Value best;
        for (int32_t k : kids) {
          Value v = eval(k);
          if (v.is_missing()) return v;
          if (best.is_missing()) {
            best = v;
            continue;
          }
          bool less = v.kind == Value::Kind::kDate ? v.date < best.date : v.number < best.number;
          bool greater = v.kind == Value::Kind::kDate ? v.date > best.date : v.number > best.number;
          if (in.op == Op::kMin ? less : greater) best = v;
        }
        return best;
      }
      case Op::kAbs: {
        Value x = eval(kids[0]);
        if (x.is_missing()) return x;
        return Value::of_number(x.number.abs());
      }
      case Op::kRound: {
        Value x = eval(kids[0]);
        if (x.is_missing()) return x;
        return of_num(x.number.rounded(in.digits));
      }
      case Op::kYearsSince: {
        Value d = eval(kids[0]);
        if (d.is_missing()) return d;
        return Value::of_number(Decimal::from_int(whole_years_between(d.date, ctx_.today)));
      }
      case Op::kIf: {
        Tri c = truth_of(eval(kids[0]));
        if (c == Tri::kUnknown) return Value::missing();
        return eval(kids[c == Tri::kTrue ? 1 : 2]);
      }
      case Op::kStartsWith: {
        Value s = eval(kids[0]);
        if (s.is_missing()) return s;
        Value pre = eval(kids[1]);
        if (pre.is_missing()) return pre;
        return Value::of_bool(s.text.substr(0, pre.text.size()) == pre.text);
      }
    }
    return Value::missing();
  }

 private:
  const Program& p_;
  const FactsT& f_;
  const EvalContext& ctx_;
};

}  // namespace zhida::rules
