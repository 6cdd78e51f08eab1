#include "rules/checker/checker.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/date.h"
#include "base/utf8.h"

namespace zhida::rules {
namespace {

// Edit distance in code points, for "did you mean" suggestions.
int edit_distance(std::string_view a, std::string_view b) {
  std::vector<char32_t> x, y;
  for (size_t i = 0; i < a.size();) x.push_back(utf8::next(a, i));
  for (size_t i = 0; i < b.size();) y.push_back(utf8::next(b, i));
  std::vector<int> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

// Whether the code points of `a` appear in `b` in order.
bool is_subsequence(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    size_t at = i;
    if (utf8::next(a, i) != utf8::next(b, j)) i = at;
  }
  return i >= a.size();
}

class Checker {
 public:
  Checker(std::string_view text, const Schema& schema, const CheckOptions& options, Issues& issues)
      : text_(text), schema_(schema), opt_(options), issues_(issues) {}

  void run(Node& root) {
    Type t = visit(root);
    if (t == Type::kError) return;
    if (opt_.kind == RuleKind::kCondition && class_of(t) != Class::kBool && t != Type::kNull)
      error(root, "rule.not_boolean",
            fmt::format("规则的结果必须是“是/否”的判断，这里得到的是{}", type_name_zh(t)));
    if (opt_.kind == RuleKind::kValue && class_of(t) != Class::kNumeric && t != Type::kNull)
      error(root, "rule.not_numeric",
            fmt::format("公式的结果必须是数值或金额，这里得到的是{}", type_name_zh(t)));
  }

 private:
  void report(Severity sev, const Node& at, std::string code, std::string message) {
    Issue is;
    is.severity = sev;
    is.code = std::move(code);
    is.message = std::move(message);
    is.line = at.range.line;
    is.column = at.range.column;
    is.length =
        at.range.line == at.range.end_line ? std::max(1, at.range.end_column - at.range.column) : 1;
    issues_.push_back(std::move(is));
  }
  void error(const Node& at, std::string code, std::string message) {
    report(Severity::kError, at, std::move(code), std::move(message));
  }
  void warn(const Node& at, std::string code, std::string message) {
    report(Severity::kWarning, at, std::move(code), std::move(message));
  }

  // How a node is named in a message: its text when short.
  std::string describe(const Node& n) const {
    std::string_view s = text_.substr(static_cast<size_t>(n.range.begin),
                                      static_cast<size_t>(n.range.end - n.range.begin));
    if (utf8::length(s) <= 24) return "“" + std::string(s) + "”";
    return "该表达式";
  }

  Type visit(Node& n) {
    n.type = visit_inner(n);
    return n.type;
  }

  Type visit_inner(Node& n) {
    switch (n.kind) {
      case NodeKind::kNumber:
        if (n.unit == Unit::kWan || n.unit == Unit::kYi) return Type::kMoney;
        if (n.unit == Unit::kPercent) return Type::kNumber;
        return n.number.is_integer() ? Type::kInt : Type::kNumber;
      case NodeKind::kString:
        return Type::kString;
      case NodeKind::kBool:
        return Type::kBool;
      case NodeKind::kNull:
        return Type::kNull;
      case NodeKind::kList: {
        for (auto& c : n.children) visit(*c);
        return Type::kList;
      }
      case NodeKind::kAttr:
        return attribute(n);
      case NodeKind::kCall:
        return call(n);
      case NodeKind::kNeg: {
        Type t = visit(*n.child(0));
        if (t == Type::kError || t == Type::kNull) return t;
        if (class_of(t) != Class::kNumeric) {
          error(n, "rule.type_mismatch",
                fmt::format("负号只能用于数值，{}是{}", describe(*n.child(0)), type_name_zh(t)));
          return Type::kError;
        }
        return t;
      }
      case NodeKind::kNot: {
        Type t = visit(*n.child(0));
        if (t == Type::kError) return t;
        if (class_of(t) != Class::kBool && t != Type::kNull) {
          error(*n.child(0), "rule.type_mismatch",
                fmt::format("not 只能用于“是/否”的判断，{}是{}", describe(*n.child(0)),
                            type_name_zh(t)));
          return Type::kError;
        }
        return Type::kBool;
      }
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        bool bad = false;
        for (auto& c : n.children) {
          Type t = visit(*c);
          if (t == Type::kError) {
            bad = true;
          } else if (class_of(t) != Class::kBool && t != Type::kNull) {
            error(*c, "rule.type_mismatch",
                  fmt::format("{}的两边必须是“是/否”的判断，{}是{}",
                              n.kind == NodeKind::kAnd ? "and" : "or", describe(*c),
                              type_name_zh(t)));
            bad = true;
          }
        }
        return bad ? Type::kError : Type::kBool;
      }
      case NodeKind::kCompare:
        return compare(n);
      case NodeKind::kArith:
        return arith(n);
      case NodeKind::kIn:
        return in(n);
      case NodeKind::kBetween:
        return between(n);
    }
    return Type::kError;
  }

