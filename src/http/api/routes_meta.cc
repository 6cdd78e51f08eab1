// The API about the API: the OpenAPI document, and what the login page
// needs to know about this server (whether it is the demo, and its accounts).
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"

namespace zhida::http {

namespace {

// {"demo":false}, or under `zhida demo` {"demo":true, "demo_password",
// "demo_accounts":[{username, role, role_zh, label}]}. The password is
// given only when it is the documented shared one (README) for every account.
nlohmann::json meta_json(const Api& api) {
  if (!api.demo_accounts) return {{"demo", false}};
  nlohmann::json accounts = nlohmann::json::array();
  bool shared = true;
  for (const services::demo::DemoAccount& a : *api.demo_accounts) {
    shared = shared && a.password == services::demo::kDemoPassword;
    auto role = services::parse_role(a.role);
    std::string label = a.display_name.empty() ? a.username : a.display_name;
    std::string_view scenario = services::demo::scenario_zh(a.scenario);
    if (!scenario.empty()) label += "：" + std::string(scenario);
    accounts.push_back({{"username", a.username},
                        {"role", a.role},
                        {"role_zh", role ? std::string(services::role_name_zh(*role)) : a.role},
                        {"label", label}});
  }
  nlohmann::json out = {{"demo", true}, {"demo_accounts", accounts}};
  out["demo_password"] = shared && !accounts.empty()
                             ? nlohmann::json(std::string(services::demo::kDemoPassword))
                             : nlohmann::json(nullptr);
  return out;
}

}  // namespace

void register_meta_routes(Router& router, Api& api) {
  router.get(
      "/api/v1/openapi.json", [](Request&) { return Response::json(200, openapi_document()); },
      {.summary = "本接口的 OpenAPI 3 文档", .tags = {"public", "meta"}});

  router.get(
      "/api/v1/meta",
      [&api](Request&) {
        Response r = Response::json(200, meta_json(api));
        r.set_header("Cache-Control", "no-store");
        return r;
      },
      {.summary = "服务器信息（登录页用）：是否为演示环境，演示环境下列出演示账户（用户名、角色、说明）",
       .tags = {"public", "meta"}});
}

}  // namespace zhida::http
