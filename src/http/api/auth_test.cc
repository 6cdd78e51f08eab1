// Signing in and out through the real server (SPEC C10): sessions, cookies,
// CSRF, throttling, expiry, password rules, deactivation.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "http/api/session.h"
#include "http/api/testing/api_fixture.h"

namespace zhida::http::testing {
namespace {

using namespace std::chrono_literals;

class AuthApi : public ApiFixture {
 protected:
  int64_t count_audit(const std::string& action, const std::string& username = "") {
    store::AuditFilter f;
    f.action = action;
    f.username = username;
    auto page = services().audit->query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : -1;
  }
};

TEST_P(AuthApi, LoginSetsASecureHttpOnlyStrictCookieAndReturnsCsrfAndUser) {
  const auto& acc = account(Role::kReviewer);
  ApiResponse r = try_login(acc.username, acc.password);
  ASSERT_EQ(r.status, 200) << r.body;
  auto cookies = r.set_cookies();
  ASSERT_EQ(cookies.size(), 1u);
  const std::string& c = cookies[0];
  EXPECT_EQ(c.rfind("zhida_session=", 0), 0u) << c;
  EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
  EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
  EXPECT_NE(c.find("; SameSite=Strict"), std::string::npos) << c;
  EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
  EXPECT_EQ(c.find("Max-Age"), std::string::npos) << "a browser-session cookie: " << c;
  EXPECT_EQ(r.headers.get_or("Cache-Control", ""), "no-store");
  // 32 random bytes each, URL-safe base64.
  std::string token = c.substr(14, c.find(';') - 14);
  EXPECT_EQ(token.size(), 43u);
  ASSERT_TRUE(r.json["csrf_token"].is_string());
  EXPECT_EQ(r.json["csrf_token"].get<std::string>().size(), 43u);
  EXPECT_NE(r.json["csrf_token"], token);
  const auto& u = r.json["user"];
  EXPECT_EQ(u["username"], acc.username);
  EXPECT_EQ(u["role"], "reviewer");
  EXPECT_EQ(u["role_zh"], "审核员");
  EXPECT_EQ(u["display_name"], acc.display_name);
  EXPECT_EQ(u["department"], acc.department);
  EXPECT_TRUE(u["enterprise_id"].is_null());
  EXPECT_GT(u["id"].get<int64_t>(), 0);
  // Only a hash of the token is stored.
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sessions WHERE token_hash = '" + token + "'"), "0");
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sessions"), "1");
  // The user name is not case-sensitive.
  EXPECT_EQ(try_login("  REVIEWER1 ", acc.password).status, 200);
}

TEST_P(AuthApi, EnterpriseUserIsBoundToItsFirm) {
  Session s = as(Role::kEnterpriseAgent);
  EXPECT_EQ(s.user["role_zh"], "经办人");
  EXPECT_EQ(s.enterprise_id, account(Role::kEnterpriseAgent).enterprise_id);
  EXPECT_GT(s.enterprise_id, 0);
}

TEST_P(AuthApi, MeGivesTheUserAndTheCsrfTokenBack) {
  Session s = as(Role::kAuditor);
  ApiResponse me = get("/api/v1/auth/me", s);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["csrf_token"], s.csrf);
  EXPECT_EQ(me.json["user"], s.user);
  EXPECT_EQ(me.json["expires_at"], "2026-11-27T16:00:00.000Z");  // 12 h after noon CST (04:00Z)
  EXPECT_EQ(me.json["idle_expires_at"], "2026-11-27T06:00:00.000Z");
  ApiResponse anon = get("/api/v1/auth/me");
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(anon.error_code(), "unauthenticated");
  EXPECT_EQ(anon.json["error"]["message"], "请先登录");
}

TEST_P(AuthApi, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  ApiResponse wrong = try_login("reviewer1", "Wrong2026x");
  ApiResponse unknown = try_login("nobody", "Wrong2026x");
  for (const ApiResponse* r : {&wrong, &unknown}) {
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_EQ(r->error_code(), "auth.invalid_credentials");
    EXPECT_EQ(r->json["error"]["message"], "用户名或密码错误");
    EXPECT_TRUE(r->set_cookies().empty());
  }
  EXPECT_EQ(try_login("", "x").status, 400);
  EXPECT_EQ(post("/api/v1/auth/login", {{"username", "reviewer1"}}).status, 400);
  EXPECT_EQ(request("POST", "/api/v1/auth/login", "username=a", "application/x-www-form-urlencoded").status, 415);
}

TEST_P(AuthApi, FiveFailuresThrottleTheUsernameForFifteenMinutes) {
  const auto& acc = account(Role::kFundsOfficer);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(try_login(acc.username, "Wrong2026x").status, 401) << i;
  // Now even the right password is refused, without being checked.
  ApiResponse r = try_login(acc.username, acc.password);
  ASSERT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.error_code(), "auth.throttled");
  std::string msg = r.json["error"]["message"];
  EXPECT_NE(msg.find("15 分钟后"), std::string::npos) << msg;
  EXPECT_NE(msg.find("12:15"), std::string::npos) << "China time of the retry: " << msg;
  EXPECT_EQ(r.headers.get_or("Retry-After", ""), "900");
  EXPECT_EQ(r.json["error"]["details"][0]["retry_after_seconds"], 900);
  EXPECT_EQ(count_audit("auth.login_failed", acc.username), 5);
  EXPECT_EQ(count_audit("auth.login_throttled", acc.username), 1);
  EXPECT_EQ(count_audit("auth.login", acc.username), 0);

