#include "rules/checker/checker.h"

#include <gtest/gtest.h>

#include "rules/rules.h"
#include "rules/testing.h"

namespace zhida::rules {
namespace {

testing::MapSchema kSchema;

Compiled C(const std::string& text, std::optional<int> ref_year = std::nullopt,
           RuleKind kind = RuleKind::kCondition) {
  return compile(text, kSchema, CheckOptions{kind, ref_year});
}

// Every issue as "line:column code" (errors) or "line:column code (warning)".
std::vector<std::string> issues(const std::string& text, std::optional<int> ref_year = std::nullopt,
                                RuleKind kind = RuleKind::kCondition) {
  std::vector<std::string> out;
  for (const Issue& i : C(text, ref_year, kind).issues)
    out.push_back(std::to_string(i.line) + ":" + std::to_string(i.column) + " " + i.code +
                  (i.is_error() ? "" : " (warning)"));
  return out;
}

using V = std::vector<std::string>;

TEST(Checker, AcceptsTheExamplesOfRulesMd) {
  EXPECT_TRUE(C("注册地 == \"宝安区\" and 税收户管地 == \"宝安区\" and 统计关系 == \"宝安区\"\n"
                "and not 严重失信\nand \"国家级专精特新小巨人\" in 资质")
                  .ok());
  EXPECT_TRUE(C("min(研发费用[上年度] * 10%, 200万)", 2025, RuleKind::kValue).ok());
  EXPECT_TRUE(
      C("行业门类 == \"C\" and 规上企业\nand 营业收入[上年度] >= 营业收入[前年度] * (1 + 15%)",
        2025)
          .ok());
  EXPECT_TRUE(C("成立日期 >= date(\"2019-01-01\") and 从业人数 between 10 and 300").ok());
  EXPECT_TRUE(C("街道 in [\"沙井\", \"松岗\"]").ok());
}

TEST(Checker, UnknownAttributeWithSuggestion) {
  Compiled c = C("营业收[2024] > 1");
  ASSERT_EQ(c.issues.size(), 1u);
  EXPECT_EQ(c.issues[0].code, "rule.unknown_attribute");
  EXPECT_EQ(c.issues[0].column, 1);
  EXPECT_NE(c.issues[0].message.find("是否指“营业收入”"), std::string::npos) << c.issues[0].message;
  EXPECT_EQ(issues("x > 1"), V{"1:1 rule.unknown_attribute"});
  EXPECT_NE(C("a AND b").issues.size(), 0u);
}

TEST(Checker, TypeMismatches) {
  EXPECT_EQ(issues("注册资本 == \"宝安区\""), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("注册地 > \"宝安区\""), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("成立日期 >= \"2019-01-01\""), V{"1:1 rule.type_mismatch"});
  EXPECT_NE(C("成立日期 >= \"2019-01-01\"").issues[0].message.find("date(\"2024-01-01\")"),
            std::string::npos);
  EXPECT_EQ(issues("严重失信 + 1 > 0"), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("从业人数 and 严重失信"), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("not 从业人数"), V{"1:5 rule.type_mismatch"});
  EXPECT_EQ(issues("从业人数 in [\"a\", 2]"), V{"1:10 rule.type_mismatch"});
  EXPECT_EQ(issues("从业人数 in 资质"), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("\"a\" in 街道"), V{"1:8 rule.type_mismatch"});
  EXPECT_EQ(issues("资质 == \"高新技术企业\""), V{"1:1 rule.set_misuse"});
  EXPECT_EQ(issues("注册地 between 1 and 2"), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("成立日期 + 1 > 0"), V{"1:1 rule.type_mismatch"});
}

TEST(Checker, Periods) {
  EXPECT_EQ(issues("营业收入 > 1"), V{"1:1 rule.missing_period"});
  EXPECT_EQ(issues("注册资本[2024] > 1"), V{"1:1 rule.unexpected_period"});
  EXPECT_EQ(issues("营业收入[上年度] > 1"), V{"1:6 rule.no_reference_year"});
  EXPECT_EQ(issues("营业收入[上年度] > 1", 2025), V{});
  EXPECT_EQ(issues("营业收入[1800] > 1"), V{"1:6 rule.bad_period"});
  Compiled c = C("营业收入[上年度] > 营业收入[前年度] and 营业收入[本年度] > 0", 2025);
  ASSERT_TRUE(c.ok());
  std::vector<int> years;
  for (AttrRef r : c.program->attributes()) years.push_back(r.year);
  EXPECT_EQ(years, (std::vector<int>{2024, 2023, 2025}));
}

TEST(Checker, Functions) {
  EXPECT_EQ(issues("abs(1, 2) > 0"), V{"1:1 rule.arity"});
  EXPECT_EQ(issues("min() > 0"), V{"1:1 rule.arity"});
  EXPECT_EQ(issues("if(严重失信, 1) > 0"), V{"1:1 rule.arity"});
  EXPECT_EQ(issues("round(从业人数) > 0"), V{"1:1 rule.arity"});
  EXPECT_EQ(issues("foo(1) > 0"), V{"1:1 rule.unknown_function"});
  EXPECT_EQ(issues("营业收入(1) > 0"), V{"1:1 rule.unknown_function"});
  EXPECT_EQ(issues("成立日期 > date(\"2024-02-30\")"), V{"1:13 rule.bad_date"});
  EXPECT_EQ(issues("成立日期 > date(企业名称)"), V{"1:13 rule.bad_date"});
  EXPECT_EQ(issues("round(从业人数, 1.5) > 0"), V{"1:13 rule.bad_argument"});
  EXPECT_EQ(issues("round(从业人数, -2) > 0"), V{});
  EXPECT_EQ(issues("years_since(从业人数) > 0"), V{"1:13 rule.type_mismatch"});
  EXPECT_EQ(issues("years_since(成立日期) >= 3"), V{});
  EXPECT_EQ(issues("if(从业人数, 1, 2) > 0"), V{"1:4 rule.type_mismatch"});
  EXPECT_EQ(issues("if(严重失信, 1, \"a\") > 0"), V{"1:1 rule.type_mismatch"});
  EXPECT_EQ(issues("starts_with(从业人数, \"39\")"), V{"1:13 rule.type_mismatch"});
  EXPECT_EQ(issues("starts_with(行业代码, \"39\")"), V{});
  EXPECT_EQ(issues("min(成立日期, 1) > 0"), V{"1:11 rule.type_mismatch"});
  EXPECT_EQ(issues("exists(资质) and exists(营业收入[2024])"), V{});
}

TEST(Checker, ResultKind) {
  EXPECT_EQ(issues("从业人数 + 1"), V{"1:1 rule.not_boolean"});
  EXPECT_EQ(issues("从业人数 > 1", std::nullopt, RuleKind::kValue), V{"1:1 rule.not_numeric"});
  EXPECT_EQ(issues("min(研发费用[2024] * 10%, 200万)", std::nullopt, RuleKind::kValue), V{});
}

TEST(Checker, WarningsDoNotBlock) {
  EXPECT_EQ(issues("街道 == \"沙井街道\""), V{"1:7 rule.unknown_enum_value (warning)"});
  EXPECT_TRUE(C("街道 == \"沙井街道\"").ok());
  EXPECT_EQ(issues("街道 in [\"沙井\", \"松冈\"]"), V{"1:14 rule.unknown_enum_value (warning)"});
  EXPECT_EQ(issues("\"高企\" in 资质"), V{"1:1 rule.unknown_enum_value (warning)"});
  EXPECT_EQ(issues("从业人数 == null"), V{"1:1 rule.null_comparison (warning)"});
}

TEST(Checker, EveryErrorIsReportedTogether) {
  Compiled c = C("营收 > 1 and 注册资本 == \"宝安区\"\n  and 营业收入 > 1 and abs(1, 2) > 0");
  EXPECT_FALSE(c.ok());
  std::vector<std::string> got;
  for (const Issue& i : c.issues)
    got.push_back(std::to_string(i.line) + ":" + std::to_string(i.column) + " " + i.code);
  EXPECT_EQ(got, (V{"1:1 rule.unknown_attribute", "1:12 rule.type_mismatch",
                    "2:7 rule.missing_period", "2:20 rule.arity"}));
  // Lexical and type mistakes together.
  Compiled d = C("（注册资本 == \"宝安区\"）");
  EXPECT_EQ(d.issues.size(), 3u);
}

}  // namespace
}  // namespace zhida::rules
