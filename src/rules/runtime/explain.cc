#include "rules/runtime/explain.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/format.h"
#include "rules/runtime/evaluator.h"

namespace zhida::rules {

std::string fact_name(const Schema& schema, AttrRef ref) {
  const AttributeInfo* a = schema.by_id(ref.attr);
  std::string name = a ? a->name : fmt::format("#{}", ref.attr);
  if (ref.year != 0) name += fmt::format("[{}]", ref.year);
  return name;
}

namespace {

const char* cmp_words(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "为";
    case CmpOp::kNe:
      return "不为";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "≤";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return "≥";
  }
  return "?";
}

class Explainer {
 public:
  Explainer(const Program& p, const Facts& f, const EvalContext& c, const Schema& s)
      : p_(p), f_(f), ctx_(c), s_(s) {}

  ConditionExplanation condition(int32_t idx) {
    ConditionExplanation ce;
    ce.instr = idx;
    ce.text = p_.source(p_.instr(idx));
    ce.result = truth(value(idx));
    collect(idx, ce.result, ce);
    return ce;
  }

 private:
  Value value(int32_t idx) { return evaluate_instr(p_, idx, f_, ctx_); }

  std::string shown(int32_t idx, const Value& v) { return format_value(v, p_.instr(idx).type); }

  bool is_const(int32_t idx) const { return p_.instr(idx).op == Op::kConst; }

