// Matching (C3): what a firm can get, and the sandbox.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"
#include "http/json_body.h"
#include "services/policies/policies.h"

namespace zhida::http {

void register_matching_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/enterprises/{id}/matches",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        auto explain = bool_query(req, "explain", false, &err);
        if (!explain) return err;
        auto matches = api.services.matching->for_enterprise(*id, *explain);
        if (!matches) return Response::error(404, "not_found", "没有找到该企业");
        nlohmann::json items = nlohmann::json::array();
        int64_t match = 0, possible = 0;
        Decimal total;
        for (const auto& m : *matches) {
          if (m.verdict == rules::Tri::kTrue) {
            ++match;
            total = *add(total, m.award);
          }
          if (m.verdict == rules::Tri::kUnknown) ++possible;
          items.push_back(services::Matching::to_json(m));
        }
        return Response::json(200, {{"enterprise_id", *id},
                                    {"items", items},
                                    {"match", match},
                                    {"possible", possible},
                                    {"award_total", total.to_string()}});
      },
      {.summary = "一家企业对每项在实施政策的匹配结果（符合 / 可能符合 / 不符合）与可得金额", .tags = {"matching", "any", "own-enterprise"}});
  router.get(
      "/api/v1/enterprises/{id}/matches/{policy_id}",
      [&api](Request& req) {
        Response err;
        auto id = id_param(req, "id", &err);
        if (!id) return err;
        if (auto denied = require_enterprise_access(req, *id)) return *denied;
        auto pp = api.platform.policy(std::string(req.param("policy_id")));
        if (!pp) return Response::error(404, "not_found", "没有找到该政策");
        auto m = api.services.matching->explain(*id, pp);
        if (!m) return Response::error(404, "not_found", "没有找到该企业");
        return Response::json(200, services::Matching::to_json(*m));
      },
      {.summary = "一家企业对一项政策的逐条说明：每个条件的结果、取值、差距与缺少的数据", .tags = {"matching", "any", "own-enterprise"}});

  static const ObjectSchema kSandbox{Field::object("policy").optional(), Field::string("policy_id").optional(),
                                     Field::boolean("compare").optional(),
                                     Field::integer("list_limit").optional().min(0).max(1000)};
  router.post(
      "/api/v1/sandbox",
      [&api](Request& req) {
        if (auto denied = require_role(req, {Role::kPolicyOfficer, Role::kLeader, Role::kDataSteward})) return *denied;
        auto body = parse_json(req, kSandbox);
        if (!body.ok()) return std::move(body).response();
        const nlohmann::json& j = body.value();
        if (!j.contains("policy") && !j.contains("policy_id"))
          return Response::error(400, "bad_request.missing_field",
                                 "需要 policy（要推演的政策草稿）或 policy_id（推演已保存的草稿）");
        // The draft: as sent, or the one saved under policy_id (for those who
        // may not see that draft: the latest published version).
        nlohmann::json draft;
        bool from_body = j.contains("policy");
        std::string source = "body";
        if (from_body) {
          draft = j["policy"];
        } else {
          auto saved = api.services.policies->sandbox_source(*principal_of(req), j["policy_id"].get<std::string>());
          if (!saved.ok()) return error_response(saved.error());
          draft = std::move(saved->policy);
          source = saved->source;
        }
        if (!draft.contains("id") || draft["id"] == "") draft["id"] = j.value("policy_id", "SANDBOX");
        if (!draft.contains("name") || draft["name"] == "") draft["name"] = "沙盘推演";
        Issues issues;
        auto policy = api.platform.compile_policy(draft, issues);
        services::PolicyService::localize_issues(issues, draft["id"].is_string() ? draft["id"].get<std::string>() : "");
        if (!policy || has_errors(issues)) {
          size_t n = 0;
          for (const Issue& i : issues) n += i.is_error();
          return Response::error(400, "policy.invalid", fmt::format("政策有 {} 处错误，无法推演", n),
                                 services::PolicyService::issues_json(issues, from_body ? req.body : "", "policy"));
        }
        services::PublishedPolicyPtr published;
        if (j.value("compare", true)) published = api.platform.policy(policy->id);
        auto s = api.services.matching->sandbox(*policy, published ? published->policy.get() : nullptr,
                                                static_cast<size_t>(j.value("list_limit", 20)));
        nlohmann::json out = services::Matching::to_json(s);
        out["policy_id"] = policy->id;
        out["source"] = source;
        out["compared_version"] = published ? nlohmann::json(published->version) : nlohmann::json(nullptr);
        out["warnings"] = services::PolicyService::issues_json(issues, from_body ? req.body : "", "policy");
        return Response::json(200, out);
      },
      {.summary = "沙盘推演：草稿规则与奖励对全部企业的结果、按街道/行业/规模分布、与已发布版本相比的增减",
       .tags = {"matching", "policies", "allow:policy_officer,leader,data_steward"}});
}

}  // namespace zhida::http
