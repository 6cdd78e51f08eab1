// The API about the API: the OpenAPI document.
#include <nlohmann/json.hpp>

#include "http/api/api.h"
#include "http/api/common.h"

namespace zhida::http {

void register_meta_routes(Router& router, Api&) {
  router.get(
      "/api/v1/openapi.json", [](Request&) { return Response::json(200, openapi_document()); },
      {.summary = "本接口的 OpenAPI 3 文档", .tags = {"public", "meta"}});
}

}  // namespace zhida::http
