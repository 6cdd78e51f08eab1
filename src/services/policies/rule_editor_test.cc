// The rule editor's pure functions: compile with every class of error and
// its position, the vocabulary, the syntax tree both ways (every rule of the
// demo corpus round-trips), locating fields in JSON text, and version diffs.
#include "services/policies/rule_editor.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rules/rules.h"
#include "rules/syntax/parser.h"
#include "services/demo/corpus.h"
#include "services/policies/diff.h"
#include "services/policies/json_locate.h"
#include "services/policies/rule_tree.h"

namespace zhida::services {
namespace {

using nlohmann::json;

const portrait::Catalog& demo_catalog() {
  static const std::shared_ptr<const portrait::Catalog> cat = [] {
    auto c = demo::load_demo_catalog();
    EXPECT_TRUE(c.ok());
    return *c;
  }();
  return *cat;
}

rules::CheckOptions condition(std::optional<int> year = 2025) {
  return rules::CheckOptions{rules::RuleKind::kCondition, year};
}

// The first issue with this code, or a null json.
json issue_with(const json& out, const std::string& code) {
  for (const json& i : out["issues"])
    if (i["code"] == code) return i;
  return nullptr;
}

TEST(RuleCompile, GoodRuleIsNormalizedAndTyped) {
  json out = compile_rule("注册地==\"宝安区\"  and   营业收入[上年度]>=2000万", demo_catalog(),
                          condition());
  EXPECT_TRUE(out["ok"]);
  EXPECT_EQ(out["normalized"], "注册地 == \"宝安区\" and 营业收入[上年度] >= 2000万");
  EXPECT_EQ(out["type"], "bool");
  EXPECT_TRUE(out["issues"].empty());
  ASSERT_EQ(out["attributes"].size(), 2u);
  EXPECT_EQ(out["attributes"][1]["name"], "营业收入");
  EXPECT_EQ(out["attributes"][1]["year"], 2024);
}

TEST(RuleCompile, AwardFormulaIsMoney) {
  json out = compile_rule("min(研发费用[上年度] * 10%, 200万)", demo_catalog(),
                          rules::CheckOptions{rules::RuleKind::kValue, 2025});
  EXPECT_TRUE(out["ok"]) << out.dump();
  EXPECT_EQ(out["type"], "money");
  // A condition where a formula is expected.
  json bad = compile_rule("注册地 == \"宝安区\"", demo_catalog(),
                          rules::CheckOptions{rules::RuleKind::kValue, 2025});
  EXPECT_FALSE(bad["ok"]);
  EXPECT_FALSE(issue_with(bad, "rule.not_numeric").is_null());
}

// Every class of mistake an officer makes, with where it is.
struct ErrorCase {
  const char* rule;
  const char* code;
  int line, column, length;
  bool error = true;
};

TEST(RuleCompile, EveryErrorClassWithItsPosition) {
  const ErrorCase cases[] = {
      {"营收[上年度] > 100万", "rule.unknown_attribute", 1, 1, 7},
      {"注册资本 == \"宝安区\"", "rule.type_mismatch", 1, 1, 13},
      {"注册地 == \"宝安区\" and\n  营业收入 > 1", "rule.missing_period", 2, 3, 4},
      {"注册资本[2024] > 1", "rule.unexpected_period", 1, 1, 10},
      {"注册地 = \"宝安区\"", "rule.single_equals", 1, 5, 1},
      {"注册地 == \"宝安区", "rule.unterminated_string", 1, 8, 4},
      {"注册地 == \"宝安区\" 并且 四上企业", "rule.trailing", 1, 14, 2},
      {"(注册地 == \"宝安区\"", "rule.unexpected_end", 1, 14, 1},
      {"注册地 == \"宝安区\")", "rule.unbalanced", 1, 13, 1},
      {"从业人数 > 10 > 5", "rule.chained_comparison", 1, 11, 1},
      {"从业人数 >= 10 ＆ 四上企业", "rule.bad_character", 1, 12, 1},
      {"从业人数 （ 10", "rule.full_width", 1, 6, 1},
      {"营业收入[去年] > 1", "rule.bad_period", 1, 6, 2},
      {"foo(1)", "rule.unknown_function", 1, 1, 6},
      {"min()", "rule.arity", 1, 1, 5},
      {"从业人数", "rule.not_boolean", 1, 1, 4},
      {"资质 == \"高新技术企业\"", "rule.set_misuse", 1, 1, 2},
      {"成立日期 >= date(\"2024-13-01\")", "rule.bad_date", 1, 14, 12},
      {"营业收入[1800] > 1", "rule.bad_period", 1, 6, 4},
      {"街道 == \"火星\"", "rule.unknown_enum_value", 1, 7, 4, false},
      {"", "rule.empty", 1, 1, 1},
      {"从业人数 > 10元", "rule.unit_yuan", 1, 10, 1},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.rule);
    json out = compile_rule(c.rule, demo_catalog(), condition());
    json i = issue_with(out, c.code);
    ASSERT_FALSE(i.is_null()) << out.dump();
    EXPECT_EQ(i["severity"], c.error ? "error" : "warning");
    EXPECT_EQ(i["line"], c.line);
    EXPECT_EQ(i["column"], c.column);
    EXPECT_EQ(i["length"], c.length);
    EXPECT_FALSE(i["message"].get<std::string>().empty());
    EXPECT_EQ(out["ok"], !c.error);
  }
  // A relative period without a reference year.
  json out = compile_rule("营业收入[上年度] > 1", demo_catalog(), condition(std::nullopt));
  EXPECT_FALSE(issue_with(out, "rule.no_reference_year").is_null());
  // Every mistake at once, in text order.
  json many =
      compile_rule("营收 > 1 and 注册资本 == \"x\" and 研发费用 > 1", demo_catalog(), condition());
  ASSERT_EQ(many["issues"].size(), 3u) << many.dump();
  EXPECT_LT(many["issues"][0]["column"], many["issues"][1]["column"]);
  EXPECT_LT(many["issues"][1]["column"], many["issues"][2]["column"]);
}

TEST(RuleCompile, FastEnoughForEveryKeystroke) {
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i)
    (void)compile_rule(
        "注册地 == \"宝安区\" and 四上企业 and 营业收入[上年度] >= 营业收入[前年度] * (1 + 15%) "
        "and not 严重失信",
        demo_catalog(), condition());
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
      200;
  EXPECT_LT(ms, 5.0);  // typically ~0.05 ms
}

