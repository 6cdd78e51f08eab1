#include <algorithm>
#include <cassert>

#include "base/date.h"
#include "rules/planner/program.h"
#include "rules/runtime/evaluator.h"

namespace zhida::rules {

const char* op_name(Op op) {
  switch (op) {
    case Op::kConst:
      return "const";
    case Op::kAttr:
      return "attr";
    case Op::kExists:
      return "exists";
    case Op::kNot:
      return "not";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kCompare:
      return "compare";
    case Op::kInList:
      return "in_list";
    case Op::kSetContains:
      return "set_contains";
    case Op::kNeg:
      return "neg";
    case Op::kAdd:
      return "add";
    case Op::kSub:
      return "sub";
    case Op::kMul:
      return "mul";
    case Op::kDiv:
      return "div";
    case Op::kMin:
      return "min";
    case Op::kMax:
      return "max";
    case Op::kAbs:
      return "abs";
    case Op::kRound:
      return "round";
    case Op::kYearsSince:
      return "years_since";
    case Op::kIf:
      return "if";
    case Op::kStartsWith:
      return "starts_with";
  }
  return "?";
}

std::string Program::source(const Instr& in) const {
  return text_.substr(static_cast<size_t>(in.src.begin),
                      static_cast<size_t>(in.src.end - in.src.begin));
}

namespace {

// Facts with nothing in them, for folding constant sub-expressions.
class NoFacts final : public Facts {
 public:
  Value get(AttrRef) const override { return Value::missing(); }
  Tri set_contains(AttrRef, std::string_view) const override { return Tri::kUnknown; }
};

}  // namespace

class Planner {
 public:
  Planner(std::string_view text, RuleKind kind, std::optional<int> reference_year)
      : p_(new Program()) {
    p_->kind_ = kind;
    p_->text_ = std::string(text);
    p_->reference_year_ = reference_year;
  }

  ProgramPtr run(const Node& root) {
    p_->normalized_ = to_text(root);
    p_->root_ = lower(root);
    const Instr& r = p_->instr(p_->root_);
    if (r.op == Op::kAnd) {
      for (int32_t c : p_->children(r)) p_->conjuncts_.push_back(c);
    } else {
      p_->conjuncts_.push_back(p_->root_);
    }
    for (const Instr& in : p_->instrs_) {
      if (in.op != Op::kAttr && in.op != Op::kSetContains) continue;
      auto& a = p_->attributes_;
      if (std::find(a.begin(), a.end(), in.attr) == a.end()) a.push_back(in.attr);
    }
    return ProgramPtr(p_.release());
  }

 private:
  int32_t add_constant(Value v) {
    if (v.kind == Value::Kind::kText) {
      p_->strings_.emplace_back(v.text);
      v.text = p_->strings_.back();
    }
    p_->constants_.push_back(v);
    return static_cast<int32_t>(p_->constants_.size() - 1);
  }

  int32_t emit(Instr in, const std::vector<int32_t>& kids) {
    in.first_child = static_cast<int32_t>(p_->child_indices_.size());
    in.child_count = static_cast<uint16_t>(kids.size());
    for (int32_t k : kids) p_->child_indices_.push_back(k);
    p_->instrs_.push_back(in);
    int32_t idx = static_cast<int32_t>(p_->instrs_.size() - 1);
    return fold(idx);
  }

  int32_t emit_const(Value v, Type type, const SourceRange& src) {
    Instr in;
    in.op = Op::kConst;
    in.type = type;
    in.src = src;
    in.constant = add_constant(v);
    p_->instrs_.push_back(in);
    return static_cast<int32_t>(p_->instrs_.size() - 1);
  }

  // Replaces an instruction whose children are all constants by its value.
  int32_t fold(int32_t idx) {
    Instr in = p_->instr(idx);
    if (in.op == Op::kConst || in.op == Op::kAttr || in.op == Op::kYearsSince ||
        in.op == Op::kSetContains)
      return idx;
    for (int32_t c : p_->children(in))
      if (p_->instr(c).op != Op::kConst) return idx;
    NoFacts none;
    Value v = evaluate_instr(*p_, idx, none, EvalContext{});
    Instr c;
    c.op = Op::kConst;
    c.type = in.type;
    c.src = in.src;
    c.constant = add_constant(v);
    p_->instrs_[static_cast<size_t>(idx)] = c;
    return idx;
  }

  Instr base(Op op, const Node& n) {
    Instr in;
    in.op = op;
    in.type = n.type;
    in.src = n.range;
    return in;
  }

