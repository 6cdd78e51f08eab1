// User accounts (C10): the data steward administers them, the auditor reads
// them; an enterprise's contacts (its 法人 and 经办人, with their sensitive
// facts masked per role and unmasked reads audited).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "services/accounts/mask.h"

namespace zhida::http {

namespace {

using nlohmann::json;

Response accounts_error(const Error& e) {
  if (e.code == "auth.weak_password" || e.code.rfind("user.invalid", 0) == 0)
    return Response::error(400, e.code, e.message);
  if (e.code == "user.duplicate_username") return Response::error(409, e.code, e.message);
  if (e.code == "user.not_found") return Response::error(404, e.code, e.message);
  return error_response(e);
}

json user_json(const services::User& u) {
  json j = u.to_json();
  j["active"] = u.active;
  j["created_at"] = u.created_at;
  j["password_changed_at"] = u.password_changed_at;
  j["has_phone"] = !u.phone.empty();
  return j;
}

// The phone of an account, as a sensitive attribute for masking.
const portrait::Attribute& account_phone() {
  static const portrait::Attribute a = [] {
    portrait::Attribute x;
    x.name = "手机";
    x.sensitivity = portrait::Sensitivity::kSensitive;
    return x;
  }();
  return a;
}

// A text fact of a firm, "" when missing.
std::string text_fact(const portrait::EnterpriseTable& t, size_t row, std::string_view name) {
  const portrait::Attribute* a = t.catalog().attribute(name);
  if (a == nullptr) return "";
  rules::Value v = t.facts(row).get({a->id, 0});
  return v.kind == rules::Value::Kind::kText ? std::string(v.text) : "";
}

}  // namespace

void register_users_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/users",
      [&api](Request& req) {
        Response err;
        store::UserFilter f;
        auto offset = int_query(req, "offset", 0, 0, 1'000'000'000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 50, 1, 500, &err);
        if (!limit) return err;
        f.offset = *offset;
        f.limit = *limit;
        if (auto role = req.query_param("role"); role && !role->empty()) {
          if (!services::parse_role(*role))
            return Response::error(400, "bad_request.bad_query", fmt::format("未知的角色“{}”", *role));
          f.role = std::string(*role);
        }
        if (req.query_param("enterprise_id")) {
          auto e = int_query(req, "enterprise_id", 0, 1, 999'999'999'999'999'999, &err);
          if (!e) return err;
          f.enterprise_id = *e;
        }
        if (auto a = req.query_param("active"); a && !a->empty()) {
          if (*a != "true" && *a != "false")
            return Response::error(400, "bad_request.bad_query", "查询参数“active”应为 true 或 false");
          f.active = *a == "true";
        }
        if (auto q = req.query_param("q")) f.text = std::string(q->substr(0, 64));
        auto page = api.services.accounts->list_users(f);
        if (!page.ok()) return error_response(page.error());
        json items = json::array();
        for (const auto& u : page->items) items.push_back(user_json(u));
        return Response::json(200, {{"items", items}, {"total", page->total}, {"offset", f.offset}, {"limit", f.limit}});
      },
      {.summary = "用户列表（按角色、企业、状态、关键字筛选，分页）",
       .tags = {"users", "allow:data_steward,auditor"}});

  router.get(
      "/api/v1/users/{id}",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto u = api.services.accounts->get_user(*id);
        if (!u.ok()) return error_response(u.error());
        if (!*u) return Response::error(404, "user.not_found", "没有找到该用户");
        json j = user_json(**u);
        // Only the data steward and the auditor reach this route: they see
        // the phone in full, and that read is audited.
        j["phone"] = (*u)->phone;
        if (!(*u)->phone.empty()) {
          Status st = api.services.audit->record(audit_record(
              req, api, "data.sensitive_read", "user", std::to_string(*id),
              {{"fields", json::array({"phone"})}, {"route", "GET /api/v1/users/{id}"}}));
          if (!st.ok()) return error_response(st.error());
        }
        return Response::json(200, j);
      },
      {.summary = "一个用户的详情（含手机号；查看敏感信息会记入审计日志）",
       .tags = {"users", "allow:data_steward,auditor"}});

