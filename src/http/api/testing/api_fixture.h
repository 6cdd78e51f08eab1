// The API test fixture: the real server on a free port over a small
// generated district, on SQLite and on PostgreSQL — for every area's API
// tests (STYLE.md habit 9).
//
//   class ApplicationsApi : public zhida::http::testing::ApiFixture {};
//
//   TEST_P(ApplicationsApi, AgentAppliesForOwnFirm) {
//     Session agent = as(Role::kEnterpriseAgent);          // a demo account, signed in
//     auto r = post("/api/v1/applications", {{"policy_id", "BA-2025-025"}}, agent);
//     EXPECT_EQ(r.status, 201) << r.body;
//     EXPECT_EQ(r.json["status"], "approved");
//     EXPECT_EQ(get("/api/v1/applications", as(Role::kReviewer)).status, 200);
//     platform().read([&](const portrait::EnterpriseTable& t) { … });   // assert on the services
//   }
//   ZHIDA_API_TEST(ApplicationsApi);   // instantiates it for SQLite and PostgreSQL
//
// Each test gets a fresh database (a copy of a template built once per
// process: SQLite file copy, PostgreSQL CREATE DATABASE … TEMPLATE) holding
// the demo catalog, ~2,000 generated firms as one batch, the 33 demo
// policies published, and the demo accounts (every role; enterprise users of
// the five demo firms — ent1.legal … ent5.agent, password Demo@2025). Then
// the Platform (FixedClock, 2026-11-27 12:00 China time), the Services (with
// PasswordCost::kMinimal, so logins are fast) and the real Server on port 0.
//
// PostgreSQL: needs ZHIDA_TEST_PG_URL (scripts/with-postgres.sh); without it
// the PostgreSQL tests are skipped with a message, unless ZHIDA_REQUIRE_PG=1,
// which makes them fail.
//
// Requests add the session cookie and, on POST/PUT/PATCH/DELETE, the
// X-CSRF-Token header (unless the session's csrf is cleared). Each request
// uses a fresh connection.
//
// Options: a test class may change FixtureOptions in its constructor
// (options_.firms = 500, options_.date = "2026-03-01", options_.demo_accounts =
// false …) before SetUp runs.
//
// Thread-safety: use from the test's thread; helpers may also be called from
// threads the test starts (each request is independent).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/fields.h"
#include "http/server.h"
#include "services/accounts/principal.h"
#include "services/demo/accounts.h"
#include "services/platform/clock.h"
#include "services/platform/platform.h"
#include "services/services.h"

namespace zhida::http::testing {

using services::Role;

enum class Backend { kSqlite, kPostgres };

struct Template;  // a district built once per process (api_fixture.cc)

struct FixtureOptions {
  int64_t firms = 2000;             // generated enterprises (ids 1..firms)
  uint64_t seed = 1;                // generator seed
  std::string date = "2026-11-27";  // the FixedClock's day (noon, China time)
  bool demo_accounts = true;        // create the demo accounts
  int server_threads = 4;
};

// A signed-in user as the tests use it. Default-constructed: anonymous.
struct Session {
  std::string cookie;  // the session token (cookie value)
  std::string csrf;    // sent as X-CSRF-Token on writes ("" = not sent)
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kEnterpriseAgent;
  int64_t enterprise_id = 0;
  nlohmann::json user;  // the login answer's "user"

  bool anonymous() const { return cookie.empty(); }
  // The same session without the CSRF header / with another token.
  Session without_csrf() const;
  Session with_csrf(std::string token) const;
};

struct ApiResponse {
  int status = 0;  // 0: transport failure
  Headers headers;
  std::string body;
  nlohmann::json json;  // parsed body (discarded when not JSON)

  // error.code of an API error, or "".
  std::string error_code() const;
  // Every Set-Cookie header value.
  std::vector<std::string> set_cookies() const;
};

class ApiFixture : public ::testing::TestWithParam<Backend> {
 public:
  // The demo account used by as(role): the first of that role (enterprise
  // roles: the firm of scenario "instant").
  static constexpr std::string_view kPassword = services::demo::kDemoPassword;