TEST(RuleVocabulary, DescribesCatalogFunctionsAndOperators) {
  AttributeYears years(demo_catalog().size());
  years[static_cast<size_t>(demo_catalog().attribute("营业收入")->id)] = {2022, 2023, 2024};
  json v = rule_vocabulary(demo_catalog(), years);
  ASSERT_EQ(v["attributes"].size(), demo_catalog().size());
  json revenue, street;
  for (const json& a : v["attributes"]) {
    if (a["name"] == "营业收入") revenue = a;
    if (a["name"] == "街道") street = a;
  }
  EXPECT_EQ(revenue["type"], "money");
  EXPECT_EQ(revenue["periods"], true);
  EXPECT_EQ(revenue["years"], json({2022, 2023, 2024}));
  EXPECT_EQ(revenue["unit"], "元");
  EXPECT_EQ(street["type"], "enum");
  EXPECT_EQ(street["values"].size(), 10u);
  EXPECT_FALSE(street.contains("years"));
  // Exactly the checker's functions, each described, each example compiles.
  ASSERT_EQ(v["functions"].size(), rules::function_names().size());
  for (const json& f : v["functions"]) {
    SCOPED_TRACE(f.dump());
    EXPECT_FALSE(f["description"].get<std::string>().empty());
    EXPECT_NE(f["signature"].get<std::string>().find(f["name"].get<std::string>()),
              std::string::npos);
    std::string example = f["example"];
    rules::Compiled c = rules::compile(example, demo_catalog(), condition());
    rules::Compiled value =
        rules::compile(example, demo_catalog(), {rules::RuleKind::kValue, 2025});
    EXPECT_TRUE(c.ok() || value.ok()) << rules::render_issues(c.issues);
  }
  std::set<std::string> ops;
  for (const json& o : v["operators"]) ops.insert(o["op"]);
  for (const char* op :
       {"==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "and", "or", "not", "in", "between"})
    EXPECT_TRUE(ops.count(op)) << op;
  EXPECT_EQ(v["keywords"].size(), 8u);
  EXPECT_EQ(v["periods"].size(), 4u);
  EXPECT_EQ(v["units"].size(), 3u);
  EXPECT_EQ(v["types"].size(), 8u);
}

// ---- the syntax tree both ways

// Every rule and award formula of the demo corpus.
std::vector<std::pair<std::string, rules::RuleKind>> corpus_rules() {
  std::vector<std::pair<std::string, rules::RuleKind>> out;
  json doc = json::parse(demo::demo_policies_json());
  const json& policies = doc.is_array() ? doc : doc["policies"];
  for (const json& p : policies) {
    if (p.contains("rule")) out.emplace_back(p["rule"], rules::RuleKind::kCondition);
    for (const json& c : p.value("conditions", json::array()))
      if (c.contains("rule")) out.emplace_back(c["rule"], rules::RuleKind::kCondition);
    if (p.contains("award")) out.emplace_back(p["award"], rules::RuleKind::kValue);
  }
  return out;
}

TEST(RuleTree, EveryCorpusRuleRoundTrips) {
  auto all = corpus_rules();
  ASSERT_GT(all.size(), 150u);
  for (const auto& [rule, kind] : all) {
    SCOPED_TRACE(rule);
    rules::CheckOptions o{kind, 2025};
    json parsed = parse_rule(rule, demo_catalog(), o);
    ASSERT_TRUE(parsed["ok"]) << parsed.dump();
    // tree -> JSON text -> tree -> canonical text: the parse's normalized text.
    json tree = json::parse(parsed["tree"].dump());
    Issues tree_issues;
    auto printed = print_rule(tree, demo_catalog(), o, tree_issues);
    ASSERT_TRUE(printed) << (tree_issues.empty() ? "" : tree_issues[0].message);
    EXPECT_TRUE((*printed)["ok"]);
    EXPECT_EQ((*printed)["rule"], parsed["normalized"]);
    EXPECT_EQ((*printed)["rule"], rules::compile(rule, demo_catalog(), o).program->normalized());
    // And the printed text parses to the same tree (ranges aside).
    json again = parse_rule((*printed)["rule"].get<std::string>(), demo_catalog(), o);
    Issues none;
    auto a = rule_tree_from_json(parsed["tree"], none);
    auto b = rule_tree_from_json(again["tree"], none);
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(same_tree(*a, *b));
  }
}

TEST(RuleTree, ParseGivesTypesRangesAndResolvedYears) {
  json out = parse_rule("营业收入[上年度] >= 2000万 and \"高新技术企业\" in 资质", demo_catalog(),
                        condition());
  ASSERT_TRUE(out["ok"]);
  const json& t = out["tree"];
  EXPECT_EQ(t["kind"], "and");
  EXPECT_EQ(t["type"], "bool");
  const json& cmp = t["operands"][0];
  EXPECT_EQ(cmp["kind"], "compare");
  EXPECT_EQ(cmp["op"], ">=");
  EXPECT_EQ(cmp["left"]["kind"], "attr");
  EXPECT_EQ(cmp["left"]["name"], "营业收入");
  EXPECT_EQ(cmp["left"]["period"], "上年度");
  EXPECT_EQ(cmp["left"]["year"], 2024);
  EXPECT_EQ(cmp["left"]["type"], "money");
  EXPECT_EQ(cmp["right"]["text"], "2000万");
  EXPECT_EQ(cmp["right"]["value"], "20000000");
  EXPECT_EQ(cmp["right"]["unit"], "万");
  EXPECT_EQ(cmp["range"], json({{"line", 1}, {"column", 1}, {"end_line", 1}, {"end_column", 19}}));
  EXPECT_EQ(t["operands"][1]["kind"], "in");
  EXPECT_EQ(t["operands"][1]["right"]["name"], "资质");
  // A syntax error: no tree, the issue positioned.
  json bad = parse_rule("注册地 == ", demo_catalog(), condition());
  EXPECT_FALSE(bad["ok"]);
  EXPECT_TRUE(bad["tree"].is_null());
  EXPECT_EQ(bad["issues"][0]["code"], "rule.unexpected_end");
  // A checker error: the tree is there (for the builder), ok is false.
  json unknown = parse_rule("营收 > 1", demo_catalog(), condition());
  EXPECT_FALSE(unknown["ok"]);
  EXPECT_EQ(unknown["tree"]["kind"], "compare");
}

TEST(RuleTree, BuilderTreesPrintCanonically) {
  // What a condition builder sends: no ranges, numbers by value and unit,
  // a one-operand "and" (the builder's group with one row).
  json tree = json::parse(R"J({"kind": "or", "operands": [
      {"kind": "and", "operands": [
        {"kind": "compare", "op": ">=", "left": {"kind": "attr", "name": "从业人数"},
         "right": {"kind": "number", "value": 10}}]},
      {"kind": "not", "operand": {"kind": "attr", "name": "严重失信"}},
      {"kind": "between", "value": {"kind": "attr", "name": "营业收入", "period": 2024},
       "low": {"kind": "number", "value": "1", "unit": "亿"}, "high": {"kind": "number", "text": "2.5亿"}},
      {"kind": "in", "left": {"kind": "attr", "name": "街道"},
       "right": {"kind": "list", "items": [{"kind": "string", "value": "沙井"}, {"kind": "string", "value": "松岗"}]}}
    ]})J");
  Issues issues;
  auto out = print_rule(tree, demo_catalog(), condition(), issues);
  ASSERT_TRUE(out) << (issues.empty() ? "" : issues[0].message);
  EXPECT_EQ((*out)["rule"],
            "从业人数 >= 10 or not 严重失信 or 营业收入[2024] between 1亿 and 2.5亿 or 街道 in "
            "[\"沙井\", \"松岗\"]");
  EXPECT_TRUE((*out)["ok"]);
  // Precedence: (a or b) and c keeps its parentheses; a - (b - c) too.
  json prec = json::parse(R"J({"kind": "and", "operands": [
      {"kind": "or", "operands": [{"kind": "attr", "name": "四上企业"}, {"kind": "attr", "name": "规上工业"}]},
      {"kind": "compare", "op": ">",
       "left": {"kind": "arith", "op": "-", "left": {"kind": "number", "text": "10"},
                "right": {"kind": "arith", "op": "-", "left": {"kind": "number", "text": "3"},
                          "right": {"kind": "number", "text": "2"}}},
       "right": {"kind": "neg", "operand": {"kind": "number", "text": "1"}}}]})J");
  auto p = print_rule(prec, demo_catalog(), condition(), issues);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["rule"], "(四上企业 or 规上工业) and 10 - (3 - 2) > -1");
  // A tree that checks badly still prints; the issues point into the text.
  auto u = print_rule(json::parse(R"J({"kind": "attr", "name": "营收"})J"), demo_catalog(),
                      condition(), issues);
  ASSERT_TRUE(u);
  EXPECT_FALSE((*u)["ok"]);
  EXPECT_EQ((*u)["issues"][0]["code"], "rule.unknown_attribute");
}