  static const std::vector<std::string> kRoles = [] {
    std::vector<std::string> v;
    for (services::Role r : services::kAllRoles) v.emplace_back(services::role_name(r));
    return v;
  }();
  static const ObjectSchema kCreate{
      Field::string("username").min_length(2).max_length(64),
      Field::string("display_name").optional().max_length(64),
      Field::string("role").one_of(kRoles),
      Field::integer("enterprise_id").optional().nullable().min(1),
      Field::string("department").optional().max_length(64),
      Field::string("phone").optional().max_length(20),
      Field::string("password").min_length(1).max_length(256),
  };
  router.post(
      "/api/v1/users",
      [&api](Request& req) {
        auto body = parse_json(req, kCreate);
        if (!body.ok()) return std::move(body).response();
        const json& b = body.value();
        services::NewUser n;
        n.username = b["username"].get<std::string>();
        n.display_name = b.value("display_name", "");
        n.role = *services::parse_role(b["role"].get<std::string>());
        if (b.contains("enterprise_id") && b["enterprise_id"].is_number_integer())
          n.enterprise_id = b["enterprise_id"].get<int64_t>();
        n.department = b.value("department", "");
        n.phone = b.value("phone", "");
        n.password = b["password"].get<std::string>();
        auto u = api.services.accounts->create_user(n, actor_of(req));
        if (!u.ok()) return accounts_error(u.error());
        return Response::json(201, user_json(*u));
      },
      {.summary = "新建用户（密码至少 8 位，须含字母和数字）",
       .tags = {"users", "allow:data_steward"}});

  auto set_active = [&api](bool active) {
    return [&api, active](Request& req) {
      Response err;
      auto id = id_param(req, "id", &err);
      if (!id) return err;
      if (!active && principal_of(req)->user_id == *id)
        return Response::error(400, "user.self", "不能停用自己的账户");
      Status st = api.services.accounts->set_active(*id, active, actor_of(req));
      if (!st.ok()) return accounts_error(st.error());
      auto u = api.services.accounts->get_user(*id);
      if (!u.ok() || !*u) return Response::no_content();
      return Response::json(200, user_json(**u));
    };
  };
  router.post("/api/v1/users/{id}/deactivate", set_active(false),
              {.summary = "停用用户（其会话立即失效）", .tags = {"users", "allow:data_steward"}});
  router.post("/api/v1/users/{id}/activate", set_active(true),
              {.summary = "重新启用用户", .tags = {"users", "allow:data_steward"}});

  static const ObjectSchema kReset{Field::string("password").min_length(1).max_length(256)};
  router.post(
      "/api/v1/users/{id}/password",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto body = parse_json(req, kReset);
        if (!body.ok()) return std::move(body).response();
        Status st = api.services.accounts->set_password(*id, body.value()["password"].get<std::string>(),
                                                        actor_of(req));
        if (!st.ok()) return accounts_error(st.error());
        return Response::no_content();
      },
      {.summary = "重置用户密码（其会话全部失效）", .tags = {"users", "allow:data_steward"}});

  router.get(
      "/api/v1/enterprises/{id}/contacts",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        if (auto bad = check_purpose(req)) return *bad;
        const Principal& p = *principal_of(req);
        services::FactMasker masker(p, *id);
        std::optional<json> facts = api.platform.read([&](const portrait::EnterpriseTable& t) -> std::optional<json> {
          auto row = t.row_of(*id);
          if (!row) return std::nullopt;
          const portrait::Catalog& cat = t.catalog();
          auto show = [&](std::string_view name) -> json {
            const portrait::Attribute* a = cat.attribute(name);
            if (a == nullptr) return nullptr;
            std::string v = text_fact(t, *row, name);
            if (v.empty()) return nullptr;
            return masker.show(*a, std::move(v));
          };
          return json{{"name", show("企业名称")},
                      {"legal", {{"name", show("法定代表人")},
                                 {"id_number", show("法定代表人身份证号")},
                                 {"phone", show("法人手机")}}},
                      {"agent", {{"name", show("经办人")}, {"phone", show("经办人手机")}}}};
        });
        if (!facts) return Response::error(404, "not_found", "没有找到该企业");
        auto users = api.services.accounts->users_of_enterprise(*id);
        if (!users.ok()) return error_response(users.error());
        json accounts = json::array();
        for (const auto& u : *users) {
          json j = u.to_json();
          j["phone"] = u.phone.empty() ? json(nullptr) : json(masker.show(account_phone(), u.phone));
          accounts.push_back(std::move(j));
        }
        Status st = record_sensitive_reads(req, api, masker, "企业联系人");
        if (!st.ok()) return error_response(st.error());
        json out = *facts;
        out["enterprise_id"] = *id;
        out["accounts"] = accounts;
        out["masked"] = !services::sees_sensitive(p, *id);
        return Response::json(200, out);
      },
      {.summary = "企业联系人：法定代表人与经办人（敏感信息按角色脱敏，查看原文记入审计日志）及其平台账户",
       .tags = {"users", "enterprises",
                "allow:enterprise_legal,enterprise_agent,policy_officer,reviewer,funds_officer,data_steward,auditor",
                "own-enterprise"}});
}

}  // namespace zhida::http
