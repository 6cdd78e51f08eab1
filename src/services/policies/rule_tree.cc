#include "services/policies/rule_tree.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/utf8.h"

namespace zhida::services {

using nlohmann::json;
using rules::Node;
using rules::NodeKind;
using rules::NodePtr;

namespace {

const char* kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::kNumber:
      return "number";
    case NodeKind::kString:
      return "string";
    case NodeKind::kBool:
      return "bool";
    case NodeKind::kNull:
      return "null";
    case NodeKind::kList:
      return "list";
    case NodeKind::kAttr:
      return "attr";
    case NodeKind::kCall:
      return "call";
    case NodeKind::kNeg:
      return "neg";
    case NodeKind::kNot:
      return "not";
    case NodeKind::kAnd:
      return "and";
    case NodeKind::kOr:
      return "or";
    case NodeKind::kCompare:
      return "compare";
    case NodeKind::kArith:
      return "arith";
    case NodeKind::kIn:
      return "in";
    case NodeKind::kBetween:
      return "between";
  }
  return "?";
}

const char* unit_text(rules::Unit u) {
  switch (u) {
    case rules::Unit::kWan:
      return "万";
    case rules::Unit::kYi:
      return "亿";
    case rules::Unit::kPercent:
      return "%";
    case rules::Unit::kNone:
      break;
  }
  return "";
}

json children_json(const Node& n, bool ranges) {
  json a = json::array();
  for (const auto& c : n.children) a.push_back(rule_tree_to_json(*c, ranges));
  return a;
}

// Reads JSON nodes, collecting every problem with its path.
class TreeReader {
 public:
  explicit TreeReader(Issues& issues) : issues_(issues) {}

  NodePtr node(const json& j, const std::string& path) {
    if (!j.is_object()) {
      error(path, "节点必须是对象，如 {\"kind\":\"attr\",\"name\":\"营业收入\"}");
      return nullptr;
    }
    if (!j.contains("kind") || !j["kind"].is_string()) {
      error(path, "节点缺少 kind（number、string、attr、compare、and …）");
      return nullptr;
    }
    std::string kind = j["kind"].get<std::string>();
    auto n = std::make_unique<Node>();
    if (kind == "number") return number(j, path, std::move(n));
    if (kind == "string") {
      n->kind = NodeKind::kString;
      if (!text_field(j, "value", path, n->text)) return nullptr;
      if (n->text.find('\n') != std::string::npos || n->text.find('\r') != std::string::npos) {
        error(join(path, "value"), "文本值不能含换行");
        return nullptr;
      }
      bool ascii_quote = n->text.find('"') != std::string::npos;
      bool chinese_quote =
          n->text.find("“") != std::string::npos || n->text.find("”") != std::string::npos;
      if (ascii_quote && chinese_quote) {
        error(join(path, "value"), "文本值不能同时含英文引号和中文引号");
        return nullptr;
      }
      if (!utf8::valid(n->text)) {
        error(join(path, "value"), "文本值不是有效的 UTF-8");
        return nullptr;
      }
      return n;
    }
    if (kind == "bool") {
      n->kind = NodeKind::kBool;
      if (!j.contains("value") || !j["value"].is_boolean()) {
        error(join(path, "value"), "bool 节点的 value 必须是 true 或 false");
        return nullptr;
      }
      n->boolean = j["value"].get<bool>();
      return n;
    }
    if (kind == "null") {
      n->kind = NodeKind::kNull;
      return n;
    }
    if (kind == "list") {
      n->kind = NodeKind::kList;
      return list_of(j, "items", path, n, 0) ? std::move(n) : nullptr;
    }
    if (kind == "attr") return attr(j, path, std::move(n));
    if (kind == "call") {
      n->kind = NodeKind::kCall;
      if (!text_field(j, "name", path, n->text)) return nullptr;
      if (!identifier(n->text, join(path, "name"))) return nullptr;
      return list_of(j, "args", path, n, 0) ? std::move(n) : nullptr;
    }
    if (kind == "neg" || kind == "not") {
      n->kind = kind == "neg" ? NodeKind::kNeg : NodeKind::kNot;
      return operands(j, path, std::move(n), {"operand"});
    }
    if (kind == "and" || kind == "or") {
      n->kind = kind == "and" ? NodeKind::kAnd : NodeKind::kOr;
      if (!list_of(j, "operands", path, n, 1)) return nullptr;
      if (n->children.size() == 1) return std::move(n->children[0]);
      return n;
    }
    if (kind == "compare") {
      n->kind = NodeKind::kCompare;
      std::string op;
      if (!text_field(j, "op", path, op)) return nullptr;
      static const std::pair<const char*, rules::CmpOp> kOps[] = {
          {"==", rules::CmpOp::kEq}, {"!=", rules::CmpOp::kNe}, {"<", rules::CmpOp::kLt},
          {"<=", rules::CmpOp::kLe}, {">", rules::CmpOp::kGt},  {">=", rules::CmpOp::kGe}};
      bool found = false;
      for (const auto& [text, cmp] : kOps)
        if (op == text) {
          n->cmp = cmp;
          found = true;
        }
      if (!found) {
        error(join(path, "op"), fmt::format("比较运算“{}”无效：可用 ==、!=、<、<=、>、>=", op));
        return nullptr;
      }
      return operands(j, path, std::move(n), {"left", "right"});
    }
    if (kind == "arith") {
      n->kind = NodeKind::kArith;
      std::string op;
      if (!text_field(j, "op", path, op)) return nullptr;
      if (op == "+")
        n->arith = rules::ArithOp::kAdd;
      else if (op == "-")
        n->arith = rules::ArithOp::kSub;
      else if (op == "*")
        n->arith = rules::ArithOp::kMul;
      else if (op == "/")
        n->arith = rules::ArithOp::kDiv;
      else {
        error(join(path, "op"), fmt::format("算术运算“{}”无效：可用 +、-、*、/", op));
        return nullptr;
      }
      return operands(j, path, std::move(n), {"left", "right"});
    }
    if (kind == "in") {
      n->kind = NodeKind::kIn;
      NodePtr out = operands(j, path, std::move(n), {"left", "right"});
      if (!out) return nullptr;
      NodeKind r = out->children[1]->kind;
      if (r != NodeKind::kList && r != NodeKind::kAttr) {
        error(join(path, "right"), "in 的右边必须是列表（list）或集合属性（attr）");
        return nullptr;
      }
      return out;
    }
    if (kind == "between") {
      n->kind = NodeKind::kBetween;
      return operands(j, path, std::move(n), {"value", "low", "high"});
    }
    error(join(path, "kind"), fmt::format("未知的节点类型“{}”", kind));
    return nullptr;
  }