TEST(RuleTree, MalformedTreesAreRefusedWithTheirPath) {
  struct Case {
    const char* tree;
    const char* field;
  };
  const Case cases[] = {
      {R"J([])J", ""},
      {R"J({"kind": "wat"})J", "kind"},
      {R"J({"kind": "and", "operands": []})J", "operands"},
      {R"J({"kind": "compare", "op": "=>", "left": {"kind": "null"}, "right": {"kind": "null"}})J",
       "op"},
      {R"J({"kind": "compare", "op": "==", "left": {"kind": "null"}})J", "right"},
      {R"J({"kind": "and", "operands": [{"kind": "null"}, {"kind": "attr", "name": "and"}]})J",
       "operands[1].name"},
      {R"J({"kind": "attr", "name": "营业收入", "period": "去年"})J", "period"},
      {R"J({"kind": "number", "text": "1.2.3"})J", ""},
      {R"J({"kind": "number", "value": -5})J", "value"},
      {R"J({"kind": "number", "value": "5", "unit": "千"})J", "unit"},
      {R"J({"kind": "string", "value": "a\"b“c"})J", "value"},
      {R"J({"kind": "string", "value": "两\n行"})J", "value"},
      {R"J({"kind": "in", "left": {"kind": "null"}, "right": {"kind": "number", "text": "1"}})J",
       "right"},
      {R"J({"kind": "not", "operand": {"kind": "not"}})J", "operand.operand"},
      {R"J({"kind": "call", "name": "min"})J", "args"},
      {R"J({"kind": "bool", "value": "true"})J", "value"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tree);
    Issues issues;
    auto out = print_rule(json::parse(c.tree), demo_catalog(), condition(), issues);
    EXPECT_FALSE(out);
    ASSERT_FALSE(issues.empty());
    EXPECT_EQ(issues[0].code, "rule.bad_tree");
    EXPECT_EQ(issues[0].field, c.field);
  }
}