  Type attribute(Node& n) {
    const AttributeInfo* a = schema_.find(n.text);
    if (a == nullptr) {
      std::string msg = fmt::format("未知的属性“{}”", n.text);
      std::string_view best;
      int best_d = 1 << 30;
      for (std::string_view name : schema_.names()) {
        int d = edit_distance(n.text, name);
        if (d < best_d) {
          best_d = d;
          best = name;
        }
      }
      int len = utf8::length(n.text);
      if (best.empty() || best_d > std::max(1, len / 2)) {
        // An abbreviation: 营收 for 营业收入 (the letters in order).
        best = {};
        for (std::string_view name : schema_.names()) {
          if (is_subsequence(n.text, name) && (best.empty() || name.size() < best.size()))
            best = name;
        }
        if (!best.empty()) best_d = 0;
      }
      if (!best.empty() && best_d <= std::max(1, len / 2))
        msg += fmt::format("，是否指“{}”？", best);
      else
        msg += "：数据目录中没有这个属性";
      if (n.text == "AND" || n.text == "OR" || n.text == "NOT" || n.text == "IN")
        msg = fmt::format("关键字请用小写：{}", n.text == "AND"   ? "and"
                                                : n.text == "OR"  ? "or"
                                                : n.text == "NOT" ? "not"
                                                                  : "in");
      error(n, "rule.unknown_attribute", msg);
      return Type::kError;
    }
    n.attr_id = a->id;
    const Period& p = n.period;
    if (p.kind == Period::Kind::kNone) {
      if (a->has_periods) {
        error(n, "rule.missing_period",
              fmt::format("属性“{0}”按年度取值，请指定年度，如 {0}[2024] 或 {0}[上年度]", a->name));
        return Type::kError;
      }
      n.year = 0;
      return a->type;
    }
    if (!a->has_periods) {
      error(n, "rule.unexpected_period",
            fmt::format("属性“{}”不分年度，不能写 [{}]", a->name, p.text));
      return Type::kError;
    }
    int year = p.value;
    if (p.kind == Period::Kind::kRelative) {
      if (!opt_.reference_year) {
        Node at;
        at.range = p.range;
        error(at, "rule.no_reference_year",
              fmt::format("“{}”相对于政策的基准年度，但本政策没有设定基准年度（reference_year）",
                          p.text));
        return Type::kError;
      }
      year = *opt_.reference_year + p.value;
    }
    if (year < 1900 || year > 2200) {
      Node at;
      at.range = p.range;
      error(at, "rule.bad_period", fmt::format("年度 {} 超出范围（1900–2200）", year));
      return Type::kError;
    }
    n.year = static_cast<int16_t>(year);
    return a->type;
  }

  // A text constant compared with an enum: warn when it is not a value of it.
  void check_enum_value(const Node& attr, const Node& constant) {
    if (attr.kind != NodeKind::kAttr || constant.kind != NodeKind::kString) return;
    const AttributeInfo* a = schema_.by_id(attr.attr_id);
    if (a == nullptr || a->values.empty()) return;
    if (std::find(a->values.begin(), a->values.end(), constant.text) != a->values.end()) return;
    std::string shown;
    for (size_t i = 0; i < a->values.size() && i < 12; ++i) shown += (i ? "、" : "") + a->values[i];
    if (a->values.size() > 12) shown += " 等";
    warn(constant, "rule.unknown_enum_value",
         fmt::format("“{}”不是“{}”的取值，这个条件永远不会成立；可选值：{}", constant.text, a->name,
                     shown));
  }

  bool comparable(Type a, Type b) const {
    Class ca = class_of(a), cb = class_of(b);
    return ca == cb && ca != Class::kSet && ca != Class::kNone;
  }

