// The OpenAPI document and the router agree: every route is documented with
// the same method and path (parameter names included), and every documented
// operation is a route.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "http/api/testing/api_fixture.h"

namespace zhida::http::testing {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

class OpenApi : public ApiFixture {};

TEST_P(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedPathIsARoute) {
  const nlohmann::json& doc = openapi_document();
  ASSERT_TRUE(doc.contains("paths"));
  std::set<std::pair<std::string, std::string>> routes, documented;
  for (const RouteInfo& r : router().routes()) routes.insert({lower(r.method), r.pattern});
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  for (const auto& [path, ops] : doc["paths"].items())
    for (const auto& [method, op] : ops.items())
      if (kMethods.count(method)) documented.insert({method, path});
  for (const auto& r : routes)
    EXPECT_TRUE(documented.count(r)) << r.first << " " << r.second << " is not in the OpenAPI document (openapi/<area>.json)";
  for (const auto& d : documented)
    EXPECT_TRUE(routes.count(d)) << d.first << " " << d.second << " is documented but is not a route";
}

TEST_P(OpenApi, DocumentedPathParametersMatchTheRoute) {
  const nlohmann::json& doc = openapi_document();
  for (const RouteInfo& r : router().routes()) {
    std::string m = lower(r.method);
    if (!doc["paths"].contains(r.pattern) || !doc["paths"][r.pattern].contains(m)) continue;
    const nlohmann::json& op = doc["paths"][r.pattern][m];
    std::set<std::string> declared;
    for (const nlohmann::json& p : op.value("parameters", nlohmann::json::array()))
      if (p.value("in", "") == "path") declared.insert(p.value("name", ""));
    std::set<std::string> want(r.param_names.begin(), r.param_names.end());
    EXPECT_EQ(declared, want) << r.method << " " << r.pattern << ": path parameters in the document";
    EXPECT_TRUE(op.contains("summary")) << r.method << " " << r.pattern;
  }
}

TEST_P(OpenApi, IsServedAndWellFormed) {
  ApiResponse r = get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json.value("openapi", ""), "3.0.3");
  EXPECT_TRUE(r.json["components"]["securitySchemes"].contains("session"));
  EXPECT_TRUE(r.json["components"]["securitySchemes"].contains("csrf"));
  // Every $ref points at a schema that exists.
  std::vector<const nlohmann::json*> stack = {&r.json};
  const auto& schemas = r.json["components"]["schemas"];
  while (!stack.empty()) {
    const nlohmann::json* j = stack.back();
    stack.pop_back();
    if (j->is_object()) {
      if (j->contains("$ref") && (*j)["$ref"].is_string()) {
        std::string ref = (*j)["$ref"];
        const std::string prefix = "#/components/schemas/";
        ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
        EXPECT_TRUE(schemas.contains(ref.substr(prefix.size()))) << "dangling " << ref;
      }
      for (const auto& [k, v] : j->items()) stack.push_back(&v);
    } else if (j->is_array()) {
      for (const auto& v : *j) stack.push_back(&v);
    }
  }
}

ZHIDA_API_TEST(OpenApi);

}  // namespace
}  // namespace zhida::http::testing
