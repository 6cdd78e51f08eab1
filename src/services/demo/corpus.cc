#include "services/demo/corpus.h"

#include <nlohmann/json.hpp>

namespace zhida::services::demo {

Result<std::shared_ptr<const portrait::Catalog>> load_demo_catalog(Issues* issues) {
  auto doc = nlohmann::json::parse(demo_catalog_json(), nullptr, false);
  if (doc.is_discarded()) return Error("demo.bad_catalog", "内置的演示数据目录不是有效的 JSON");
  auto cat = portrait::Catalog::from_json(doc, issues);
  if (!cat.ok()) return cat.error();
  return std::shared_ptr<const portrait::Catalog>(
      std::make_shared<portrait::Catalog>(std::move(*cat)));
}

Result<std::vector<portrait::Policy>> load_demo_policies(const portrait::Catalog& catalog,
                                                         Issues* issues) {
  auto doc = nlohmann::json::parse(demo_policies_json(), nullptr, false);
  if (doc.is_discarded()) return Error("demo.bad_policies", "内置的演示政策文件不是有效的 JSON");
  return portrait::policies_from_json(doc, catalog, issues);
}

}  // namespace zhida::services::demo