  Type compare(Node& n) {
    Type l = visit(*n.child(0));
    Type r = visit(*n.child(1));
    if (l == Type::kError || r == Type::kError) return Type::kError;
    if (l == Type::kNull || r == Type::kNull) {
      warn(n, "rule.null_comparison", "与 null 比较的结果总是“未知”；判断是否有值请用 exists(…)");
      return Type::kBool;
    }
    for (const Node* side : {n.child(0), n.child(1)}) {
      if (side->type == Type::kSet) {
        set_misuse(*side);
        return Type::kError;
      }
      if (side->type == Type::kList) {
        error(*side, "rule.type_mismatch",
              "列表只能用在 in 的右边，如 街道 in [\"沙井\", \"松岗\"]");
        return Type::kError;
      }
    }
    if (!comparable(l, r)) {
      mismatch(n, *n.child(0), *n.child(1));
      return Type::kError;
    }
    Class c = class_of(l);
    if ((c == Class::kText || c == Class::kBool) && n.cmp != CmpOp::kEq && n.cmp != CmpOp::kNe) {
      error(n, "rule.type_mismatch",
            fmt::format("{}不能比较大小，只能用 == 或 !=",
                        c == Class::kText ? "文本" : "“是/否”的值"));
      return Type::kError;
    }
    check_enum_value(*n.child(0), *n.child(1));
    check_enum_value(*n.child(1), *n.child(0));
    return Type::kBool;
  }

  void mismatch(const Node& at, const Node& a, const Node& b) {
    std::string msg = fmt::format("类型不匹配：{}是{}，{}是{}，不能相互比较", describe(a),
                                  type_name_zh(a.type), describe(b), type_name_zh(b.type));
    if ((a.type == Type::kDate && b.kind == NodeKind::kString) ||
        (b.type == Type::kDate && a.kind == NodeKind::kString))
      msg += "；日期请写成 date(\"2024-01-01\")";
    error(at, "rule.type_mismatch", msg);
  }

  void set_misuse(const Node& at) {
    error(at, "rule.set_misuse",
          fmt::format("集合属性{}只能用在 in 的右边（如 \"高新技术企业\" in {}）或 exists() 中",
                      describe(at), at.text));
  }

  Type arith(Node& n) {
    Type l = visit(*n.child(0));
    Type r = visit(*n.child(1));
    if (l == Type::kError || r == Type::kError) return Type::kError;
    for (const Node* side : {n.child(0), n.child(1)}) {
      if (side->type != Type::kNull && class_of(side->type) != Class::kNumeric) {
        std::string msg = fmt::format("“{}”只能用于数值，{}是{}", arith_text(n.arith),
                                      describe(*side), type_name_zh(side->type));
        if (side->type == Type::kDate) msg += "；计算年限请用 years_since(日期)";
        error(*side, "rule.type_mismatch", msg);
        return Type::kError;
      }
    }
    if (l == Type::kNull || r == Type::kNull) return Type::kNumber;
    bool money = l == Type::kMoney || r == Type::kMoney;
    if (n.arith == ArithOp::kDiv)
      return (l == Type::kMoney && r != Type::kMoney) ? Type::kMoney : Type::kNumber;
    if (n.arith == ArithOp::kMul && l == Type::kMoney && r == Type::kMoney) return Type::kNumber;
    if (money) return Type::kMoney;
    if (l == Type::kInt && r == Type::kInt) return Type::kInt;
    return Type::kNumber;
  }

  Type in(Node& n) {
    Type l = visit(*n.child(0));
    Node& right = *n.child(1);
    Type r = visit(right);
    if (l == Type::kError || r == Type::kError) return Type::kError;
    if (l == Type::kSet) {
      set_misuse(*n.child(0));
      return Type::kError;
    }
    if (right.kind == NodeKind::kList) {
      bool bad = false;
      for (auto& e : right.children) {
        if (e->type == Type::kError) {
          bad = true;
        } else if (e->type != Type::kNull && !comparable(l, e->type)) {
          error(*e, "rule.type_mismatch",
                fmt::format("列表中的{}是{}，与{}（{}）类型不同", describe(*e),
                            type_name_zh(e->type), describe(*n.child(0)), type_name_zh(l)));
          bad = true;
        } else {
          check_enum_value(*n.child(0), *e);
        }
      }
      if (!bad && class_of(l) == Class::kBool)
        warn(n, "rule.bool_in_list", "“是/否”的值用 == 判断更清楚");
      return bad ? Type::kError : Type::kBool;
    }
    // in a set attribute
    if (r != Type::kSet) {
      error(right, "rule.type_mismatch",
            fmt::format("in 的右边必须是列表或集合属性，{}是{}", describe(right), type_name_zh(r)));
      return Type::kError;
    }
    if (class_of(l) != Class::kText) {
      error(*n.child(0), "rule.type_mismatch",
            fmt::format("集合{}中是文本值，{}是{}", describe(right), describe(*n.child(0)),
                        type_name_zh(l)));
      return Type::kError;
    }
    n.attr_id = right.attr_id;
    check_enum_value(right, *n.child(0));
    return Type::kBool;
  }

