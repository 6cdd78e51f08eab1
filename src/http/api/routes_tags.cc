// Tags (企业标签, C1): named rules computed for every firm, usable in policy
// rules like any attribute; managed by data stewards.
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

constexpr const char* kReaders = "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader";

services::Tags::Input input_of(const json& j) {
  services::Tags::Input in;
  if (j.contains("name")) in.name = j["name"].get<std::string>();
  if (j.contains("rule")) in.rule = j["rule"].get<std::string>();
  if (j.contains("description")) in.description = j["description"].get<std::string>();
  if (j.contains("reference_year"))
    in.reference_year = j["reference_year"].is_null() ? std::optional<int>() : std::optional<int>(j["reference_year"].get<int>());
  if (j.contains("active")) in.active = j["active"].get<bool>();
  return in;
}

json issues_json(const Issues& issues) {
  json out = json::array();
  for (const Issue& i : issues) {
    json d = {{"code", i.code}, {"message", i.message}, {"severity", i.is_error() ? "error" : "warning"}};
    if (!i.field.empty()) d["field"] = i.field;
    if (i.line > 0) {
      d["line"] = i.line;
      d["column"] = i.column;
      d["length"] = i.length;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

void register_tags_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/tags",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        auto rows = api.services.tags->list();
        if (!rows.ok()) return portrait_error(rows.error());
        json items = json::array();
        for (const auto& r : *rows) items.push_back(api.services.tags->to_json(r));
        return Response::json(200, {{"items", items}, {"total", items.size()}});
      },
      {.summary = "企业标签：规则、说明、是否启用、符合 / 不符合 / 无法判断的企业数", .tags = {"tags", kReaders}});

  router.get(
      "/api/v1/tags/{id}",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto row = api.services.tags->get(*id);
        if (!row.ok()) return portrait_error(row.error());
        if (!*row) return Response::error(404, "not_found", "没有找到该标签");
        return Response::json(200, api.services.tags->to_json(**row));
      },
      {.summary = "一个企业标签", .tags = {"tags", kReaders}});

  static const ObjectSchema kCreate{
      Field::string("name").min_length(1).max_length(40),
      Field::string("rule").min_length(1).max_length(8000),
      Field::string("description").optional().max_length(1000),
      Field::integer("reference_year").optional().nullable().min(2000).max(2100),
      Field::boolean("active").optional(),
  };
  router.post(
      "/api/v1/tags",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        auto body = parse_json(req, kCreate);
        if (!body.ok()) return std::move(body).response();
        Issues issues;
        auto row = api.services.tags->create(input_of(body.value()), actor_of(req), &issues);
        if (!row.ok()) return portrait_error(row.error(), issues);
        json out = api.services.tags->to_json(*row);
        out["warnings"] = issues_json(issues);
        return Response::json(201, out);
      },
      {.summary = "新建企业标签（数据管理员）：规则按数据目录检查，错误逐条给出行、列", .tags = {"tags", "allow:data_steward"}});

  static const ObjectSchema kUpdate{
      Field::string("name").optional().min_length(1).max_length(40),
      Field::string("rule").optional().min_length(1).max_length(8000),
      Field::string("description").optional().max_length(1000),
      Field::integer("reference_year").optional().nullable().min(2000).max(2100),
      Field::boolean("active").optional(),
  };
  router.patch(
      "/api/v1/tags/{id}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto body = parse_json(req, kUpdate);
        if (!body.ok()) return std::move(body).response();
        Issues issues;
        auto row = api.services.tags->update(*id, input_of(body.value()), actor_of(req), &issues);
        if (!row.ok()) return portrait_error(row.error(), issues);
        json out = api.services.tags->to_json(*row);
        out["warnings"] = issues_json(issues);
        return Response::json(200, out);
      },
      {.summary = "修改企业标签的规则、说明、参考年度，启用或停用（数据管理员）；改规则后对全部企业重算",
       .tags = {"tags", "allow:data_steward"}});

  router.del(
      "/api/v1/tags/{id}",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward})) return *denied;
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        Issues issues;
        Status st = api.services.tags->remove(*id, actor_of(req), &issues);
        if (!st.ok()) return portrait_error(st.error(), issues);
        return Response::no_content();
      },
      {.summary = "删除企业标签（数据管理员）；正被政策或其他标签使用的不能删除", .tags = {"tags", "allow:data_steward"}});

  static const ObjectSchema kCheck{
      Field::string("name").min_length(1).max_length(40),
      Field::string("rule").min_length(1).max_length(8000),
      Field::integer("reference_year").optional().nullable().min(2000).max(2100),
  };
  router.post(
      "/api/v1/tags/check",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kDataSteward, Role::kPolicyOfficer})) return *denied;
        auto body = parse_json(req, kCheck);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        std::optional<int> year;
        if (j.contains("reference_year") && !j["reference_year"].is_null()) year = j["reference_year"].get<int>();
        auto issues = api.services.tags->check(j["name"], j["rule"], year);
        if (!issues.ok()) return portrait_error(issues.error());
        return Response::json(200, {{"ok", !has_errors(*issues)}, {"issues", issues_json(*issues)}});
      },
      {.summary = "检查标签规则而不保存（编辑时逐条给出错误的行、列）", .tags = {"tags", "allow:data_steward,policy_officer"}});
}

}  // namespace zhida::http
