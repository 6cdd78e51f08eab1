// Review (决策树审批, C5): the reviewers' queue, assignment with deadlines,
// the checklist of what the data could not settle, 退回补正, approval (the
// award computed again at that moment) and rejection with reasons; and a
// policy's budget with the pro-rata preview.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/applications_http.h"
#include "http/api/common.h"
#include "http/api/list_export.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "workflow/money.h"

namespace zhida::http {

using nlohmann::json;

namespace {

// The body's reasons: a list of texts, as documented (a single text is a
// wrong type too, refused with the rest of the body's problems before the
// application's state is looked at).
std::vector<std::string> reasons_of(const json& j, Issues& problems) {
  std::vector<std::string> out;
  if (!j.contains("reasons")) return out;
  const json& r = j["reasons"];
  if (!r.is_array()) {
    problems.push_back(
        {Severity::kError, "bad_request.wrong_type", "reasons 必须是文本列表", 0, 0, 0, "reasons"});
    return out;
  }
  for (const json& x : r) {
    if (!x.is_string() || x.get<std::string>().size() > 4000) {
      problems.push_back({Severity::kError, "bad_request.wrong_type", "reasons 的每一项必须是文本",
                          0, 0, 0, "reasons"});
      continue;
    }
    if (!x.get<std::string>().empty()) out.push_back(x.get<std::string>());
  }
  return out;
}

// The application of the path, for a reviewer acting on it: 404 when
// unknown; 403 when another reviewer has it.
std::optional<store::ApplicationRow> reviewable(const Request& req, Api& api, Response* err) {
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
  const Principal* p = principal_of(req);
  if (p && (*row)->assignee_id > 0 && (*row)->assignee_id != p->user_id) {
    *err = Response::error(
        403, "review.not_assignee",
        fmt::format("该申请已分派给审核员“{}”，请由其处理或重新分派", (*row)->assignee_name));
    return std::nullopt;
  }
  return std::move(**row);
}

// The queue's query from the request; paging only when `paged` (the
// export takes every row).
std::optional<store::ApplicationQuery> queue_query(const Request& req, Api& api, bool paged, Response* err) {
  store::ApplicationQuery q;
  if (paged && !page_into(req, q, err)) return std::nullopt;
  if (auto pid = req.query_param("policy_id")) q.policy_id = std::string(pid->substr(0, 64));
  if (auto st = req.query_param("status"); st && !st->empty()) {
    if (*st != "submitted" && *st != "in_review") {
      *err = Response::error(400, "bad_request.bad_query", "status 只能是 submitted 或 in_review");
      return std::nullopt;
    }
    q.statuses = {std::string(*st)};
  }
  if (auto who = req.query_param("assignee"); who && !who->empty()) {
    const Principal* p = principal_of(req);
    if (*who == "me") {
      q.assignee_id = p ? p->user_id : 0;
    } else if (*who == "none") {
      q.assignee_id = 0;
    } else {
      auto a = int_query(req, "assignee", 0, 1, 999'999'999'999'999'999, err);
      if (!a) return std::nullopt;
      q.assignee_id = *a;
    }
  }
  auto overdue = bool_query(req, "overdue", false, err);
  if (!overdue) return std::nullopt;
  if (*overdue) q.due_before = format_date(api.platform.clock().today());
  return q;
}

}  // namespace

void register_review_routes(Router& router, Api& api) {
  const std::vector<std::string> kReviewer = {"review", "allow:reviewer"};

  router.get(
      "/api/v1/review/queue",
      [&api](Request& req) {
        Response err;
        auto q = queue_query(req, api, true, &err);
        if (!q) return err;
        auto page = api.services.applications->queue(*q);
        if (!page.ok()) return applications_error(page.error());
        return Response::json(200, {{"items", page->items},
                                    {"total", page->total},
                                    {"offset", q->offset},
                                    {"limit", q->limit}});
      },
      {.summary = "审核队列（先到先审）：待分派与审核中的申请，可按政策、审核员、是否超期筛选",
       .tags = {"review", "allow:reviewer,auditor"}});

  router.get(
      "/api/v1/review/queue.xlsx",
      [&api](Request& req) {
        Response err;
        auto q = queue_query(req, api, false, &err);
        if (!q) return err;
        ListExport e;
        e.what = "审核队列";
        Status done = export_applications(
            [&](const store::ApplicationQuery& page) { return api.services.applications->queue(page); }, *q,
            true, e);
        if (!done.ok()) return applications_error(done.error());
        std::string assignee(req.query_param("assignee").value_or(""));
        if (assignee == "me")
          assignee = "本人";
        else if (assignee == "none")
          assignee = "待分派";
        else if (!assignee.empty())
          assignee = "审核员 " + assignee;
        std::string status = q->statuses.empty() ? "" : std::string(status_zh_of(q->statuses[0]));
        e.filter_text = filter_text({{"政策", q->policy_id},
                                     {"状态", status},
                                     {"审核员", assignee},
                                     {"超期", q->due_before.empty() ? "" : "仅超期"}});
        e.filter = {{"policy_id", q->policy_id},
                    {"status", status},
                    {"assignee", std::string(req.query_param("assignee").value_or(""))},
                    {"overdue", !q->due_before.empty()}};
        return list_download(req, api, std::move(e));
      },
      {.summary = "导出审核队列为 Excel（筛选同审核队列，全部行）",
       .tags = {"review", "allow:reviewer,auditor"}});

  router.post(
      "/api/v1/review/applications/{id}/assign",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto body = object_body(req, {"reviewer_id", "due_on"});
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        int64_t reviewer = 0;
        std::string name;
        if (j.contains("reviewer_id") && !j["reviewer_id"].is_null()) {
          if (!j["reviewer_id"].is_number_integer() || j["reviewer_id"].get<int64_t>() <= 0)
            return validation_error(
                {{"reviewer_id", "bad_request.wrong_type", "reviewer_id 必须是审核员的用户编号"}});
          reviewer = j["reviewer_id"].get<int64_t>();
          auto u = api.services.accounts->get_user(reviewer);
          if (!u.ok()) return error_response(u.error());
          if (!*u || (*u)->role != Role::kReviewer || !(*u)->active)
            return validation_error(
                {{"reviewer_id", "bad_request.invalid_value", "该用户不是在用的审核员"}});
          name = (*u)->display_name.empty() ? (*u)->username : (*u)->display_name;
        }
        std::optional<int32_t> due;
        if (j.contains("due_on") && !j["due_on"].is_null()) {
          auto d =
              j["due_on"].is_string() ? parse_date(j["due_on"].get<std::string>()) : std::nullopt;
          if (!d || *d < api.platform.clock().today())
            return validation_error({{"due_on", "bad_request.invalid_value",
                                      "due_on 必须是今天或以后的日期 YYYY-MM-DD"}});
          due = *d;
        }
        auto r = api.services.applications->assign(caller_of(req), *id, reviewer, name, due);
        if (!r.ok()) return applications_error(r.error());
        return Response::json(200, r->to_json());
      },
      {.summary = "分派审核员（默认本人）并设定办理期限（默认 10 天）", .tags = kReviewer});

