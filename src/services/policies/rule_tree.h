// A rule's syntax tree as JSON, for the web UI's condition builder: the
// builder edits the tree, the text editor edits the text, and the two meet
// through POST /api/v1/rules/parse (text → tree) and /rules/print
// (tree → canonical text). One JSON object per node, `kind` first:
//
//   {"kind":"number","text":"500万","value":"5000000","unit":"万"}   unit: "", 万, 亿, %
//   {"kind":"string","value":"宝安区"}
//   {"kind":"bool","value":true}          {"kind":"null"}
//   {"kind":"list","items":[node…]}
//   {"kind":"attr","name":"营业收入","period":"上年度"}               period optional: 2024 /
//   上年度 / 前年度 / 本年度
//   {"kind":"call","name":"min","args":[node…]}
//   {"kind":"neg","operand":node}         {"kind":"not","operand":node}
//   {"kind":"and","operands":[node, node…]}   {"kind":"or", …}
//   {"kind":"compare","op":">=","left":node,"right":node}           op: == != < <= > >=
//   {"kind":"arith","op":"*","left":node,"right":node}              op: + - * /
//   {"kind":"in","left":node,"right":list-or-attr}
//   {"kind":"between","value":node,"low":node,"high":node}
//
// Trees made by the parser also carry "range" {line, column, end_line,
// end_column} (1-based, code points, end exclusive) and, once checked,
// "type" (int, money, bool …) and, on attributes, the resolved "year".
// Those, and any other key, are ignored when a tree is read back.
//
// Printing a tree and parsing the text gives the same tree (comments are
// not part of the tree). Thread-safe: plain functions.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "base/issue.h"
#include "rules/syntax/ast.h"

namespace zhida::services {

// The tree as JSON; with_ranges adds "range", and "type"/"year" when the
// checker annotated them.
nlohmann::json rule_tree_to_json(const rules::Node& node, bool with_ranges = true);

// Reads a tree. Every shape problem is appended to `issues` (code
// rule.bad_tree, Issue::field the path inside the tree, e.g.
// "operands[1].left"); returns null when there is any. A one-operand
// and/or is read as its operand. The tree is not checked against the
// catalog: print it and compile the text for that.
rules::NodePtr rule_tree_from_json(const nlohmann::json& j, Issues& issues);

// Whether two trees are the same rule (ranges and checker annotations aside).
bool same_tree(const rules::Node& a, const rules::Node& b);

}  // namespace zhida::services
