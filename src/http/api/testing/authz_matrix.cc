#include "http/api/testing/authz_matrix.h"

#include <map>
#include <utility>
#include <vector>

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

}  // namespace zhida::http::testing
