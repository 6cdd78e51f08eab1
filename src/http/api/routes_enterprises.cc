// Enterprises (C1): finding firms, and one firm's portrait — every fact with
// where it came from, its history, and what was known at a past moment.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/portrait_http.h"
#include "http/api/session.h"
#include "services/portrait/moment.h"

namespace zhida::http {

using nlohmann::json;

namespace {

std::optional<std::string> text_query(const Request& req, const char* name, size_t max, Response* err) {
  auto v = req.query_param(name);
  if (!v) return std::string();
  if (v->size() > max) {
    *err = Response::error(400, "bad_request.bad_query", fmt::format("查询参数“{}”太长（最多 {} 字节）", name, max));
    return std::nullopt;
  }
  return std::string(*v);
}

// The portrait and its unmasked sensitive reads, audited.
Response portrait_answer(const Request& req, Api& api, Result<json> r, const services::FactMasker& masker,
                         std::string_view what) {
  if (!r.ok()) return portrait_error(r.error());
  if (Status s = record_sensitive_reads(req, api, masker, what); !s.ok()) return portrait_error(s.error());
  return Response::json(200, *r);
}

}  // namespace

void register_enterprises_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/enterprises",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        Response err;
        services::PortraitService::SearchQuery q;
        auto text = text_query(req, "q", 200, &err);
        auto street = text_query(req, "street", 100, &err);
        auto industry = text_query(req, "industry", 100, &err);
        auto size = text_query(req, "size", 100, &err);
        auto sort = text_query(req, "sort", 200, &err);
        if (!text || !street || !industry || !size || !sort) return err;
        auto offset = int_query(req, "offset", 0, 0, 1000000000, &err);
        if (!offset) return err;
        auto limit = int_query(req, "limit", 20, 1, 200, &err);
        if (!limit) return err;
        q.q = *text;
        q.street = *street;
        q.industry = *industry;
        q.size = *size;
        if (!sort->empty()) q.sort = *sort;
        q.offset = *offset;
        q.limit = *limit;
        auto r = api.services.portrait->search(q);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "查找企业：按名称、统一社会信用代码或编号，按街道、行业、规模筛选，分页、排序（政府端）",
       .tags = {"enterprises", "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader"}});

  router.get(
      "/api/v1/enterprises/{id}",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        services::FactMasker masker(*principal_of(req), *id);
        return portrait_answer(req, api, api.services.portrait->portrait(*id, "", masker), masker, "企业画像");
      },
      {.summary = "企业画像：每项数据的取值、来源、数据时点、导入时间、属性说明与敏感级别，以及企业标签",
       .tags = {"enterprises", "any", "own-enterprise"}});

  router.get(
      "/api/v1/enterprises/{id}/history",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        auto attribute = text_query(req, "attribute", 200, &err);
        if (!attribute) return err;
        services::FactMasker masker(*principal_of(req), *id);
        return portrait_answer(req, api, api.services.portrait->history(*id, *attribute, masker), masker,
                               "企业数据历史");
      },
      {.summary = "一家企业某项数据（或全部数据）每次导入的取值，从早到晚", .tags = {"enterprises", "any", "own-enterprise"}});

  router.get(
      "/api/v1/enterprises/{id}/facts",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        auto as_of = req.query_param("as_of");
        if (!as_of || as_of->empty())
          return Response::error(400, "bad_request.missing_query",
                                 "缺少查询参数“as_of”（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS，北京时间）");
        auto when = services::parse_moment(*as_of, true);
        if (!when.ok()) return portrait_error(when.error());
        services::FactMasker masker(*principal_of(req), *id);
        return portrait_answer(req, api, api.services.portrait->portrait(*id, *when, masker), masker,
                               "企业某时点的数据");
      },
      {.summary = "某一时点平台掌握的企业数据（“某日我们对这家企业知道什么”）",
       .tags = {"enterprises", "any", "own-enterprise"}});
}

}  // namespace zhida::http