  router.put(
      "/api/v1/review/applications/{id}/checklist",
      [&api](Request& req) {
        Response err;
        auto row = reviewable(req, api, &err);
        if (!row) return err;
        auto body = object_body(req, {"items"});
        if (!body.ok()) return std::move(body).response();
        Issues problems;
        auto verdicts = verdicts_of(body.value().value("items", json::array()), problems);
        if (!problems.empty()) return problems_response(problems);
        Issues issues;
        auto r = api.services.applications->check(caller_of(req), row->id, verdicts, &issues);
        if (!r.ok()) return applications_error(r.error(), issues);
        auto v = api.services.applications->view(row->id);
        if (!v.ok()) return applications_error(v.error());
        return Response::json(
            200, {{"id", row->id}, {"status", r->status}, {"checklist", (**v)["checklist"]}});
      },
      {.summary = "填写核查清单的结论（pass / fail / pending 与说明），可分次保存",
       .tags = kReviewer});

  router.post("/api/v1/review/applications/{id}/return",
              [&api](Request& req) {
                Response err;
                auto row = reviewable(req, api, &err);
                if (!row) return err;
                auto body = object_body(req, {"reasons", "items"});
                if (!body.ok()) return std::move(body).response();
                Issues problems;
                auto reasons = reasons_of(body.value(), problems);
                auto verdicts = verdicts_of(body.value().value("items", json::array()), problems);
                if (!problems.empty()) return problems_response(problems);
                Issues issues;
                auto r = api.services.applications->return_for_correction(
                    caller_of(req), row->id, reasons, verdicts, &issues);
                if (!r.ok()) return applications_error(r.error(), issues);
                return Response::json(200, r->to_json());
              },
              {.summary = "退回补正：写明原因，企业修改后可重新提交", .tags = kReviewer});

