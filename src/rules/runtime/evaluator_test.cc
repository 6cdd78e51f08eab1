#include "rules/runtime/evaluator.h"

#include <gtest/gtest.h>

#include "rules/rules.h"
#include "rules/testing.h"

namespace zhida::rules {
namespace {

testing::MapSchema kSchema;
const EvalContext kCtx{*parse_date("2025-06-30")};

ProgramPtr P(const std::string& text, RuleKind kind = RuleKind::kCondition,
             std::optional<int> ref = 2025) {
  Compiled c = compile(text, kSchema, CheckOptions{kind, ref});
  EXPECT_TRUE(c.ok()) << text << "\n" << render_issues(c.issues);
  return c.program;
}

Tri T(const std::string& text, const testing::MapFacts& f) {
  ProgramPtr p = P(text);
  return p ? evaluate_condition(*p, f, kCtx) : Tri::kUnknown;
}

std::string V(const std::string& text, const testing::MapFacts& f) {
  ProgramPtr p = P(text, RuleKind::kValue);
  if (!p) return "?";
  Value v = evaluate_value(*p, f, kCtx);
  return v.is_missing() ? "missing" : v.number.to_string();
}

constexpr Tri kT = Tri::kTrue, kF = Tri::kFalse, kU = Tri::kUnknown;

// 严重失信 / 规上企业 play true, false or unknown (missing).
testing::MapFacts with(Tri a, Tri b) {
  testing::MapFacts f(kSchema);
  if (a != kU) f.set("严重失信", a == kT ? "true" : "false");
  if (b != kU) f.set("规上企业", b == kT ? "true" : "false");
  return f;
}

TEST(Evaluator, KleeneTruthTables) {
  const Tri vals[] = {kT, kF, kU};
  for (Tri a : vals) {
    for (Tri b : vals) {
      auto f = with(a, b);
      Tri want_and = (a == kF || b == kF) ? kF : (a == kU || b == kU) ? kU : kT;
      Tri want_or = (a == kT || b == kT) ? kT : (a == kU || b == kU) ? kU : kF;
      EXPECT_EQ(T("严重失信 and 规上企业", f), want_and);
      EXPECT_EQ(T("严重失信 && 规上企业", f), want_and);
      EXPECT_EQ(T("严重失信 or 规上企业", f), want_or);
      EXPECT_EQ(T("严重失信 || 规上企业", f), want_or);
    }
    auto f = with(a, kU);
    EXPECT_EQ(T("not 严重失信", f), tri_not(a));
    EXPECT_EQ(T("!严重失信", f), tri_not(a));
    EXPECT_EQ(T("严重失信 == true", f), a);
    EXPECT_EQ(T("严重失信 != true", f), tri_not(a));
    EXPECT_EQ(T("exists(严重失信)", f), a == kU ? kF : kT);  // never unknown
  }
}

TEST(Evaluator, ComparisonsTouchingMissingAreUnknown) {
  testing::MapFacts f(kSchema);
  EXPECT_EQ(T("从业人数 > 10", f), kU);
  EXPECT_EQ(T("从业人数 == 从业人数", f), kU);
  EXPECT_EQ(T("注册地 == \"宝安区\"", f), kU);
  EXPECT_EQ(T("注册地 in [\"宝安区\"]", f), kU);
  EXPECT_EQ(T("从业人数 == null", f.set("从业人数", "5")), kU);
}

TEST(Evaluator, ArithmeticWithMissingAndDivisionByZero) {
  testing::MapFacts f(kSchema);
  f.set("研发费用[2024]", "300").set("营业收入[2024]", "0");
  EXPECT_EQ(V("研发费用[2024] + 营业收入[2023]", f), "missing");
  EXPECT_EQ(V("研发费用[2024] / 营业收入[2024]", f), "missing");
  EXPECT_EQ(T("研发费用[2024] / 营业收入[2024] >= 3%", f), kU);
  EXPECT_EQ(V("-研发费用[2024] * 2 - 1", f), "-601");
  f.set("营业收入[2024]", "10000");
  EXPECT_EQ(T("研发费用[2024] / 营业收入[2024] >= 3%", f), kT);
  EXPECT_EQ(V("研发费用[2024] / 营业收入[2024]", f), "0.03");
  f.set("研发费用[2024]", "299");
  EXPECT_EQ(T("研发费用[2024] / 营业收入[2024] >= 3%", f), kF);
  EXPECT_EQ(V("1 / 3", f), "0.333333333333333333");
}

TEST(Evaluator, ExactDecimalsWhereDoublesFail) {
  testing::MapFacts f(kSchema);
  f.set("营业收入[2023]", "100").set("营业收入[2024]", "110");
  // 100 * 1.1 is 110.00000000000001 in binary floating point.
  EXPECT_EQ(T("营业收入[2024] >= 营业收入[2023] * 1.1", f), kT);
  EXPECT_EQ(T("营业收入[2024] >= 营业收入[2023] * (1 + 10%)", f), kT);
  EXPECT_EQ(T("0.1 + 0.2 == 0.3", f), kT);
  f.set("营业收入[2024]", "7000000");
  EXPECT_EQ(T("营业收入[2024] == 0.07亿", f), kT);
  EXPECT_EQ(T("营业收入[2024] == 700万", f), kT);
  EXPECT_EQ(V("营业收入[2024] * 0.5%", f), "35000");
}

TEST(Evaluator, Periods) {
  testing::MapFacts f(kSchema);
  f.set("营业收入[2024]", "2100").set("营业收入[2023]", "2000");
  EXPECT_EQ(T("营业收入[上年度] > 营业收入[前年度]", f), kT);  // reference year 2025
  EXPECT_EQ(T("营业收入[本年度] > 0", f), kU);
  EXPECT_EQ(T("营业收入[2024] > 营业收入[2023]", f), kT);
}

TEST(Evaluator, SetsEmptyIsFalseMissingIsUnknown) {
  testing::MapFacts f(kSchema);
  EXPECT_EQ(T("\"高新技术企业\" in 资质", f), kU);
  EXPECT_EQ(T("exists(资质)", f), kF);
  f.set("资质", "");
  EXPECT_EQ(T("\"高新技术企业\" in 资质", f), kF);
  EXPECT_EQ(T("not \"高新技术企业\" in 资质", f), kT);
  EXPECT_EQ(T("exists(资质)", f), kT);
  f.set("资质", "高新技术企业|科技型中小企业");
  EXPECT_EQ(T("\"高新技术企业\" in 资质", f), kT);
  EXPECT_EQ(T("\"国家级专精特新小巨人\" in 资质", f), kF);
  EXPECT_EQ(T("企业名称 in 资质", f), kU);  // missing text on the left
}

TEST(Evaluator, InListsAndBetween) {
  testing::MapFacts f(kSchema);
  f.set("街道", "沙井").set("从业人数", "10").set("营业收入[2024]", "5");
  EXPECT_EQ(T("街道 in [\"沙井\", \"松岗\"]", f), kT);
  EXPECT_EQ(T("街道 in [\"新安\", \"松岗\"]", f), kF);
  EXPECT_EQ(T("街道 in []", f), kF);
  EXPECT_EQ(T("从业人数 in [1, 10.0]", f), kT);
  EXPECT_EQ(T("从业人数 in [营业收入[2023], 3]", f), kU);   // a missing element
  EXPECT_EQ(T("从业人数 in [营业收入[2023], 10]", f), kT);  // but a match decides
  EXPECT_EQ(T("从业人数 between 10 and 300", f), kT);       // inclusive
  EXPECT_EQ(T("从业人数 between 11 and 300", f), kF);
  EXPECT_EQ(T("从业人数 between 1 and 10", f), kT);
  EXPECT_EQ(T("从业人数 between 1 and 营业收入[2023]", f), kU);
  EXPECT_EQ(T("从业人数 between 20 and 营业收入[2023]", f), kF);  // one side false decides
  f.set("成立日期", "2020-05-01");
  EXPECT_EQ(T("成立日期 between date(\"2020-01-01\") and date(\"2020-12-31\")", f), kT);
}

TEST(Evaluator, EveryFunction) {
  testing::MapFacts f(kSchema);
  f.set("研发费用[2024]", "35000000").set("从业人数", "-7").set("行业代码", "3911");
  f.set("成立日期", "2019-07-01").set("规上企业", "true");
  EXPECT_EQ(V("min(研发费用[2024] * 10%, 200万)", f), "2000000");
  EXPECT_EQ(V("max(研发费用[2024] * 1%, 200万)", f), "2000000");
  EXPECT_EQ(V("min(研发费用[2024], 营业收入[2024])", f), "missing");
  EXPECT_EQ(V("max(1)", f), "1");
  EXPECT_EQ(V("abs(从业人数)", f), "7");
  EXPECT_EQ(V("round(1234.5678, 2)", f), "1234.57");
  EXPECT_EQ(V("round(1250, -2)", f), "1300");
  EXPECT_EQ(V("round(-2.5, 0)", f), "-3");
  EXPECT_EQ(V("years_since(成立日期)", f), "5");  // on 2025-06-30
  EXPECT_EQ(V("years_since(高新技术企业认定日期)", f), "missing");
  EXPECT_EQ(V("if(规上企业, 30万, 10万)", f), "300000");
  EXPECT_EQ(V("if(严重失信, 30万, 10万)", f), "missing");  // unknown condition
  EXPECT_EQ(V("if(not 规上企业, 研发费用[2023], 1)", f),
            "1");  // lazy: the other branch is not needed
  EXPECT_EQ(T("starts_with(行业代码, \"39\")", f), kT);
  EXPECT_EQ(T("starts_with(行业代码, \"38\")", f), kF);
  EXPECT_EQ(T("starts_with(企业名称, \"深圳\")", f), kU);
  EXPECT_EQ(T("exists(行业代码) and not exists(企业名称)", f), kT);
  EXPECT_EQ(T("成立日期 >= date(\"2019-01-01\")", f), kT);
  EXPECT_EQ(T("min(成立日期, date(\"2018-01-01\")) == date(\"2018-01-01\")", f), kT);
}

TEST(Evaluator, ConstantsAreFoldedAtPlanTime) {
  ProgramPtr p = P("营业收入[2024] >= 营业收入[2023] * (1 + 15%)");
  const Instr& cmp = p->instr(p->root());
  const Instr& mul = p->instr(p->children(cmp)[1]);
  const Instr& factor = p->instr(p->children(mul)[1]);
  EXPECT_EQ(factor.op, Op::kConst);
  EXPECT_EQ(p->constant(factor.constant).number, *Decimal::parse("1.15"));
  ProgramPtr q = P("years_since(date(\"2019-01-01\")) > 1");
  EXPECT_NE(q->instr(q->root()).op, Op::kConst);  // depends on the evaluation date
}

}  // namespace
}  // namespace zhida::rules