 protected:
  void SetUp() override;
  void TearDown() override;

  // ---- the running platform
  services::Platform& platform() { return *platform_; }
  services::Services& services() { return *services_; }
  Api& api() { return *api_; }
  services::FixedClock& clock() { return *clock_; }
  uint16_t port() const { return port_; }
  // The router the server runs (every route, for route-wide tests).
  const Router& router() const { return server_->router(); }
  Backend backend() const { return GetParam(); }
  // The database URL of this test's fresh database.
  const std::string& db_url() const { return url_; }
  // The demo accounts and firms created in the template.
  const std::vector<services::demo::DemoAccount>& demo_accounts() const;
  const std::vector<services::demo::DemoEnterprise>& demo_enterprises() const;
  // The demo account of `role` (as(role) signs it in).
  const services::demo::DemoAccount& account(Role role) const;
  // A firm of the district that no demo account is bound to.
  int64_t other_enterprise() const;

  // Stops the server and the services, reopens the Platform on the same
  // database (a restart), and starts them again.
  void restart();

  // ---- signing in
  ApiResponse try_login(std::string_view username, std::string_view password);
  // Signs in (the test fails on anything but 200).
  Session login(std::string_view username, std::string_view password = kPassword);
  Session as(Role role);
  Session as(std::string_view username) { return login(username, kPassword); }

  // ---- requests (path includes the query string)
  ApiResponse get(std::string_view path, const Session& s = {});
  ApiResponse del(std::string_view path, const Session& s = {});
  ApiResponse post(std::string_view path, const nlohmann::json& body, const Session& s = {});
  ApiResponse put(std::string_view path, const nlohmann::json& body, const Session& s = {});
  ApiResponse patch(std::string_view path, const nlohmann::json& body, const Session& s = {});
  // Any method, raw body (e.g. a CSV upload), extra headers.
  ApiResponse request(std::string_view method, std::string_view path, std::string body,
                      std::string_view content_type, const Session& s = {},
                      const Headers& extra = {});

  // ---- assertions about the database
  // A digest of every table's contents, per table (for "changed nothing"
  // checks: a failing comparison names the tables that changed).
  //
  // What a refused request may leave behind, and so what the digest leaves
  // out:
  //   - sessions, login_attempts: signing in (as(role) inside a check), and
  //     failed sign-ins counted for throttling;
  //   - audit entries whose action is in kAuditedWithoutChange: events
  //     recorded on purpose although nothing else changed — signing in,
  //     failed sign-ins and password changes (security events), and audited
  //     reads (unmasked sensitive data, audit searches, exports) — with their
  //     audit_enterprises rows, and audit_head (which moves with every entry).
  // Every other audit entry is compared: a refused write must not append one
  // (e.g. "policy.update_draft" for a draft that was not saved).
  std::string database_fingerprint();
  static const std::set<std::string>& audited_without_change();
  // Runs a read-only SQL statement and returns the first column of the first row as text.
  std::string query_text(const std::string& sql);

  FixtureOptions options_;

 private:
  void start_services();
  void stop_services();

  std::shared_ptr<services::FixedClock> clock_;
  std::unique_ptr<services::Platform> platform_;
  std::unique_ptr<services::Services> services_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::string url_;
  std::string dir_;     // SQLite: the test's temporary directory
  std::string dbname_;  // PostgreSQL: the test's database
  std::string admin_;   // PostgreSQL: the admin URL
  const Template* template_ = nullptr;
};

// Instantiates a fixture-derived test suite for both databases.
#define ZHIDA_API_TEST(Suite)                                                                  \
  INSTANTIATE_TEST_SUITE_P(                                                                    \
      Backends, Suite,                                                                         \
      ::testing::Values(::zhida::http::testing::Backend::kSqlite,                              \
                        ::zhida::http::testing::Backend::kPostgres),                           \
      [](const ::testing::TestParamInfo<::zhida::http::testing::Backend>& zhida_backend) {     \
        return zhida_backend.param == ::zhida::http::testing::Backend::kSqlite ? "Sqlite"      \
                                                                                 : "Postgres"; \
      })

}  // namespace zhida::http::testing
