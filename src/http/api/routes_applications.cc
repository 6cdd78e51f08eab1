// Applications (C5): the prefilled form (秒填), applying (秒批 or to review),
// drafts, resubmission after 退回补正, materials (content-addressed uploads),
// an application with its decisions and timeline, and decision checks.
//
// Fixed contract (other tools rely on it): POST /api/v1/applications with
// {"policy_id","enterprise_id","declarations","materials"} answers
// {"id","status","decision"}; GET /api/v1/applications/{id}.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/applications_http.h"
#include "http/api/common.h"
#include "http/api/list_export.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "http/url.h"
#include "workflow/materials.h"
#include "workflow/money.h"

namespace zhida::http {

using nlohmann::json;

// ---------------------------------------------------------------- shared helpers

services::Caller caller_of(const Request& req) {
  const Principal* p = principal_of(req);
  services::Caller c;
  c.actor = actor_of(req);
  c.name = p ? p->display_name : "";
  return c;
}

Response applications_error(const Error& e, const Issues& issues) {
  const std::string& c = e.code;
  int status = 0;
  if (c == "application.not_found" || c == "policy.not_found" || c == "enterprise.not_found" ||
      c == "material.not_found")
    status = 404;
  else if (c == "application.invalid" || c == "application.incomplete" ||
           c == "review.reasons_required" || c == "material.invalid" ||
           c.rfind("bad_request", 0) == 0)
    status = 400;
  else if (c == "material.too_large")
    status = 413;
  else if (c == "material.unsupported_type")
    status = 415;
  else if (c == "review.not_assignee" || c == "forbidden")
    status = 403;
  else if (c.rfind("application.", 0) == 0 || c.rfind("review.", 0) == 0 ||
           c == "policy.not_published")
    status = 409;
  if (status == 0) return error_response(e);
  if (issues.empty()) return Response::error(status, c, e.message);
  json details = json::array();
  for (const Issue& i : issues) {
    json d = {{"code", i.code}, {"message", i.message}};
    if (!i.field.empty()) d["field"] = i.field;
    details.push_back(std::move(d));
  }
  return Response::error(status, c, e.message, details);
}

namespace {

void problem(Issues& problems, std::string field, std::string message) {
  problems.push_back({Severity::kError, "bad_request.invalid_value", std::move(message), 0, 0, 0,
                      std::move(field)});
}

}  // namespace

std::vector<workflow::Declaration> declarations_of(const json& arr, Issues& problems) {
  std::vector<workflow::Declaration> out;
  if (arr.is_null()) return out;
  if (!arr.is_array()) {
    problem(problems, "declarations", "declarations 必须是列表");
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& x = arr[i];
    std::string f = fmt::format("declarations[{}]", i);
    if (!x.is_object()) {
      problem(problems, f,
              "每项申报必须是对象 {\"condition\",\"commitment\",\"attribute\",\"value\",\"text\"}");
      continue;
    }
    workflow::Declaration d;
    for (auto& [k, v] : x.items()) {
      if (k == "condition") {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1000)
          problem(problems, f + ".condition", "condition 必须是条件的序号（从 0 开始）");
        else
          d.condition = v.get<int>();
      } else if (k == "commitment") {
        if (!v.is_boolean())
          problem(problems, f + ".commitment", "commitment 必须是 true 或 false");
        else
          d.commitment = v.get<bool>();
      } else if (k == "attribute") {
        if (!v.is_string() || v.get<std::string>().size() > 200)
          problem(problems, f + ".attribute", "attribute 必须是数据项名称，如 研发费用[2024]");
        else
          d.attribute = v.get<std::string>();
      } else if (k == "value") {
        if (v.is_string())
          d.value = v.get<std::string>();
        else if (v.is_number_integer() || v.is_number_float())
          d.value = v.dump();
        else if (v.is_boolean())
          d.value = v.get<bool>() ? "true" : "false";
        else
          problem(problems, f + ".value", "value 必须是文本或数字");
        if (d.value.size() > 2000) problem(problems, f + ".value", "value 过长");
      } else if (k == "text") {
        if (!v.is_string() || v.get<std::string>().size() > 4000)
          problem(problems, f + ".text", "text 必须是不超过 4000 字节的文本");
        else
          d.text = v.get<std::string>();
      } else {
        problems.push_back({Severity::kError, "bad_request.unknown_field",
                            fmt::format("未知的字段“{}”", k), 0, 0, 0, f + "." + k});
      }
    }
    if (!d.attribute.empty() && !x.contains("value"))
      problem(problems, f + ".value", "申报数据项时需给出 value");
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<workflow::MaterialRef> materials_of(const json& arr, Issues& problems) {
  std::vector<workflow::MaterialRef> out;
  if (arr.is_null()) return out;
  if (!arr.is_array()) {
    problem(problems, "materials", "materials 必须是列表");
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& x = arr[i];
    std::string f = fmt::format("materials[{}]", i);
    if (!x.is_object()) {
      problem(problems, f,
              "每项材料必须是对象 {\"name\",\"id\"} 或 {\"name\",\"commitment\":true}");
      continue;
    }
    workflow::MaterialRef m;
    for (auto& [k, v] : x.items()) {
      if (k == "name") {
        if (!v.is_string() || v.get<std::string>().size() > 400)
          problem(problems, f + ".name", "name 必须是材料名称");
        else
          m.name = v.get<std::string>();
      } else if (k == "condition") {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1000)
          problem(problems, f + ".condition", "condition 必须是条件的序号（从 0 开始）");
        else
          m.condition = v.get<int>();
      } else if (k == "id" || k == "upload_id") {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0)
          problem(problems, f + "." + k, "id 必须是上传材料时返回的编号");
        else
          m.upload_id = v.get<int64_t>();
      } else if (k == "commitment") {
        if (!v.is_boolean())
          problem(problems, f + ".commitment", "commitment 必须是 true 或 false");
        else
          m.commitment = v.get<bool>();
      } else if (k == "sha256" || k == "file_name") {
        // Echoed back from a GET: ignored (the upload id decides).
      } else {
        problems.push_back({Severity::kError, "bad_request.unknown_field",
                            fmt::format("未知的字段“{}”", k), 0, 0, 0, f + "." + k});
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<workflow::Verdict> verdicts_of(const json& arr, Issues& problems) {
  std::vector<workflow::Verdict> out;
  if (arr.is_null()) return out;
  if (!arr.is_array()) {
    problem(problems, "items", "items 必须是列表");
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& x = arr[i];
    std::string f = fmt::format("items[{}]", i);
    if (!x.is_object() || !x.contains("key") || !x["key"].is_string() || !x.contains("verdict") ||
        !x["verdict"].is_string()) {
      problem(problems, f, "每个核查项必须是 {\"key\",\"verdict\":\"pass|fail|pending\",\"note\"}");
      continue;
    }
    workflow::Verdict v;
    v.key = x["key"].get<std::string>();
    v.verdict = x["verdict"].get<std::string>();
    if (x.contains("note")) {
      if (!x["note"].is_string() || x["note"].get<std::string>().size() > 4000)
        problem(problems, f + ".note", "note 必须是不超过 4000 字节的文本");
      else
        v.note = x["note"].get<std::string>();
    }
    out.push_back(std::move(v));
  }
  return out;
}

OrResponse<json> object_body(const Request& req, std::initializer_list<const char*> allowed) {
  auto body = parse_json(req);
  if (!body.ok()) return std::move(body).response();
  json j = std::move(body).value();
  if (!j.is_object())
    return validation_error({{"", "bad_request.wrong_type", "请求体必须是 JSON 对象"}});
  std::vector<FieldProblem> problems;
  for (auto& [k, v] : j.items()) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) problems.push_back({k, "bad_request.unknown_field", fmt::format("未知的字段“{}”", k)});
  }
  if (!problems.empty()) return validation_error(problems);
  return j;
}

Response problems_response(const Issues& problems) {
  std::vector<FieldProblem> ps;
  for (const Issue& i : problems) ps.push_back({i.field, i.code, i.message});
  return validation_error(ps);
}

namespace {

// The enterprise a request acts for: an enterprise user's own firm (another
// firm named is 404), or the enterprise_id given (staff).
std::optional<int64_t> enterprise_for(const Request& req, std::optional<int64_t> given,
                                      Response* err) {
  const Principal* p = principal_of(req);
  if (p && services::is_enterprise_role(p->role)) {
    if (given && *given != p->enterprise_id) {
      *err = Response::error(404, "not_found", "没有找到该企业");
      return std::nullopt;
    }
    return p->enterprise_id;
  }
  if (!given) {
    *err = Response::error(400, "bad_request.missing_field", "缺少企业编号 enterprise_id");
    return std::nullopt;
  }
  return given;
}

// Loads an application and checks that the caller may see it (an enterprise
// user: only its own firm's, else 404).
std::optional<store::ApplicationRow> visible_application(const Request& req, Api& api,
                                                         Response* err) {
  auto id = id_param(req, "id", err);
  if (!id) return std::nullopt;
  auto row = api.services.applications->find(*id);
  if (!row.ok()) {
    *err = applications_error(row.error());
    return std::nullopt;
  }
  if (!*row) {
    *err = Response::error(404, "application.not_found", "没有找到该申请");
    return std::nullopt;
  }
  if (auto denied = require_enterprise_access(req, (*row)->enterprise_id)) {
    *err = Response::error(404, "application.not_found", "没有找到该申请");
    return std::nullopt;
  }
  return std::move(**row);
}

std::optional<int64_t> optional_id_query(const Request& req, const char* name, Response* err) {
  if (!req.query_param(name)) return std::nullopt;
  auto v = int_query(req, name, 0, 1, 999'999'999'999'999'999, err);
  if (!v) return std::optional<int64_t>();
  return v;
}

}  // namespace

// ---------------------------------------------------------------- the list and its export
namespace {

// The application list's query from the request: enterprise users get
// their own firm's only (another firm: 404); paging only when `paged`
// (the export takes every row).
std::optional<store::ApplicationQuery> application_list_query(const Request& req, bool paged,
                                                              Response* err) {
  store::ApplicationQuery q;
  if (paged && !page_into(req, q, err)) return std::nullopt;
  std::optional<int64_t> given;
  if (req.query_param("enterprise_id")) {
    given = optional_id_query(req, "enterprise_id", err);
    if (!given) return std::nullopt;
  }
  const Principal* p = principal_of(req);
  if (p && services::is_enterprise_role(p->role)) {
    if (given && *given != p->enterprise_id) {
      *err = Response::error(404, "not_found", "没有找到该企业");
      return std::nullopt;
    }
    q.enterprise_id = p->enterprise_id;
  } else if (given) {
    q.enterprise_id = *given;
  }
  if (auto pid = req.query_param("policy_id")) q.policy_id = std::string(pid->substr(0, 64));
  if (auto st = req.query_param("status"); st && !st->empty()) {
    std::string_view s = *st;
    while (!s.empty()) {
      size_t comma = s.find(',');
      std::string one(s.substr(0, comma));
      if (!workflow::parse_status(one)) {
        *err = Response::error(400, "bad_request.bad_query", fmt::format("未知的申请状态“{}”", one));
        return std::nullopt;
      }
      q.statuses.push_back(one);
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
  }
  return q;
}

}  // namespace

std::string_view status_zh_of(std::string_view status) {
  auto s = workflow::parse_status(status);
  return s ? std::string_view(workflow::status_name_zh(*s)) : status;
}

Status export_applications(
    const std::function<Result<services::Applications::Page>(const store::ApplicationQuery&)>& page_of,
    store::ApplicationQuery q, bool review, ListExport& e) {
  e.columns = {{"申请编号", 10}, {"企业编号", 10}, {"企业名称", 36}, {"政策编号", 14}, {"政策名称", 36},
               {"年度", 7},      {"状态", 10},     {"秒批", 6},      {"核定金额（元）", 16, true},
               {"预计金额（元）", 16, true}};
  if (review) {
    e.columns.push_back({"审核员", 12});
    e.columns.push_back({"办理期限", 12});
    e.columns.push_back({"是否超期", 9});
  }
  e.columns.push_back({"提交时间", 20});
  e.columns.push_back({"决定时间", 20});
  e.total_row = true;
  constexpr int kPage = 1000;
  q.offset = 0;
  q.limit = kPage;
  std::set<int64_t> firms;
  while (static_cast<int64_t>(e.rows.size()) < kMaxExportRows) {
    q.limit = static_cast<int>(std::min<int64_t>(kPage, kMaxExportRows - static_cast<int64_t>(e.rows.size())));
    auto page = page_of(q);
    if (!page.ok()) return page.error();
    e.total = page->total;
    for (const json& a : page->items) {
      std::vector<services::SheetCell> row = {
          cell(a, "id"), cell(a, "enterprise_id"), cell(a, "enterprise_name"), cell(a, "policy_id"),
          cell(a, "policy_name"), cell(a, "year"),
          std::string(status_zh_of(text_of(a, "status"))),
          std::string(a.contains("decision") && flag_of(a["decision"], "instant") ? "是" : ""),
          money_cell(a, "award_fen"), money_cell(a, "estimate_fen")};
      if (review) {
        row.push_back(a.contains("assignee") ? cell(a["assignee"], "name") : services::SheetCell(std::string()));
        row.push_back(cell(a, "due_on"));
        row.push_back(std::string(flag_of(a, "overdue") ? "是" : ""));
      }
      row.push_back(china_time_text(text_of(a, "submitted_at")));
      row.push_back(china_time_text(text_of(a, "decided_at")));
      e.rows.push_back(std::move(row));
      if (a.contains("enterprise_id") && a["enterprise_id"].is_number_integer())
        firms.insert(a["enterprise_id"].get<int64_t>());
    }
    q.offset += static_cast<int>(page->items.size());
    if (page->items.empty() || q.offset >= page->total) break;
  }
  e.enterprises.assign(firms.begin(), firms.end());
  return Status::Ok();
}

void register_applications_routes(Router& router, Api& api) {
  const std::vector<std::string> kEnterprise = {
      "applications", "allow:enterprise_legal,enterprise_agent", "own-enterprise"};

  router.get("/api/v1/applications/form",
             [&api](Request& req) {
               Response err;
               auto policy = req.query_param("policy_id");
               if (!policy || policy->empty())
                 return Response::error(400, "bad_request.missing_field", "缺少政策编号 policy_id");
               std::optional<int64_t> given;
               if (req.query_param("enterprise_id")) {
                 given = optional_id_query(req, "enterprise_id", &err);
                 if (!given) return err;
               }
               auto ent = enterprise_for(req, given, &err);
               if (!ent) return err;
               auto f = api.services.applications->form(*ent, std::string(*policy));
               if (!f.ok()) return applications_error(f.error());
               return Response::json(200, *f);
             },
             {.summary = "申报表（秒填）：企业数据预填，逐条说明哪些条件已由数据核验、哪些需承诺或"
                         "材料，以及预计金额",
              .tags = {"applications", "any", "own-enterprise"}});

  router.post(
      "/api/v1/applications",
      [&api](Request& req) {
        auto body =
            object_body(req, {"policy_id", "enterprise_id", "declarations", "materials", "submit"});
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        Issues problems;
        if (!j.contains("policy_id") || !j["policy_id"].is_string() ||
            j["policy_id"].get<std::string>().empty())
          problems.push_back({Severity::kError, "bad_request.missing_field",
                              "缺少政策编号 policy_id", 0, 0, 0, "policy_id"});
        std::optional<int64_t> given;
        if (j.contains("enterprise_id") && !j["enterprise_id"].is_null()) {
          if (!j["enterprise_id"].is_number_integer() || j["enterprise_id"].get<int64_t>() <= 0)
            problems.push_back({Severity::kError, "bad_request.wrong_type",
                                "enterprise_id 必须是正整数", 0, 0, 0, "enterprise_id"});
          else
            given = j["enterprise_id"].get<int64_t>();
        }
        if (j.contains("submit") && !j["submit"].is_boolean())
          problems.push_back({Severity::kError, "bad_request.wrong_type",
                              "submit 必须是 true 或 false", 0, 0, 0, "submit"});
        services::ApplicationInput in;
        in.declarations = declarations_of(j.value("declarations", json()), problems);
        in.materials = materials_of(j.value("materials", json()), problems);
        if (!problems.empty()) return problems_response(problems);
        Response err;
        auto ent = enterprise_for(req, given, &err);
        if (!ent) return err;
        in.enterprise_id = *ent;
        in.policy_id = j["policy_id"].get<std::string>();
        in.submit = j.value("submit", true);
        Issues issues;
        auto r = api.services.applications->create(caller_of(req), in, &issues);
        if (!r.ok()) return applications_error(r.error(), issues);
        return Response::json(201, r->to_json());
      },
      {.summary = "申报：按企业数据即时决定——全部条件由数据证实即秒批，否则进入审核；submit=false "
                  "只保存草稿",
       .tags = kEnterprise});

  router.get("/api/v1/applications",
             [&api](Request& req) {
               Response err;
               auto q = application_list_query(req, true, &err);
               if (!q) return err;
               auto page = api.services.applications->list(*q);
               if (!page.ok()) return applications_error(page.error());
               return Response::json(200, {{"items", page->items},
                                           {"total", page->total},
                                           {"offset", q->offset},
                                           {"limit", q->limit}});
             },
             {.summary = "申请列表（企业用户只看本企业；按政策、状态筛选，分页）",
              .tags = {"applications", "any", "own-enterprise"}});

  router.get("/api/v1/applications.xlsx",
             [&api](Request& req) {
               Response err;
               auto q = application_list_query(req, false, &err);
               if (!q) return err;
               ListExport e;
               e.what = "申请列表";
               auto done = export_applications(
                   [&](const store::ApplicationQuery& page) {
                     return api.services.applications->list(page);
                   },
                   *q, false, e);
               if (!done.ok()) return applications_error(done.error());
               const Principal* p = principal_of(req);
               std::vector<std::pair<std::string, std::string>> parts;
               if (q->enterprise_id > 0 && !(p && services::is_enterprise_role(p->role)))
                 parts.push_back({"企业编号", std::to_string(q->enterprise_id)});
               parts.push_back({"政策", q->policy_id});
               std::string statuses;
               for (const auto& st : q->statuses)
                 statuses += (statuses.empty() ? "" : "、") + std::string(status_zh_of(st));
               parts.push_back({"状态", statuses});
               e.filter_text = filter_text(parts);
               e.filter = {{"enterprise_id", q->enterprise_id > 0 ? json(q->enterprise_id) : json(nullptr)},
                           {"policy_id", q->policy_id},
                           {"status", q->statuses}};
               return list_download(req, api, std::move(e));
             },
             {.summary = "导出申请列表为 Excel（筛选与权限同申请列表，全部行）",
              .tags = {"applications", "any", "own-enterprise"}});

  router.get("/api/v1/applications/{id}",
             [&api](Request& req) {
               Response err;
               auto row = visible_application(req, api, &err);
               if (!row) return err;
               auto v = api.services.applications->view(row->id);
               if (!v.ok()) return applications_error(v.error());
               if (!*v) return Response::error(404, "application.not_found", "没有找到该申请");
               return Response::json(200, **v);
             },
             {.summary = "一件申请：状态、申报内容、材料、核查清单、每次决定（含哈希）与时间线",
              .tags = {"applications", "any", "own-enterprise"}});

  router.put(
      "/api/v1/applications/{id}",
      [&api](Request& req) {
        Response err;
        auto row = visible_application(req, api, &err);
        if (!row) return err;
        auto body = object_body(req, {"declarations", "materials", "submit"});
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        Issues problems;
        auto decls = declarations_of(j.value("declarations", json::array()), problems);
        auto mats = materials_of(j.value("materials", json::array()), problems);
        if (j.contains("submit") && !j["submit"].is_boolean())
          problems.push_back({Severity::kError, "bad_request.wrong_type",
                              "submit 必须是 true 或 false", 0, 0, 0, "submit"});
        if (!problems.empty()) return problems_response(problems);
        Issues issues;
        auto r = api.services.applications->update(caller_of(req), row->id, decls, mats,
                                                   j.value("submit", false), &issues);
        if (!r.ok()) return applications_error(r.error(), issues);
        return Response::json(200, r->to_json());
      },
      {.summary =
           "修改草稿或被退回的申请（申报内容、材料）；submit=true 时随即提交（补正后重新提交）",
       .tags = kEnterprise});

  router.post("/api/v1/applications/{id}/submit",
              [&api](Request& req) {
                Response err;
                auto row = visible_application(req, api, &err);
                if (!row) return err;
                Issues issues;
                auto r = api.services.applications->submit(caller_of(req), row->id, &issues);
                if (!r.ok()) return applications_error(r.error(), issues);
                return Response::json(200, r->to_json());
              },
              {.summary = "提交草稿，或补正后重新提交被退回的申请", .tags = kEnterprise});

  router.del("/api/v1/applications/{id}",
             [&api](Request& req) {
               Response err;
               auto row = visible_application(req, api, &err);
               if (!row) return err;
               Status st = api.services.applications->remove_draft(caller_of(req), row->id);
               if (!st.ok()) return applications_error(st.error());
               return Response::no_content();
             },
             {.summary = "删除草稿", .tags = kEnterprise});

  router.get("/api/v1/applications/{id}/decisions/{decision_id}",
             [&api](Request& req) {
               Response err;
               auto row = visible_application(req, api, &err);
               if (!row) return err;
               auto did = id_param(req, "decision_id", &err);
               if (!did) return err;
               auto d = api.services.applications->decision(row->id, *did);
               if (!d.ok()) return applications_error(d.error());
               if (!*d) return Response::error(404, "decision.not_found", "没有找到该决定");
               return Response::json(200, **d);
             },
             {.summary = "一次决定的完整记录：政策版本、所用数据（值、来源、时点）、逐条结论、金额"
                         "计算与封顶、哈希",
              .tags = {"applications", "any", "own-enterprise"}});

  router.get("/api/v1/applications/{id}/verify",
             [&api](Request& req) {
               Response err;
               auto row = visible_application(req, api, &err);
               if (!row) return err;
               auto checks = api.services.applications->verify(row->id);
               if (!checks.ok()) return applications_error(checks.error());
               json items = json::array();
               bool all = true;
               for (const auto& c : *checks) {
                 all = all && c.report.ok();
                 items.push_back({{"decision_id", c.decision_id},
                                  {"kind", c.kind},
                                  {"outcome", c.outcome},
                                  {"ok", c.report.ok()},
                                  {"hash_ok", c.report.hash_ok},
                                  {"policy_ok", c.report.policy_ok},
                                  {"replay_ok", c.report.replay_ok},
                                  {"problems", c.report.problems}});
               }
               return Response::json(
                   200, {{"application_id", row->id}, {"ok", all}, {"decisions", items}});
             },
             {.summary = "核验一件申请的每次决定：按存档的政策版本与数据重算，并核对哈希",
              .tags = {"applications", "allow:auditor,reviewer,funds_officer"}});

  router.post("/api/v1/materials",
              [&api](Request& req) {
                Response err;
                std::optional<int64_t> given;
                if (req.query_param("enterprise_id")) {
                  given = optional_id_query(req, "enterprise_id", &err);
                  if (!given) return err;
                }
                auto ent = enterprise_for(req, given, &err);
                if (!ent) return err;
                std::string name = std::string(req.query_param("name").value_or(""));
                auto u = api.services.applications->upload(caller_of(req), *ent, name, req.body);
                if (!u.ok()) return applications_error(u.error());
                return Response::json(201, {{"id", u->id},
                                            {"enterprise_id", u->enterprise_id},
                                            {"file_name", u->file_name},
                                            {"sha256", u->sha256},
                                            {"size", u->size},
                                            {"kind", u->kind},
                                            {"mime", u->mime},
                                            {"uploaded_at", u->uploaded_at}});
              },
              {.summary = "上传申报材料（请求体为文件本身；按内容识别类型：PDF、PNG、JPEG、DOCX、XL"
                          "SX、OFD；不超过 20 MB）",
               .tags = kEnterprise,
               .max_body_bytes = workflow::kMaxMaterialBytes + 1});

  router.get("/api/v1/materials/{id}",
             [&api](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               auto m = api.services.applications->material(*id);
               if (!m.ok()) return applications_error(m.error());
               if (!*m || require_enterprise_access(req, (*m)->first.enterprise_id))
                 return Response::error(404, "material.not_found", "没有找到该材料");
               return Response::download(std::move((*m)->second), (*m)->first.mime,
                                         (*m)->first.file_name);
             },
             {.summary = "下载一份申报材料", .tags = {"applications", "any", "own-enterprise"}});
}

}  // namespace zhida::http
