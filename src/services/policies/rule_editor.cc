#include "services/policies/rule_editor.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "rules/rules.h"
#include "rules/syntax/parser.h"
#include "services/policies/rule_tree.h"

namespace zhida::services {

using nlohmann::json;

namespace {

json issues_json(const Issues& issues) {
  json a = json::array();
  for (const Issue& i : issues) a.push_back(issue_json(i));
  return a;
}

void sort_issues(Issues& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
}

json type_json(rules::Type t) {
  return t == rules::Type::kError ? json(nullptr) : json(rules::type_name_en(t));
}

// Parses and checks; the tree stays annotated for the caller.
struct Checked {
  rules::NodePtr root;
  Issues issues;
  bool ok() const { return root && !has_errors(issues); }
};

Checked check_text(std::string_view text, const portrait::Catalog& catalog,
                   const rules::CheckOptions& options) {
  Checked c;
  rules::ParseResult parsed = rules::parse(text);
  c.issues = std::move(parsed.issues);
  c.root = std::move(parsed.root);
  if (c.root) rules::check(*c.root, text, catalog, options, c.issues);
  sort_issues(c.issues);
  return c;
}

}  // namespace

json issue_json(const Issue& i) {
  json j = {{"severity", i.is_error() ? "error" : "warning"},
            {"code", i.code},
            {"message", i.message},
            {"line", i.line},
            {"column", i.column},
            {"length", i.length}};
  if (!i.field.empty()) j["field"] = i.field;
  return j;
}

json compile_rule(std::string_view rule, const portrait::Catalog& catalog,
                  const rules::CheckOptions& options) {
  rules::Compiled c = rules::compile(rule, catalog, options);
  json out = {{"ok", c.ok()}, {"issues", issues_json(c.issues)}};
  if (c.ok()) {
    out["normalized"] = c.program->normalized();
    out["type"] = rules::type_name_en(c.program->result_type());
    out["type_zh"] = rules::type_name_zh(c.program->result_type());
    json attrs = json::array();
    for (const rules::AttrRef& r : c.program->attributes()) {
      const portrait::Attribute* a = catalog.attribute(r.attr);
      if (!a) continue;
      json x = {{"name", a->name}};
      if (r.year != 0) x["year"] = r.year;
      attrs.push_back(std::move(x));
    }
    out["attributes"] = std::move(attrs);
  } else {
    rules::ParseResult parsed = rules::parse(rule);
    bool syntax_ok = parsed.root && !has_errors(parsed.issues);
    out["normalized"] = syntax_ok ? json(rules::to_text(*parsed.root)) : json(nullptr);
    out["type"] = nullptr;
    out["type_zh"] = nullptr;
    out["attributes"] = json::array();
  }
  return out;
}

json parse_rule(std::string_view rule, const portrait::Catalog& catalog,
                const rules::CheckOptions& options) {
  Checked c = check_text(rule, catalog, options);
  json out = {{"ok", c.ok()}, {"issues", issues_json(c.issues)}};
  out["tree"] = c.root ? rule_tree_to_json(*c.root, true) : json(nullptr);
  out["normalized"] = c.root ? json(rules::to_text(*c.root)) : json(nullptr);
  out["type"] = c.ok() ? type_json(c.root->type) : json(nullptr);
  return out;
}

std::optional<json> print_rule(const json& tree, const portrait::Catalog& catalog,
                               const rules::CheckOptions& options, Issues& tree_issues) {
  rules::NodePtr root = rule_tree_from_json(tree, tree_issues);
  if (!root) return std::nullopt;
  std::string text = rules::to_text(*root);
  Checked c = check_text(text, catalog, options);
  // The printer's promise: the text reads back as the same tree. A tree the
  // grammar cannot produce (none is known) is refused rather than printed
  // as a different rule.
  if (!c.root || !same_tree(*root, *c.root)) {
    Issue i;
    i.code = "rule.bad_tree";
    i.message = fmt::format("这棵语法树无法写成等价的规则文本（得到“{}”）", text);
    tree_issues.push_back(std::move(i));
    return std::nullopt;
  }
  json out = {
      {"rule", text}, {"ok", c.ok()}, {"normalized", text}, {"issues", issues_json(c.issues)}};
  out["type"] = c.ok() ? type_json(c.root->type) : json(nullptr);
  out["tree"] = rule_tree_to_json(*c.root, true);
  return out;
}

json rule_vocabulary(const portrait::Catalog& catalog, const AttributeYears& years) {
  json attrs = json::array();
  for (const portrait::Attribute& a : catalog.attributes()) {
    json x = {{"name", a.name},
              {"type", rules::type_name_en(a.type)},
              {"type_zh", rules::type_name_zh(a.type)},
              {"periods", a.has_periods},
              {"unit", a.unit},
              {"values", a.values},
              {"source", a.source},
              {"frequency", a.frequency},
              {"sensitivity", portrait::sensitivity_zh(a.sensitivity)},
              {"description", a.description}};
    if (a.has_periods) {
      size_t id = static_cast<size_t>(a.id);
      x["years"] = id < years.size() ? json(years[id]) : json::array();
    }
    attrs.push_back(std::move(x));
  }

  // Functions: what the checker accepts (rules::function_names()), described.
  struct Fn {
    const char* name;
    const char* signature;
    const char* returns;
    int min_args, max_args;  // -1: any number
    const char* description;
    const char* example;
  };
  static const Fn kFunctions[] = {
      {"min", "min(x, y, …)", "数值或日期（与参数相同）", 1, -1,
       "取最小值；任一参数缺失则结果缺失。常用于奖励封顶。", "min(研发费用[上年度] * 10%, 200万)"},
      {"max", "max(x, y, …)", "数值或日期（与参数相同）", 1, -1,
       "取最大值；任一参数缺失则结果缺失。", "max(营业收入[上年度], 营业收入[前年度])"},
      {"abs", "abs(x)", "数值", 1, 1, "绝对值。", "abs(营业收入[上年度] - 营业收入[前年度])"},
      {"date", "date(\"YYYY-MM-DD\")", "日期", 1, 1, "日期常量，参数必须是日期文本。",
       "成立日期 >= date(\"2019-01-01\")"},
      {"exists", "exists(x)", "是否", 1, 1, "x 有值为“是”，缺失为“否”；结果永远不会是“未知”。",
       "exists(纳税信用等级)"},
      {"years_since", "years_since(日期)", "整数", 1, 1, "从该日期到评估日已满的整年数。",
       "years_since(成立日期) >= 3"},
      {"round", "round(x, 位数)", "数值", 2, 2,
       "四舍五入（远离零）到指定的小数位数，位数为 -18 到 18 的整数常量。",
       "round(研发费用[上年度] * 5%, 2)"},
      {"if", "if(条件, a, b)", "a、b 的类型", 3, 3,
       "条件为“是”取 a，为“否”取 b；条件“未知”时结果缺失。",
       "if(高新技术企业首次认定年份 == 2024, 30万, 10万)"},
      {"starts_with", "starts_with(文本, 前缀)", "是否", 2, 2, "文本是否以该前缀开头。",
       "starts_with(统一社会信用代码, \"91440300\")"},
  };
  json fns = json::array();
  for (std::string_view name : rules::function_names()) {
    for (const Fn& f : kFunctions) {
      if (name != f.name) continue;
      fns.push_back({{"name", f.name},
                     {"signature", f.signature},
                     {"returns", f.returns},
                     {"min_args", f.min_args},
                     {"max_args", f.max_args < 0 ? json(nullptr) : json(f.max_args)},
                     {"description", f.description},
                     {"example", f.example}});
    }
  }

  json operators = json::array({
      {{"op", "=="}, {"kind", "compare"}, {"description", "等于"}},
      {{"op", "!="}, {"kind", "compare"}, {"description", "不等于"}},
      {{"op", "<"}, {"kind", "compare"}, {"description", "小于"}},
      {{"op", "<="}, {"kind", "compare"}, {"description", "小于或等于"}},
      {{"op", ">"}, {"kind", "compare"}, {"description", "大于"}},
      {{"op", ">="}, {"kind", "compare"}, {"description", "大于或等于"}},
      {{"op", "+"}, {"kind", "arith"}, {"description", "加"}},
      {{"op", "-"}, {"kind", "arith"}, {"description", "减；写在数值前为负号"}},
      {{"op", "*"}, {"kind", "arith"}, {"description", "乘"}},
      {{"op", "/"}, {"kind", "arith"}, {"description", "除；除以零结果缺失"}},
      {{"op", "and"},
       {"alias", "&&"},
       {"kind", "logic"},
       {"description", "并且：任一边为“否”则为“否”"}},
      {{"op", "or"},
       {"alias", "||"},
       {"kind", "logic"},
       {"description", "或者：任一边为“是”则为“是”"}},
      {{"op", "not"},
       {"alias", "!"},
       {"kind", "logic"},
       {"description", "取反：“未知”取反仍为“未知”"}},
      {{"op", "in"},
       {"kind", "membership"},
       {"description",
        "属于：x in [\"沙井\", \"松岗\"]（列表），或 \"高新技术企业\" in 资质（集合属性）"}},
      {{"op", "between"},
       {"kind", "range"},
       {"description", "在区间内（含两端）：从业人数 between 10 and 300"}},
  });
  json keywords = json::array();
  for (const char* k : {"and", "or", "not", "in", "between", "true", "false", "null"})
    keywords.push_back(k);
  json periods = json::array({
      {{"text", "上年度"}, {"offset", -1}, {"description", "政策基准年度的上一年"}},
      {{"text", "前年度"}, {"offset", -2}, {"description", "政策基准年度的前两年"}},
      {{"text", "本年度"}, {"offset", 0}, {"description", "政策基准年度"}},
      {{"text", "YYYY"}, {"offset", nullptr}, {"description", "四位年份，如 营业收入[2024]"}},
  });
  json units = json::array({
      {{"text", "万"}, {"factor", "10000"}, {"description", "×10⁴，如 500万（金额以元为单位）"}},
      {{"text", "亿"}, {"factor", "100000000"}, {"description", "×10⁸，如 1.5亿"}},
      {{"text", "%"}, {"factor", "0.01"}, {"description", "×0.01，如 15%"}},
  });
  // What a structured condition builder offers for an attribute of each type.
  json compare_all = json::array({"==", "!=", "<", "<=", ">", ">="});
  json equality = json::array({"==", "!="});
  json types = json::array({
      {{"type", "int"},
       {"type_zh", "整数"},
       {"operators", compare_all},
       {"between", true},
       {"in_list", true}},
      {{"type", "number"},
       {"type_zh", "数值"},
       {"operators", compare_all},
       {"between", true},
       {"in_list", true}},
      {{"type", "money"},
       {"type_zh", "金额"},
       {"operators", compare_all},
       {"between", true},
       {"in_list", true}},
      {{"type", "date"},
       {"type_zh", "日期"},
       {"operators", compare_all},
       {"between", true},
       {"in_list", true},
       {"literal", "date(\"YYYY-MM-DD\")"}},
      {{"type", "enum"},
       {"type_zh", "枚举"},
       {"operators", equality},
       {"between", false},
       {"in_list", true}},
      {{"type", "string"},
       {"type_zh", "文本"},
       {"operators", equality},
       {"between", false},
       {"in_list", true}},
      {{"type", "bool"},
       {"type_zh", "是否"},
       {"operators", equality},
       {"between", false},
       {"in_list", false},
       {"bare", true}},
      {{"type", "set"},
       {"type_zh", "集合"},
       {"operators", json::array()},
       {"between", false},
       {"in_list", false},
       {"contains", "\"值\" in 属性"}},
  });
  return {{"attributes", attrs},
          {"functions", fns},
          {"operators", operators},
          {"keywords", keywords},
          {"periods", periods},
          {"units", units},
          {"types", types},
          {"strings", "文本用英文双引号 \"…\" 或中文引号 “…”"},
          {"comments", "# 到行尾为注释"}};
}

}  // namespace zhida::services
