// Request: one HTTP request as handlers and middleware see it.
//
// A plain value with no Beast types in it. The server builds it from the wire
// (target decoded, headers copied, body moved in), the router adds the path
// parameters and the matched route, middleware fills `user` and `attributes`,
// and the handler reads it. A Request belongs to the one thread handling it:
// not synchronised. Handlers may keep copies; nothing in it points into server
// state except `route`, which lives as long as the Router.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/fields.h"

namespace zhida::http {

struct RouteInfo;

struct Request {
  std::string method;  // as sent, e.g. "GET", "POST"
  std::string target;  // raw request target as sent, e.g. "/api/v1/x?q=%E4%B8%AD"
  std::string path;    // percent-decoded path without the query, e.g. "/api/v1/x"
  // The path split at '/' and each piece decoded: an encoded "%2F" stays
  // inside its segment. "/api/v1/x" -> {"api", "v1", "x"}.
  std::vector<std::string> segments;
  Params query;     // decoded query parameters, in order, repeats kept
  Headers headers;  // as received; case-insensitive lookup
  Params cookies;   // parsed from every Cookie header
  std::string body;
  Params params;               // path parameters of the matched route: "{id}" -> params.get("id")
  std::string remote_address;  // peer IP address, e.g. "127.0.0.1" or "::1"
  uint16_t remote_port = 0;    // peer TCP port
  std::string id;              // per-request id, also sent back as X-Request-Id
  int http_version = 11;       // 10 or 11

  // Filled by middleware: the authenticated user's name for the request log
  // ("" is logged as "-"), and typed values for handlers (e.g. the session).
  std::string user;
  Attributes attributes;

  // The route that matched, set by the Router before middleware runs; null
  // for requests no route matched (static files, 404, 405).
  const RouteInfo* route = nullptr;

  // Convenience lookups.
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> query_param(std::string_view name) const {
    return query.get(name);
  }
  std::optional<std::string_view> cookie(std::string_view name) const { return cookies.get(name); }
  // A path parameter of the matched route; "" when the route has no such name.
  std::string_view param(std::string_view name) const { return params.get_or(name, ""); }

  // A request for method and target with path, segments and query filled in,
  // for tests and in-process calls. nullopt when the target is malformed (see
  // parse_target in url.h).
  static std::optional<Request> make(std::string_view method, std::string_view target,
                                     std::string body = {});
};

}  // namespace zhida::http