  clock().advance(10min);
  EXPECT_EQ(try_login(acc.username, acc.password).status, 429);
  clock().advance(5min + 1s);
  EXPECT_EQ(try_login(acc.username, acc.password).status, 200);
}

TEST_P(AuthApi, FailuresFromOneAddressThrottleEveryUsername) {
  // Five different usernames from 127.0.0.1 …
  for (const char* name : {"a.user", "b.user", "c.user", "d.user", "e.user"})
    EXPECT_EQ(try_login(name, "Wrong2026x").status, 401);
  // … and the address is throttled, even for a real account.
  const auto& acc = account(Role::kLeader);
  ApiResponse r = try_login(acc.username, acc.password);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.error_code(), "auth.throttled");
}

TEST_P(AuthApi, ASuccessResetsTheUsernameCount) {
  auto o = services().accounts->options();
  o.max_ip_failures = 100;  // this test is about the per-user count
  services().accounts->set_options(o);
  const auto& acc = account(Role::kDataSteward);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(try_login(acc.username, "Wrong2026x").status, 401);
  EXPECT_EQ(try_login(acc.username, acc.password).status, 200);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(try_login(acc.username, "Wrong2026x").status, 401);
  EXPECT_EQ(try_login(acc.username, acc.password).status, 200);
}

TEST_P(AuthApi, ParallelGuessesAreCountedToo) {
  const auto& acc = account(Role::kReviewer);
  std::vector<std::thread> threads;
  std::atomic<int> refused{0}, throttled{0};
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&] {
      ApiResponse r = try_login(acc.username, "Wrong2026x");
      if (r.status == 401) ++refused;
      if (r.status == 429) ++throttled;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused + throttled, 12);
  EXPECT_LE(refused.load(), 5) << "more guesses were checked than the limit allows";
  EXPECT_EQ(count_audit("auth.login_failed", acc.username), refused.load());
}

TEST_P(AuthApi, LogoutEndsTheSessionAndClearsTheCookie) {
  Session a = as(Role::kReviewer);
  Session b = as(Role::kReviewer);  // the same user elsewhere
  ApiResponse out = post("/api/v1/auth/logout", nlohmann::json::object(), a);
  ASSERT_EQ(out.status, 204) << out.body;
  auto cookies = out.set_cookies();
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_EQ(cookies[0].rfind("zhida_session=;", 0), 0u) << cookies[0];
  EXPECT_NE(cookies[0].find("Max-Age=0"), std::string::npos) << cookies[0];
  ApiResponse after = get("/api/v1/auth/me", a);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json["error"]["message"], "登录已过期，请重新登录");
  EXPECT_FALSE(after.set_cookies().empty()) << "a dead cookie is cleared";
  EXPECT_EQ(get("/api/v1/auth/me", b).status, 200);
  EXPECT_EQ(count_audit("auth.logout", a.username), 1);
  // Logging out again: the session is gone.
  EXPECT_EQ(post("/api/v1/auth/logout", nlohmann::json::object(), a).status, 401);
}

