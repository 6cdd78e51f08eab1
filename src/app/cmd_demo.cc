// zhida demo: the platform on a generated Bao'an-like district.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "app/serve.h"
#include "services/demo/corpus.h"
#include "services/demo/history.h"
#include "services/demo/install.h"
#include "services/services.h"

namespace zhida::app {
namespace {

namespace fs = std::filesystem;

// [{username, password, role, enterprise_id}] (other tools rely on this shape),
// with display name, department and the firm's scenario as extras.
nlohmann::json accounts_array(const nlohmann::json& saved) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : saved["accounts"])
    out.push_back({{"username", a["username"]},
                   {"password", a["password"]},
                   {"role", a["role"]},
                   {"enterprise_id", a["enterprise_id"]},
                   {"display_name", a.value("display_name", "")},
                   {"department", a.value("department", "")},
                   {"scenario", a.value("scenario", "")}});
  return out;
}

Result<nlohmann::json> accounts_without_database(int64_t n, uint64_t seed) {
  auto catalog = services::demo::load_demo_catalog();
  if (!catalog.ok()) return catalog.error();
  auto policies = services::demo::load_demo_policies(**catalog);
  if (!policies.ok()) return policies.error();
  auto table = services::demo::generate_table(*catalog, {seed, n});
  if (!table.ok()) return table.error();
  auto firms = services::demo::choose_demo_enterprises(**table, *policies, {services::demo::demo_today()});
  auto accounts = services::demo::demo_accounts(**table, *policies, firms);
  return services::demo::accounts_to_json(accounts, firms);
}

// The demo accounts of an installed district: as saved at install time
// (DATA/demo-accounts.json), or chosen again from the platform's firms (the
// choice is deterministic) when the file is gone.
Result<std::vector<services::demo::DemoAccount>> accounts_on_platform(services::Platform& platform,
                                                                      const fs::path& saved_file) {
  std::vector<services::demo::DemoAccount> accounts;
  if (fs::exists(saved_file)) {
    std::ifstream in(saved_file);
    auto saved = nlohmann::json::parse(in, nullptr, false);
    if (!saved.is_object() || !saved.contains("accounts") || !saved["accounts"].is_array())
      return Error("demo.bad_accounts_file", fmt::format("演示账户文件 {} 已损坏：删除它后重新运行", saved_file.string()));
    for (const auto& a : saved["accounts"]) {
      services::demo::DemoAccount d;
      d.username = a.value("username", "");
      d.password = a.value("password", "");
      d.role = a.value("role", "");
      d.display_name = a.value("display_name", "");
      d.enterprise_id = a.value("enterprise_id", int64_t{0});
      d.department = a.value("department", "");
      d.scenario = a.value("scenario", "");
      d.policy_id = a.value("policy_id", "");
      accounts.push_back(std::move(d));
    }
    return accounts;
  }
  auto catalog = services::demo::load_demo_catalog();
  if (!catalog.ok()) return catalog.error();
  auto policies = services::demo::load_demo_policies(**catalog);
  if (!policies.ok()) return policies.error();
  platform.read([&](const portrait::EnterpriseTable& t) {
    auto firms = services::demo::choose_demo_enterprises(t, *policies, {platform.clock().today()});
    accounts = services::demo::demo_accounts(t, *policies, firms);
    return 0;
  });
  return accounts;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  struct Opts : ServeOptions {
    int64_t n = 200000;
    uint64_t seed = 1;
    bool print_accounts = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("demo", "在生成的宝安演示区上启动平台（首次运行时生成数据，之后复用）");
  cmd->add_option("--host", o->host, "监听地址")->capture_default_str();
  cmd->add_option("--port", o->port, "端口")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--data", o->data, "数据目录（第二次运行复用其中的数据）")->capture_default_str();
  cmd->add_option("--db", o->db, "数据库地址（默认 DATA/zhida.db）");
  cmd->add_option("--static", o->static_dir, "网页文件目录（默认 web/dist）");
  cmd->add_option("--n", o->n, "企业数")->capture_default_str()->check(CLI::Range(int64_t{100}, int64_t{5000000}));
  cmd->add_option("--seed", o->seed, "随机种子")->capture_default_str();
  cmd->add_flag("--print-accounts", o->print_accounts,
                "以 JSON 数组输出演示账号 {username, password, role, enterprise_id} 后退出");
  cmd->callback([o, &exit_code] {
    fs::path accounts_file = fs::path(o->data) / "demo-accounts.json";
    if (o->print_accounts) {
      nlohmann::json saved;
      if (fs::exists(accounts_file)) {
        std::ifstream in(accounts_file);
        saved = nlohmann::json::parse(in, nullptr, false);
      } else {
        auto made = accounts_without_database(o->n, o->seed);
        if (!made.ok()) {
          exit_code = fail(made.error());
          return;
        }
        saved = *made;
      }
      fmt::print("{}\n", accounts_array(saved).dump(2));
      return;
    }
    // The demo lives on its own calendar: its "today" is the day the corpus
    // was written for, and time passes from there.
    if (!o->clock) o->clock = services::OffsetClock::with_today(services::demo::demo_today());
    services::PlatformOptions popts;
    popts.db_url = database_url(*o);
    popts.clock = o->clock;
    popts.migrations = services::service_migrations();
    fs::create_directories(o->data);
    auto platform = services::Platform::open(popts);
    if (!platform.ok()) {
      exit_code = fail(platform.error());
      return;
    }
    if (!services::demo::installed(**platform)) {
      spdlog::info("首次运行：生成宝安演示区（{} 家企业）……", o->n);
      services::demo::InstallOptions iopts;
      iopts.seed = o->seed;
      iopts.n = o->n;
      iopts.progress = [](const std::string& s) { spdlog::info("{}", s); };
      auto done = services::demo::install(**platform, iopts);
      if (!done.ok()) {
        exit_code = fail(done.error());
        return;
      }
      nlohmann::json saved = services::demo::accounts_to_json(done->accounts, done->enterprises);
      std::ofstream out(accounts_file);
      out << saved.dump(2) << "\n";
    }
    // The demo accounts (every role, and the users of the demo firms): made
    // on the first run, and again if someone deleted one; the login page
    // lists them (GET /api/v1/meta).
    auto saved = accounts_on_platform(**platform, accounts_file);
    if (!saved.ok()) {
      exit_code = fail(saved.error());
      return;
    }
    o->demo_accounts = *saved;
    o->on_services = [&](services::Services& svc) -> Status {
      auto made = svc.accounts->ensure_demo_accounts(*saved);
      if (!made.ok()) return made.error();
      if (*made > 0) spdlog::info("已创建 {} 个演示账户（密码均为 {}）", *made, services::demo::kDemoPassword);
      // A history of applications (only into a database that has none), so
      // the dashboards, queues, publicity lists and batches are not empty.
      services::demo::HistoryOptions hopts;
      hopts.seed = o->seed;
      hopts.progress = [](const std::string& s) { spdlog::info("{}", s); };
      auto history = services::demo::seed_history(svc, *saved, hopts);
      if (!history.ok())
        spdlog::warn("生成申报历史失败（平台照常启动）：{}", history.error().message);
      else if (!history->skipped)
        spdlog::info("{}", history->text());
      return Status::Ok();
    };
    exit_code = run_server(**platform, *o);
  });
}

}  // namespace zhida::app
