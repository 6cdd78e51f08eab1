// Data sources (C1): the departments' systems that push changed facts with
// an API key, managed by data stewards; and the push itself.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/portrait_http.h"
#include "http/api/session.h"
#include "http/json_body.h"

namespace zhida::http {

using nlohmann::json;

namespace {

constexpr size_t kMaxPushItems = 10000;

// The key of "Authorization: Bearer <key>", or nullopt.
std::optional<std::string> bearer_key(const Request& req) {
  auto h = req.header("Authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer ")) return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

Response authenticate_error(const Error& e) {
  if (e.code.rfind("auth.", 0) == 0) return Response::error(401, e.code, e.message);
  return error_response(e);
}

services::DataSources::Input input_of(const json& j) {
  services::DataSources::Input in;
  if (j.contains("name")) in.name = j["name"].get<std::string>();
  if (j.contains("department")) in.department = j["department"].get<std::string>();
  if (j.contains("description")) in.description = j["description"].get<std::string>();
  if (j.contains("attributes")) in.attributes = j["attributes"].get<std::vector<std::string>>();
  if (j.contains("active")) in.active = j["active"].get<bool>();
  in.rotate_key = j.value("rotate_key", false);
  return in;
}

json created_json(const services::DataSources::Created& c) {
  json j = services::DataSources::to_json(c.source);
  if (!c.key.empty()) {
    j["api_key"] = c.key;
    j["api_key_note"] = "接口密钥只显示这一次，请妥善保存；平台只保存它的摘要";
  }
  return j;
}

// One pushed item's value as cell text: strings as they are, numbers and
// booleans as written, null = missing, an array of strings = a set.
bool cell_text(const json& v, std::optional<std::string>& out, std::string* why) {
  if (v.is_null()) {
    out.reset();
    return true;
  }
  if (v.is_string()) {
    out = v.get<std::string>();
    return true;
  }
  if (v.is_boolean()) {
    out = v.get<bool>() ? "true" : "false";
    return true;
  }
  if (v.is_number_integer()) {
    out = std::to_string(v.get<int64_t>());
    return true;
  }
  if (v.is_number()) {
    out = v.dump();
    return true;
  }
  if (v.is_array()) {
    std::string s;
    for (const auto& m : v) {
      if (!m.is_string()) {
        *why = "集合的取值必须是文本";
        return false;
      }
      s += (s.empty() ? "" : "|") + m.get<std::string>();
    }
    out = s;
    return true;
  }
  *why = "value 应为文本、数字、true/false、null 或文本列表";
  return false;
}

}  // namespace

void register_datasources_routes(Router& router, Api& api) {
  // Requests to "apikey" routes are authenticated here (session.h).
  if (!api.session.api_key_verifier) {
    api.session.api_key_verifier = [&api](const Request& req) -> OrResponse<Principal> {
      auto key = bearer_key(req);
      if (!key)
        return Response::error(401, "auth.api_key_required", "请在 Authorization 头中带上接口密钥：Bearer <密钥>");
      auto source = api.services.data_sources->authenticate(*key);
      if (!source.ok()) return authenticate_error(source.error());
      Principal p;
      p.username = "datasource:" + source->name;
      p.display_name = source->name;
      p.department = source->department;
      return p;
    };
  }

  static const ObjectSchema kCreate{
      Field::string("name").min_length(1).max_length(60),
      Field::string("department").min_length(1).max_length(60),
      Field::string("description").optional().max_length(500),
      Field::string_array("attributes").min_length(1).max_length(2000),
      Field::boolean("active").optional(),
  };
  router.post(
      "/api/v1/datasources",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        auto body = parse_json(req, kCreate);
        if (!body.ok()) return std::move(body).response();
        Issues issues;
        auto c = api.services.data_sources->create(input_of(body.value()), actor_of(req), &issues);
        if (!c.ok()) return portrait_error(c.error(), issues);
        return Response::json(201, created_json(*c));
      },
      {.summary = "登记数据源：名称、来源部门、允许写入的属性；返回只显示一次的接口密钥（数据管理员）",
       .tags = {"datasources", "allow:data_steward"}});

