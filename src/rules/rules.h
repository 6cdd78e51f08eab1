// The rule language, from text to an evaluable Program: the one entry point
// the other layers use.
//
//   auto c = rules::compile(text, catalog, {.kind = RuleKind::kCondition,
//                                           .reference_year = 2025});
//   if (!c.ok()) show(c.issues);          // every error, with line and column
//   Tri t = evaluate_condition(*c.program, facts, ctx);
//
// Stages (one directory each): syntax/ (lexer, parser, printer) → checker/
// → planner/ (immutable Program) → runtime/ (evaluator, explanations).
#pragma once

#include <string_view>

#include "base/issue.h"
#include "rules/checker/checker.h"
#include "rules/planner/program.h"
#include "rules/runtime/evaluator.h"
#include "rules/runtime/explain.h"
#include "rules/syntax/ast.h"

namespace zhida::rules {

struct Compiled {
  ProgramPtr program;  // null when there are errors
  Issues issues;       // errors and warnings, in text order
  bool ok() const { return program != nullptr; }
};

// Parses, checks and plans. Never throws; every mistake is in `issues`.
Compiled compile(std::string_view text, const Schema& schema, const CheckOptions& options);

// Issues as text lines: "第 1 行第 5 列：未知的属性“营收”，是否指“营业收入”？"
std::string render_issues(const Issues& issues);

}  // namespace zhida::rules
