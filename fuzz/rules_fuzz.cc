// libFuzzer target: the rule language end to end. Any input, as a rule text,
// is parsed, checked against a catalog with every type, planned, printed and
// re-parsed (the canonical text must parse to the same canonical text), and
// evaluated on a few enterprises (with missing values, zeros, sets). Nothing
// may crash, leak or hit undefined behaviour; a checked rule never fails at
// run time.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/rules.h"
#include "rules/syntax/parser.h"
#include "rules/testing.h"

using namespace zhida;
using namespace zhida::rules;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static testing::MapSchema schema;
  static testing::MapFacts* facts[3] = {nullptr, nullptr, nullptr};
  if (!facts[0]) {
    facts[0] = new testing::MapFacts(schema);
    facts[1] = new testing::MapFacts(schema);
    facts[1]
        ->set("营业收入[2024]", "0")
        .set("营业收入[2023]", "-5")
        .set("从业人数", "0")
        .set("资质", "");
    facts[1]->set("注册地", "宝安区").set("严重失信", "false").set("成立日期", "2024-02-29");
    facts[2] = new testing::MapFacts(schema);
    facts[2]
        ->set("营业收入[2024]", "99999999999999999")
        .set("研发费用[2024]", "0.000000000000000001");
    facts[2]
        ->set("办公面积", "-12.5")
        .set("资质", "高新技术企业|科技型中小企业")
        .set("行业代码", "3911");
  }
  std::string text(reinterpret_cast<const char*>(data), size);
  for (RuleKind kind : {RuleKind::kCondition, RuleKind::kValue}) {
    Compiled c = compile(text, schema, CheckOptions{kind, 2025});
    for (const Issue& i : c.issues) {
      if (i.line < 1 || i.column < 1) __builtin_trap();  // every issue has a position
    }
    if (!c.ok()) continue;
    // The canonical text is stable.
    Compiled again = compile(c.program->normalized(), schema, CheckOptions{kind, 2025});
    if (!again.ok() || again.program->normalized() != c.program->normalized()) __builtin_trap();
    for (auto* f : facts) {
      EvalContext ctx{20000};
      if (kind == RuleKind::kCondition) {
        Tri t = evaluate_condition(*c.program, *f, ctx);
        Explanation e = explain(*c.program, *f, ctx, schema);
        if (e.verdict != t) __builtin_trap();
        (void)render(e);
      } else {
        (void)evaluate_value(*c.program, *f, ctx);
      }
    }
  }
  return 0;
}
