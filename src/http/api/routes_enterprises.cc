// Enterprises (C1): finding firms, and one firm's portrait — every fact with
// where it came from, its history, and what was known at a past moment.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/api/list_export.h"
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

// The search's query from the request; paging only when `paged` (the
// export takes every row, up to kMaxExportRows).
std::optional<services::PortraitService::SearchQuery> search_query(const Request& req, bool paged, Response* err) {
  services::PortraitService::SearchQuery q;
  auto text = text_query(req, "q", 200, err);
  auto street = text_query(req, "street", 100, err);
  auto industry = text_query(req, "industry", 100, err);
  auto size = text_query(req, "size", 100, err);
  auto sort = text_query(req, "sort", 200, err);
  if (!text || !street || !industry || !size || !sort) return std::nullopt;
  if (paged) {
    auto offset = int_query(req, "offset", 0, 0, 1000000000, err);
    if (!offset) return std::nullopt;
    auto limit = int_query(req, "limit", 20, 1, 200, err);
    if (!limit) return std::nullopt;
    q.offset = *offset;
    q.limit = *limit;
  } else {
    q.offset = 0;
    q.limit = kMaxExportRows;
  }
  q.q = *text;
  q.street = *street;
  q.industry = *industry;
  q.size = *size;
  if (!sort->empty()) q.sort = *sort;
  return q;
}

}  // namespace

void register_enterprises_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/enterprises",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        Response err;
        auto q = search_query(req, true, &err);
        if (!q) return err;
        auto r = api.services.portrait->search(*q);
        if (!r.ok()) return portrait_error(r.error());
        return Response::json(200, *r);
      },
      {.summary = "查找企业：按名称、统一社会信用代码或编号，按街道、行业、规模筛选，分页、排序（政府端）",
       .tags = {"enterprises", "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader"}});

  router.get(
      "/api/v1/enterprises.xlsx",
      [&api](Request& req) {
        if (auto denied = require_staff(req)) return *denied;
        Response err;
        auto q = search_query(req, false, &err);
        if (!q) return err;
        auto r = api.services.portrait->search(*q);
        if (!r.ok()) return portrait_error(r.error());
        ListExport e;
        e.what = "企业列表";
        e.columns = {{"企业编号", 10}, {"企业名称", 40}, {"统一社会信用代码", 22},
                     {"街道", 10},     {"行业门类", 12}, {"企业规模", 10}};
        std::string sort_name;
        if (!q->sort.empty()) {
          sort_name = q->sort[0] == '-' ? q->sort.substr(1) : q->sort;
          if (sort_name == "id") sort_name.clear();
          if (!sort_name.empty()) e.columns.push_back({sort_name, 16});
        }
        for (const json& it : (*r)["items"]) {
          std::vector<services::SheetCell> row = {cell(it, "id"),     cell(it, "name"),     cell(it, "uscc"),
                                                  cell(it, "street"), cell(it, "industry"), cell(it, "size")};
          if (!sort_name.empty()) {
            const json v = it.contains("sort_value") ? it["sort_value"] : json(nullptr);
            row.push_back(v.is_null() ? services::SheetCell(std::optional<int64_t>())
                                      : services::SheetCell(v.is_string() ? v.get<std::string>() : v.dump()));
          }
          e.rows.push_back(std::move(row));
          e.enterprises.push_back(it["id"].get<int64_t>());
        }
        e.total = (*r)["total"].get<int64_t>();
        std::string sort_text;
        if (!sort_name.empty()) sort_text = fmt::format("按{}{}", sort_name, q->sort[0] == '-' ? "从高到低" : "从低到高");
        e.filter_text = filter_text({{"关键词", q->q},
                                     {"街道", q->street},
                                     {"行业", q->industry},
                                     {"规模", q->size},
                                     {"排序", sort_text}});
        e.filter = {{"q", q->q}, {"street", q->street}, {"industry", q->industry}, {"size", q->size}, {"sort", q->sort}};
        return list_download(req, api, std::move(e));
      },
      {.summary = "导出企业查找结果为 Excel（筛选与排序同查找企业，全部行，至多 50000 行）",
       .tags = {"enterprises", "allow:policy_officer,reviewer,funds_officer,data_steward,auditor,leader"}});

  router.get(
      "/api/v1/enterprises/{id}",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        if (auto bad = check_purpose(req)) return *bad;
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
        if (auto bad = check_purpose(req)) return *bad;
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
        if (auto bad = check_purpose(req)) return *bad;
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
