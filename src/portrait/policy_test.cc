#include "portrait/policy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/date.h"

namespace zhida::portrait {
namespace {

Catalog test_catalog() {
  Catalog c;
  auto add = [&](const char* name, rules::Type t, bool periods = false) {
    Attribute a;
    a.name = name;
    a.type = t;
    a.has_periods = periods;
    (void)c.add(a);
  };
  add("注册地", rules::Type::kEnum);
  add("营业收入", rules::Type::kMoney, true);
  add("研发费用", rules::Type::kMoney, true);
  add("纳税总额", rules::Type::kMoney, true);
  add("严重失信", rules::Type::kBool);
  add("资质", rules::Type::kSet);
  return c;
}

TEST(Policy, BenchFormatGivesOneConditionPerConjunct) {
  Catalog cat = test_catalog();
  Issues issues;
  auto p = policy_from_json(nlohmann::json::parse(R"J({"id":"P0001","name":"研发资助",
      "rule":"注册地 == \"宝安区\" and not 严重失信 and 研发费用[2024] >= 100万",
      "award":"min(研发费用[2024] * 10%, 200万)", "ast":{}, "award_ast":{}, "conditions": 3})J"),
                            cat, issues);
  ASSERT_TRUE(p) << (issues.empty() ? "" : issues[0].message);
  EXPECT_EQ(p->conditions.size(), 3u);
  EXPECT_EQ(p->conditions[2].rule, "研发费用[2024] >= 100万");
  EXPECT_TRUE(p->fully_verifiable());
  EXPECT_TRUE(p->award);
}

TEST(Policy, ExtendedFormat) {
  Catalog cat = test_catalog();
  Issues issues;
  auto p = policy_from_json(nlohmann::json::parse(R"J({
      "id":"BA-2025-001","name":"技术改造补贴","department":"宝安区工业和信息化局","reference_year":2025,
      "conditions":[
        {"clause":"在宝安区注册","rule":"注册地 == \"宝安区\""},
        {"clause":"上年度研发投入不少于100万元","rule":"研发费用[上年度] >= 100万 or \"高新技术企业\" in 资质"},
        {"clause":"技术改造项目在宝安区实施","verifiable":false,"material":"项目实施地证明"}],
      "award":"min(研发费用[上年度] * 30%, 1500万)",
      "window":{"start":"2025-07-01","end":"2025-07-31"}, "budget":"5000万", "budget_mode":"pro_rata",
      "caps":{"per_firm_year":"1500万"}, "tax_capped":true, "exclusivity_group":"技改", "top_up":true,
      "materials":[{"name":"设备发票","commitment":false},"承诺书"], "publicity_days":7})J"),
                            cat, issues);
  ASSERT_TRUE(p) << (issues.empty() ? "" : issues[0].message);
  EXPECT_FALSE(p->fully_verifiable());
  EXPECT_EQ(p->rule_text,
            "注册地 == \"宝安区\" and (研发费用[上年度] >= 100万 or \"高新技术企业\" in 资质)");
  EXPECT_EQ(*p->budget, Decimal::from_int(50000000));
  EXPECT_EQ(p->budget_mode, BudgetMode::kProRata);
  EXPECT_EQ(*p->cap_per_firm_year, Decimal::from_int(15000000));
  EXPECT_TRUE(p->window.open_on(*parse_date("2025-07-31")));
  EXPECT_FALSE(p->window.open_on(*parse_date("2025-08-01")));
  EXPECT_EQ(p->materials.size(), 2u);
  EXPECT_EQ(p->publicity_days, 7);
  // It round-trips through JSON.
  Issues again;
  auto q = policy_from_json(p->to_json(), cat, again);
  ASSERT_TRUE(q) << (again.empty() ? "" : again[0].message);
  EXPECT_EQ(q->rule_text, p->rule_text);
}

TEST(Policy, EveryErrorIsListed) {
  Catalog cat = test_catalog();
  Issues issues;
  auto p = policy_from_json(nlohmann::json::parse(R"J({
      "name": 3, "colour": "red",
      "conditions":[{"clause":"x","rule":"营收 > 1"},{"rule":"营业收入[上年度] > 1"},{"clause":"人工","verifiable":false}],
      "award":"注册地", "window":{"start":"2025-13-01","end":"2025-01-01"}, "budget":"-5",
      "budget_mode":"random", "top_up":true, "auto_grant":true, "publicity_days":100})J"),
                            cat, issues);
  EXPECT_FALSE(p);
  std::vector<std::string> codes;
  for (const Issue& i : issues) codes.push_back(i.code);
  for (const char* want :
       {"policy.unknown_field", "policy.missing_field", "policy.wrong_type",
        "rule.unknown_attribute", "rule.no_reference_year", "rule.not_numeric", "policy.bad_date",
        "policy.bad_amount", "policy.bad_budget_mode", "policy.top_up_without_group",
        "policy.auto_grant_needs_data", "policy.bad_publicity_days"})
    EXPECT_NE(std::find(codes.begin(), codes.end(), want), codes.end()) << want;
  for (const Issue& i : issues) {
    if (i.code == "rule.unknown_attribute") {
      EXPECT_EQ(i.field, "conditions[0].rule");
      EXPECT_EQ(i.column, 1);
    }
  }
}

TEST(Policy, RuleAndConditionsMustAgree) {
  Catalog cat = test_catalog();
  Issues issues;
  auto p = policy_from_json(
      nlohmann::json::parse(R"J({"id":"P1","name":"x","rule":"注册地 == \"南山区\"",
      "conditions":[{"clause":"宝安注册","rule":"注册地 == \"宝安区\""}]})J"),
      cat, issues);
  EXPECT_FALSE(p);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues.back().code, "policy.rule_mismatch");
}

TEST(Policy, FileWithDuplicateIds) {
  Catalog cat = test_catalog();
  Issues issues;
  auto r = policies_from_json(nlohmann::json::parse(R"J([{"id":"P1","name":"a","rule":"严重失信"},
      {"id":"P1","name":"b","rule":"not 严重失信"}])J"),
                              cat, &issues);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(issues[0].code, "policy.duplicate_id");
}

TEST(Policy, Amounts) {
  EXPECT_EQ(*parse_amount("0.07亿"), Decimal::from_int(7000000));
  EXPECT_EQ(*parse_amount("500万元"), Decimal::from_int(5000000));
  EXPECT_EQ(*parse_amount(2500000), Decimal::from_int(2500000));
  EXPECT_EQ(*parse_amount(12.5), *Decimal::parse("12.5"));
  EXPECT_FALSE(parse_amount("lots"));
}

}  // namespace
}  // namespace zhida::portrait
