// The authorisation matrix: every route of the router × every role (and
// anonymous), checked against the route's access tags (session.h). Routes
// added later are picked up automatically: a route without an access tag
// fails here. See testing/authz_matrix.h for how an area supplies ids of
// its own objects.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <regex>
#include <set>

#include "http/api/session.h"
#include "http/api/testing/api_fixture.h"
#include "http/api/testing/authz_matrix.h"
#include "services/demo/accounts.h"

namespace zhida::http::testing {
namespace {

bool is_write(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

// Built-in suppliers for the parameters the accounts area knows.
const bool kUserIds = register_path_param("/api/v1/users/", "id", [](const ParamContext& c) {
  static std::atomic<int> n{0};
  services::NewUser u;
  u.username = fmt::format("matrix.user{}", n++);
  u.role = services::Role::kReviewer;
  u.department = "测试";
  u.password = "Matrix2026";
  auto made = c.services.accounts->create_user(u, services::Actor::system("test"));
  return made.ok() ? std::to_string(made->id) : std::string("1");
});

class AuthzMatrix : public ApiFixture {
 protected:
  // The path with every parameter filled for a request about `firm`.
  std::string fill(const RouteInfo& route, int64_t firm, std::set<std::string>* unknown) {
    return fill_path(route, ParamContext{platform(), services(), firm, route.method, route.pattern}, unknown);
  }

  nlohmann::json body_for(const RouteInfo& route, int64_t firm) {
    return sample_body(route, ParamContext{platform(), services(), firm, route.method, route.pattern});
  }

  ApiResponse call(const RouteInfo& route, const std::string& path, const nlohmann::json& body, const Session& s) {
    if (route.method == "GET" || route.method == "HEAD") return request(route.method, path, "", "", s);
    return request(route.method, path, body.dump(), "application/json", s);
  }

  // The firm a principal acts about: its own, or (staff) the demo firm.
  int64_t firm_of(const Session& s) { return s.enterprise_id > 0 ? s.enterprise_id : account(Role::kEnterpriseLegal).enterprise_id; }
};

TEST_P(AuthzMatrix, EveryRouteDeclaresItsAccess) {
  std::vector<RouteInfo> routes = router().routes();
  ASSERT_FALSE(routes.empty());
  for (const RouteInfo& r : routes) {
    RouteAccess a = route_access(r);
    EXPECT_TRUE(a.declared()) << r.method << " " << r.pattern << ": " << a.problem
                              << " — add public, any, allow:<roles> or apikey to its RouteOptions tags";
    // A route about one enterprise that enterprise users may call must say
    // they are limited to their own firm.
    bool enterprise_users = a.allows(Role::kEnterpriseLegal) || a.allows(Role::kEnterpriseAgent);
    if (!enterprise_param(r).empty() && enterprise_users && !a.is_public) {
      EXPECT_TRUE(a.own_enterprise) << r.method << " " << r.pattern << " needs the own-enterprise tag";
    }
    if (a.csrf_exempt) {
      EXPECT_TRUE(r.method == "POST" && r.pattern == "/api/v1/auth/login")
          << r.method << " " << r.pattern << ": only login may skip the CSRF check";
    }
  }
}

TEST_P(AuthzMatrix, EveryRoleGetsWhatTheTagsSay) {
  std::vector<RouteInfo> routes = router().routes();
  std::set<std::string> unknown;
  // One signed-in session per role for reads; writes sign in afresh (a write
  // may end the session: logout, password).
  std::map<Role, Session> sessions;
  for (Role role : services::kAllRoles) sessions[role] = as(role);
  const int64_t other = other_enterprise();
  int checked = 0;
  for (const RouteInfo& r : routes) {
    RouteAccess a = route_access(r);
    if (!a.declared()) continue;  // reported by EveryRouteDeclaresItsAccess
    const std::string where = r.method + " " + r.pattern;

    // Anonymous.
    {
      int64_t firm = account(Role::kEnterpriseLegal).enterprise_id;
      ApiResponse resp = call(r, fill(r, firm, &unknown), body_for(r, firm), Session{});
      if (a.is_public) {
        EXPECT_TRUE(resp.status != 401 && resp.status != 403) << where << " anonymous: " << resp.status << " " << resp.body;
      } else {
        EXPECT_EQ(resp.status, 401) << where << " anonymous: " << resp.body;
      }
      ++checked;
    }

    for (Role role : services::kAllRoles) {
      Session s = is_write(r.method) ? as(role) : sessions[role];
      int64_t firm = firm_of(s);
      ApiResponse resp = call(r, fill(r, firm, &unknown), body_for(r, firm), s);
      const std::string who = where + " as " + services::role_name(role);
      if (a.apikey) {
        EXPECT_EQ(resp.status, 401) << who << ": an apikey route must not accept a session";
      } else if (a.allows(role)) {
        EXPECT_TRUE(resp.status != 401 && resp.status != 403) << who << " (allowed): " << resp.status << " " << resp.body;
      } else {
        EXPECT_TRUE(resp.status == 401 || resp.status == 403) << who << " (not allowed): " << resp.status << " " << resp.body;
      }
      ++checked;

      // An enterprise user asking about another firm.
      if (services::is_enterprise_role(role) && a.allows(role) && !enterprise_param(r).empty()) {
        Session s2 = is_write(r.method) ? as(role) : s;
        ApiResponse cross = call(r, fill(r, other, &unknown), body_for(r, other), s2);
        EXPECT_TRUE(cross.status == 403 || cross.status == 404)
            << who << " for another firm (" << other << "): " << cross.status << " " << cross.body;
        ++checked;
      }
    }
  }
  for (const std::string& u : unknown)
    std::printf("[authz matrix] no supplier for %s: used 1 (see testing/authz_matrix.h)\n", u.c_str());
  std::printf("[authz matrix] %zu routes, %d requests checked\n", routes.size(), checked);
}

TEST_P(AuthzMatrix, WritesWithoutCsrfAreRefusedAndChangeNothing) {
  int checked = 0;
  for (const RouteInfo& r : router().routes()) {
    RouteAccess a = route_access(r);
    if (!a.declared() || !is_write(r.method) || a.apikey || a.csrf_exempt) continue;
    // A role that may call it.
    std::optional<Role> allowed;
    for (Role role : services::kAllRoles)
      if (a.allows(role)) {
        allowed = role;
        break;
      }
    if (!allowed) continue;
    Session s = as(*allowed);
    int64_t firm = firm_of(s);
    std::string path = fill(r, firm, nullptr);
    nlohmann::json body = body_for(r, firm);
    std::string before = database_fingerprint();
    for (const Session& bad : {s.without_csrf(), s.with_csrf("wrong-token"), s.with_csrf(s.csrf + "x")}) {
      ApiResponse resp = call(r, path, body, bad);
      EXPECT_EQ(resp.status, 403) << r.method << " " << r.pattern << " without a valid CSRF token: " << resp.body;
      EXPECT_EQ(resp.error_code(), "auth.csrf") << r.method << " " << r.pattern;
    }
    EXPECT_EQ(database_fingerprint(), before) << r.method << " " << r.pattern << " changed the database without CSRF";
    // And the session still works with the token.
    EXPECT_EQ(get("/api/v1/auth/me", s).status, 200);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

ZHIDA_API_TEST(AuthzMatrix);

}  // namespace
}  // namespace zhida::http::testing
