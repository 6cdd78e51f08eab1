// The JSON API under /api/v1: the services every route reaches, the router
// that holds the routes, and the OpenAPI document that describes them.
//
// Routes live in one file per area (routes_*.cc), each with a
// register_*_routes(Router&, Api&) function called by build_router(), and an
// OpenAPI fragment in openapi/<area>.json. A test checks that every route
// the router has is in the document, and the reverse.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/api/session.h"
#include "http/router.h"
#include "services/demo/accounts.h"
#include "services/services.h"

namespace zhida::http {

// What the routes work with. Owned by the app (zhida serve); outlives the
// server. Areas add their services here.
struct Api {
  services::Platform& platform;
  services::Services& services;
  // Session cookie attributes, trusted proxies, the API-key verifier
  // (http/api/session.h).
  SessionConfig session = {};
  // `zhida demo`: its accounts, which GET /api/v1/meta lists for the login
  // page (usernames, roles and what each shows; never a password but the
  // shared demo one). nullopt under `zhida serve`.
  std::optional<std::vector<services::demo::DemoAccount>> demo_accounts = std::nullopt;
};

// Every route of the API, with the session middleware in front.
Router build_router(Api& api);

// The OpenAPI 3 document (fragments merged), as served at /api/v1/openapi.json.
const nlohmann::json& openapi_document();

// ---- one function per area (routes_*.cc)
void register_meta_routes(Router& router, Api& api);
void register_portrait_routes(Router& router, Api& api);
void register_enterprises_routes(Router& router, Api& api);
void register_datasources_routes(Router& router, Api& api);
void register_tags_routes(Router& router, Api& api);
void register_policy_routes(Router& router, Api& api);
void register_rules_routes(Router& router, Api& api);
void register_matching_routes(Router& router, Api& api);
void register_messages_routes(Router& router, Api& api);
void register_funds_routes(Router& router, Api& api);
void register_stats_routes(Router& router, Api& api);
void register_auth_routes(Router& router, Api& api);
void register_users_routes(Router& router, Api& api);
void register_audit_routes(Router& router, Api& api);
void register_applications_routes(Router& router, Api& api);
void register_review_routes(Router& router, Api& api);

}  // namespace zhida::http
