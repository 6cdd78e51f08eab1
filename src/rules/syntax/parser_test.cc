#include "rules/syntax/parser.h"

#include <gtest/gtest.h>

namespace zhida::rules {
namespace {

std::string norm(const std::string& text) {
  ParseResult r = parse(text);
  EXPECT_TRUE(r.root) << text;
  EXPECT_TRUE(r.issues.empty()) << text << ": " << (r.issues.empty() ? "" : r.issues[0].message);
  return r.root ? to_text(*r.root) : "";
}

// The first issue: "line:column code".
std::string first_issue(const std::string& text) {
  ParseResult r = parse(text);
  if (r.issues.empty()) return "none";
  const Issue& i = r.issues[0];
  return std::to_string(i.line) + ":" + std::to_string(i.column) + " " + i.code;
}

TEST(Parser, OperatorsAndKeywordsNormalise) {
  EXPECT_EQ(norm("a && b || !c"), "a and b or not c");
  EXPECT_EQ(norm("a and (b or c)"), "a and (b or c)");
  EXPECT_EQ(norm("(a and b) or c"), "a and b or c");
  EXPECT_EQ(norm("not not a"), "not not a");
  EXPECT_EQ(norm("not (a == 1)"), "not a == 1");
  EXPECT_EQ(norm("not (a or b)"), "not (a or b)");
  EXPECT_EQ(norm("x   >=\n  1"), "x >= 1");
  EXPECT_EQ(norm("a == 1 and b != 2 and c < 3 and d <= 4 and e > 5 and f >= 6"),
            "a == 1 and b != 2 and c < 3 and d <= 4 and e > 5 and f >= 6");
}

TEST(Parser, ArithmeticPrecedence) {
  EXPECT_EQ(norm("a + b * c"), "a + b * c");
  EXPECT_EQ(norm("(a + b) * c"), "(a + b) * c");
  EXPECT_EQ(norm("a - (b - c)"), "a - (b - c)");
  EXPECT_EQ(norm("a - b - c"), "a - b - c");
  EXPECT_EQ(norm("a / (b * c)"), "a / (b * c)");
  EXPECT_EQ(norm("-a * -(b + 1)"), "-a * -(b + 1)");
  EXPECT_EQ(norm("营业收入[2024] >= 营业收入[2023] * (1 + 15%)"),
            "营业收入[2024] >= 营业收入[2023] * (1 + 15%)");
}

TEST(Parser, BothQuoteStylesAndComments) {
  EXPECT_EQ(norm("注册地 == “宝安区”"), "注册地 == \"宝安区\"");
  EXPECT_EQ(norm("注册地 == \"宝安区\" # 在宝安注册\n and x"), "注册地 == \"宝安区\" and x");
  EXPECT_EQ(norm("# 只有注释的行\n x"), "x");
  // A Chinese-quoted string may hold ASCII quotes; printing keeps it readable.
  EXPECT_EQ(norm("名称 == “专精特新\"小巨人\"企业”"), "名称 == “专精特新\"小巨人\"企业”");
}

TEST(Parser, UnitsAreExact) {
  ParseResult r = parse("0.07亿");
  ASSERT_TRUE(r.root);
  EXPECT_EQ(r.root->number, Decimal::from_int(7000000));
  r = parse("2500万");
  EXPECT_EQ(r.root->number, Decimal::from_int(25000000));
  r = parse("15%");
  EXPECT_EQ(r.root->number, *Decimal::parse("0.15"));
  r = parse("0.5%");
  EXPECT_EQ(r.root->number, *Decimal::parse("0.005"));
  r = parse("1.23456789亿");
  EXPECT_EQ(r.root->number, Decimal::from_int(123456789));
  EXPECT_EQ(norm("x >= 0.07亿"), "x >= 0.07亿");
}

TEST(Parser, InBetweenPeriodsCalls) {
  EXPECT_EQ(norm("街道 in [\"沙井\", \"松岗\"]"), "街道 in [\"沙井\", \"松岗\"]");
  EXPECT_EQ(norm("\"高新技术企业\" in 资质"), "\"高新技术企业\" in 资质");
  EXPECT_EQ(norm("x in []"), "x in []");
  EXPECT_EQ(norm("从业人数 between 10 and 300 and y"), "从业人数 between 10 and 300 and y");
  EXPECT_EQ(norm("营业收入[上年度] >= 营业收入[前年度] and 营业收入[本年度] > 0"),
            "营业收入[上年度] >= 营业收入[前年度] and 营业收入[本年度] > 0");
  EXPECT_EQ(norm("min(研发费用[上年度] * 10%, 200万)"), "min(研发费用[上年度] * 10%, 200万)");
  EXPECT_EQ(norm("if(a, 1, 2) + round(x, -2) + years_since(date(\"2020-01-01\"))"),
            "if(a, 1, 2) + round(x, -2) + years_since(date(\"2020-01-01\"))");
  EXPECT_EQ(norm("exists(x) and starts_with(行业代码, \"39\") and abs(y) > max(1, 2, 3)"),
            "exists(x) and starts_with(行业代码, \"39\") and abs(y) > max(1, 2, 3)");
  EXPECT_EQ(norm("x == null or y == true or z == false"), "x == null or y == true or z == false");
}

TEST(Parser, PositionsOfSyntaxErrors) {
  EXPECT_EQ(first_issue(""), "1:1 rule.empty");
  EXPECT_EQ(first_issue("  # 只有注释"), "1:9 rule.empty");
  EXPECT_EQ(first_issue("注册地 == \"宝安区"), "1:8 rule.unterminated_string");
  EXPECT_EQ(first_issue("注册地 == “宝安区"), "1:8 rule.unterminated_string");
  EXPECT_EQ(first_issue("a = 1"), "1:3 rule.single_equals");
  EXPECT_EQ(first_issue("a & b"), "1:3 rule.bad_operator");
  EXPECT_EQ(first_issue("（a or b）"), "1:1 rule.full_width");
  EXPECT_EQ(first_issue("a ≥ 1"), "1:3 rule.full_width");
  EXPECT_EQ(first_issue("a == 1 @"), "1:8 rule.bad_character");
  EXPECT_EQ(first_issue("a == 1 b == 2"), "1:8 rule.trailing");
  EXPECT_EQ(first_issue("a == (1"), "1:8 rule.unexpected_end");
  EXPECT_EQ(first_issue("a == 1)"), "1:7 rule.unbalanced");
  EXPECT_EQ(first_issue("a == "), "1:6 rule.unexpected_end");
  EXPECT_EQ(first_issue("a == and"), "1:6 rule.unexpected_token");
  EXPECT_EQ(first_issue("1 < x < 3"), "1:7 rule.chained_comparison");
  EXPECT_EQ(first_issue("营业收入[去年] > 1"), "1:6 rule.bad_period");
  EXPECT_EQ(first_issue("营业收入[24] > 1"), "1:6 rule.bad_period");
  EXPECT_EQ(first_issue("(a + b)[2024] > 1"), "1:8 rule.period_on_non_attribute");
  EXPECT_EQ(first_issue("x >= 100万元"), "1:10 rule.unit_yuan");
  EXPECT_EQ(first_issue("x >= 100千"), "1:9 rule.bad_number");
  EXPECT_EQ(first_issue("x in 3"), "1:6 rule.unexpected_token");
  EXPECT_EQ(first_issue("x between 1 or 2"), "1:13 rule.unexpected_token");
  EXPECT_EQ(first_issue("min(1, 2"), "1:9 rule.unexpected_end");
  EXPECT_EQ(first_issue("a ==\n  (b +)"), "2:7 rule.unexpected_token");
}

TEST(Parser, LexicalMistakesAreAllReported) {
  ParseResult r = parse("（a ≥ 1）and b ＝ 2");
  ASSERT_EQ(r.issues.size(), 4u);
  EXPECT_EQ(r.issues[0].column, 1);
  EXPECT_EQ(r.issues[1].column, 4);
  EXPECT_EQ(r.issues[2].column, 7);
  EXPECT_EQ(r.issues[3].column, 14);
  EXPECT_NE(r.issues[0].message.find("全角"), std::string::npos);
}

TEST(Parser, PrintedTextParsesToTheSameText) {
  for (const char* text : {
           "注册地 == \"宝安区\" and 税收户管地 == \"宝安区\" and not 严重失信 and "
           "\"高新技术企业\" in 资质",
           "min(研发费用[2024] * 10%, 200万)",
           "if(营业收入[2024] >= 10亿, 100万, if(营业收入[2024] >= 1亿, 50万, 20万))",
           "not (纳税信用等级 in [\"C\", \"D\"] or 经营异常)",
           "a - -b",
           "-(a - b) / c",
       }) {
    std::string once = norm(text);
    EXPECT_EQ(norm(once), once);
  }
}

}  // namespace
}  // namespace zhida::rules
