// The demo district's corpus: its data catalog (about 110 attributes of an
// enterprise portrait) and its policy items (modelled on Bao'an's, in the
// project's own words), compiled into the executable from
// corpus/catalog.json and corpus/policies.json (see corpus.cmake), so that
// `zhida demo` and `zhida gen-district` work from any directory.
//
//   auto catalog = load_demo_catalog();
//   auto policies = load_demo_policies(**catalog);
//
// Thread-safety: the functions are reentrant; each call parses afresh.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/issue.h"
#include "base/result.h"
#include "portrait/catalog.h"
#include "portrait/policy.h"

namespace zhida::services::demo {

// The embedded JSON texts, as written in corpus/.
std::string_view demo_catalog_json();
std::string_view demo_policies_json();

// The catalog, parsed. Problems (none in a released build) go to `issues`.
Result<std::shared_ptr<const portrait::Catalog>> load_demo_catalog(Issues* issues = nullptr);

// The policy items, parsed and compiled against `catalog` (normally the demo
// catalog, or a table's catalog that extends it).
Result<std::vector<portrait::Policy>> load_demo_policies(const portrait::Catalog& catalog,
                                                         Issues* issues = nullptr);

}  // namespace zhida::services::demo
