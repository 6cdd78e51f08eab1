// The parser: tokens to a syntax tree, by recursive descent over the grammar
// of RULES.md. Stops at the first syntax error (reported with its position);
// lexical issues are all reported.
#pragma once

#include <string_view>

#include "base/issue.h"
#include "rules/syntax/ast.h"

namespace zhida::rules {

struct ParseResult {
  NodePtr root;  // null when there were syntax errors
  Issues issues;
};

ParseResult parse(std::string_view text);

}  // namespace zhida::rules
