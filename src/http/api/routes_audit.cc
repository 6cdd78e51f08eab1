// The audit trail (C9), for the auditor: search it, and check the chain.
// "Who saw this enterprise's data, why, and where did it go" is
// GET /api/v1/audit?target_type=enterprise&target_id=<id>.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/session.h"
#include "store/schema.h"

namespace zhida::http {

namespace {

using nlohmann::json;

bool is_timestamp(std::string_view s) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (s.size() != shape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i]) return false;
  return true;
}

// A time bound: a timestamp as is, or a date (China time): its midnight, or
// for an inclusive upper bound the next midnight.
std::optional<std::string> time_bound(std::string_view v, bool upper) {
  if (is_timestamp(v)) return std::string(v);
  auto day = parse_date(v);
  if (!day) return std::nullopt;
  auto t = std::chrono::system_clock::time_point(std::chrono::days(*day + (upper ? 1 : 0))) -
           std::chrono::hours(8);
  return store::format_timestamp(t);
}

}  // namespace

void register_audit_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/audit",
      [&api](Request& req) {
        Response err;
        store::AuditFilter f;
        auto offset = int_query(req, "offset", 0, 0, 1'000'000'000'000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 50, 1, 1000, &err);
        if (!limit) return err;
        f.offset = *offset;
        f.limit = *limit;
        auto text = [&](const char* name, size_t max) {
          auto v = req.query_param(name);
          return v ? std::string(v->substr(0, max)) : std::string();
        };
        f.username = text("user", 64);
        if (req.query_param("user_id")) {
          auto uid = int_query(req, "user_id", 0, 0, 999'999'999'999'999'999, &err);
          if (!uid) return err;
          f.user_id = *uid;
        }
        f.action = text("action", 64);
        f.target_type = text("target_type", 32);
        f.target_id = text("target_id", 64);
        for (auto [name, upper, out] : {std::tuple{"from", false, &f.from}, std::tuple{"to", true, &f.to}}) {
          std::string v = text(name, 32);
          if (v.empty()) continue;
          auto bound = time_bound(v, upper);
          if (!bound)
            return Response::error(400, "bad_request.bad_query",
                                   fmt::format("查询参数“{}”应为日期（2026-11-27）或时间戳（2026-11-27T08:00:00.000Z）",
                                               name));
          *out = *bound;
        }
        std::string order = text("order", 8);
        if (!order.empty() && order != "asc" && order != "desc")
          return Response::error(400, "bad_request.bad_query", "查询参数“order”应为 asc 或 desc");
        f.newest_first = order != "asc";
        auto page = api.services.audit->query(f);
        if (!page.ok()) return error_response(page.error());
        json items = json::array();
        for (const auto& e : page->items) items.push_back(services::audit_entry_json(e));
        // Reading the trail is itself on the trail.
        json filter = json::object();
        for (const auto& [k, v] : req.query) filter[k] = v;
        Status st = api.services.audit->record(audit_record(req, api, "audit.query", "audit", "", {{"filter", filter}, {"total", page->total}}));
        if (!st.ok()) return error_response(st.error());
        return Response::json(200, {{"items", items}, {"total", page->total}, {"offset", f.offset}, {"limit", f.limit}});
      },
      {.summary = "审计日志查询：按用户、操作、对象、时间筛选，分页（target_type=enterprise&target_id=… 即“谁看了这家企业的数据、为什么、流向哪里”）",
       .tags = {"audit", "allow:auditor"}});

  router.get(
      "/api/v1/audit/verify",
      [&api](Request& req) {
        auto c = api.services.audit->verify();
        if (!c.ok()) return error_response(c.error());
        json out = {{"ok", c->ok}, {"entries", c->entries}, {"last_seq", c->last_seq}};
        if (!c->ok) {
          out["bad_seq"] = c->bad_seq;
          out["problem"] = c->problem;
          out["message"] = c->message;
        } else {
          out["message"] = fmt::format("审计链完整：共 {} 条记录，哈希逐条核对无误", c->entries);
        }
        Status st = api.services.audit->record(audit_record(req, api, "audit.verify", "audit", "", {{"ok", c->ok}, {"entries", c->entries}}));
        if (!st.ok()) return error_response(st.error());
        return Response::json(200, out);
      },
      {.summary = "校验审计链：逐条重算哈希，报告第一条被修改或缺失的记录", .tags = {"audit", "allow:auditor"}});
}

}  // namespace zhida::http
