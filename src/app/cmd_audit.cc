// zhida audit verify: recomputes the audit log's hash chain (SPEC C9) and
// reports the first bad or missing entry.
//
//   zhida audit verify --data data          exit 0: intact; 1: tampered; 2: cannot check
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "services/audit/audit.h"

namespace zhida::app {

void add_audit_command(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "审计日志");
  audit->require_subcommand(1);
  struct Opts {
    std::string data = "data";
    std::string db;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = audit->add_subcommand("verify", "校验审计日志的哈希链：报告第一条被修改或缺失的记录");
  cmd->add_option("--data", o->data, "数据目录（SQLite 数据库在其中）")->capture_default_str();
  cmd->add_option("--db", o->db, "数据库地址：sqlite:路径 或 postgresql://…（默认 DATA/zhida.db）");
  cmd->add_flag("--json", o->json, "以 JSON 输出结果");
  cmd->callback([o, &exit_code] {
    std::string url = o->db.empty() ? "sqlite:" + (std::filesystem::path(o->data) / "zhida.db").string() : o->db;
    if (o->db.empty() && !std::filesystem::exists(std::filesystem::path(o->data) / "zhida.db")) {
      fail(Error("audit.no_database", fmt::format("没有找到数据库 {}", url)), o->json);
      exit_code = 2;
      return;
    }
    auto c = services::verify_audit_database(url);
    if (!c.ok()) {
      fail(c.error(), o->json);
      exit_code = 2;
      return;
    }
    if (o->json) {
      nlohmann::json j = {{"ok", c->ok}, {"entries", c->entries}, {"last_seq", c->last_seq}};
      if (!c->ok) {
        j["bad_seq"] = c->bad_seq;
        j["problem"] = c->problem;
        j["message"] = c->message;
      }
      fmt::print("{}\n", j.dump());
    } else if (c->ok) {
      fmt::print("审计链完整：共 {} 条记录，哈希逐条核对无误（最后一条为第 {} 条）\n", c->entries, c->last_seq);
    } else {
      fmt::print("审计链已被破坏：{}\n", c->message);
    }
    exit_code = c->ok ? 0 : 1;
  });
}

}  // namespace zhida::app
