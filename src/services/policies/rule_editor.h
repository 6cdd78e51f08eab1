// What a rule editor needs while the officer types (C2 "rule errors are
// shown with line and column while the officer types"): compile a rule and
// list every issue, describe the language (the vocabulary for completion and
// for the structured condition builder), and turn a rule into its syntax
// tree and back (rule_tree.h).
//
// Pure computation over a catalog: no database, no lock beyond taking the
// catalog pointer. A compile of a policy-sized rule against the demo
// catalog takes tens of microseconds; call it on every keystroke.
//
// Thread-safe: plain functions over immutable inputs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "portrait/catalog.h"
#include "rules/checker/checker.h"

namespace zhida::services {

// Longest rule text the editor endpoints take (bytes).
inline constexpr size_t kMaxRuleBytes = 64 * 1024;

// One issue as the API shows it: {severity, code, message, line, column,
// length} and, when set, field.
nlohmann::json issue_json(const Issue& issue);

// Compiles `rule` and reports:
//   {ok, normalized, type, type_zh, issues:[…], attributes:[{name, year}]}
// `normalized` is the canonical text when the rule parses (null otherwise);
// `type` the result type when it compiles (null otherwise).
nlohmann::json compile_rule(std::string_view rule, const portrait::Catalog& catalog,
                            const rules::CheckOptions& options);

// The syntax tree of `rule` (rule_tree.h), checked against the catalog so
// that nodes carry their types: {ok, tree, normalized, type, issues}. tree is
// null when the rule does not parse.
nlohmann::json parse_rule(std::string_view rule, const portrait::Catalog& catalog,
                          const rules::CheckOptions& options);

// The canonical text of a tree, then compiled: {rule, ok, normalized, type,
// issues, tree} (tree: the text parsed again, with ranges, so issues can be
// mapped to nodes). nullopt with `tree_issues` filled when the JSON is not
// a well-formed tree.
std::optional<nlohmann::json> print_rule(const nlohmann::json& tree,
                                         const portrait::Catalog& catalog,
                                         const rules::CheckOptions& options, Issues& tree_issues);

// The years each attribute has data for (from the replica), by attribute id.
using AttributeYears = std::vector<std::vector<int>>;

// The language and the catalog for an editor: attributes (name, type,
// periods, years, unit, values, source, description), functions with
// signatures and Chinese descriptions, operators, keywords, periods, units,
// and per type the operators a condition builder may offer.
nlohmann::json rule_vocabulary(const portrait::Catalog& catalog, const AttributeYears& years);

}  // namespace zhida::services
