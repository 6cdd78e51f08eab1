// zhida gen-district: writes the demo district (a Bao'an-like district) to a
// folder: enterprises.csv, catalog.json, policies.json, accounts.json, so
// that `zhida match` and `zhida explain` run on it.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "portrait/import.h"
#include "services/demo/accounts.h"
#include "services/demo/corpus.h"
#include "services/demo/generator.h"

namespace zhida::app {
namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Status write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return Error("io.write_failed", fmt::format("无法写入 {}", path.string()));
  return Status::Ok();
}

Status run(int64_t n, uint64_t seed, const std::string& dir, bool time_only) {
  namespace demo = services::demo;
  auto catalog = demo::load_demo_catalog();
  if (!catalog.ok()) return catalog.error();
  auto policies = demo::load_demo_policies(**catalog);
  if (!policies.ok()) return policies.error();
  demo::GeneratorOptions opt{seed, n};

  if (time_only) {
    auto t0 = std::chrono::steady_clock::now();
    size_t cells = 0;
    ZHIDA_TRY(demo::generate(**catalog, opt, [&](int64_t, std::span<const portrait::FactCell> c) {
      cells += c.size();
      return Status::Ok();
    }));
    fmt::print(stderr, "生成 {} 家企业（{} 个数据项）用时 {:.2f} 秒（未写文件）\n", n, cells,
               since(t0));
    return Status::Ok();
  }

  std::error_code ec;
  std::filesystem::path out(dir);
  std::filesystem::create_directories(out, ec);
  if (ec) return Error("io.mkdir_failed", fmt::format("无法创建目录 {}：{}", dir, ec.message()));
  std::ofstream csv(out / "enterprises.csv", std::ios::binary);
  if (!csv)
    return Error("io.write_failed", fmt::format("无法写入 {}", (out / "enterprises.csv").string()));

  auto t0 = std::chrono::steady_clock::now();
  portrait::EnterpriseTable table(*catalog);
  table.reserve(static_cast<size_t>(n));
  std::string buf = demo::csv_header(**catalog);
  Status st =
      demo::generate(**catalog, opt, [&](int64_t id, std::span<const portrait::FactCell> c) {
        demo::append_csv_row(buf, id, c);
        if (buf.size() > (8u << 20)) {
          csv.write(buf.data(), static_cast<std::streamsize>(buf.size()));
          buf.clear();
        }
        return portrait::apply_row(table, id, c);
      });
  if (!st.ok()) return st;
  csv.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  csv.close();
  if (!csv) return Error("io.write_failed", "写入 enterprises.csv 失败");
  table.optimize();
  double gen_s = since(t0);

  ZHIDA_TRY(write_file(out / "catalog.json", demo::demo_catalog_json()));
  ZHIDA_TRY(write_file(out / "policies.json", demo::demo_policies_json()));
  auto t1 = std::chrono::steady_clock::now();
  auto firms =
      demo::choose_demo_enterprises(table, *policies, rules::EvalContext{demo::demo_today()});
  auto accounts = demo::demo_accounts(table, *policies, firms);
  ZHIDA_TRY(
      write_file(out / "accounts.json", demo::accounts_to_json(accounts, firms).dump(2) + "\n"));
  fmt::print(stderr,
             "已生成演示区：{} 家企业、{} 项政策、{} 个账户，写入 {}\n"
             "  生成并写入 enterprises.csv 用时 {:.2f} 秒，挑选演示企业用时 {:.2f} 秒\n",
             n, policies->size(), accounts.size(), dir, gen_s, since(t1));
  for (const auto& f : firms)
    fmt::print(stderr, "  演示企业 {:>7} {}：{}（{}）\n", f.id, f.name,
               demo::scenario_zh(f.scenario), f.policy_id);
  return Status::Ok();
}

}  // namespace

void add_gen_district_command(CLI::App& app, int& exit_code) {
  struct Opts {
    int64_t n = 200000;
    uint64_t seed = 1;
    std::string out;
    bool time_only = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "gen-district",
      "生成演示区（类宝安区）：enterprises.csv、catalog.json、policies.json、accounts.json");
  cmd->add_option("--n", o->n, "企业数（默认 200000）")
      ->check(CLI::Range(int64_t{1}, int64_t{50000000}));
  cmd->add_option("--seed", o->seed, "随机种子：同一种子生成完全相同的数据（默认 1）");
  cmd->add_option("--out", o->out, "输出目录");
  cmd->add_flag("--time-only", o->time_only, "只计时生成，不写文件");
  cmd->callback([o, &exit_code] {
    if (o->out.empty() && !o->time_only) {
      exit_code = fail(Error("cli.missing_option", "需要输出目录 --out DIR"));
      return;
    }
    Status st = run(o->n, o->seed, o->out, o->time_only);
    if (!st.ok()) exit_code = fail(st.error());
  });
}

}  // namespace zhida::app
