#include <fstream>
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/openapi_fragments.h"

namespace zhida::http {

Router build_router(Api& api) {
  Router router;
  register_meta_routes(router, api);
  register_portrait_routes(router, api);
  register_policy_routes(router, api);
  register_matching_routes(router, api);
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
      if (f.contains("components"))
        for (auto& [name, schema] : f["components"]["schemas"].items()) d["components"]["schemas"][name] = schema;
    }
    return d;
  }();
  return doc;
}

}  // namespace zhida::http
