// The checker: resolves every attribute against the catalog (a Schema),
// infers and checks types, resolves periods, and reports every mistake
// together, each with its line and column. A tree that checks without errors
// can be planned and never fails at run time.
#pragma once

#include <optional>
#include <string_view>

#include "base/issue.h"
#include "rules/syntax/ast.h"
#include "rules/types.h"

namespace zhida::rules {

enum class RuleKind : uint8_t {
  kCondition,  // a rule: true / false / unknown
  kValue,      // an award formula or other numeric value
};

struct CheckOptions {
  RuleKind kind = RuleKind::kCondition;
  // The policy's reference year; 上年度/前年度/本年度 need it.
  std::optional<int> reference_year;
};

// Annotates `root` in place (types, attribute ids, years) and appends issues.
// `text` is the rule text the tree was parsed from (for messages).
void check(Node& root, std::string_view text, const Schema& schema, const CheckOptions& options,
           Issues& issues);

// The functions the language has, for messages and the editor's completion.
const std::vector<std::string_view>& function_names();

}  // namespace zhida::rules
