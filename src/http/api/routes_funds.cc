// Funds (C5): publicity (公示) and objections, bank-account confirmation by
// the firm's 法人, disbursement batches with budget control at close, 免申即享
// grants, the funds officer's queues, and the timeline of an application.
#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/session.h"
#include "http/json_body.h"
#include "workflow/money.h"

namespace zhida::http {

namespace {

using nlohmann::json;

Response funds_error(const Error& e) {
  const std::string& c = e.code;
  if (c == "funds.not_found" || c == "application.not_found" || c == "policy.not_found")
    return Response::error(404, c, e.message);
  if (c == "funds.invalid" || c.rfind("bad_request", 0) == 0)
    return Response::error(400, c, e.message);
  if (c == "forbidden") return Response::error(403, c, e.message);
  if (c == "funds.state" || c.rfind("application.", 0) == 0)
    return Response::error(409, c, e.message);
  return error_response(e);
}

services::Caller caller_of(const Request& req) {
  const Principal* p = principal_of(req);
  return services::Caller{actor_of(req), p ? p->display_name : "", std::nullopt};
}

std::string mask_account(const std::string& n) {
  if (n.size() <= 8) return n;
  return n.substr(0, 4) + std::string(n.size() - 8, '*') + n.substr(n.size() - 4);
}

json account_json(const store::BankAccount& a, bool full) {
  return {{"id", a.id},
          {"enterprise_id", a.enterprise_id},
          {"account_name", a.account_name},
          {"bank_name", a.bank_name},
          {"account_number", full ? a.account_number : mask_account(a.account_number)},
          {"confirmed_by_name", a.confirmed_by_name},
          {"confirmed_at", a.confirmed_at}};
}

json list_json(const store::PublicityList& l) {
  return {{"id", l.id},
          {"policy_id", l.policy_id},
          {"policy_name", l.policy_name},
          {"year", l.year},
          {"title", l.title},
          {"start_on", l.start_on},
          {"end_on", l.end_on},
          {"days", l.days},
          {"status", l.status},
          {"entries", l.entries},
          {"amount", workflow::fen_text(l.amount_fen)},
          {"open_objections", l.open_objections},
          {"created_at", l.created_at},
          {"closed_at", l.closed_at.empty() ? json(nullptr) : json(l.closed_at)}};
}

json objection_json(const store::Objection& o) {
  return {{"id", o.id},
          {"publicity_id", o.list_id},
          {"application_id", o.application_id},
          {"enterprise_id", o.enterprise_id},
          {"lodged_by_name", o.lodged_by_name},
          {"contact", o.contact},
          {"reason", o.reason},
          {"status", o.status},
          {"reply", o.reply},
          {"resolved_at", o.resolved_at.empty() ? json(nullptr) : json(o.resolved_at)},
          {"created_at", o.created_at}};
}

json batch_json(const store::DisbursementBatch& b) {
  auto opt = [](const std::optional<int64_t>& f) {
    return f ? json(workflow::fen_text(*f)) : json(nullptr);
  };
  return {{"id", b.id},
          {"policy_id", b.policy_id},
          {"policy_name", b.policy_name},
          {"year", b.year},
          {"name", b.name},
          {"status", b.status},
          {"budget_mode", b.budget_mode},
          {"budget", opt(b.budget_fen)},
          {"available", opt(b.available_fen)},
          {"requested", workflow::fen_text(b.requested_fen)},
          {"allocated",
           b.status == "draft" ? json(nullptr) : json(workflow::fen_text(b.allocated_fen))},
          {"items", b.items},
          {"created_at", b.created_at},
          {"closed_at", b.closed_at.empty() ? json(nullptr) : json(b.closed_at)},
          {"paid_at", b.paid_at.empty() ? json(nullptr) : json(b.paid_at)}};
}

// limit/offset/status/policy_id of a list query.
struct ListQuery {
  int limit = 50;
  int offset = 0;
  std::string status;
  std::string policy_id;
};
std::optional<ListQuery> list_query(const Request& req, const std::vector<std::string>& statuses,
                                    Response* err) {
  ListQuery q;
  auto limit = int_query(req, "limit", 50, 1, 500, err);
  if (!limit) return std::nullopt;
  auto offset = int_query(req, "offset", 0, 0, 1'000'000'000, err);
  if (!offset) return std::nullopt;
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  q.status = std::string(req.query_param("status").value_or(""));
  q.policy_id = std::string(req.query_param("policy_id").value_or(""));
  if (!q.status.empty() &&
      std::find(statuses.begin(), statuses.end(), q.status) == statuses.end()) {
    std::string all;
    for (const auto& s : statuses) all += (all.empty() ? "" : "、") + s;
    *err = Response::error(400, "bad_request.bad_query", fmt::format("status 只能是 {} 之一", all));
    return std::nullopt;
  }
  return q;
}

Response xlsx(const Result<std::pair<std::string, std::string>>& file) {
  if (!file.ok()) return funds_error(file.error());
  return Response::download(file->first,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            file->second);
}

}  // namespace

void register_funds_routes(Router& router, Api& api) {
  services::Funds& funds = *api.services.funds;

  router.get("/api/v1/funds/queues",
             [&funds](Request&) {
               auto q = funds.queues();
               if (!q.ok()) return funds_error(q.error());
               return Response::json(200, *q);
             },
             {.summary = "资金管理待办：待公示、公示中、待结束公示、待处理异议、待确认账户、可拨付"
                         "、待结算与待拨付批次",
              .tags = {"funds", "allow:funds_officer,leader,auditor"}});

  // ---- publicity
  router.get(
      "/api/v1/funds/publicity",
      [&funds](Request& req) {
        Response err;
        auto q = list_query(req, {"open", "closed"}, &err);
        if (!q) return err;
        auto lists = funds.publicity_lists(q->status, q->policy_id, q->limit, q->offset);
        if (!lists.ok()) return funds_error(lists.error());
        json items = json::array();
        for (const auto& l : *lists) items.push_back(list_json(l));
        return Response::json(200, {{"items", items}, {"offset", q->offset}, {"limit", q->limit}});
      },
      {.summary = "公示名单列表（公开）", .tags = {"funds", "public"}});

  static const ObjectSchema kPublicity{
      Field::string("policy_id").min_length(1).max_length(100),
      Field::integer("year").optional().min(2000).max(2100),
      Field::string("start_on").optional(),
      Field::integer("days").optional().min(1).max(60),
      Field::array("application_ids").optional().max_length(100000),
      Field::string("title").optional().max_length(200),
  };
  router.post("/api/v1/funds/publicity",
              [&funds](Request& req) {
                auto body = parse_json(req, kPublicity);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                services::PublicityInput in;
                in.policy_id = j["policy_id"].get<std::string>();
                if (j.contains("year")) in.year = j["year"].get<int>();
                if (j.contains("start_on")) {
                  auto d = parse_date(j["start_on"].get<std::string>());
                  if (!d)
                    return Response::error(400, "bad_request.invalid_value",
                                           "start_on 应为 YYYY-MM-DD 格式的日期");
                  in.start_on = *d;
                }
                if (j.contains("days")) in.days = j["days"].get<int>();
                if (j.contains("application_ids"))
                  for (const auto& id : j["application_ids"]) {
                    if (!id.is_number_integer() || id.get<int64_t>() <= 0)
                      return Response::error(400, "bad_request.wrong_type",
                                             "application_ids 应为正整数数组");
                    in.application_ids.push_back(id.get<int64_t>());
                  }
                if (j.contains("title")) in.title = j["title"].get<std::string>();
                auto l = funds.create_publicity(caller_of(req), in);
                if (!l.ok()) return funds_error(l.error());
                return Response::json(201, list_json(*l));
              },
              {.summary = "发起公示：把一项政策已获批的资助列入公示名单（默认 5 个工作日）",
               .tags = {"funds", "allow:funds_officer"}});

  router.get("/api/v1/funds/publicity/{id}",
             [&funds](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               const Principal* p = principal_of(req);
               bool staff = p && (p->role == Role::kFundsOfficer || p->role == Role::kAuditor ||
                                  p->role == Role::kLeader);
               auto l = funds.publicity(*id, staff);
               if (!l.ok()) return funds_error(l.error());
               if (!*l) return Response::error(404, "not_found", "没有找到该公示");
               return Response::json(200, **l);
             },
             {.summary = "公示名单：企业与资助金额（公开；资金管理员、审计员、领导另见异议）",
              .tags = {"funds", "public"}});

  router.get("/api/v1/funds/publicity/{id}/export",
             [&funds](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               return xlsx(funds.publicity_xlsx(*id));
             },
             {.summary = "公示名单导出为 Excel（公开）", .tags = {"funds", "public"}});

  static const ObjectSchema kObjection{Field::integer("application_id").min(1),
                                       Field::string("reason").min_length(5).max_length(2000),
                                       Field::string("contact").optional().max_length(100)};
  router.post("/api/v1/funds/publicity/{id}/objections",
              [&funds](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto body = parse_json(req, kObjection);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                auto o =
                    funds.lodge_objection(caller_of(req), *id, j["application_id"].get<int64_t>(),
                                          j["reason"].get<std::string>(), j.value("contact", ""));
                if (!o.ok()) return funds_error(o.error());
                return Response::json(201, objection_json(*o));
              },
              {.summary = "对公示名单中的一项资助提出异议（公示期内）", .tags = {"funds", "any"}});

  router.post("/api/v1/funds/publicity/{id}/close",
              [&funds](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto l = funds.close_publicity(caller_of(req), *id);
                if (!l.ok()) return funds_error(l.error());
                return Response::json(200, list_json(*l));
              },
              {.summary = "公示期满且异议处理完毕后结束公示：无异议的资助公示通过",
               .tags = {"funds", "allow:funds_officer"}});

  router.get(
      "/api/v1/funds/objections",
      [&funds](Request& req) {
        Response err;
        auto q = list_query(req, {"open", "upheld", "dismissed"}, &err);
        if (!q) return err;
        auto list_id = int_query(req, "publicity_id", 0, 0, 999'999'999'999, &err);
        if (!list_id) return err;
        auto os = funds.objections(q->status, *list_id, q->limit, q->offset);
        if (!os.ok()) return funds_error(os.error());
        json items = json::array();
        for (const auto& o : *os) items.push_back(objection_json(o));
        return Response::json(200, {{"items", items}, {"offset", q->offset}, {"limit", q->limit}});
      },
      {.summary = "异议列表", .tags = {"funds", "allow:funds_officer,auditor,leader"}});

  static const ObjectSchema kResolve{Field::string("outcome").one_of({"upheld", "dismissed"}),
                                     Field::string("reply").min_length(2).max_length(2000)};
  router.post("/api/v1/funds/objections/{id}/resolve",
              [&funds](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto body = parse_json(req, kResolve);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                auto o = funds.resolve_objection(caller_of(req), *id, j["outcome"] == "upheld",
                                                 j["reply"].get<std::string>());
                if (!o.ok()) return funds_error(o.error());
                return Response::json(200, objection_json(*o));
              },
              {.summary = "处理异议：成立（撤销该资助）或不成立（维持）",
               .tags = {"funds", "allow:funds_officer"}});

  // ---- bank accounts
  router.get(
      "/api/v1/enterprises/{id}/bank-account",
      [&funds, &api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_known_enterprise(req, api.platform, *id)) return *denied;
        auto a = funds.bank_account(*id);
        if (!a.ok()) return funds_error(a.error());
        if (!*a) return Response::json(200, {{"enterprise_id", *id}, {"account", nullptr}});
        bool full = principal_of(req)->role == Role::kEnterpriseLegal;
        return Response::json(200, {{"enterprise_id", *id}, {"account", account_json(**a, full)}});
      },
      {.summary = "企业最近确认的收款账户（账号打码，企业法人本人可见全号）",
       .tags = {"funds", "allow:enterprise_legal,enterprise_agent,funds_officer,auditor",
                "own-enterprise"}});

  static const ObjectSchema kAccount{
      Field::string("account_name").optional().min_length(1).max_length(100),
      Field::string("bank_name").optional().min_length(1).max_length(100),
      Field::string("account_number").optional().min_length(6).max_length(40)};
  router.post(
      "/api/v1/funds/awards/{application_id}/account",
      [&api, &funds](Request& req) {
        Response err;
        auto id = id_param(req, "application_id", &err);
        if (!id) return err;
        auto app = api.services.applications->find(*id);
        if (!app.ok()) return funds_error(app.error());
        if (!*app) return Response::error(404, "not_found", "没有找到该申报");
        if (auto denied = require_enterprise_access(req, (*app)->enterprise_id)) return *denied;
        auto body = parse_json(req, kAccount);
        if (!body.ok()) return std::move(body).response();
        const json& j = body.value();
        std::optional<services::BankAccountInput> in;
        int given =
            j.contains("account_name") + j.contains("bank_name") + j.contains("account_number");
        if (given != 0 && given != 3)
          return Response::error(
              400, "bad_request.missing_field",
              "新账户须同时填写户名、开户行和账号；沿用已登记的账户则三项都不填");
        if (given == 3)
          in = services::BankAccountInput{j["account_name"].get<std::string>(), j["bank_name"].get<std::string>(),
                                         j["account_number"].get<std::string>()};
        auto a = funds.confirm_account(caller_of(req), *id, in);
        if (!a.ok()) return funds_error(a.error());
        return Response::json(200, {{"application_id", *id}, {"account", account_json(*a, true)}});
      },
      {.summary = "企业法人确认一项资助的收款账户（新填或沿用已登记的账户）",
       .tags = {"funds", "allow:enterprise_legal"}});

  // ---- disbursement batches
  static const ObjectSchema kBatch{Field::string("policy_id").min_length(1).max_length(100),
                                   Field::integer("year").optional().min(2000).max(2100),
                                   Field::string("name").optional().max_length(100)};
  router.post("/api/v1/funds/batches",
              [&funds](Request& req) {
                auto body = parse_json(req, kBatch);
                if (!body.ok()) return std::move(body).response();
                const json& j = body.value();
                std::optional<int> year;
                if (j.contains("year")) year = j["year"].get<int>();
                auto b =
                    funds.create_batch(caller_of(req), j["policy_id"].get<std::string>(), year, j.value("name", ""));
                if (!b.ok()) return funds_error(b.error());
                return Response::json(201, batch_json(*b));
              },
              {.summary = "新建拨付批次：公示通过且已确认收款账户、未列入其他批次的资助",
               .tags = {"funds", "allow:funds_officer"}});

  router.get(
      "/api/v1/funds/batches",
      [&funds](Request& req) {
        Response err;
        auto q = list_query(req, {"draft", "closed", "paid"}, &err);
        if (!q) return err;
        auto bs = funds.batches(q->status, q->policy_id, q->limit, q->offset);
        if (!bs.ok()) return funds_error(bs.error());
        json items = json::array();
        for (const auto& b : *bs) items.push_back(batch_json(b));
        return Response::json(200, {{"items", items}, {"offset", q->offset}, {"limit", q->limit}});
      },
      {.summary = "拨付批次列表", .tags = {"funds", "allow:funds_officer,auditor,leader"}});

  router.get("/api/v1/funds/batches/{id}",
             [&funds](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               auto b = funds.batch(*id);
               if (!b.ok()) return funds_error(b.error());
               if (!*b) return Response::error(404, "not_found", "没有找到该拨付批次");
               return Response::json(200, **b);
             },
             {.summary = "拨付批次及其明细（核定、实拨金额，账号打码）",
              .tags = {"funds", "allow:funds_officer,auditor,leader"}});

  router.post("/api/v1/funds/batches/{id}/close",
              [&funds](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto b = funds.close_batch(caller_of(req), *id);
                if (!b.ok()) return funds_error(b.error());
                return Response::json(200, batch_json(*b));
              },
              {.summary = "结算批次：按政策的预算控制（先到先得或按比例核减）确定每笔实拨金额",
               .tags = {"funds", "allow:funds_officer"}});

  router.post("/api/v1/funds/batches/{id}/pay",
              [&funds](Request& req) {
                Response err;
                auto id = id_param(req, "id", &err);
                if (!id) return err;
                auto b = funds.pay_batch(caller_of(req), *id);
                if (!b.ok()) return funds_error(b.error());
                return Response::json(200, batch_json(*b));
              },
              {.summary = "确认批次已拨付：资助状态改为已拨付并通知企业",
               .tags = {"funds", "allow:funds_officer"}});

  router.get("/api/v1/funds/batches/{id}/export",
             [&funds](Request& req) {
               Response err;
               auto id = id_param(req, "id", &err);
               if (!id) return err;
               return xlsx(funds.batch_xlsx(*id));
             },
             {.summary = "拨付清单导出为 Excel（含完整账号）",
              .tags = {"funds", "allow:funds_officer,auditor"}});

  // ---- 免申即享
  static const ObjectSchema kGrant{Field::string("policy_id").min_length(1).max_length(100)};
  router.post(
      "/api/v1/funds/auto-grants",
      [&funds](Request& req) {
        auto body = parse_json(req, kGrant);
        if (!body.ok()) return std::move(body).response();
        auto r = funds.auto_grant(caller_of(req), body.value()["policy_id"].get<std::string>());
        if (!r.ok()) return funds_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "免申即享：向符合条件、尚未获得的企业直接发放（发布时已自动执行，此处可补发）",
       .tags = {"funds", "allow:funds_officer,policy_officer"}});

  // ---- working days
  router.get("/api/v1/funds/calendar",
             [&funds](Request& req) {
               auto from = parse_date(req.query_param("from").value_or(""));
               if (!from)
                 return Response::error(400, "bad_request.bad_query",
                                        "from 应为 YYYY-MM-DD 格式的日期");
               Response err;
               auto days = int_query(req, "days", 5, 1, 60, &err);
               if (!days) return err;
               const auto& cal = funds.calendar();
               int32_t start = cal.next_workday(*from);
               int32_t end = cal.period_end(start, static_cast<int>(*days));
               json off = json::array();
               for (int32_t d = *from; d <= end; ++d)
                 if (!cal.is_workday(d)) off.push_back(format_date(d));
               return Response::json(
                   200, {{"from", format_date(*from)},
                         {"days", *days},
                         {"start_on", format_date(start)},
                         {"end_on", format_date(end)},
                         {"non_working_days", off},
                         {"calendar_covers_year", cal.covers(civil_from_days(end).year)}});
             },
             {.summary = "工作日计算：从某日起 N 个工作日的起止日期（含法定节假日与调休）",
              .tags = {"funds", "any"}});

  // ---- timeline
  router.get(
      "/api/v1/applications/{id}/timeline",
      [&funds](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        auto t = funds.timeline(*id);
        if (!t.ok()) return funds_error(t.error());
        if (!*t) return Response::error(404, "not_found", "没有找到该申报");
        if (auto denied = require_enterprise_access(req, (**t)["enterprise_id"].get<int64_t>())) {
          if (denied->status == 404) return Response::error(404, "not_found", "没有找到该申报");
          return *denied;
        }
        return Response::json(200, **t);
      },
      {.summary =
           "申报的时间线：每一步（提交、秒批、审核、公示、异议、确认账户、拨付）与发给企业的消息",
       .tags = {"funds", "any"}});
}

}  // namespace zhida::http
