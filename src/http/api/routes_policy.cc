// Policies (C2): the published policies in force.
#include <nlohmann/json.hpp>

#include "base/date.h"
#include "http/api/api.h"
#include "http/api/common.h"

namespace zhida::http {

namespace {

nlohmann::json summary_json(const services::PublishedPolicy& pp) {
  const portrait::Policy& p = *pp.policy;
  nlohmann::json j = p.to_json();
  j["version"] = pp.version;
  j["status"] = pp.status;
  j["published_at"] = pp.published_at;
  j["fully_verifiable"] = p.fully_verifiable();
  return j;
}

}  // namespace

void register_policy_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/policies",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        nlohmann::json items = nlohmann::json::array();
        for (const auto& pp : api.platform.policies()) items.push_back(summary_json(*pp));
        return Response::json(200, {{"items", items}, {"total", items.size()}});
      },
      {.summary = "正在实施（已发布、未关闭）的政策", .tags = {"policies"}});
  router.get(
      "/api/v1/policies/{id}",
      [&api](Request& req) {
        if (auto denied = require_login(req)) return *denied;
        auto pp = api.platform.policy(std::string(req.param("id")));
        if (!pp) return Response::error(404, "not_found", "没有找到该政策");
        return Response::json(200, summary_json(*pp));
      },
      {.summary = "一项已发布政策的当前版本", .tags = {"policies"}});
}

}  // namespace zhida::http