  Type between(Node& n) {
    Type x = visit(*n.child(0));
    Type lo = visit(*n.child(1));
    Type hi = visit(*n.child(2));
    if (x == Type::kError || lo == Type::kError || hi == Type::kError) return Type::kError;
    Class c = class_of(x);
    if (c != Class::kNumeric && c != Class::kDate) {
      error(*n.child(0), "rule.type_mismatch",
            fmt::format("between 只能用于数值或日期，{}是{}", describe(*n.child(0)),
                        type_name_zh(x)));
      return Type::kError;
    }
    for (int i = 1; i <= 2; ++i) {
      if (n.child(i)->type != Type::kNull && !comparable(x, n.child(i)->type)) {
        mismatch(n, *n.child(0), *n.child(i));
        return Type::kError;
      }
    }
    return Type::kBool;
  }

  bool arity(Node& n, size_t lo, size_t hi) {
    size_t k = n.children.size();
    if (k >= lo && k <= hi) return true;
    std::string want = lo == hi         ? fmt::format("需要 {} 个参数", lo)
                       : hi == SIZE_MAX ? fmt::format("至少需要 {} 个参数", lo)
                                        : fmt::format("需要 {}–{} 个参数", lo, hi);
    error(n, "rule.arity", fmt::format("函数 {} {}，这里给了 {} 个", n.text, want, k));
    return false;
  }

  Type numeric_arg(Node& call, size_t i) {
    Node& a = *call.child(i);
    Type t = a.type;
    if (t == Type::kError || t == Type::kNull) return t;
    if (class_of(t) != Class::kNumeric) {
      error(
          a, "rule.type_mismatch",
          fmt::format("函数 {} 的参数必须是数值，{}是{}", call.text, describe(a), type_name_zh(t)));
      return Type::kError;
    }
    return t;
  }

