// Router: maps method + path to a handler, runs middleware, and turns every
// failure of a handler into the API's JSON error shape.
//
//   Router r;
//   r.use(session_middleware);                       // runs before every handler
//   r.get("/api/v1/enterprises/{id}/matches", list_matches,
//         {.summary = "企业的政策匹配结果", .tags = {"matches"}});
//   r.post("/api/v1/materials", upload, {.max_body_bytes = 50 << 20});
//
// Patterns are literal segments and whole-segment parameters "{name}". When
// several patterns match a path, the one with a literal segment at the first
// position where they differ wins ("/a/search" beats "/a/{id}").
// HEAD is served by the GET route unless a HEAD route exists.
//
// Errors:
//   - no route for the path: 404 {"error":{"code":"not_found",...}}
//   - the path exists with other methods: 405 method_not_allowed + Allow header
//   - a handler or middleware throws: 500 "internal", logged with the request
//     id; never a crash. (Handlers should return errors, not throw: this is
//     the safety net, not the error path.)
//
// Thread-safety: build the router (add/use) on one thread before the server
// starts; after that it is immutable and match/dispatch/handle may run on any
// number of threads at once. Handlers and middleware are called concurrently
// and must be thread-safe themselves.
//
// A malformed pattern ("api/x", "/a/{", "/a/{id}/{id}") or a second route for
// the same method and pattern shape is a programming error: it is logged and
// the process aborts at startup, in every build type.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace zhida::http {

using Handler = std::function<Response(Request&)>;

// Runs before the handler of every matched route, in the order added. It may
// fill req.user and req.attributes, and returns a Response to answer the
// request without calling the handler (e.g. 401, 403), or nullopt to go on.
// req.route is set when middleware runs, so it can read the route's tags.
using Middleware = std::function<std::optional<Response>(Request&)>;

struct RouteOptions {
  std::string summary;                     // one line, for the OpenAPI document
  std::vector<std::string> tags;           // free-form, e.g. {"auth"} or {"public"}
  std::optional<uint64_t> max_body_bytes;  // overrides ServerConfig::max_body_bytes
};

// What the router knows about one route: for middleware, for the server's
// body limit, and for checking the OpenAPI document against the routes.
struct RouteInfo {
  std::string method;                    // "GET", "POST", ...
  std::string pattern;                   // as registered, e.g. "/api/v1/enterprises/{id}"
  std::vector<std::string> param_names;  // {"id"}
  std::string summary;
  std::vector<std::string> tags;
  std::optional<uint64_t> max_body_bytes;

  bool has_tag(std::string_view tag) const;
};

namespace internal {
struct Route;
struct RouteNode;
}  // namespace internal

// The outcome of Router::match. Valid as long as the Router.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const RouteInfo* route = nullptr;  // kFound only
  std::string allow;                 // kMethodNotAllowed only: "GET, HEAD, POST"
  const internal::Route* entry = nullptr;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers handler for method (upper case) and pattern; see the file comment.
  void add(std::string_view method, std::string_view pattern, Handler handler,
           RouteOptions options = {});
  void get(std::string_view pattern, Handler h, RouteOptions o = {}) {
    add("GET", pattern, std::move(h), std::move(o));
  }
  void post(std::string_view pattern, Handler h, RouteOptions o = {}) {
    add("POST", pattern, std::move(h), std::move(o));
  }
  void put(std::string_view pattern, Handler h, RouteOptions o = {}) {
    add("PUT", pattern, std::move(h), std::move(o));
  }
  void patch(std::string_view pattern, Handler h, RouteOptions o = {}) {
    add("PATCH", pattern, std::move(h), std::move(o));
  }
  void del(std::string_view pattern, Handler h, RouteOptions o = {}) {
    add("DELETE", pattern, std::move(h), std::move(o));
  }

  // Appends middleware; see Middleware.
  void use(Middleware middleware);

  // Every route in registration order.
  std::vector<RouteInfo> routes() const;

  // Finds the route for method and decoded path segments (Request::segments).
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;

  // Answers req for a match made on it: sets req.params and req.route, runs
  // middleware and the handler, or builds the 404/405 error. Never throws.
  Response dispatch(Request& req, const RouteMatch& match) const;

  // match + dispatch.
  Response handle(Request& req) const { return dispatch(req, match(req.method, req.segments)); }

 private:
  std::unique_ptr<internal::RouteNode> root_;
  std::vector<std::unique_ptr<internal::Route>> routes_;
  std::vector<Middleware> middleware_;
};

// The 500 answer for a failure that escaped a handler; logs what with the
// request id. Shared by the router and the server.
Response internal_error(const Request& req, std::string_view what);

}  // namespace zhida::http
