// zhida-bench: the engine's figures on a workload, as one JSON object.
//
//   build/zhida-bench --workload DIR [--repeat 5] [--single 1000] [--sandbox P0001] [--check
//   out.json]
//
// load_s        reading enterprises.csv into the columnar table
// full_s        every policy against every enterprise (best of --repeat runs)
// pairs_per_s   enterprises × policies / full_s
// single_us     one enterprise against every policy: median over --single firms
// sandbox_ms    one policy (a fresh plan, as for an edited draft) against every
//               enterprise, with match count, award sum and the street breakdown
// peak_rss_mb, table_mb, bytes_per_firm
//
// Used by scripts/bench.sh, which runs the anchors in the same run.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "match/engine.h"
#include "match/reference.h"
#include "portrait/import.h"
#include "portrait/policy.h"

using namespace zhida;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

static double peak_rss_mb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

int main(int argc, char** argv) {
  std::string workload, check_out, sandbox_policy;
  int repeat = 5, single = 1000;
  bool reference = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--workload")
      workload = next();
    else if (a == "--repeat")
      repeat = std::stoi(next());
    else if (a == "--single")
      single = std::stoi(next());
    else if (a == "--sandbox")
      sandbox_policy = next();
    else if (a == "--out")
      check_out = next();
    else if (a == "--reference")
      reference = true;
    else {
      fmt::print(stderr,
                 "usage: zhida-bench --workload DIR [--repeat N] [--single N] [--sandbox PID] "
                 "[--out FILE]\n");
      return 2;
    }
  }
  if (workload.empty()) {
    fmt::print(stderr, "zhida-bench: --workload DIR is required\n");
    return 2;
  }
  nlohmann::json out;
  auto t0 = Clock::now();
  portrait::ImportReport report;
  auto table = portrait::load_enterprises(workload + "/enterprises.csv", {}, &report);
  if (!table.ok()) {
    fmt::print(stderr, "zhida-bench: {}\n", table.error().message);
    return 1;
  }
  out["load_s"] = since(t0);
  out["rows"] = (*table)->rows();
  Issues issues;
  auto policies =
      portrait::load_policies(workload + "/policies.json", (*table)->catalog(), &issues);
  if (!policies.ok()) {
    fmt::print(stderr, "zhida-bench: {}\n", policies.error().message);
    return 1;
  }
  std::vector<std::shared_ptr<const portrait::Policy>> shared;
  for (auto& p : *policies) shared.push_back(std::make_shared<const portrait::Policy>(p));
  rules::EvalContext ctx{0};
  out["policies"] = shared.size();

  auto tp = Clock::now();
  match::Engine engine(**table, shared, ctx);
  out["plan_s"] = since(tp);
  out["nodes"] = engine.stats().nodes;
  out["shared_uses"] = engine.stats().shared_uses;
  out["generic_nodes"] = engine.stats().generic_nodes;

  std::vector<match::PolicyCount> counts;
  double best = 1e30;
  for (int r = 0; r < std::max(1, repeat); ++r) {
    auto t = Clock::now();
    counts = reference ? match::match_reference(**table, *policies, ctx) : engine.match_all();
    best = std::min(best, since(t));
  }
  double pairs = static_cast<double>((*table)->rows()) * static_cast<double>(shared.size());
  out["full_s"] = best;
  out["repeat"] = repeat;
  out["single_n"] = single;
  out["pairs_per_s"] = pairs / best;
  if (!check_out.empty()) {
    std::ofstream f(check_out);
    f << match::counts_to_json(counts);
  }

  // One firm against every policy: median over a spread of firms.
  std::vector<double> us;
  std::vector<match::Engine::RowResult> rr;
  size_t n = (*table)->rows();
  for (int i = 0; i < single && n > 0; ++i) {
    size_t row = static_cast<size_t>(i) * n / static_cast<size_t>(single);
    auto t = Clock::now();
    engine.match_row(row, rr);
    us.push_back(since(t) * 1e6);
  }
  std::sort(us.begin(), us.end());
  out["single_us"] = us.empty() ? 0 : us[us.size() / 2];
  out["single_p99_us"] = us.empty() ? 0 : us[us.size() * 99 / 100];

  // The sandbox: one policy, planned afresh, against every firm, with the
  // street breakdown of the matches.
  const portrait::Policy* sp = &*policies->begin();
  for (const auto& p : *policies)
    if (p.id == sandbox_policy) sp = &p;
  const portrait::Attribute* street = (*table)->catalog().attribute("街道");
  const portrait::Column* street_col =
      street ? (*table)->column(rules::AttrRef{street->id, 0}) : nullptr;
  std::vector<double> ms;
  int64_t sandbox_match = 0;
  for (int r = 0; r < 7; ++r) {
    auto t = Clock::now();
    auto scan = engine.scan(*sp);
    std::vector<int64_t> by_street(street_col ? street_col->dict().size() + 1 : 1, 0);
    std::vector<int128_t> award_by_street(by_street.size(), 0);
    for (const auto& [row, fen] : scan.awards_fen) {
      size_t k =
          street_col && street_col->is_valid(row) ? street_col->codes()[row] : by_street.size() - 1;
      ++by_street[k];
      award_by_street[k] += fen;
    }
    ms.push_back(since(t) * 1e3);
    sandbox_match = scan.match_count;
  }
  std::sort(ms.begin(), ms.end());
  out["sandbox_policy"] = sp->id;
  out["sandbox_ms"] = ms[ms.size() / 2];
  out["sandbox_match"] = sandbox_match;

  out["table_mb"] = static_cast<double>((*table)->memory_bytes()) / 1048576.0;
  out["bytes_per_firm"] =
      n ? static_cast<double>((*table)->memory_bytes()) / static_cast<double>(n) : 0;
  out["peak_rss_mb"] = peak_rss_mb();
  fmt::print("{}\n", out.dump());
  return 0;
}
