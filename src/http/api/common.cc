#include "http/api/common.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace zhida::http {

namespace {
constexpr const char* kPrincipal = "principal";
}

const Principal* principal_of(const Request& req) { return req.attributes.get<Principal>(kPrincipal); }

void set_principal(Request& req, Principal p) {
  req.user = p.username;
  req.attributes.set<Principal>(kPrincipal, std::move(p));
}

std::optional<Response> require_login(const Request& req) {
  if (principal_of(req) == nullptr) return Response::error(401, "unauthenticated", "请先登录");
  return std::nullopt;
}

std::optional<Response> require_role(const Request& req, std::initializer_list<Role> roles) {
  const Principal* p = principal_of(req);
  if (p == nullptr) return Response::error(401, "unauthenticated", "请先登录");
  for (Role r : roles)
    if (p->role == r) return std::nullopt;
  return Response::error(403, "forbidden", fmt::format("当前角色（{}）无权进行此操作", services::role_name_zh(p->role)));
}

std::optional<Response> require_staff(const Request& req) {
  const Principal* p = principal_of(req);
  if (p == nullptr) return Response::error(401, "unauthenticated", "请先登录");
  if (services::is_enterprise_role(p->role)) return Response::error(403, "forbidden", "企业用户无权访问政府端功能");
  return std::nullopt;
}

std::optional<Response> require_enterprise_access(const Request& req, int64_t enterprise_id) {
  const Principal* p = principal_of(req);
  if (p == nullptr) return Response::error(401, "unauthenticated", "请先登录");
  if (services::is_enterprise_role(p->role) && p->enterprise_id != enterprise_id)
    return Response::error(404, "not_found", "没有找到该企业");
  return std::nullopt;
}

std::optional<Response> require_known_enterprise(const Request& req, const services::Platform& platform,
                                                 int64_t enterprise_id) {
  if (auto denied = require_enterprise_access(req, enterprise_id)) return denied;
  bool known = platform.read([&](const portrait::EnterpriseTable& t) { return t.row_of(enterprise_id).has_value(); });
  if (!known) return Response::error(404, "not_found", "没有找到该企业");
  return std::nullopt;
}

Response error_response(const Error& e) {
  const std::string& c = e.code;
  auto starts = [&](const char* p) { return c.rfind(p, 0) == 0; };
  int status = 500;
  if (c == "db.not_found" || c.find("not_found") != std::string::npos || c.find("no_enterprise") != std::string::npos)
    status = 404;
  else if (c == "db.unique_violation" || c.find("conflict") != std::string::npos || c.find("duplicate") != std::string::npos)
    status = 409;
  else if (c == "forbidden")
    status = 403;
  else if (starts("bad_request") || starts("import.") || starts("policy.") || starts("rule.") || starts("catalog.") ||
           starts("value.") || c.find("invalid") != std::string::npos)
    status = 400;
  else if (c == "db.busy" || c == "db.serialization" || c == "db.connection")
    status = 503;
  if (status == 500) return Response::error(500, "internal", "服务器内部错误，请稍后再试");
  return Response::error(status, c, e.message);
}

Response issues_response(const std::string& code, const std::string& message, const Issues& issues) {
  nlohmann::json details = nlohmann::json::array();
  for (const Issue& i : issues) {
    nlohmann::json d = {{"code", i.code},
                        {"message", i.message},
                        {"severity", i.is_error() ? "error" : "warning"}};
    if (!i.field.empty()) d["field"] = i.field;
    if (i.line > 0) {
      d["line"] = i.line;
      d["column"] = i.column;
      d["length"] = i.length;
    }
    details.push_back(std::move(d));
  }
  return Response::error(400, code, message, details);
}

std::optional<int64_t> id_param(const Request& req, const std::string& name, Response* error) {
  std::string v = std::string(req.param(name));
  int64_t out = 0;
  bool ok = !v.empty() && v.size() <= 18;
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    else out = out * 10 + (c - '0');
  }
  if (!ok || out <= 0) {
    *error = Response::error(400, "bad_request.bad_id", fmt::format("路径参数“{}”必须是正整数", name));
    return std::nullopt;
  }
  return out;
}

std::optional<bool> bool_query(const Request& req, const std::string& name, bool def, Response* error) {
  auto v = req.query_param(name);
  if (!v) return def;
  if (*v == "true") return true;
  if (*v == "false") return false;
  *error = Response::error(400, "bad_request.bad_query", fmt::format("查询参数“{}”必须是 true 或 false", name));
  return std::nullopt;
}

std::optional<Paging> paging_query(const Request& req, Response* error, int64_t max_limit) {
  auto offset = int_query(req, "offset", 0, 0, 1'000'000'000, error);
  if (!offset) return std::nullopt;
  auto limit = int_query(req, "limit", 50, 1, max_limit, error);
  if (!limit) return std::nullopt;
  return Paging{static_cast<int>(*offset), static_cast<int>(*limit)};
}

std::optional<int64_t> int_query(const Request& req, const std::string& name, int64_t def, int64_t min, int64_t max,
                                 Response* error) {
  auto v = req.query_param(name);
  if (!v) return def;
  int64_t out = 0;
  bool ok = !v->empty() && v->size() <= 18;
  for (char c : *v) {
    if (c < '0' || c > '9') ok = false;
    else out = out * 10 + (c - '0');
  }
  if (!ok || out < min || out > max) {
    *error = Response::error(400, "bad_request.bad_query",
                             fmt::format("查询参数“{}”必须是 {} 到 {} 之间的整数", name, min, max));
    return std::nullopt;
  }
  return out;
}

}  // namespace zhida::http
