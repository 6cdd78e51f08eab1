// Statistics (C8): the headline figures of the platform for a period, in
// total and by street, department or month.
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/common.h"

namespace zhida::http {

void register_stats_routes(Router& router, Api& api) {
  router.get("/api/v1/stats",
             [&api](Request& req) {
               services::StatsQuery q;
               int32_t today = api.platform.clock().today();
               CivilDate now = civil_from_days(today);
               auto date = [&](const char* name, int32_t def) -> std::optional<int32_t> {
                 auto v = req.query_param(name);
                 if (!v) return def;
                 return parse_date(*v);
               };
               auto from = date("from", days_from_civil({now.year, 1, 1}));
               auto to = date("to", today);
               if (!from || !to)
                 return Response::error(400, "bad_request.bad_query",
                                        "from、to 应为 YYYY-MM-DD 格式的日期");
               q.from = *from;
               q.to = *to;
               q.by = std::string(req.query_param("by").value_or(""));
               if (q.to - q.from > 366 * 20)
                 return Response::error(400, "bad_request.bad_query", "统计区间不能超过 20 年");
               auto out = api.services.stats->headline(q);
               if (!out.ok()) {
                 if (out.error().code == "stats.invalid")
                   return Response::error(400, "bad_request.bad_query", out.error().message);
                 return error_response(out.error());
               }
               return Response::json(200, *out);
             },
             {.summary = "核心指标：政策事项、申报、核定与拨付金额、秒批率（按件数、按金额）、受益"
                         "企业、推送次数，可按街道/部门/月份分组",
              .tags = {"stats",
                       "allow:leader,policy_officer,funds_officer,auditor,data_steward,reviewer"}});
}

}  // namespace zhida::http
