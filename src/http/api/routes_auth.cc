// Signing in and out (C10): login, logout, who am I, change my password.
// Other tools rely on these routes' shapes (login: {"csrf_token","user"}).
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/session.h"
#include "http/json_body.h"

namespace zhida::http {

namespace {

// The answer for an accounts error of a sign-in route.
Response auth_error(const Error& e, int64_t retry_after) {
  if (e.code == "auth.invalid_credentials") return Response::error(401, e.code, e.message);
  if (e.code == "auth.inactive") return Response::error(403, e.code, e.message);
  if (e.code == "auth.wrong_password" || e.code == "auth.weak_password")
    return Response::error(400, e.code, e.message);
  if (e.code == "auth.throttled") {
    Response r = Response::error(429, e.code, e.message,
                                 nlohmann::json::array({{{"retry_after_seconds", retry_after}}}));
    r.set_header("Retry-After", std::to_string(retry_after));
    return r;
  }
  return error_response(e);
}

// The firm's name (企业名称, from the replica) of an enterprise user; null
// for staff, and for a firm the replica does not hold.
nlohmann::json enterprise_name(const Api& api, const services::Principal& p) {
  if (!services::is_enterprise_role(p.role) || p.enterprise_id <= 0) return nullptr;
  return api.platform.read([&](const portrait::EnterpriseTable& t) -> nlohmann::json {
    auto row = t.row_of(p.enterprise_id);
    const portrait::Attribute* a = t.catalog().attribute("企业名称");
    if (!row || a == nullptr) return nullptr;
    rules::Value v = t.facts(*row).get({a->id, 0});
    if (v.kind != rules::Value::Kind::kText || v.text.empty()) return nullptr;
    return std::string(v.text);
  });
}

nlohmann::json session_json(const Api& api, const services::UserSession& s) {
  nlohmann::json user = principal_json(s.principal);
  user["enterprise_name"] = enterprise_name(api, s.principal);
  return {{"csrf_token", s.csrf_token},
          {"user", std::move(user)},
          {"expires_at", s.expires_at},
          {"idle_expires_at", s.idle_expires_at}};
}

}  // namespace

void register_auth_routes(Router& router, Api& api) {
  static const ObjectSchema kLogin{
      Field::string("username").min_length(1).max_length(64),
      Field::string("password").min_length(1).max_length(256),
  };
  router.post(
      "/api/v1/auth/login",
      [&api](Request& req) {
        auto body = parse_json(req, kLogin);
        if (!body.ok()) return std::move(body).response();
        services::LoginRequest login;
        login.username = body.value()["username"].get<std::string>();
        login.password = body.value()["password"].get<std::string>();
        login.ip = client_ip(req);
        login.user_agent = std::string(req.header("User-Agent").value_or(""));
        int64_t retry_after = 0;
        auto s = api.services.accounts->login(login, &retry_after);
        if (!s.ok()) return auth_error(s.error(), retry_after);
        Response r = Response::json(200, session_json(api, *s));
        set_session_cookie(r, s->token, api.session);
        r.set_header("Cache-Control", "no-store");
        return r;
      },
      {.summary = "登录：设置会话 Cookie，返回 CSRF 令牌与用户信息",
       .tags = {"auth", "public", "csrf-exempt"}});

  router.post(
      "/api/v1/auth/logout",
      [&api](Request& req) {
        const services::UserSession* s = session_of(req);
        if (s == nullptr) return Response::error(401, "unauthenticated", "请先登录");
        Status st = api.services.accounts->logout(*s, client_ip(req));
        if (!st.ok()) return error_response(st.error());
        Response r = Response::no_content();
        clear_session_cookie(r, api.session);
        return r;
      },
      {.summary = "退出登录：结束会话并清除 Cookie", .tags = {"auth", "any"}});

  router.get(
      "/api/v1/auth/me",
      [&api](Request& req) {
        const services::UserSession* s = session_of(req);
        if (s == nullptr) return Response::error(401, "unauthenticated", "请先登录");
        Response r = Response::json(200, session_json(api, *s));
        r.set_header("Cache-Control", "no-store");
        return r;
      },
      {.summary = "当前用户与会话（含 CSRF 令牌，页面刷新后用它恢复）", .tags = {"auth", "any"}});

  static const ObjectSchema kPassword{
      Field::string("old_password").min_length(1).max_length(256),
      Field::string("new_password").min_length(1).max_length(256),
  };
  router.post(
      "/api/v1/auth/password",
      [&api](Request& req) {
        const services::UserSession* s = session_of(req);
        if (s == nullptr) return Response::error(401, "unauthenticated", "请先登录");
        auto body = parse_json(req, kPassword);
        if (!body.ok()) return std::move(body).response();
        int64_t retry_after = 0;
        Status st = api.services.accounts->change_password(
            *s, body.value()["old_password"].get<std::string>(),
            body.value()["new_password"].get<std::string>(), client_ip(req), &retry_after);
        if (!st.ok()) return auth_error(st.error(), retry_after);
        return Response::no_content();
      },
      {.summary = "修改自己的密码（其他会话随之结束）", .tags = {"auth", "any"}});
}

}  // namespace zhida::http