  Type call(Node& n) {
    const std::string& f = n.text;
    auto known = function_names();
    if (std::find(known.begin(), known.end(), f) == known.end()) {
      std::string list;
      for (size_t i = 0; i < known.size(); ++i) list += (i ? "、" : "") + std::string(known[i]);
      std::string msg = fmt::format("未知的函数“{}”；可用的函数有 {}", f, list);
      if (schema_.find(f) != nullptr)
        msg = fmt::format("“{}”是属性，不是函数，属性后面不能跟括号", f);
      error(n, "rule.unknown_function", msg);
      for (auto& c : n.children) visit(*c);
      return Type::kError;
    }
    // date() takes a literal and becomes a constant.
    if (f == "date") {
      if (!arity(n, 1, 1)) return Type::kError;
      Node& a = *n.child(0);
      if (a.kind != NodeKind::kString) {
        error(a, "rule.bad_date", "date() 的参数必须是日期文本，如 date(\"2024-01-01\")");
        return Type::kError;
      }
      if (!parse_date(a.text)) {
        error(a, "rule.bad_date",
              fmt::format("“{}”不是有效的日期，请写成 YYYY-MM-DD，如 2024-01-01", a.text));
        return Type::kError;
      }
      a.type = Type::kString;
      return Type::kDate;
    }
    bool bad = false;
    for (auto& c : n.children)
      if (visit(*c) == Type::kError) bad = true;
    if (f == "min" || f == "max") {
      if (!arity(n, 1, SIZE_MAX) || bad) return Type::kError;
      Type first = Type::kNull;
      for (auto& c : n.children) {
        if (c->type == Type::kNull) continue;
        Class cl = class_of(c->type);
        if (cl != Class::kNumeric && cl != Class::kDate) {
          error(*c, "rule.type_mismatch",
                fmt::format("函数 {} 的参数必须是数值或日期，{}是{}", f, describe(*c),
                            type_name_zh(c->type)));
          return Type::kError;
        }
        if (first == Type::kNull) {
          first = c->type;
        } else if (class_of(first) != cl) {
          error(*c, "rule.type_mismatch", fmt::format("函数 {} 的参数类型必须一致", f));
          return Type::kError;
        } else if (first != c->type && cl == Class::kNumeric) {
          first = (first == Type::kMoney || c->type == Type::kMoney) ? Type::kMoney : Type::kNumber;
        }
      }
      return first == Type::kNull ? Type::kNumber : first;
    }
    if (f == "abs") {
      if (!arity(n, 1, 1) || bad) return Type::kError;
      Type t = numeric_arg(n, 0);
      return t == Type::kNull ? Type::kNumber : t;
    }
    if (f == "round") {
      if (!arity(n, 2, 2) || bad) return Type::kError;
      Type t = numeric_arg(n, 0);
      if (t == Type::kError) return t;
      Node& d = *n.child(1);
      bool neg = d.kind == NodeKind::kNeg && d.child(0)->kind == NodeKind::kNumber;
      const Node& lit = neg ? *d.child(0) : d;
      if (lit.kind != NodeKind::kNumber || lit.unit != Unit::kNone || !lit.number.is_integer() ||
          lit.number > Decimal::from_int(18) || lit.number < Decimal::from_int(-18)) {
        error(d, "rule.bad_argument",
              "round 的第二个参数必须是 -18 到 18 之间的整数常量（保留的小数位数）");
        return Type::kError;
      }
      return t == Type::kNull ? Type::kNumber : t;
    }
    if (f == "exists") {
      if (!arity(n, 1, 1) || bad) return Type::kError;
      return Type::kBool;
    }
    if (f == "years_since") {
      if (!arity(n, 1, 1) || bad) return Type::kError;
      Type t = n.child(0)->type;
      if (t != Type::kDate && t != Type::kNull) {
        error(*n.child(0), "rule.type_mismatch",
              fmt::format("years_since 的参数必须是日期，{}是{}", describe(*n.child(0)),
                          type_name_zh(t)));
        return Type::kError;
      }
      return Type::kInt;
    }
    if (f == "if") {
      if (!arity(n, 3, 3) || bad) return Type::kError;
      Type c = n.child(0)->type;
      if (class_of(c) != Class::kBool && c != Type::kNull) {
        error(*n.child(0), "rule.type_mismatch",
              fmt::format("if 的第一个参数必须是“是/否”的判断，{}是{}", describe(*n.child(0)),
                          type_name_zh(c)));
        return Type::kError;
      }
      Type a = n.child(1)->type, b = n.child(2)->type;
      for (const Node* side : {n.child(1), n.child(2)}) {
        if (side->type == Type::kSet || side->type == Type::kList) {
          error(*side, "rule.type_mismatch", "if 的结果不能是集合或列表");
          return Type::kError;
        }
      }
      if (a == Type::kNull) return b == Type::kNull ? Type::kNumber : b;
      if (b == Type::kNull) return a;
      if (class_of(a) != class_of(b)) {
        error(n, "rule.type_mismatch",
              fmt::format("if 的两个结果类型必须一致：{}是{}，{}是{}", describe(*n.child(1)),
                          type_name_zh(a), describe(*n.child(2)), type_name_zh(b)));
        return Type::kError;
      }
      if (a == b) return a;
      if (class_of(a) == Class::kNumeric)
        return (a == Type::kMoney || b == Type::kMoney) ? Type::kMoney : Type::kNumber;
      return Type::kString;
    }
    if (f == "starts_with") {
      if (!arity(n, 2, 2) || bad) return Type::kError;
      for (size_t i = 0; i < 2; ++i) {
        Type t = n.child(i)->type;
        if (class_of(t) != Class::kText && t != Type::kNull) {
          error(*n.child(i), "rule.type_mismatch",
                fmt::format("starts_with 的参数必须是文本，{}是{}", describe(*n.child(i)),
                            type_name_zh(t)));
          return Type::kError;
        }
      }
      return Type::kBool;
    }
    return Type::kError;
  }

  std::string_view text_;
  const Schema& schema_;
  const CheckOptions& opt_;
  Issues& issues_;
};

}  // namespace

const std::vector<std::string_view>& function_names() {
  static const std::vector<std::string_view> kNames = {
      "min", "max", "abs", "date", "exists", "years_since", "round", "if", "starts_with"};
  return kNames;
}

void check(Node& root, std::string_view text, const Schema& schema, const CheckOptions& options,
           Issues& issues) {
  Checker(text, schema, options, issues).run(root);
}

}  // namespace zhida::rules
