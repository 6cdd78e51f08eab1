// zhida match: every policy against every enterprise (政策找企业, in bulk).
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "base/format.h"
#include "match/engine.h"
#include "match/reference.h"

namespace zhida::app {
namespace {

double peak_rss_mb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

void add_match_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string enterprises, policies, out, catalog, as_of;
    bool json = false, stats = false, reference = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("match", "每项政策与每家企业匹配：符合、可能符合的企业数和奖励合计");
  cmd->add_option("--enterprises", o->enterprises, "企业数据（CSV 或 JSON）")->required();
  cmd->add_option("--policies", o->policies, "政策文件（JSON）")->required();
  cmd->add_option("--out", o->out, "把结果写成 JSON 数组（anchors.mjs --check 读取的格式）");
  cmd->add_option("--catalog", o->catalog, "数据目录文件（可选）");
  cmd->add_option("--as-of", o->as_of, "评估日期 YYYY-MM-DD（years_since 用），默认今天");
  cmd->add_flag("--json", o->json, "结果以 JSON 输出到标准输出");
  cmd->add_flag("--stats", o->stats,
                "在标准错误输出一行 JSON：load_s, match_s, pairs_per_s, peak_rss_mb");
  cmd->callback([o, &exit_code] {
    Issues issues;
    auto today = evaluation_date(o->as_of);
    if (!today.ok()) {
      exit_code = fail(today.error(), o->json);
      return;
    }
    auto w = load_workload(o->enterprises, o->policies, o->catalog, o->stats && o->json, o->json,
                           &issues);
    if (!w.ok()) {
      exit_code = fail(w.error(), o->json, issues);
      return;
    }
    rules::EvalContext ctx{*today};
    std::vector<std::shared_ptr<const portrait::Policy>> shared;
    for (auto& p : w->policies) shared.push_back(std::make_shared<const portrait::Policy>(p));
    auto t_plan = std::chrono::steady_clock::now();
    std::unique_ptr<match::Engine> engine;
    if (!o->reference) engine = std::make_unique<match::Engine>(*w->table, shared, ctx);
    double plan_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_plan).count();
    auto t0 = std::chrono::steady_clock::now();
    auto counts =
        engine ? engine->match_all() : match::match_reference(*w->table, w->policies, ctx);
    double match_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string json = match::counts_to_json(counts);
    if (!o->out.empty()) {
      std::ofstream out(o->out);
      out << json;
      if (!out) {
        exit_code = fail(Error("io.write_failed", fmt::format("无法写入 {}", o->out)), o->json);
        return;
      }
    }
    if (o->json) {
      fmt::print("{}", json);
    } else if (o->out.empty()) {
      fmt::print("{:<8} {:>10} {:>10} {:>16}  {}\n", "政策", "符合", "可能符合", "奖励合计",
                 "名称");
      for (size_t i = 0; i < counts.size(); ++i) {
        const auto& c = counts[i];
        fmt::print("{:<8} {:>12} {:>12} {:>16}  {}\n", c.policy,
                   format_grouped(Decimal::from_int(c.match)),
                   format_grouped(Decimal::from_int(c.possible)), format_amount(c.award_sum),
                   w->policies[i].name);
      }
    } else {
      fmt::print(stderr, "已把 {} 项政策的匹配结果写入 {}\n", counts.size(), o->out);
    }
    if (o->stats) {
      double pairs =
          static_cast<double>(w->table->rows()) * static_cast<double>(w->policies.size());
      nlohmann::json s = {{"load_s", w->load_s},
                          {"match_s", match_s},
                          {"pairs_per_s", match_s > 0 ? pairs / match_s : 0},
                          {"peak_rss_mb", peak_rss_mb()},
                          {"rows", w->table->rows()},
                          {"policies", w->policies.size()},
                          {"memory_mb", static_cast<double>(w->table->memory_bytes()) / 1048576.0},
                          {"plan_s", plan_s},
                          {"engine", engine ? "engine" : "reference"}};
      if (engine) {
        s["nodes"] = engine->stats().nodes;
        s["shared_uses"] = engine->stats().shared_uses;
        s["generic_nodes"] = engine->stats().generic_nodes;
      }
      fmt::print(stderr, "{}\n", s.dump());
    }
  });
}

}  // namespace zhida::app