// ---- positions in JSON text

TEST(JsonLocate, FindsFieldsAndFallsBackToTheirObject) {
  std::string text =
      "{\n  \"id\": \"P1\",\n  \"conditions\": [\n    {\"clause\": \"在宝安\", \"rule\": \"注册地 "
      "== 1\"},\n"
      "    {\"clause\": \"x\", \"rule\": \"\\\"q\\\" in 资质\"}\n  ],\n  \"caps\": "
      "{\"per_application\": \"x\"}\n}";
  auto at = [&](const char* path) {
    auto p = locate_json_path(text, path);
    return p ? std::make_pair(p->line, p->column) : std::make_pair(0, 0);
  };
  EXPECT_EQ(at(""), std::make_pair(1, 1));
  EXPECT_EQ(at("id"), std::make_pair(2, 9));
  EXPECT_EQ(at("conditions[0].rule"),
            std::make_pair(4, 31));  // columns count characters, not bytes
  EXPECT_EQ(at("conditions[1].rule"), std::make_pair(5, 29));
  EXPECT_EQ(at("caps.per_application"), std::make_pair(7, 31));
  EXPECT_EQ(at("conditions[1].material"), std::make_pair(5, 5));  // missing: its object
  EXPECT_EQ(at("name"), std::make_pair(1, 1));
  EXPECT_FALSE(locate_json_path("{\"a\": ", "a"));
  EXPECT_FALSE(locate_json_path(text, "conditions[x]"));
}