  int32_t lower(const Node& n) {
    switch (n.kind) {
      case NodeKind::kNumber:
        return emit_const(Value::of_number(n.number), n.type, n.range);
      case NodeKind::kString:
        return emit_const(Value::of_text(n.text), n.type, n.range);
      case NodeKind::kBool:
        return emit_const(Value::of_bool(n.boolean), n.type, n.range);
      case NodeKind::kNull:
        return emit_const(Value::missing(), n.type, n.range);
      case NodeKind::kList:
        assert(false && "lists are lowered by kIn");
        return -1;
      case NodeKind::kAttr: {
        Instr in = base(Op::kAttr, n);
        in.attr = AttrRef{n.attr_id, n.year};
        return emit(in, {});
      }
      case NodeKind::kNeg:
        return emit(base(Op::kNeg, n), {lower(*n.child(0))});
      case NodeKind::kNot:
        return emit(base(Op::kNot, n), {lower(*n.child(0))});
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        std::vector<int32_t> kids;
        Op op = n.kind == NodeKind::kAnd ? Op::kAnd : Op::kOr;
        for (const auto& c : n.children) {
          int32_t k = lower(*c);
          const Instr& ki = p_->instr(k);
          // Flatten a and (b and c); a `between` stays one condition.
          if (ki.op == op && c->kind == n.kind) {
            for (int32_t g : p_->children(ki)) kids.push_back(g);
          } else {
            kids.push_back(k);
          }
        }
        return emit(base(op, n), kids);
      }
      case NodeKind::kCompare: {
        Instr in = base(Op::kCompare, n);
        in.cmp = n.cmp;
        Type t = n.child(0)->type == Type::kNull ? n.child(1)->type : n.child(0)->type;
        in.operand_class = class_of(t);
        return emit(in, {lower(*n.child(0)), lower(*n.child(1))});
      }
      case NodeKind::kArith: {
        static const Op kOps[] = {Op::kAdd, Op::kSub, Op::kMul, Op::kDiv};
        return emit(base(kOps[static_cast<int>(n.arith)], n),
                    {lower(*n.child(0)), lower(*n.child(1))});
      }
      case NodeKind::kIn: {
        const Node& right = *n.child(1);
        if (right.kind == NodeKind::kList) {
          Instr in = base(Op::kInList, n);
          in.operand_class = class_of(n.child(0)->type);
          std::vector<int32_t> kids = {lower(*n.child(0))};
          for (const auto& e : right.children) kids.push_back(lower(*e));
          return emit(in, kids);
        }
        Instr in = base(Op::kSetContains, n);
        in.attr = AttrRef{right.attr_id, right.year};
        return emit(in, {lower(*n.child(0))});
      }
      case NodeKind::kBetween: {
        // x between a and b  ==  x >= a and x <= b
        int32_t x = lower(*n.child(0));
        Instr ge = base(Op::kCompare, n);
        ge.cmp = CmpOp::kGe;
        ge.type = Type::kBool;
        ge.operand_class = class_of(n.child(0)->type);
        Instr le = ge;
        le.cmp = CmpOp::kLe;
        int32_t a = emit(ge, {x, lower(*n.child(1))});
        int32_t b = emit(le, {x, lower(*n.child(2))});
        return emit(base(Op::kAnd, n), {a, b});
      }
      case NodeKind::kCall:
        return call(n);
    }
    return -1;
  }

  int32_t call(const Node& n) {
    const std::string& f = n.text;
    if (f == "date") {
      return emit_const(Value::of_date(*parse_date(n.child(0)->text)), Type::kDate, n.range);
    }
    std::vector<int32_t> kids;
    if (f == "round") {
      Instr in = base(Op::kRound, n);
      const Node& d = *n.child(1);
      bool neg = d.kind == NodeKind::kNeg;
      int digits = static_cast<int>(*(neg ? d.child(0) : &d)->number.to_int64());
      in.digits = static_cast<int8_t>(neg ? -digits : digits);
      return emit(in, {lower(*n.child(0))});
    }
    for (const auto& c : n.children) kids.push_back(lower(*c));
    Op op = f == "min"           ? Op::kMin
            : f == "max"         ? Op::kMax
            : f == "abs"         ? Op::kAbs
            : f == "exists"      ? Op::kExists
            : f == "years_since" ? Op::kYearsSince
            : f == "if"          ? Op::kIf
                                 : Op::kStartsWith;
    return emit(base(op, n), kids);
  }

  std::unique_ptr<Program> p_;
};

ProgramPtr plan(const Node& root, std::string_view text, RuleKind kind,
                std::optional<int> reference_year) {
  return Planner(text, kind, reference_year).run(root);
}

}  // namespace zhida::rules
