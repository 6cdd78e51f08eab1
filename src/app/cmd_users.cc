// zhida users: accounts from the command line (the first data steward of a
// new deployment is made here).
//
//   echo 'S3cret2026' | zhida users add --data data --username data1 --role data_steward
//   zhida users list --data data [--role reviewer] [--json]
//   zhida users passwd --data data --username data1          (new password on stdin)
//   zhida users deactivate|activate --data data --username ent1.agent
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "app/commands.h"
#include "services/accounts/accounts.h"
#include "services/services.h"
#include "store/portrait_store.h"

namespace zhida::app {
namespace {

struct DbOpts {
  std::string data = "data";
  std::string db;
  std::string url() const {
    return db.empty() ? "sqlite:" + (std::filesystem::path(data) / "zhida.db").string() : db;
  }
};

void add_db_options(CLI::App* cmd, DbOpts& o) {
  cmd->add_option("--data", o.data, "数据目录（SQLite 数据库在其中）")->capture_default_str();
  cmd->add_option("--db", o.db, "数据库地址：sqlite:路径 或 postgresql://…（默认 DATA/zhida.db）");
}

// The platform's database with every migration applied (as zhida serve opens it).
Result<std::unique_ptr<store::Database>> open_db(const DbOpts& o) {
  store::Options opts;
  opts.pool_size = 1;
  opts.migrations.push_back(store::portrait_migrations());
  for (auto& m : services::service_migrations()) opts.migrations.push_back(std::move(m));
  return store::Database::open(o.url(), std::move(opts));
}

// The password from --password, or the first line of standard input.
Result<std::string> read_password(const std::string& given, const char* prompt) {
  if (!given.empty()) return given;
  if (isatty(STDIN_FILENO)) fmt::print(stderr, "{}", prompt);
  std::string line;
  if (!std::getline(std::cin, line)) return Error("cli.no_password", "没有读到密码（用 --password 或从标准输入给出）");
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

int run_with_accounts(const DbOpts& o, const std::function<int(services::Accounts&)>& fn) {
  auto db = open_db(o);
  if (!db.ok()) return fail(db.error());
  services::Accounts accounts(**db, std::make_shared<services::Clock>());
  return fn(accounts);
}

}  // namespace

void add_users_command(CLI::App& app, int& exit_code) {
  CLI::App* users = app.add_subcommand("users", "用户账户：新建、列出、重置密码、停用");
  users->require_subcommand(1);

  {
    struct Opts : DbOpts {
      std::string username, role, display_name, department, phone, password;
      int64_t enterprise = 0;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = users->add_subcommand("add", "新建用户（密码从标准输入读取，或用 --password）");
    add_db_options(cmd, *o);
    cmd->add_option("--username", o->username, "用户名（英文字母、数字和 . _ - @）")->required();
    cmd->add_option("--role", o->role,
                    "角色：enterprise_legal enterprise_agent policy_officer reviewer funds_officer "
                    "data_steward auditor leader")
        ->required();
    cmd->add_option("--enterprise", o->enterprise, "企业编号（企业法人、经办人必填）");
    cmd->add_option("--department", o->department, "部门（政府端用户）");
    cmd->add_option("--display-name", o->display_name, "姓名（默认为用户名）");
    cmd->add_option("--phone", o->phone, "手机号");
    cmd->add_option("--password", o->password, "密码（不推荐：会留在命令历史中）");
    cmd->callback([o, &exit_code] {
      auto role = services::parse_role(o->role);
      if (!role) {
        exit_code = fail(Error("cli.bad_role", fmt::format("未知的角色“{}”", o->role)));
        return;
      }
      auto password = read_password(o->password, "密码：");
      if (!password.ok()) {
        exit_code = fail(password.error());
        return;
      }
      exit_code = run_with_accounts(*o, [&](services::Accounts& accounts) {
        services::NewUser n{o->username, o->display_name, *role, o->enterprise, o->department, o->phone, *password};
        auto u = accounts.create_user(n, services::Actor::system("cli"));
        if (!u.ok()) return fail(u.error());
        fmt::print("已新建用户 {}（{}，编号 {}）\n", u->username, services::role_name_zh(u->role), u->id);
        return 0;
      });
    });
  }
  {
    struct Opts : DbOpts {
      std::string role;
      bool json = false;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = users->add_subcommand("list", "列出用户");
    add_db_options(cmd, *o);
    cmd->add_option("--role", o->role, "只列出该角色");
    cmd->add_flag("--json", o->json, "以 JSON 输出");
    cmd->callback([o, &exit_code] {
      exit_code = run_with_accounts(*o, [&](services::Accounts& accounts) {
        store::UserFilter f;
        f.role = o->role;
        f.limit = 1'000'000;
        auto page = accounts.list_users(f);
        if (!page.ok()) return fail(page.error());
        if (o->json) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& u : page->items) {
            nlohmann::json j = u.to_json();
            j["active"] = u.active;
            out.push_back(std::move(j));
          }
          fmt::print("{}\n", out.dump(2));
          return 0;
        }
        for (const auto& u : page->items)
          fmt::print("{:>6}  {:<24} {:<8} {}{}{}\n", u.id, u.username, services::role_name_zh(u.role), u.display_name,
                     u.enterprise_id ? fmt::format("（企业 {}）", u.enterprise_id) : std::string(),
                     u.active ? "" : "  [已停用]");
        fmt::print(stderr, "共 {} 个用户\n", page->total);
        return 0;
      });
    });
  }
  {
    struct Opts : DbOpts {
      std::string username, password;
    };
    auto o = std::make_shared<Opts>();
    CLI::App* cmd = users->add_subcommand("passwd", "重置用户密码（新密码从标准输入读取）；其会话全部失效");
    add_db_options(cmd, *o);
    cmd->add_option("--username", o->username, "用户名")->required();
    cmd->add_option("--password", o->password, "新密码（不推荐）");
    cmd->callback([o, &exit_code] {
      auto password = read_password(o->password, "新密码：");
      if (!password.ok()) {
        exit_code = fail(password.error());
        return;
      }
      exit_code = run_with_accounts(*o, [&](services::Accounts& accounts) {
        auto u = accounts.find_user(o->username);
        if (!u.ok()) return fail(u.error());
        if (!*u) return fail(Error("user.not_found", fmt::format("没有用户 {}", o->username)));
        Status st = accounts.set_password((*u)->id, *password, services::Actor::system("cli"));
        if (!st.ok()) return fail(st.error());
        fmt::print("已重置 {} 的密码\n", (*u)->username);
        return 0;
      });
    });
  }
  for (bool active : {false, true}) {
    auto o = std::make_shared<DbOpts>();
    auto username = std::make_shared<std::string>();
    CLI::App* cmd = users->add_subcommand(active ? "activate" : "deactivate",
                                          active ? "重新启用用户" : "停用用户（其会话立即失效）");
    add_db_options(cmd, *o);
    cmd->add_option("--username", *username, "用户名")->required();
    cmd->callback([o, username, active, &exit_code] {
      exit_code = run_with_accounts(*o, [&](services::Accounts& accounts) {
        auto u = accounts.find_user(*username);
        if (!u.ok()) return fail(u.error());
        if (!*u) return fail(Error("user.not_found", fmt::format("没有用户 {}", *username)));
        Status st = accounts.set_active((*u)->id, active, services::Actor::system("cli"));
        if (!st.ok()) return fail(st.error());
        fmt::print("已{}用户 {}\n", active ? "启用" : "停用", (*u)->username);
        return 0;
      });
    });
  }
}

}  // namespace zhida::app