  // A constant as the officer wrote it (3%, 2000万), dates as dates.
  std::string const_text(int32_t idx) {
    const Instr& in = p_.instr(idx);
    if (in.type == Type::kDate || in.type == Type::kString || in.type == Type::kEnum)
      return shown(idx, p_.constant(in.constant));
    std::string s = p_.source(in);
    if (s.size() > 2 && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
    return s;
  }

  // The facts under `idx` that are missing, as "营业收入[2024]、研发费用[2024]".
  std::string missing_names(int32_t idx) {
    ConditionExplanation tmp;
    add_missing(idx, tmp);
    std::string out;
    for (size_t i = 0; i < tmp.missing.size(); ++i) out += (i ? "、" : "") + tmp.missing[i].name;
    return out;
  }

  std::string unknown_text(int32_t idx) {
    std::string names = missing_names(idx);
    return names.empty() ? "无法计算（如除数为 0）" : names + " 缺失，无法判断";
  }

  void add_missing(int32_t idx, ConditionExplanation& ce) {
    const Instr& in = p_.instr(idx);
    if (in.op == Op::kAttr) {
      if (!f_.get(in.attr).is_missing()) return;
      for (const MissingFact& m : ce.missing)
        if (m.ref == in.attr) return;
      ce.missing.push_back({in.attr, fact_name(s_, in.attr)});
      return;
    }
    if (in.op == Op::kSetContains && f_.get(in.attr).is_missing()) {
      for (const MissingFact& m : ce.missing)
        if (m.ref == in.attr) return;
      ce.missing.push_back({in.attr, fact_name(s_, in.attr)});
    }
    for (int32_t k : p_.children(in)) add_missing(k, ce);
  }

  // Explains instruction `idx` whose truth is `t`: descends to the
  // sub-conditions that decided it, and describes each leaf.
  void collect(int32_t idx, Tri t, ConditionExplanation& ce) {
    const Instr& in = p_.instr(idx);
    auto kids = p_.children(in);
    if (in.op == Op::kAnd || in.op == Op::kOr) {
      // and: false because of its false parts; true because of all parts.
      // or: true because of its true parts; false because of all parts.
      Tri decisive = in.op == Op::kAnd ? Tri::kFalse : Tri::kTrue;
      for (int32_t k : kids) {
        Tri kt = truth(value(k));
        if (t == Tri::kUnknown ? kt == Tri::kUnknown : (t == decisive ? kt == decisive : true))
          collect(k, kt, ce);
      }
      return;
    }
    if (in.op == Op::kNot) {
      collect(kids[0], tri_not(t), ce);
      return;
    }
    if (t == Tri::kUnknown) add_missing(idx, ce);
    ce.evidence.push_back(leaf(idx, t));
  }

  Evidence leaf(int32_t idx, Tri t) {
    const Instr& in = p_.instr(idx);
    auto kids = p_.children(in);
    Evidence ev;
    ev.result = t;
    switch (in.op) {
      case Op::kCompare: {
        int32_t l = kids[0], r = kids[1];
        // The non-constant side goes first: 营业收入 为 1850万，需 ≥ 2000万.
        CmpOp op = in.cmp;
        if (is_const(l) && !is_const(r)) {
          std::swap(l, r);
          op = cmp_swap(op);
        }
        Value lv = value(l), rv = value(r);
        std::string lt = p_.source(p_.instr(l));
        std::string rt = is_const(r) ? const_text(r) : p_.source(p_.instr(r));
        std::string need = op == CmpOp::kEq   ? fmt::format("需为 {}", rt)
                           : op == CmpOp::kNe ? fmt::format("需不为 {}", rt)
                                              : fmt::format("需 {} {}", cmp_words(op), rt);
        if (t == Tri::kUnknown) {
          ev.text = fmt::format("{}（{} {}）", unknown_text(idx), lt, need);
          return ev;
        }
        // Against a percentage (研发费用 / 营业收入 >= 3%): the value as one too.
        bool percent = is_const(r) && in.operand_class == Class::kNumeric && rt.size() > 1 && rt.back() == '%';
        auto hundredfold = [](const Decimal& d) {  // 0.041534… -> "4.15"
          auto p = mul(d, Decimal::from_int(100));
          auto q = p ? p->rounded(2) : std::nullopt;
          return q ? q->normalized().to_string() : d.to_string();
        };
        auto as_percent = [&](const Decimal& d) { return hundredfold(d) + "%"; };
        ev.text = fmt::format("{} 为 {}", lt, percent && !lv.is_missing() ? as_percent(lv.number) : shown(l, lv));
        if (t == Tri::kTrue && op == CmpOp::kEq) return ev;
        ev.text += "，" + need;
        if (!is_const(r)) ev.text += fmt::format("（{}）", shown(r, rv));
        if (t == Tri::kFalse && in.operand_class == Class::kNumeric && op != CmpOp::kEq &&
            op != CmpOp::kNe && !lv.is_missing() && !rv.is_missing()) {
          auto gap = sub(rv.number, lv.number);
          if (gap) {
            Type gt = p_.instr(l).type == Type::kMoney || p_.instr(r).type == Type::kMoney
                          ? Type::kMoney
                          : p_.instr(l).type;
            ev.gap = gap->abs();
            ev.gap_type = gt;
            if (!ev.gap->is_zero())
              ev.text += percent ? fmt::format("，差 {} 个百分点", hundredfold(*ev.gap))
                                 : fmt::format("，差 {}", format_value(Value::of_number(*ev.gap), gt));
          }
        }
        if (t == Tri::kFalse && in.operand_class == Class::kDate && !lv.is_missing() &&
            !rv.is_missing()) {
          int days = std::abs(rv.date - lv.date);
          if (op != CmpOp::kEq && op != CmpOp::kNe && days > 0)
            ev.text += fmt::format("，差 {} 天", days);
        }
        return ev;
      }
      case Op::kInList: {
        Value x = value(kids[0]);
        if (t == Tri::kUnknown) {
          ev.text = unknown_text(idx);
          return ev;
        }
        if (t == Tri::kTrue) {
          ev.text = fmt::format("{} 为 {}", p_.source(p_.instr(kids[0])), shown(kids[0], x));
          return ev;
        }
        std::string options;
        for (size_t i = 1; i < kids.size(); ++i) {
          if (i > 1) options += "、";
          options += shown(kids[i], value(kids[i]));
        }
        ev.text = fmt::format("{} 为 {}，需为 {} {}", p_.source(p_.instr(kids[0])),
                              shown(kids[0], x), options, kids.size() > 2 ? "之一" : "");
        while (!ev.text.empty() && ev.text.back() == ' ') ev.text.pop_back();
        return ev;
      }
      case Op::kSetContains: {
        Value x = value(kids[0]);
        std::string set = fact_name(s_, in.attr);
        if (t == Tri::kUnknown) {
          ev.text = x.is_missing() ? fmt::format("{} 缺失", p_.source(p_.instr(kids[0])))
                                   : fmt::format("{} 缺失，无法判断是否含有 “{}”", set, x.text);
        } else {
          ev.text = fmt::format("{} {} “{}”", set, t == Tri::kTrue ? "含有" : "不含", x.text);
        }
        return ev;
      }
      case Op::kExists: {
        ev.text =
            fmt::format("{} {}", p_.source(p_.instr(kids[0])), t == Tri::kTrue ? "有值" : "缺失");
        return ev;
      }
      case Op::kAttr: {  // a bool attribute used as a condition
        Value v = value(idx);
        ev.text = v.is_missing() ? unknown_text(idx)
                                 : fmt::format("{} 为 {}", p_.source(in), shown(idx, v));
        return ev;
      }
      default: {  // a function call and the like: its result, and the facts it read
        if (t == Tri::kUnknown) {
          ev.text = unknown_text(idx);
          return ev;
        }
        ev.text = fmt::format("{} 为 {}", p_.source(in), tri_name_zh(t));
        std::vector<int32_t> read;
        facts_read(idx, read);
        for (size_t k = 0; k < read.size(); ++k)
          ev.text += fmt::format("{}{} 为 {}", k ? "、" : "（", p_.source(p_.instr(read[k])), shown(read[k], value(read[k])));
        if (!read.empty()) ev.text += "）";
        return ev;
      }
    }
  }

  // The attribute instructions under `idx`, one per fact, in rule order.
  void facts_read(int32_t idx, std::vector<int32_t>& out) {
    const Instr& in = p_.instr(idx);
    if (in.op == Op::kAttr) {
      for (int32_t k : out)
        if (p_.instr(k).attr == in.attr) return;
      out.push_back(idx);
      return;
    }
    for (int32_t k : p_.children(in)) facts_read(k, out);
  }

  const Program& p_;
  const Facts& f_;
  const EvalContext& ctx_;
  const Schema& s_;
};

}  // namespace

ConditionExplanation explain_condition(const Program& program, int32_t instr, const Facts& facts,
                                       const EvalContext& ctx, const Schema& schema) {
  return Explainer(program, facts, ctx, schema).condition(instr);
}

Explanation explain(const Program& program, const Facts& facts, const EvalContext& ctx,
                    const Schema& schema) {
  Explanation e;
  e.verdict = evaluate_condition(program, facts, ctx);
  Explainer x(program, facts, ctx, schema);
  for (int32_t c : program.conjuncts()) {
    e.conditions.push_back(x.condition(c));
    for (const MissingFact& m : e.conditions.back().missing) {
      if (std::none_of(e.missing.begin(), e.missing.end(),
                       [&](const MissingFact& o) { return o.ref == m.ref; }))
        e.missing.push_back(m);
    }
  }
  // Only the facts that could change an unknown verdict are "missing":
  // when a condition is false, the verdict is no whatever else is missing.
  if (e.verdict != Tri::kUnknown) e.missing.clear();
  return e;
}

std::string render(const Explanation& e) {
  std::string out = fmt::format("结论：{}\n", e.verdict == Tri::kTrue    ? "符合"
                                              : e.verdict == Tri::kFalse ? "不符合"
                                                                         : "可能符合（缺少数据）");
  for (const ConditionExplanation& c : e.conditions) {
    const char* mark = c.result == Tri::kTrue ? "✓" : c.result == Tri::kFalse ? "✗" : "?";
    out += fmt::format("{} {}\n", mark, c.text);
    for (const Evidence& ev : c.evidence) out += fmt::format("    {}\n", ev.text);
  }
  if (!e.missing.empty()) {
    out += "缺少的数据：";
    for (size_t i = 0; i < e.missing.size(); ++i) out += (i ? "、" : "") + e.missing[i].name;
    out += "\n";
  }
  return out;
}

}  // namespace zhida::rules
