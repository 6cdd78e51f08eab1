// Hooks for the authorisation matrix test (authz_matrix_test.cc), which
// calls every route of the router as every role and anonymously, and checks
// the route's access tags (http/api/session.h) are what the server does.
//
// The test fills path parameters itself for the ones it knows: an enterprise
// ({enterprise_id}, {id} after /enterprises/: the caller's own firm, and
// another firm for the cross-firm check), {policy_id} and /policies/{id} (a
// published demo policy), /users/{id} (a fresh account). For any other
// parameter it uses "1" — which still checks 401/403, but not much more. An
// area whose routes take ids of its own objects registers a supplier that
// creates (or finds) an object belonging to the given firm, from a static
// initialiser in its test file:
//
//   static const bool kApplicationIds = zhida::http::testing::register_path_param(
//       "/api/v1/applications/", "id", [](const zhida::http::testing::ParamContext& c) {
//         return std::to_string(make_application(c.platform, c.enterprise_id));
//       });
//
// and, when a write route should be called with a body that would succeed
// (so that "changes nothing without the CSRF header" means something):
//
//   static const bool kApplyBody = zhida::http::testing::register_sample_body(
//       "POST", "/api/v1/applications",
//       [](const zhida::http::testing::ParamContext&) { return nlohmann::json{{"policy_id", "BA-2025-025"}}; });
//
// Thread-safety: register from static initialisers (before main) only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "services/platform/platform.h"
#include "services/services.h"

namespace zhida::http::testing {

struct ParamContext {
  services::Platform& platform;
  services::Services& services;
  int64_t enterprise_id = 0;  // the firm the object must belong to
  std::string method;         // the route being called
  std::string pattern;
};

using ParamSupplier = std::function<std::string(const ParamContext&)>;
using BodySupplier = std::function<nlohmann::json(const ParamContext&)>;

// Supplies {name} for routes whose pattern starts with pattern_prefix ("" =
// any route). The longest matching prefix wins. Returns true (for use in a
// static initialiser).
bool register_path_param(std::string pattern_prefix, std::string name, ParamSupplier supplier);
// The body the matrix sends to method + pattern (default: {}).
bool register_sample_body(std::string method, std::string pattern, BodySupplier supplier);

// Used by the matrix tests.
const ParamSupplier* find_path_param(const std::string& pattern, const std::string& name);
const BodySupplier* find_sample_body(const std::string& method, const std::string& pattern);

// route.pattern with every parameter filled for a request about ctx.enterprise_id:
// a registered supplier, else the firm for the enterprise parameter, a
// published demo policy for {policy_id} and /policies/{id}, else "1" (then
// "METHOD pattern {name}" is added to *unknown when given).
std::string fill_path(const RouteInfo& route, const ParamContext& ctx, std::set<std::string>* unknown = nullptr);
// The registered sample body of the route, or {}.
nlohmann::json sample_body(const RouteInfo& route, const ParamContext& ctx);

}  // namespace zhida::http::testing
