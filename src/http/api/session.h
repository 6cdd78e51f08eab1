// Who is asking, and may they: the session middleware of the JSON API
// (SPEC C10), installed by build_router() in front of every route.
//
// For every matched route it
//   1. (routes tagged "apikey") hands the request to the API-key verifier
//      and nothing else: no session, no CSRF check;
//   2. reads the session cookie, loads the session (Accounts::resolve: from
//      the database on every request, so logout and expiry act at once) and
//      sets the principal (set_principal in common.h);
//   3. refuses a state-changing request (POST, PUT, PATCH, DELETE) made with
//      a session unless its X-CSRF-Token header equals the session's CSRF
//      token: 403 auth.csrf (only the login route is exempt, tag
//      "csrf-exempt");
//   4. enforces the route's access tags (below): 401 unauthenticated, 403
//      forbidden; for enterprise users, a path parameter that names an
//      enterprise ({enterprise_id}, or {id} right after /enterprises/) must
//      be their own firm, else 404 — whatever the tags say.
//
// Access tags (RouteOptions::tags). Every route declares exactly one of
//   "public"                 anyone, signed in or not
//   "any"                    any signed-in user
//   "allow:<role>,<role>…"   these roles only (machine names of principal.h:
//                            enterprise_legal, enterprise_agent, policy_officer,
//                            reviewer, funds_officer, data_steward, auditor, leader)
//   "apikey"                 data sources with an API key (no session)
// plus "own-enterprise" when enterprise users may call it for their own firm
// only (the handler still checks objects it looks up, e.g. an application's
// firm, with require_enterprise_access). A route without an access tag is
// refused (500, logged) and fails authz_matrix_test.
//
//   router.get("/api/v1/enterprises/{id}/matches", h,
//              {.summary = "…", .tags = {"matching", "any", "own-enterprise"}});
//   router.post("/api/v1/sandbox", h,
//              {.summary = "…", .tags = {"allow:policy_officer,leader,data_steward"}});
//
// The session cookie: HttpOnly, SameSite=Strict, Secure (unless
// SessionConfig::secure_cookies is off: `zhida serve --insecure-cookies`, for
// plain HTTP to a non-loopback address), Path=/, no Max-Age (ends with the
// browser; the server ends it after 2 h idle / 12 h). See
// services/accounts/README.md for why.
//
// Thread-safety: the middleware and the helpers may run on any number of
// threads at once; SessionConfig is fixed before the server starts.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/response.h"
#include "http/router.h"
#include "services/accounts/accounts.h"
#include "services/accounts/mask.h"
#include "services/audit/audit.h"
#include "store/audit_store.h"

namespace zhida::http {

struct Api;

inline constexpr std::string_view kSessionCookie = "zhida_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// Authenticates a request to a route tagged "apikey": returns the principal
// the key acts as (the data source's account), or the response to send
// (401 with a Chinese message). Plug one in before the server starts:
//
//   api.session.api_key_verifier = [&keys](const Request& req) -> OrResponse<Principal> {
//     auto key = req.header("X-API-Key");
//     …
//   };
//
// Without a verifier, "apikey" routes answer 401 auth.api_key_required.
using ApiKeyVerifier = std::function<OrResponse<services::Principal>(const Request&)>;

struct SessionConfig {
  bool secure_cookies = true;
  // Peers (exact addresses) whose X-Forwarded-For is believed: a reverse
  // proxy in front of zhida. Empty: the peer's address is the client's.
  std::vector<std::string> trusted_proxies;
  ApiKeyVerifier api_key_verifier;
};

// A route's access declaration, parsed from its tags.
struct RouteAccess {
  bool is_public = false;
  bool any = false;
  bool apikey = false;
  bool own_enterprise = false;
  bool csrf_exempt = false;
  std::vector<services::Role> allow;
  std::string problem;  // non-empty: no access tag, several, or an unknown role

  bool declared() const { return problem.empty(); }
  // May a signed-in user with this role call the route (ignoring which firm)?
  bool allows(services::Role role) const;
};
RouteAccess route_access(const RouteInfo& route);

// The enterprise a path names for enterprise users ({enterprise_id}, or {id}
// right after an "enterprises" segment), or "" when none.
std::string enterprise_param(const RouteInfo& route);

// The middleware (build_router installs it).
Middleware session_middleware(Api& api);

// The request's session, set by the middleware; null when anonymous.
const services::UserSession* session_of(const Request& req);
// The client's address: the peer's, or X-Forwarded-For's last hop when the
// peer is a trusted proxy (set by the middleware; the peer's address before).
std::string client_ip(const Request& req);

// The session cookie, as login sets it and logout clears it.
void set_session_cookie(Response& response, std::string_view token, const SessionConfig& config);
void clear_session_cookie(Response& response, const SessionConfig& config);

// {id, username, display_name, role, role_zh, enterprise_id (null for
// staff), department}: the "user" of the login and /auth/me answers (which
// add enterprise_name, the firm's name from the replica: routes_auth.cc).
nlohmann::json principal_json(const services::Principal& p);

// ---- audit helpers for routes
// The request's user (or anonymous) and client address.
services::Actor actor_of(const Request& req);
// The audit record of an action by the request's user, timed by the
// platform's clock; append it with store::append_audit(tx, …) in the same
// transaction as the write.
store::AuditRecord audit_record(const Request& req, const Api& api, std::string action,
                                std::string target_type, std::string target_id,
                                const nlohmann::json& detail = nlohmann::json::object());
// The longest ?purpose= (in characters) that the routes showing sensitive
// values accept (the document's maxLength).
constexpr int kMaxPurposeLength = 200;
// A route that may show sensitive values checks the request's ?purpose=
// first: a 400 (bad_request.bad_query, naming purpose) when it is longer
// than kMaxPurposeLength characters or not UTF-8 text, so that the audit
// entry records it whole; nullopt when absent or fine.
std::optional<Response> check_purpose(const Request& req);
// Records the sensitive values a FactMasker showed unmasked (nothing when
// none): action data.sensitive_read, target the enterprise, detail {fields,
// route, purpose}. `purpose` says why (the request's ?purpose=, checked by
// check_purpose, is added when given).
Status record_sensitive_reads(const Request& req, Api& api, const services::FactMasker& masker,
                              std::string_view purpose);

}  // namespace zhida::http