 private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void error(const std::string& path, std::string message) {
    Issue i;
    i.code = "rule.bad_tree";
    i.field = path;
    i.message = path.empty() ? std::move(message) : fmt::format("{}：{}", path, message);
    issues_.push_back(std::move(i));
  }

  bool text_field(const json& j, const char* key, const std::string& path, std::string& out) {
    if (!j.contains(key) || !j[key].is_string()) {
      error(join(path, key),
            fmt::format("{} 节点需要文本字段 {}", j["kind"].get<std::string>(), key));
      return false;
    }
    out = j[key].get<std::string>();
    return true;
  }

  bool identifier(const std::string& name, const std::string& path) {
    static const char* kKeywords[] = {"and", "or", "not", "in", "between", "true", "false", "null"};
    bool ok = !name.empty() && utf8::valid(name);
    if (ok) {
      size_t i = 0;
      ok = utf8::is_ident_start(utf8::next(name, i));
      while (ok && i < name.size()) ok = utf8::is_ident_part(utf8::next(name, i));
    }
    for (const char* k : kKeywords)
      if (name == k) ok = false;
    if (!ok)
      error(
          path,
          fmt::format(
              "“{}”不是有效的名称（字母或汉字开头，由字母、数字、汉字、下划线组成，且不是关键字）",
              name));
    return ok;
  }

