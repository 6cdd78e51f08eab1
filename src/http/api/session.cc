#include "http/api/session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "base/utf8.h"
#include "http/api/api.h"
#include "http/api/common.h"
#include "services/accounts/password.h"

namespace zhida::http {

using services::Principal;
using services::Role;

namespace {

constexpr const char* kSessionAttr = "session";
constexpr const char* kClientIpAttr = "client_ip";

bool state_changing(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string compute_ip(const Request& req, const SessionConfig& config) {
  const std::string& peer = req.remote_address;
  if (std::find(config.trusted_proxies.begin(), config.trusted_proxies.end(), peer) ==
      config.trusted_proxies.end())
    return peer;
  auto xff = req.header("X-Forwarded-For");
  if (!xff) return peer;
  std::string_view v = *xff;
  size_t comma = v.rfind(',');
  std::string_view last = trim(comma == std::string_view::npos ? v : v.substr(comma + 1));
  if (last.empty() || last.size() > 45) return peer;
  for (char c : last)
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':')) return peer;
  return std::string(last);
}

}  // namespace

bool RouteAccess::allows(Role role) const {
  if (is_public || any) return true;
  return std::find(allow.begin(), allow.end(), role) != allow.end();
}

RouteAccess route_access(const RouteInfo& route) {
  RouteAccess a;
  int kinds = 0;
  bool has_allow = false;
  for (const std::string& tag : route.tags) {
    if (tag == "public") {
      a.is_public = true;
      ++kinds;
    } else if (tag == "any") {
      a.any = true;
      ++kinds;
    } else if (tag == "apikey") {
      a.apikey = true;
      ++kinds;
    } else if (tag == "own-enterprise") {
      a.own_enterprise = true;
    } else if (tag == "csrf-exempt") {
      a.csrf_exempt = true;
    } else if (tag.rfind("allow:", 0) == 0) {
      if (!has_allow) ++kinds;
      has_allow = true;
      std::string_view list = std::string_view(tag).substr(6);
      while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view name = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        auto role = services::parse_role(name);
        if (!role) {
          a.problem = fmt::format("unknown role \"{}\" in tag \"{}\"", name, tag);
          continue;
        }
        if (std::find(a.allow.begin(), a.allow.end(), *role) == a.allow.end())
          a.allow.push_back(*role);
      }
      if (a.allow.empty() && a.problem.empty()) a.problem = "empty allow: tag";
    }
  }
  if (!a.problem.empty()) return a;
  if (kinds == 0)
    a.problem = "no access tag (public, any, allow:<roles> or apikey)";
  else if (kinds > 1)
    a.problem = "more than one access tag";
  else if (a.own_enterprise && !a.allows(Role::kEnterpriseLegal) &&
           !a.allows(Role::kEnterpriseAgent))
    a.problem = "own-enterprise on a route that enterprise roles may not call";
  else if (a.own_enterprise && a.is_public)
    a.problem = "own-enterprise on a public route";
  else if (a.csrf_exempt && !a.is_public)
    a.problem = "csrf-exempt is only for public routes (login)";
  return a;
}

std::string enterprise_param(const RouteInfo& route) {
  std::string_view p = route.pattern;
  if (p.find("{enterprise_id}") != std::string_view::npos) return "enterprise_id";
  // "/enterprises/{name}"
  size_t at = p.find("/enterprises/{");
  if (at == std::string_view::npos) return "";
  size_t start = at + std::string_view("/enterprises/{").size();
  size_t end = p.find('}', start);
  if (end == std::string_view::npos) return "";
  return std::string(p.substr(start, end - start));
}

const services::UserSession* session_of(const Request& req) {
  return req.attributes.get<services::UserSession>(kSessionAttr);
}

std::string client_ip(const Request& req) {
  if (const std::string* ip = req.attributes.get<std::string>(kClientIpAttr)) return *ip;
  return req.remote_address;
}

void set_session_cookie(Response& r, std::string_view token, const SessionConfig& config) {
  CookieOptions o;
  o.http_only = true;
  o.secure = config.secure_cookies;
  o.same_site = SameSite::kStrict;
  o.path = "/";
  r.set_cookie(kSessionCookie, token, o);
}

void clear_session_cookie(Response& r, const SessionConfig& config) {
  CookieOptions o;
  o.http_only = true;
  o.secure = config.secure_cookies;
  o.same_site = SameSite::kStrict;
  o.path = "/";
  r.clear_cookie(kSessionCookie, o);
}

