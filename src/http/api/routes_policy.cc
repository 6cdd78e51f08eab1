// Policies (C2, C3): the lifecycle (drafts, publish, close, versions,
// diffs) and each policy's matching firms, as a page or an Excel file.
// The work is done by services::PolicyService (services/policies/); these
// handlers read the request, check the role and shape the answer.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/list_export.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "services/accounts/password.h"
#include "services/policies/policies.h"
#include "services/policies/xlsx_export.h"
#include "workflow/money.h"

namespace zhida::http {

namespace {

using nlohmann::json;
using services::PolicyService;

// Every staff role: the access tag of routes for government users.
constexpr const char* kStaff =
    "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader";

// A lifecycle error as a response: state conflicts are 409, a policy that
// does not compile is 400 with every issue (field, rule line/column and
// where in the request body).
Response policy_error(const Error& e, const Issues& issues = {}, const std::string& body = "") {
  static const char* kConflicts[] = {
      "policy.duplicate_id", "policy.already_closed", "policy.not_published", "policy.not_closed",
      "policy.unchanged",    "policy.published",      "policy.draft_changed"};
  if (e.code == "policy.invalid")
    return Response::error(400, e.code, e.message, PolicyService::issues_json(issues, body));
  for (const char* c : kConflicts)
    if (e.code == c) return Response::error(409, e.code, e.message);
  if (e.code == "policy.not_loaded") return Response::error(500, "internal", e.message);
  return error_response(e);
}

json view_with_warnings(const PolicyService::View& v, const Issues& warnings) {
  json j = PolicyService::to_json(v);
  j["warnings"] = PolicyService::issues_json(warnings, "");
  return j;
}

// "If-Match: \"<hash>\"" or a body's draft_hash.
std::string if_match(const Request& req, const json* body) {
  if (auto h = req.header("If-Match")) {
    std::string v(*h);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  if (body && body->is_object() && body->contains("draft_hash") &&
      (*body)["draft_hash"].is_string())
    return (*body)["draft_hash"].get<std::string>();
  return "";
}

// An optional small JSON object body (publish, close): empty is {}.
OrResponse<json> optional_body(const Request& req, const ObjectSchema& schema) {
  if (req.body.empty()) return json::object();
  return parse_json(req, schema);
}

// What the route refuses before the policy reader (portrait/policy.cc) sees
// the body, as one 400 naming each field: an amount (budget, caps.*) given
// as a JSON number — the reader takes numbers on purpose, for policy files
// and the benchmarks, but over the API an amount is exact text (the
// document's Amount) — and an id or department that is not text (the draft
// route compares both with the stored policy before the reader runs). Empty
// for a body that is not an object: the service refuses that.
std::vector<FieldProblem> policy_body_problems(const json& body) {
  std::vector<FieldProblem> out;
  if (!body.is_object()) return out;
  for (const char* key : {"id", "department"})
    if (body.contains(key) && !body[key].is_string())
      out.push_back({key, "bad_request.wrong_type", fmt::format("字段“{}”必须是字符串", key)});
  if (body.contains("budget"))
    if (auto p = amount_as_number(body["budget"], "budget")) out.push_back(std::move(*p));
  if (body.contains("caps") && body["caps"].is_object())
    for (const char* key : {"per_application", "per_firm_year", "cumulative"})
      if (body["caps"].contains(key))
        if (auto p = amount_as_number(body["caps"][key], fmt::format("caps.{}", key))) out.push_back(std::move(*p));
  return out;
}

// The platform clock's now in China (UTC+8): "2026-11-27 12:00" and "20261127".
std::pair<std::string, std::string> china_now(const services::Clock& clock) {
  std::time_t t = std::chrono::system_clock::to_time_t(clock.now()) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32], compact[16];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  std::strftime(compact, sizeof compact, "%Y%m%d", &tm);
  return {text, compact};
}

struct MatchQuery {
  services::Matching::Filter filter;
  json applied = json::object();  // the filter as the answer echoes it
  std::string text;               // in Chinese, for the Excel title rows
  std::string sort_text;
};

// ?street=&industry=&verdict=match|possible&offset=&limit=&sort=
std::optional<MatchQuery> match_query(const Request& req, bool paged, Response* err) {
  MatchQuery q;
  auto& f = q.filter;
  std::vector<std::string> parts;
  if (auto s = req.query_param("street"); s && !s->empty()) {
    f.street = *s;
    q.applied["street"] = f.street;
    parts.push_back("街道：" + f.street);
  }
  if (auto s = req.query_param("industry"); s && !s->empty()) {
    f.industry = *s;
    q.applied["industry"] = f.industry;
    parts.push_back("行业门类：" + f.industry);
  }
  if (auto v = req.query_param("verdict"); v && !v->empty()) {
    if (*v == "match") {
      f.verdict = rules::Tri::kTrue;
      parts.push_back("匹配结果：符合");
    } else if (*v == "possible") {
      f.verdict = rules::Tri::kUnknown;
      parts.push_back("匹配结果：可能符合");
    } else {
      *err = Response::error(400, "bad_request.bad_query",
                             "查询参数“verdict”只能是 match（符合）或 possible（可能符合）");
      return std::nullopt;
    }
    q.applied["verdict"] = std::string(*v);
  }
  std::string sort(req.query_param("sort").value_or("id"));
  struct SortOption {
    const char* name;
    services::Matching::SortKey key;
    bool descending;
    const char* text;
  };
  static const SortOption kSorts[] = {
      {"id", services::Matching::SortKey::kId, false, ""},
      {"-id", services::Matching::SortKey::kId, true, "按企业编号从大到小"},
      {"award", services::Matching::SortKey::kAward, false, "按预计奖励从低到高"},
      {"-award", services::Matching::SortKey::kAward, true, "按预计奖励从高到低"},
      {"name", services::Matching::SortKey::kName, false, "按企业名称"},
      {"-name", services::Matching::SortKey::kName, true, "按企业名称（倒序）"},
      {"street", services::Matching::SortKey::kStreet, false, "按街道"},
      {"-street", services::Matching::SortKey::kStreet, true, "按街道（倒序）"},
      {"industry", services::Matching::SortKey::kIndustry, false, "按行业门类"},
      {"-industry", services::Matching::SortKey::kIndustry, true, "按行业门类（倒序）"},
  };
  bool known = false;
  for (const SortOption& o : kSorts) {
    if (sort != o.name) continue;
    known = true;
    f.sort = o.key;
    f.descending = o.descending;
    q.sort_text = o.text;
  }
  if (!known) {
    *err = Response::error(
        400, "bad_request.bad_query",
        "查询参数“sort”只能是 id、award、name、street、industry，前加“-”为倒序（如 -award）");
    return std::nullopt;
  }
  if (paged) {
    auto offset = int_query(req, "offset", 0, 0, 100000000, err);
    if (!offset) return std::nullopt;
    auto limit = int_query(req, "limit", 50, 1, 1000, err);
    if (!limit) return std::nullopt;
    f.offset = static_cast<size_t>(*offset);
    f.limit = static_cast<size_t>(*limit);
  } else {
    f.offset = 0;
    f.limit = 0;  // all
  }
  f.with_missing = true;
  for (size_t i = 0; i < parts.size(); ++i) q.text += (i ? "；" : "") + parts[i];
  return q;
}

std::optional<int64_t> int_text(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The policy list's filter from the request (status, department, q).
std::optional<PolicyService::ListFilter> policy_list_filter(const Request& req, Response* err) {
  PolicyService::ListFilter f;
  f.status = req.query_param("status").value_or("");
  if (!f.status.empty() && f.status != "all" && f.status != "draft" && f.status != "published" &&
      f.status != "closed") {
    *err = Response::error(
        400, "bad_request.bad_query",
        "查询参数“status”只能是 draft（草稿）、published（实施中）、closed（已关闭）或 all");
    return std::nullopt;
  }
  f.department = req.query_param("department").value_or("");
  f.q = req.query_param("q").value_or("");
  return f;
}

}  // namespace

void register_policy_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/policies",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        const Principal& who = *principal_of(req);
        Response err;
        auto f = policy_list_filter(req, &err);
        if (!f) return err;
        auto offset = int_query(req, "offset", 0, 0, 1000000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 0, 0, 10000, &err);
        if (!limit) return err;
        auto views = api.services.policies->list(who, *f);
        if (!views.ok()) return policy_error(views.error());
        json items = json::array();
        json counts = {{"draft", 0}, {"published", 0}, {"closed", 0}};
        size_t k = 0;
        for (const auto& v : *views) {
          counts[v.row.status] = counts[v.row.status].get<int>() + 1;
          if (k++ < static_cast<size_t>(*offset)) continue;
          if (*limit > 0 && items.size() >= static_cast<size_t>(*limit)) continue;
          items.push_back(PolicyService::to_json(v));
        }
        return Response::json(200,
                              {{"items", items}, {"total", views->size()}, {"counts", counts}});
      },
      {.summary = "政策列表：企业用户看到实施中的政策；政府用户还看到草稿（本部门，或领导、审计员）"
                  "和已关闭的政策，可按状态筛选",
       .tags = {"policies", "any"}});

  router.get(
      "/api/v1/policies.xlsx",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        const Principal& who = *principal_of(req);
        Response err;
        auto f = policy_list_filter(req, &err);
        if (!f) return err;
        auto views = api.services.policies->list(who, *f);
        if (!views.ok()) return policy_error(views.error());
        ListExport e;
        e.what = "政策列表";
        e.columns = {{"政策编号", 14}, {"政策名称", 40},         {"发文部门", 16}, {"状态", 8},
                     {"版本", 6},      {"申报开始", 12},         {"申报截止", 12}, {"预算（元）", 18, true},
                     {"免申即享", 9},  {"全部条件可由数据核验", 12}, {"摘要", 60}};
        e.total_row = true;
        static const std::map<std::string, std::string> kStatus = {
            {"draft", "草稿"}, {"published", "实施中"}, {"closed", "已关闭"}};
        for (const auto& v : *views) {
          if (static_cast<int64_t>(e.rows.size()) >= kMaxExportRows) break;
          json p = PolicyService::to_json(v);
          json window = p.contains("window") && p["window"].is_object() ? p["window"] : json::object();
          services::SheetCell budget = std::optional<int64_t>();
          if (p.contains("budget") && p["budget"].is_string())
            if (auto fen = workflow::parse_fen(p["budget"].get<std::string>())) budget = std::optional<int64_t>(*fen);
          auto it = kStatus.find(v.row.status);
          e.rows.push_back({cell(p, "id"), cell(p, "name"), cell(p, "department"),
                            it == kStatus.end() ? v.row.status : it->second, cell(p, "version"),
                            cell(window, "start"), cell(window, "end"), budget,
                            std::string(flag_of(p, "auto_grant") ? "是" : "否"),
                            std::string(flag_of(p, "fully_verifiable") ? "是" : "否"), cell(p, "summary")});
        }
        e.total = static_cast<int64_t>(views->size());
        auto status = kStatus.find(f->status);
        e.filter_text = filter_text({{"状态", status == kStatus.end() ? "" : status->second},
                                     {"发文部门", f->department},
                                     {"关键词", f->q}});
        e.filter = {{"status", f->status}, {"department", f->department}, {"q", f->q}};
        return list_download(req, api, std::move(e));
      },
      {.summary = "导出政策列表为 Excel（筛选与可见范围同政策列表，全部行）", .tags = {"policies", "any"}});

  router.post(
      "/api/v1/policies",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
        auto body = parse_json(req);
        if (!body.ok()) return std::move(body).response();
        if (auto problems = policy_body_problems(body.value()); !problems.empty())
          return validation_error(problems);
        Issues issues;
        auto saved =
            api.services.policies->create(*principal_of(req), actor_of(req), body.value(), issues);
        if (!saved.ok()) return policy_error(saved.error(), issues, req.body);
        return Response::json(201, view_with_warnings(saved->view, saved->warnings));
      },
      {.summary = "新建政策草稿（政策管理员，本部门）：编号可自定，或由系统按 BA-年份-序号 分配",
       .tags = {"policies", "allow:policy_officer"}});

  router.get(
      "/api/v1/policies/{id}",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        auto v = api.services.policies->get(*principal_of(req), std::string(req.param("id")));
        if (!v.ok()) return policy_error(v.error());
        return Response::json(200, PolicyService::to_json(*v));
      },
      {.summary = "一项政策：当前发布版本与状态；有权者另见草稿（draft）及其是否有未发布的修改",
       .tags = {"policies", "any"}});

  router.put("/api/v1/policies/{id}/draft",
             [&api](Request& req) {
               if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
               auto body = parse_json(req);
               if (!body.ok()) return std::move(body).response();
               if (auto problems = policy_body_problems(body.value()); !problems.empty())
                 return validation_error(problems);
               Issues issues;
               auto saved = api.services.policies->update_draft(
                   *principal_of(req), actor_of(req), std::string(req.param("id")), body.value(),
                   if_match(req, nullptr), issues);
               if (!saved.ok()) return policy_error(saved.error(), issues, req.body);
               return Response::json(200, view_with_warnings(saved->view, saved->warnings));
             },
             {.summary = "替换政策草稿：有错误时列出每一处（字段、规则行列），草稿不变",
              .tags = {"policies", "allow:policy_officer"}});

  router.del("/api/v1/policies/{id}",
             [&api](Request& req) {
               if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
               Status st = api.services.policies->remove(*principal_of(req), actor_of(req),
                                                         std::string(req.param("id")));
               if (!st.ok()) return policy_error(st.error());
               return Response::no_content();
             },
             {.summary = "删除从未发布过的政策草稿", .tags = {"policies", "allow:policy_officer"}});

  static const ObjectSchema kPublish{
      Field::string("draft_hash").optional().min_length(64).max_length(64)};
  router.post("/api/v1/policies/{id}/publish",
              [&api](Request& req) {
                if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
                auto body = optional_body(req, kPublish);
                if (!body.ok()) return std::move(body).response();
                Issues issues;
                auto p = api.services.policies->publish(*principal_of(req), actor_of(req),
                                                        std::string(req.param("id")),
                                                        if_match(req, &body.value()), issues);
                if (!p.ok()) return policy_error(p.error(), issues);
                json out = PolicyService::to_json(p->view);
                out["published"] = {{"version", p->version.version},
                                    {"hash", p->version.hash},
                                    {"published_at", p->version.published_at}};
                return Response::json(200, out);
              },
              {.summary = "发布草稿：成为不可修改的新版本（含哈希），立即生效并向新符合的企业推送",
               .tags = {"policies", "allow:policy_officer"}});

  static const ObjectSchema kClose{Field::string("reason").optional().max_length(500)};
  router.post("/api/v1/policies/{id}/close",
              [&api](Request& req) {
                if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
                auto body = optional_body(req, kClose);
                if (!body.ok()) return std::move(body).response();
                auto v = api.services.policies->close(*principal_of(req), actor_of(req),
                                                      std::string(req.param("id")),
                                                      body.value().value("reason", ""));
                if (!v.ok()) return policy_error(v.error());
                return Response::json(200, PolicyService::to_json(*v));
              },
              {.summary = "关闭政策：停止实施（版本保留，可重新开放）",
               .tags = {"policies", "allow:policy_officer"}});

  router.post("/api/v1/policies/{id}/reopen",
              [&api](Request& req) {
                if (auto denied = require_role(req, {Role::kPolicyOfficer})) return *denied;
                auto v = api.services.policies->reopen(*principal_of(req), actor_of(req),
                                                       std::string(req.param("id")));
                if (!v.ok()) return policy_error(v.error());
                return Response::json(200, PolicyService::to_json(*v));
              },
              {.summary = "重新开放已关闭的政策（最新版本重新生效）",
               .tags = {"policies", "allow:policy_officer"}});

  router.get(
      "/api/v1/policies/{id}/versions",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        auto all =
            api.services.policies->versions(*principal_of(req), std::string(req.param("id")));
        if (!all.ok()) return policy_error(all.error());
        json items = json::array();
        for (const auto& v : *all) {
          json body = json::parse(v.body, nullptr, false);
          items.push_back({{"version", v.version},
                           {"hash", v.hash},
                           {"intact", services::sha256_hex(v.body) == v.hash},
                           {"published_at", v.published_at},
                           {"published_by", v.published_by},
                           {"name", body.is_object() ? body.value("name", "") : ""}});
        }
        return Response::json(
            200, {{"policy_id", req.param("id")}, {"items", items}, {"total", items.size()}});
      },
      {.summary = "一项政策的全部发布版本（最早的在前），各带哈希与是否完好",
       .tags = {"policies", kStaff}});

  router.get("/api/v1/policies/{id}/versions/{version}",
             [&api](Request& req) {
               if (auto denied = require_staff(req)) return *denied;
               Response err;
               auto n = id_param(req, "version", &err);
               if (!n) return err;
               auto v = api.services.policies->version(*principal_of(req),
                                                       std::string(req.param("id")), *n);
               if (!v.ok()) return policy_error(v.error());
               json body = json::parse(v->body, nullptr, false);
               return Response::json(200, {{"policy_id", v->policy_id},
                                           {"version", v->version},
                                           {"hash", v->hash},
                                           {"intact", services::sha256_hex(v->body) == v->hash},
                                           {"published_at", v->published_at},
                                           {"published_by", v->published_by},
                                           {"policy", body.is_discarded() ? json(nullptr) : body}});
             },
             {.summary = "一个发布版本：发布时的政策原文（不可修改）与哈希",
              .tags = {"policies", kStaff}});

  router.get(
      "/api/v1/policies/{id}/diff",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        std::optional<int64_t> from, to;
        if (auto f = req.query_param("from"); f && !f->empty()) {
          from = int_text(*f);
          if (!from || *from < 1)
            return Response::error(400, "bad_request.bad_query",
                                   "查询参数“from”必须是版本号（正整数）");
        }
        if (auto t = req.query_param("to"); t && !t->empty() && *t != "draft") {
          to = int_text(*t);
          if (!to || *to < 1)
            return Response::error(400, "bad_request.bad_query",
                                   "查询参数“to”必须是版本号（正整数）或 draft");
        }
        auto d =
            api.services.policies->diff(*principal_of(req), std::string(req.param("id")), from, to);
        if (!d.ok()) return policy_error(d.error());
        return Response::json(200, *d);
      },
      {.summary = "两个版本（或版本与草稿）的差异：条件的增、删、改，奖励公式与各项条款的变化",
       .tags = {"policies", kStaff}});

  router.get(
      "/api/v1/policies/{id}/matches",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kPolicyOfficer, Role::kLeader})) return *denied;
        Response err;
        auto q = match_query(req, true, &err);
        if (!q) return err;
        auto pp =
            api.services.policies->matchable(*principal_of(req), std::string(req.param("id")));
        if (!pp.ok()) return policy_error(pp.error());
        const portrait::Policy& p = *(*pp)->policy;
        services::Matching::List list = api.services.matching->for_policy(p, q->filter);
        json items = json::array();
        for (const auto& i : list.items) items.push_back(services::Matching::to_json(i));
        return Response::json(200,
                              {{"policy_id", p.id},
                               {"policy_name", p.name},
                               {"version", (*pp)->version},
                               {"status", (*pp)->status},
                               {"match", list.match},
                               {"possible", list.possible},
                               {"total", list.total},
                               {"filtered_match", list.filtered_match},
                               {"filtered_possible", list.filtered_possible},
                               {"award_sum", list.award_sum.to_string()},
                               {"budget", p.budget ? json(p.budget->to_string()) : json(nullptr)},
                               {"filter", q->applied},
                               {"sort", req.query_param("sort").value_or("id")},
                               {"offset", q->filter.offset},
                               {"limit", q->filter.limit},
                               {"items", items}});
      },
      {.summary =
           "一项政策的符合与可能符合企业（按街道、行业、结果筛选，分页、排序），附合计与奖励总额",
       .tags = {"policies", "matching", "allow:policy_officer,leader"}});

  router.get(
      "/api/v1/policies/{id}/matches.xlsx",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kPolicyOfficer, Role::kLeader})) return *denied;
        Response err;
        auto q = match_query(req, false, &err);
        if (!q) return err;
        auto pp =
            api.services.policies->matchable(*principal_of(req), std::string(req.param("id")));
        if (!pp.ok()) return policy_error(pp.error());
        const portrait::Policy& p = *(*pp)->policy;
        services::Matching::List list = api.services.matching->for_policy(p, q->filter);
        auto [now_text, today] = china_now(api.platform.clock());
        services::MatchSheet sheet;
        sheet.policy_id = p.id;
        sheet.policy_name = p.name;
        sheet.version = (*pp)->version;
        sheet.exported_at = now_text;
        sheet.filter_text = q->text;
        sheet.sort_text = q->sort_text;
        sheet.list = &list;
        auto bytes = services::match_list_xlsx(sheet);
        if (!bytes.ok()) return error_response(bytes.error());
        std::vector<int64_t> firms;
        firms.reserve(list.items.size());
        for (const auto& i : list.items) firms.push_back(i.enterprise_id);
        Status audited = api.services.policies->record_export(actor_of(req), p.id, (*pp)->version,
                                                              q->applied, firms);
        if (!audited.ok())
          return error_response(audited.error());  // no export without its audit entry
        return Response::download(
            std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            services::match_list_file_name(sheet, today));
      },
      {.summary = "导出一项政策的符合与可能符合企业为 Excel（筛选同列表，全部行）",
       .tags = {"policies", "matching", "allow:policy_officer,leader"}});
}

}  // namespace zhida::http