  router.get(
      "/api/v1/datasources",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kAuditor})) return *denied;
        auto rows = api.services.data_sources->list();
        if (!rows.ok()) return portrait_error(rows.error());
        json items = json::array();
        for (const auto& r : *rows) items.push_back(services::DataSources::to_json(r));
        return Response::json(200, {{"items", items}, {"total", items.size()}});
      },
      {.summary = "数据源列表：部门、允许的属性、是否启用、最近使用时间", .tags = {"datasources", "allow:data_steward,auditor"}});

  router.get(
      "/api/v1/datasources/{id}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kAuditor})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto row = api.services.data_sources->get(*id);
        if (!row.ok()) return portrait_error(row.error());
        if (!*row) return Response::error(404, "not_found", "没有找到该数据源");
        return Response::json(200, services::DataSources::to_json(**row));
      },
      {.summary = "一个数据源", .tags = {"datasources", "allow:data_steward,auditor"}});

  static const ObjectSchema kUpdate{
      Field::string("name").optional().min_length(1).max_length(60),
      Field::string("department").optional().min_length(1).max_length(60),
      Field::string("description").optional().max_length(500),
      Field::string_array("attributes").optional().min_length(1).max_length(2000),
      Field::boolean("active").optional(),
      Field::boolean("rotate_key").optional(),
  };
  router.patch(
      "/api/v1/datasources/{id}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto body = parse_json(req, kUpdate);
        if (!body.ok()) return std::move(body).response();
        Issues issues;
        auto c = api.services.data_sources->update(*id, input_of(body.value()), actor_of(req), &issues);
        if (!c.ok()) return portrait_error(c.error(), issues);
        return Response::json(200, created_json(*c));
      },
      {.summary = "修改数据源：部门、允许的属性、启用或停用、更换接口密钥（数据管理员）",
       .tags = {"datasources", "allow:data_steward"}});

  static const ObjectSchema kPush{Field::array("facts").min_length(1).max_length(kMaxPushItems)};
  router.post(
      "/api/v1/facts",
      [&api](Request& req) {
        auto key = bearer_key(req);
        if (!key) return Response::error(401, "auth.api_key_required", "请在 Authorization 头中带上接口密钥：Bearer <密钥>");
        auto source = api.services.data_sources->authenticate(*key);
        if (!source.ok()) return authenticate_error(source.error());
        auto body = parse_json(req, kPush);
        if (!body.ok()) return std::move(body).response();
        const json& facts = body.value()["facts"];
        std::vector<services::DataSources::Item> items;
        std::vector<portrait::RowError> malformed;
        std::vector<size_t> index;  // items[k] is facts[index[k]]
        for (size_t i = 0; i < facts.size(); ++i) {
          const json& f = facts[i];
          auto bad = [&](std::string column, std::string why) {
            malformed.push_back({static_cast<int64_t>(i + 1), std::move(column), "", std::move(why)});
          };
          if (!f.is_object()) {
            bad("", "每一项应为对象 {enterprise_id, attribute, value, as_of}");
            continue;
          }
          std::string unknown;
          for (const auto& [k, v] : f.items())
            if (k != "enterprise_id" && k != "attribute" && k != "value" && k != "as_of") unknown = k;
          if (!unknown.empty()) {
            bad(unknown, fmt::format("未知字段“{}”", unknown));
            continue;
          }
          if (!f.contains("enterprise_id") || !f["enterprise_id"].is_number_integer()) {
            bad("enterprise_id", "缺少企业编号 enterprise_id（正整数）");
            continue;
          }
          if (!f.contains("attribute") || !f["attribute"].is_string() || f["attribute"].get<std::string>().empty() ||
              f["attribute"].get<std::string>().size() > 200) {
            bad("attribute", "缺少属性名 attribute（如 营业收入[2024]）");
            continue;
          }
          if (!f.contains("value")) {
            bad(f["attribute"].get<std::string>(), "缺少取值 value（缺失写 null）");
            continue;
          }
          if (f.contains("as_of") && !f["as_of"].is_string()) {
            bad("as_of", "as_of 应为日期或时间文本");
            continue;
          }
          services::DataSources::Item item;
          item.enterprise_id = f["enterprise_id"].get<int64_t>();
          item.attribute = f["attribute"].get<std::string>();
          std::string why;
          if (!cell_text(f["value"], item.value, &why)) {
            bad(item.attribute, why);
            continue;
          }
          if (item.value && item.value->size() > 4000) {
            bad(item.attribute, "取值太长（最多 4000 字节）");
            continue;
          }
          item.as_of = f.value("as_of", "");
          items.push_back(std::move(item));
          index.push_back(i);
        }
        services::Actor actor{0, "datasource:" + source->name, "", client_ip(req)};
        auto report = api.services.data_sources->push(*source, items, actor);
        if (!report.ok()) return portrait_error(report.error());
        std::vector<portrait::RowError> errors = report->errors;
        for (auto& e : errors) e.line = static_cast<int64_t>(index[static_cast<size_t>(e.line - 1)] + 1);
        errors.insert(errors.end(), malformed.begin(), malformed.end());
        std::sort(errors.begin(), errors.end(),
                  [](const portrait::RowError& a, const portrait::RowError& b) { return a.line < b.line; });
        json details = json::array();
        for (const auto& e : errors)
          details.push_back({{"index", e.line}, {"attribute", e.column}, {"value", e.value}, {"reason", e.reason}});
        if (report->accepted == 0)
          return Response::json(
              400, {{"error",
                     {{"code", "facts.rejected"},
                      {"message", fmt::format("{} 项数据全部有误，未写入任何数据", facts.size())},
                      {"details", details}}}});
        return Response::json(200, {{"accepted", report->accepted},
                                    {"rejected", errors.size()},
                                    {"enterprises", report->enterprises.size()},
                                    {"errors", details}});
      },
      {.summary = "数据源推送变化的企业数据（接口密钥认证）：逐项错误、写入条数",
       .tags = {"datasources", "apikey"},
       .max_body_bytes = uint64_t{16} << 20});
}

}  // namespace zhida::http