  NodePtr number(const json& j, const std::string& path, NodePtr n) {
    n->kind = NodeKind::kNumber;
    std::string digits, unit;
    if (j.contains("text")) {
      if (!j["text"].is_string()) {
        error(join(path, "text"), "number 节点的 text 必须是文本，如 \"500万\"");
        return nullptr;
      }
      std::string t = j["text"].get<std::string>();
      for (const char* u : {"万", "亿", "%"}) {
        std::string_view s(u);
        if (t.size() > s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0) {
          unit = u;
          t.resize(t.size() - s.size());
          break;
        }
      }
      digits = t;
    } else if (j.contains("value")) {
      const json& v = j["value"];
      if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0))
        digits = v.dump();
      else if (v.is_string())
        digits = v.get<std::string>();
      else {
        error(join(path, "value"), "number 节点的 value 必须是非负数（负数请用 neg 节点）");
        return nullptr;
      }
      if (j.contains("unit")) {
        if (!j["unit"].is_string()) {
          error(join(path, "unit"), "unit 必须是 \"\"、\"万\"、\"亿\" 或 \"%\"");
          return nullptr;
        }
        unit = j["unit"].get<std::string>();
      }
    } else {
      error(path, "number 节点需要 text（如 \"500万\"）或 value（如 \"5000000\"）");
      return nullptr;
    }
    bool ok = !digits.empty() && digits.front() != '.' && digits.back() != '.';
    int points = 0;
    for (char c : digits) {
      if (c == '.')
        ++points;
      else if (c < '0' || c > '9')
        ok = false;
    }
    if (!ok || points > 1) {
      error(path, fmt::format("“{}”不是有效的数字：只能由数字和一个小数点组成", digits));
      return nullptr;
    }
    rules::Unit u = rules::Unit::kNone;
    if (unit == "万")
      u = rules::Unit::kWan;
    else if (unit == "亿")
      u = rules::Unit::kYi;
    else if (unit == "%")
      u = rules::Unit::kPercent;
    else if (!unit.empty()) {
      error(join(path, "unit"), fmt::format("单位“{}”无效：只能是 万、亿 或 %", unit));
      return nullptr;
    }
    auto d = Decimal::parse(digits);
    std::optional<Decimal> v = d;
    if (d && u == rules::Unit::kWan) v = mul(*d, Decimal::from_int(10000));
    if (d && u == rules::Unit::kYi) v = mul(*d, Decimal::from_int(100000000));
    if (d && u == rules::Unit::kPercent) v = div(*d, Decimal::from_int(100));
    if (!v) {
      error(path, fmt::format("数字“{}”超出范围", digits));
      return nullptr;
    }
    n->number = *v;
    n->unit = u;
    n->text = digits + unit;
    return n;
  }

  NodePtr attr(const json& j, const std::string& path, NodePtr n) {
    n->kind = NodeKind::kAttr;
    if (!text_field(j, "name", path, n->text)) return nullptr;
    if (!identifier(n->text, join(path, "name"))) return nullptr;
    if (!j.contains("period") || j["period"].is_null()) return n;
    const json& p = j["period"];
    std::string text = p.is_number_integer() ? p.dump() : p.is_string() ? p.get<std::string>() : "";
    rules::Period& per = n->period;
    if (text == "上年度" || text == "前年度" || text == "本年度") {
      per.kind = rules::Period::Kind::kRelative;
      per.value = text == "上年度" ? -1 : text == "前年度" ? -2 : 0;
    } else if (text.size() == 4 && text.find_first_not_of("0123456789") == std::string::npos) {
      per.kind = rules::Period::Kind::kYear;
      per.value = std::stoi(text);
    } else if (text.empty() && p.is_string()) {
      return n;  // "" = no period
    } else {
      error(join(path, "period"),
            fmt::format("“{}”不是有效的年度：请写四位年份（如 2024）或 上年度、前年度、本年度",
                        p.dump()));
      return nullptr;
    }
    per.text = text;
    return n;
  }

  bool list_of(const json& j, const char* key, const std::string& path, NodePtr& n, size_t min) {
    std::string at = join(path, key);
    if (!j.contains(key) || !j[key].is_array()) {
      error(at, fmt::format("{} 节点需要列表字段 {}", j["kind"].get<std::string>(), key));
      return false;
    }
    if (j[key].size() < min) {
      error(at, fmt::format("{} 至少需要 {} 项", key, min));
      return false;
    }
    bool ok = true;
    size_t k = 0;
    for (const json& c : j[key]) {
      NodePtr child = node(c, fmt::format("{}[{}]", at, k++));
      if (!child) {
        ok = false;
        continue;
      }
      n->children.push_back(std::move(child));
    }
    return ok;
  }

  NodePtr operands(const json& j, const std::string& path, NodePtr n,
                   std::initializer_list<const char*> keys) {
    bool ok = true;
    for (const char* key : keys) {
      if (!j.contains(key)) {
        error(join(path, key), fmt::format("{} 节点缺少 {}", j["kind"].get<std::string>(), key));
        ok = false;
        continue;
      }
      NodePtr child = node(j[key], join(path, key));
      if (!child) {
        ok = false;
        continue;
      }
      n->children.push_back(std::move(child));
    }
    return ok ? std::move(n) : nullptr;
  }

  Issues& issues_;
};

}  // namespace

