// zhida serve: the platform — JSON API, web UI, background work.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "app/cli.h"
#include "app/commands.h"
#include "app/serve.h"
#include "http/api/api.h"
#include "http/server.h"

namespace zhida::app {

std::string default_static_dir() {
  namespace fs = std::filesystem;
  if (fs::exists("web/dist/index.html")) return "web/dist";
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = 0;
    fs::path p = fs::path(self).parent_path().parent_path() / "web" / "dist";  // build/zhida -> web/dist
    if (fs::exists(p / "index.html")) return p.string();
  }
  return "";
}

std::string database_url(const ServeOptions& o) {
  return o.db.empty() ? "sqlite:" + (std::filesystem::path(o.data) / "zhida.db").string() : o.db;
}

int run_server(services::Platform& platform, const ServeOptions& o) {
  services::ServicesOptions sopts;
  sopts.applications.materials_dir = (std::filesystem::path(o.data) / "materials").string();  // 申报材料
  if (!o.sms_config.empty()) {  // 短信网关
    auto sms = services::SmsGatewayConfig::load(o.sms_config);
    if (!sms.ok()) return fail(sms.error());
    sopts.notifications.sms = std::move(sms).value();
  }
  if (!o.sms_gateway.empty()) sopts.notifications.sms.url = o.sms_gateway;
  if (!sopts.notifications.sms.enabled()) spdlog::info("未配置短信网关（--sms-gateway）：只发站内信");
  sopts.funds.holidays_file = o.holidays;
  auto svc = services::Services::start(platform, std::move(sopts));
  if (!svc.ok()) return fail(svc.error());
  if (o.on_services) {
    Status ready = o.on_services(**svc);
    if (!ready.ok()) {
      (*svc)->stop();
      return fail(ready.error());
    }
  }
  http::Api api{platform, **svc};
  api.demo_accounts = o.demo_accounts;
  http::ServerConfig config;
  config.host = o.host;
  config.port = static_cast<uint16_t>(o.port);
  config.threads = o.threads;
  config.static_dir = o.static_dir.empty() ? default_static_dir() : o.static_dir;
  http::Server server(config, http::build_router(api));
  Status st = server.start();
  if (!st.ok()) return fail(st.error());
  spdlog::info("zhida 已启动：http://{}:{}（{} 家企业，{} 项在实施政策）", o.host, server.port(),
               platform.enterprise_count(), platform.policies().size());
  if (config.static_dir.empty()) spdlog::warn("没有找到网页文件（web/dist）：只提供 /api/v1 接口");
  if (o.on_ready) o.on_ready(server.port());
  Status ran = server.run_until_signal();
  (*svc)->stop();
  if (!ran.ok()) return fail(ran.error());
  spdlog::info("zhida 已停止");
  return 0;
}

int serve(const ServeOptions& o) {
  services::PlatformOptions popts;
  popts.db_url = database_url(o);
  popts.clock = o.clock;
  popts.migrations = services::service_migrations();
  spdlog::info("打开数据库 {}", popts.db_url.rfind("postgres", 0) == 0 ? "（PostgreSQL）" : popts.db_url);
  auto platform = services::Platform::open(popts);
  if (!platform.ok()) return fail(platform.error());
  return run_server(**platform, o);
}

void add_serve_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "启动平台：JSON 接口（/api/v1）与网页");
  cmd->add_option("--host", o->host, "监听地址")->capture_default_str();
  cmd->add_option("--port", o->port, "端口（0 = 任选空闲端口）")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--data", o->data, "数据目录（SQLite 数据库在其中）")->capture_default_str();
  cmd->add_option("--db", o->db, "数据库地址：sqlite:路径 或 postgresql://…（默认 DATA/zhida.db）");
  cmd->add_option("--static", o->static_dir, "网页文件目录（默认 web/dist）");
  cmd->add_option("--threads", o->threads, "处理请求的线程数（0 = 每核 4 个，至少 16 个：请求多在等待数据库）");
  cmd->add_option("--sms-gateway", o->sms_gateway, "短信网关地址 http://…（不设则不发短信，只发站内信）");
  cmd->add_option("--sms-config", o->sms_config, "短信网关配置文件（JSON：url、sign、headers、templates、timeout_ms）");
  cmd->add_option("--holidays", o->holidays, "补充的节假日与调休文件（JSON，内置 2025、2026 年）");
  cmd->callback([o, &exit_code] { exit_code = serve(*o); });
}

}  // namespace zhida::app
