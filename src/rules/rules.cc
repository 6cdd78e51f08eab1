#include "rules/rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "rules/syntax/parser.h"

namespace zhida::rules {

Compiled compile(std::string_view text, const Schema& schema, const CheckOptions& options) {
  Compiled out;
  ParseResult parsed = parse(text);
  out.issues = std::move(parsed.issues);
  if (parsed.root) check(*parsed.root, text, schema, options, out.issues);
  std::stable_sort(out.issues.begin(), out.issues.end(), [](const Issue& a, const Issue& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  if (parsed.root && !has_errors(out.issues))
    out.program = plan(*parsed.root, text, options.kind, options.reference_year);
  return out;
}

std::string render_issues(const Issues& issues) {
  std::string out;
  for (const Issue& i : issues) {
    out += fmt::format("{}第 {} 行第 {} 列：{}\n", i.is_error() ? "错误：" : "提示：", i.line,
                       i.column, i.message);
  }
  return out;
}

}  // namespace zhida::rules