TEST_P(AuthApi, AnIdleSessionEndsAfterTwoHours) {
  Session s = as(Role::kLeader);
  clock().advance(1h);
  EXPECT_EQ(get("/api/v1/auth/me", s).status, 200);  // refreshes last-seen
  clock().advance(1h + 30min);
  EXPECT_EQ(get("/api/v1/auth/me", s).status, 200) << "2 h 30 after login but 1 h 30 after the last request";
  clock().advance(2h + 1s);
  ApiResponse r = get("/api/v1/auth/me", s);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(query_text("SELECT COUNT(*) FROM sessions"), "0") << "an expired session is deleted";
}

TEST_P(AuthApi, ASessionEndsTwelveHoursAfterLoginWhateverHappens) {
  Session s = as(Role::kLeader);
  for (int h = 1; h < 12; ++h) {
    clock().advance(1h);
    ASSERT_EQ(get("/api/v1/auth/me", s).status, 200) << "hour " << h;
  }
  clock().advance(1h);
  EXPECT_EQ(get("/api/v1/auth/me", s).status, 401);
}

TEST_P(AuthApi, WritesNeedTheSessionsCsrfToken) {
  Session s = as(Role::kPolicyOfficer);
  // A new password that follows the rules, so that the wrong old one is
  // what the handled request fails on (a weak new one is refused first).
  nlohmann::json body = {{"old_password", "x"}, {"new_password", "NewPass2026"}};
  ApiResponse missing = post("/api/v1/auth/password", body, s.without_csrf());
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.error_code(), "auth.csrf");
  ApiResponse wrong = post("/api/v1/auth/password", body, s.with_csrf("not-the-token"));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.error_code(), "auth.csrf");
  // Another session's token does not do either.
  Session other = as(Role::kPolicyOfficer);
  EXPECT_EQ(post("/api/v1/auth/password", body, s.with_csrf(other.csrf)).error_code(), "auth.csrf");
  // With the token the request is handled (and fails on its merits).
  ApiResponse ok = post("/api/v1/auth/password", body, s);
  EXPECT_EQ(ok.status, 400);
  EXPECT_EQ(ok.error_code(), "auth.wrong_password");
  // Reads need no token.
  EXPECT_EQ(get("/api/v1/auth/me", s.without_csrf()).status, 200);
}

TEST_P(AuthApi, ChangingThePasswordFollowsTheRulesAndEndsOtherSessions) {
  Session s = as(Role::kReviewer);
  Session elsewhere = as(Role::kReviewer);
  const std::string old = std::string(kPassword);
  auto change = [&](const std::string& from, const std::string& to) {
    return post("/api/v1/auth/password", {{"old_password", from}, {"new_password", to}}, s);
  };
  EXPECT_EQ(change("Wrong2026x", "NewPass2026").error_code(), "auth.wrong_password");
  for (const char* weak : {"Ab1", "abcdefgh", "12345678", "Reviewer1", "中文密码中文密码1"}) {
    ApiResponse r = change(old, weak);
    EXPECT_EQ(r.status, 400) << weak;
    EXPECT_EQ(r.error_code(), "auth.weak_password") << weak << " " << r.body;
  }
  EXPECT_EQ(change(old, old).error_code(), "auth.weak_password");
  ApiResponse ok = change(old, "NewPass2026");
  ASSERT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(get("/api/v1/auth/me", s).status, 200) << "the current session stays";
  EXPECT_EQ(get("/api/v1/auth/me", elsewhere).status, 401) << "other sessions end";
  EXPECT_EQ(try_login(s.username, old).status, 401);
  EXPECT_EQ(try_login(s.username, "NewPass2026").status, 200);
  EXPECT_EQ(count_audit("auth.password_changed", s.username), 1);
  std::string hash = query_text("SELECT password_hash FROM users WHERE username = 'reviewer1'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
}

TEST_P(AuthApi, ADeactivatedUserIsSignedOutAtOnce) {
  Session steward = as(Role::kDataSteward);
  Session reviewer = as(Role::kReviewer);
  ApiResponse d = post("/api/v1/users/" + std::to_string(reviewer.user_id) + "/deactivate", nlohmann::json::object(), steward);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json["active"], false);
  EXPECT_EQ(get("/api/v1/auth/me", reviewer).status, 401);
  ApiResponse login = try_login(reviewer.username, kPassword);
  EXPECT_EQ(login.status, 403);
  EXPECT_EQ(login.error_code(), "auth.inactive");
  EXPECT_EQ(try_login(reviewer.username, "Wrong2026x").error_code(), "auth.invalid_credentials")
      << "a wrong password says nothing about the account";
  EXPECT_EQ(post("/api/v1/users/" + std::to_string(steward.user_id) + "/deactivate", nlohmann::json::object(), steward).error_code(),
            "user.self");
  ASSERT_EQ(post("/api/v1/users/" + std::to_string(reviewer.user_id) + "/activate", nlohmann::json::object(), steward).status, 200);
  EXPECT_EQ(try_login(reviewer.username, kPassword).status, 200);
}