// ---- diffs

TEST(PolicyDiff, ConditionsAwardAndTerms) {
  json a = json::parse(R"J({
    "id":"P","name":"研发资助","budget":"5000万","award":"min(研发费用[上年度]*10%,200万)",
    "window":{"start":"2025-07-01","end":"2025-07-31"},
    "materials":["承诺书"],
    "conditions":[
      {"clause":"在宝安区注册","rule":"注册地==\"宝安区\""},
      {"clause":"研发投入不少于100万元","rule":"研发费用[上年度] >= 100万"},
      {"clause":"无严重失信","rule":"not 严重失信"},
      {"clause":"项目在宝安实施","verifiable":false,"material":"证明"}]})J");
  json b = json::parse(R"J({
    "id":"P","name":"研发资助","budget":50000000,"award":"min(研发费用[上年度] * 15%, 200万)",
    "window":{"start":"2025-07-01","end":"2025-08-15"},
    "materials":[{"name":"承诺书","commitment":true}],
    "conditions":[
      {"clause":"在宝安区注册","rule":"注册地 == \"宝安区\""},
      {"clause":"研发投入不少于200万元","rule":"研发费用[上年度] >= 200万"},
      {"clause":"纳入四上统计","rule":"四上企业"},
      {"clause":"项目在宝安实施","verifiable":false,"material":"证明材料"}]})J");
  json d = policy_diff(a, b);
  EXPECT_TRUE(d["changed"]);
  EXPECT_EQ(d["conditions"]["unchanged"], 1);  // the rule only differs in spacing
  ASSERT_EQ(d["conditions"]["added"].size(), 2u) << d.dump(1);
  ASSERT_EQ(d["conditions"]["removed"].size(), 2u);
  // 研发投入 changed both clause and rule: removed and added; 项目 changed material.
  ASSERT_EQ(d["conditions"]["changed"].size(), 1u);
  EXPECT_EQ(d["conditions"]["changed"][0]["fields"], json({"material"}));
  EXPECT_EQ(d["conditions"]["removed"][1]["rule"], "not 严重失信");
  EXPECT_TRUE(d["award"]["changed"]);
  EXPECT_EQ(d["award"]["after"], "min(研发费用[上年度] * 15%, 200万)");
  std::set<std::string> terms;
  for (const json& t : d["terms"]) terms.insert(t["field"]);
  EXPECT_EQ(terms, (std::set<std::string>{"window.end", "materials"}));  // 5000万 == 50000000
  for (const json& t : d["terms"]) EXPECT_FALSE(t["label"].get<std::string>().empty());
  // Same clause, new rule: one change, not a removal and an addition.
  json c = a;
  c["conditions"][1]["rule"] = "研发费用[上年度] >= 300万";
  json d2 = policy_diff(a, c);
  ASSERT_EQ(d2["conditions"]["changed"].size(), 1u);
  EXPECT_EQ(d2["conditions"]["changed"][0]["fields"], json({"rule"}));
  EXPECT_TRUE(d2["conditions"]["added"].empty());
  EXPECT_FALSE(policy_diff(a, a)["changed"]);
}

}  // namespace
}  // namespace zhida::services