json rule_tree_to_json(const Node& n, bool ranges) {
  json j = {{"kind", kind_name(n.kind)}};
  switch (n.kind) {
    case NodeKind::kNumber:
      j["text"] = n.text;
      j["value"] = n.number.to_string();
      j["unit"] = unit_text(n.unit);
      break;
    case NodeKind::kString:
      j["value"] = n.text;
      break;
    case NodeKind::kBool:
      j["value"] = n.boolean;
      break;
    case NodeKind::kNull:
      break;
    case NodeKind::kList:
      j["items"] = children_json(n, ranges);
      break;
    case NodeKind::kAttr:
      j["name"] = n.text;
      if (n.period.kind != rules::Period::Kind::kNone) j["period"] = n.period.text;
      if (ranges && n.year != 0) j["year"] = n.year;
      break;
    case NodeKind::kCall:
      j["name"] = n.text;
      j["args"] = children_json(n, ranges);
      break;
    case NodeKind::kNeg:
    case NodeKind::kNot:
      j["operand"] = rule_tree_to_json(*n.children[0], ranges);
      break;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      j["operands"] = children_json(n, ranges);
      break;
    case NodeKind::kCompare:
      j["op"] = rules::cmp_text(n.cmp);
      j["left"] = rule_tree_to_json(*n.children[0], ranges);
      j["right"] = rule_tree_to_json(*n.children[1], ranges);
      break;
    case NodeKind::kArith:
      j["op"] = rules::arith_text(n.arith);
      j["left"] = rule_tree_to_json(*n.children[0], ranges);
      j["right"] = rule_tree_to_json(*n.children[1], ranges);
      break;
    case NodeKind::kIn:
      j["left"] = rule_tree_to_json(*n.children[0], ranges);
      j["right"] = rule_tree_to_json(*n.children[1], ranges);
      break;
    case NodeKind::kBetween:
      j["value"] = rule_tree_to_json(*n.children[0], ranges);
      j["low"] = rule_tree_to_json(*n.children[1], ranges);
      j["high"] = rule_tree_to_json(*n.children[2], ranges);
      break;
  }
  if (ranges) {
    j["range"] = {{"line", n.range.line},
                  {"column", n.range.column},
                  {"end_line", n.range.end_line},
                  {"end_column", n.range.end_column}};
    if (n.type != rules::Type::kError) j["type"] = rules::type_name_en(n.type);
  }
  return j;
}

NodePtr rule_tree_from_json(const json& j, Issues& issues) {
  size_t before = issues.size();
  NodePtr n = TreeReader(issues).node(j, "");
  if (issues.size() != before) return nullptr;
  return n;
}

bool same_tree(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size()) return false;
  switch (a.kind) {
    case NodeKind::kNumber:
      if (a.text != b.text || a.unit != b.unit) return false;
      break;
    case NodeKind::kString:
    case NodeKind::kCall:
      if (a.text != b.text) return false;
      break;
    case NodeKind::kAttr:
      if (a.text != b.text || a.period.kind != b.period.kind || a.period.value != b.period.value)
        return false;
      break;
    case NodeKind::kBool:
      if (a.boolean != b.boolean) return false;
      break;
    case NodeKind::kCompare:
      if (a.cmp != b.cmp) return false;
      break;
    case NodeKind::kArith:
      if (a.arith != b.arith) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < a.children.size(); ++i)
    if (!same_tree(*a.children[i], *b.children[i])) return false;
  return true;
}

}  // namespace zhida::services
