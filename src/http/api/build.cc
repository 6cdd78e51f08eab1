#include <fstream>
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/openapi_fragments.h"

namespace zhida::http {

Router build_router(Api& api) {
  Router router;
  router.use(session_middleware(api));  // sessions, CSRF, access tags (session.h)
  register_meta_routes(router, api);
  register_portrait_routes(router, api);
  register_enterprises_routes(router, api);
  register_datasources_routes(router, api);  // also installs the API-key verifier
  register_tags_routes(router, api);
  register_policy_routes(router, api);
  register_rules_routes(router, api);
  register_matching_routes(router, api);
  register_messages_routes(router, api);
  register_funds_routes(router, api);
  register_stats_routes(router, api);
  register_auth_routes(router, api);
  register_users_routes(router, api);
  register_audit_routes(router, api);
  register_applications_routes(router, api);
  register_review_routes(router, api);
  return router;
}

const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = [] {
    nlohmann::json d = {
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "zhida 直达 API"},
          {"version", "1"},
          {"description",
           "惠企政策直达平台的接口。错误一律为 {\"error\":{\"code\",\"message\"}}，message 为中文；"
           "写操作需在 X-CSRF-Token 头中带上登录时返回的 csrf_token。"}}},
        {"servers", nlohmann::json::array({{{"url", "/"}}})},
        {"paths", nlohmann::json::object()},
        {"components", {{"schemas", nlohmann::json::object()}}}};
    for (const auto& text : openapi_fragments()) {
      nlohmann::json f = nlohmann::json::parse(text);
      for (auto& [path, ops] : f["paths"].items())
        for (auto& [method, op] : ops.items()) d["paths"][path][method] = op;
      if (f.contains("components"))  // schemas, securitySchemes …
        for (auto& [kind, entries] : f["components"].items())
          for (auto& [name, value] : entries.items()) d["components"][kind][name] = value;
    }
    return d;
  }();
  return doc;
}

}  // namespace zhida::http