Middleware session_middleware(Api& api) {
  return [&api](Request& req) -> std::optional<Response> {
    if (req.route == nullptr) return std::nullopt;
    const RouteInfo& route = *req.route;
    const SessionConfig& config = api.session;
    req.attributes.set<std::string>(kClientIpAttr, compute_ip(req, config));

    RouteAccess access = route_access(route);
    if (!access.declared()) {
      spdlog::error("route {} {} refused: {} (see http/api/session.h)", route.method, route.pattern,
                    access.problem);
      return Response::error(500, "internal", "服务器内部错误：该接口未正确声明访问权限");
    }

    // Data sources: the API key and nothing else.
    if (access.apikey) {
      if (!config.api_key_verifier)
        return Response::error(401, "auth.api_key_required", "此接口需使用接口密钥（API Key）调用");
      OrResponse<Principal> p = config.api_key_verifier(req);
      if (!p.ok()) return std::move(p).response();
      set_principal(req, std::move(p).value());
      return std::nullopt;
    }

    bool had_cookie = false;
    if (auto cookie = req.cookie(kSessionCookie); cookie && !cookie->empty()) {
      had_cookie = true;
      auto s = api.services.accounts->resolve(*cookie);
      if (!s.ok()) {
        spdlog::error("session lookup failed: {} {}", s.error().code, s.error().message);
        return error_response(s.error());
      }
      if (*s) {
        set_principal(req, (*s)->principal);
        req.attributes.set<services::UserSession>(kSessionAttr, std::move(**s));
      }
    }
    const services::UserSession* session = session_of(req);

    if (session && state_changing(req.method) && !access.csrf_exempt) {
      auto token = req.header(kCsrfHeader);
      if (!token || !services::equal_constant_time(*token, session->csrf_token))
        return Response::error(403, "auth.csrf",
                               "请求缺少有效的 CSRF 令牌（X-CSRF-Token），请刷新页面后重试");
    }

    if (access.is_public) return std::nullopt;
    const Principal* p = principal_of(req);
    if (p == nullptr) {
      Response r = Response::error(401, "unauthenticated",
                                   had_cookie ? "登录已过期，请重新登录" : "请先登录");
      if (had_cookie) clear_session_cookie(r, config);
      return r;
    }
    if (!access.allows(p->role))
      return Response::error(403, "forbidden",
                             fmt::format("当前角色（{}）无权进行此操作", services::role_name_zh(p->role)));
    if (services::is_enterprise_role(p->role)) {
      std::string name = enterprise_param(route);
      if (!name.empty() && req.param(name) != std::to_string(p->enterprise_id))
        return Response::error(404, "not_found", "没有找到该企业");
    }
    return std::nullopt;
  };
}

nlohmann::json principal_json(const Principal& p) {
  return {{"id", p.user_id},
          {"username", p.username},
          {"display_name", p.display_name},
          {"role", services::role_name(p.role)},
          {"role_zh", services::role_name_zh(p.role)},
          {"enterprise_id", p.enterprise_id > 0 ? nlohmann::json(p.enterprise_id) : nlohmann::json(nullptr)},
          {"department", p.department}};
}

services::Actor actor_of(const Request& req) {
  if (const Principal* p = principal_of(req)) return services::Actor::of(*p, client_ip(req));
  return services::Actor{0, "", "", client_ip(req)};
}

store::AuditRecord audit_record(const Request& req, const Api& api, std::string action,
                                std::string target_type, std::string target_id,
                                const nlohmann::json& detail) {
  return services::audit_record(api.platform.clock(), actor_of(req), std::move(action),
                                std::move(target_type), std::move(target_id), detail);
}

std::optional<Response> check_purpose(const Request& req) {
  auto why = req.query_param("purpose");
  if (!why) return std::nullopt;
  if (!utf8::valid(*why))
    return Response::error(400, "bad_request.bad_query", "查询参数“purpose”必须是 UTF-8 文本");
  if (utf8::length(*why) > kMaxPurposeLength)
    return Response::error(400, "bad_request.bad_query",
                           fmt::format("查询参数“purpose”太长（最多 {} 个字符）", kMaxPurposeLength));
  return std::nullopt;
}

Status record_sensitive_reads(const Request& req, Api& api, const services::FactMasker& masker,
                              std::string_view purpose) {
  if (masker.revealed().empty()) return Status::Ok();
  nlohmann::json detail = {{"fields", masker.revealed()}, {"what", std::string(purpose)}};
  if (req.route) detail["route"] = req.route->method + " " + req.route->pattern;
  if (auto why = req.query_param("purpose"); why && !why->empty())
    detail["purpose"] = std::string(*why);
  return api.services.audit->record(audit_record(req, api, "data.sensitive_read", "enterprise",
                                                 std::to_string(masker.enterprise_id()), detail));
}

}  // namespace zhida::http
