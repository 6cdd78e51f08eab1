#include "http/api/testing/authz_matrix.h"

#include <map>
#include <utility>
#include <vector>

#include "http/api/session.h"
#include "services/demo/accounts.h"

namespace zhida::http::testing {

namespace {

struct ParamEntry {
  std::string prefix;
  std::string name;
  ParamSupplier supplier;
};

// Function-local statics: registration happens from other files' static
// initialisers, in no particular order.
std::vector<ParamEntry>& params() {
  static std::vector<ParamEntry> v;
  return v;
}
std::map<std::pair<std::string, std::string>, BodySupplier>& bodies() {
  static std::map<std::pair<std::string, std::string>, BodySupplier> m;
  return m;
}

}  // namespace

bool register_path_param(std::string pattern_prefix, std::string name, ParamSupplier supplier) {
  params().push_back({std::move(pattern_prefix), std::move(name), std::move(supplier)});
  return true;
}

bool register_sample_body(std::string method, std::string pattern, BodySupplier supplier) {
  bodies()[{std::move(method), std::move(pattern)}] = std::move(supplier);
  return true;
}

const ParamSupplier* find_path_param(const std::string& pattern, const std::string& name) {
  const ParamEntry* best = nullptr;
  for (const ParamEntry& e : params()) {
    if (e.name != name || pattern.rfind(e.prefix, 0) != 0) continue;
    if (!best || e.prefix.size() > best->prefix.size()) best = &e;
  }
  return best ? &best->supplier : nullptr;
}

const BodySupplier* find_sample_body(const std::string& method, const std::string& pattern) {
  auto it = bodies().find({method, pattern});
  return it == bodies().end() ? nullptr : &it->second;
}

std::string fill_path(const RouteInfo& route, const ParamContext& ctx, std::set<std::string>* unknown) {
  std::string path = route.pattern;
  std::string ent = enterprise_param(route);
  for (const std::string& name : route.param_names) {
    std::string value;
    if (const ParamSupplier* s = find_path_param(route.pattern, name)) {
      value = (*s)(ctx);
    } else if (name == ent) {
      value = std::to_string(ctx.enterprise_id);
    } else if (name == "policy_id" || (name == "id" && route.pattern.rfind("/api/v1/policies/{id}", 0) == 0)) {
      value = std::string(services::demo::kInstantPolicy);
    } else {
      value = "1";
      if (unknown) unknown->insert(route.method + " " + route.pattern + " {" + name + "}");
    }
    std::string token = "{" + name + "}";
    path.replace(path.find(token), token.size(), value);
  }
  return path;
}

nlohmann::json sample_body(const RouteInfo& route, const ParamContext& ctx) {
  if (const BodySupplier* b = find_sample_body(route.method, route.pattern)) return (*b)(ctx);
  return nlohmann::json::object();
}

}  // namespace zhida::http::testing
