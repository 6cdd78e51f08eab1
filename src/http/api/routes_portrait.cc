// The portrait (C1): the data catalog and enterprises' facts.
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"

namespace zhida::http {

void register_portrait_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/catalog",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        return Response::json(200, api.platform.catalog()->to_json());
      },
      {.summary = "数据目录：每个属性的类型、年度、单位、来源部门、敏感级别和说明", .tags = {"portrait"}});
}

}  // namespace zhida::http
