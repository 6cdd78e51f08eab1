// Golden tests: a rule and an enterprise's facts in, the explanation text
// out. Each file in testdata/explain/ has three sections:
//
//   # rule            the rule (reference year 2025)
//   # facts           one "名称[年度] = 值" per line; a name alone with no "=" is missing
//   # expect          the explanation as render() prints it
//
// ZHIDA_UPDATE_GOLDEN=1 rewrites the expect sections from the output.
#include "rules/runtime/explain.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/rules.h"
#include "rules/testing.h"

namespace zhida::rules {
namespace {

namespace fs = std::filesystem;

struct Golden {
  std::string rule, facts, expect;
};

Golden read_golden(const fs::path& p) {
  std::ifstream in(p);
  Golden g;
  std::string line, *section = nullptr;
  while (std::getline(in, line)) {
    if (line == "# rule")
      section = &g.rule;
    else if (line == "# facts")
      section = &g.facts;
    else if (line == "# expect")
      section = &g.expect;
    else if (section)
      *section += line + "\n";
  }
  return g;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

TEST(Explain, GoldenFiles) {
  testing::MapSchema schema;
  fs::path dir = fs::path(ZHIDA_SOURCE_DIR) / "src/rules/testdata/explain";
  bool update = std::getenv("ZHIDA_UPDATE_GOLDEN") != nullptr;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    ++count;
    Golden g = read_golden(entry.path());
    Compiled c = compile(g.rule, schema, CheckOptions{RuleKind::kCondition, 2025});
    ASSERT_TRUE(c.ok()) << entry.path() << "\n" << render_issues(c.issues);
    testing::MapFacts facts(schema);
    std::istringstream lines(g.facts);
    std::string line;
    while (std::getline(lines, line)) {
      size_t eq = line.find('=');
      if (trim(line).empty() || eq == std::string::npos) continue;
      facts.set(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
    std::string got =
        render(explain(*c.program, facts, EvalContext{*parse_date("2025-06-30")}, schema));
    if (update) {
      std::ofstream out(entry.path());
      out << "# rule\n" << g.rule << "# facts\n" << g.facts << "# expect\n" << got;
      continue;
    }
    EXPECT_EQ(got, g.expect) << "golden file " << entry.path().filename();
  }
  EXPECT_GE(count, 6);
}

TEST(Explain, MissingFactsListedOnlyForUnknownVerdicts) {
  testing::MapSchema schema;
  Compiled c = compile("营业收入[2024] >= 2000万 and 注册地 == \"宝安区\"", schema, CheckOptions{});
  ASSERT_TRUE(c.ok());
  testing::MapFacts f(schema);
  f.set("注册地", "宝安区");
  Explanation e = explain(*c.program, f, EvalContext{}, schema);
  EXPECT_EQ(e.verdict, Tri::kUnknown);
  ASSERT_EQ(e.missing.size(), 1u);
  EXPECT_EQ(e.missing[0].name, "营业收入[2024]");
  f.set("注册地", "南山区");
  e = explain(*c.program, f, EvalContext{}, schema);
  EXPECT_EQ(e.verdict, Tri::kFalse);
  EXPECT_TRUE(e.missing.empty());
  ASSERT_EQ(e.conditions.size(), 2u);
  EXPECT_EQ(e.conditions[0].result, Tri::kUnknown);
  EXPECT_EQ(e.conditions[1].result, Tri::kFalse);
}

TEST(Explain, DistanceOfAFailedComparison) {
  testing::MapSchema schema;
  Compiled c = compile("营业收入[2024] >= 2000万", schema, CheckOptions{});
  testing::MapFacts f(schema);
  f.set("营业收入[2024]", "18500000");
  Explanation e = explain(*c.program, f, EvalContext{}, schema);
  ASSERT_EQ(e.conditions.size(), 1u);
  ASSERT_EQ(e.conditions[0].evidence.size(), 1u);
  const Evidence& ev = e.conditions[0].evidence[0];
  EXPECT_EQ(ev.text, "营业收入[2024] 为 1850万，需 ≥ 2000万，差 150万");
  ASSERT_TRUE(ev.gap);
  EXPECT_EQ(*ev.gap, Decimal::from_int(1500000));
}

TEST(Explain, AFunctionShowsTheFactsItRead) {
  testing::MapSchema schema;
  schema.add("证书编号", Type::kString, false);
  Compiled c = compile("starts_with(证书编号, \"GR2024\")", schema, CheckOptions{});
  ASSERT_TRUE(c.program) << c.issues.size();
  testing::MapFacts f(schema);
  f.set("证书编号", "GR202344201234");
  Explanation e = explain(*c.program, f, EvalContext{}, schema);
  ASSERT_EQ(e.conditions.size(), 1u);
  ASSERT_EQ(e.conditions[0].evidence.size(), 1u);
  EXPECT_EQ(e.conditions[0].evidence[0].text,
            "starts_with(证书编号, \"GR2024\") 为 否（证书编号 为 “GR202344201234”）");
}

TEST(Explain, ARatioAgainstAPercentageReadsAsOne) {
  testing::MapSchema schema;
  Compiled c = compile("研发费用[2024] / 营业收入[2024] >= 3%", schema, CheckOptions{});
  testing::MapFacts f(schema);
  f.set("研发费用[2024]", "500000");
  f.set("营业收入[2024]", "20000000");
  Explanation e = explain(*c.program, f, EvalContext{}, schema);
  ASSERT_EQ(e.conditions.size(), 1u);
  ASSERT_EQ(e.conditions[0].evidence.size(), 1u);
  EXPECT_EQ(e.conditions[0].evidence[0].text,
            "研发费用[2024] / 营业收入[2024] 为 2.5%，需 ≥ 3%，差 0.5 个百分点");
  f.set("研发费用[2024]", "830000");
  e = explain(*c.program, f, EvalContext{}, schema);
  EXPECT_EQ(e.conditions[0].evidence[0].text, "研发费用[2024] / 营业收入[2024] 为 4.15%，需 ≥ 3%");
}

}  // namespace
}  // namespace zhida::rules