  router.post(
      "/api/v1/review/applications/{id}/approve",
      [&api](Request& req) {
        Response err;
        auto row = reviewable(req, api, &err);
        if (!row) return err;
        auto body = object_body(req, {"items", "amount", "note"});
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        Issues problems;
        auto verdicts = verdicts_of(j.value("items", json::array()), problems);
        std::optional<int64_t> amount;
        if (j.contains("amount") && !j["amount"].is_null()) {
          // Exact text only: a number is refused (amount_as_number), so is
          // any other type; then the text must be yuan with at most 2 decimals.
          if (auto p = amount_as_number(j["amount"], "amount")) {
            problems.push_back({Severity::kError, p->code, p->message, 0, 0, 0, p->field});
          } else {
            if (j["amount"].is_string()) amount = workflow::parse_fen(j["amount"].get<std::string>());
            if (!amount)
              problems.push_back({Severity::kError,
                                  j["amount"].is_string() ? "bad_request.invalid_value" : "bad_request.wrong_type",
                                  "amount 必须是以元为单位、最多两位小数的非负金额文本，如 \"300000\"", 0, 0, 0,
                                  "amount"});
          }
        }
        std::string note;
        if (j.contains("note")) {
          if (!j["note"].is_string())
            problems.push_back(
                {Severity::kError, "bad_request.wrong_type", "note 必须是文本", 0, 0, 0, "note"});
          else
            note = j["note"].get<std::string>().substr(0, 4000);
        }
        if (!problems.empty()) return problems_response(problems);
        Issues issues;
        auto r = api.services.applications->approve(caller_of(req), row->id, verdicts, amount, note,
                                                    &issues);
        if (!r.ok()) return applications_error(r.error(), issues);
        return Response::json(200, r->to_json());
      },
      {.summary = "审核通过：核查清单须全部通过；按此刻的数据、封顶、同一事项与预算重新核定金额",
       .tags = kReviewer});

  router.post("/api/v1/review/applications/{id}/reject",
              [&api](Request& req) {
                Response err;
                auto row = reviewable(req, api, &err);
                if (!row) return err;
                auto body = object_body(req, {"reasons", "items"});
                if (!body.ok()) return std::move(body).response();
                Issues problems;
                auto reasons = reasons_of(body.value(), problems);
                auto verdicts = verdicts_of(body.value().value("items", json::array()), problems);
                if (!problems.empty()) return problems_response(problems);
                Issues issues;
                auto r = api.services.applications->reject(caller_of(req), row->id, reasons,
                                                           verdicts, &issues);
                if (!r.ok()) return applications_error(r.error(), issues);
                return Response::json(200, r->to_json());
              },
              {.summary = "不予通过：写明原因", .tags = kReviewer});

  router.get(
      "/api/v1/review/budgets/{policy_id}",
      [&api](Request& req) {
        Response err;
        std::optional<int> year;
        if (req.query_param("year")) {
          auto y = int_query(req, "year", 0, 2000, 2100, &err);
          if (!y) return err;
          year = static_cast<int>(*y);
        }
        auto b = api.services.applications->budget(std::string(req.param("policy_id")), year);
        if (!b.ok()) return applications_error(b.error());
        return Response::json(200, *b);
      },
      {.summary = "政策预算：总额、已核定、余额，以及按先到先得或按比例核减（精确到分）的分配预览",
       .tags = {"review", "allow:reviewer,funds_officer,policy_officer,leader,auditor"}});
}

}  // namespace zhida::http
