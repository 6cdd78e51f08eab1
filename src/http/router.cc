#include "http/router.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace zhida::http {

namespace internal {

struct Route {
  RouteInfo info;
  Handler handler;
  // Position of each parameter in the path, parallel to info.param_names.
  std::vector<size_t> param_positions;
};

// A trie over path segments: literal children first, then one parameter
// child. Each node holds the routes whose pattern ends there, by method.
struct RouteNode {
  std::map<std::string, std::unique_ptr<RouteNode>, std::less<>> literals;
  std::unique_ptr<RouteNode> param;
  std::vector<const Route*> routes;  // at most one per method

  const Route* find(std::string_view method) const {
    for (const Route* r : routes)
      if (r->info.method == method) return r;
    return nullptr;
  }
};

}  // namespace internal

namespace {

using internal::Route;
using internal::RouteNode;

[[noreturn]] void bad_route(std::string_view method, std::string_view pattern,
                            std::string_view why) {
  // Startup-time programming error: stderr, whatever the logger's setup.
  fmt::print(stderr, "http: cannot register route {} {}: {}\n", method, pattern, why);
  std::abort();
}

bool is_param_name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_method(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Collects, in precedence order, every node at which segments[i..] ends.
void collect(const RouteNode& node, const std::vector<std::string>& segments, size_t i,
             std::vector<const RouteNode*>& out) {
  if (i == segments.size()) {
    if (!node.routes.empty()) out.push_back(&node);
    return;
  }
  if (auto it = node.literals.find(segments[i]); it != node.literals.end()) {
    collect(*it->second, segments, i + 1, out);
  }
  if (node.param && !segments[i].empty()) collect(*node.param, segments, i + 1, out);
}

const Route* route_for(const RouteNode& node, std::string_view method) {
  if (const Route* r = node.find(method)) return r;
  if (method == "HEAD") return node.find("GET");
  return nullptr;
}

}  // namespace

bool RouteInfo::has_tag(std::string_view tag) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

Router::Router() : root_(std::make_unique<RouteNode>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(std::string_view method, std::string_view pattern, Handler handler,
                 RouteOptions options) {
  if (!is_method(method)) bad_route(method, pattern, "method must be upper-case letters");
  if (pattern.empty() || pattern.front() != '/') bad_route(method, pattern, "must start with '/'");
  if (!handler) bad_route(method, pattern, "empty handler");

  auto route = std::make_unique<Route>();
  route->info.method = std::string(method);
  route->info.pattern = std::string(pattern);
  route->info.summary = std::move(options.summary);
  route->info.tags = std::move(options.tags);
  route->info.max_body_bytes = options.max_body_bytes;
  route->handler = std::move(handler);

  RouteNode* node = root_.get();
  std::string_view rest = pattern.substr(1);
  size_t position = 0;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty()) bad_route(method, pattern, "empty segment");
    if (slash != std::string_view::npos && rest.empty()) {
      bad_route(method, pattern, "trailing '/'");
    }
    if (seg.front() == '{') {
      if (seg.back() != '}') bad_route(method, pattern, "unterminated parameter");
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!is_param_name(name)) bad_route(method, pattern, "bad parameter name");
      auto& names = route->info.param_names;
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        bad_route(method, pattern, "repeated parameter name");
      }
      names.emplace_back(name);
      route->param_positions.push_back(position);
      if (!node->param) node->param = std::make_unique<RouteNode>();
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        bad_route(method, pattern, "a parameter must be a whole segment");
      }
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<RouteNode>()).first;
      }
      node = it->second.get();
    }
    ++position;
  }
  if (node->find(method)) bad_route(method, pattern, "a route with this shape already exists");
  node->routes.push_back(route.get());
  routes_.push_back(std::move(route));
}

void Router::use(Middleware middleware) {
  middleware_.push_back(std::move(middleware));
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r->info);
  return out;
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  RouteMatch m;
  std::vector<const RouteNode*> nodes;
  collect(*root_, segments, 0, nodes);
  for (const RouteNode* node : nodes) {
    if (const Route* r = route_for(*node, method)) {
      m.kind = RouteMatch::Kind::kFound;
      m.entry = r;
      m.route = &r->info;
      return m;
    }
  }
  if (nodes.empty()) return m;
  std::vector<std::string_view> methods;
  for (const RouteNode* node : nodes) {
    for (const Route* r : node->routes) {
      methods.push_back(r->info.method);
      if (r->info.method == "GET") methods.push_back("HEAD");
    }
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  m.kind = RouteMatch::Kind::kMethodNotAllowed;
  for (std::string_view name : methods) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += name;
  }
  return m;
}

Response Router::dispatch(Request& req, const RouteMatch& match) const {
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound:
      return Response::error(404, "not_found",
                             fmt::format("接口不存在：{} {}", req.method, req.path));
    case RouteMatch::Kind::kMethodNotAllowed: {
      Response r = Response::error(405, "method_not_allowed",
                                   fmt::format("接口 {} 不支持 {} 方法", req.path, req.method));
      r.headers.set("Allow", match.allow);
      return r;
    }
    case RouteMatch::Kind::kFound:
      break;
  }
  const Route& route = *match.entry;
  req.route = &route.info;
  req.params.clear();
  for (size_t i = 0; i < route.param_positions.size(); ++i) {
    size_t pos = route.param_positions[i];
    if (pos < req.segments.size()) req.params.add(route.info.param_names[i], req.segments[pos]);
  }
  try {
    for (const Middleware& m : middleware_) {
      if (std::optional<Response> r = m(req)) return std::move(*r);
    }
    return route.handler(req);
  } catch (const std::exception& e) {
    return internal_error(req, e.what());
  } catch (...) {
    return internal_error(req, "unknown exception");
  }
}

Response internal_error(const Request& req, std::string_view what) {
  spdlog::error("http: request {} {} {} failed: {}", req.id.empty() ? "-" : req.id, req.method,
                req.path, what);
  return Response::error(
      500, "internal",
      fmt::format("服务器内部错误，请稍后重试（请求编号 {}）", req.id.empty() ? "-" : req.id));
}

}  // namespace zhida::http
