// What changed between two versions of a policy (or a version and the
// draft), as an officer reviewing a new version reads it: conditions added,
// removed and changed, the award formula, and every other term (window,
// budget, caps, materials …) with its Chinese label.
//
// Works on the policy JSON alone (no catalog), so that any two stored
// versions can be compared even if the catalog has changed since: rules are
// compared in canonical form (parsed and printed), amounts as exact
// decimals ("500万" equals 5000000), absent fields as their defaults.
//
// Thread-safe: a plain function.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace zhida::services {

// {
//   "changed": bool,
//   "conditions": {"added":[{index, clause, rule, verifiable, material}],
//                  "removed":[…same, index in `before`],
//                  "changed":[{before_index, after_index, before:{…}, after:{…},
//                              fields:["rule","clause","verifiable","material"]}],
//                  "unchanged": n},
//   "award": {"changed": bool, "before": text|null, "after": text|null},
//   "terms": [{"field":"budget", "label":"预算", "before":…, "after":…}]
// }
// Conditions are paired first when identical, then by clause text, then by
// rule; what is left is removed (before) or added (after).
nlohmann::json policy_diff(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace zhida::services
