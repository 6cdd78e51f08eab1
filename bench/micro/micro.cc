// Micro-benchmarks of the evaluator's kernels (Google Benchmark), built on
// request: `make bench-micro`. They time the pieces the engine is made of on
// a generated district, so that a change to one kernel shows in isolation.
#include <benchmark/benchmark.h>

#include <random>

#include "base/decimal.h"
#include "match/engine.h"
#include "portrait/import.h"
#include "rules/rules.h"

using namespace zhida;

namespace {

// A district of `n` firms with the columns the kernels need.
std::unique_ptr<portrait::EnterpriseTable> district(int n) {
  std::mt19937 rng(7);
  std::string csv =
      "id:int,营业收入[2023]:money,营业收入[2024]:money,研发费用[2024]:money,注册地:enum,街道:enum,"
      "严重失信:bool,资质:set,成立日期:date\n";
  const char* streets[] = {"新安", "西乡", "航城", "福永", "福海",
                           "沙井", "新桥", "松岗", "燕罗", "石岩"};
  for (int i = 1; i <= n; ++i) {
    int64_t r23 = static_cast<int64_t>(rng() % 100000000);
    int64_t r24 = r23 * (80 + static_cast<int64_t>(rng() % 60)) / 100;
    csv += std::to_string(i) + "," + std::to_string(r23) + "," + std::to_string(r24) + "," +
           std::to_string(r24 * static_cast<int64_t>(rng() % 8) / 100) + "," +
           (rng() % 10 ? "宝安区" : "南山区") + "," + streets[rng() % 10] + "," +
           (rng() % 100 ? "false" : "true") + "," + (rng() % 4 ? "\"\"" : "高新技术企业") +
           ",2020-0" + std::to_string(1 + rng() % 9) + "-01\n";
  }
  std::unique_ptr<portrait::EnterpriseTable> t;
  portrait::ImportReport report;
  (void)portrait::import_csv_text(
      csv, {},
      [&](auto c) {
        t = std::make_unique<portrait::EnterpriseTable>(c);
        return Status::Ok();
      },
      [&](int64_t id, std::span<const portrait::FactCell> cells) {
        return portrait::apply_row(*t, id, cells);
      },
      &report);
  t->optimize();
  return t;
}

const portrait::EnterpriseTable& table() {
  static auto t = district(1 << 18);
  return *t;
}

std::shared_ptr<const portrait::Policy> policy(const std::string& rule,
                                               const std::string& award = "") {
  nlohmann::json j = {{"id", "P"}, {"name", "P"}, {"rule", rule}};
  if (!award.empty()) j["award"] = award;
  Issues issues;
  auto p = portrait::policy_from_json(j, table().catalog(), issues);
  return std::make_shared<const portrait::Policy>(std::move(*p));
}

void scan(benchmark::State& state, const std::string& rule, const std::string& award = "") {
  auto p = policy(rule, award);
  match::Engine engine(table(), {p}, {});
  for (auto _ : state) benchmark::DoNotOptimize(engine.scan(*p).match_count);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(table().rows()));
}

void BM_NumericThreshold(benchmark::State& s) {
  scan(s, "营业收入[2024] >= 2000万");
}
void BM_EnumEquals(benchmark::State& s) {
  scan(s, "注册地 == \"宝安区\"");
}
void BM_EnumInList(benchmark::State& s) {
  scan(s, "街道 in [\"沙井\", \"松岗\", \"燕罗\"]");
}
void BM_BoolNot(benchmark::State& s) {
  scan(s, "not 严重失信");
}
void BM_SetMember(benchmark::State& s) {
  scan(s, "\"高新技术企业\" in 资质");
}
void BM_DateCompare(benchmark::State& s) {
  scan(s, "成立日期 >= date(\"2020-05-01\")");
}
void BM_GrowthLinear(benchmark::State& s) {
  scan(s, "营业收入[2024] >= 营业收入[2023] * (1 + 15%)");
}
void BM_RatioCrossMultiplied(benchmark::State& s) {
  scan(s, "研发费用[2024] / 营业收入[2024] >= 3%");
}
void BM_AndShortCircuit(benchmark::State& s) {
  scan(s,
       "\"高新技术企业\" in 资质 and 营业收入[2024] >= 营业收入[2023] * (1 + 15%) and 注册地 == "
       "\"宝安区\"");
}
void BM_AwardMinLinear(benchmark::State& s) {
  scan(s, "注册地 == \"宝安区\"", "min(研发费用[2024] * 10%, 200万)");
}
void BM_AwardGeneric(benchmark::State& s) {
  scan(s, "注册地 == \"宝安区\"", "研发费用[2024] / 营业收入[2024] * 100万");
}

void BM_DecimalMul(benchmark::State& state) {
  Decimal a = *Decimal::parse("123456789.25"), b = *Decimal::parse("0.15");
  for (auto _ : state) benchmark::DoNotOptimize(mul(a, b));
}
void BM_DecimalDiv(benchmark::State& state) {
  Decimal a = *Decimal::parse("1234567"), b = *Decimal::parse("98765432");
  for (auto _ : state) benchmark::DoNotOptimize(div(a, b));
}

}  // namespace

BENCHMARK(BM_NumericThreshold);
BENCHMARK(BM_EnumEquals);
BENCHMARK(BM_EnumInList);
BENCHMARK(BM_BoolNot);
BENCHMARK(BM_SetMember);
BENCHMARK(BM_DateCompare);
BENCHMARK(BM_GrowthLinear);
BENCHMARK(BM_RatioCrossMultiplied);
BENCHMARK(BM_AndShortCircuit);
BENCHMARK(BM_AwardMinLinear);
BENCHMARK(BM_AwardGeneric);
BENCHMARK(BM_DecimalMul);
BENCHMARK(BM_DecimalDiv);
BENCHMARK_MAIN();
