#include "http/api/testing/api_fixture.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "http/api/session.h"
#include "http/test_client.h"
#include "services/accounts/password.h"
#include "services/demo/install.h"
#include "store/db.h"
#include "store/testing.h"

namespace zhida::http::testing {

namespace fs = std::filesystem;

namespace {

using store::testing::pg_admin;
using store::testing::with_dbname;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::shared_ptr<services::FixedClock> make_clock(const std::string& date) {
  return services::FixedClock::at(date);
}

services::ServicesOptions services_options() {
  services::ServicesOptions o;
  o.accounts.password_cost = services::PasswordCost::kMinimal;
  return o;
}

}  // namespace

// A district built once per process, backend and options, copied for each test.
struct Template {
  std::string key;
  Backend backend = Backend::kSqlite;
  std::string sqlite_file;  // SQLite: the template database file
  std::string pg_name;      // PostgreSQL: the template database
  std::string admin_url;
  std::vector<services::demo::DemoAccount> accounts;
  std::vector<services::demo::DemoEnterprise> enterprises;
  std::string error;  // building failed

  ~Template() {
    if (!pg_name.empty()) {
      pg_admin(admin_url, "ALTER DATABASE " + pg_name + " IS_TEMPLATE false");
      pg_admin(admin_url, "DROP DATABASE IF EXISTS " + pg_name + " WITH (FORCE)");
    }
    if (!sqlite_file.empty()) {
      std::error_code ec;
      fs::remove_all(fs::path(sqlite_file).parent_path(), ec);
    }
  }
};

namespace {

// Builds the district into url: demo catalog, firms, policies, accounts.
std::string build_district(const std::string& url, const FixtureOptions& o, Template& t) {
  services::PlatformOptions popts;
  popts.db_url = url;
  popts.clock = make_clock(o.date);
  popts.migrations = services::service_migrations();
  popts.pool_size = 2;
  auto platform = services::Platform::open(popts);
  if (!platform.ok()) return platform.error().code + ": " + platform.error().message;
  services::demo::InstallOptions io;
  io.seed = o.seed;
  io.n = o.firms;
  auto installed = services::demo::install(**platform, io);
  if (!installed.ok()) return installed.error().code + ": " + installed.error().message;
  t.accounts = installed->accounts;
  t.enterprises = installed->enterprises;
  if (o.demo_accounts) {
    services::AccountsOptions ao;
    ao.password_cost = services::PasswordCost::kMinimal;
    services::Accounts accounts((*platform)->db(), (*platform)->clock_ptr(), ao);
    auto made = accounts.ensure_demo_accounts(t.accounts);
    if (!made.ok()) return made.error().code + ": " + made.error().message;
  } else {
    t.accounts.clear();
  }
  return "";
}

std::mutex g_templates_mu;
std::map<std::string, std::unique_ptr<Template>>& templates() {
  static auto* m = new std::map<std::string, std::unique_ptr<Template>>();
  return *m;
}
// Drops the PostgreSQL templates and SQLite files at exit.
struct TemplateReaper {
  ~TemplateReaper() {
    std::lock_guard l(g_templates_mu);
    templates().clear();
  }
} g_reaper;

const Template& get_template(Backend backend, const FixtureOptions& o, const std::string& admin) {
  std::string key = fmt::format("{}|{}|{}|{}|{}", backend == Backend::kSqlite ? "sqlite" : "pg",
                                o.firms, o.seed, o.date, o.demo_accounts);
  std::lock_guard l(g_templates_mu);
  auto& slot = templates()[key];
  if (slot) return *slot;
  slot = std::make_unique<Template>();
  Template& t = *slot;
  t.key = key;
  t.backend = backend;
  static std::atomic<int> counter{0};
  auto t0 = std::chrono::steady_clock::now();
  if (backend == Backend::kSqlite) {
    char tmpl[] = "/tmp/zhida_api_tpl_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      t.error = "mkdtemp failed";
      return t;
    }
    t.sqlite_file = std::string(tmpl) + "/template.db";
    t.error = build_district("sqlite:" + t.sqlite_file, o, t);
  } else {
    t.admin_url = admin;
    t.pg_name = fmt::format("zhida_api_tpl_{}_{}", getpid(), counter++);
    std::string err = pg_admin(admin, "CREATE DATABASE " + t.pg_name);
    if (!err.empty()) {
      t.error = err;
      t.pg_name.clear();
      return t;
    }
    t.error = build_district(with_dbname(admin, t.pg_name), o, t);
    if (t.error.empty()) {
      err = pg_admin(admin, "ALTER DATABASE " + t.pg_name + " IS_TEMPLATE true");
      if (!err.empty()) t.error = err;
    }
  }
  spdlog::info("api fixture: district template {} built in {:.2f} s", key,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return t;
}

}  // namespace

// ---- Session, ApiResponse

Session Session::without_csrf() const {
  Session s = *this;
  s.csrf.clear();
  return s;
}

Session Session::with_csrf(std::string token) const {
  Session s = *this;
  s.csrf = std::move(token);
  return s;
}

std::string ApiResponse::error_code() const {
  if (json.is_object() && json.contains("error") && json["error"].is_object())
    return json["error"].value("code", "");
  return "";
}

std::vector<std::string> ApiResponse::set_cookies() const {
  std::vector<std::string> out;
  for (auto v : headers.get_all("Set-Cookie")) out.emplace_back(v);
  return out;
}

// ---- ApiFixture

void ApiFixture::SetUp() {
  static std::atomic<int> counter{0};
  if (GetParam() == Backend::kPostgres) {
    admin_ = env("ZHIDA_TEST_PG_URL");
    if (admin_.empty()) {
      if (env("ZHIDA_REQUIRE_PG") == "1")
        FAIL() << "ZHIDA_REQUIRE_PG=1 but ZHIDA_TEST_PG_URL is not set "
                  "(run under scripts/with-postgres.sh)";
      GTEST_SKIP() << "ZHIDA_TEST_PG_URL not set: PostgreSQL tests skipped "
                      "(run under scripts/with-postgres.sh)";
    }
  }
  const Template& t = get_template(GetParam(), options_, admin_);
  ASSERT_TRUE(t.error.empty()) << "building the test district failed: " << t.error;
  template_ = &t;
  if (GetParam() == Backend::kPostgres) {
    dbname_ = fmt::format("zhida_api_{}_{}", getpid(), counter++);
    std::string err = pg_admin(admin_, "CREATE DATABASE " + dbname_ + " TEMPLATE " + t.pg_name);
    ASSERT_TRUE(err.empty()) << err;
    url_ = with_dbname(admin_, dbname_);
    char tmpl[] = "/tmp/zhida_api_XXXXXX";  // for uploaded materials
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  } else {
    char tmpl[] = "/tmp/zhida_api_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::error_code ec;
    fs::copy_file(t.sqlite_file, dir_ + "/zhida.db", ec);
    ASSERT_FALSE(ec) << ec.message();
    for (const char* suffix : {"-wal", "-shm"})
      if (fs::exists(t.sqlite_file + suffix)) fs::copy_file(t.sqlite_file + suffix, dir_ + "/zhida.db" + suffix, ec);
    url_ = "sqlite:" + dir_ + "/zhida.db";
  }
  clock_ = make_clock(options_.date);
  start_services();
}

void ApiFixture::start_services() {
  services::PlatformOptions popts;
  popts.db_url = url_;
  popts.clock = clock_;
  popts.migrations = services::service_migrations();
  popts.pool_size = 4;
  auto platform = services::Platform::open(popts);
  ASSERT_TRUE(platform.ok()) << platform.error().code << ": " << platform.error().message;
  platform_ = std::move(*platform);
  services::ServicesOptions sopts = services_options();
  sopts.applications.materials_dir = dir_ + "/materials";  // 申报材料, removed with the test's directory
  auto svc = services::Services::start(*platform_, std::move(sopts));
  ASSERT_TRUE(svc.ok()) << svc.error().code << ": " << svc.error().message;
  services_ = std::move(*svc);
  api_ = std::make_unique<Api>(Api{*platform_, *services_});
  ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = options_.server_threads;
  config.access_log = spdlog::null_logger_mt(fmt::format("api_fixture_access_{}", reinterpret_cast<uintptr_t>(this)));
  server_ = std::make_unique<Server>(config, build_router(*api_));
  Status st = server_->start();
  ASSERT_TRUE(st.ok()) << st.error().message;
  port_ = server_->port();
}

void ApiFixture::stop_services() {
  if (server_) {
    server_->stop();
    server_.reset();
    spdlog::drop(fmt::format("api_fixture_access_{}", reinterpret_cast<uintptr_t>(this)));
  }
  if (services_) services_->stop();
  services_.reset();
  api_.reset();
  platform_.reset();
}

void ApiFixture::TearDown() {
  stop_services();
  if (!dbname_.empty()) {
    std::string err = pg_admin(admin_, "DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)");
    EXPECT_TRUE(err.empty()) << err;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void ApiFixture::restart() {
  stop_services();
  start_services();
}

const std::vector<services::demo::DemoAccount>& ApiFixture::demo_accounts() const {
  return template_->accounts;
}

const std::vector<services::demo::DemoEnterprise>& ApiFixture::demo_enterprises() const {
  return template_->enterprises;
}

const services::demo::DemoAccount& ApiFixture::account(Role role) const {
  const services::demo::DemoAccount* first = nullptr;
  for (const auto& a : template_->accounts) {
    if (a.role != services::role_name(role)) continue;
    if (services::is_enterprise_role(role) && a.scenario == "instant") return a;
    if (!first) first = &a;
  }
  if (first) return *first;
  ADD_FAILURE() << "no demo account with role " << services::role_name(role);
  static const services::demo::DemoAccount none;
  return none;
}

int64_t ApiFixture::other_enterprise() const {
  std::set<int64_t> taken;
  for (const auto& e : template_->enterprises) taken.insert(e.id);
  for (int64_t id = 1;; ++id)
    if (!taken.count(id)) return id;
}

ApiResponse ApiFixture::try_login(std::string_view username, std::string_view password) {
  return post("/api/v1/auth/login", {{"username", username}, {"password", password}});
}

Session ApiFixture::login(std::string_view username, std::string_view password) {
  ApiResponse r = try_login(username, password);
  Session s;
  EXPECT_EQ(r.status, 200) << "login " << username << ": " << r.body;
  if (r.status != 200) return s;
  for (const std::string& c : r.set_cookies()) {
    std::string prefix = std::string(kSessionCookie) + "=";
    if (c.rfind(prefix, 0) != 0) continue;
    size_t end = c.find(';');
    s.cookie = c.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
  }
  EXPECT_FALSE(s.cookie.empty()) << "login set no session cookie";
  s.csrf = r.json.value("csrf_token", "");
  s.user = r.json["user"];
  s.user_id = s.user.value("id", int64_t{0});
  s.username = s.user.value("username", "");
  s.role = services::parse_role(s.user.value("role", "")).value_or(Role::kEnterpriseAgent);
  s.enterprise_id = s.user["enterprise_id"].is_number_integer() ? s.user["enterprise_id"].get<int64_t>() : 0;
  return s;
}

Session ApiFixture::as(Role role) { return login(account(role).username, account(role).password); }

ApiResponse ApiFixture::request(std::string_view method, std::string_view path, std::string body,
                                std::string_view content_type, const Session& s, const Headers& extra) {
  Headers h = extra;
  if (!content_type.empty() && !h.has("Content-Type")) h.add("Content-Type", std::string(content_type));
  if (!s.cookie.empty()) h.add("Cookie", fmt::format("{}={}", kSessionCookie, s.cookie));
  bool write = method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
  if (write && !s.csrf.empty() && !h.has(kCsrfHeader)) h.add(std::string(kCsrfHeader), s.csrf);
  ClientResponse c = fetch(port_, method, path, std::move(body), h);
  ApiResponse r;
  r.status = c.status;
  r.headers = std::move(c.headers);
  r.body = std::move(c.body);
  r.json = nlohmann::json::parse(r.body, nullptr, false);
  return r;
}

ApiResponse ApiFixture::get(std::string_view path, const Session& s) { return request("GET", path, "", "", s); }

ApiResponse ApiFixture::del(std::string_view path, const Session& s) { return request("DELETE", path, "", "", s); }

ApiResponse ApiFixture::post(std::string_view path, const nlohmann::json& body, const Session& s) {
  return request("POST", path, body.dump(), "application/json", s);
}

ApiResponse ApiFixture::put(std::string_view path, const nlohmann::json& body, const Session& s) {
  return request("PUT", path, body.dump(), "application/json", s);
}

ApiResponse ApiFixture::patch(std::string_view path, const nlohmann::json& body, const Session& s) {
  return request("PATCH", path, body.dump(), "application/json", s);
}

std::string ApiFixture::database_fingerprint() {
  // Let the background work of earlier requests land first (免申即享 grants,
  // notification deliveries), so that only the requests between two
  // fingerprints can make them differ.
  if (services_->funds) services_->funds->drain();
  if (services_->notifications) (void)services_->notifications->flush();
  // Signing in (as(role) inside a check) writes these; "changed nothing" is
  // about the district's data, not about who signed in. The audit tables are
  // compared without the entries of audited_without_change() (the header says why).
  static const std::set<std::string> kSignIn = {"sessions", "login_attempts", "audit_head"};
  std::string actions;
  for (const std::string& a : audited_without_change()) actions += (actions.empty() ? "'" : ", '") + a + "'";
  const std::string compared_audit = "SELECT seq FROM audit_log WHERE action NOT IN (" + actions + ")";
  auto select_all = [&](const std::string& table) {
    if (table == "audit_log") return "SELECT * FROM audit_log WHERE seq IN (" + compared_audit + ")";
    if (table == "audit_enterprises") return "SELECT * FROM audit_enterprises WHERE seq IN (" + compared_audit + ")";
    return "SELECT * FROM " + table;
  };
  std::string digest_input;
  Status st = platform_->db().transaction(
      [&](store::Tx& tx) -> Status {
        digest_input.clear();
        auto tables = tx.query(tx.dialect() == store::Dialect::kSqlite
                                   ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                     "LIKE 'sqlite_%' ORDER BY name"
                                   : "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY "
                                     "tablename");
        if (!tables.ok()) return tables.error();
        for (const store::Row& t : *tables) {
          auto name = t.get<std::string>(0);
          if (!name.ok()) return name.error();
          if (kSignIn.count(*name)) continue;
          std::vector<std::string> rows;
          Status each = tx.query_each(select_all(*name), {}, [&](const store::Row& r) -> Status {
            std::string line;
            for (int i = 0; i < r.size(); ++i) {
              const store::Value& v = r.value(i);
              switch (v.kind()) {
                case store::Value::Kind::kNull: line += "N"; break;
                case store::Value::Kind::kInt:
                case store::Value::Kind::kBool: line += "I" + std::to_string(v.int_value()); break;
                case store::Value::Kind::kReal: line += fmt::format("R{}", v.real_value()); break;
                default: line += "T" + services::sha256_hex(v.bytes());
              }
              line += '|';
            }
            rows.push_back(std::move(line));
            return Status::Ok();
          });
          if (!each.ok()) return each;
          std::sort(rows.begin(), rows.end());
          std::string table;
          for (const auto& r : rows) table += r + "\n";
          // Per table, so that a failing comparison names what changed.
          digest_input += fmt::format("{}={} ", *name, services::sha256_hex(table).substr(0, 12));
        }
        return Status::Ok();
      },
      store::Mode::kRead);
  EXPECT_TRUE(st.ok()) << st.error().message;
  return digest_input;
}

const std::set<std::string>& ApiFixture::audited_without_change() {
  static const std::set<std::string> kActions = {
      "auth.login",                    // signing in
      "auth.login_failed",             // security events: refused, and recorded on purpose
      "auth.login_throttled",
      "auth.password_change_failed",
      "data.sensitive_read",           // audited reads
      "audit.query",
      "audit.verify",
      "policy.export_matches",
  };
  return kActions;
}

std::string ApiFixture::query_text(const std::string& sql) {
  std::string out;
  Status st = platform_->db().transaction(
      [&](store::Tx& tx) -> Status {
        auto row = tx.query_one(sql);
        if (!row.ok()) return row.error();
        if (row->is_null(0)) {
          out = "";
          return Status::Ok();
        }
        const store::Value& v = row->value(0);
        if (v.kind() == store::Value::Kind::kInt || v.kind() == store::Value::Kind::kBool)
          out = std::to_string(v.int_value());
        else
          out = v.bytes();
        return Status::Ok();
      },
      store::Mode::kRead);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.error().message;
  return out;
}

}  // namespace zhida::http::testing
