// Issue: a user's mistake, reported as data with its position.
//
// Rule errors, bad CSV rows and bad policy files are all lists of issues: the
// caller shows every one of them together (a rule editor underlines each at
// its line and column). Positions are 1-based; columns count Unicode code
// points, which equal UTF-16 code units for all CJK text a rule contains, so
// a browser editor can use them directly.
#pragma once

#include <string>
#include <vector>

namespace zhida {

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  std::string code;     // machine-readable, e.g. "rule.unknown_attribute"
  std::string message;  // Chinese, for the user
  int line = 0;         // 1-based; 0 when the issue has no position
  int column = 0;       // 1-based, in code points
  int length = 0;       // code points the issue covers (for underlining), >= 0
  std::string field;    // where in a document: "P0003.conditions[1].rule"; may be empty

  bool is_error() const { return severity == Severity::kError; }
};

using Issues = std::vector<Issue>;

inline bool has_errors(const Issues& issues) {
  for (const Issue& i : issues)
    if (i.is_error()) return true;
  return false;
}

}  // namespace zhida
