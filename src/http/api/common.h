// What every route handler needs: who is asking and may they, turning
// errors into responses, reading ids from the path.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "base/issue.h"
#include "base/result.h"
#include "http/request.h"
#include "http/response.h"
#include "services/accounts/principal.h"
#include "services/platform/platform.h"

namespace zhida::http {

using services::Principal;
using services::Role;

// The signed-in user, set by the session middleware; null when anonymous.
const Principal* principal_of(const Request& req);
// Attaches the principal (the session middleware calls this).
void set_principal(Request& req, Principal p);

// 401 when nobody is signed in.
std::optional<Response> require_login(const Request& req);
// 401, or 403 when the user's role is not one of `roles`.
std::optional<Response> require_role(const Request& req, std::initializer_list<Role> roles);
// May the user see this enterprise's data? Enterprise users: only their own
// firm (anything else is 404, so that ids cannot be probed); staff roles:
// yes. 401 when anonymous.
std::optional<Response> require_enterprise_access(const Request& req, int64_t enterprise_id);
// require_enterprise_access, and 404 (the same answer) when the district has
// no such enterprise: for routes that would otherwise answer, or store
// settings, for any id.
std::optional<Response> require_known_enterprise(const Request& req, const services::Platform& platform,
                                                 int64_t enterprise_id);
// Staff roles (everyone but enterprise users); 403 otherwise.
std::optional<Response> require_staff(const Request& req);

// An operational or domain error as a response: db.not_found -> 404,
// db.unique_violation -> 409, *.invalid / bad input -> 400, others -> 500.
Response error_response(const Error& e);
// 400 with every issue listed in details (rule and file errors).
Response issues_response(const std::string& code, const std::string& message, const Issues& issues);

// A positive integer path parameter; 400 naming the parameter otherwise.
std::optional<int64_t> id_param(const Request& req, const std::string& name, Response* error);
// A query parameter "true" or "false"; default when absent; 400 otherwise.
std::optional<bool> bool_query(const Request& req, const std::string& name, bool def, Response* error);
// A query parameter as a non-negative integer in [min, max]; default when absent.
std::optional<int64_t> int_query(const Request& req, const std::string& name, int64_t def, int64_t min, int64_t max,
                                 Response* error);
// A list's page: offset (default 0) and limit (default 50, at most max_limit)
// query parameters; 400 for anything else.
struct Paging {
  int offset = 0;
  int limit = 50;
};
std::optional<Paging> paging_query(const Request& req, Response* error, int64_t max_limit = 500);
// The same, written into a query's offset and limit; false (with *error) for a bad page.
template <typename Query>
bool page_into(const Request& req, Query& q, Response* error) {
  auto page = paging_query(req, error);
  if (!page) return false;
  q.offset = page->offset;
  q.limit = page->limit;
  return true;
}

}  // namespace zhida::http