TEST_P(AuthApi, TheDataStewardCreatesUsersThatFollowTheRules) {
  Session steward = as(Role::kDataSteward);
  const int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
  auto create = [&](nlohmann::json body) { return post("/api/v1/users", body, steward); };
  nlohmann::json base = {{"username", "New.Agent"}, {"role", "enterprise_agent"}, {"password", "Agent2026"},
                         {"display_name", "新经办人"}, {"phone", "13812341234"}};
  EXPECT_EQ(create(base).error_code(), "user.invalid_enterprise") << "an enterprise role needs a firm";
  nlohmann::json nofirm = base;
  nofirm["enterprise_id"] = 99999999;
  EXPECT_EQ(create(nofirm).error_code(), "user.invalid_enterprise");
  nlohmann::json staff = base;
  staff["role"] = "reviewer";
  staff["enterprise_id"] = firm;
  EXPECT_EQ(create(staff).error_code(), "user.invalid_enterprise") << "staff cannot be bound to a firm";
  nlohmann::json weak = base;
  weak["enterprise_id"] = firm;
  weak["password"] = "password";
  EXPECT_EQ(create(weak).error_code(), "auth.weak_password");
  nlohmann::json badname = base;
  badname["enterprise_id"] = firm;
  badname["username"] = "张三";
  EXPECT_EQ(create(badname).error_code(), "user.invalid_username");
  EXPECT_EQ(create({{"username", "x.y"}, {"role", "boss"}, {"password", "Agent2026"}}).status, 400);

  nlohmann::json good = base;
  good["enterprise_id"] = firm;
  ApiResponse made = create(good);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json["username"], "new.agent");
  EXPECT_EQ(made.json["enterprise_id"], firm);
  EXPECT_EQ(made.json["has_phone"], true);
  EXPECT_FALSE(made.json.contains("phone")) << "lists and answers carry no phone";
  EXPECT_EQ(create(good).status, 409);
  Session agent = login("new.agent", "Agent2026");
  EXPECT_EQ(agent.enterprise_id, firm);
  // The firm's users now include the new handler (the workflow messages them).
  auto users = services().accounts->users_of_enterprise(firm);
  ASSERT_TRUE(users.ok());
  ASSERT_GE(users->size(), 3u);
  EXPECT_EQ((*users)[0].role, Role::kEnterpriseLegal);
  // An administrator's reset ends the user's sessions.
  ASSERT_EQ(post("/api/v1/users/" + std::to_string(agent.user_id) + "/password", {{"password", "Reset2026x"}},
                 steward)
                .status,
            204);
  EXPECT_EQ(get("/api/v1/auth/me", agent).status, 401);
  EXPECT_EQ(try_login("new.agent", "Reset2026x").status, 200);
}

TEST_P(AuthApi, UserListsAreForTheStewardAndTheAuditor) {
  Session auditor = as(Role::kAuditor);
  ApiResponse all = get("/api/v1/users?limit=500", auditor);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"].get<size_t>(), demo_accounts().size());
  ApiResponse reviewers = get("/api/v1/users?role=reviewer", auditor);
  EXPECT_EQ(reviewers.json["total"], 2);
  ApiResponse firm = get("/api/v1/users?enterprise_id=" + std::to_string(account(Role::kEnterpriseLegal).enterprise_id), auditor);
  EXPECT_EQ(firm.json["total"], 2);
  EXPECT_EQ(get("/api/v1/users?q=policy.", auditor).json["total"].get<int>() > 0, true);
  EXPECT_EQ(get("/api/v1/users?role=boss", auditor).status, 400);
  EXPECT_EQ(get("/api/v1/users", as(Role::kReviewer)).status, 403);
  EXPECT_EQ(get("/api/v1/users", as(Role::kEnterpriseLegal)).status, 403);
}

ZHIDA_API_TEST(AuthApi);

}  // namespace
}  // namespace zhida::http::testing
