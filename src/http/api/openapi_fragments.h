// The OpenAPI fragments of src/http/api/openapi/*.json, embedded at build time.
#pragma once

#include <string_view>
#include <vector>

namespace zhida::http {

const std::vector<std::string_view>& openapi_fragments();

}  // namespace zhida::http
