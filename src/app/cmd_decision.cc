// zhida decision verify ID: checks every decision of an application — the
// stored record against its SHA-256, and the record's result against a
// replay of the cited policy version's rules on the recorded facts.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "app/serve.h"
#include "services/applications/applications.h"
#include "services/services.h"
#include "store/db.h"
#include "store/portrait_store.h"

namespace zhida::app {

namespace {

struct VerifyOptions {
  int64_t application_id = 0;
  std::string data = "data";
  std::string db;
  bool json = false;
};

int verify(const VerifyOptions& o) {
  auto error = [&](const Error& e) {
    fail(e, o.json);
    return 2;
  };
  ServeOptions so;
  so.data = o.data;
  so.db = o.db;
  std::string url = database_url(so);
  if (url.rfind("sqlite:", 0) == 0 && !std::filesystem::exists(url.substr(7)))
    return error(Error("io.not_found", fmt::format("没有找到数据库 {}", url.substr(7))));
  store::Options opts;
  opts.migrate = false;  // read only: never change the schema of the database checked
  opts.pool_size = 1;
  auto db = store::Database::open(url, std::move(opts));
  if (!db.ok()) return error(db.error());
  auto checks = services::verify_application_decisions(**db, o.application_id);
  if (!checks.ok()) return error(checks.error());
  bool all = !checks->empty();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *checks) {
    all = all && c.report.ok();
    out.push_back({{"decision_id", c.decision_id},
                   {"kind", c.kind},
                   {"outcome", c.outcome},
                   {"ok", c.report.ok()},
                   {"hash_ok", c.report.hash_ok},
                   {"policy_ok", c.report.policy_ok},
                   {"replay_ok", c.report.replay_ok},
                   {"problems", c.report.problems}});
  }
  if (o.json) {
    std::cout << nlohmann::json{{"application_id", o.application_id},
                                {"ok", all},
                                {"decisions", out}}
                     .dump(2)
              << "\n";
  } else {
    if (checks->empty()) std::cout << fmt::format("申请 {} 还没有任何决定\n", o.application_id);
    for (const auto& c : *checks) {
      std::cout << fmt::format("决定 #{}（{}，{}）：{}\n", c.decision_id, c.kind, c.outcome,
                               c.report.ok() ? "核验通过" : "核验不通过");
      std::cout << fmt::format("  哈希 {}  政策版本 {}  重算 {}\n", c.report.hash_ok ? "✓" : "✗",
                               c.report.policy_ok ? "✓" : "✗", c.report.replay_ok ? "✓" : "✗");
      for (const auto& p : c.report.problems) std::cout << "  - " << p << "\n";
    }
  }
  return all ? 0 : 1;
}

}  // namespace

void add_decision_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("decision", "决策记录：核验");
  cmd->require_subcommand(1);
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* v = cmd->add_subcommand(
      "verify",
      "核验一件申请的每次决定：按记录的政策版本与数据重算，并核对哈希（通过 0，不通过 1，出错 2）");
  v->add_option("id", o->application_id, "申请编号")->required()->check(CLI::PositiveNumber);
  v->add_option("--data", o->data, "数据目录（SQLite 数据库在其中）")->capture_default_str();
  v->add_option("--db", o->db, "数据库地址：sqlite:路径 或 postgresql://…（默认 DATA/zhida.db）");
  v->add_flag("--json", o->json, "以 JSON 输出");
  v->callback([o, &exit_code] {
    int rc = verify(*o);
    exit_code = rc;
  });
}

}  // namespace zhida::app
